"""Text as a reader sees it, and which characters are Korean: one definition for every check.

A forbidden name written with a soft hyphen (Wonju Techno\u00adpark), a no-break space or a
zero-width space reads, in the PDF, exactly as the forbidden name; a Korean word written in
compatibility jamo (ㅇㅣ) or half-width jamo reads as Korean. :func:`reader_text` maps such text
to what the reader sees, so the checks match what a reader would, and :func:`search_key` is the
looser form look-ups compare (spacing, hyphens, middle dots and case ignored).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

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


#: Cyrillic and Greek letters that UTS #39 (confusables.txt) takes for one Latin letter: the
#: prototypes of its skeletons for the scripts an English name can be forged in. One character
#: for one, so a skeleton keeps the offsets of the text it was made from.
_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУԚԜаеѕіјһԁԛԝорсухӏ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιονρ",  # Greek
    "ABESIJKMHOPCTXYQWaesijhdqwopcyxl"
    "ABEZHIKMNOPTYXaiovp")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# The Greek and Cyrillic blocks (with Greek Extended and Cyrillic Extended A-C): a quick test
# before naming each letter.
_CYRILLIC_OR_GREEK = re.compile("[\u0370-\u052f\u1c80-\u1c8f\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f]")


def skeleton(text: str) -> str:
    """``text`` with each Cyrillic or Greek look-alike of a Latin letter written as that letter
    (UTS #39's skeleton, for these scripts): "Kоrea" with a Cyrillic о is "Korea", so a forbidden
    or agreed name typed with letters of another script is still found. Same length as ``text``."""
    return text.translate(_LOOK_ALIKES)


def mixed_script_words(text: str) -> list[str]:
    """The words of ``text`` that mix Latin, Cyrillic and Greek letters (by their Unicode names):
    "Mеdical" with a Cyrillic е, which reads as the Latin word but is not it. Hangul beside Latin
    is not counted: Korean names write Latin abbreviations inside them."""
    mixed: list[str] = []
    if not _CYRILLIC_OR_GREEK.search(text):  # most names: nothing to look up letter by letter
        return mixed
    for word in re.findall(r"\w+", text):
        scripts = {unicodedata.name(char, "").partition(" ")[0] for char in word if char.isalpha()}
        if len(scripts & set(_SCRIPTS)) > 1:
            mixed.append(word)
    return mixed


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
    for found in re.finditer(re.escape(key), squashed):
        yield offsets[found.start()], offsets[found.end() - 1] + 1


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
