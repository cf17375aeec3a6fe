"""The document tree: one intermediate form that every writer consumes.

Templates render to Markdown; Markdown is parsed (markdown-it-py) into this tree; the HTML/PDF
and DOCX writers both walk the same tree, so a feature is added once and the formats cannot drift
apart. Nodes are plain dataclasses with no behaviour beyond small conveniences.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar, Union

from wreport.errors import RenderError


# ---------------------------------------------------------------- inline nodes
@dataclass
class Text:
    """A run of text with its emphasis. ``lang`` is set on runs known to be in another language.

    ``fact`` / ``term`` name the fact or glossary term the run prints, when a template helper
    printed it (``fact()``, ``term()``; see :mod:`wreport.render.marks`). They are marks for the review
    writer and the checks: the other writers drop them (:func:`unmarked`), so output is unchanged.

    ``change`` is "ins" or "del" on a run a redline inserts or deletes (:mod:`wreport.releases.redline`);
    only the DOCX writer reads it, as a tracked change. Ordinary editions never set it.
    """

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    lang: str | None = None
    fact: str | None = None
    term: str | None = None
    change: str | None = None


@dataclass
class FootnoteRef:
    """A marker pointing at ``Document.footnotes[number - 1]`` (numbers start at 1); ``change``
    as on :class:`Text` (a redline's inserted or deleted marker)."""

    number: int
    change: str | None = None


@dataclass
class LineBreak:
    """A hard line break inside a paragraph or cell."""


Inline = Union[Text, FootnoteRef, LineBreak]


# ---------------------------------------------------------------- block nodes
@dataclass
class Heading:
    level: int
    children: list[Inline]
    anchor: str = ""
    line: int = field(default=0, compare=False, repr=False)  # in the Markdown, 1-based (0: unknown)


@dataclass
class Paragraph:
    children: list[Inline]
    style: str | None = None  # e.g. "lead", "note", "source"
    line: int = field(default=0, compare=False, repr=False)  # in the Markdown, 1-based (0: unknown)
    # What the text rests on besides its facts: "claim:ID" for each cited claim, "own" for the
    # brief's own analysis (render/marks.py points). For the review and the checks; writers ignore it.
    support: list[str] = field(default_factory=list, compare=False, repr=False)


@dataclass
class ListBlock:
    ordered: bool
    items: list[list["Block"]]
    start: int = 1


@dataclass
class TableCell:
    children: list[Inline]
    align: str | None = None  # "left" | "center" | "right"
    support: list[str] = field(default_factory=list, compare=False, repr=False)  # as Paragraph.support


@dataclass
class Table:
    header: list[TableCell]
    rows: list[list[TableCell]]
    caption: list[Inline] = field(default_factory=list)
    caption_support: list[str] = field(default_factory=list, compare=False, repr=False)  # as Paragraph.support
    line: int = field(default=0, compare=False, repr=False)  # the header row's Markdown line
    row_lines: list[int] = field(default_factory=list, compare=False, repr=False)  # each body row's


@dataclass
class ChartSpec:
    """A chart over a series of facts, already resolved to numbers and formatted labels."""

    kind: str  # "bar" | "line"
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]  # (series label, values in display units)
    unit_label: str = ""
    value_labels: list[list[str]] = field(default_factory=list)  # formatted values per series
    options: dict[str, Any] = field(default_factory=dict)
    # What each value says aloud, from its fact: (when, status, value in the house style), e.g.
    # ("2007", "forecast", "KRW 250 billion"); charts.alt_text() makes the figure's alt text of it.
    points: list[tuple[str, str, str]] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # the ids charted, in category order


@dataclass
class Figure:
    chart: ChartSpec
    caption: list[Inline]
    alt: str = ""
    number: int = 0
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class PageBreak:
    """Start the next block on a new page."""


@dataclass
class BlockQuote:
    children: list["Block"]


Block = Union[Heading, Paragraph, ListBlock, Table, Figure, PageBreak, BlockQuote]


@dataclass
class Footnote:
    number: int
    children: list[Inline]


@dataclass
class Document:
    """One edition of one audience: a language, metadata and the blocks in reading order."""

    lang: str  # "ko" | "en"
    title: str
    blocks: list[Block]
    footnotes: list[Footnote] = field(default_factory=list)
    subtitle: str = ""
    author: str = ""
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    date: str = ""  # ISO date the content is stamped with (from the inputs, never "now")
    date_text: str = ""  # the same date formatted for the edition's language
    labels: dict[str, str] = field(default_factory=dict)  # UI words: "contents", "page", "of"...
    contents: bool = True  # print a table of contents (audience.toml: contents = false for short briefs)


Node = Union[Inline, Block]

#: The method of a :class:`TreeVisitor` that reads each node type.
VISIT_METHODS: dict[type, str] = {
    Text: "visit_text", LineBreak: "visit_line_break", FootnoteRef: "visit_footnote_ref",
    Heading: "visit_heading", Paragraph: "visit_paragraph", ListBlock: "visit_list", Table: "visit_table",
    Figure: "visit_figure", PageBreak: "visit_page_break", BlockQuote: "visit_block_quote",
}


def merge_runs(runs: list[Inline]) -> list[Inline]:
    """Join neighbouring text runs of identical style and marks; drop empty ones."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Text) and not run.text:
            continue
        last = out[-1] if out else None
        if isinstance(run, Text) and isinstance(last, Text) and replace(last, text="") == replace(run, text=""):
            out[-1] = replace(last, text=last.text + run.text)
        else:
            out.append(run)
    return out


def unmarked(inlines: list[Inline]) -> list[Inline]:
    """The runs without fact and term marks, neighbours merged again: exactly the runs a tree
    without marks would hold, which is what the PDF, DOCX and HTML writers write."""
    if not any(isinstance(n, Text) and (n.fact or n.term) for n in inlines):
        return inlines
    return merge_runs([replace(n, fact=None, term=None) if isinstance(n, Text) else n for n in inlines])


# ---------------------------------------------------------------- the one way to read the tree
R = TypeVar("R")


class TreeVisitor(Generic[R]):
    """The one way to read the document tree: a reader subclasses it with one ``visit_*`` method
    per node type it meets and calls :meth:`visit` on each node.

    A node type the reader has no method for is an error naming the reader and the node, never
    skipped: a new node added to the tree must be given a rule by every reader that can meet it,
    or a writer would silently drop content. A reader that deliberately shows nothing for a node
    (a page break in the text of an edition) says so in a method of its own.
    Keyword arguments of :meth:`visit` are passed on (a list's depth, a quote's style).
    """

    def visit(self, node: Node, /, **context: Any) -> R:
        name = VISIT_METHODS.get(type(node))
        method = getattr(self, name, None) if name else None
        if method is None:
            raise RenderError(f"{type(self).__name__} has no rule for a {type(node).__name__} node")
        result: R = method(node, **context)
        return result

    def visit_all(self, nodes: list[Block] | list[Inline], /, **context: Any) -> list[R]:
        return [self.visit(node, **context) for node in nodes]


class _InlineText(TreeVisitor[str]):
    """The text of inline runs. ``breaks`` is what a line break reads as: nothing for labels and
    metadata (plain_text), a space for what a reader sees (inline_text)."""

    def __init__(self, breaks: str):
        self.breaks = breaks

    def visit_text(self, node: Text) -> str:
        return node.text

    def visit_line_break(self, node: LineBreak) -> str:
        return self.breaks

    def visit_footnote_ref(self, node: FootnoteRef) -> str:
        return ""


_LABEL_TEXT = _InlineText("")
_READER_TEXT = _InlineText(" ")


def plain_text(inlines: list[Inline]) -> str:
    """The text of inline runs without markup or line breaks, for bookmarks, alt text and
    metadata (a line break inside a heading's bookmark would read as nothing there)."""
    return "".join(_LABEL_TEXT.visit_all(inlines))


def inline_text(inlines: list[Inline]) -> str:
    """The text a reader sees in inline runs: note markers left out, line breaks as spaces (the
    checks and the aligner compare editions on it)."""
    return "".join(_READER_TEXT.visit_all(inlines))


def section_headings(blocks: list[Block]) -> list[Heading]:
    """The headings that open a section: those at the top level of the document. A heading
    inside a block quote or a list item is part of what it is quoted in, so no writer lists it
    in the contents and the review does not start a section at it (the one rule for all)."""
    return [block for block in blocks if isinstance(block, Heading)]


# Words the writers print around the content (not part of any template), per edition language.
# The "page" pattern is shown in footers: {page} and {pages} are filled by each writer's own
# page-number mechanism (CSS counters in the PDF, PAGE/NUMPAGES fields in the DOCX).
UI_LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "contents": "차례",
        "page": "{page} / {pages}쪽",
        "figure": "그림",
        "table": "표",
        "notes": "주",
        "back": "본문으로",
        "bar": "막대그래프",
        "line": "꺾은선그래프",
        "estimate": "추정",
        "forecast": "전망",
        "target": "목표",
        "date_inferred": "추정",
    },
    "en": {
        "contents": "Contents",
        "page": "Page {page} of {pages}",
        "figure": "Figure",
        "table": "Table",
        "notes": "Notes",
        "back": "Back to the text",
        "bar": "Bar chart",
        "line": "Line chart",
        "estimate": "estimate",
        "forecast": "forecast",
        "target": "target",
        "date_inferred": "date inferred",
    },
}
