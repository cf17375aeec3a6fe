"""The document tree: one intermediate form that every writer consumes.

Templates render to Markdown; Markdown is parsed (markdown-it-py) into this tree; the HTML/PDF
and DOCX writers both walk the same tree, so a feature is added once and the formats cannot drift
apart. Nodes are plain dataclasses with no behaviour beyond small conveniences.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Union

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
    """A marker pointing at ``Document.footnotes[number - 1]`` (numbers start at 1)."""

    number: int


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


@dataclass
class ListBlock:
    ordered: bool
    items: list[list["Block"]]
    start: int = 1


@dataclass
class TableCell:
    children: list[Inline]
    align: str | None = None  # "left" | "center" | "right"


@dataclass
class Table:
    header: list[TableCell]
    rows: list[list[TableCell]]
    caption: list[Inline] = field(default_factory=list)
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


def plain_text(inlines: list[Inline]) -> str:
    """The text of inline runs without markup, e.g. for bookmarks, alt text and metadata."""
    return "".join(node.text for node in inlines if isinstance(node, Text))


def inline_text(inlines: list[Inline]) -> str:
    """The text a reader sees in inline runs: note markers left out, line breaks as spaces (the
    checks and the aligner compare editions on it). An inline type it has no rule for is an error,
    not skipped."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append(" ")
        elif not isinstance(node, FootnoteRef):
            raise RenderError(f"inline_text has no rule for a {type(node).__name__} inline")
    return "".join(out)


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
    },
}
