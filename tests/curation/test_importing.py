"""`wreport sources add`: small documents made here, imported into a copy of the project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from real_project import copy_project
from typer.testing import CliRunner

from wreport.cli import app
from wreport.curation.importing import clean_text, extract
from wreport.curation.mentions import find_mentions

FONT = Path(__file__).resolve().parents[2] / "src" / "wreport" / "fonts" / "NanumGothic.ttf"
SENTENCE = "원주 의료기기 업체들은 지난해 5억 2000만 달러를 수출했고 입주기업은 120개로 늘었다."


def _add(root: Path, document: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--project", str(root), "sources", "add", str(document), *options])
    error = f"error: {result.exception}" if result.exception and not isinstance(result.exception, SystemExit) else ""
    return result.exit_code, result.output + error


def _candidates(root: Path, source_id: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["--project", str(root), "facts", "candidates", source_id, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_pdf_made_with_weasyprint(tmp_path: Path) -> None:
    from weasyprint import HTML

    root = copy_project(tmp_path)
    pdf = tmp_path / "Ministry Report.pdf"
    HTML(string=f"""<html><head><title>원주 의료기기 클러스터 보고서</title><style>
        @font-face {{ font-family: Nanum; src: url("{FONT.as_uri()}"); }}
        body {{ font-family: Nanum; }}</style></head>
        <body><h1>원주 의료기기 클러스터 보고서</h1><p>{SENTENCE}</p></body></html>""").write_pdf(pdf)
    code, output = _add(root, pdf, "--title-en", "Wonju medical-device cluster report", "--publisher", "보건복지부",
                        "--publisher-en", "Ministry of Health and Welfare", "--date", "2024-05")
    assert code == 0, output
    text = (root / "seeds/sources/wonju-medical-device-cluster-report-2024.txt").read_text(encoding="utf-8")
    assert _squash(SENTENCE) in _squash(text)
    assert (root / "seeds/sources/wonju-medical-device-cluster-report-2024.original.pdf").read_bytes() == pdf.read_bytes()
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert manifest.startswith("# The source documents behind seeds/facts.yaml")  # comments survive
    assert 'title: "원주 의료기기 클러스터 보고서"' in manifest  # read from the PDF's information
    assert 'date_basis: "stated by the curator on import (--date)"' in manifest
    assert "title read from the PDF" in manifest
    found = {(c["text"], c["value"], c["unit"]) for c in _candidates(root, "wonju-medical-device-cluster-report-2024")}
    assert {("5억 2000만 달러", "520000000", "USD"), ("120개", "120", "count")} <= found
    assert extract(pdf).text == text  # deterministic: the same file gives the same text
    # the same file again: the id is taken
    code, output = _add(root, pdf, "--title-en", "Wonju medical device cluster report", "--publisher", "y",
                        "--date", "2024")
    assert code == 1 and "already in seeds/sources.yaml" in output


def test_html_page_main_text_only(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    page = tmp_path / "news.html"
    body = "".join(f"<p>{SENTENCE} 문단 {n}번째 내용으로 기사 본문을 이룬다.</p>" for n in range(1, 6))
    page.write_text(f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
        <title>원주 의료기기 수출 늘어</title><meta property="og:site_name" content="강원일보">
        <meta property="article:published_time" content="2024-02-14"></head>
        <body><nav><a href="/">홈</a> <a href="/a">정치</a> <a href="/b">경제</a> 메뉴 999개</nav>
        <article><h1>원주 의료기기 수출 늘어</h1>{body}</article>
        <footer>저작권자 © 강원일보 무단전재 및 재배포 금지 회원 1234명</footer></body></html>""", encoding="utf-8")
    code, output = _add(root, page, "--id", "kwnews-2024-02-exports", "--title-en", "Wonju device exports rise",
                        "--publisher-en", "Kangwon Ilbo")
    assert code == 0, output
    text = (root / "seeds/sources/kwnews-2024-02-exports.txt").read_text(encoding="utf-8")
    assert _squash(SENTENCE) in _squash(text)
    assert "메뉴" not in text and "999개" not in text  # the navigation is not main text
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert 'publisher: "강원일보"' in manifest and 'date: "2024-02-14"' in manifest
    assert "publisher read from the HTML" in manifest and 'publisher_en: "Kangwon Ilbo"' in manifest


def test_html_page_in_euc_kr(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    page = tmp_path / "old-page.htm"
    body = "".join(f"<p>{SENTENCE} 문단 {n}번째 내용으로 기사 본문을 이룬다.</p>" for n in range(1, 6))
    page.write_bytes(f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
        <title>옛 기사</title></head><body><article>{body}</article></body></html>""".encode("euc-kr"))
    code, output = _add(root, page, "--title-en", "An old article", "--publisher", "전자신문",
                        "--publisher-en", "Electronic Times", "--date", "2006-03")
    assert code == 0, output
    text = (root / "seeds/sources/old-article-2006.txt").read_text(encoding="utf-8")
    assert _squash(SENTENCE) in _squash(text)
    assert (root / "seeds/sources/old-article-2006.original.html").read_bytes() == page.read_bytes()
    broken = tmp_path / "broken.txt"
    broken.write_bytes("첫 줄\n둘째 줄 ".encode() + "원주".encode("euc-kr"))
    code, output = _add(root, broken, "--title-en", "x", "--publisher", "p", "--date", "2024")
    assert code == 1 and "broken.txt:2: not valid UTF-8 text" in output


def test_docx_made_with_python_docx(tmp_path: Path) -> None:
    import docx

    root = copy_project(tmp_path)
    document = docx.Document()
    document.core_properties.title = "원주 클러스터 동향"
    document.add_paragraph("작성일 2023-11-30")
    document.add_paragraph(SENTENCE)
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, (("구분", "2022", "2023"), ("회원수", "82", "112")), strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "동향.docx"
    document.save(path)
    code, output = _add(root, path, "--id", "colleague-2023-trends", "--title-en", "Wonju cluster trends",
                        "--publisher", "원주시", "--publisher-en", "Wonju City")
    assert code == 0, output
    text = (root / "seeds/sources/colleague-2023-trends.txt").read_text(encoding="utf-8")
    assert _squash(SENTENCE) in _squash(text) and "회원수 82 112" in text  # a table row as one line
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert 'title: "원주 클러스터 동향"' in manifest
    assert 'date: "2023-11-30"' in manifest and "stated in text (작성일 2023-11-30)" in manifest


def test_text_file_and_what_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    manifest = root / "seeds/sources.yaml"
    before = manifest.read_text(encoding="utf-8")
    path = tmp_path / "note.txt"
    path.write_text(f"메모\r\n{SENTENCE}\r\n", encoding="utf-8")
    code, output = _add(root, path, "--title-en", "A note", "--date", "2024")
    assert code == 1 and "--publisher" in output  # no publisher anywhere: nothing written
    code, output = _add(root, path, "--id", "../escape", "--title-en", "A note", "--publisher", "p", "--date", "2024")
    assert code == 1 and "invalid source id" in output
    assert manifest.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (root / "seeds/sources").iterdir()) == sorted(
        p.name for p in (Path(__file__).resolve().parents[2] / "seeds/sources").iterdir())
    code, output = _add(root, path, "--title-en", "A note", "--publisher", "p", "--date", "2024")
    assert code == 0, output
    assert (root / "seeds/sources/note-2024.txt").read_text(encoding="utf-8") == f"메모\n{SENTENCE}\n"
    (root / "seeds/sources/note-2024.txt").unlink()  # a leftover original still blocks the id
    code, output = _add(root, path, "--id", "note-2024", "--title-en", "A note", "--publisher", "p", "--date", "2024")
    assert code == 1


def test_nothing_is_written_outside_the_project(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    outside = tmp_path / "elsewhere"
    (root / "seeds" / "sources").rename(outside)
    (root / "seeds" / "sources").symlink_to(outside, target_is_directory=True)
    before = sorted(p.name for p in outside.iterdir())
    path = tmp_path / "note.txt"
    path.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, path, "--title-en", "A note", "--publisher", "p", "--date", "2024")
    assert code == 1 and "outside the project" in output
    assert sorted(p.name for p in outside.iterdir()) == before


def test_an_english_document_needs_no_separate_english_title(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = tmp_path / "oecd-note.md"
    path.write_text("Regional clusters in Korea\n\nThe programme spent USD 12.5 million in 2008.\n", encoding="utf-8")
    code, output = _add(root, path, "--publisher", "OECD", "--date", "2009")
    assert code == 0, output
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert 'title_en: "Regional clusters in Korea"' in manifest and 'language: "en"' in manifest
    found = {(c["text"], c["value"], c["unit"]) for c in _candidates(root, "regional-clusters-korea-2009")}
    assert found == {("USD 12.5 million", "12500000", "USD")}
    korean = tmp_path / "메모.txt"
    korean.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, korean, "--publisher", "p", "--date", "2024")
    assert code == 1 and "--title-en" in output


PRESS_NOTE = ("원주 의료기기 클러스터, Samsung Medison·GE Healthcare Korea와 MOU 체결\n\n"
              "Wonju Medical Industry Techno Valley(WMIT)는 Global Medical Device Exhibition(KIMES 2008)에서 "
              "Samsung Medison, GE Healthcare Korea와 R&D 협력 MOU를 체결했다고 밝혔다. 문의: www.wmit.or.kr\n")


def test_a_korean_note_full_of_latin_names_is_korean(tmp_path: Path) -> None:
    # 30 Hangul syllables against 151 Latin letters: Korean sentences all the same
    root = copy_project(tmp_path)
    path = tmp_path / "wmit-mou.txt"
    path.write_text(PRESS_NOTE, encoding="utf-8")
    code, output = _add(root, path, "--publisher", "WMIT", "--date", "2008")
    assert code == 1 and "--title-en" in output  # a Korean document carries no English title
    code, output = _add(root, path, "--publisher", "WMIT", "--date", "2008", "--title-en", "WMIT signs an MOU")
    assert code == 0, output
    entry = (root / "seeds/sources.yaml").read_text(encoding="utf-8").split("id: wmit-signs-mou-2008")[1]  # from the English title, stop words out
    assert 'title: "원주 의료기기 클러스터, Samsung Medison·GE Healthcare Korea와 MOU 체결"' in entry
    assert 'language: "ko"' in entry and 'language: "en"' not in entry
    english = tmp_path / "oecd-wonju.txt"
    english.write_text("The Wonju (원주) cluster\n\nThe Wonju Medical Industry Techno Valley (원주의료기기테크노밸리) "
                       "grew to 75 companies by 2008, the OECD review of Gangwon (강원) found.\n", encoding="utf-8")
    code, output = _add(root, english, "--publisher", "OECD", "--date", "2009")
    assert code == 1 and "holds Korean" in output  # its first line, read as the title, holds 원주
    code, output = _add(root, english, "--publisher", "OECD", "--date", "2009", "--title-en", "The Wonju cluster")
    assert code == 0, output
    entry = (root / "seeds/sources.yaml").read_text(encoding="utf-8").split("id: wonju-cluster-2009")[1]
    assert 'title_en: "The Wonju cluster"' in entry and 'language: "en"' in entry


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    fake = tmp_path / "report.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    code, output = _add(root, fake, "--title-en", "x", "--publisher", "p", "--date", "2024")
    assert code == 1 and "not a PDF" in output
    code, output = _add(root, tmp_path / "slides.pptx", "--title-en", "x")
    assert code == 1 and "cannot import a '.pptx' file" in output


@pytest.mark.parametrize("extracted, cleaned", [
    ("11)) 경경북북도도와와포포항항시시", "1) 경북도와포항시"),
    ("·이이 용용 균균", "·이 용 균"),
    ("둘둘째째, 클러스터의구성주체간의", "둘째, 클러스터의구성주체간의"),
    ("첨첨단단의의료료복복합합단단지지 병병원원중중심심", "첨단의료복합단지 병원중심"),
    ("시시각각 변하는 1100만 달러", "시시각각 변하는 1100만 달러"),  # a word and a number stay whole
])
def test_bold_korean_drawn_twice_is_halved(extracted: str, cleaned: str) -> None:
    assert clean_text(extracted) == cleaned + "\n"


def test_generic_titles_and_page_furniture_are_not_titles(tmp_path: Path) -> None:
    import docx

    root = copy_project(tmp_path)
    document = docx.Document()
    document.core_properties.title = "Word Document"  # what a template leaves in the core properties
    for line in ("대통령기록관 홈페이지로 이동합니다", "본문 바로가기", "원주 의료기기 수출 동향", SENTENCE):
        document.add_paragraph(line)
    path = tmp_path / "2017.docx"
    document.save(path)
    code, output = _add(root, path, "--title", "Microsoft Word - 2017.docx", "--title-en", "Wonju device exports",
                        "--publisher", "KADO", "--date", "2017-06")
    assert code == 1 and "cannot name a source" in output and "--title" in output
    code, output = _add(root, path, "--title-en", "Untitled", "--publisher", "KADO", "--date", "2017-06")
    assert code == 1 and "cannot name a source" in output
    assert not (root / "seeds/sources/2017.txt").exists()
    code, output = _add(root, path, "--title-en", "Wonju device exports", "--publisher", "KADO", "--date", "2017-06")
    assert code == 0, output
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert 'title: "원주 의료기기 수출 동향"' in manifest  # the first line that can be a title
    assert "own title 'Word Document' left out" in manifest
    assert "  - id: wonju-device-exports-2017\n" in manifest  # from the title and year, not the file's 2017


def test_a_korean_publisher_needs_its_english_name(tmp_path: Path) -> None:
    from wreport.curation.importing import add_source
    from wreport.inputs.project import load_project

    root = copy_project(tmp_path)
    manifest = root / "seeds/sources.yaml"
    before = manifest.read_text(encoding="utf-8")
    path = tmp_path / "대구 클러스터.txt"
    path.write_text(f"대구 의료 클러스터 보고서\n{SENTENCE}\n", encoding="utf-8")
    code, output = _add(root, path, "--title-en", "Daegu cluster report", "--publisher", "대구시", "--date", "2024")
    assert code == 1 and "(publisher_en)" in output and "--publisher-en" in output
    assert manifest.read_text(encoding="utf-8") == before
    code, output = _add(root, path, "--title-en", "Daegu cluster report", "--publisher", "대구시",
                        "--publisher-en", "대구광역시", "--date", "2024")
    assert code == 1 and "holds Korean" in output
    asked: list[str] = []

    def ask(name: str, prompt: str) -> str:  # what the terminal user types
        asked.append(name)
        return {"title_en": "Daegu cluster report", "publisher_en": "Daegu Metropolitan City"}[name]

    added = add_source(load_project(root), path, publisher="대구시", date="2024", ask=ask)
    assert asked == ["title_en", "publisher_en"] and added.id == "daegu-cluster-report-2024"
    assert 'publisher_en: "Daegu Metropolitan City"' in manifest.read_text(encoding="utf-8")


def test_an_id_is_never_a_bare_number(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = tmp_path / "2017.txt"
    path.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, path, "--id", "2017", "--title-en", "Wonju exports", "--publisher", "KADO",
                        "--date", "2017")
    assert code == 1 and "invalid source id '2017'" in output and "digits only" in output
    code, output = _add(root, path, "--title-en", "2017", "--publisher", "KADO", "--date", "2017-06")
    assert code == 1  # a title of digits says nothing either
    code, output = _add(root, path, "--title-en", "2017 보고서 report", "--publisher", "KADO", "--date", "2017-06")
    assert code == 1 and "holds Korean" in output
    code, output = _add(root, path, "--title-en", "Report 2017", "--publisher", "KADO", "--date", "2017-06")
    assert code == 0 and "added source 'report-2017'" in output


SOURCES = Path(__file__).resolve().parents[2] / "seeds" / "sources"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sources as PDFs LibreOffice makes of them (its own profile, so runs cannot clash)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("pdfs")
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, sorted(SOURCES.glob("*.txt")))],
                   capture_output=True, timeout=240, check=True)
    return folder


def _figures(text: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """Each figure as the candidates list it, in reading order (spacing aside)."""
    return [(_squash(m.text), f"{m.value:f}", m.unit, m.approx, m.counter) for m in find_mentions("s", text)]


@pytest.mark.parametrize("name", sorted(p.name for p in SOURCES.glob("*.txt")))
def test_a_pdf_gives_the_candidates_of_its_text(libreoffice_pdfs: Path, name: str) -> None:
    """LibreOffice's PDF spaces digits from Hangul (286 억원) and wraps lines inside figures
    (3000|만달러); imported, it gives the same figures as the text itself."""
    pdf = libreoffice_pdfs / name.replace(".txt", ".pdf")
    assert pdf.is_file()
    from_pdf = extract(pdf).text
    assert re.search(r"\d [억만]", from_pdf), "the PDF's text no longer has the spaces this test is about"
    assert _figures(from_pdf) == _figures(extract(SOURCES / name).text)


def test_a_pdfs_spaced_area_is_drafted_whole(libreoffice_pdfs: Path, tmp_path: Path) -> None:
    """'3 만 3000㎡' in the Financial News PDF is 33,000 m², not 3,000."""
    root = copy_project(tmp_path)
    pdf = libreoffice_pdfs / "000_ae5f8235035a93f8.pdf"
    code, output = _add(root, pdf, "--id", "fnnews-pdf", "--title", "원주 의료기기 클러스터", "--title-en",
                        "The Wonju cluster", "--publisher", "파이낸셜뉴스", "--publisher-en",
                        "The Financial News", "--date", "2007-12-10")
    assert code == 0, output
    areas = [(r["text"], r["value"], r["unit"]) for r in _candidates(root, "fnnews-pdf") if r["unit"] == "m2"]
    assert areas == [("3 만 3000㎡", "33000", "m2"), ("33 만 200㎡", "330200", "m2"), ("42 만 9000㎡", "429000", "m2")]


def test_an_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    document = tmp_path / "note.txt"
    document.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, document, "--id", "probe\n", "--title-en", "Note", "--publisher", "P", "--date", "2024")
    assert code == 1 and "invalid source id 'probe\\n'" in output, output
    assert not list((root / "seeds" / "sources").glob("probe*"))


def test_the_stated_date_pattern_does_not_backtrack(tmp_path: Path) -> None:
    # 60 KB of "입력" and spaces took 55 s to import (issue 23): the spaces around the colon could
    # be split every way. The date after a long run of spaces is still found.
    document = tmp_path / "stated.txt"
    document.write_text(SENTENCE + "\n" + ("입력" + " " * 3_000) * 20 + "： 2024.3.5\n", encoding="utf-8")
    assert extract(document).date == "2024-03-05"


@pytest.mark.parametrize("reshape", ["indented", "flow"])
def test_a_manifest_that_would_not_load_is_named_at_its_line_never_its_temporary_copy(tmp_path: Path,
                                                                                     reshape: str) -> None:
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    manifest = root / "seeds/sources.yaml"
    text = manifest.read_text(encoding="utf-8")
    if reshape == "indented":  # a hand-kept manifest indenting its entries by four spaces, which loads
        text = "\n".join(("  " + line) if line.startswith("  ") else line for line in text.splitlines()) + "\n"
    else:  # the same list written in flow style (JSON)
        text = f"sources: {json.dumps(yaml.safe_load(text)['sources'], ensure_ascii=False)}\n"
    manifest.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (root / "seeds").rglob("*"))
    entry_line = len(text.rstrip("\n").splitlines()) + 2  # after one blank line
    document = tmp_path / "note.txt"
    document.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, document, "--id", "note-2024", "--title-en", "A note", "--publisher", "P", "--date", "2024")
    assert code == 1
    assert f"error: seeds/sources.yaml:{entry_line}: with the new entry added at line {entry_line}, " \
           "seeds/sources.yaml would not load: invalid YAML" in output, output
    assert ".tmp" not in output and "nothing was changed" in output
    assert manifest.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (root / "seeds").rglob("*")) == before


def test_a_bad_date_names_the_imported_document(tmp_path: Path) -> None:
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    document = tmp_path / "note.txt"
    document.write_text(f"작성일 2020-13-45\n{SENTENCE}\n", encoding="utf-8")
    options = ["--id", "note-2020", "--title", "메모", "--title-en", "A note", "--publisher", "P"]
    code, output = _add(root, document, *options)
    assert code == 1
    assert f"{document}: its date '2020-13-45', stated in text (작성일 2020-13-45), is not a date" in output, output
    code, output = _add(root, document, *options, "--date", "2024-02-30")
    assert code == 1 and f"{document}: --date '2024-02-30' is not a date" in output, output
    assert sorted(p.name for p in (root / "seeds/sources").iterdir()) == ["etnews.txt", "fnnews.txt"]


@pytest.mark.parametrize("name, shown", [("esc\x1b[31m.txt", "esc\\\\u001b[31m.txt"),
                                         ("rtl\u202etxt.pdf.txt", "rtl\\\\u202etxt.pdf.txt"),
                                         (os.fsdecode(b"bad\xff.txt"), "bad\\\\udcff.txt")])
def test_a_document_name_the_manifest_cannot_hold_is_written_as_its_codes(tmp_path: Path, name: str,
                                                                          shown: str) -> None:
    """The note names the document; an escape sequence, a bidi override or a byte that is not
    UTF-8 in that name made the new sources.yaml one the loader refuses, so the import failed."""
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    document = tmp_path / name
    document.write_text(SENTENCE + "\n", encoding="utf-8")
    code, output = _add(root, document, "--id", "odd-name-2020", "--title", "메모", "--title-en", "A note",
                        "--publisher", "P", "--date", "2020")
    assert code == 0, output
    manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert f'note: "Imported by `wreport sources add` from {shown} (text);' in manifest
    assert "\x1b" not in output and "\u202e" not in output
