"""`wreport review --format json` read as a CI script would read it: the file, then json.load.

Expected values are the fixture's (tests/fixtures/mini): the third item of "Exports and sites"
(segment s1-2-li3) prints the Donghwa complex's area and Wonju City's funding, both from the
Electronic Times article; the house style writes about 330,600 m² (100,000 pyeong) and 60억 원 / KRW 6 billion.
"""

from __future__ import annotations

import json

import docx
import lxml.html
from mini_project import copy_mini
from typer.testing import CliRunner

from wreport.cli import app
from wreport.errors import WreportError


def wreport(*args: str, cwd) -> "Result":
    """The command run in this process (a subprocess per call would take most of the test's time)."""
    result = CliRunner().invoke(app, ["--project", str(cwd), *args])
    if isinstance(result.exception, WreportError):  # main() prints these as `error: ...` and exits 1
        return Result(1, result.stdout, f"error: {result.exception}")
    return Result(result.exit_code, result.stdout, result.stderr)


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _segments(root, *args: str) -> dict[str, dict]:
    result = wreport("review", "-a", "brief", "--format", "json", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    data = json.loads((root / "out" / "brief" / "brief.review.json").read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["audience"]) == ("wreport-review", 1, "brief")
    return {segment["id"]: segment for segment in data["segments"]}


def test_json_review_gives_each_segment_its_text_facts_sources_and_sign_off(tmp_path):
    root = copy_mini(tmp_path)
    segments = _segments(root)
    assert not (root / "out" / "brief" / "brief.review.html").exists()  # only the format asked for
    item = segments["s1-2-li3"]
    assert (item["section"], item["kind"]) == ("1.2", "item")
    assert item["en"].startswith("The area of the Donghwa medical-device complex: about 330,600 m² (100,000 pyeong)")
    assert "6억" not in item["ko"] and "60억 원" in item["ko"]
    funding = next(f for f in item["facts"] if f["id"] == "donghwa_funding")
    assert (funding["ko"], funding["en"], funding["source"]) == ("60억 원", "KRW 6 billion", "etnews-2006")
    assert funding["quote"] == "전용단지 조성에 60억원을 지원했다"
    assert "60억원을 지원했다" in funding["quote_sentence"]
    assert item["template"]["en"] == "templates/brief/en.md.j2:19"
    assert item["signoff"] == {"state": "unapproved", "by": None, "date": None}
    assert [t["en"] for t in item["terms"]] == ["Wonju City"]
    assert segments["s1-h1"]["kind"] == "heading" and segments["s1-h1"]["en"] == "Overview"
    assert item["claims"] == [] and item["own_analysis"] is False
    quoted = next(s for s in segments.values() if s["en"] and s["en"].startswith("The mini-clusters are run by"))
    assert quoted["own_analysis"] is True  # marked own() in the template


def test_json_review_carries_differences_and_filters_on_sign_off_state(tmp_path):
    root = copy_mini(tmp_path)
    en = root / "templates" / "brief" / "en.md.j2"
    en.write_text(en.read_text(encoding="utf-8").replace(
        "- Exports of each leading firm:", "- Exports of each leading firm reached about"), encoding="utf-8")
    assert wreport("review", "approve", "-a", "brief", "--by", "Lee", "--segment", "s1-h1", cwd=root).returncode == 0
    segments = _segments(root)
    exports = segments["s1-2-li2"]
    assert [d["check"] for d in exports["differences"]] == ["ApproxMismatch"] and exports["warning"] is True
    assert segments["s1-h1"]["signoff"]["state"] == "approved" and segments["s1-h1"]["signoff"]["by"] == "Lee"
    assert list(_segments(root, "--status", "approved")) == ["s1-h1"]
    assert "s1-h1" not in _segments(root, "--status", "unapproved")


def test_review_page_and_docx_show_each_segments_state(tmp_path):
    root = copy_mini(tmp_path)
    assert wreport("review", "approve", "-a", "brief", "--by", "Lee", "--all", cwd=root).returncode == 0
    en = root / "templates" / "brief" / "en.md.j2"
    en.write_text(en.read_text(encoding="utf-8").replace("# Overview", "# At a glance"), encoding="utf-8")
    assert wreport("review", "-a", "brief", cwd=root).returncode == 0
    page = lxml.html.fromstring((root / "out" / "brief" / "brief.review.html").read_bytes())
    states = {row.get("data-segment"): row.get("data-signoff") for row in page.xpath("//tr[@data-segment]")}
    assert states["s1-h1"] == "changed" and set(states.values()) == {"approved", "changed"}
    assert "changed since approval (Lee, " in page.xpath("string(//tr[@data-segment='s1-h1']/td[1])")
    table = docx.Document(str(root / "out" / "brief" / "brief.review.docx")).tables[0]
    first = next(row for row in table.rows if "s1-h1" in row.cells[0].text)
    assert "changed since approval (Lee, " in first.cells[0].text


def test_review_refuses_an_unknown_format_or_state(tmp_path):
    root = copy_mini(tmp_path)
    for args, word in ((("--format", "pdf"), "format 'pdf'"), (("--status", "done"), "--status 'done'")):
        result = wreport("review", *args, cwd=root)
        assert result.returncode == 1 and word in result.stderr
    assert not (root / "out").exists()


def test_review_never_writes_into_an_input_folder(tmp_path):
    root = copy_mini(tmp_path)
    assert wreport("review", "approve", "-a", "brief", "--by", "Lee", "--all", cwd=root).returncode == 0
    record = (root / "signoff" / "brief.yaml").read_bytes()
    for folder in ("signoff", "templates", "seeds/sources"):
        result = wreport("review", "--format", "json", "--out", str(root / folder), cwd=root)
        assert result.returncode == 1 and "outputs never overwrite inputs" in result.stderr, folder
    assert sorted(p.name for p in (root / "signoff").iterdir()) == ["brief.yaml"]
    assert (root / "signoff" / "brief.yaml").read_bytes() == record


def test_json_review_gives_each_claim_with_its_quote(tmp_path):
    root = copy_mini(tmp_path)
    for lang in ("ko", "en"):
        path = root / "templates" / "brief" / f"{lang}.md.j2"
        text = path.read_text(encoding="utf-8")
        line = next(row for row in text.splitlines() if row.startswith("- ") and "export_share" in row)
        path.write_text(text.replace(line, line + '{{ claim("city_built_techno_valley") }}'), encoding="utf-8")
    claims = _segments(root)["s1-2-li1"]["claims"]
    assert [(c["id"], c["source"], c["status"]) for c in claims] == [("city_built_techno_valley", "etnews-2006", "done")]
    assert claims[0]["quote"] == "원주시는 의료기기 테크노밸리와 의료기기산업기술단지를 세웠다"
    assert claims[0]["en"] == "Wonju City built the medical device Techno Valley and the industrial technology complex."
    assert claims[0]["quote_found"] is True and claims[0]["quote"] in claims[0]["quote_sentence"]
