"""Build ``src/wreport/styles/reference.docx``, the style sheet of every DOCX wreport writes.

Run ``.venv/bin/python tools/make_reference_docx.py`` after changing a style below; commit both
this script and the reference it writes (``tests/writers/test_docx.py`` checks they agree).

Why a script and not a file edited in Word: the reference must stay lean and exact. python-docx's
default template carries 876 KB of style sheets (``styles.xml`` plus ``stylesWithEffects.xml``),
a thumbnail, custom XML and Word's revision ids; its styles pick fonts through the theme
(``w:eastAsiaTheme``), which overrides an explicit East Asian font, and its settings send
theme-resolved East Asian text to a Japanese font (``w:themeFontLang w:eastAsia="ja-JP"``). So the
script keeps only the default template's theme and property parts and writes the styles,
numbering, fonts and settings itself, with explicit fonts and the language pair
``w:val="en-US" w:eastAsia="ko-KR"`` (see docs/docx.md for why that pair).

Someone restyling the brief in Word may still open the result, change styles, and save it over
the reference: the writer keeps whatever styles it finds under the names used here.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from wreport.writers.docx import normalise_zip  # noqa: E402  (needs the src path above)

OUTPUT = ROOT / "src" / "wreport" / "styles" / "reference.docx"
DEFAULT_TEMPLATE = Path(docx.__file__).parent / "templates" / "default.docx"

# ---------------------------------------------------------------- the look
NAVY = "1D4E89"  # the one accent colour, shared with print.css (--accent) and charts.ACCENT
GREY = "595959"
# One font for every script, as in the PDF: the bundled NanumGothic (OFL), which the DOCX writer
# embeds, so Latin text too looks and breaks the same on a machine that has neither it nor Arial.
LATIN = "NanumGothic"
HANGUL = "NanumGothic"  # bundled with wreport (OFL); embedded in every DOCX (writers/docx.py)
MONO = "Consolas"
A4 = (11906, 16838)  # twips
MARGIN = 1418  # 2.5 cm
TEXT_WIDTH = A4[0] - 2 * MARGIN  # 9070 twips = 16 cm: right tabs in header, footer and TOC

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_DECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def rpr(*, font: str = "", bold: bool = False, colour: str = "", half_points: int = 0,
        underline: bool = False, superscript: bool = False) -> str:
    """Run properties in CT_RPr order (Word rejects out-of-order children).

    ``font`` sets every script slot explicitly, Hangul to NanumGothic, plus the language pair; no
    theme attributes (a ``*Theme`` attribute would win over the explicit font).
    """
    parts = []
    if font:
        parts.append(f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{HANGUL}" w:cs="{font}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if colour:
        parts.append(f'<w:color w:val="{colour}"/>')
    if half_points:
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')
    if superscript:
        parts.append('<w:vertAlign w:val="superscript"/>')
    if font:
        parts.append('<w:lang w:val="en-US" w:eastAsia="ko-KR" w:bidi="ar-SA"/>')
    return "".join(parts)


def paragraph_style(style_id: str, name: str, ppr: str = "", run: str = "", *, based_on: str = "Normal",
                    next_style: str = "", custom: bool = False, default: bool = False,
                    priority: int = 0) -> str:
    """One ``w:style`` of type paragraph, children in CT_Style order.

    ``priority`` 0 means a quick style (``w:qFormat``: shown in Word's style gallery).
    """
    attrs = (' w:default="1"' if default else "") + (' w:customStyle="1"' if custom else "")
    parts = [f'<w:style w:type="paragraph"{attrs} w:styleId="{style_id}">', f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    parts.append(f'<w:uiPriority w:val="{priority}"/>' if priority else "<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if run:
        parts.append(f"<w:rPr>{run}</w:rPr>")
    parts.append("</w:style>")
    return "".join(parts)


def character_style(style_id: str, name: str, run: str, *, custom: bool = False) -> str:
    custom_attr = ' w:customStyle="1"' if custom else ""
    return (f'<w:style w:type="character"{custom_attr} w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>{run}</w:rPr></w:style>')


def spacing(before: int | None = None, after: int | None = None, single: bool = False) -> str:
    """``w:spacing`` in twips; ``single`` sets single line spacing (captions, tables, furniture)."""
    attrs = "".join(f' w:{key}="{value}"' for key, value in (("before", before), ("after", after))
                    if value is not None)
    if single:
        attrs += ' w:line="240" w:lineRule="auto"'
    return f"<w:spacing{attrs}/>"


def heading(level: int, points: int, before: int, after: int, colour: str) -> str:
    """Heading N: bold, kept with the next paragraph, outline level N-1 (what the TOC collects).

    Heading 1 carries a thin navy rule under it, the brief's section divider.
    """
    rule = (f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="3" w:color="{NAVY}"/></w:pBdr>'
            if level == 1 else "")
    return paragraph_style(
        f"Heading{level}", f"heading {level}",
        f'<w:keepNext/><w:keepLines/>{rule}{spacing(before, after)}<w:outlineLvl w:val="{level - 1}"/>',
        rpr(bold=True, colour=colour, half_points=points * 2), next_style="Normal")


def toc_level(level: int) -> str:
    """TOC N: indented by level, a dotted right tab to the page number."""
    return paragraph_style(
        f"TOC{level}", f"toc {level}",
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
        f'{spacing(60 if level == 1 else 0, 40)}<w:ind w:left="{(level - 1) * 220}"/>',
        rpr(bold=level == 1), next_style="Normal", priority=39)


def table_style() -> str:
    """"Brief Table": navy rules above and below, hairlines between rows, a navy header row."""
    return (
        '<w:style w:type="table" w:customStyle="1" w:styleId="BriefTable"><w:name w:val="Brief Table"/>'
        f'<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr>{spacing(0, 0, single=True)}</w:pPr>'
        "<w:tblPr><w:tblBorders>"
        f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
        f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f'<w:tblStylePr w:type="firstRow"><w:rPr>{rpr(bold=True, colour="FFFFFF")}</w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr></w:style>')


BASE_STYLES = (
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    "<w:semiHidden/></w:style>")


def styles_xml() -> str:
    """The whole style sheet: every style the writer names, and nothing else."""
    # Body colour sits in docDefaults, not Normal: a paragraph style outranks a table style, so a
    # colour on Normal would beat the white text of the table style's header row.
    body = rpr(font=LATIN, colour="1A1A1A", half_points=21)
    list_ppr = f"{spacing(after=60)}<w:contextualSpacing/>"
    furniture = rpr(colour=GREY, half_points=17)
    # kinsoku and wordWrap on, said outright: East Asian line-breaking rules (no closing mark at a
    # line's start, no opening one at its end) and Korean broken only between words (eojeol), as
    # ISO/IEC 29500-1 §17.3.1.45 and Word read it; Word was seen breaking Korean inside a word in
    # a paragraph that left wordWrap to its defaults (docs/docx.md, "Korean line breaks").
    styles = [
        f"<w:docDefaults><w:rPrDefault><w:rPr>{body}</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:kinsoku/><w:wordWrap/>'
        '<w:spacing w:after="120" w:line="288" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>',
        paragraph_style("Normal", "Normal", "", rpr(font=LATIN, half_points=21),
                        based_on="", default=True),
        BASE_STYLES,
        # title block
        paragraph_style("Title", "Title", f"<w:keepNext/>{spacing(0, 160, single=True)}",
                        rpr(bold=True, colour=NAVY, half_points=52), next_style="Subtitle"),
        paragraph_style("Subtitle", "Subtitle", spacing(after=360), rpr(colour="4A5D78", half_points=28),
                        next_style="Author"),
        paragraph_style("Author", "Author", spacing(after=0), rpr(half_points=22), next_style="Date",
                        custom=True),
        paragraph_style("Date", "Date", spacing(after=480), rpr(colour=GREY, half_points=22),
                        next_style="Normal"),
        heading(1, 16, 360, 140, NAVY),
        heading(2, 13, 280, 100, NAVY),
        heading(3, 11, 200, 80, "333333"),
        # body variants named by Paragraph.style in the document tree
        paragraph_style("Lead", "Lead", spacing(after=200), rpr(colour=NAVY, half_points=24), custom=True),
        paragraph_style("Note", "Note", "", rpr(colour=GREY, half_points=18), custom=True),
        paragraph_style("Source", "Source", spacing(after=160), furniture, custom=True),
        paragraph_style("BlockText", "Block Text",
                        f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{NAVY}"/></w:pBdr>'
                        '<w:ind w:left="340"/>', rpr(colour="333333")),
        paragraph_style("SourceCode", "Source Code",
                        f'<w:shd w:val="clear" w:color="auto" w:fill="F2F4F7"/>{spacing(after=120, single=True)}',
                        rpr(font=MONO, half_points=18), custom=True),
        # lists: the styles point at the reference's two lists; the writer adds one list per ListBlock
        paragraph_style("ListBullet", "List Bullet", f'<w:numPr><w:numId w:val="1"/></w:numPr>{list_ppr}',
                        priority=99),
        paragraph_style("ListNumber", "List Number", f'<w:numPr><w:numId w:val="2"/></w:numPr>{list_ppr}',
                        priority=99),
        paragraph_style("ListContinue", "List Continue",
                        f'{spacing(after=60)}<w:ind w:left="425"/><w:contextualSpacing/>', priority=99),
        # figures, tables, captions
        paragraph_style("Figure", "Figure", f'<w:keepNext/>{spacing(120, 60, single=True)}<w:jc w:val="center"/>',
                        custom=True),
        paragraph_style("Caption", "caption", spacing(60, 240, single=True), rpr(colour="333333", half_points=18),
                        next_style="Normal"),
        paragraph_style("TableText", "Table Text", spacing(0, 0, single=True), rpr(half_points=19), custom=True),
        table_style(),
        # footnotes
        paragraph_style("FootnoteText", "footnote text", spacing(after=20, single=True), rpr(half_points=16),
                        priority=99),
        character_style("FootnoteReference", "footnote reference", rpr(superscript=True)),
        # page furniture
        paragraph_style("Header", "header", f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" '
                        f'w:color="{NAVY}"/></w:pBdr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/>'
                        f"</w:tabs>{spacing(after=0, single=True)}", furniture, priority=99),
        paragraph_style("Footer", "footer", f'{spacing(after=0, single=True)}<w:jc w:val="center"/>', furniture,
                        priority=99),
        # table of contents
        paragraph_style("TOCHeading", "TOC Heading", '<w:outlineLvl w:val="9"/>', based_on="Heading1",
                        next_style="Normal"),
        toc_level(1), toc_level(2), toc_level(3),
        # inline
        character_style("Hyperlink", "Hyperlink", rpr(colour=NAVY, underline=True)),
        character_style("VerbatimChar", "Verbatim Char", rpr(font=MONO, half_points=19), custom=True),
    ]
    return XML_HEAD + f"<w:styles {W_DECL}>" + "".join(styles) + "</w:styles>"


def numbering_xml() -> str:
    """Two nine-level lists: bullets (num 1) and decimals (num 2); the writer adds one num per list."""
    bullets = ["\u2022", "\u2013", "\u25aa"]
    decimals = ["%{n}.", "%{n})", "(%{n})"]

    def level(ilvl: int, ordered: bool) -> str:
        text = decimals[ilvl % 3].format(n=ilvl + 1) if ordered else bullets[ilvl % 3]
        fmt = "decimal" if ordered else "bullet"
        font = "" if ordered else f'<w:rPr><w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}"/></w:rPr>'
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{425 * (ilvl + 1)}" w:hanging="283"/></w:pPr>{font}</w:lvl>')

    abstract = "".join(
        f'<w:abstractNum w:abstractNumId="{index}"><w:multiLevelType w:val="hybridMultilevel"/>'
        + "".join(level(ilvl, ordered) for ilvl in range(9)) + "</w:abstractNum>"
        for index, ordered in enumerate((False, True)))
    nums = '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>' \
           '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    return XML_HEAD + f"<w:numbering {W_DECL}>{abstract}{nums}</w:numbering>"


def settings_xml() -> str:
    """Settings in CT_Settings order; the writer adds updateFields and footnotePr in their slots."""
    return (XML_HEAD + f"<w:settings {W_DECL}>"
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="ko-KR"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def font_table_xml() -> str:
    """The fonts the styles name; charset 81 tells Word that NanumGothic is a Hangul font."""
    entries = [
        (HANGUL, "나눔고딕", "81", "swiss", "variable"),
        (MONO, "", "00", "modern", "fixed"),
    ]
    if LATIN != HANGUL:
        entries.insert(0, (LATIN, "", "00", "swiss", "variable"))
    body = "".join(
        f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
        + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, charset, family, pitch in entries)
    return XML_HEAD + f"<w:fonts {W_DECL}>{body}</w:fonts>"


def sample_paragraph(style_id: str, text: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


def document_xml() -> str:
    """A specimen of each paragraph style (so the reference can be restyled in Word) and the A4 section.

    The writer clears the body and keeps only the final ``w:sectPr``.
    """
    specimens = [("Title", "Title 제목"), ("Subtitle", "Subtitle 부제"), ("Author", "Author"), ("Date", "Date"),
                 ("Heading1", "Heading 1 제목 1"), ("Heading2", "Heading 2"), ("Heading3", "Heading 3"),
                 ("Lead", "Lead paragraph"), ("Normal", "Body text 본문 원주 의료기기 클러스터"),
                 ("ListBullet", "List Bullet"), ("ListNumber", "List Number"), ("BlockText", "Block Text"),
                 ("SourceCode", "Source Code"), ("Figure", "Figure"), ("Caption", "Caption 그림 1"),
                 ("TableText", "Table Text"), ("Note", "Note"), ("Source", "Source"),
                 ("FootnoteText", "Footnote Text")]
    section = (f'<w:sectPr><w:pgSz w:w="{A4[0]}" w:h="{A4[1]}"/>'
               f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
               'w:header="709" w:footer="709" w:gutter="0"/><w:cols w:space="425"/>'
               '<w:docGrid w:linePitch="360"/></w:sectPr>')
    body = "".join(sample_paragraph(style_id, text) for style_id, text in specimens)
    return XML_HEAD + f"<w:document {W_DECL}><w:body>{body}{section}</w:body></w:document>"


def theme_xml(template: zipfile.ZipFile) -> bytes:
    """The default theme with our fonts and accent, so Word's theme pickers agree with the styles."""
    tree = etree.fromstring(template.read("word/theme/theme1.xml"))
    a = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for latin in tree.iterfind(".//a:fontScheme//a:latin", a):
        latin.set("typeface", LATIN)
    for hangul in tree.iterfind('.//a:fontScheme//a:font[@script="Hang"]', a):
        hangul.set("typeface", HANGUL)
    for colour in tree.iterfind(".//a:clrScheme/a:accent1/a:srgbClr", a):
        colour.set("val", NAVY)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_xml() -> str:
    """Neutral core properties; the writer sets title, author, language and dates per edition."""
    return (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>wreport reference</dc:title><dc:creator>wreport</dc:creator>"
            "<cp:revision>1</cp:revision></cp:coreProperties>")


APP_XML = (XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>wreport</Application></Properties>')

DOC_RELS = {
    "styles": "styles.xml", "numbering": "numbering.xml", "settings": "settings.xml",
    "fontTable": "fontTable.xml", "theme": "theme/theme1.xml",
}
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def relationships(rels: list[tuple[str, str]]) -> str:
    body = "".join(f'<Relationship Id="rId{index}" Type="{kind}" Target="{target}"/>'
                   for index, (kind, target) in enumerate(rels, start=1))
    return (XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{body}</Relationships>")


def content_types() -> str:
    overrides = {
        "/word/document.xml": f"{WML}.document.main+xml", "/word/styles.xml": f"{WML}.styles+xml",
        "/word/numbering.xml": f"{WML}.numbering+xml", "/word/settings.xml": f"{WML}.settings+xml",
        "/word/fontTable.xml": f"{WML}.fontTable+xml",
        "/word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    body = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
    return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f"{body}</Types>")


def build() -> bytes:
    """The reference package, as deterministic bytes."""
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as template:
        theme = theme_xml(template)
    package_rels = [
        (f"{OFFICE_REL}/officeDocument", "word/document.xml"),
        ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
         "docProps/core.xml"),
        (f"{OFFICE_REL}/extended-properties", "docProps/app.xml"),
    ]
    entries: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": relationships(package_rels),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": APP_XML,
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": relationships(
            [(f"{OFFICE_REL}/{kind}", target) for kind, target in DOC_RELS.items()]),
        "word/styles.xml": styles_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/theme/theme1.xml": theme,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return normalise_zip(buffer.getvalue())


def main() -> None:
    data = build()
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
