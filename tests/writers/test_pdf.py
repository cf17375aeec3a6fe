"""The PDF writer: text a reader can search, embedded NanumGothic, Korean line breaks between words,
metadata, PDF/A-3a, byte-identical renders, and a URL fetcher that keeps local files out."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdf
import pytest
from pdf_layout import pdf_chars
from real_project import copy_project, load
from sample_documents import english_document, export_chart, korean_document

from wreport.build.editions import build
from wreport.errors import RenderError, WreportError
from wreport.render.charts import render_png
from wreport.render.document import (
    Document,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    LineBreak,
    PageBreak,
    Paragraph,
    Table,
    TableCell,
    Text,
)
from wreport.render.markdown import parse_markdown
from wreport.writers import html as html_writer
from wreport.writers.html import WORD_JOINER
from wreport.writers.pdf import FencedURLFetcher, html_to_pdf, render_pdf, render_pdf_with_pages

PASSWD = Path("/etc/passwd").read_text().splitlines()[0].encode()  # e.g. b"root:x:0:0:root:..."


@pytest.fixture(scope="module")
def ko_pdf() -> bytes:
    return render_pdf(korean_document())


@pytest.fixture(scope="module")
def en_pdf() -> bytes:
    return render_pdf(english_document())


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def expanded(pdf: bytes) -> bytes:
    """Every stream decompressed and no object streams: what the file holds, greppable."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                      object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def font_names(pdf: bytes) -> dict[str, bool]:
    """Each font's base name and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


# ---------------------------------------------------------------- text and fonts
def test_text_extracts_as_plain_words(ko_pdf, en_pdf):
    ko = text_of(ko_pdf)
    assert WORD_JOINER not in ko
    for phrase in ("수출", "4억 3,500만 달러", "14.9%에", "6,098억 원", "원주의료기기테크노밸리", "1 / 4쪽"):
        assert phrase in ko
    en = text_of(en_pdf)
    for phrase in ("USD 435 million", "KRW 609.8 billion", "14.9%", "Page 1 of 4", "원주의료기기테크노밸리"):
        assert phrase in en


def test_nanum_gothic_regular_and_bold_are_embedded(ko_pdf):
    fonts = font_names(ko_pdf)
    bases = {name.lstrip("/").split("+")[-1] for name in fonts}
    assert bases == {"NanumGothic", "NanumGothic-Bold"}
    assert all(fonts.values())


def test_no_glyph_is_missing(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(korean_document(paragraphs=1))
        render_pdf(english_document(paragraphs=1))
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]


def test_a_character_no_font_has_is_an_error():
    with pytest.raises(RenderError, match=r"no font has a glyph for .*U\+0378"):
        render_pdf(Document(lang="ko", title="T", blocks=[Paragraph([Text("가 \u0378 나")])]))


# ---------------------------------------------------------------- Korean line breaking
NARROW = ("@page { size: %s 500mm; margin: 4mm; @top-left { content: none } @bottom-center { content: none } }"
          " p { text-align: left }")
SENTENCE = "원주 의료기기 수출은 2016년 4억 3,500만 달러로 전국 수출의 14.9%에 달했고 수출 상담도 늘었다. "


def narrow_lines(width: str) -> list[str]:
    doc = Document(lang="ko", title="좁은 단", blocks=[
        Paragraph([Text(SENTENCE * 6)]),
        Paragraph([Text("상담이 늘고 "), *[node for _ in range(8) for node in (Text("수출", bold=True), Text("이 늘었다. "))]]),
    ])
    pdf = render_pdf(doc, variant=None, extra_css=[NARROW % width])
    lines = [line for line in text_of(pdf).splitlines() if line.strip()]
    assert lines[-1] == "1 / 1쪽"  # the footer
    return lines[:-1]


def broken_words(lines: list[str]) -> list[str]:
    """Tokens on the lines that are not whole words of the source: a word broken at a line end."""
    words = set(SENTENCE.split()) | {"좁은", "단", "상담이", "늘고", "수출이", "늘었다."}
    return [token for line in lines for token in line.split() if token not in words]


@pytest.mark.parametrize("width", ["45mm", "62mm", "80mm"])
def test_lines_break_only_between_korean_words(width):
    lines = narrow_lines(width)
    assert len(lines) > 10
    assert broken_words(lines) == []
    text = "\n".join(lines)
    for word in ("수출", "2016년", "14.9%에", "수출이"):
        assert word in text


def test_without_joiners_the_same_column_breaks_inside_words(monkeypatch):
    """The check above can fail: WeasyPrint alone splits Korean words between syllables."""
    monkeypatch.setattr(html_writer, "join_korean_words", lambda segments: segments)
    assert broken_words(narrow_lines("62mm"))


# ---------------------------------------------------------------- tables stay on the page
def text_starts_x(pdf: bytes) -> list[float]:
    """Where each text run starts, in points from the page's left edge (following cm and q/Q)."""
    document = reader(pdf)
    starts: list[float] = []
    for page in document.pages:
        matrix, stack = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
        for operands, operator in pypdf.generic.ContentStream(page.get_contents(), document).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                m = matrix
                matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                          c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
            elif operator == b"Tm":
                x, y = float(operands[4]), float(operands[5])
                starts.append(x * matrix[0] + y * matrix[2] + matrix[4])
    return starts


def wide_table_pdf(extra_css: list[str]) -> bytes:
    word = "원주의료기기테크노밸리입주기업현황"
    table = Table(header=[TableCell([Text(word)]) for _ in range(6)],
                  rows=[[TableCell([Text(word + " 국내생산6,098억원")]) for _ in range(6)]])
    return render_pdf(Document(lang="ko", title="T", blocks=[table]), variant=None, extra_css=extra_css)


def test_a_table_of_long_korean_words_stays_within_the_text_width():
    right_margin_start = 595.28 - 21 * 72 / 25.4
    starts = text_starts_x(wide_table_pdf([]))
    assert len(starts) >= 12 and max(starts) < right_margin_start


def test_without_overflow_wrap_the_same_table_runs_off_the_page():
    """The check above can fail: glued words alone would push columns past the page edge."""
    assert max(text_starts_x(wide_table_pdf(["th, td { overflow-wrap: normal }"]))) > 595.28


# ---------------------------------------------------------------- footnotes on paper
def cited_on_two_pages() -> Document:
    return Document(lang="en", title="T", blocks=[
        Paragraph([Text("Firms"), FootnoteRef(1)]), PageBreak(),
        Paragraph([Text("Firms again"), FootnoteRef(1), Text(" and exports"), FootnoteRef(2)])],
        footnotes=[Footnote(1, [Text("Financial News, 2007.")]), Footnote(2, [Text("KHA journal, 2006.")])])


def test_a_note_cited_again_pages_later_resolves_to_the_notes_at_the_end():
    """A note prints at the foot of its first citation's page; the brief ends with every note, numbered,
    and a marker repeated on a later page links there."""
    document = reader(render_pdf(cited_on_two_pages()))
    first, last = (page.extract_text() for page in document.pages)
    assert "1. Financial News, 2007." in first
    notes = last[last.index("Notes"):]
    assert "Financial News, 2007." in notes and "KHA journal, 2006." in notes
    links = [annotation.get_object()["/Dest"] for annotation in document.pages[1]["/Annots"]]
    assert [link for link in links if not link.startswith("fnote-")] == ["fn-1"]  # fnote-N: a note's first marker
    assert document.get_page_number(document.named_destinations["fn-1"].page) == 1


def test_notes_each_cited_once_are_not_repeated_at_the_end():
    doc = Document(lang="en", title="T", blocks=[Paragraph([Text("Firms"), FootnoteRef(1)])],
                   footnotes=[Footnote(1, [Text("Financial News, 2007.")])])
    assert "Notes" not in text_of(render_pdf(doc, variant=None))


def marker_gaps(doc: Document) -> dict[str, float]:
    """For each word directly followed by a note marker ("1"), the space between them, in points."""
    chars = [c for c in pdf_chars(render_pdf(doc, variant=None)) if c.size]  # not the reader's own spaces
    gaps = {}
    for index, char in enumerate(chars[1:], start=1):
        before = chars[index - 1]
        if char.text in ("1", "2") and before.text.strip() and char.size < 0.8 * before.size:  # a marker
            start = index - 1
            while start > 0 and chars[start - 1].text.strip():
                start -= 1
            word = "".join(c.text for c in chars[start:index])
            gaps[word] = round(char.left - before.right, 1)
    return gaps


def test_a_marker_after_a_number_or_a_square_metre_stands_apart():
    """m²¹ and 2016² read as exponents: a thin space there makes the marker read as a note; after a
    word the marker stays close."""
    doc = Document(lang="en", title="T", blocks=[Paragraph([
        Text("Site 429,000 m²"), FootnoteRef(1), Text(" or 42만 9,000㎡"), FootnoteRef(1), Text(" in 2016"),
        FootnoteRef(2), Text(" by firms"), FootnoteRef(2), Text(".")])],
        footnotes=[Footnote(1, [Text("Financial News, 2007.")]), Footnote(2, [Text("KHA journal, 2006.")])])
    gaps = marker_gaps(doc)
    assert gaps["m²"] >= 1.5 and gaps["9,000㎡"] >= 1.5 and gaps["2016"] >= 1.5
    assert gaps["firms"] < 0.5


def pages_holding(pdf: bytes, *texts: str) -> list[int]:
    """The last page each text is on (a heading is also on the contents page)."""
    pages = [page.extract_text() for page in reader(pdf).pages]
    return [max(number for number, page in enumerate(pages) if text in page) for text in texts]


@pytest.mark.parametrize("heading", [False, True])
def test_a_table_caption_is_never_left_alone_at_the_foot_of_a_page(heading):
    """Push a captioned table (after a heading or not) down the page a line at a time: its heading,
    caption and first row always share a page."""
    table = Table([TableCell([Text("Fair")]), TableCell([Text("Deals")])],
                  [[TableCell([Text(f"Row{i} cell")]), TableCell([Text("3")])] for i in range(1, 6)],
                  caption=[Text("Trade fair results")])
    for lines in range(30, 40):
        filler = Paragraph([node for _ in range(lines) for node in (Text("filler line"), LineBreak())])
        blocks = [filler, *([Heading(2, [Text("Fairs of 2017")])] if heading else []), table]
        pdf = render_pdf(Document(lang="en", title="T", blocks=blocks), variant=None)
        texts = ("Fairs of 2017", "Trade fair results", "Row1") if heading else ("Trade fair results", "Row1")
        assert len(set(pages_holding(pdf, *texts))) == 1, f"split after {lines} lines"


# ---------------------------------------------------------------- metadata and variant
def test_metadata_and_outline(ko_pdf):
    document = reader(ko_pdf)
    info = document.metadata
    assert info.title == "원주 의료기기 클러스터와 미니클러스터"
    assert info.author == "원주 정책연구팀"
    assert info.subject == "원주 의료기기산업 현황"
    assert info["/Keywords"] == "원주, 의료기기, 클러스터"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20170601"
    root = document.trailer["/Root"]
    assert root["/Lang"] == "ko"
    titles = [item.title for item in _flatten(document.outline)]
    assert titles == ["개요", "생산과 수출", "미니클러스터", "전망"]  # clean, no joiners


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def test_pdfa_3a_passes_qpdf_and_carries_its_identification(ko_pdf):
    with pikepdf.open(io.BytesIO(ko_pdf)) as document:
        assert document.check_pdf_syntax() == []  # qpdf --check
        assert document.open_metadata().pdfa_status == "3A"
        root = document.Root
        intent = root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        alts = [str(obj.Alt) for obj in document.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj]
    assert alts == [next(b.alt for b in korean_document().blocks if isinstance(b, Figure))]


def test_the_syntax_check_can_fail(ko_pdf):
    damaged = ko_pdf.replace(b"endobj", b"endobk", 3)
    with pikepdf.open(io.BytesIO(damaged)) as document:
        assert document.check_pdf_syntax()


def test_plain_variant_is_untagged():
    pdf = render_pdf(english_document(paragraphs=1), variant=None)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/StructTreeRoot" not in document.Root
        assert document.open_metadata().pdfa_status == ""


def test_unknown_or_clock_stamped_variants_are_refused():
    for variant in ("pdf/x-4", "pdf/a-4u", "pdf/z"):
        with pytest.raises(RenderError, match="non-repeatable PDF variant"):
            render_pdf(english_document(paragraphs=1), variant=variant)


# ---------------------------------------------------------------- determinism
def test_two_renders_are_byte_identical(ko_pdf):
    assert render_pdf(korean_document()) == ko_pdf


def test_the_page_count_comes_with_the_pdf_and_matches_a_reader(ko_pdf):
    """The build records page counts from the layout instead of re-reading each PDF."""
    result = render_pdf_with_pages(korean_document())
    assert result.data == ko_pdf
    assert result.pages == len(reader(ko_pdf).pages)
    two = render_pdf_with_pages(cited_on_two_pages())
    assert two.pages == len(reader(two.data).pages) == 2


def test_renders_in_another_process_are_byte_identical(ko_pdf):
    code = ("import sys, hashlib; sys.path.insert(0, 'tests'); from sample_documents import korean_document; "
            "from wreport.writers.pdf import render_pdf; print(hashlib.sha256(render_pdf(korean_document())).hexdigest())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == hashlib.sha256(ko_pdf).hexdigest()


def test_the_identifier_follows_the_content(ko_pdf):
    other = render_pdf(korean_document(paragraphs=5))
    assert reader(other).trailer["/ID"][0] != reader(ko_pdf).trailer["/ID"][0]


# ---------------------------------------------------------------- the fenced fetcher
def hostile_html(server: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><title>T</title>
<link rel="attachment" href="file:///etc/passwd">
<style>@import url("{server}/import.css"); p {{ background: url("file:///etc/passwd") }}</style>
</head><body><p>Hello</p>
<img src="file:///etc/passwd" alt="passwd">
<img src="{server}/pixel.png" alt="pixel">
<a rel="attachment" href="file:///etc/passwd">attached</a>
</body></html>"""


def test_refused_urls_fail_the_render_and_are_each_named(loopback):
    with pytest.raises(WreportError) as raised:
        html_to_pdf(hostile_html(loopback.url), extra_css=['body { background: url("file:///etc/passwd") }'])
    message = str(raised.value)
    assert "file:///etc/passwd" in message
    assert f"{loopback.url}/import.css" in message and f"{loopback.url}/pixel.png" in message
    assert loopback.requests == []


def test_nothing_from_a_refused_url_reaches_the_pdf(loopback):
    pdf = html_to_pdf(hostile_html(loopback.url), extra_css=['body { background: url("file:///etc/passwd") }'],
                      strict=False)
    content = expanded(pdf)
    assert b"Hello" in text_of(pdf).encode()
    assert PASSWD not in content and b"secret from the network" not in content
    assert b"/EmbeddedFile" not in content
    assert loopback.requests == []


def test_files_inside_the_project_are_served_and_outside_ones_refused(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "chart.png").write_bytes(render_png(export_chart("en"), "en", dpi=30))
    (project / "link.png").symlink_to("/etc/passwd")
    (tmp_path / "outside.png").write_bytes((project / "chart.png").read_bytes())
    html = '<html lang="en"><body><img src="chart.png" alt="chart"></body></html>'
    pdf = html_to_pdf(html, project_dir=project, variant=None)
    assert b"/Subtype /Image" in expanded(pdf)
    for name in ("link.png", "../outside.png"):
        with pytest.raises(RenderError, match="not allowed"):
            html_to_pdf(f'<html><body><img src="{name}" alt="x"></body></html>', project_dir=project, variant=None)


def test_fetcher_policy(tmp_path):
    (tmp_path / "inside.css").write_text("p {}")
    fetcher = FencedURLFetcher([tmp_path])
    assert fetcher.fetch((tmp_path / "inside.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/css,p%7B%7D").read() == b"p{}"
    for url in ("file:///etc/passwd", "file://otherhost" + str(tmp_path / "inside.css"),
                "https://example.org/x.css", "ftp://127.0.0.1/x", (tmp_path / "missing.css").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


FONTTOOLS_RENDER = (
    "import sys, hashlib; sys.path.insert(0, 'tests'); import weasyprint.pdf.fonts as fonts; "
    "fonts.harfbuzz_subset = None; "  # as on a machine without libharfbuzz-subset0
    "from sample_documents import korean_document; from wreport.writers.pdf import render_pdf; "
    "print(hashlib.sha256(render_pdf(korean_document())).hexdigest())")


def test_pdfs_are_byte_identical_on_the_fonttools_subsetting_path():
    """Without HarfBuzz's subsetter WeasyPrint subsets with fontTools, which stamps the clock into
    each font's head table unless SOURCE_DATE_EPOCH is set (to the edition's date, by pdf.py).
    Two processes, a second apart, must agree."""
    import time

    env = {key: value for key, value in __import__("os").environ.items() if key != "SOURCE_DATE_EPOCH"}
    digests = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", FONTTOOLS_RENDER], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).resolve().parents[2], env=env)
        digests.append(done.stdout.strip())
        time.sleep(1.1)
    assert digests[0] == digests[1]


def test_the_fonttools_path_stamps_the_edition_date_into_the_fonts(monkeypatch):
    """The check above can fail: the head table's date is the edition's, not the clock's."""
    import weasyprint.pdf.fonts as fonts
    from fontTools.misc.timeTools import timestampToString
    from fontTools.ttLib import TTFont

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    with pikepdf.open(io.BytesIO(render_pdf(korean_document()))) as pdf:
        stamps = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0]
                data = descendant.FontDescriptor.FontFile2.read_bytes()
                stamps.add(timestampToString(TTFont(io.BytesIO(data)).get("head").modified))
    assert stamps == {"Thu Jun  1 00:00:00 2017"}  # korean_document() is dated 2017-06-01


# ---------------------------------------------------------------- a machine without Pango
NO_GOBJECT = """
import sys, cffi
real = cffi.FFI.dlopen
def dlopen(self, name, *args):
    if "gobject" in str(name):
        raise OSError(f"cannot load library '{name}': {name}: cannot open shared object file")
    return real(self, name, *args)
cffi.FFI.dlopen = dlopen  # as on a minimal Debian without Pango (and so without GObject)
from wreport.cli import main
sys.argv[0] = "wreport"
main()
"""


def test_a_missing_system_library_is_one_message_naming_what_to_install(tmp_path):
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    done = subprocess.run([sys.executable, "-c", NO_GOBJECT, "--project", str(root), "build", "--format", "pdf"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "WeasyPrint could not import" not in done.stdout  # WeasyPrint's own advice is not repeated
    (message,) = [line for line in done.stderr.splitlines() if "libgobject" in line]
    for package in ("apt-get install libpango-1.0-0 libpangoft2-1.0-0", "dnf install pango", "brew install pango"):
        assert package in message
    assert not list(root.rglob("*.pdf"))


def test_a_process_that_rendered_a_pdf_leaves_no_copy_of_the_fonts_behind(tmp_path):
    """WeasyPrint copies the fonts (9 MB) to a temporary folder per FontConfiguration and deletes
    it only when that is collected. A test run that renders a PDF and exits must not leave it
    behind (it did, one a pytest run, until the configuration was released at exit)."""
    (tmp_path / "test_one.py").write_text(
        "from wreport.render.document import Document, Paragraph, Text\n"
        "from wreport.writers.pdf import render_pdf\n\n"
        "def test_render():\n"
        "    assert render_pdf(Document(lang='ko', title='T', blocks=[Paragraph([Text('가나다')])]))\n")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"],
                   cwd=tmp_path, check=True, env=env, capture_output=True)
    assert not [p.name for p in temp.iterdir() if p.name.startswith("weasyprint-")]


# ---------------------------------------------------------------- links (issue 23, build 7)
def link_targets(pdf: bytes) -> list[str]:
    """Every link annotation's target: its /A /URI, or "#name" for a link inside the document."""
    targets: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for annotation in page.obj.get("/Annots", []):
                if "/A" in annotation and "/URI" in annotation.A:
                    targets.append(str(annotation.A.URI))
                elif "/Dest" in annotation:
                    targets.append("#" + str(annotation.Dest))
    return targets


def test_allowed_links_reach_the_pdf_as_written():
    blocks, _ = parse_markdown("See [the city](https://www.wonju.go.kr/) or [write](mailto:desk@example.org).\n")
    targets = link_targets(render_pdf(Document(lang="en", title="T", blocks=blocks)))
    assert targets == ["https://www.wonju.go.kr/", "mailto:desk@example.org"]


def test_the_real_briefs_pdfs_carry_no_file_link(tmp_path):
    """No link in the four briefs points at the build machine: every target is an https, http or
    mailto URL or a place in the document (the notes)."""
    root = copy_project(tmp_path)
    project, _, _ = load(root)
    made = sorted(o.path for o in build(project, formats=["pdf"], out_dir=root / "out"))
    assert [path.name for path in made] == ["partner-brief.en.pdf", "partner-brief.ko.pdf",
                                            "policy-brief.en.pdf", "policy-brief.ko.pdf"]
    for path in made:
        targets = link_targets(path.read_bytes())
        assert targets, path.name  # the note markers are links
        assert [t for t in targets if not t.startswith(("#", "https:", "http:", "mailto:"))] == [], path.name
        assert not any("file:" in t or str(root) in t for t in targets), path.name
