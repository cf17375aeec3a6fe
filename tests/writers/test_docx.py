"""The DOCX writer, read back the way a user would check a Word file: with python-docx and its XML.

Trees are built by hand here (not through the Markdown parser), so a failure points at the writer.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree
from real_project import load
from sample_documents import sample_document

from wreport.errors import RenderError
from wreport.render.document import (
    Document,
    Footnote,
    FootnoteRef,
    Heading,
    Paragraph,
    Table,
    TableCell,
    Text,
)
from wreport.render.templating import render_edition
from wreport.writers.docx import normalise_zip, render_docx
from wreport.writers.html import heading_ids

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def korean() -> bytes:
    return render_docx(sample_document("ko"))


@pytest.fixture(scope="module")
def english() -> bytes:
    return render_docx(sample_document("en"))


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def body_paragraphs(word, style_name: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name == style_name]


# ---------------------------------------------------------------- structure and styles
def test_title_block_and_headings_use_their_styles(korean):
    word = open_docx(korean)
    assert body_paragraphs(word, "Title") == ["원주 의료기기 클러스터"]
    assert body_paragraphs(word, "Subtitle") == ["정책 브리프"]
    assert body_paragraphs(word, "Date") == ["2017년 6월 1일"]
    assert body_paragraphs(word, "Heading 1") == ["개요", "전망"]
    assert body_paragraphs(word, "Heading 2") == ["자료"]
    assert body_paragraphs(word, "Heading 3") == ["세부"]
    assert body_paragraphs(word, "Lead")[0].startswith("원주의료기기테크노밸리는 1998년")
    assert body_paragraphs(word, "Source") == ["출처: 원주시"]
    assert body_paragraphs(word, "Block Text") == ["인용문"]


def test_headings_carry_bookmarks_that_internal_links_reach(korean):
    xml = part_xml(korean, "word/document.xml")
    assert '<w:bookmarkStart w:id="1" w:name="data"/>' in xml
    assert 'w:anchor="data"' in xml  # the "#data" link in the lead paragraph and the TOC entry
    assert 'w:name="heading_3"' in xml  # an anchorless heading still gets a bookmark the TOC links to


def test_runs_keep_emphasis_code_and_real_hyperlinks(korean):
    word = open_docx(korean)
    lead = next(p for p in word.paragraphs if p.style.name == "Lead")
    runs = {run.text: run for run in lead.runs}
    assert runs["원주의료기기테크노밸리"].bold
    assert runs["강조"].italic
    assert runs["wreport build"].style.name == "Verbatim Char"
    links = [(link.url, link.text) for link in lead.hyperlinks]
    assert ("https://www.wonju.go.kr", "원주시") in links
    assert any(link.fragment == "data" and link.text == "표 참조" for link in lead.hyperlinks)


def test_korean_text_resolves_to_nanum_gothic_and_ko_kr(korean):
    word = open_docx(korean)
    lead = next(p for p in word.paragraphs if p.style.name == "Lead")
    run = lead.runs[0]
    family = resolve_run_property(word, lead, run, "w:rFonts", "w:eastAsia")
    assert re.fullmatch(r"WreportGothic-[0-9a-f]{10}", family or "")  # the embedded subset's own name
    assert resolve_run_property(word, lead, run, "w:lang", "w:eastAsia") == "ko-KR"
    assert resolve_run_property(word, lead, run, "w:lang", "w:val") == "en-US"
    heading = next(p for p in word.paragraphs if p.style.name == "Heading 1")
    assert resolve_run_property(word, heading, heading.runs[0], "w:rFonts", "w:eastAsia") == family


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_theme_names_the_embedded_font_not_nanum_gothic(korean, english, lang):
    """Issue 20: the theme still named NanumGothic, a font the file does not carry, so an office
    suite offering the theme's fonts looked for it. Every font the theme names for Latin and Hangul
    text is now the embedded subset's own name, the one the font table lists."""
    data = {"ko": korean, "en": english}[lang]
    theme = etree.fromstring(part_xml(data, "word/theme/theme1.xml").encode())
    a = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    fonts = theme.find(".//a:fontScheme", a)
    named = [f.get("typeface") for f in fonts.iterfind(".//a:latin", a)]
    named += [f.get("typeface") for f in fonts.iterfind('.//a:font[@script="Hang"]', a)]
    family = re.search(r'<w:font w:name="(WreportGothic-[0-9a-f]{10})"', part_xml(data, "word/fontTable.xml"))
    assert family is not None
    assert named == [family.group(1)] * 4  # major and minor: Latin, then Hangul
    assert "NanumGothic" not in part_xml(data, "word/theme/theme1.xml")



def test_korean_paragraphs_break_between_words_under_east_asian_rules(korean):
    """Word keeps a Korean word (eojeol: 12월, (추진), industry의) on one line when a paragraph's
    wordWrap is on, and breaks inside words when it is off or left to Word's defaults; kinsoku keeps
    a closing mark off a line's start (docs/docx.md, "Korean line breaks"). Both are said in
    docDefaults, and no style or paragraph turns them off."""
    styles = etree.fromstring(part_xml(korean, "word/styles.xml").encode())
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
    for name in ("w:kinsoku", "w:wordWrap"):
        switch = defaults.find(qn(name))
        assert switch is not None and switch.get(qn("w:val")) in (None, "1", "true", "on"), name
    for part in ("word/styles.xml", "word/document.xml"):
        assert not re.search(r'<w:(kinsoku|wordWrap) w:val="(0|false|off)"', part_xml(korean, part)), part

def resolve_run_property(word, paragraph, run, tag: str, attribute: str) -> str | None:
    """What Word uses for a run: the run, then its paragraph's style chain, then docDefaults.

    A theme attribute (``w:eastAsiaTheme``) found on the way would override the explicit font, so
    finding one fails the look-up outright.
    """
    chain = [run._r.rPr]
    style = paragraph.style
    while style is not None:
        chain.append(style.element.rPr)
        style = style.base_style
    chain.append(word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for rpr in chain:
        element = rpr.find(qn(tag)) if rpr is not None else None
        if element is None:
            continue
        assert not any(key.endswith("Theme}") or "Theme" in key for key in element.attrib), element.attrib
        if element.get(qn(attribute)) is not None:
            return element.get(qn(attribute))
    return None


def test_reference_is_lean_and_sets_korean_theme_language():
    word = docx.Document(str(ROOT / "src/wreport/styles/reference.docx"))
    with zipfile.ZipFile(ROOT / "src/wreport/styles/reference.docx") as package:
        names = package.namelist()
        styles = package.read("word/styles.xml").decode()
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    assert "Theme=" not in styles  # no theme font or colour overrides explicit fonts
    settings = word.settings.element.xml
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="ko-KR"/>' in settings
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Normal", "Caption",
                 "List Bullet", "List Number", "Brief Table", "footnote text", "footnote reference", "toc 1"):
        assert word.styles[name] is not None


def test_reference_is_what_the_script_makes():
    """The committed reference.docx is reproducible from tools/make_reference_docx.py."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_reference_docx
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert make_reference_docx.build() == (ROOT / "src/wreport/styles/reference.docx").read_bytes()


# ---------------------------------------------------------------- footnotes
def test_footnotes_are_real_notes_in_document_order(korean):
    footnotes = part_xml(korean, "word/footnotes.xml")
    assert _note_texts(footnotes) == ["원주시, 2017년 자료.", "산업통상자원부 motie.go.kr"]
    document = part_xml(korean, "word/document.xml")
    assert document.index('<w:footnoteReference w:id="1"/>') < document.index('<w:footnoteReference w:id="2"/>')
    assert 'w:type="separator" w:id="-1"' in footnotes and 'w:type="continuationSeparator" w:id="0"' in footnotes
    rels = part_xml(korean, "word/_rels/footnotes.xml.rels")
    assert 'Target="https://www.motie.go.kr"' in rels  # a link inside a note is related to the notes part
    word = open_docx(korean)
    assert word.styles["footnote text"] is not None and word.styles["footnote reference"] is not None
    assert word.settings.element.xpath("./w:footnotePr/w:footnote/@w:id") == ["-1", "0"]


def _note_texts(footnotes_xml: str) -> list[str]:
    root = etree.fromstring(footnotes_xml.encode())
    notes = root.findall(qn("w:footnote"))
    return ["".join(t.text or "" for t in note.iter(qn("w:t"))).strip()
            for note in notes if note.get(qn("w:type")) is None]


def cited_twice_document() -> Document:
    """Two sources, cited five times: in text, in table cells (as the key-figures table does), and again later."""
    def cell(text: str, number: int) -> TableCell:
        return TableCell([Text(text), FootnoteRef(number)])

    blocks = [Paragraph([Text("Firms"), FootnoteRef(1), Text(" and exports"), FootnoteRef(2), Text(".")]),
              Table([TableCell([Text("Indicator")])], [[cell("Firms", 1)], [cell("Area", 1)]],
                    caption=[Text("Key figures")]),
              Paragraph([Text("Exports again"), FootnoteRef(2), Text(".")])]
    notes = [Footnote(1, [Text("Financial News, 2007.")]), Footnote(2, [Text("Kangwon Domin Ilbo, 2017.")])]
    return Document(lang="en", title="T", blocks=blocks, footnotes=notes)


def test_a_note_cited_again_is_one_footnote_and_noteref_fields_to_it():
    data = render_docx(cited_twice_document())
    assert _note_texts(part_xml(data, "word/footnotes.xml")) == ["Financial News, 2007.", "Kangwon Domin Ilbo, 2017."]
    body = open_docx(data).element.body
    references = body.xpath(".//w:footnoteReference/@w:id")
    assert references == ["1", "2"]
    # each note's one marker sits inside a hidden bookmark that the later markers refer to
    marked = {}
    for start in body.xpath(".//w:bookmarkStart[starts-with(@w:name, '_Ref')]"):
        run = start.getnext()
        marked[start.get(qn("w:name"))] = run.xpath("./w:footnoteReference/@w:id")[0]
        assert run.getnext().tag == qn("w:bookmarkEnd") and run.getnext().get(qn("w:id")) == start.get(qn("w:id"))
    fields = [text.getparent() for text in body.iter(qn("w:instrText")) if "NOTEREF" in text.text]
    instructions = [run.findtext(qn("w:instrText")).split() for run in fields]
    assert [marked[words[1]] for words in instructions] == ["1", "1", "2"]
    assert all(words[0] == "NOTEREF" and words[2:] == ["\\f", "\\h"] for words in instructions)
    # the cached result a reader sees is the note's number, superscript like the first marker
    results = [run.getnext().getnext() for run in fields]  # instruction, separate, result
    assert [(r.findtext(qn("w:t")), r.xpath("string(./w:rPr/w:rStyle/@w:val)")) for r in results] == \
        [("1", "FootnoteReference"), ("1", "FootnoteReference"), ("2", "FootnoteReference")]


def _text_with_markers(paragraph) -> str:
    """A paragraph's text as a reader sees it, with "^" for each note marker (first or NOTEREF)."""
    out = []
    for run in paragraph.iter(qn("w:r")):
        if run.find(qn("w:footnoteReference")) is not None or "NOTEREF" in (run.findtext(qn("w:instrText")) or ""):
            out.append("^")
        elif run.xpath("string(./w:rPr/w:rStyle/@w:val)") != "FootnoteReference":  # not a field's cached number
            out.append("".join(t.text for t in run.iter(qn("w:t"))))
    return "".join(out)


def test_a_marker_that_would_read_as_an_exponent_gets_a_narrow_space():
    doc = Document(lang="en", title="T", blocks=[Paragraph([
        Text("429,000 m²"), FootnoteRef(1), Text(" 9,000㎡"), FootnoteRef(1), Text(" in 2016"), FootnoteRef(2),
        FootnoteRef(1), Text(" firms"), FootnoteRef(2), Text(" 14.9%"), FootnoteRef(2)])],
        footnotes=[Footnote(1, [Text("one")]), Footnote(2, [Text("two")])])
    body = open_docx(render_docx(doc)).element.body
    texts = [_text_with_markers(p) for p in body.iter(qn("w:p")) if "429,000" in _text_with_markers(p)]
    assert texts == ["429,000 m²\u202f^ 9,000㎡\u202f^ in 2016\u202f^\u202f^ firms^ 14.9%^"]


def test_notes_cited_again_are_listed_at_the_end_for_print():
    word = open_docx(render_docx(cited_twice_document()))
    texts = [p.text for p in word.paragraphs]
    assert texts[-3:] == ["Notes", "1. Financial News, 2007.", "2. Kangwon Domin Ilbo, 2017."]


def heading_outline(data: bytes) -> list[tuple[int, str]]:
    """(level, text) of every Heading N paragraph, in order: what Word's navigation pane lists."""
    return [(int(p.style.name.split()[-1]), p.text) for p in open_docx(data).paragraphs
            if re.fullmatch(r"Heading \d", p.style.name)]


@pytest.mark.parametrize("audience", ["policy-brief", "partner-brief"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_brief_starts_at_heading_1_skips_no_level_and_ends_with_its_notes(audience, lang):
    """Issue 20: the partner brief started at Heading 2 and the policy brief's notes were no heading."""
    project, facts, glossary = load(ROOT)
    outline = heading_outline(render_docx(render_edition(project, audience, lang, facts, glossary).document))
    assert outline[0][0] == 1
    assert all(level <= before + 1 for (before, _), (level, _) in zip(outline, outline[1:], strict=False))
    assert outline[-1] == (1, {"ko": "주", "en": "Notes"}[lang])  # both briefs cite a source twice


def test_headings_below_the_top_level_keep_their_depth_without_gaps():
    doc = Document(lang="en", title="T", blocks=[
        Heading(2, [Text("A")]), Heading(4, [Text("B")]), Heading(3, [Text("C")]), Heading(2, [Text("D")]),
        Heading(5, [Text("E")])])
    assert heading_outline(render_docx(doc)) == [(1, "A"), (2, "B"), (2, "C"), (1, "D"), (2, "E")]


def test_notes_each_cited_once_need_no_list_at_the_end(english):
    assert "Notes" not in [p.text for p in open_docx(english).paragraphs]


def test_footnote_reference_without_note_is_a_render_error():
    doc = Document(lang="en", title="T", blocks=[Paragraph([Text("x"), FootnoteRef(3)])],
                   footnotes=[Footnote(1, [Text("only one")])])
    with pytest.raises(RenderError, match=r"footnote reference \[3\] has no footnote"):
        render_docx(doc)


def test_unknown_language_is_a_render_error():
    with pytest.raises(RenderError, match="language 'fr'"):
        render_docx(Document(lang="fr", title="T", blocks=[]))


# ---------------------------------------------------------------- lists, tables, figures
def test_lists_use_list_styles_levels_and_restart_numbers(korean):
    word = open_docx(korean)
    bullets = [(p.text, p._p.pPr.numPr.ilvl.val) for p in word.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [("첫째", 0), ("둘째", 0)]
    numbered = [(p.text, p._p.pPr.numPr.ilvl.val, p._p.pPr.numPr.numId.val)
                for p in word.paragraphs if p.style.name == "List Number"]
    assert [(text, level) for text, level, _ in numbered] == [("하위 하나", 1), ("하위 둘", 1), ("A", 0), ("B", 0)]
    assert numbered[0][2] != numbered[2][2]  # each list is its own numbering instance
    numbering = word.part.numbering_part.element
    start = numbering.num_having_numId(numbered[2][2]).xpath("./w:lvlOverride/w:startOverride/@w:val")
    assert start == ["3"]
    continued = next(p for p in word.paragraphs if p.text == "이어지는 문단")
    assert continued.style.name == "List Continue" and continued.paragraph_format.left_indent > 0


def test_table_has_style_repeating_header_and_caption(korean):
    word = open_docx(korean)
    assert len(word.tables) == 1
    table = word.tables[0]
    assert table.style.name == "Brief Table"
    assert [cell.text for cell in table.rows[0].cells] == ["연도", "수출"]
    assert [cell.text for cell in table.rows[2].cells] == ["2016", "435"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.rows[2].cells[1].paragraphs[0].alignment == 2  # right
    assert "표 1. 연도별 수출" in body_paragraphs(word, "Caption")


def test_figure_is_an_inline_png_fitted_to_the_column_with_caption(korean):
    word = open_docx(korean)
    assert len(word.inline_shapes) == 1
    shape = word.inline_shapes[0]
    section = word.sections[0]
    assert 0 < shape.width <= section.page_width - section.left_margin - section.right_margin
    assert shape._inline.docPr.get("descr") == "막대 그래프"
    image = word.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert image.blob.startswith(b"\x89PNG") and image.image.horz_dpi == 200
    assert "그림 1. 수출액 추이" in body_paragraphs(word, "Caption")
    assert " SEQ Figure " in part_xml(korean, "word/document.xml")


# ---------------------------------------------------------------- fields, furniture, metadata
def test_toc_field_is_dirty_and_lists_headings(english):
    xml = part_xml(english, "word/document.xml")
    assert '<w:fldChar w:fldCharType="begin" w:dirty="true"/>' in xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    word = open_docx(english)
    assert body_paragraphs(word, "TOC Heading") == ["Contents"]
    assert [p.text for p in word.paragraphs if p.style.name.startswith("toc ")] == \
        ["Overview", "Data", "Details", "Outlook"]
    assert '<w:updateFields w:val="true"/>' in word.settings.element.xml


def test_toc_entries_carry_the_pdf_page_of_each_heading_as_pageref_results():
    doc = sample_document("en")
    ids = heading_ids(doc)
    pages = dict(zip(ids.values(), (2, 3, 3, 5), strict=False))
    word = open_docx(render_docx(doc, heading_pages=pages))
    entries = [p for p in word.paragraphs if p.style.name.startswith("toc ")]
    assert [p.text for p in entries] == ["Overview\t2", "Data\t3", "Details\t3", "Outlook\t5"]
    for paragraph in entries:
        link = paragraph._p.find(qn("w:hyperlink"))
        anchor = link.get(qn("w:anchor"))
        assert word.element.body.xpath(f'.//w:bookmarkStart[@w:name="{anchor}"]')  # the heading's own
        instruction = "".join(link.xpath(".//w:instrText/text()"))
        assert instruction == f" PAGEREF {anchor} \\h "
    assert '<w:updateFields w:val="true"/>' in word.settings.element.xml


def test_toc_lists_the_closing_notes_on_the_page_of_the_pdfs_notes_list():
    """Issue 20: the notes are a Heading 1, which Word lists once it updates the field, but the
    stored contents (what LibreOffice shows) left them out. The entry links to the notes' heading
    and carries the page of the PDF's notes list (its first note, HTML id fn-1)."""
    doc = cited_twice_document()
    doc.blocks.insert(0, Heading(1, [Text("Findings")], anchor="findings"))
    word = open_docx(render_docx(doc, heading_pages={"findings": 2, "fn-1": 4}))
    entries = [p for p in word.paragraphs if p.style.name.startswith("toc ")]
    assert [(p.style.name, p.text) for p in entries] == [("toc 1", "Findings\t2"), ("toc 1", "Notes\t4")]
    anchor = entries[-1]._p.find(qn("w:hyperlink")).get(qn("w:anchor"))
    marked = word.element.body.xpath(f'.//w:p[w:bookmarkStart[@w:name="{anchor}"]]')
    assert [(DocxParagraph(m, word).style.name, DocxParagraph(m, word).text) for m in marked] == [("Heading 1", "Notes")]
    texts = [p.text for p in word.paragraphs]  # the contents stays before the body, after the title block
    assert texts.index("Contents") < texts.index("Findings\t2") < texts.index("Findings") < texts.index("Notes")


def test_toc_leaves_out_notes_that_need_no_list(english):
    word = open_docx(english)  # every note cited once: footnotes only, no closing list, no entry
    assert "Notes" not in [p.text.split("\t")[0] for p in word.paragraphs if p.style.name.startswith("toc ")]


def test_no_contents_when_the_audience_turns_it_off():
    doc = sample_document("en")
    doc.contents = False
    data = render_docx(doc)
    word = open_docx(data)
    assert " TOC " not in part_xml(data, "word/document.xml")
    assert not [p for p in word.paragraphs if p.style.name == "TOC Heading" or p.style.name.startswith("toc ")]
    assert [p.style.name for p in word.paragraphs[:5]] == ["Title", "Subtitle", "Author", "Date", "Heading 1"]


@pytest.mark.parametrize("lang, before, between, after", [("en", "Page ", " of ", ""), ("ko", "", " / ", "쪽")])
def test_footer_shows_page_x_of_y_in_the_edition_language(lang, before, between, after):
    word = open_docx(render_docx(sample_document(lang)))
    section = word.sections[0]
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        assert " PAGE " in xml and " NUMPAGES " in xml
        texts = [t.text for t in footer._element.iter(qn("w:t"))]
        assert texts == [t for t in (before, "1", between, "1", after) if t]
    assert section.header.paragraphs[0].text == sample_document(lang).title
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""


def test_core_properties_come_from_the_document(english, korean):
    props = open_docx(english).core_properties
    assert props.title == "The Wonju Medical-Device Cluster"
    assert props.subject == "Wonju medical devices"
    assert props.author == "Policy team"
    assert props.keywords == "Wonju, cluster"
    assert props.language == "en-US"
    assert props.created == props.modified == datetime(2017, 6, 1, tzinfo=timezone.utc)
    assert open_docx(korean).core_properties.language == "ko-KR"


def test_document_without_date_has_no_invented_dates():
    props = open_docx(render_docx(Document(lang="en", title="T", blocks=[Paragraph([Text("x")])]))).core_properties
    assert props.created is None and props.modified is None


def test_bad_date_is_a_render_error():
    with pytest.raises(RenderError, match="not an ISO date"):
        render_docx(Document(lang="en", title="T", blocks=[], date="June 2017"))


# ---------------------------------------------------------------- determinism
def test_zip_entries_have_fixed_times_and_order(korean):
    with zipfile.ZipFile(io.BytesIO(korean)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert normalise_zip(korean) == korean


RENDER_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from real_project import load
from sample_documents import sample_document
from wreport.writers.docx import render_docx
print(hashlib.sha256(render_docx(sample_document({lang!r}))).hexdigest())
"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_same_bytes_in_separate_processes_with_different_hash_seeds(lang):
    digests = set()
    for seed in ("1", "4242"):
        script = RENDER_SCRIPT.format(tests=str(ROOT / "tests"), lang=lang)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        digests.add(result.stdout.strip())
    digests.add(hashlib.sha256(render_docx(sample_document(lang))).hexdigest())
    assert len(digests) == 1
