"""The redline: the new edition as its ordinary DOCX, with every change since a release tracked.

The new edition's document tree is copied and its changed segments rewritten with their words
marked inserted or deleted (:func:`wreport.releases.diff.word_changes`); a removed segment is put
back where it stood, deleted. The ordinary DOCX writer then writes it, turning marked runs into
``w:ins``/``w:del`` with the author and date (:class:`wreport.writers.ooxml.Revisions`), so the
redline has the fonts, styles and notes of the ordinary DOCX, and Word or LibreOffice can accept
or reject each change: accepting all gives the new edition's text, rejecting all the old one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from wreport.releases.diff import REMOVED, SegmentChange
from wreport.render.document import (
    Block,
    BlockQuote,
    Document,
    Figure,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Table,
    TableCell,
    Text,
)
from wreport.review.align import HEADING, ITEM, NOTE, ROW, Segment, segments
from wreport.writers.docx import render_docx
from wreport.writers.ooxml import Revisions

BLOCKS, ITEMS, ROWS = "blocks", "items", "rows"


@dataclass
class _Place:
    """Where a segment's node sits: the list holding it (blocks, list items or table rows), the
    node (None: before the first, for a table's header row), and its top-level block."""

    kind: str
    container: list[Any]
    node: Any
    top: Block


def _places(blocks: list[Block], out: dict[int, _Place], top: Block | None = None, kind: str = BLOCKS) -> None:
    """Each segment's place, keyed by the identity of its first part (the tree's own inline list)."""
    for block in blocks:
        outer = top or block
        if isinstance(block, (Heading, Paragraph)):
            out[id(block.children)] = _Place(kind, blocks, block, outer)
        elif isinstance(block, ListBlock):
            for item in block.items:
                _places(item, out, outer)
                if item and isinstance(item[0], Paragraph):
                    out[id(item[0].children)] = _Place(ITEMS, block.items, item, outer)
        elif isinstance(block, Table):
            out[id(block.caption)] = _Place(kind, blocks, block, outer)
            if block.header:
                out[id(block.header[0].children)] = _Place(ROWS, block.rows, None, outer)
            for row in block.rows:
                if row:
                    out[id(row[0].children)] = _Place(ROWS, block.rows, row, outer)
        elif isinstance(block, Figure):
            out[id(block.caption)] = _Place(kind, blocks, block, outer)
        elif isinstance(block, BlockQuote):
            _places(block.children, out, outer)


def _insert_after(container: list[Any], node: Any, made: Any) -> None:
    """Put ``made`` right after ``node`` in ``container`` (found by identity; None: first)."""
    at = next((i for i, x in enumerate(container) if x is node), -1) if node is not None else -1
    container.insert(at + 1, made)


class _Redline:
    """One edition's tree being marked: changed segments rewritten, removed ones put back."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.segments = segments(doc)
        self.places: dict[int, _Place] = {}
        _places(doc.blocks, self.places)
        self.cursor: dict[int | None, _Place] = {}  # where the next removed segment after a new one goes
        self.quotes: set[int] = set()  # the block quotes made to hold removed quoted paragraphs

    def mark(self, change: SegmentChange) -> None:
        """An added or changed segment's runs replaced, in place, by its marked runs."""
        assert change.new is not None  # added and changed segments are in the new edition
        for target, marked in zip(self.segments[change.new].parts, change.parts, strict=False):
            target[:] = marked

    def put_back(self, change: SegmentChange, old: Segment) -> None:
        """A removed segment, deleted, after the new segment it followed (or where it fits)."""
        if old.kind == NOTE or not change.parts:
            return  # a note goes with its marker, which the changed paragraph shows deleted
        place = self.cursor.get(change.after) or self._place_of(change.after)
        if old.kind == ITEM and place.kind == ITEMS:
            made: Any = [Paragraph(change.parts[0])]
        elif old.kind == ROW and place.kind == ROWS:
            width = max([len(place.container[0]) if place.container else 0, len(change.parts)])
            made = [TableCell(p) for p in change.parts] + [TableCell([]) for _ in range(width - len(change.parts))]
        elif old.kind not in (ITEM, ROW) and place.kind == BLOCKS:
            made = Heading(old.level, change.parts[0]) if old.kind == HEADING else Paragraph(change.parts[0])
        else:  # a kind that does not fit here: a deleted paragraph after the top-level block
            place = _Place(BLOCKS, self.doc.blocks, place.top, place.top)
            made = Paragraph(_joined(change.parts))
        if old.quoted and place.container is self.doc.blocks:  # a quote's paragraph, put back at the top level
            if id(place.node) in self.quotes:  # right after the quote put back before it: the same quote
                place.node.children.append(made)
                return
            made = BlockQuote([made])
            self.quotes.add(id(made))
        _insert_after(place.container, place.node, made)
        self.cursor[change.after] = _Place(place.kind, place.container, made, place.top)

    def _place_of(self, after: int | None) -> _Place:
        """Where the new segment ``after`` sits; the start of the document for None."""
        if after is None:
            return _Place(BLOCKS, self.doc.blocks, None, self.doc.blocks[0] if self.doc.blocks else Paragraph([]))
        parts = self.segments[after].parts
        found = self.places.get(id(parts[0])) if parts else None
        if found is None:  # a note: removed text after it goes at the end
            last = self.doc.blocks[-1] if self.doc.blocks else None
            return _Place(BLOCKS, self.doc.blocks, last, last or Paragraph([]))
        return found


def _joined(parts: list[list[Inline]]) -> list[Inline]:
    """A removed row's cells as one deleted paragraph, for a place where a row cannot go."""
    out: list[Inline] = []
    for index, part in enumerate(parts):
        if index:
            out.append(Text(" | ", change="del"))
        out += part
    return out


def redline_tree(new: Document, old_segments: list[Segment], changes: list[SegmentChange]) -> Document:
    """A copy of the new edition's tree with ``changes`` (one edition's) marked in it."""
    redline = _Redline(copy.deepcopy(new))
    for change in changes:
        if change.status != REMOVED:
            redline.mark(change)
    for change in changes:  # after the marking: putting back moves no segment's runs, but adds nodes
        if change.status == REMOVED and change.old is not None:
            redline.put_back(change, old_segments[change.old])
    return redline.doc


def render_redline(new: Document, old_segments: list[Segment], changes: list[SegmentChange],
                   author: str, date: str) -> bytes:
    """The redline DOCX of one edition: its ordinary DOCX with ``changes`` tracked."""
    return render_docx(redline_tree(new, old_segments, changes), revisions=Revisions(author, date))
