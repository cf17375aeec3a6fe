"""Invisible marks that carry a fact or term id from a template helper, through Markdown, into the tree.

``fact()`` and ``term()`` print Markdown text, and a template may join, slice or pass that text on
(``"The " ~ term("wmit")``, a particle added by ``josa``), so the id cannot travel beside the
text: it travels inside it. A marked span is one opening character, the text, one closing
character. Opening characters are private-use code points (Supplementary Private Use Areas A
and B), one per fact or term of the edition, so they are not word characters (heading anchors
and emphasis rules read them as they read letters or nothing), never upper- or lower-cased, and
never confused with the template line marks (U+E000/U+E001). The Markdown converter turns them
into :attr:`wreport.render.document.Text.fact` / ``.term``; nothing downstream ever sees a mark character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

FACT = "fact"
TERM = "term"
CLAIM = "claim"  # a point, not a span: the segment it stands in rests on this claim
OWN = "own"  # a point: the segment is the brief's own analysis (its id is always "own")
POINTS = (CLAIM, OWN)
# Supplementary Private Use Area-A holds facts and claims, Area-B terms and the own-analysis mark.
_BASES = {FACT: 0xF0000, CLAIM: 0xF8000, TERM: 0x100000, OWN: 0x108000}
_SIZE = 0x7FFD  # code points per kind that may open a mark (Area-A ends with CLOSE)
CLOSE = "\U000FFFFD"  # the last private-use code point of Area-A: never an opening mark
_ANY = re.compile("[\U000F0000-\U0010FFFD]")


class MarkOverflowError(ValueError):
    """More distinct facts or terms in one edition than there are mark characters."""


@dataclass
class MarkTable:
    """The ids an edition's marks stand for: the n-th distinct fact (or term) opens with base + n."""

    ids: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in _BASES})
    _index: dict[tuple[str, str], int] = field(default_factory=dict)

    def wrap(self, kind: str, item_id: str, text: str) -> str:
        """``text`` marked as the printed form of fact or term ``item_id``."""
        key = (kind, item_id)
        if key not in self._index:
            if len(self.ids[kind]) >= _SIZE - 1:
                raise MarkOverflowError(f"more than {_SIZE - 1} distinct {kind}s in one edition")
            self._index[key] = len(self.ids[kind])
            self.ids[kind].append(item_id)
        return chr(_BASES[kind] + self._index[key]) + text + CLOSE

    def point(self, kind: str, item_id: str) -> str:
        """A mark with no text (claim, own analysis): it says what the segment it stands in rests on."""
        return self.wrap(kind, item_id, "")[:-1]

    def lookup(self, char: str) -> tuple[str, str] | None:
        """The (kind, id) an opening character stands for; None for a closing or unknown one."""
        code = ord(char)
        for kind, base in _BASES.items():
            index = code - base
            if 0 <= index < len(self.ids[kind]) and char != CLOSE:
                return kind, self.ids[kind][index]
        return None


def strip_marks(text: str) -> str:
    """``text`` without any mark character (for the Markdown users see, chart labels, messages)."""
    return _ANY.sub("", text)


def has_marks(text: str) -> bool:
    return _ANY.search(text) is not None


def pieces(text: str, table: MarkTable | None) -> Iterator[tuple[str, str]]:
    """``text`` as ("text", s), ("open", kind:id) and ("close", "") pieces, in order.

    An opening character the table does not know (``table`` None, or text from elsewhere) yields
    nothing: it is dropped like every other mark character.
    """
    start = 0
    for found in _ANY.finditer(text):
        if found.start() > start:
            yield "text", text[start:found.start()]
        start = found.end()
        char = found.group()
        if char == CLOSE:
            yield "close", ""
        elif table is not None and (item := table.lookup(char)) is not None:
            yield "open", f"{item[0]}:{item[1]}"
    if start < len(text):
        yield "text", text[start:]
