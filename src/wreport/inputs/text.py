"""Text as a reader sees it, and which characters are Korean: one definition for every check.

A forbidden name written with a soft hyphen (Wonju Techno\u00adpark), a no-break space or a
zero-width space reads, in the PDF, exactly as the forbidden name; a Korean word written in
compatibility jamo (ㅇㅣ) or half-width jamo reads as Korean. :func:`reader_text` maps such text
to what the reader sees, so the checks match what a reader would, and :func:`search_key` is the
looser form look-ups compare (spacing, hyphens, middle dots and case ignored).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Hangul, every block: syllables; conjoining jamo and their extensions A and B; compatibility
# jamo; half-width jamo. NFKC maps the compatibility and half-width forms to conjoining jamo.
HANGUL_SYLLABLES = "\uac00-\ud7a3"
HANGUL_RANGES = f"{HANGUL_SYLLABLES}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u3130-\u318f\uffa0-\uffdc"
HANGUL = re.compile(f"[{HANGUL_RANGES}]")

# Characters a reader does not see: soft hyphen, zero-width space, non-joiner and joiner, word
# joiner, invisible operators, zero-width no-break space (BOM), Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"))
_SPACES = re.compile(r"[^\S\n]")  # any space but a newline (no-break, thin, ideographic...)
#: The one rule for characters no input may hold and no output may carry, however they were
#: written (raw bytes, a YAML or TOML escape, a template expression): C0 controls but tab, line
#: feed and carriage return (the escape character of terminal sequences among them), DEL and the
#: C1 controls (invisible; XML 1.0, so DOCX, TBX, HTML and PDF text, cannot hold most of them),
#: lone surrogates (no encoding can write them), the noncharacters U+FFFE and U+FFFF, and the
#: bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069), which reorder
#: what a reader sees: "in 2010" after U+202E displays as "0102 ni".
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_IGNORED_IN_SEARCH = re.compile(r"[\s\-\u2010-\u2015·ㆍ\u119e・]+")  # NFKC makes ㆍ U+119E


def reader_text(text: str) -> str:
    """``text`` as a reader sees it: invisible characters dropped, NFKC (compatibility forms
    such as full-width letters and jamo folded to their plain forms, conjoining jamo composed),
    and every kind of space written as a plain space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text.translate(_INVISIBLE)))


# Blocks whose every character is of the Latin, Hangul, Han, Common or Inherited script (Basic
# Latin to Latin Extended-A, General Punctuation to U+2044, CJK punctuation, CJK Unified Ideographs, Hangul):
# a name written only with them is at most UTS #39's "Korean" mix (Latin + Han + Hangul), so
# ICU is not asked about it. Every name of the real glossary is such, so the build and the
# preview, which load the glossary, never load ICU (tests/inputs/test_text.py checks the set
# against ICU itself).
KOREAN_MIX_ONLY = re.compile(f"[\x00-\u017f\u2000-\u2044\u3000-\u3003\u3008-\u3011\u4e00-\u9fff{HANGUL_RANGES}]*")
_WORD = re.compile(r"\w+")


@functools.cache
def _spoof_checker() -> Any:
    """ICU's UTS #39 implementation (PyICU, its data from Unicode's confusables.txt and script
    properties), loaded on first use: only ``check`` pays for it. Set to the "Highly
    Restrictive" level: one script, or Latin with Han and Hangul (Korean), Han and kana
    (Japanese) or Han and Bopomofo (Chinese)."""
    import icu

    checker = icu.SpoofChecker()
    checker.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL)
    checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
    return checker


@functools.lru_cache(maxsize=8192)
def _char_skeleton(char: str) -> str:
    """One character's UTS #39 skeleton as a reader sees it: nothing for an invisible one, a
    space for any space, else the skeleton of its NFKC form (full-width and mathematical letters
    are their plain letters first: confusables.txt maps some of them, NFKC maps all). Cached: a
    text repeats a few hundred distinct characters."""
    if ord(char) in _INVISIBLE:
        return ""
    if char.isspace():
        return " "
    return str(_spoof_checker().getSkeleton(0, unicodedata.normalize("NFKC", char)))


@dataclass(frozen=True)
class Skeleton:
    """A text's skeleton, case-folded, and for each of its characters the offset in the text of
    the character it comes from: a name found in the skeleton is then shown as it was written."""

    text: str
    offsets: tuple[int, ...]

    def span(self, found: re.Match[str]) -> tuple[int, int]:
        """Where a match in the skeleton lies in the original text (start, end)."""
        return self.offsets[found.start()], self.offsets[found.end() - 1] + 1

    def find(self, name: str) -> Iterator[re.Match[str]]:
        """Every place the skeleton holds ``name`` as whole words (:func:`look_alike_pattern`):
        not followed or preceded by a letter, digit or hyphen, and never empty (a name of
        invisible characters only). Checked here rather than in the pattern, whose plain letters
        then let the regular expression engine skip ahead (a look-behind first made the checks'
        scan of every glossary name 20 times slower)."""
        text = self.text
        for found in look_alike_pattern(name).finditer(text):
            start, end = found.span()
            if start < end and not (start and _WORD_CHAR.match(text, start - 1)) and not _WORD_CHAR.match(text, end):
                yield found


_WORD_CHAR = re.compile(r"[\w-]")


def skeleton(text: str) -> Skeleton:
    """``text``'s UTS #39 skeleton (confusables.txt, through ICU), character by character, then
    case-folded: each letter written as its prototype, so "Kоrea" with a Cyrillic о, Armenian
    օ, Cherokee Ꮶ, full-width Ｋ or mathematical 𝐊 all read as "korea", and a forbidden or
    agreed name typed with look-alike letters of any script is still found. Skeletons are
    case-sensitive before the folding (``m`` is ``rn`` but ``M`` is ``M``, ``I`` is ``l``):
    find names through :meth:`Skeleton.find`, which allows for it."""
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = _char_skeleton(char).casefold()
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    return Skeleton("".join(pieces), tuple(offsets))


def _any_case(char: str) -> str:
    """A pattern for the case-folded skeletons of ``char`` in any case: ``i`` is ``i`` but ``I``
    is ``l``, ``m`` is ``rn`` but ``M`` is ``m``; most letters have one."""
    forms = dict.fromkeys("".join(map(_char_skeleton, form)).casefold() for form in (char, char.upper(), char.lower()))
    escaped = [re.escape(form) for form in sorted(forms, key=len, reverse=True)]
    return escaped[0] if len(escaped) == 1 else f"(?:{'|'.join(escaped)})"


@functools.lru_cache(maxsize=1024)
def look_alike_pattern(name: str) -> re.Pattern[str]:
    """A name as a pattern over a :func:`skeleton`, in any case, any spaces between its words:
    it matches the name written in look-alike letters of any script, as well as written
    plainly (whole words: :meth:`Skeleton.find`). Kept: every edition looks for every name."""
    return re.compile(r" +".join("".join(map(_any_case, word)) for word in reader_text(name).split()))


def visible_text(text: str) -> str:
    """``text`` as written, without the characters a reader does not see and with every run of
    spaces as one: what a look-alike name is compared (and shown) as."""
    return squash_spaces(text.translate(_INVISIBLE))


def foreign_letters(written: str, name: str) -> list[str]:
    """The letters and digits of ``written`` that ``name`` does not have (case aside), each as
    "е U+0435 CYRILLIC SMALL LETTER IE": what makes a look-alike name another name."""
    own = set(name.casefold())
    odd = dict.fromkeys(char for char in written if char.isalnum() and char.casefold() not in own)
    return [f"{char} U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip() for char in odd]


def mixed_script_words(text: str) -> list[str]:
    """Where ``text`` mixes scripts beyond UTS #39's "Highly Restrictive" level (ICU): "Mеdical"
    with a Cyrillic е, "Ꮶorea" with a Cherokee Ꮶ. Hangul, Han and Latin together are the
    Korean mix and allowed (U-헬스, MFDS인증). The words that mix scripts on their own, else
    (a Cyrillic word beside a Latin one) the whole text; nothing when it holds no mix."""
    if KOREAN_MIX_ONLY.fullmatch(text) or not _mixes(text):
        return []
    return [word for word in _WORD.findall(text) if _mixes(word)] or [text]


def _mixes(text: str) -> bool:
    """Whether ICU finds ``text`` looser than "Highly Restrictive" (more than one script, other
    than a Chinese, Japanese or Korean mix with Latin)."""
    return bool(_spoof_checker().check(text))


def search_key(text: str) -> str:
    """Text as look-ups compare it: as a reader sees it, without spaces, hyphens, dashes and
    middle dots, case-folded (원주 혁신클러스터 = 원주혁신클러스터, mini-cluster = mini cluster)."""
    return _IGNORED_IN_SEARCH.sub("", reader_text(text)).casefold()


def squash_spaces(text: str) -> str:
    """Every run of whitespace (newlines included) as one space, none at the ends: how a sentence
    reads once the line breaks of its source or template are gone (the one rule for it)."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=64)
def quote_key(text: str) -> str:
    """Text as a quote is matched in its source: NFC, every whitespace removed (a source may lose
    its spaces or break lines anywhere in extraction). Facts, claims, the review and coverage
    all find quotes through it, so a quote found by one is found by all. Cached: every fact and
    claim of a source searches the same source text, which is worked out once."""
    return "".join(unicodedata.normalize("NFC", text).split())


#: Words that start a sentence or join a name's words without being a name themselves.
_NAME_LEADS = frozenset({"The", "A", "An", "In", "At", "By", "For", "On", "From", "With", "Its", "This", "These",
                         "Those", "Our", "Their", "Since", "After", "Before", "As", "And", "But", "Of", "To"})
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:(?:of|and|for|the|de)\s+)?[A-Z][\w'’.-]*)+")


def capitalised_names(text: str) -> list[str]:
    """The names an English text writes out: two or more capitalised words in a row (joined by
    *of*, *and*, *for*, *the* at most), without a sentence's leading *The*, *In*...: in "The Wonju
    Techno Valley grew", ``Wonju Techno Valley``. A single capitalised word is too often a
    sentence's first word to count."""
    names = []
    for match in _CAPITALISED_RUN.finditer(reader_text(text)):
        words = match.group().split()
        while words and words[0] in _NAME_LEADS:
            words.pop(0)
        if sum(1 for word in words if word[:1].isupper()) >= 2:
            names.append(" ".join(words))
    return names


@functools.lru_cache(maxsize=256)
def spaceless(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` as ``quote_key`` makes it (no whitespace; NFC per character, as inputs are NFC
    already) and, for each kept character, its offset in ``text``: the offsets say which figures
    of the source a quote found in it spans. Kept for the last few texts: a check
    looks every quote up in the same few sources."""
    kept: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if not char.isspace():
            for piece in unicodedata.normalize("NFC", char):
                kept.append(piece)
                offsets.append(index)
    return "".join(kept), tuple(offsets)


def occurrences(needle: str, haystack: tuple[str, tuple[int, ...]]) -> Iterator[tuple[int, int]]:
    """Every (start, end) offset in a text, given as ``spaceless(text)``, where ``needle`` occurs,
    whitespace aside."""
    squashed, offsets = haystack
    key, _ = spaceless(needle)
    if not key:
        return
    start = squashed.find(key)  # str.find, not a regex: no pattern compiled (and cached) per quote
    while start >= 0:
        end = start + len(key)
        yield offsets[start], offsets[end - 1] + 1
        start = squashed.find(key, end)


class Spans:
    """Stretches of a text, (start, end) offsets, asked whether one of them holds a given stretch:
    sorted once, then each question is a binary search. Testing every stretch for every question
    is quadratic when both are many (a context found at every figure of a long source, an agreed
    name around every forbidden one in a long edition)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []  # the furthest end of the stretches starting up to each one
        furthest = -1
        for _, end in ordered:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def hold(self, start: int, end: int) -> bool:
        """Whether a stretch starts at or before ``start`` and ends at or after ``end``."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.reach[index]


def holds_quote(text: str, quote: str) -> bool:
    """Whether ``text`` holds ``quote`` word for word, whitespace aside (facts' and claims' quotes)."""
    return quote_key(quote) in quote_key(text)

def unsafe_name(character: str) -> str:
    """What an :data:`UNSAFE` character is, for a message: "control character U+001B"."""
    code = ord(character)
    kind = ("lone surrogate" if 0xD800 <= code <= 0xDFFF else "noncharacter" if code in (0xFFFE, 0xFFFF)
            else "bidirectional control" if code >= 0x2000 else "control character")
    return f"{kind} U+{code:04X}"


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: each :data:`UNSAFE` character (an escape sequence's
    ESC, a bidi override) shown as its ``\\uXXXX`` code instead of acting on the terminal."""
    return UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
