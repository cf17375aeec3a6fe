"""Issue 21's "done when": a new project started with `wreport init`, fed a Korean PDF (made by
LibreOffice), a DOCX (python-docx) and an EUC-KR HTML page, reaches `check --strict` clean
with no YAML file edited by hand but facts.yaml (the one fact the brief needs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from wreport.cli import app

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BODY = ["대구 의료기기 업체들은 지난해 286억원어치를 수출했다.", "산업단지 입주기업은 120개로 늘었고 종사자는 3400명이다.",
        "시는 2026년까지 부지 3만 3000㎡를 더 조성할 계획이다."]
FACT = """
  - id: daegu_device_exports_2023
    value: "28600000000"
    unit: KRW
    as_of: "2023"
    approx: none
    status: actual
    label: {ko: 대구 의료기기 수출액, en: Daegu medical-device exports}
    source: daegu-medical-device-industry-trends-2024
    quote: "지난해 286억원어치를 수출했다"
"""


def _run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--project", str(root), *args])
    assert result.exit_code == 0, f"{args}: {result.output} {result.exception!r}"
    return result.output


def _docx(path: Path, core_title: str, lines: list[str]) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = core_title
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def _pdf(tmp_path: Path) -> Path:
    """A PDF as LibreOffice writes one (from a DOCX it made from these lines)."""
    source = _docx(tmp_path / "2017.docx", "Microsoft Word - 2017.docx", ["경북 의료기기 클러스터 현황", *BODY])
    subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(source)], capture_output=True,
                   timeout=240, check=False)
    pdf = tmp_path / "pdf" / "2017.pdf"
    assert pdf.is_file(), "LibreOffice made no PDF"
    return pdf


def _html(path: Path) -> Path:
    paragraphs = "".join(f"<p>{line} 이 문단은 기사 본문의 {n}번째 문단이다.</p>" for n, line in enumerate(BODY * 2))
    path.write_bytes(f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
        <title>대통령기록관 홈페이지로 이동합니다</title><meta property="og:site_name" content="강원도민일보"></head>
        <body><a href="/">대통령기록관 홈페이지로 이동합니다</a><article><h1>원주 의료기기 테크노밸리 성과</h1>
        {paragraphs}</article></body></html>""".encode("euc-kr"))
    return path


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_a_new_topic_reaches_a_strict_check_without_hand_editing(tmp_path: Path) -> None:
    root = tmp_path / "daegu"
    _run(tmp_path, "init", str(root), "--name", "Daegu medical cluster")
    docx_file = _docx(tmp_path / "동향.docx", "Word Document", ["대구 의료기기 산업 동향", "작성일 2024-03-15", *BODY])
    _run(root, "sources", "add", str(docx_file), "--title-en", "Daegu medical-device industry trends",
         "--publisher", "대구시", "--publisher-en", "Daegu Metropolitan City")
    _run(root, "sources", "add", str(_pdf(tmp_path)), "--title-en", "Gyeongbuk cluster status", "--publisher",
         "경상북도", "--publisher-en", "Gyeongsangbuk-do", "--date", "2017-06")
    _run(root, "sources", "add", str(_html(tmp_path / "news.htm")), "--title-en", "Wonju techno valley results",
         "--publisher-en", "Kangwon Domin Ilbo", "--date", "2017")
    listed = _run(root, "sources", "list")
    for source_id in ("daegu-medical-device-industry-trends-2024", "gyeongbuk-cluster-status-2017",
                      "wonju-techno-valley-results-2017", "project-note"):
        assert source_id in listed  # ids from the English titles, not the file's 2017
    entries = {e["id"]: e for e in yaml.safe_load((root / "seeds/sources.yaml").read_text(encoding="utf-8"))["sources"]}
    titles = {source_id: entry["title"] for source_id, entry in entries.items()}
    assert titles["daegu-medical-device-industry-trends-2024"] == "대구 의료기기 산업 동향"  # not 'Word Document'
    assert titles["gyeongbuk-cluster-status-2017"] == "경북 의료기기 클러스터 현황"  # not 'Microsoft Word - …'
    assert titles["wonju-techno-valley-results-2017"] == "원주 의료기기 테크노밸리 성과"  # not the page furniture
    facts = root / "seeds/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + FACT, encoding="utf-8")  # the one hand edit: a fact
    for source_id in ("daegu-medical-device-industry-trends-2024", "gyeongbuk-cluster-status-2017",
                      "wonju-techno-valley-results-2017"):
        assert "set aside" in _run(root, "facts", "set-aside", source_id, "--reason", "unused")
    assert _run(root, "check", "--strict") == "no problems found\n"
