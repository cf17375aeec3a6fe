"""Source metadata a reader can trust: titles that name the document, ids that say what it is.

Documents carry metadata nobody wrote on purpose: a DOCX's core title is often the template's
``Word Document``, a PDF printed from Word is titled ``Microsoft Word - report.docx``, and the
first line of a saved web page is often its page furniture (``대통령기록관 홈페이지로 이동합니다``,
``본문 바로가기``). Such a title would print in the brief's source notes, so ``sources add`` skips it
when read from the document and refuses it when given. A source id is made from the English title
(or the English publisher and the date), never from a bare number such as the ``2017`` of a Korean
file name, because the id is what every fact and citation shows.
"""

from __future__ import annotations

import re
import unicodedata

from wreport.inputs.text import HANGUL, squash_spaces

#: Titles that name a file or a template, not a document.
_GENERIC = re.compile(
    r"(?:word document|untitled(?: document)?|document\s*\d*|new document|microsoft (?:word|powerpoint|excel)\b.*"
    r"|powerpoint presentation|제목\s*없음|새\s*문서|문서\s*\d*|.*\.(?:docx?|hwpx?|pdf|pptx?|html?|txt))",
    re.IGNORECASE)
#: Words only a page's navigation uses: links to the home page, skip links, menus.
_FURNITURE = re.compile(
    r"홈페이지로\s*이동|바로\s*가기|메뉴\s*(?:열기|닫기)|로그인|사이트맵|skip to\b|go to (?:the )?home|main menu"
    r"|javascript|cookie", re.IGNORECASE)
_STOP_WORDS = frozenset({"a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "by", "with"})
#: How many of the title's words an id keeps (ids show in every citation, so short).
ID_WORDS = 5
#: How many lines of a text are looked at for a title.
TITLE_LINES = 40


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot name a source (generic, page furniture, no letters), or None."""
    squashed = squash_spaces(title)
    if not re.search(r"[^\W\d_]", squashed):
        return "it holds no words"
    if _GENERIC.fullmatch(squashed):
        return "it is a generic name a program gave the file, not the document's title"
    if _FURNITURE.search(squashed):
        return "it is the page's navigation (page furniture), not the document's title"
    return None


def title_from_text(text: str) -> str | None:
    """The first of the text's first lines that can be a title (not furniture, not generic), or None."""
    for number, line in enumerate(text.splitlines()):
        if number >= TITLE_LINES:
            break
        if line.strip() and title_problem(line) is None:
            return squash_spaces(line)[:200]
    return None


def needs_english(text: str) -> bool:
    """Whether a name holds Korean, so the English edition needs an English name beside it."""
    return HANGUL.search(text) is not None


def make_id(title_en: str, publisher_en: str | None, date: str, limit: int) -> str | None:
    """An id from the English title's first words and the year (``wonju-device-exports-2024``),
    else from the English publisher and the date (``kado-2017-06``); None when neither has a word."""
    year = date[:4]
    words = [word for word in _ascii_words(title_en) if word not in _STOP_WORDS][:ID_WORDS]
    if any(not word.isdigit() for word in words):
        return _joined([*words, *([] if year in words else [year])], limit)
    publisher = _ascii_words(publisher_en or "")
    if any(not word.isdigit() for word in publisher):
        return _joined([*publisher[:ID_WORDS], *date.split("-")[:2]], limit)
    return None


def id_problem(source_id: str) -> str | None:
    """Why an id says nothing of its source (digits only, as ``2017``), or None."""
    return "an id of digits only says nothing of the source" if not re.search(r"[a-z]", source_id) else None


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", folded)


def _joined(words: list[str], limit: int) -> str:
    text = "-".join(words)
    while len(text) > limit and "-" in text:  # drop whole words from the middle, keep the year
        words = [*words[:-2], words[-1]] if len(words) > 1 else words
        text = "-".join(words)
    return text[:limit].strip("-")
