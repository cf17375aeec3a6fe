"""Markdown (as rendered from a template) to the document tree.

markdown-it-py does the parsing, so the CommonMark rules are the real ones rather than a
home-made approximation; this module only maps its syntax tree onto :mod:`wreport.render.document`.
Raw HTML is switched off: ``<script>`` in a template or a fact label stays literal text, which
matters because the HTML writer is a deliverable and the PDF is rendered from it.

Conventions on top of CommonMark (documented for authors in docs/templates.md):

- ``![caption](chart:<key>)`` alone in a paragraph is a figure of ``charts[key]``;
- a paragraph that is exactly ``\\newpage`` is a page break;
- a paragraph ``Table: caption`` right before a table is that table's caption;
- footnotes (``[^label]`` and ``[^label]: text``) are numbered in order of first reference;
- a link goes to ``https:``, ``http:``, ``mailto:`` or an anchor of the document (``#...``); any
  other target (``file:``, ``smb:``, ``ms-msdt:``, ``javascript:``, a relative path...) is refused
  at its line, so it never reaches the HTML, the DOCX or the PDF (where WeasyPrint would turn a
  relative path into a ``file://`` URI carrying the build machine's folder);
- the invisible fact and term marks of :mod:`wreport.render.marks` become ``Text.fact`` / ``Text.term``
  (given the edition's :class:`~wreport.render.marks.MarkTable`; without it they are dropped); its
  claim and own-analysis points become the ``support`` of the paragraph, cell or caption.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from wreport.errors import Location, TemplateError
from wreport.render.document import (
    Block,
    BlockQuote,
    ChartSpec,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    TableCell,
    Text,
    merge_runs,
)
from wreport.render.marks import FACT, OWN, POINTS, MarkTable, pieces, strip_marks

PAGE_BREAK = "\\newpage"
CHART_SCHEME = "chart:"
_CAPTION = re.compile(r"^Table:[ \t]*")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
LINK_SCHEMES = ("https", "http", "mailto")
_SCHEME = re.compile(r"\A([A-Za-z][A-Za-z0-9+.\-]*):")


def _parser() -> MarkdownIt:
    """CommonMark with tables, footnotes and heading anchors; raw HTML off (it stays text)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # allowed_link decides, at a line
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6)
    return md


_MD = _parser()


def parse_markdown(
    text: str, *, charts: dict[str, ChartSpec] | None = None, source: str = "<markdown>",
    locate: Callable[[int], Location] | None = None, marks: MarkTable | None = None,
) -> tuple[list[Block], list[Footnote]]:
    """Parse ``text`` into blocks and footnotes.

    ``charts`` resolves ``chart:<key>`` figures; ``source`` names the text in error messages
    (a Markdown line number is only useful next to the file it counts in). ``locate`` turns a
    1-based line of ``text`` into the place it was written, when ``text`` was generated (a
    template's output has fewer lines than the template, so its line numbers mislead).
    """
    converter = _Converter(charts or {}, locate or (lambda line: Location.of(source, line)), marks)
    root = SyntaxTreeNode(_MD.parse(text))
    blocks = converter.blocks(root.children)
    footnotes = [converter.footnote(node) for node in root.children if node.type == "footnote_block"]
    return blocks, [note for group in footnotes for note in group]


class _Converter:
    """Walks markdown-it's syntax tree; holds what the walk needs (charts, figure numbers)."""

    def __init__(self, charts: dict[str, ChartSpec], locate: Callable[[int], Location],
                 marks: MarkTable | None = None):
        self.charts = charts
        self.locate = locate
        self.marks = marks
        self.figures = 0
        self.breaks = 0  # line breaks passed so far in the inline content being walked
        self.open: list[str] = []  # the marks open at this point of the inline content ("fact:id")
        self.support: list[str] = []  # the claim and own-analysis points met in the inline content

    def error(self, node: SyntaxTreeNode, message: str, hint: str | None = None, breaks: int = 0) -> TemplateError:
        """An error at ``node``'s first line of the Markdown text, plus ``breaks`` lines.

        markdown-it counts lines from 0 and maps a whole block; an inline problem lies
        ``breaks`` lines into its paragraph.
        """
        return TemplateError(message, self.locate(node.map[0] + 1 + breaks) if node.map else None, hint)

    # ------------------------------------------------------------ blocks
    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        """Convert sibling block nodes, pairing ``Table:`` paragraphs with the table after them."""
        out: list[Block] = []
        for node in nodes:
            block = self.block(node)
            if block is None:
                continue
            if isinstance(block, Table) and out and (caption := _caption_of(out[-1])) is not None:
                support = out[-1].support if isinstance(out[-1], Paragraph) else []
                out[-1] = replace(block, caption=caption, caption_support=support)
                continue
            out.append(block)
        return out

    def block(self, node: SyntaxTreeNode) -> Block | None:
        """One block node as a tree block (None for nodes that produce nothing here)."""
        kind = node.type
        if kind == "heading":
            return Heading(int(node.tag[1]), self.inlines(node.children[0]), strip_marks(str(node.attrs.get("id", ""))),
                           line=_line(node))
        if kind == "paragraph":
            block = self.paragraph(node)
            if isinstance(block, (Paragraph, Figure)):
                block.line = _line(node)
            return block
        if kind in ("bullet_list", "ordered_list"):
            start = int(node.attrs.get("start", 1))
            items = [self.blocks(item.children) for item in node.children]
            return ListBlock(ordered=kind == "ordered_list", items=items, start=start)
        if kind == "table":
            return self.table(node)
        if kind == "blockquote":
            return BlockQuote(self.blocks(node.children))
        if kind in ("code_block", "fence"):
            return _code_paragraph(node.content)
        if kind == "footnote_block":
            return None  # collected separately, after the body
        if kind == "hr":
            raise self.error(node, "horizontal rules are not supported",
                             hint=f"use a heading, or {PAGE_BREAK} for a new page")
        raise self.error(node, f"unsupported Markdown element: {kind}")

    def paragraph(self, node: SyntaxTreeNode) -> Block:
        """A paragraph, or the figure / page break a whole-paragraph convention stands for."""
        inline = node.children[0]
        parts = [child for child in inline.children if not (child.type == "text" and not child.content.strip())]
        if len(parts) == 1 and parts[0].type == "image" and str(parts[0].attrs.get("src", "")).startswith(CHART_SCHEME):
            return self.figure(node, parts[0])
        if inline.content.strip() == PAGE_BREAK:
            return PageBreak()
        children = self.inlines(inline)
        return Paragraph(children, support=list(self.support))

    def figure(self, paragraph: SyntaxTreeNode, image: SyntaxTreeNode) -> Figure:
        """A ``chart:<key>`` image: the chart spec it names, captioned with the alt text."""
        key = strip_marks(str(image.attrs["src"]))[len(CHART_SCHEME):]
        if key not in self.charts:
            known = ", ".join(sorted(self.charts)) or "none"
            raise self.error(paragraph, f"unknown chart {key!r}",
                             hint=f"make charts with the chart() helper; known: {known}")
        caption = self.inlines(image)
        self.figures += 1
        return Figure(chart=self.charts[key], caption=caption, alt=_plain(caption), number=self.figures)

    def table(self, node: SyntaxTreeNode) -> Table:
        """A pipe table; header and body rows keep each column's alignment."""
        header: list[TableCell] = []
        rows: list[list[TableCell]] = []
        lines: list[int] = []
        for section in node.children:
            for row in section.children:
                cells = [self.cell(cell) for cell in row.children]
                if section.type == "thead":
                    header = cells
                else:
                    rows.append(cells)
                    lines.append(_line(row))
        return Table(header=header, rows=rows, line=_line(node), row_lines=lines)

    def cell(self, node: SyntaxTreeNode) -> TableCell:
        found = _ALIGN.search(str(node.attrs.get("style", "")))
        children = self.inlines(node.children[0]) if node.children else []
        return TableCell(children=children, align=found.group(1) if found else None,
                         support=list(self.support) if node.children else [])

    def footnote(self, block: SyntaxTreeNode) -> list[Footnote]:
        """Footnotes in reference order (markdown-it numbers them so; unreferenced ones are dropped).

        A multi-paragraph note becomes one run of inlines with line breaks between paragraphs,
        as :class:`Footnote` holds inlines only.
        """
        notes = []
        for note in block.children:
            children: list[Inline] = []
            for part in note.children:
                if part.type != "paragraph":
                    raise self.error(part, "footnotes may hold paragraphs only")
                if children:
                    children.append(LineBreak())
                children += self.inlines(part.children[0])
            notes.append(Footnote(number=int(note.meta["id"]) + 1, children=children))
        return notes

    # ------------------------------------------------------------ inlines
    def inlines(self, node: SyntaxTreeNode) -> list[Inline]:
        """The inline content of ``node`` as runs, adjacent runs of equal style merged."""
        out: list[Inline] = []
        self.breaks = 0
        self.open = []  # a mark never spans two blocks, even when a template sliced one open
        self.support = []
        self._walk(node, Text(""), out)
        return merge_runs(out)

    def _walk(self, node: SyntaxTreeNode, style: Text, out: list[Inline]) -> None:
        """Depth-first over inline nodes; ``style`` is a template run carrying the open emphasis."""
        for child in node.children:
            kind = child.type
            if kind == "text":
                self._text(child.content, style, out)
            elif kind == "softbreak":
                self.breaks += 1
                out.append(replace(style, text=" "))
            elif kind == "hardbreak":
                self.breaks += 1
                out.append(LineBreak())
            elif kind == "code_inline":
                self._text(child.content, replace(style, code=True), out)
            elif kind == "strong":
                self._walk(child, replace(style, bold=True), out)
            elif kind == "em":
                self._walk(child, replace(style, italic=True), out)
            elif kind == "link":
                self._walk(child, replace(style, link=self.link(node, child)), out)
            elif kind == "footnote_ref":
                out.append(FootnoteRef(int(child.meta["id"]) + 1))
            elif kind == "footnote_anchor":
                continue  # the back-link markdown-it adds to a note; writers number notes themselves
            elif kind == "image":
                raise self.error(node, f"image {child.attrs.get('src')!r} is not a chart",
                                 hint="only ![caption](chart:<key>) alone in a paragraph is supported",
                                 breaks=self.breaks)
            else:
                raise self.error(node, f"unsupported Markdown inline element: {kind}", breaks=self.breaks)


    def link(self, paragraph: SyntaxTreeNode, link: SyntaxTreeNode) -> str:
        """The target of ``link``, refused at its line unless :func:`allowed_link` lets it through."""
        href = strip_marks(str(link.attrs.get("href", "")))
        if not allowed_link(href):
            raise self.error(paragraph, f"link target {href!r} is not allowed",
                             hint="a link goes to https:, http:, mailto: or an anchor of the document (#...)",
                             breaks=self.breaks)
        return href

    def _text(self, content: str, style: Text, out: list[Inline]) -> None:
        """Text content as runs, each carrying the fact and term marks open around it."""
        for kind, value in pieces(content, self.marks):
            if kind == "open" and value.split(":", 1)[0] in POINTS:
                point = OWN if value.startswith(OWN + ":") else value
                if point not in self.support:
                    self.support.append(point)
            elif kind == "open":
                self.open.append(value)
            elif kind == "close":
                if self.open:
                    self.open.pop()
            else:
                fact = next((m.split(":", 1)[1] for m in reversed(self.open) if m.startswith(FACT + ":")), None)
                term = next((m.split(":", 1)[1] for m in reversed(self.open) if not m.startswith(FACT + ":")), None)
                out.append(replace(style, text=value, fact=fact, term=term))


def allowed_link(href: str) -> bool:
    """Whether a link may leave the template: an anchor (``#...``) or an https, http or mailto URL.

    An allow-list, because the schemes a reader's system would open (``ms-msdt:``, ``search-ms:``,
    ``smb:``, ``file:``...) cannot be listed; a target without a scheme is a path relative to the
    build machine, which means nothing to a recipient.
    """
    if href.startswith("#"):
        return True
    scheme = _SCHEME.match(href)
    return scheme is not None and scheme.group(1).lower() in LINK_SCHEMES


def _line(node: SyntaxTreeNode) -> int:
    """The 1-based Markdown line a block node starts on (0 when markdown-it gives no map)."""
    return node.map[0] + 1 if node.map else 0


def _plain(inlines: list[Inline]) -> str:
    return "".join(run.text for run in inlines if isinstance(run, Text))


def _caption_of(block: Block) -> list[Inline] | None:
    """The caption a ``Table: ...`` paragraph carries, or None for any other block."""
    if not isinstance(block, Paragraph) or not block.children:
        return None
    first = block.children[0]
    if not isinstance(first, Text) or first.code or not _CAPTION.match(first.text):
        return None
    caption = merge_runs([replace(first, text=_CAPTION.sub("", first.text, count=1)), *block.children[1:]])
    return caption or None


def _code_paragraph(content: str) -> Paragraph:
    """A code block as a paragraph of code runs, one per line (the tree has no code block node)."""
    children: list[Inline] = []
    for number, line in enumerate(content.rstrip("\n").split("\n")):
        if number:
            children.append(LineBreak())
        children.append(Text(line, code=True))
    return Paragraph(children, style="code")
