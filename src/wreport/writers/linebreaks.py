"""Where a Korean line may not break, for the standalone HTML a browser lays out: the house
rules (docs/house-style.md, "Korean line breaks") in one place.

A browser keeps a run of Hangul whole (``word-break: keep-all`` in screen.css), and UAX #14 keeps
Latin words and numbers whole. What Chromium still breaks is the seam between the two inside one
word of the text: "14.9%|를", "개발·|생산하는", a line starting with "·" (issue 20). So a U+2060
WORD JOINER goes at every seam of a word that holds Korean, where a Korean character meets one
that is not, and on both sides of a middle dot. That gives the four rules: a number stays with
its unit or particle, a Latin word with its particle ("industry의"), an opening bracket with what
follows, and no closing mark or ``·`` begins a line. Nothing else changes: Hangul next to Hangul
and Latin next to Latin get no joiner, so a search for "수출" or "industry" still finds the word.

The PDF's HTML joins every character of such a word instead
(:func:`wreport.writers.html.join_korean_words`): WeasyPrint keeps nothing whole by itself. The
DOCX gets no joiner: OOXML breaks a space-delimited language at word level unless told otherwise
(``w:wordWrap``), and LibreOffice 7.4 breaks at these seams whatever character sits there
(docs/docx.md, "Korean line breaks").
"""

from __future__ import annotations

import re

from wreport.inputs.text import HANGUL_RANGES

WORD_JOINER = "\u2060"
# Hangul syllables and jamo, and CJK ideographs (Hanja in Korean text).
KOREAN = re.compile(f"[{HANGUL_RANGES}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[^\s\u200b]+")  # a zero-width space is a break opportunity too
# Middle dots Korean writes between listed words (개발·생산): a line neither ends nor begins with one.
MIDDLE_DOTS = frozenset("\u00b7\u318d\u30fb\u2027")


def held_seams(text: str) -> list[int]:
    """The positions ``i`` of ``text`` where a line must not break between ``text[i]`` and
    ``text[i + 1]``: the script seams of each space-delimited word holding Korean, and both sides
    of a middle dot in it. Ascending; a word already holding a WORD JOINER is left as it is."""
    held: list[int] = []
    for word in WORD.finditer(text):
        letters = word.group()
        if WORD_JOINER in letters or not KOREAN.search(letters):
            continue
        for i, (left, right) in enumerate(zip(letters, letters[1:], strict=False)):
            seam = (KOREAN.match(left) is None) != (KOREAN.match(right) is None)
            if seam or left in MIDDLE_DOTS or right in MIDDLE_DOTS:
                held.append(word.start() + i)
    return held


def insert_after(segments: list[str], marks: dict[int, str]) -> list[str]:
    """``segments`` (adjacent runs of one line, e.g. a bold run then a plain one) with
    ``marks[i]`` inserted after character ``i`` of their concatenation, handed back in the same
    number and order: a word can span runs ("**수출**이"), so rules look at the whole line."""
    if not marks:
        return segments
    out: list[str] = []
    position = 0
    for segment in segments:
        pieces = []
        for char in segment:
            pieces.append(char)
            pieces.append(marks.get(position, ""))
            position += 1
        out.append("".join(pieces))
    return out


def hold_korean_words(segments: list[str]) -> list[str]:
    """``segments`` with a WORD JOINER at each seam :func:`held_seams` finds over their whole text."""
    return insert_after(segments, dict.fromkeys(held_seams("".join(segments)), WORD_JOINER))
