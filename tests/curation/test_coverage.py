"""Coverage: which fact quotes each mention, the set-aside file, and the CLI and check around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from real_project import copy_project, load
from typer.testing import CliRunner

from wreport.cli import app
from wreport.curation.coverage import coverage
from wreport.errors import WreportError
from wreport.qa.checks import run_checks

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--project", str(ROOT), *args])
    return result.exit_code, result.output


def test_this_project_has_nothing_open() -> None:
    code, output = _run("facts", "coverage")
    assert code == 0, output
    assert output.rstrip().endswith(" 0 open")
    assert "open, line" not in output


def test_candidates_json_names_the_covering_fact() -> None:
    code, output = _run("facts", "candidates", "etnews-2006-03-wonju", "--format", "json")
    assert code == 0, output
    records = json.loads(output)
    assert {r["source"] for r in records} == {"etnews-2006-03-wonju"}
    by_text = {r["text"]: r for r in records}
    assert by_text["21억7000만원"]["value"] == "2170000000" and by_text["21억7000만원"]["unit"] == "KRW"
    assert by_text["21억7000만원"]["covered_by"] == "wonju_minicluster_firm_support_year1"
    assert by_text["249건"]["covered_by"] == "wonju_minicluster_projects_year1"
    assert by_text["1시간을 조금 넘게"]["covered_by"] == "seoul_wonju_drive_hours_2006"
    assert by_text["5분 거리 내"]["covered_by"] == "wonju_sites_ic_minutes_2006"


def test_a_repeat_is_covered_only_where_the_quote_is(tmp_path: Path) -> None:
    """The Kado headline '4억3500만달러' is set aside; the body's figure is the fact's."""
    project, facts, _ = load(ROOT)
    statuses = [s for s in coverage(project, facts, ["kado-2017-technovalley"]) if s.mention.value == 435_000_000]
    assert [(s.mention.line, s.covered_by, s.set_aside.reason if s.set_aside else None) for s in statuses] == [
        (2, None, "repeat"), (13, "wonju_exports_2016", None)]


def test_an_uncovered_figure_is_open_everywhere(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    source = root / "seeds" / "sources" / "001_4b4705ae55b1dff4.txt"
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\n 올해는 입주기업이 12곳 늘었다.\n", encoding="utf-8")
    added_line = original.count("\n") + 2
    result = CliRunner().invoke(app, ["--project", str(root), "facts", "coverage"])
    assert result.exit_code == 1
    assert "etnews-2006-03-wonju: 20 mentions, 17 covered, 2 set aside, 1 open" in result.output
    assert "12곳" in result.output
    project, _, _ = load(root)
    found = [f for f in run_checks(project) if f.check == "UncoveredFigure"]
    assert [(f.severity, f.location.file, f.location.line) for f in found] == [
        ("warning", "seeds/sources/001_4b4705ae55b1dff4.txt", added_line)]
    drafts = CliRunner().invoke(app, ["--project", str(root), "facts", "candidates", "--format", "yaml"])
    entry = yaml.safe_load(drafts.output)["facts"][0]
    assert (entry["value"], entry["unit"], entry["source"]) == ("12", "count", "etnews-2006-03-wonju")
    assert "12곳 늘었다" in entry["quote"]
    # finished and pasted into facts.yaml, the draft loads and closes the figure
    entry.update(counted="companies", status="actual", label={"ko": "입주기업 증가 수", "en": "new tenant firms"},
                 quote="입주기업이 12곳 늘었다", id="wonju_new_tenants_2006")
    del entry["period"]
    entry["as_of"] = "2006-03"
    facts_file = root / "seeds" / "facts.yaml"
    pasted = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False).replace("\n", "\n  ")
    facts_file.write_text(facts_file.read_text(encoding="utf-8").replace("\nconflicts:", f"\n  {pasted}\nconflicts:", 1),
                          encoding="utf-8")
    result = CliRunner().invoke(app, ["--project", str(root), "facts", "coverage"])
    assert result.exit_code == 0, result.output


def test_a_stale_or_bad_set_aside_entry_is_reported(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = root / "seeds" / "set-aside.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - source: kha-2006-medicluster\n    text: \"999개\"\n"
                    "    reason: repeat\n  - source: kha-2006-medicluster\n    text: \"48\"\n    reason: boring\n",
                    encoding="utf-8")
    project, facts, _ = load(root)
    with pytest.raises(WreportError) as caught:
        coverage(project, facts)
    assert "unknown reason 'boring'" in str(caught.value) and "set-aside.yaml:" in str(caught.value)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")
    with pytest.raises(WreportError, match="'999개' .* matches no open mention"):
        coverage(project, facts)


def test_candidates_text_and_yaml_on_this_project() -> None:
    code, output = _run("facts", "candidates", "kha-2006-medicluster")
    assert code == 0, output
    assert output.startswith("kha-2006-medicluster: 34 mentions\n")
    assert "  line 100: 3150평 = 3150 pyeong -- covered by wonju_taejang_complex_area_pyeong_1999\n" in output
    assert "  line 45: 48 = 48 ? -- set aside: navigation\n" in output
    code, output = _run("facts", "candidates", "--format", "yaml")
    assert code == 0 and yaml.safe_load(output) == {"facts": []}  # nothing left to draft
    code, output = _run("facts", "candidates", "--format", "xml")
    assert code != 0


def test_a_quote_covers_only_the_figure_its_fact_stores() -> None:
    """The issue's example: wonju_exports_2016 quotes the whole sentence '국내생산 6098억원 수출 4억
    3500만 달러(약 한화 4923억원)', but stores 4억 3500만 달러. Without the production fact, 6098억원
    is open, not 'covered by wonju_exports_2016'."""
    import dataclasses

    project, facts, _ = load(ROOT)
    kept = {k: f for k, f in facts.facts.items() if k != "wonju_production_2016"}
    without = dataclasses.replace(facts, facts=kept)
    by_text = {s.mention.text: s for s in coverage(project, without, ["kado-2017-technovalley"])
               if s.mention.line == 13}
    assert by_text["6098억원"].is_open
    assert by_text["4억 3500만 달러"].covered_by == "wonju_exports_2016"
    assert by_text["약 한화 4923억원"].covered_by == "wonju_exports_krw_2016"
    with_it = {s.mention.text: s.covered_by for s in coverage(project, facts, ["kado-2017-technovalley"])
               if s.mention.line == 13}
    assert with_it["6098억원"] == "wonju_production_2016"


def test_a_long_source_is_matched_by_search_not_figure_by_figure(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """3,000 figures added to a source, each set aside by one entry with a context: the context is
    found in the source once (it was searched for again at every figure), and each fact's quote
    is matched to the figures it spans without trying every figure against every quote."""
    from wreport.curation import coverage as coverage_module
    from wreport.curation.mentions import mentions_of
    from wreport.curation.values import quoted_figures
    from wreport.inputs.text import spaceless

    root = copy_project(tmp_path)
    source = root / "seeds" / "sources" / "001_4b4705ae55b1dff4.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n부록: " + "매출 100억원, " * 3000 + "끝.\n",
                      encoding="utf-8")
    set_aside = root / "seeds" / "set-aside.yaml"
    set_aside.write_text(set_aside.read_text(encoding="utf-8") + "  - source: etnews-2006-03-wonju\n"
                         "    text: \"100억원\"\n    context: \"매출 100억원\"\n    reason: not-a-figure\n",
                         encoding="utf-8")
    project, facts, _ = load(root)
    searched: list[str] = []
    real_occurrences = coverage_module.occurrences
    monkeypatch.setattr(coverage_module, "occurrences",
                        lambda needle, text: searched.append(needle) or real_occurrences(needle, text))
    statuses = coverage(project, facts, ["etnews-2006-03-wonju"])
    annex = [s for s in statuses if s.mention.text == "100억원"]
    assert len(annex) == 3000 and all(s.set_aside is not None and s.set_aside.reason == "not-a-figure" for s in annex)
    contexts = [line for line in set_aside.read_text(encoding="utf-8").splitlines() if "context:" in line]
    assert searched.count("매출 100억원") == 1 and len(searched) <= len(contexts)

    looked: list[int] = []

    class Counted(tuple):  # type: ignore[type-arg]
        """The source's mentions, counting each one quoted_figures looks at."""

        def __iter__(self):  # type: ignore[no-untyped-def]
            for item in super().__iter__():
                looked.append(1)
                yield item

        def __getitem__(self, index):  # type: ignore[no-untyped-def]
            looked.append(1)
            return super().__getitem__(index)

    text = facts.sources["etnews-2006-03-wonju"].text
    mentions = Counted(mentions_of("etnews-2006-03-wonju", text))
    quoting = list(quoted_figures(facts, "etnews-2006-03-wonju", mentions, spaceless(text)))
    assert len(quoting) >= 10  # facts quoting this source, each looked up
    assert len(looked) <= len(mentions) + 4 * sum(len(figures) + 1 for _, figures in quoting)
