"""The briefs as a recipient opens them on a machine with no Korean font (issue 12).

Builds the real policy brief (DOCX, PDF and HTML, both languages) once, then opens the DOCX in
LibreOffice and the standalone HTML in headless Chromium with fontconfig seeing DejaVu only, as
``../shared/tools/without-korean-fonts`` does, and checks what a reader would: the text is set in
the embedded NanumGothic (the PDF each program writes names its fonts), the Korean sentences are
there, and the DOCX has the PDF edition's page count. Each test skips when its program is absent
(.ci/run installs both).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy
import pypdfium2 as pdfium
import pytest
from pdf_layout import pdf_fonts
from pypdf import PdfReader
from real_project import copy_project, load

from wreport.build.editions import build
from wreport.render.document import FootnoteRef, Heading, Paragraph, plain_text
from wreport.render.templating import render_edition
from wreport.review.writing import write_reviews

AUDIENCE = "policy-brief"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)
TIMEOUT = 300  # seconds: a cold LibreOffice profile on a loaded machine
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed; .ci/run installs chromium")


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory):
    """(the project's documents by language, {(lang, format): path}) for the policy brief."""
    root = copy_project(tmp_path_factory.mktemp("travel"))
    project, facts, glossary = load(root)
    outputs = build(project, audiences=[AUDIENCE], formats=["pdf", "docx", "html"], out_dir=root / "out")
    documents = {lang: render_edition(project, AUDIENCE, lang, facts, glossary).document for lang in ("ko", "en")}
    return documents, {(o.lang, o.format): o.path for o in outputs}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def first_sentences(document) -> list[str]:
    """The first heading and the first two paragraphs' opening words, as a reader would look for them."""
    heading = next(block for block in document.blocks if isinstance(block, Heading))
    paragraphs = [block for block in document.blocks if isinstance(block, Paragraph)][:2]
    return [plain_text(heading.children)] + [plain_text(_before_first_note(p.children))[:30] for p in paragraphs]


def _before_first_note(children: list) -> list:
    """The runs before a paragraph's first note marker (LibreOffice's text puts the number there)."""
    for index, child in enumerate(children):
        if isinstance(child, FootnoteRef):
            return children[:index]
    return children


@pytest.fixture(scope="module")
def libreoffice_pdfs(brief, without_korean_fonts, tmp_path_factory) -> dict[str, PdfReader]:
    """Both DOCX editions converted to PDF by LibreOffice on the machine without Korean fonts."""
    assert SOFFICE is not None
    _, paths = brief
    out = tmp_path_factory.mktemp("libreoffice")
    converted = {}
    for lang in ("ko", "en"):  # one run each: LibreOffice keeps the first file's embedded fonts
        command = [SOFFICE, f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "pdf",
                   "--outdir", str(out), str(paths[(lang, "docx")])]
        subprocess.run(command, env=without_korean_fonts, capture_output=True, timeout=TIMEOUT, check=True)
        pdf = out / paths[(lang, "docx")].with_suffix(".pdf").name
        converted[lang] = PdfReader(io.BytesIO(pdf.read_bytes()))
    return converted


@needs_libreoffice
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_docx_in_libreoffice_is_set_in_the_embedded_nanum_gothic(libreoffice_pdfs, lang: str) -> None:
    fonts = pdf_fonts(libreoffice_pdfs[lang])  # the subset's own name (issue 20), no fallback anywhere
    assert {re.sub(r"-[0-9a-f]{10}(-Bold)?$", r"\1", font) for font in fonts} == {"WreportGothic", "WreportGothic-Bold"}


@needs_libreoffice
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_docx_in_libreoffice_has_the_pdf_editions_page_count_and_text(brief, libreoffice_pdfs, lang: str) -> None:
    documents, paths = brief
    converted = libreoffice_pdfs[lang]
    assert len(converted.pages) == len(PdfReader(paths[(lang, "pdf")]).pages)
    text = squash("".join(page.extract_text() for page in converted.pages))
    for sentence in first_sentences(documents[lang]):
        assert squash(sentence) in text


@needs_libreoffice
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_docx_contents_in_libreoffice_shows_the_pages_headings_land_on(brief, libreoffice_pdfs, lang: str) -> None:
    """LibreOffice shows the TOC field's stored result: every heading with a page number, the
    closing notes too.

    The numbers come from the PDF's layout; LibreOffice lays the DOCX out a little differently (on
    the same page count), so a heading may land one page off there: docs/docx.md says so.
    """
    documents, _ = brief
    pages = [page.extract_text() for page in libreoffice_pdfs[lang].pages]
    lines = [{squash(line) for line in page.splitlines()} for page in pages]
    entries = re.findall(r"^(.+?)\s*\.{4,}\s*(\d+)\s*$", pages[0], re.MULTILINE)  # "Summary.......2"
    headings = [plain_text(block.children) for block in documents[lang].blocks if isinstance(block, Heading)]
    headings.append({"ko": "주", "en": "Notes"}[lang])  # the closing notes (a source is cited twice), issue 20
    assert [squash(text) for text, _ in entries] == [squash(heading) for heading in headings]
    for text, number in entries:
        landed = next(index for index, page in enumerate(lines) if index > 0 and squash(text) in page) + 1
        assert abs(int(number) - landed) <= 1, f"contents says {text!r} is on page {number}; it is on page {landed}"
    numbers = [int(number) for _, number in entries]
    assert numbers == sorted(numbers) and numbers[0] >= 2


def test_docx_is_the_same_whether_or_not_its_pdf_is_built_with_it(brief, tmp_path_factory) -> None:
    """The contents' page numbers come from the PDF's layout either way, so the bytes do not change."""
    _, paths = brief
    root = copy_project(tmp_path_factory.mktemp("docx-alone"))
    project, _, _ = load(root)
    alone = build(project, audiences=[AUDIENCE], langs=["ko"], formats=["docx"], out_dir=root / "out")
    assert alone[0].path.read_bytes() == paths[("ko", "docx")].read_bytes()


@pytest.fixture(scope="module")
def chromium_pdf(brief, without_korean_fonts, tmp_path_factory) -> PdfReader:
    """The Korean standalone HTML printed to PDF by headless Chromium without Korean fonts."""
    assert CHROMIUM is not None
    _, paths = brief
    out = tmp_path_factory.mktemp("chromium")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={out}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}/ko.pdf",
               paths[("ko", "html")].as_uri()]
    subprocess.run(command, env=without_korean_fonts, capture_output=True, timeout=TIMEOUT, check=True)
    return PdfReader(io.BytesIO((out / "ko.pdf").read_bytes()))


@needs_chromium
def test_html_in_chromium_shows_korean_in_the_embedded_font(brief, chromium_pdf) -> None:
    documents, _ = brief
    fonts = pdf_fonts(chromium_pdf)
    assert {"NanumGothic", "NanumGothicBold"} <= fonts
    text = squash("".join(page.extract_text() for page in chromium_pdf.pages))
    for sentence in first_sentences(documents["ko"]):
        assert squash(sentence) in text


# ------------------------------------------------------------------ several briefs in one session
SESSION_ORDERS = {  # the four briefs and a review, opened one after another in one LibreOffice process
    "english-first": ["partner-brief.en", "policy-brief.ko", "partner-brief.ko", "policy-brief.review",
                      "policy-brief.en"],
    "korean-first": ["policy-brief.ko", "partner-brief.ko", "policy-brief.en", "policy-brief.review",
                     "partner-brief.en"],
}


@pytest.fixture(scope="module")
def every_docx(brief) -> dict[str, Path]:
    """The four briefs' DOCX and the policy brief's review DOCX, by file stem."""
    _, paths = brief
    out = paths[("ko", "docx")].parent.parent
    project, _, _ = load(out.parent)
    build(project, audiences=["partner-brief"], formats=["docx"], out_dir=out)
    write_reviews(project, [AUDIENCE], out)
    files = [*out.glob("*/*.docx")]
    return {file.name.removesuffix(".docx"): file for file in files}


def _convert(files: list[Path], out: Path, profile: Path, env: dict[str, str]) -> dict[str, bytes]:
    """The files converted to PDF by ONE LibreOffice process, in the order given, by file stem."""
    assert SOFFICE is not None
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out), *map(str, files)]
    subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT, check=True)
    return {file.stem: (out / f"{file.stem}.pdf").read_bytes() for file in files}


@pytest.fixture(scope="module")
def session_pdfs(every_docx, without_korean_fonts, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """LibreOffice's PDFs of every DOCX: each opened alone ("alone"), and all in one process in each
    order of SESSION_ORDERS, on a machine without a Korean font."""
    out = tmp_path_factory.mktemp("session")
    profile = out / "profile"
    converted = {"alone": {}}
    for path in sorted(every_docx.values()):
        converted["alone"].update(_convert([path], out / "alone", profile, without_korean_fonts))
    for name, order in SESSION_ORDERS.items():
        converted[name] = _convert([every_docx[stem] for stem in order], out / name, profile, without_korean_fonts)
    return converted


def _page_images(data: bytes) -> list[numpy.ndarray]:
    """Each page as a greyscale image at 50 dpi."""
    document = pdfium.PdfDocument(data)
    try:
        return [numpy.asarray(document[n].render(scale=50 / 72, grayscale=True).to_pil().convert("L"), dtype=float)
                for n in range(len(document))]
    finally:
        document.close()


def _text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    finally:
        document.close()


@needs_libreoffice
def test_each_docx_alone_is_set_in_its_own_embedded_font(session_pdfs) -> None:
    """Opened alone, every file draws all its text in its embedded subset (a name of its own), no fallback."""
    for stem, data in session_pdfs["alone"].items():
        fonts = pdf_fonts(PdfReader(io.BytesIO(data)))
        family = {re.sub(r"-Bold$", "", font) for font in fonts}
        assert len(family) == 1 and re.fullmatch(r"WreportGothic-[0-9a-f]{10}", family.pop()), (stem, fonts)


@needs_libreoffice
@pytest.mark.parametrize("order", sorted(SESSION_ORDERS))
def test_docx_opened_together_look_as_each_does_alone(session_pdfs, order: str) -> None:
    """Issue 20: opened after another brief, a Korean DOCX drew its Hangul in the first file's subset
    (boxes, and the text read back as one repeated syllable). Same text, pages pixel-close."""
    for stem, alone in session_pdfs["alone"].items():
        together = session_pdfs[order][stem]
        assert _text(together) == _text(alone), stem
        pages_alone, pages_together = _page_images(alone), _page_images(together)
        assert len(pages_together) == len(pages_alone), stem
        for number, (a, b) in enumerate(zip(pages_alone, pages_together, strict=True), start=1):
            assert a.shape == b.shape, (stem, number)
            differing = float(numpy.mean(numpy.abs(a - b) > 64))  # share of pixels that changed visibly
            assert differing < 0.001, f"{stem} page {number}: {differing:.2%} of the pixels differ"
