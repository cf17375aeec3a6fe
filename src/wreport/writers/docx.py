"""The document tree as a Word file (python-docx), styled by the bundled reference.docx.

Following pandoc's reference-doc idea, every DOCX starts as a copy of ``styles/reference.docx``
(made by ``tools/make_reference_docx.py``): its body is cleared but its final section properties
(A4, margins) are kept, and content is written in its named styles, so restyling the brief is
restyling the reference. python-docx covers paragraphs, runs, tables, pictures, sections and core
properties; what it lacks is written as WordprocessingML here: complex fields (TOC, SEQ, PAGE,
NUMPAGES), bookmarks, hyperlinks and real footnotes (a ``footnotes.xml`` part of our own).

Output is deterministic: nothing reads the clock (dates come from ``Document.date``), ids are
counted in document order, and the ZIP is rewritten with fixed entry times and attributes, so
the same tree gives the same bytes in any process. See docs/docx.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources

import docx
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ..document import (
    UI_LABELS,
    BlockQuote,
    Document,
    Figure,
    FootnoteRef,
    Heading,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Text,
    plain_text,
    unmarked,
)
from ..errors import RenderError
from .html import marker_needs_gap

REFERENCE = "styles/reference.docx"  # inside the wreport package
PRINT_DPI = 200  # charts are rendered at print resolution, then fitted to the text column
LANGUAGE_TAGS = {"ko": "ko-KR", "en": "en-US"}
# Before a note marker that would read as an exponent (2016², m²¹, ¹²): a narrow space that, unlike
# U+2009, never lets the marker wrap to the next line on its own (the PDF pads the marker instead).
MARKER_GAP = "\u202f"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry

# Paragraph.style values of the tree -> style names in the reference (None: body text).
PARAGRAPH_STYLES = {None: "Normal", "lead": "Lead", "note": "Note", "source": "Source", "code": "Source Code"}
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '

# CT_Settings is a strict sequence: an element added to settings.xml goes before the first of
# these that is present (the tail of the sequence, from w:updateFields on).
_SETTINGS_SEQUENCE = (
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
    "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)

_FOOTNOTE_SEPARATORS = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def render_docx(doc: Document) -> bytes:
    """The document as the bytes of a .docx file; the same tree always gives the same bytes."""
    if doc.lang not in LANGUAGE_TAGS:
        raise RenderError(f"cannot write a DOCX in language {doc.lang!r}",
                          hint=f"editions are {', '.join(LANGUAGE_TAGS)}")
    word = _open_reference()
    _DocxWriter(doc, word).write()
    buffer = io.BytesIO()
    word.save(buffer)
    return normalise_zip(buffer.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed entry times, attributes and order, so equal content gives equal bytes.

    A plain python-docx save stamps every entry with the current time. ``[Content_Types].xml``
    stays first, as Office writes it.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()


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


def _word_level(heading: Heading) -> int:
    """The Word heading level, 1-3: the brief's styles (and its TOC) stop at Heading 3."""
    return min(max(heading.level, 1), 3)


def _iter_headings(blocks: list) -> list[Heading]:
    """Every heading in reading order, including those inside quotes and list items."""
    found: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block)
        elif isinstance(block, BlockQuote):
            found += _iter_headings(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                found += _iter_headings(item)
    return found


def _element(tag: str, **attrs: str):
    """A WordprocessingML element with ``w:`` attributes (``w_id="1"`` becomes ``w:id="1"``)."""
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key.replace("_", ":", 1)), value)
    return element


def _run(child=None, text: str = ""):
    """A bare ``w:r`` holding one element, or text."""
    run = OxmlElement("w:r")
    if child is not None:
        run.append(child)
    if text:
        Run(run, None).text = text
    return run


def _field_runs(instruction: str, cached: str = "", *, dirty: bool = False, complete: bool = True) -> list:
    """The runs of a complex field: begin, instruction, separate, the cached result, end.

    ``complete=False`` stops after the separator, for fields whose result spans paragraphs (TOC).
    """
    begin = _element("w:fldChar", w_fldCharType="begin")
    if dirty:
        begin.set(qn("w:dirty"), "true")
    instr = _element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    runs = [_run(begin), _run(instr), _run(_element("w:fldChar", w_fldCharType="separate"))]
    if cached:
        runs.append(_run(text=cached))
    if complete:
        runs.append(_field_end())
    return runs


def _with_style(run, style_id: str):
    """``run`` in a character style (by id: runs in the footnotes part have no style look-up)."""
    run.insert(0, parse_xml(f'<w:rPr {nsdecls("w")}><w:rStyle w:val="{style_id}"/></w:rPr>'))
    return run


def _field_end():
    return _run(_element("w:fldChar", w_fldCharType="end"))


def _insert_setting(settings, element) -> None:
    """Put ``element`` into settings.xml at its schema position, replacing one already there."""
    tag = element.tag
    for old in settings.findall(tag):
        settings.remove(old)
    position = next(i for i, name in enumerate(_SETTINGS_SEQUENCE) if qn(name) == tag)
    settings.insert_element_before(element, *_SETTINGS_SEQUENCE[position + 1:])


@dataclass
class _Footnotes:
    """The ``word/footnotes.xml`` part, made on the first note (python-docx has no footnote API).

    Notes get ids 1, 2, ... in the order their references are written, which is document order:
    LibreOffice pairs notes with markers by ascending id.
    """

    word: docx.document.Document
    part: XmlPart | None = None

    def add(self) -> tuple[int, object]:
        """A new empty note: its id and its ``w:footnote`` element, to be filled by the caller."""
        if self.part is None:
            self.part = self._create_part()
        note_id = len(self.part.element) - 1  # two separators come first, with ids -1 and 0
        note = _element("w:footnote", w_id=str(note_id))
        self.part.element.append(note)
        return note_id, note

    def _create_part(self) -> XmlPart:
        """Relate a fresh footnotes part (dropping one a Word-saved reference may carry)."""
        document_part = self.word.part
        for rel_id, rel in list(document_part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                document_part.drop_rel(rel_id)
        part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTE_SEPARATORS),
                       document_part.package)
        document_part.relate_to(part, RT.FOOTNOTES)
        properties = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
                               "</w:footnotePr>")
        _insert_setting(self.word.settings.element, properties)
        return part


@dataclass
class _DocxWriter:
    """One pass over the tree, appending to the reference document in reading order."""

    doc: Document
    word: docx.document.Document
    footnotes: _Footnotes = field(init=False)
    labels: dict[str, str] = field(init=False)  # UI words of the edition: "contents", "page"...
    _heading_count: int = 0
    _figure_count: int = 0
    _table_count: int = 0

    def __post_init__(self) -> None:
        self.footnotes = _Footnotes(self.word)
        self.labels = {**UI_LABELS[self.doc.lang], **self.doc.labels}
        self.headings = _iter_headings(self.doc.blocks)
        self.bookmarks = _bookmark_names(self.headings)  # parallel to self.headings
        self.note_bookmarks: dict[int, str] = {}  # note number -> the bookmark around its one marker
        self.citations: Counter[int] = Counter()  # note number -> markers written so far
        self.link_targets: dict[str, str] = {}  # "#anchor" links go to the first heading with it
        for heading, name in zip(self.headings, self.bookmarks):
            if heading.anchor:
                self.link_targets.setdefault(heading.anchor, name)

    # ------------------------------------------------------------ the whole document
    def write(self) -> None:
        self._title_block()
        if self.headings and self.doc.contents:
            self._table_of_contents()
        for block in self.doc.blocks:
            self._block(block)
        self._notes_list()
        self._page_furniture()
        self._core_properties()
        _insert_setting(self.word.settings.element, _element("w:updateFields", w_val="true"))

    def _title_block(self) -> None:
        self._paragraph("Title", self.doc.title)
        for text, style in ((self.doc.subtitle, "Subtitle"), (self.doc.author, "Author"),
                            (self.doc.date_text, "Date")):
            if text:
                self._paragraph(style, text)

    def _table_of_contents(self) -> None:
        """A TOC field, marked dirty so Word rebuilds it with page numbers on opening.

        Its cached result lists the headings as links (without page numbers, which only a layout
        engine knows), so a reader that does not update fields still shows a usable contents.
        """
        self._paragraph("TOC Heading", self.labels["contents"])
        entries = list(zip(self.headings, self.bookmarks))
        for index, (heading, name) in enumerate(entries):
            paragraph = self._paragraph(f"toc {_word_level(heading)}")
            if index == 0:
                paragraph._p.extend(_field_runs(TOC_INSTRUCTION, dirty=True, complete=False))
            link = _element("w:hyperlink", w_anchor=name, w_history="1")
            link.append(_run(text=plain_text(heading.children)))
            paragraph._p.append(link)
            if index == len(entries) - 1:
                paragraph._p.append(_field_end())
        self.word.add_page_break()

    def _style(self, name: str):
        """A style of the reference by name; a missing one is the reference's fault, said so."""
        try:
            return self.word.styles[name]
        except KeyError:
            raise RenderError(f"the DOCX reference has no style named {name!r}",
                              hint="regenerate it with tools/make_reference_docx.py") from None

    def _paragraph(self, style: str, text: str = "") -> DocxParagraph:
        """A new body paragraph in the named style."""
        return self.word.add_paragraph(text, style=self._style(style))

    # ------------------------------------------------------------ blocks
    def _block(self, block, *, quote: bool = False, depth: int = 0) -> None:
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            style = "Block Text" if quote and block.style is None else PARAGRAPH_STYLES.get(block.style, "Normal")
            paragraph = self._paragraph(style)
            self._inlines(paragraph, block.children)
        elif isinstance(block, ListBlock):
            self._list(block, depth)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._figure(block)
        elif isinstance(block, PageBreak):
            self.word.add_page_break()
        elif isinstance(block, BlockQuote):
            for child in block.children:
                self._block(child, quote=True, depth=depth)
        else:
            raise RenderError(f"the DOCX writer has no rule for a {type(block).__name__} block")

    def _heading(self, heading: Heading) -> None:
        """A Heading 1-3 paragraph (deeper levels use Heading 3) wrapped in its bookmark."""
        paragraph = self._paragraph(f"Heading {_word_level(heading)}")
        bookmark_id = str(self._heading_count)  # headings are written in the order _iter_headings found them
        name = self.bookmarks[self._heading_count]
        self._heading_count += 1
        paragraph._p.append(_element("w:bookmarkStart", w_id=bookmark_id, w_name=name))
        self._inlines(paragraph, heading.children)
        paragraph._p.append(_element("w:bookmarkEnd", w_id=bookmark_id))

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
                    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
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
        return num.numId

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
            grid._tbl.tblPr.append(_element("w:tblCaption", w_val=plain_text(table.caption)))
        for row_index, cells in enumerate([table.header, *table.rows]):
            row = grid.rows[row_index]
            row_properties = row._tr.get_or_add_trPr()
            row_properties.insert_element_before(_element("w:cantSplit"), "w:trHeight", "w:tblHeader")
            if row_index == 0:
                row_properties.append(_element("w:tblHeader"))
            for column, cell in enumerate(cells):
                paragraph = row.cells[column].paragraphs[0]
                paragraph.style = self._style("Table Text")
                if cell.align in ("left", "center", "right"):
                    paragraph.alignment = {"left": 0, "center": 1, "right": 2}[cell.align]
                self._inlines(paragraph, cell.children)
        self._paragraph("Normal").paragraph_format.space_after = 0

    def _figure(self, figure: Figure) -> None:
        """The chart as a PNG at print resolution, at most as wide as the text column, then its caption."""
        from .. import charts  # matplotlib is heavy: imported only when a brief has a chart

        png = charts.render_png(figure.chart, self.doc.lang, dpi=PRINT_DPI)
        image = Image.from_blob(png)
        section = self.word.sections[-1]
        column = section.page_width - section.left_margin - section.right_margin
        natural = Emu(int(image.px_width / image.horz_dpi * 914400))
        paragraph = self._paragraph("Figure")
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=min(natural, column))
        self._figure_count += 1
        shape._inline.docPr.set("name", f"Figure {self._figure_count}")
        shape._inline.docPr.set("descr", charts.figure_alt(figure, self.doc.lang))
        self._caption(self.labels["figure"], "Figure", self._figure_count, figure.caption)

    def _caption(self, label: str, sequence: str, number: int, children: list) -> DocxParagraph:
        """"Figure 1. text": the number is a SEQ field, so Word renumbers if figures move."""
        paragraph = self._paragraph("Caption", f"{label} ")
        paragraph._p.extend(_field_runs(f" SEQ {sequence} \\* ARABIC ", str(number)))
        paragraph.add_run(". " if children else "")
        self._inlines(paragraph, children)
        return paragraph

    # ------------------------------------------------------------ inline content
    def _inlines(self, paragraph: DocxParagraph, children: list, part=None) -> None:
        """Runs for text (with emphasis, code, links), line breaks and footnote markers.

        ``part`` is the package part the paragraph lives in (the document, or the footnotes part),
        which owns the relationships of external links.
        """
        part = part or self.word.part
        parent = paragraph._p
        children = unmarked(children)  # fact and term marks are review data: runs as without them
        link_element, link_target = None, None
        for node, previous in zip(children, [None, *children]):
            run = OxmlElement("w:r")
            if isinstance(node, Text):
                self._text_run(Run(run, paragraph), node)
                if node.link:
                    if node.link != link_target:
                        link_element, link_target = self._hyperlink(node.link, part), node.link
                        parent.append(link_element)
                    link_element.append(run)
                    continue
            elif isinstance(node, LineBreak):
                run.append(OxmlElement("w:br"))
            elif isinstance(node, FootnoteRef):
                if marker_needs_gap(previous):
                    parent.append(_run(text=MARKER_GAP))
                parent.extend(self._footnote_reference(node))
                link_element, link_target = None, None
                continue
            parent.append(run)
            link_element, link_target = None, None

    def _text_run(self, run: Run, node: Text) -> None:
        run.text = node.text
        if node.bold:
            run.bold = True
        if node.italic:
            run.italic = True
        # style ids set on the XML: a run in a footnote has no python-docx parent to resolve names
        if node.code:
            run._r.style = self._style("Verbatim Char").style_id
        elif node.link:
            run._r.style = self._style("Hyperlink").style_id

    def _hyperlink(self, target: str, part):
        """A ``w:hyperlink``: to a heading's bookmark for "#anchor", else to an external address."""
        if target.startswith("#"):
            name = self.link_targets.get(target[1:]) or _bookmark_name(target[1:])
            return _element("w:hyperlink", w_anchor=name, w_history="1")
        rel_id = part.relate_to(target, RT.HYPERLINK, is_external=True)
        return _element("w:hyperlink", r_id=rel_id, w_history="1")

    def _footnote_reference(self, ref: FootnoteRef) -> list:
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
            runs = _field_runs(f" NOTEREF {self.note_bookmarks[ref.number]} \\f \\h ", str(ref.number))
            return [_with_style(run, reference_style) for run in runs]
        note_id, note = self.footnotes.add()
        run = _with_style(_run(_element("w:footnoteReference", w_id=str(note_id))), reference_style)
        paragraph_element = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{self._style("footnote text").style_id}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{reference_style}"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>')
        note.append(paragraph_element)
        self._inlines(DocxParagraph(paragraph_element, None), self.doc.footnotes[ref.number - 1].children,
                      part=self.footnotes.part)
        name = self.note_bookmarks[ref.number] = f"_RefNote{ref.number}"
        bookmark_id = str(len(self.headings) + ref.number)  # heading bookmarks take ids 0 .. headings - 1
        return [_element("w:bookmarkStart", w_id=bookmark_id, w_name=name), run,
                _element("w:bookmarkEnd", w_id=bookmark_id)]

    def _notes_list(self) -> None:
        """Every note, numbered, at the end, when a note is cited more than once (or never).

        A note prints at the foot of the page of its first marker only; a marker repeated pages
        later needs somewhere to resolve to on paper, as in the PDF (docs/pdf.md). Its title looks
        like the document's top-level headings but stays out of the contents: TOC Heading (Heading
        1's look at body outline level) under a contents, the top heading style when there is none.
        """
        if all(self.citations[note.number] == 1 for note in self.doc.footnotes):
            return
        top = min((_word_level(heading) for heading in self.headings), default=1)
        with_contents = self.doc.contents and self.headings
        self._paragraph("TOC Heading" if with_contents else f"Heading {top}", self.labels["notes"])
        for note in self.doc.footnotes:
            paragraph = self._paragraph("footnote text", f"{note.number}. ")
            self._inlines(paragraph, note.children)

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
                paragraph._p.extend(_field_runs(fields[piece], "1"))
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
                for element in core._element.findall(qn(name)):
                    core._element.remove(element)
