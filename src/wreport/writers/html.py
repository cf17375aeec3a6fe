"""The document tree as semantic HTML5: the PDF's input and a deliverable in its own right.

Two flavours come out of one walk over the tree:

* ``render_html(doc)`` (the default) is what WeasyPrint lays out: Korean words are glued with
  U+2060 WORD JOINER because WeasyPrint 70 ignores ``word-break: keep-all`` and would otherwise
  break 수|출 between syllables; footnotes are ``float: footnote`` ``<small>`` at their reference point;
  the stylesheet is supplied by :mod:`wreport.writers.pdf` (print.css and the bundled fonts).
* ``render_html(doc, embed_assets=True)`` is the standalone file a reader opens in a browser:
  print.css and screen.css inlined, the bundled NanumGothic inlined as WOFF2 subsets cut to the
  page's characters (:func:`embedded_font_css`; the whole 9 MB font would not travel), joiners only at the seams ``keep-all``
  leaves open (:mod:`wreport.writers.linebreaks`: 12월, 14.9%를, 개발·생산), and notes as a
  numbered list at the end.

``<span>`` means a run in the other language and nothing else (see :func:`wrap_run`).
Everything from the tree is escaped; the joiners never reach ``<title>``, metadata, alt text or
bookmark labels (those read ``data-label``), so the PDF's outline and properties stay clean.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from html import escape, unescape
from importlib import resources

from wreport import __version__
from wreport.errors import RenderError
from wreport.render import fontsubset
from wreport.render.charts import figure_alt, render_svg
from wreport.render.document import (
    UI_LABELS,
    Block,
    BlockQuote,
    Document,
    Figure,
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
    TreeVisitor,
    plain_text,
    section_headings,
    unmarked,
)
from wreport.writers.linebreaks import KOREAN, WORD, WORD_JOINER, hold_korean_words, insert_after

ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"
# The longest run of characters the print HTML keeps without a break opportunity. WeasyPrint's
# layout of a run it cannot break grows with the square of its length once a piece is wider than
# a line (a 20,000-character word took 10 s in English, 24 s in Korean); measured, pieces of 60
# Latin or 30 Korean characters keep it linear. The briefs' longest words are 37 and 24.
LONG_RUN = 60
LONG_KOREAN_RUN = 30
NB_HYPHEN = "\u2011"
HELD_HYPHEN = f"{WORD_JOINER}-{WORD_JOINER}"  # what the PDF gets for U+2011

_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# A note marker right after one of these reads as an exponent (m²¹, 2016², ㎡¹): digits,
# superscripts and the CJK squared units. The marker gets a thin gap there (class "spaced").
_READS_AS_EXPONENT = re.compile(r"[0-9\u00b2\u00b3\u00b9\u2070-\u209f\u3380-\u33ff]$")


# A run of Latin-script words in a Korean edition (KIMES, IoT, On Competition) or of Hangul in
# an English one: a passage in the other language, which a screen reader must voice as such.
_LATIN_WORD = r"[A-Za-z](?:[A-Za-z0-9'&.\-]*[A-Za-z0-9])?"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD})*")
_HANGUL_WORD = r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+"
_HANGUL_RUN = re.compile(rf"{_HANGUL_WORD}(?:\s+{_HANGUL_WORD})*")
FOREIGN = {"ko": ("en", _LATIN_RUN), "en": ("ko", _HANGUL_RUN)}


def other_language(doc_lang: str) -> str | None:
    """The language of the passages :func:`split_foreign_runs` marks in an edition in ``doc_lang``."""
    return FOREIGN[doc_lang][0] if doc_lang in FOREIGN else None


def split_foreign_runs(node: Text, doc_lang: str) -> list[Text]:
    """``node`` cut where the other language's script starts and ends, those pieces marked with
    its ``lang`` (English in a Korean edition, Korean in an English one). A node that already has
    a ``lang``, and code, are left whole."""
    if node.lang or node.code or doc_lang not in FOREIGN:
        return [node]
    other, pattern = FOREIGN[doc_lang]
    pieces: list[Text] = []
    position = 0
    for found in pattern.finditer(node.text):
        if found.start() > position:
            pieces.append(replace(node, text=node.text[position:found.start()]))
        pieces.append(replace(node, text=found.group(), lang=other))
        position = found.end()
    if position < len(node.text):
        pieces.append(replace(node, text=node.text[position:]))
    return pieces or [node]


# ---------------------------------------------------------------- Korean line breaking
def join_korean_words(segments: list[str]) -> list[str]:
    """Glue each Korean word with U+2060 so a line can break only between words.

    ``segments`` are adjacent runs of one line of text (e.g. a bold run followed by a plain one):
    a word can span them ("**수출**이"), so the joiners are placed over their concatenation
    (:func:`wreport.writers.linebreaks.insert_after`). Every character of a word that holds
    Hangul or Hanja is joined to the next, digits and symbols too, since Pango otherwise still
    splits 수|출, 2016|년 or 14.9%|에.
    """
    whole = "".join(segments)
    glue = {i: WORD_JOINER for word in WORD.finditer(whole) if KOREAN.search(word.group())
            for i in range(word.start(), word.end() - 1)}
    return insert_after(segments, glue)


def break_long_runs(segments: list[str]) -> list[str]:
    """Give a run of more than LONG_RUN characters (LONG_KOREAN_RUN if it holds Korean) with no
    break opportunity (no space, no zero-width space) one at every such length, so laying it out
    takes time in proportion to its length: a U+200B ZERO WIDTH SPACE, after a U+00AD SOFT HYPHEN
    outside Korean (with ``hyphens: auto`` WeasyPrint ignores a bare zero-width space in a word
    it can hyphenate, and lets the line run off the page). ``segments`` are adjacent runs of one
    line of text, handled over their concatenation like :func:`join_korean_words`; what a reader
    sees is unchanged unless a line breaks there."""
    whole = "".join(segments)
    cuts: dict[int, str] = {}
    for run in WORD.finditer(whole):
        korean = KOREAN.search(run.group()) is not None
        every, mark = (LONG_KOREAN_RUN, ZERO_WIDTH_SPACE) if korean else (LONG_RUN, SOFT_HYPHEN + ZERO_WIDTH_SPACE)
        cuts.update(dict.fromkeys(range(run.start() + every - 1, run.end() - 1, every), mark))  # after these
    return insert_after(segments, cuts)


# ---------------------------------------------------------------- the walk
@dataclass
class _Writer(TreeVisitor[str]):
    """State of one walk: the flavour, labels and counters that must follow document order."""

    doc: Document
    for_print: bool
    labels: dict[str, str]
    anchors: dict[int, str] = field(default_factory=dict)  # id(heading) -> its HTML id
    cited: Counter[int] = field(default_factory=Counter)  # note number -> markers written so far
    table_count: int = 0
    figure_count: int = 0

    # ------------------------------------------------------------ inline text
    def inlines(self, nodes: list[Inline]) -> str:
        """Inline runs as HTML; Korean words joined across adjacent text runs when printing.
        Fact and term marks are review data, not part of the page: dropped first."""
        run: list[Text] = []  # the text runs since the last break or marker, written together
        out: list[str] = []
        previous: Inline | None = None
        for node in unmarked(nodes):
            out.append(self.visit(node, run=run, previous=previous))
            previous = node
        out.append(self._flush(run))
        return "".join(out)

    def visit_text(self, node: Text, run: list[Text], previous: Inline | None) -> str:
        run.append(node)
        return ""

    def visit_line_break(self, node: LineBreak, run: list[Text], previous: Inline | None) -> str:
        return self._flush(run) + "<br>"

    def visit_footnote_ref(self, node: FootnoteRef, run: list[Text], previous: Inline | None) -> str:
        joiner = WORD_JOINER if self.for_print and _ends_a_word(previous) else ""  # Pango may break
        # between Hangul and the marker's digit
        return self._flush(run) + joiner + self._footnote_ref(node.number, spaced=marker_needs_gap(previous))

    def _flush(self, run: list[Text]) -> str:
        """The pending text runs as HTML, and the list emptied for the runs after a break."""
        html = self._text_run(run)
        run.clear()
        return html

    def _text_run(self, run: list[Text]) -> str:
        run = [piece for node in run for piece in split_foreign_runs(node, self.doc.lang)]
        texts = [node.text for node in run]
        if self.for_print:
            # U+2011 (non-breaking hyphen) is missing from NanumGothic and made WeasyPrint's
            # layout crawl (#2811): a hyphen held by joiners breaks the same way (not at all).
            # A run too long to break gets break opportunities first (see break_long_runs).
            texts = join_korean_words(break_long_runs([text.replace(NB_HYPHEN, HELD_HYPHEN) for text in texts]))
        else:  # a browser keeps Hangul whole (keep-all) but not the seams (writers/linebreaks.py)
            texts = hold_korean_words(texts)
        return "".join(wrap_run(node, escape(text, quote=False)) for node, text in zip(run, texts, strict=True))

    def _footnote_ref(self, number: int, *, spaced: bool = False) -> str:
        """A marker: in print, the note itself floated to the page foot at its first citation,
        inside a link to it (so the PDF's first marker is a Link whose annotation goes to the note);
        otherwise a link to the note in the numbered list at the end (``fn-N``).

        ``spaced`` adds a thin gap before the marker where it would read as an exponent.
        """
        note = next((n for n in self.doc.footnotes if n.number == number), None)
        if note is None:
            raise RenderError(f"footnote reference [{number}] has no footnote text",
                              hint="every footnote marker needs a matching footnote")
        first = number not in self.cited
        self.cited[number] += 1
        gap = " spaced" if spaced else ""
        if self.for_print and first:  # the marker links to its note: in the PDF a Link to the Note
            return (f'<a class="fn-link" href="#fnote-{number}" id="fnref-{number}">'
                    f'<small class="fn{gap}" id="fnote-{number}" data-n="{number}">'
                    f"{self.inlines(note.children)}</small></a>")
        ref_id = f' id="fnref-{number}"' if first else ""
        return f'<sup class="fn-call{gap}"><a href="#fn-{number}"{ref_id}>{number}</a></sup>'

    def clean(self, nodes: list[Inline]) -> str:
        """Plain text for attributes (bookmark labels, alt text): escaped, never joined."""
        return escape(plain_text(nodes), quote=True)

    # ------------------------------------------------------------ blocks
    def blocks(self, blocks: list[Block]) -> str:
        return "\n".join(self.block(block) for block in blocks)

    def block(self, block: Block) -> str:
        return self.visit(block)

    def visit_paragraph(self, block: Paragraph) -> str:
        css = f' class="{escape(block.style)}"' if block.style else ""
        return f"<p{css}>{self.inlines(block.children)}</p>"

    def visit_page_break(self, block: PageBreak) -> str:
        return '<div class="page-break"></div>'

    def visit_block_quote(self, block: BlockQuote) -> str:
        return f"<blockquote>\n{self.blocks(block.children)}\n</blockquote>"

    def visit_heading(self, heading: Heading) -> str:
        level = min(max(heading.level, 1), 6)
        anchor = self.anchors.get(id(heading))
        id_attr = f' id="{escape(anchor)}"' if anchor else ""
        return (f'<h{level}{id_attr} data-label="{self.clean(heading.children)}">'
                f"{self.inlines(heading.children)}</h{level}>")

    def visit_list(self, block: ListBlock) -> str:
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = []
        for item in block.items:
            # A tight list item is one paragraph: write it bare so it does not gain a margin.
            if len(item) == 1 and isinstance(item[0], Paragraph) and not item[0].style:
                items.append(f"<li>{self.inlines(item[0].children)}</li>")
            else:
                items.append(f"<li>{self.blocks(item)}</li>")
        return f"<{tag}{start}>\n" + "\n".join(items) + f"\n</{tag}>"

    def visit_table(self, table: Table) -> str:
        parts = ["<table>"]
        if table.caption:
            self.table_count += 1
            label = f'{self.labels["table"]} {self.table_count}.'
            parts.append(f'<caption><b class="label">{escape(label)}</b>'
                         f"{self.inlines(table.caption)}</caption>")
        if table.header:
            parts.append("<thead><tr>" + "".join(self.cell(c, "th", ' scope="col"') for c in table.header)
                         + "</tr></thead>")
        parts.append("<tbody>")
        for row in table.rows:
            parts.append("<tr>" + "".join(self.cell(c, "td", "") for c in row) + "</tr>")
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def cell(self, cell: TableCell, tag: str, extra: str) -> str:
        css = f' class="align-{escape(cell.align)}"' if cell.align in ("left", "center", "right") else ""
        return f"<{tag}{extra}{css}>{self.inlines(cell.children)}</{tag}>"

    def visit_figure(self, figure: Figure) -> str:
        self.figure_count += 1
        number = figure.number or self.figure_count
        alt = figure_alt(figure, self.doc.lang)
        svg = render_svg(figure.chart, self.doc.lang, title=alt, id_prefix=f"fig{number}-")
        label = f'{self.labels["figure"]} {number}.'
        caption = (f'<figcaption><b class="label">{escape(label)}</b>'
                   f"{self.inlines(figure.caption)}</figcaption>")
        return f'<figure id="figure-{number}">\n{svg}\n{caption}\n</figure>'

    # ------------------------------------------------------------ around the content
    def title_block(self) -> str:
        doc = self.doc
        title = self.inlines([Text(doc.title)])
        parts = ['<header class="title-block">',
                 f'<h1 class="title" data-label="{escape(doc.title)}">{title}</h1>']
        if doc.subtitle:
            parts.append(f'<p class="subtitle">{self.inlines([Text(doc.subtitle)])}</p>')
        # No <span> here: in the print HTML a span is an other-language run (see wrap_run); the dot
        # between author and date is print.css's (.after-author::before).
        byline = self.inlines([Text(doc.author)]) if doc.author else ""
        if doc.date:
            shown = doc.date_text or doc.date
            after = ' class="after-author"' if doc.author else ""
            byline += f'<time datetime="{escape(doc.date)}"{after}>{self.inlines([Text(shown)])}</time>'
        if byline:
            parts.append(f'<p class="byline">{byline}</p>')
        parts.append("</header>")
        return "\n".join(parts)

    def contents(self) -> str:
        """The table of contents over H1-H2; page numbers come from target-counter() in print.
        None when the audience turned it off (``contents = false``)."""
        if not self.doc.contents:
            return ""
        entries = []
        for heading in _headings(self.doc):
            anchor = self.anchors[id(heading)]
            if heading.level <= 2:
                unlinked = [replace(n, link=None) if isinstance(n, Text) else n for n in heading.children]
                entries.append(f'<li class="toc-{heading.level}"><a href="#{escape(anchor)}">'
                               f"{self.inlines(unlinked)}</a></li>")  # no link inside the link
        if not entries:
            return ""
        title = escape(self.labels["contents"])
        return (f'<nav class="toc" aria-label="{title}">\n<h2 class="toc-title" data-label="{title}">'
                f"{title}</h2>\n<ol>\n" + "\n".join(entries) + "\n</ol>\n</nav>")

    def endnotes(self) -> str:
        """Every note, numbered, in a list at the end: always in a browser; in print when a note
        is cited more than once (or never). A printed note sits at the foot of its first marker's
        page only, so a marker repeated pages later resolves to this list (docs/pdf.md)."""
        notes = self.doc.footnotes
        if not notes or (self.for_print and all(self.cited[n.number] == 1 for n in notes)):
            return ""
        items = []
        for note in notes:
            # ↑, not ↩ (U+21A9): the embedded NanumGothic has no ↩, which a machine without a
            # fallback font shows as an empty box; the label says where the link goes.
            back = (f' <a class="fn-back" href="#fnref-{note.number}" aria-label="{escape(self.labels["back"])}">↑</a>'
                    if note.number in self.cited and not self.for_print else "")
            items.append(f'<li id="{note_list_id(note.number)}" value="{note.number}">'
                         f"{self.inlines(note.children)}{back}</li>")
        title = escape(self.labels["notes"])
        return (f'<section class="endnotes">\n<h2 data-label="{title}">{title}</h2>\n<ol>\n'
                + "\n".join(items) + "\n</ol>\n</section>")


def note_list_id(number: int) -> str:
    """The HTML id of note ``number`` in the numbered notes list at the end (the DOCX contents
    takes the list's page in the PDF from the first one's)."""
    return f"fn-{number}"


def wrap_run(node: Text, html_text: str) -> str:
    """A text run's emphasis, code, language and link around its (escaped) text.

    A run in another language is ``<span lang>``, in print too (WeasyPrint hyphenates English only
    where ``lang="en"`` is set). It is the only ``<span>`` this writer makes (labels are ``<b>``,
    notes ``<small>``): WeasyPrint copies no ``lang`` into the PDF's structure tree but tags a span
    as /Span, so :mod:`wreport.writers.pdftags` gives every element /Span the other language's
    /Lang. A block carrier would not do: an ``<article>``, tried first, made the HTML parser close
    the paragraph there, which split it and broke its line before the run.
    """
    if node.code:
        html_text = f"<code>{html_text}</code>"
    if node.italic:
        html_text = f"<em>{html_text}</em>"
    if node.bold:
        html_text = f"<strong>{html_text}</strong>"
    if node.lang:
        html_text = f'<span lang="{escape(node.lang)}">{html_text}</span>'
    if node.link:
        html_text = f'<a href="{escape(node.link, quote=True)}">{html_text}</a>'
    return html_text


def _ends_a_word(previous: Inline | None) -> bool:
    """Whether ``previous`` is text ending in a word, which a note marker must not wrap away from."""
    return isinstance(previous, Text) and previous.text[-1:].strip() != ""


def marker_needs_gap(previous: Inline | None) -> bool:
    """Whether a note marker after ``previous`` needs a thin gap so it does not read as an exponent
    (m²¹, 2016²) or run into the marker before it (¹² for notes 1 and 2)."""
    if isinstance(previous, FootnoteRef):
        return True
    return isinstance(previous, Text) and bool(_READS_AS_EXPONENT.search(previous.text))


def _headings(doc: Document) -> list[Heading]:
    """The document's section headings (top level; a heading quoted in a block quote is not one)."""
    return section_headings(doc.blocks)


def _anchors(doc: Document) -> dict[int, str]:
    """A unique HTML id per section heading: its own anchor where it has one, else ``sec-N``."""
    seen: set[str] = set()
    anchors = {}
    for number, heading in enumerate(_headings(doc), start=1):
        base = heading.anchor or f"sec-{number}"
        anchor, suffix = base, 2
        while anchor in seen:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(anchor)
        anchors[id(heading)] = anchor
    return anchors


def heading_ids(doc: Document) -> dict[int, str]:
    """The HTML id of each section heading, by ``id(heading)``: where the DOCX contents finds the
    page a heading lands on in the PDF (:func:`wreport.writers.pdf.heading_pages`)."""
    return _anchors(doc)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for generated ``content:`` values)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_label_css(pattern: str) -> str:
    """The footer's "page X of Y" from the edition's words, e.g. "{page} / {pages}쪽"."""
    pieces = []
    for token in re.split(r"(\{page\}|\{pages\})", pattern):
        if token == "{page}":
            pieces.append("counter(page)")
        elif token == "{pages}":
            pieces.append("counter(pages)")
        elif token:
            pieces.append(css_string(token))
    return " ".join(pieces) or "counter(page)"


def stylesheet_text(name: str) -> str:
    """One of the package's stylesheets (print.css, screen.css, fonts.css) as text."""
    return resources.files("wreport").joinpath("styles", name).read_text(encoding="utf-8")


def _head(doc: Document, labels: dict[str, str], embed_assets: bool) -> str:
    """``<head>``: clean metadata for the PDF's properties and the edition's own CSS rules."""
    if doc.date and not _ISO_DATE.fullmatch(doc.date):
        raise RenderError(f"document date {doc.date!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    meta = ['<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(doc.title)}</title>",
            f'<meta name="generator" content="wreport {__version__}">']
    if doc.author:
        meta.append(f'<meta name="author" content="{escape(doc.author)}">')
    if doc.subject:
        meta.append(f'<meta name="description" content="{escape(doc.subject)}">')
    if doc.keywords:
        meta.append(f'<meta name="keywords" content="{escape(", ".join(doc.keywords))}">')
    if doc.date:
        meta.append(f'<meta name="dcterms.created" content="{escape(doc.date)}">')
        meta.append(f'<meta name="dcterms.modified" content="{escape(doc.date)}">')
    if embed_assets:
        meta.append(f"<style>\n{stylesheet_text('print.css')}\n{stylesheet_text('screen.css')}</style>")
    footer = page_label_css(labels["page"])
    meta.append(f"<style>@page {{ @bottom-center {{ content: {footer}; }} }}</style>")
    return "<head>\n" + "\n".join(meta) + "\n</head>"


def render_html(doc: Document, *, embed_assets: bool = False) -> str:
    """The document as one HTML5 page.

    ``embed_assets=False`` gives the PDF's input (joined Korean words, footnotes in place, no
    stylesheet: :func:`wreport.writers.pdf.render_pdf` supplies it); ``embed_assets=True`` the
    standalone file for browsers (stylesheets inlined, endnotes). See the module docstring.
    """
    labels = {**UI_LABELS.get(doc.lang, UI_LABELS["en"]), **doc.labels}
    writer = _Writer(doc=doc, for_print=not embed_assets, labels=labels, anchors=_anchors(doc))
    body = writer.blocks(doc.blocks)  # first, so footnote citations are known for the endnotes
    endnotes = writer.endnotes()
    if embed_assets:  # in a browser the notes belong to the main landmark (axe-core's rule "region")
        body, endnotes = f"{body}\n{endnotes}" if endnotes else body, ""
    content = [writer.title_block(), writer.contents(), f"<main>\n{body}\n</main>", endnotes]
    head = _head(doc, labels, embed_assets)
    if embed_assets:  # the font goes last in <head>, cut to every character the page shows
        head = head.replace("\n</head>", "\n" + embedded_font_css(head + "".join(content)) + "\n</head>")
    parts = ["<!DOCTYPE html>", f'<html lang="{escape(doc.lang)}">', head, "<body>", *content, "</body>", "</html>"]
    return "\n".join(part for part in parts if part) + "\n"


def embedded_font_css(text: str) -> str:
    """``@font-face`` rules that carry the bundled NanumGothic, regular and bold, as WOFF2 subsets
    of the characters of ``text`` in ``data:`` URLs: the standalone page shows Korean in the
    brief's font on a machine with no Korean font, and travels as one file (docs/html.md)."""
    return f"<style>\n{fontsubset.font_face_css('NanumGothic', unescape(text))}\n</style>"
