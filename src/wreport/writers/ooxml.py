"""Raw WordprocessingML that python-docx has no API for: the low-level layer of the DOCX writer.

:mod:`wreport.writers.docx` walks the document tree and builds paragraphs, runs, tables and notes
through python-docx and the small named operations here; every element name, attribute and
schema order lives in this module. What it covers: complex fields (TOC, SEQ, PAGE, NUMPAGES,
NOTEREF), bookmarks, hyperlinks, table-row and caption properties, the footnotes part, settings
in schema order, embedded fonts (ECMA-376 Part 1 §17.8.1: obfuscated ``word/fonts/*.odttf``
parts, ``w:embedRegular``/``w:embedBold`` in the font table) and the deterministic ZIP.

Schema orders are declared once, as python-docx's ``CT_Settings`` does (``docx/oxml/settings.py``):
a child is inserted before the first of its successors that is present, so it lands in schema
position whatever the reference document already holds.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Row, CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.run import Run

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"

# CT_Settings (ECMA-376 Part 1, §17.15.1.78) is a strict sequence: its children in schema order.
SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate",
    "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
    "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)
# CT_Font (§17.8.3.10), a font table entry.
FONT_ORDER = (
    "w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig",
    "w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic",
)
# CT_TblPrBase (§17.4.60), a table's properties.
TABLE_PROPERTIES_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
    "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)
# The font faces a font table entry can embed, by the name of their element.
FACES = ("w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic")

_FOOTNOTE_SEPARATORS = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


# ---------------------------------------------------------------- elements in schema order
def element(tag: str, **attrs: str) -> BaseOxmlElement:
    """A WordprocessingML element with prefixed attributes (``w_id="1"`` becomes ``w:id="1"``)."""
    made = cast(BaseOxmlElement, OxmlElement(tag))  # python-docx's parser makes every w: element one
    for key, value in attrs.items():
        made.set(qn(key.replace("_", ":", 1)), value)
    return made


def set_child(parent: BaseOxmlElement, child: BaseOxmlElement, order: Sequence[str]) -> None:
    """Put ``child`` into ``parent`` at its schema position in ``order``, replacing any of its kind."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    position = next((i for i, name in enumerate(order) if qn(name) == tag), None)
    if position is None:
        raise ValueError(f"{child.tag} is not in the schema order given")
    successors = {qn(name) for name in order[position + 1:]}
    following = next((node for node in parent if node.tag in successors), None)
    if following is None:
        parent.append(child)
    else:
        following.addprevious(child)


def set_setting(settings: BaseOxmlElement, child: BaseOxmlElement) -> None:
    """Put ``child`` into settings.xml at its schema position, replacing one already there."""
    set_child(settings, child, SETTINGS_ORDER)


# ---------------------------------------------------------------- runs and fields
def run(child: BaseOxmlElement | None = None, text: str = "") -> CT_R:
    """A bare ``w:r`` holding one element, or text."""
    made = cast(CT_R, OxmlElement("w:r"))  # the class python-docx's parser registers for w:r
    if child is not None:
        made.append(child)
    if text:
        Run(made, None).text = text  # type: ignore[arg-type]  # python-docx splits tabs and breaks
    return made


def styled(made: BaseOxmlElement, style_id: str) -> BaseOxmlElement:
    """``made`` (a run) in a character style, by id: runs in the footnotes part have no style look-up."""
    made.insert(0, parse_xml(f'<w:rPr {nsdecls("w")}><w:rStyle w:val="{style_id}"/></w:rPr>'))
    return made


def field_runs(instruction: str, cached: str = "", *, dirty: bool = False,
               complete: bool = True) -> list[BaseOxmlElement]:
    """The runs of a complex field: begin, instruction, separate, the cached result, end.

    ``complete=False`` stops after the separator, for fields whose result spans paragraphs (TOC):
    the caller writes the result and then :func:`field_end`.
    """
    begin = element("w:fldChar", w_fldCharType="begin")
    if dirty:
        begin.set(qn("w:dirty"), "true")
    instr = element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    runs: list[BaseOxmlElement] = [run(begin), run(instr), run(element("w:fldChar", w_fldCharType="separate"))]
    if cached:
        runs.append(run(text=cached))
    if complete:
        runs.append(field_end())
    return runs


def field_end() -> BaseOxmlElement:
    """The run that closes a complex field."""
    return run(element("w:fldChar", w_fldCharType="end"))


def bookmark(bookmark_id: int, name: str) -> tuple[BaseOxmlElement, BaseOxmlElement]:
    """The start and end marks of a bookmark, to be put around what it names."""
    return (element("w:bookmarkStart", w_id=str(bookmark_id), w_name=name),
            element("w:bookmarkEnd", w_id=str(bookmark_id)))


def anchor_link(bookmark_name: str) -> BaseOxmlElement:
    """A ``w:hyperlink`` to a bookmark in the document; the caller appends its runs."""
    return element("w:hyperlink", w_anchor=bookmark_name, w_history="1")


def external_link(rel_id: str) -> BaseOxmlElement:
    """A ``w:hyperlink`` to the address of relationship ``rel_id`` of the paragraph's part."""
    return element("w:hyperlink", r_id=rel_id, w_history="1")


# ---------------------------------------------------------------- tables
def table_caption(table: CT_Tbl, text: str) -> None:
    """The table's caption as its accessible name (``w:tblCaption``)."""
    set_child(table.tblPr, element("w:tblCaption", w_val=text), TABLE_PROPERTIES_ORDER)


def keep_row_whole(row: CT_Row, *, repeat_as_header: bool = False) -> None:
    """A table row that never splits across pages; ``repeat_as_header`` repeats it on each page."""
    properties = row.get_or_add_trPr()
    properties.insert_element_before(element("w:cantSplit"), "w:trHeight", "w:tblHeader")
    if repeat_as_header:
        properties.append(element("w:tblHeader"))


# ---------------------------------------------------------------- tracked changes
@dataclass
class Revisions:
    """Tracked changes (ECMA-376 Part 1, §17.13.5): ``w:ins``/``w:del`` around runs, on a
    paragraph's mark and on a table row, each with the author, date and an id of its own.

    Ids start high so they never meet the bookmark ids the writer counts from 0.
    """

    author: str
    date: str  # ISO 8601 with a zone, e.g. 2026-12-05T00:00:00Z
    next_id: int = 100000

    def _mark(self, kind: str) -> BaseOxmlElement:
        if kind not in ("ins", "del"):
            raise ValueError(f"a revision is ins or del, not {kind!r}")
        self.next_id += 1
        return element(f"w:{kind}", w_id=str(self.next_id), w_author=self.author, w_date=self.date)

    def wrap(self, made: BaseOxmlElement, kind: str) -> BaseOxmlElement:
        """``made`` (a run) as inserted or deleted text; deleted text is ``w:delText``."""
        mark = self._mark(kind)
        if kind == "del":
            for text in made.findall(qn("w:t")):
                text.tag = qn("w:delText")
            for instruction in made.findall(qn("w:instrText")):
                instruction.tag = qn("w:delInstrText")
        mark.append(made)
        return mark

    def mark_paragraph(self, paragraph: CT_P, kind: str) -> None:
        """The paragraph's own mark inserted or deleted, so accepting or rejecting removes the
        paragraph itself, not only its text (``w:pPr/w:rPr/w:ins``)."""
        properties = paragraph.get_or_add_pPr()
        run_properties = properties.find(qn("w:rPr"))
        if run_properties is None:
            run_properties = element("w:rPr")
            following = next((n for n in properties if n.tag in (qn("w:sectPr"), qn("w:pPrChange"))), None)
            if following is None:
                properties.append(run_properties)
            else:
                following.addprevious(run_properties)
        run_properties.insert(0, self._mark(kind))

    def mark_row(self, row: CT_Row, kind: str) -> None:
        """A table row inserted or deleted as a whole (``w:trPr/w:ins``: after the row's other
        properties, as CT_TrPr orders them)."""
        properties = row.get_or_add_trPr()
        properties.append(self._mark(kind))


# ---------------------------------------------------------------- footnotes
@dataclass
class Footnotes:
    """The ``word/footnotes.xml`` part, made on the first note (python-docx has no footnote API).

    Notes get ids 1, 2, ... in the order they are added, which the writer keeps in document
    order: LibreOffice pairs notes with markers by ascending id.
    """

    word: WordDocument
    part: XmlPart | None = None

    def add(self, text_style: str, reference_style: str) -> tuple[int, CT_P]:
        """A new note holding one paragraph (in ``text_style``, opening with its reference mark):
        the note's id and that paragraph, for the caller to fill with runs."""
        if self.part is None:
            self.part = self._create_part()
        note_id = len(self.part.element) - 1  # two separators come first, with ids -1 and 0
        note = element("w:footnote", w_id=str(note_id))
        paragraph = cast(CT_P, parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{reference_style}"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>'))
        note.append(paragraph)
        self.part.element.append(note)
        return note_id, paragraph

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
        set_setting(self.word.settings.element, properties)
        return part


def footnote_reference(note_id: int, style_id: str) -> BaseOxmlElement:
    """The run in the body that marks note ``note_id``."""
    return styled(run(element("w:footnoteReference", w_id=str(note_id))), style_id)


# ---------------------------------------------------------------- embedded fonts (§17.8.1)
@dataclass(frozen=True)
class EmbeddedFont:
    """A font family to embed: its font-table name and its faces' TrueType bytes by face element
    (``w:embedRegular``, ``w:embedBold``...)."""

    name: str
    faces: dict[str, bytes] = field(default_factory=dict)


def font_key(data: bytes) -> str:
    """A GUID for ``w:fontKey``, derived from the font's bytes so a rebuild gives the same file."""
    digits = hashlib.sha256(data).hexdigest()[:32].upper()
    return f"{{{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}}}"


def obfuscate(data: bytes, key: str) -> bytes:
    """The font as an ``.odttf`` part: its first 32 bytes XORed with the key's 16 bytes, reversed.

    ECMA-376 Part 1 §17.8.1: the key is the GUID's 32 hex digits read as 16 bytes, last byte
    first. The same operation undoes it.
    """
    digits = key.strip("{}").replace("-", "")
    key_bytes = bytes.fromhex(digits)[::-1]
    head = bytes(byte ^ key_bytes[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(word: WordDocument, fonts: Sequence[EmbeddedFont]) -> None:
    """Embed each font's faces: obfuscated parts related to the font table, their keys on the
    font table's entries (added when missing), and the settings that say so."""
    document_part = word.part
    table_part = _font_table_part(word)
    table = table_part.element
    number = 0
    for font in fonts:
        entry = table.find(f"{qn('w:font')}[@{qn('w:name')}='{font.name}']")
        if entry is None:
            entry = element("w:font", w_name=font.name)
            table.append(entry)
        for face in FACES:
            if face not in font.faces:
                continue
            number += 1
            key = font_key(font.faces[face])
            part = Part(PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT,
                        obfuscate(font.faces[face], key), document_part.package)
            rel_id = table_part.relate_to(part, RT.FONT)
            set_child(entry, element(face, r_id=rel_id, w_fontKey=key, w_subsetted="true"), FONT_ORDER)
    settings = word.settings.element
    set_setting(settings, element("w:embedTrueTypeFonts"))
    set_setting(settings, element("w:saveSubsetFonts"))


# DrawingML's font slots (the theme's major and minor fonts: latin, ea, cs and per-script font).
_DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
_THEME_FONTS = tuple(f"{{{_DRAWINGML}}}{name}" for name in ("latin", "ea", "cs", "font"))


def rename_font(word: WordDocument, old: str, new: str) -> None:
    """Name font ``new`` wherever the package names ``old``: every script slot of every
    ``w:rFonts`` (styles, numbering, body, notes, headers, footers), the font table's entry and
    the theme's fonts (no run uses them, but an office suite offering the theme's fonts, or
    looking for them, must not look for a font the document does not carry)."""
    _font_table_part(word)  # parsed, so its entries are renamed with the rest
    _parsed_part(word, RT.THEME)  # likewise
    slots = [qn(slot) for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")]
    for part in word.part.package.iter_parts():
        if not isinstance(part, XmlPart):
            continue
        for fonts in part.element.iter(qn("w:rFonts")):
            for slot in slots:
                if fonts.get(slot) == old:
                    fonts.set(slot, new)
        for entry in part.element.iter(qn("w:font")):
            if entry.get(qn("w:name")) == old:
                entry.set(qn("w:name"), new)
        for theme_font in part.element.iter(*_THEME_FONTS):
            if theme_font.get("typeface") == old:
                theme_font.set("typeface", new)


def _parsed_part(word: WordDocument, reltype: str) -> XmlPart | None:
    """The document's part of ``reltype`` as an XML part (python-docx loads the font table and
    the theme as opaque bytes): replaced in place by a parsed copy, related under a new id.
    None when the document has no such part."""
    document_part = word.part
    for rel_id, rel in list(document_part.rels.items()):
        if rel.reltype == reltype and not rel.is_external:
            old = rel.target_part
            if isinstance(old, XmlPart):
                return old
            document_part.drop_rel(rel_id)
            part = XmlPart(old.partname, old.content_type, parse_xml(old.blob), document_part.package)
            document_part.relate_to(part, reltype)
            return part
    return None


def _font_table_part(word: WordDocument) -> XmlPart:
    """The font table as an XML part (:func:`_parsed_part`), made empty when the document has none."""
    found = _parsed_part(word, RT.FONT_TABLE)
    if found is not None:
        return found
    document_part = word.part
    part = XmlPart(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, parse_xml(f"<w:fonts {nsdecls('w', 'r')}/>"),
                   document_part.package)
    document_part.relate_to(part, RT.FONT_TABLE)
    return part


def package_text(word: WordDocument) -> str:
    """Every character the document shows: the text of body, headers, footers and notes (``w:t``,
    and a redline's deleted text, ``w:delText``, which Word shows struck through) and the list
    bullets and number formats of the numbering part (``w:lvlText``)."""
    texts: list[str] = []
    for part in word.part.package.iter_parts():
        if isinstance(part, XmlPart):
            texts.extend(node.text or "" for node in part.element.iter(qn("w:t"), qn("w:delText")))
            texts.extend(node.get(qn("w:val"), "") for node in part.element.iter(qn("w:lvlText")))
    return "".join(texts)


# ---------------------------------------------------------------- the package
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


def xml_of(proxy: Any) -> Any:
    """The XML element behind a python-docx object (a paragraph, table, row, inline picture or
    the core properties). python-docx keeps it private; this low-level module is the one place
    that reaches it, as python-docx keeps its own ``oxml`` layer apart."""
    element = getattr(proxy, "_element", None)
    return element if element is not None else proxy._inline
