"""Korean particles (조사) that fit the word before them: 은/는, 이/가, 을/를, 과/와, (으)로, (이)다.

Which form a particle takes depends on how the word before it ends when read aloud: after a
final consonant (받침) 은, 이, 을, 과, 으로; after a vowel 는, 가, 를, 와, 로; and (으)로 takes
로 after ㄹ too (서울로, not 서울으로). Longer particles follow the same two patterns:
(으)로서, (으)로는 ...; and the copula (이)다, (이)며, (이)었다 (after a vowel 다, 며, 였다). A template cannot know this when a name comes from the
glossary or a figure from the fact set, and a name or figure that changes would silently leave
the wrong particle behind, so the template names the particle and this module picks the form.

A word is read by its last character: a Hangul syllable by its 받침; a number as Koreans read
it (10 십, 100 백, 1,000 천, 10,000 만, 1.5 오, 3 삼); a Latin letter by its Korean name, as an
abbreviation is read (OEM 엠, WHO 오, IoT 티); % as 퍼센트 and ㎡ / m² as 제곱미터. Brackets
at the end, such as 산업자원부(MOCIE), are passed over, as Korean usage chooses the particle by
the word outside them. Anything else (a Chinese character, a symbol) cannot be read with
confidence, and :func:`attach` says so rather than guess.

Libraries such as tossi pick by Hangul and digits and otherwise print both forms, 을(를); our
abbreviations and units need the choice made.
"""

from __future__ import annotations

import re

from wreport.inputs.text import HANGUL_SYLLABLES

# Each particle as a template writes it → (form after a final consonant, form after a vowel).
PARTICLES: dict[str, tuple[str, str]] = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
}
_ALIASES = {"는/은": "은/는", "가/이": "이/가", "를/을": "을/를", "와/과": "과/와", "으로/로": "(으)로",
            "로/으로": "(으)로"}
_RO, _COPULA = "(으)로", "(이)"  # open-ended: (으)로서, (이)었다 ...

NO_CODA, RIEUL, OTHER_CODA = "none", "ㄹ", "other"
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_INDEX = 8  # ㄹ among the 27 final consonants of a precomposed syllable

# How each digit ends when read (영 일 이 삼 사 오 육 칠 팔 구), and a round number's last unit:
# 십 백 천 all end in a consonant; of the myriads 만 억 조 경 (every fourth zero) only 조 does not.
_DIGIT_CODA = {"0": OTHER_CODA, "1": RIEUL, "2": NO_CODA, "3": OTHER_CODA, "4": NO_CODA, "5": NO_CODA,
               "6": OTHER_CODA, "7": RIEUL, "8": RIEUL, "9": NO_CODA}
_MYRIAD_CODA = (OTHER_CODA, OTHER_CODA, NO_CODA, OTHER_CODA)
# Latin letters by their Korean names: only 엘, 알, 엠, 엔 end in a consonant.
_LETTER_CODA = {"l": RIEUL, "r": RIEUL, "m": OTHER_CODA, "n": OTHER_CODA}
_SYMBOL_CODA = {"%": NO_CODA, "㎡": NO_CODA, "²": NO_CODA}  # 퍼센트, 제곱미터

_TRAILING_NUMBER = re.compile(r"(\d[\d,]*)(\.\d+)?$")
_TRAILING_BRACKETS = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])$")
_TRAILING_MARKS = "\"'”’」』》〉*_\\.,;:!? "


def attach(text: str, particle: str) -> str:
    """``text`` followed by the form of ``particle`` that fits how it ends (원주 + 은/는 → 원주는).

    Raises ValueError, saying why, for an unknown particle or an ending that cannot be read.
    """
    consonant_form, vowel_form = particle_forms(particle)
    coda = final_sound(text)
    if coda == NO_CODA or (coda == RIEUL and consonant_form.startswith("으로")):
        return text + vowel_form
    return text + consonant_form


def particle_forms(particle: str) -> tuple[str, str]:
    """The two forms of a particle written as 은/는 (either order), (으)로... or (이)...."""
    key = _ALIASES.get(particle.strip(), particle.strip())
    if key in PARTICLES:
        return PARTICLES[key]
    rest = key[len(_RO):] if key.startswith(_RO) else key[len(_COPULA):]
    if key.startswith(_RO) and re.fullmatch(f"[{HANGUL_SYLLABLES}]*", rest):
        return "으로" + rest, "로" + rest
    if key.startswith(_COPULA) and re.fullmatch(f"[{HANGUL_SYLLABLES}]+", rest):
        # After a vowel the copula's 이 drops (학교다), and 이었 contracts to 였 (학교였다).
        return "이" + rest, ("였" + rest[1:]) if rest.startswith("었") else rest
    raise ValueError(f"unknown particle {particle!r}; use one of: {', '.join(PARTICLES)}, (으)로 "
                     "(or (으)로서, (으)로는 ...) or the copula (이)다 (or (이)며, (이)었다 ...)")


def final_sound(text: str) -> str:
    """How ``text`` ends when read aloud: NO_CODA, RIEUL or OTHER_CODA (see the module notes)."""
    word = _reading_end(text)
    if not word:
        raise ValueError(f"nothing to attach a particle to in {text!r}")
    last = word[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        index = (ord(last) - _HANGUL_FIRST) % 28
        return NO_CODA if index == 0 else RIEUL if index == _RIEUL_INDEX else OTHER_CODA
    if last.isascii() and last.isdigit():
        return _number_coda(word)
    if last.isascii() and last.isalpha():
        return _LETTER_CODA.get(last.lower(), NO_CODA)
    if last in _SYMBOL_CODA:
        return _SYMBOL_CODA[last]
    raise ValueError(f"cannot tell how {word!r} ends when read aloud ({last!r}), so not which particle "
                     "follows it")


def _reading_end(text: str) -> str:
    """``text`` without what the ear skips at its end: closing marks and bracketed asides."""
    word = text.rstrip(_TRAILING_MARKS)
    while True:
        shorter = _TRAILING_BRACKETS.sub("", word).rstrip(_TRAILING_MARKS)
        if shorter == word or not shorter:
            return word
        word = shorter


def _number_coda(word: str) -> str:
    """How a number ending ``word`` is read: by its last digit, or by its unit if round (10 십)."""
    found = _TRAILING_NUMBER.search(word)
    assert found is not None, word  # the caller saw a digit last
    whole, fraction = found.group(1).replace(",", ""), found.group(2)
    if fraction or whole[-1] != "0" or int(whole) == 0:
        return _DIGIT_CODA[word[-1]]
    zeros = len(whole) - len(whole.rstrip("0"))
    if zeros % 4:
        return OTHER_CODA  # 십, 백, 천
    return _MYRIAD_CODA[min(zeros // 4, len(_MYRIAD_CODA)) - 1]
