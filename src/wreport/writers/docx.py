"""The document tree as a Word file (python-docx), styled by the bundled reference.docx.

Following pandoc's reference-doc idea, every DOCX starts as a copy of ``styles/reference.docx``
(made by ``tools/make_reference_docx.py``): its body is cleared but its final section properties
(A4, margins) are kept, and content is written in its named styles, so restyling the brief is
restyling the reference. This module is the tree walk: python-docx covers paragraphs, runs,
tables, pictures, sections and core properties, and what it lacks (complex fields, bookmarks,
hyperlinks, the footnotes part, settings in schema order, embedded fonts) is a named operation of
the low-level :mod:`wreport.writers.ooxml`, the one place that writes raw WordprocessingML.

Output is deterministic: nothing reads the clock (dates come from ``Document.date``), ids are
counted in document order, and the ZIP is rewritten with fixed entry times and attributes, so
the same tree gives the same bytes in any process. See docs/docx.md.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from typing import Any

import docx
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from wreport.errors import RenderError
from wreport.render import fontsubset
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
from wreport.writers import ooxml
from wreport.writers.html import heading_ids, marker_needs_gap, note_list_id
from wreport.writers.ooxml import normalise_zip

__all__ = ["normalise_zip", "render_docx"]

REFERENCE = "styles/reference.docx"  # inside the wreport package
EMBEDDED_FONT = "NanumGothic"  # the font-table name the reference's styles use; bundled, embedded
EMBEDDED_FAMILY = "WreportGothic"  # the embedded subsets' name, before their hash (embedded_family)
PRINT_DPI = 200  # charts are rendered at print resolution, then fitted to the text column
LANGUAGE_TAGS = {"ko": "ko-KR", "en": "en-US"}
# Before a note marker that would read as an exponent (2016², m²¹, ¹²): a narrow space that, unlike
# U+2009, never lets the marker wrap to the next line on its own (the PDF pads the marker instead).
MARKER_GAP = "\u202f"

# Paragraph.style values of the tree -> style names in the reference (None: body text).
PARAGRAPH_STYLES = {None: "Normal", "lead": "Lead", "note": "Note", "source": "Source", "code": "Source Code"}
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
NOTES_BOOKMARK = "_TocNotes"  # around the closing notes' heading; hidden in Word, as "_" names are

def render_docx(doc: Document, *, heading_pages: Mapping[str, int] | None = None,
                revisions: ooxml.Revisions | None = None) -> bytes:
    """The document as the bytes of a .docx file; the same tree (and pages) always give the same bytes.

    ``heading_pages`` maps a heading's HTML id (:func:`wreport.writers.html.heading_ids`) to the
    page it lands on in the PDF edition (:func:`wreport.writers.pdf.heading_pages`); the contents
    then shows those numbers. Without it the contents lists the headings without numbers.
    ``revisions`` (a redline's author and date) writes runs whose ``Text.change`` is set as tracked
    changes; a paragraph or table row whose every run is inserted (deleted) is itself inserted (deleted).
    """
    if doc.lang not in LANGUAGE_TAGS:
        raise RenderError(f"cannot write a DOCX in language {doc.lang!r}",
                          hint=f"editions are {', '.join(LANGUAGE_TAGS)}")
    word = _open_reference()
    _DocxWriter(doc, word, dict(heading_pages or {}), revisions).write()
    embed_bundled_font(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return normalise_zip(buffer.getvalue())


def embed_bundled_font(word: docx.document.Document) -> None:
    """Embed the bundled NanumGothic, regular and bold, cut to the characters the document shows,
    under a family name of this subset's own (:func:`embedded_family`), which every style, run and
    the font table then use.

    The file then looks the same on a machine without the font (LibreOffice and Word both read
    embedded fonts; the OFL allows embedding, fonts/OFL.txt), and several briefs opened in one
    office session each keep their own glyphs: an office suite keeps the first embedded font of a
    name it sees, so a shared name drew the second brief's Hangul as boxes (issue 20).
    """
    text = ooxml.package_text(word)
    faces = {"w:embedRegular": fontsubset.ttf_subset(fontsubset.bundled_font(fontsubset.REGULAR), text),
             "w:embedBold": fontsubset.ttf_subset(fontsubset.bundled_font(fontsubset.BOLD), text)}
    family = embedded_family(faces.values())
    ooxml.rename_font(word, EMBEDDED_FONT, family)
    faces = {face: fontsubset.renamed(data, family) for face, data in faces.items()}
    ooxml.embed_fonts(word, [ooxml.EmbeddedFont(family, faces)])


def embedded_family(faces: Iterable[bytes]) -> str:
    """The family name of a document's embedded subsets: :data:`EMBEDDED_FAMILY` and a short hash
    of the subsets, so documents showing different characters never share a name, and a rebuild
    keeps its name. Not NanumGothic: a modified font may not carry the OFL's Reserved Font Names."""
    digest = hashlib.sha256()
    for data in faces:
        digest.update(hashlib.sha256(data).digest())
    return f"{EMBEDDED_FAMILY}-{digest.hexdigest()[:10]}"


def _open_reference() -> docx.document.Document:
    """The reference document with its body emptied, keeping the final section (page size, margins)."""
    reference = resources.files("wreport").joinpath(REFERENCE)
    try:
        word = docx.Document(io.BytesIO(reference.read_bytes()))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise RenderError(f"cannot read the DOCX reference {reference}: {exc}",
                          hint="regenerate it with tools/make_reference_docx.py") from None
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return word


def whole_change(children: list[Inline]) -> str | None:
    """"ins" or "del" when every text run of ``children`` is inserted (deleted) in a redline, so
    the paragraph or row holding them is new (gone) as a whole; else None."""
    changes = {node.change for node in children if isinstance(node, Text) and node.text.strip()}
    return changes.pop() if len(changes) == 1 and None not in changes else None


def _bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an anchor: word characters only, a letter or _ first, 40 at most."""
    name = re.sub(r"\W", "_", anchor)
    if not name[:1].isalpha():
        name = f"_{name}"
    return name[:40]


def _bookmark_names(headings: list[Heading]) -> list[str]:
    """One distinct bookmark name per heading (a numeric suffix on clashes); anchorless headings
    get one from their position, so the TOC can link to every heading."""
    names: list[str] = []
    for number, heading in enumerate(headings, start=1):
        base = _bookmark_name(heading.anchor or f"heading_{number}")
        name, suffix = base, 1
        while name in names:
            suffix += 1
            name = f"{base[:40 - len(str(suffix)) - 1]}_{suffix}"
        names.append(name)
    return names


def _word_levels(headings: list[Heading]) -> list[int]:
    """Each heading's Word level, 1-3: the document's top level is Heading 1 (the partner brief's
    sections are ``##`` under its title, and a DOCX starting at Heading 2 reads as a gap to a screen
    reader or Word's navigation pane), no level is more than one below the one before it, and
    deeper levels use Heading 3, where the brief's styles and its TOC stop."""
    top = min((heading.level for heading in headings), default=1)
    levels: list[int] = []
    for heading in headings:
        levels.append(max(1, min(heading.level - top + 1, (levels[-1] if levels else 0) + 1, 3)))
    return levels


@dataclass
class _Place:
    """Where inline runs are being written: the paragraph, the part that owns its links, and the
    hyperlink the last run went into (neighbouring runs with the same target share it)."""

    paragraph: DocxParagraph
    part: Part
    link_element: BaseOxmlElement | None = None
    link_target: str | None = None


@dataclass
class _DocxWriter(TreeVisitor[None]):
    """One pass over the tree, appending to the reference document in reading order."""

    doc: Document
    word: docx.document.Document
    heading_pages: dict[str, int]  # a heading's HTML id -> its page in the PDF edition
    revisions: ooxml.Revisions | None = None  # a redline's: runs with Text.change become w:ins/w:del
    footnotes: ooxml.Footnotes = field(init=False)
    labels: dict[str, str] = field(init=False)  # UI words of the edition: "contents", "page"...
    _heading_count: int = 0
    _figure_count: int = 0
    _table_count: int = 0

    def __post_init__(self) -> None:
        self.footnotes = ooxml.Footnotes(self.word)
        self.labels = {**UI_LABELS[self.doc.lang], **self.doc.labels}
        self.headings = section_headings(self.doc.blocks)
        self.bookmarks = _bookmark_names(self.headings)  # parallel to self.headings
        self._section_ids = {id(heading) for heading in self.headings}
        self.levels = _word_levels(self.headings)  # parallel to self.headings
        self.note_bookmarks: dict[int, str] = {}  # note number -> the bookmark around its one marker
        self.citations: Counter[int] = Counter()  # note number -> markers written so far
        self.link_targets: dict[str, str] = {}  # "#anchor" links go to the first heading with it
        for heading, name in zip(self.headings, self.bookmarks, strict=True):
            if heading.anchor:
                self.link_targets.setdefault(heading.anchor, name)

    # ------------------------------------------------------------ the whole document
    def write(self) -> None:
        self._title_block()
        title_end = ooxml.xml_of(self.word.paragraphs[-1])
        for block in self.doc.blocks:
            self._block(block)
        notes_listed = self._notes_list()
        if self.headings and self.doc.contents:  # written last, when the notes list is known, and moved up
            self._table_of_contents(after=title_end, notes_listed=notes_listed)
        self._page_furniture()
        self._core_properties()
        ooxml.set_setting(self.word.settings.element, ooxml.element("w:updateFields", w_val="true"))

    def _title_block(self) -> None:
        self._paragraph("Title", self.doc.title)
        for text, style in ((self.doc.subtitle, "Subtitle"), (self.doc.author, "Author"),
                            (self.doc.date_text, "Date")):
            if text:
                self._paragraph(style, text)

    def _table_of_contents(self, *, after: BaseOxmlElement, notes_listed: bool) -> None:
        """A TOC field right after ``after`` (the title block), marked dirty so Word rebuilds it
        from its own layout on opening.

        Its cached result, which LibreOffice shows as it stands, is the contents as Word writes
        it: each heading a link to its bookmark, then a tab (the toc styles' dotted leader) and a
        ``PAGEREF`` field whose cached result is the heading's page in the PDF edition, when known.
        The closing notes are a Heading 1, so Word lists them once it updates the field: the
        stored result lists them too (``notes_listed``), on the page of the PDF's notes list.
        """
        body = self.word.element.body
        first_new = len(body) - 1  # python-docx adds before the final w:sectPr
        self._paragraph("TOC Heading", self.labels["contents"])
        html_ids = heading_ids(self.doc)
        entries = [(plain_text(heading.children), name, level, self.heading_pages.get(html_ids.get(id(heading), "")))
                   for heading, name, level in zip(self.headings, self.bookmarks, self.levels, strict=True)]
        if notes_listed:
            entries.append((self.labels["notes"], NOTES_BOOKMARK, 1, self.heading_pages.get(note_list_id(1))))
        for index, (text, name, level, page) in enumerate(entries):
            paragraph = ooxml.xml_of(self._paragraph(f"toc {level}"))
            if index == 0:
                paragraph.extend(ooxml.field_runs(TOC_INSTRUCTION, dirty=True, complete=False))
            link = ooxml.anchor_link(name)
            link.append(ooxml.run(text=text))
            if page is not None:
                link.append(ooxml.run(ooxml.element("w:tab")))
                link.extend(ooxml.field_runs(f" PAGEREF {name} \\h ", str(page)))
            paragraph.append(link)
            if index == len(entries) - 1:
                paragraph.append(ooxml.field_end())
        self.word.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
        for element in reversed(body[first_new:-1]):
            after.addnext(element)

    def _style(self, name: str) -> Any:
        """A style of the reference by name; a missing one is the reference's fault, said so.

        A paragraph, character or table style as the name says: python-docx's ``Styles[name]`` is
        unannotated, and each setter takes its own kind."""
        try:
            return self.word.styles[name]
        except KeyError:
            raise RenderError(f"the DOCX reference has no style named {name!r}",
                              hint="regenerate it with tools/make_reference_docx.py") from None

    def _paragraph(self, style: str, text: str = "") -> DocxParagraph:
        """A new body paragraph in the named style."""
        return self.word.add_paragraph(text, style=self._style(style))

    # ------------------------------------------------------------ blocks
    def _block(self, block: Block, *, quote: bool = False, depth: int = 0) -> None:
        self.visit(block, quote=quote, depth=depth)

    def visit_heading(self, block: Heading, quote: bool, depth: int) -> None:
        """A section heading, or, inside a quote or a list item, a bold paragraph of what holds it:
        such a heading opens no section (document.section_headings), so it is not in the contents."""
        if id(block) not in self._section_ids:
            paragraph = self._paragraph("Block Text" if quote else "Normal")
            self._inlines(paragraph, block.children)
            for run in paragraph.runs:
                run.bold = True
        else:
            self._heading(block)

    def visit_paragraph(self, block: Paragraph, quote: bool, depth: int) -> None:
        style = "Block Text" if quote and block.style is None else PARAGRAPH_STYLES.get(block.style, "Normal")
        self._inlines(self._paragraph(style), block.children)

    def visit_list(self, block: ListBlock, quote: bool, depth: int) -> None:
        self._list(block, depth)

    def visit_table(self, block: Table, quote: bool, depth: int) -> None:
        self._table(block)

    def visit_figure(self, block: Figure, quote: bool, depth: int) -> None:
        self._figure(block)

    def visit_page_break(self, block: PageBreak, quote: bool, depth: int) -> None:
        self.word.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated

    def visit_block_quote(self, block: BlockQuote, quote: bool, depth: int) -> None:
        for child in block.children:
            self._block(child, quote=True, depth=depth)

    def _heading(self, heading: Heading) -> None:
        """A Heading 1-3 paragraph (deeper levels use Heading 3) wrapped in its bookmark."""
        # section headings are written in the order section_headings found them
        paragraph = self._paragraph(f"Heading {self.levels[self._heading_count]}")
        start, end = ooxml.bookmark(self._heading_count, self.bookmarks[self._heading_count])
        self._heading_count += 1
        ooxml.xml_of(paragraph).append(start)
        self._inlines(paragraph, heading.children)
        ooxml.xml_of(paragraph).append(end)

    def _list(self, block: ListBlock, depth: int) -> None:
        """List Bullet / List Number paragraphs; each list is its own numbering instance.

        A new ``w:num`` per list (with a start override for ordered lists) makes every ordered list
        count from its own start; nesting is the paragraph's level (``w:ilvl``), whose indent the
        reference's numbering defines.
        """
        style = "List Number" if block.ordered else "List Bullet"
        num_id = self._new_list(style, depth, block.start if block.ordered else None)
        for item in block.items:
            first = True
            for child in item:
                if first and isinstance(child, Paragraph):
                    paragraph = self._paragraph(style)
                    num_pr = ooxml.xml_of(paragraph).get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = depth
                    num_pr.get_or_add_numId().val = num_id
                    self._inlines(paragraph, child.children)
                elif isinstance(child, Paragraph):
                    paragraph = self._paragraph("List Continue")
                    paragraph.paragraph_format.left_indent = self._level_indent(num_id, depth)
                    self._inlines(paragraph, child.children)
                elif isinstance(child, ListBlock):
                    self._list(child, depth + 1)
                else:
                    self._block(child, depth=depth)
                first = False

    def _new_list(self, style: str, depth: int, start: int | None) -> int:
        """A ``w:num`` on the abstract list that ``style`` points at in the reference."""
        numbering = self.word.part.numbering_part.element
        style_num = self._style(style).element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if not style_num:
            raise RenderError(f"the DOCX reference's {style!r} style has no list numbering",
                              hint="regenerate it with tools/make_reference_docx.py")
        abstract_id = numbering.num_having_numId(int(style_num[0])).abstractNumId.val
        num = numbering.add_num(abstract_id)
        if start is not None:
            num.add_lvlOverride(ilvl=depth).add_startOverride(start)
        num_id: int = num.numId
        return num_id

    def _level_indent(self, num_id: int, depth: int) -> Emu | None:
        """The text indent of list level ``depth``, for an item's second and later paragraphs."""
        numbering = self.word.part.numbering_part.element
        abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
        left = numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="{depth}"]'
                               "/w:pPr/w:ind/@w:left")
        return Emu(int(left[0]) * 635) if left else None  # twips to EMU

    def _table(self, table: Table) -> None:
        """A table in the reference's table style; the header row repeats on every page."""
        columns = max([len(table.header)] + [len(row) for row in table.rows])
        if table.caption:
            self._table_count += 1
            caption = self._caption(self.labels["table"], "Table", self._table_count, table.caption)
            caption.paragraph_format.keep_with_next = True
        grid = self.word.add_table(rows=1 + len(table.rows), cols=columns)
        grid.style = self._style("Brief Table")
        if table.caption:
            ooxml.table_caption(ooxml.xml_of(grid), plain_text(table.caption))
        for row_index, cells in enumerate([table.header, *table.rows]):
            row = grid.rows[row_index]
            ooxml.keep_row_whole(ooxml.xml_of(row), repeat_as_header=row_index == 0)
            for column, cell in enumerate(cells):
                paragraph = row.cells[column].paragraphs[0]
                paragraph.style = self._style("Table Text")
                if cell.align in ("left", "center", "right"):
                    paragraph.alignment = {"left": 0, "center": 1, "right": 2}[cell.align]
                self._inlines(paragraph, cell.children, whole=False)
            if self.revisions is not None:
                self._track_row(ooxml.xml_of(row), cells)
        self._paragraph("Normal").paragraph_format.space_after = 0

    def _track_row(self, row: CT_Row, cells: list[TableCell]) -> None:
        """In a redline, a row whose every cell is inserted (deleted) is itself inserted (deleted)."""
        whole = {whole_change(cell.children) for cell in cells}
        change = whole.pop() if len(whole) == 1 else None
        if change is not None and self.revisions is not None:
            self.revisions.mark_row(row, change)

    def _figure(self, figure: Figure) -> None:
        """The chart as a PNG at print resolution, at most as wide as the text column, then its caption."""
        from wreport.render import charts  # matplotlib is heavy: imported only when a brief has a chart

        png = charts.render_png(figure.chart, self.doc.lang, dpi=PRINT_DPI)
        image = Image.from_blob(png)
        section = self.word.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        if width is None or left is None or right is None:
            raise RenderError("the DOCX reference's section has no page width or side margins",
                              hint="regenerate it with tools/make_reference_docx.py")
        column = width - left - right
        natural = Emu(int(image.px_width / image.horz_dpi * 914400))
        paragraph = self._paragraph("Figure")
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=min(natural, column))
        self._figure_count += 1
        ooxml.xml_of(shape).docPr.set("name", f"Figure {self._figure_count}")
        ooxml.xml_of(shape).docPr.set("descr", charts.figure_alt(figure, self.doc.lang))
        self._caption(self.labels["figure"], "Figure", self._figure_count, figure.caption)

    def _caption(self, label: str, sequence: str, number: int, children: list[Inline]) -> DocxParagraph:
        """"Figure 1. text": the number is a SEQ field, so Word renumbers if figures move."""
        paragraph = self._paragraph("Caption", f"{label} ")
        ooxml.xml_of(paragraph).extend(ooxml.field_runs(f" SEQ {sequence} \\* ARABIC ", str(number)))
        paragraph.add_run(". " if children else "")
        self._inlines(paragraph, children)
        return paragraph

    # ------------------------------------------------------------ inline content
    def _inlines(self, paragraph: DocxParagraph, children: list[Inline], part: Part | None = None,
                 *, whole: bool = True) -> None:
        """Runs for text (with emphasis, code, links), line breaks and footnote markers.

        ``part`` is the package part the paragraph lives in (the document, or the footnotes part),
        which owns the relationships of external links. In a redline, a body paragraph whose every
        run is inserted or deleted has its mark tracked too (``whole``; a cell's paragraph cannot
        go, its row does).
        """
        at = _Place(paragraph, part or self.word.part)
        children = unmarked(children)  # fact and term marks are review data: runs as without them
        change = whole_change(children) if self.revisions is not None and whole and at.part is self.word.part else None
        if change is not None:
            self.revisions.mark_paragraph(ooxml.xml_of(paragraph), change)  # type: ignore[union-attr]  # set when change is
        for node, previous in zip(children, [None, *children], strict=False):
            self.visit(node, at=at, previous=previous)

    def visit_text(self, node: Text, at: _Place, previous: Inline | None) -> None:
        """A run (tracked as inserted or deleted in a redline), inside the hyperlink of the run
        before when both link to the same target."""
        run: BaseOxmlElement = ooxml.run()
        self._text_run(Run(run, at.paragraph), node)  # type: ignore[arg-type]  # a CT_R, made by ooxml.run
        if node.change and self.revisions is not None:
            run = self.revisions.wrap(run, node.change)
        if not node.link:
            ooxml.xml_of(at.paragraph).append(run)
            at.link_element, at.link_target = None, None
            return
        if node.link != at.link_target:
            at.link_element, at.link_target = self._hyperlink(node.link, at.part), node.link
            ooxml.xml_of(at.paragraph).append(at.link_element)
        assert at.link_element is not None  # made for this link target, or for the run before
        at.link_element.append(run)

    def visit_line_break(self, node: LineBreak, at: _Place, previous: Inline | None) -> None:
        run = ooxml.run()
        run.append(ooxml.element("w:br"))
        ooxml.xml_of(at.paragraph).append(run)
        at.link_element, at.link_target = None, None

    def visit_footnote_ref(self, node: FootnoteRef, at: _Place, previous: Inline | None) -> None:
        ooxml.xml_of(at.paragraph).extend(self._marker(node, previous))
        at.link_element, at.link_target = None, None

    def _text_run(self, run: Run, node: Text) -> None:
        run.text = node.text
        if node.bold:
            run.bold = True
        if node.italic:
            run.italic = True
        # style ids set on the XML: a run in a footnote has no python-docx parent to resolve names
        if node.code:
            ooxml.xml_of(run).style = self._style("Verbatim Char").style_id
        elif node.link:
            ooxml.xml_of(run).style = self._style("Hyperlink").style_id

    def _hyperlink(self, target: str, part: Part) -> BaseOxmlElement:
        """A ``w:hyperlink``: to a heading's bookmark for "#anchor", else to an external address."""
        if target.startswith("#"):
            name = self.link_targets.get(target[1:]) or _bookmark_name(target[1:])
            return ooxml.anchor_link(name)
        return ooxml.external_link(part.relate_to(target, RT.HYPERLINK, is_external=True))

    def _marker(self, ref: FootnoteRef, previous: Inline | None) -> list[BaseOxmlElement]:
        """A note marker with the gap it needs; in a redline, an inserted or deleted one tracked.

        A deleted marker is its number in the footnote reference style, as a repeated marker's
        field shows it: it never makes a footnote of its own, and rejecting it shows the number
        again (a field inside a deleted table row kept LibreOffice from removing the row).
        """
        made: list[BaseOxmlElement] = [ooxml.run(text=MARKER_GAP)] if marker_needs_gap(previous) else []
        if ref.change == "del" and self.revisions is not None:
            made.append(ooxml.styled(ooxml.run(text=str(ref.number)), self._style("footnote reference").style_id))
        else:
            made += self._footnote_reference(ref)
        if ref.change and self.revisions is not None:
            made = [self.revisions.wrap(item, ref.change) if item.tag == qn("w:r") else item for item in made]
        return made

    def _footnote_reference(self, ref: FootnoteRef) -> list[BaseOxmlElement]:
        """The marker of a note: a real footnote the first time, a NOTEREF field to it after that.

        A Word footnote has exactly one marker, so a source cited twelve times must not become
        twelve identical notes. Its first marker is wrapped in a hidden ``_Ref`` bookmark; later
        ones are ``NOTEREF <bookmark> \\f \\h`` fields (Word's own cross-reference to a note: the
        note's number, formatted as a footnote reference, linked to the note), whose cached result
        is that number in the footnote reference style, so a reader that never updates fields
        shows the same superscript number. See docs/docx.md.
        """
        if not 1 <= ref.number <= len(self.doc.footnotes):
            raise RenderError(f"footnote reference [{ref.number}] has no footnote "
                              f"(the document has {len(self.doc.footnotes)})")
        self.citations[ref.number] += 1
        reference_style = self._style("footnote reference").style_id
        if ref.number in self.note_bookmarks:
            runs = ooxml.field_runs(f" NOTEREF {self.note_bookmarks[ref.number]} \\f \\h ", str(ref.number))
            return [ooxml.styled(run, reference_style) for run in runs]
        note_id, note_paragraph = self.footnotes.add(self._style("footnote text").style_id, reference_style)
        # a note paragraph has no python-docx parent: its part is passed on explicitly
        self._inlines(DocxParagraph(note_paragraph, None), self.doc.footnotes[ref.number - 1].children,  # type: ignore[arg-type]
                      part=self.footnotes.part)
        name = self.note_bookmarks[ref.number] = f"_RefNote{ref.number}"
        # heading bookmarks take ids 0 .. headings - 1
        start, end = ooxml.bookmark(len(self.headings) + ref.number, name)
        return [start, ooxml.footnote_reference(note_id, reference_style), end]

    def _notes_list(self) -> bool:
        """Every note, numbered, at the end, when a note is cited more than once (or never).

        A note prints at the foot of the page of its first marker only; a marker repeated pages
        later needs somewhere to resolve to on paper, as in the PDF (docs/pdf.md). Its title is a
        Heading 1, a section of the document's top level, so a screen reader or Word's navigation
        pane finds it, inside a bookmark the contents links to. True when the list is written.
        """
        if all(self.citations[note.number] == 1 for note in self.doc.footnotes):
            return False
        heading = ooxml.xml_of(self._paragraph("Heading 1"))
        start, end = ooxml.bookmark(len(self.headings) + len(self.doc.footnotes) + 1, NOTES_BOOKMARK)
        heading.extend([start, ooxml.run(text=self.labels["notes"]), end])
        for note in self.doc.footnotes:
            paragraph = self._paragraph("footnote text", f"{note.number}. ")
            self._inlines(paragraph, note.children)
        return True

    # ------------------------------------------------------------ page furniture and metadata
    def _page_furniture(self) -> None:
        """The brief's title in the header, "page X of Y" in the footer; the title page has no header."""
        section = self.word.sections[-1]
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.first_page_header.paragraphs[0].style = self._style("Normal")  # no header rule either
        header = section.header.paragraphs[0]
        header.style = self._style("header")
        header.add_run(self.doc.title)
        for footer in (section.footer, section.first_page_footer):
            self._page_numbers(footer.paragraphs[0])

    def _page_numbers(self, paragraph: DocxParagraph) -> None:
        """The edition's page pattern ("Page {page} of {pages}", "{page} / {pages}쪽") with live fields."""
        paragraph.style = self._style("footer")
        fields = {"{page}": " PAGE ", "{pages}": " NUMPAGES "}
        for piece in re.split(r"(\{page\}|\{pages\})", self.labels["page"]):
            if piece in fields:
                ooxml.xml_of(paragraph).extend(ooxml.field_runs(fields[piece], "1"))
            elif piece:
                paragraph.add_run(piece)

    def _core_properties(self) -> None:
        """Title, author, language... and dates from the document's own date, never the clock."""
        core = self.word.core_properties
        core.title = self.doc.title
        core.subject = self.doc.subject
        core.author = self.doc.author
        core.last_modified_by = self.doc.author
        core.keywords = ", ".join(self.doc.keywords)
        core.language = LANGUAGE_TAGS[self.doc.lang]
        core.revision = 1
        if self.doc.date:
            try:
                stamp = datetime.combine(date.fromisoformat(self.doc.date), datetime.min.time(), timezone.utc)
            except ValueError:
                raise RenderError(f"document date {self.doc.date!r} is not an ISO date (YYYY-MM-DD)") from None
            core.created = stamp
            core.modified = stamp
        else:  # no date in the inputs: leave the dates out rather than invent one
            for name in ("dcterms:created", "dcterms:modified"):
                for element in ooxml.xml_of(core).findall(qn(name)):
                    ooxml.xml_of(core).remove(element)
