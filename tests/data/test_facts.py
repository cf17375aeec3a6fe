"""Tests for facts.py: the real fact set, the loader's checks on bad input, and the facts CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wreport.cli import app
from wreport.data.facts import EXPORT_FIELDS, Derived, load_facts
from wreport.data.glossary import load_glossary
from wreport.errors import DataError, ProblemsError, WreportError
from wreport.inputs.project import load_project

ROOT = Path(__file__).resolve().parents[2]
SOURCE_TEXT = "원주 의료기기산업은 국내생산 6098억원 수출 4억 3500만 달러를 기록했다.\n입주기업 75개, 회원 380여명.\n"
SOURCES_YAML = """\
sources:
  - id: test-source
    title: 시험 자료
    title_en: Test source
    publisher: 시험신문
    date: "2017"
    date_basis: inferred for the test
    language: ko
    file: a.txt
"""
GOOD_FACT = """\
  - id: exports
    value: "435_000_000"
    unit: USD
    period: "2016"
    approx: none
    status: actual
    label: {ko: 수출액, en: exports}
    source: test-source
    quote: "수출 4억 3500만 달러를"
"""


def make_project(tmp_path: Path, facts: str, sources: str = SOURCES_YAML, text: str | None = SOURCE_TEXT):
    """A minimal project folder with its own wreport.toml, sources, one source text and facts."""
    (tmp_path / "wreport.toml").write_text('[project]\nname = "test"\n', encoding="utf-8")
    seeds = tmp_path / "seeds"
    (seeds / "sources").mkdir(parents=True)
    (seeds / "sources.yaml").write_text(sources, encoding="utf-8")
    (seeds / "facts.yaml").write_text(facts, encoding="utf-8")
    if text is not None:
        (seeds / "sources" / "a.txt").write_text(text, encoding="utf-8")
    return load_project(tmp_path)


def problems_of(project, glossary=None) -> list[str]:
    """Every problem the loader reports, as the CLI would print each (file:line: message (hint))."""
    with pytest.raises(WreportError) as caught:
        load_facts(project, glossary)
    error = caught.value
    return [str(p) for p in error.problems] if isinstance(error, ProblemsError) else [str(error)]


@pytest.fixture(scope="module")
def real():
    project = load_project(ROOT)
    glossary = load_glossary(project.glossary_file)
    return load_facts(project, glossary), glossary


# ---------------------------------------------------------------- the real fact set
def test_real_fact_set_loads_with_every_quote_verified(real):
    fact_set, _ = real
    assert len(fact_set) > 50
    assert len(fact_set.sources) == 5
    quoted = [f for f in fact_set if f.quote]
    assert len(quoted) > 50
    # load_facts has found each quote; check a few independently of its normalisation code
    for fact in quoted:
        squeezed = "".join(fact_set.sources[fact.source].text.split())
        assert "".join(fact.quote.split()) in squeezed, fact.id


def test_real_fact_set_cites_every_source_file(real):
    fact_set, _ = real
    files = {p.name for p in (ROOT / "seeds" / "sources").glob("*.txt")}
    assert {s.file.name for s in fact_set.sources.values()} == files
    assert {f.source for f in fact_set if f.source} == set(fact_set.sources)


def test_real_facts_render_in_house_style(real):
    fact_set, glossary = real
    exports = fact_set.get("wonju_exports_2016")
    assert exports.formatted("ko", glossary) == "4억 3,500만 달러"
    assert exports.formatted("en", glossary) == "USD 435 million"
    members = fact_set.get("wonju_minicluster_members_2007")
    assert members.formatted("ko", glossary) == "380여 명"
    assert members.formatted("en", glossary) == "more than 380 members"
    miniclusters = fact_set.get("innovation_cluster_miniclusters_2007")
    assert (miniclusters.formatted("ko", glossary), miniclusters.formatted("en", glossary)) == ("36개", "36 mini-clusters")


MINI_CLUSTER_COUNTS = ("wonju_minicluster_fields_2007", "wonju_miniclusters_year1", "wonju_server_miniclusters_year1",
                       "wonju_miniclusters_year2_plan", "innovation_cluster_miniclusters_2007",
                       "innovation_cluster_miniclusters_per_complex_min_2007",
                       "innovation_cluster_miniclusters_per_complex_max_2007", "wonju_miniclusters_2007_10")


def test_real_counts_of_mini_clusters_are_not_counted_as_clusters(real):
    fact_set, _ = real
    assert {fact.counted for fact in fact_set if fact.id in MINI_CLUSTER_COUNTS} == {"mini_clusters"}
    assert [fact.id for fact in fact_set if fact.counted == "clusters"] == []


def test_real_derived_facts_and_conflicts(real):
    fact_set, _ = real
    budget = fact_set.get("innovation_cluster_budget_2005_2008")
    parts = [fact_set.get(i).value for i in budget.derived.inputs]
    assert budget.value == sum(parts) == Decimal("611400000000")
    assert budget.quote == "2008년까지 모두 6114억원의 자금을 투입한다는계획을발표하며"  # stated with its parts
    growth = fact_set.get("innovation_cluster_export_growth_2003_2008_headline")
    assert growth.source is None and [s.id for s in fact_set.provenance(growth.id)] == ["fnnews-2007-10-minicluster"]
    assert [c.id for c in fact_set.conflicts_of("innovation_cluster_exports_2008_forecast_headline")] == [
        "innovation_cluster_exports_2008_headline_vs_body"]
    assert fact_set.conflicts_of("wonju_exports_2016") == []


def test_unknown_id_suggests_the_nearest(real):
    fact_set, _ = real
    with pytest.raises(DataError, match="unknown fact 'wonju_export_2016'") as caught:
        fact_set.get("wonju_export_2016")
    assert "wonju_exports_2016" in caught.value.hint


# ---------------------------------------------------------------- bad input
def test_a_good_minimal_project_loads(tmp_path):
    fact_set = load_facts(make_project(tmp_path, "facts:\n" + GOOD_FACT))
    fact = fact_set.get("exports")
    assert fact.value == Decimal("435000000") and fact.period == (2016, 2016)
    assert fact.formatted("en") == "USD 435 million"


def test_unquoted_decimals_and_dates_stay_exact(tmp_path):
    facts = "facts:\n" + GOOD_FACT.replace('"435_000_000"', "10.9").replace("unit: USD", "unit: percent")
    facts = facts.replace('period: "2016"', "as_of: 2017-03-01")
    fact = load_facts(make_project(tmp_path, facts)).get("exports")
    assert fact.value == Decimal("10.9") and str(fact.value) == "10.9"
    assert fact.as_of.precision == "day" and fact.when == "2017-03-01"


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    facts = "facts:\n" + GOOD_FACT + "  - id: broken\n    label: {ko: x, en: [y\n    unit: KRW\n"
    [problem] = problems_of(make_project(tmp_path, facts))
    assert problem.startswith("seeds/facts.yaml:13: invalid YAML: expected ',' or ']', but got ':'")
    assert "(while parsing a flow sequence started on line 12)" in problem


def test_unknown_unit_names_the_line_and_the_choices(tmp_path):
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + GOOD_FACT.replace("unit: USD", "unit: dollars")))
    assert problem.startswith("seeds/facts.yaml:4: fact 'exports': unknown unit 'dollars'")
    assert "KRW, USD, m2, pyeong, percent, count" in problem


def test_quote_not_found_names_fact_and_source_file(tmp_path):
    facts = "facts:\n" + GOOD_FACT.replace("수출 4억 3500만 달러를", "수출 4억 3600만 달러를")
    [problem] = problems_of(make_project(tmp_path, facts))
    assert problem.startswith("seeds/facts.yaml:2: fact 'exports': quote not found in source 'test-source' (a.txt)")


def test_quote_matching_ignores_whitespace_only(tmp_path):
    facts = "facts:\n" + GOOD_FACT.replace("수출 4억 3500만 달러를", "수출4억3500만\n  달러를")
    assert "exports" in load_facts(make_project(tmp_path, facts))


def test_duplicate_id(tmp_path):
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + GOOD_FACT + GOOD_FACT))
    assert problem.startswith("seeds/facts.yaml:11: duplicate fact id 'exports' (first at line 2)")


def test_unknown_source_suggests_the_nearest(tmp_path):
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + GOOD_FACT.replace("source: test-source", "source: test-sourc")))
    assert "fact 'exports': unknown source 'test-sourc'" in problem
    assert "did you mean 'test-source'" in problem


def test_missing_source_file(tmp_path):
    [problem] = problems_of(make_project(tmp_path, "facts: []\n", text=None))
    assert problem.startswith("seeds/sources.yaml:9: source 'test-source': source file 'a.txt' not found "
                              "or unreadable in seeds/sources/")


@pytest.mark.parametrize("value, expected", [
    ('"1e5"', "not an exact decimal"),
    ('"10,000"', "not an exact decimal"),
    ('"-3"', "negative"),
    ('"2.5"', "must be a whole number"),
])
def test_bad_count_values(tmp_path, value, expected):
    fact = GOOD_FACT.replace('"435_000_000"', value).replace("unit: USD", "unit: count\n    counted: companies")
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + fact))
    assert "seeds/facts.yaml:3: fact 'exports': value" in problem and expected in problem


def test_missing_field_and_unknown_field(tmp_path):
    facts = "facts:\n" + GOOD_FACT.replace("    status: actual\n", "    statsu: actual\n")
    problems = problems_of(make_project(tmp_path, facts))
    assert any("unknown field 'statsu'" in p and "did you mean 'status'" in p for p in problems)
    assert any(p.startswith("seeds/facts.yaml:2: fact 'exports': missing field 'status'") for p in problems)


def test_derived_total_that_does_not_match(tmp_path):
    text = "기업 121명, 대학 및 연구소 156명, 지원기관 25명 등 총 302명"
    parts = "".join(
        GOOD_FACT.replace("id: exports", f"id: {name}").replace('"435_000_000"', f'"{n}"')
        .replace("unit: USD", "unit: count\n    counted: members").replace("수출 4억 3500만 달러를", quote)
        for name, n, quote in (("firms", 121, "기업 121명"), ("academia", 156, "대학 및 연구소 156명"),
                               ("support", 25, "지원기관 25명"))
    )
    total = ("  - id: total\n    value: \"303\"\n    unit: count\n    counted: members\n    period: \"2016\"\n"
             "    approx: none\n    status: actual\n    label: {ko: 합계, en: total}\n"
             "    derived: {sum: [firms, academia, support]}\n")
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + parts + total, text=text))
    assert "fact 'total': declared value 303 does not match sum(firms, academia, support) = 302" in problem
    assert problem.startswith("seeds/facts.yaml:32:")


@pytest.mark.parametrize("derived, words", [
    ("{sum: [exports]}", "derived sum takes a list of two or more fact ids"),
    ("{difference: [exports]}", "derived difference takes a list of exactly two fact ids"),
    ("{ratio: [exports, exports, exports]}", "derived ratio takes a list of exactly two fact ids"),
])
def test_a_derivation_with_the_wrong_number_of_inputs_is_refused(tmp_path, derived, words):
    # A "sum" of one fact is that fact under a new name: it adds nothing a reader can check
    single = ("  - id: total\n    value: \"435_000_000\"\n    unit: USD\n    period: \"2016\"\n    approx: none\n"
              f"    status: actual\n    label: {{ko: 합계, en: total}}\n    derived: {derived}\n")
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + GOOD_FACT + single))
    assert problem.startswith("seeds/facts.yaml:18:") and words in problem, problem  # the derived line


def test_growth_is_compared_at_the_declared_precision(tmp_path):
    base = GOOD_FACT.replace("id: exports", "id: base").replace('"435_000_000"', '"67"')
    later = GOOD_FACT.replace("id: exports", "id: later").replace('"435_000_000"', '"139"')
    growth = ("  - id: growth\n    value: \"107.5\"\n    unit: percent\n    period: 2003-2008\n    approx: none\n"
              "    status: forecast\n    label: {ko: 증가율, en: growth}\n    derived: {growth: [base, later]}\n")
    project = make_project(tmp_path, "facts:\n" + base + later + growth)
    assert load_facts(project).get("growth").value == Decimal("107.5")  # 107.46... rounds to 107.5
    project.facts_file.write_text("facts:\n" + base + later + growth.replace("107.5", "107.4"), encoding="utf-8")
    [problem] = problems_of(project)
    assert "declared value 107.4 does not match growth(base, later) = 107.5" in problem


@pytest.mark.parametrize("op, values, expected", [
    ("sum", ["990", "2089", "1994", "1041"], "6114"),
    ("difference", ["1536", "286"], "1250"),
    ("ratio", ["1", "8"], "12.5"),
    ("growth", ["80", "100"], "25"),
])
def test_derived_operations(op, values, expected):
    assert Derived(op, ("a", "b")).compute([Decimal(v) for v in values]) == Decimal(expected)


def test_conflict_naming_an_unknown_fact(tmp_path):
    facts = "facts:\n" + GOOD_FACT + "conflicts:\n  - id: c\n    facts: [exports, imports]\n    note: test\n"
    [problem] = problems_of(make_project(tmp_path, facts))
    assert problem.startswith("seeds/facts.yaml:13: conflict 'c': unknown fact 'imports'")


def test_unknown_counted_noun_when_a_glossary_is_given(tmp_path):
    fact = GOOD_FACT.replace('"435_000_000"', '"75"').replace("unit: USD", "unit: count\n    counted: compnies")
    project = make_project(tmp_path, "facts:\n" + fact)
    assert "exports" in load_facts(project)  # without a glossary the noun is not checked
    [problem] = problems_of(project, load_glossary(ROOT / "glossary" / "terms.csv"))
    assert "fact 'exports': 'compnies' is not a counted noun in the glossary" in problem
    assert "companies" in problem


def test_several_problems_are_reported_together(tmp_path):
    second = GOOD_FACT.replace("id: exports", "id: other").replace("approx: none", "approx: roughly")
    facts = "facts:\n" + GOOD_FACT.replace("unit: USD", "unit: yen") + second.replace("source: test-source", "source: nope")
    with pytest.raises(ProblemsError) as caught:
        load_facts(make_project(tmp_path, facts))
    text = str(caught.value)
    assert text.startswith("3 problems in the fact set:")
    assert "seeds/facts.yaml:4: fact 'exports': unknown unit 'yen'" in text
    assert "seeds/facts.yaml:15: fact 'other': unknown approx 'roughly'" in text
    assert "seeds/facts.yaml:11: fact 'other': unknown source 'nope'" in text


def test_a_key_given_twice_is_reported(tmp_path):
    [problem] = problems_of(make_project(tmp_path, "facts:\n" + GOOD_FACT + "    unit: KRW\n"))
    assert problem.startswith("seeds/facts.yaml:11: key 'unit' given twice")


# ---------------------------------------------------------------- CLI
def test_cli_export_json_has_the_agreed_keys():
    result = CliRunner().invoke(app, ["--project", str(ROOT), "facts", "export", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) > 50
    assert set(EXPORT_FIELDS) <= set(records[0])
    exports = next(r for r in records if r["id"] == "wonju_exports_2016")
    assert exports["value"] == "435000000" and exports["label_ko"] == "원주 의료기기 수출액"
    total = next(r for r in records if r["id"] == "innovation_cluster_budget_2005_2008")
    assert total["derived"]["sum"][0] == "innovation_cluster_budget_2005"


def test_cli_export_csv():
    result = CliRunner().invoke(app, ["--project", str(ROOT), "facts", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == EXPORT_FIELDS
    assert any(r["id"] == "wonju_production_2016" and r["value"] == "609800000000" for r in rows)


def test_cli_show_and_list_and_conflicts():
    runner = CliRunner()
    shown = runner.invoke(app, ["--project", str(ROOT), "facts", "show", "wonju_exports_2016"])
    assert shown.exit_code == 0, shown.output
    assert "4억 3,500만 달러" in shown.stdout and "USD 435 million" in shown.stdout
    assert "원주의료기기테크노밸리 성과와 전망" in shown.stdout
    listed = runner.invoke(app, ["--project", str(ROOT), "facts", "list"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "wonju_production_2016" in listed.stdout
    conflicts = runner.invoke(app, ["--project", str(ROOT), "facts", "conflicts"])
    assert "1,300억 달러 | USD 130 billion" in conflicts.stdout


def test_cli_reports_bad_facts_as_file_line_messages(tmp_path):
    make_project(tmp_path, "facts:\n" + GOOD_FACT.replace("unit: USD", "unit: dollars"))
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "terms.csv").write_bytes((ROOT / "glossary" / "terms.csv").read_bytes())
    wreport = Path(sys.executable).with_name("wreport")
    result = subprocess.run([str(wreport), "--project", str(tmp_path), "facts", "list"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("error: seeds/facts.yaml:4: fact 'exports': unknown unit 'dollars'")
    assert "Traceback" not in result.stderr


def test_a_broken_sources_file_is_reported_once_not_per_fact(tmp_path):
    project = make_project(tmp_path, "facts:\n" + GOOD_FACT, sources=SOURCES_YAML.replace("title: 시험 자료", "title: [시험"))
    [problem] = problems_of(project)
    assert problem.startswith("seeds/sources.yaml:4: invalid YAML")


# ---------------------------------------------------------------- converted values
def test_a_converted_value_names_a_known_conversion(tmp_path):
    """converted: {from: ...} takes pyeong ↔ m2 at the legal rate and a currency at a stated rate."""
    good = GOOD_FACT.replace('value: "435_000_000"\n    unit: USD', 'value: "492_289_500_000"\n    unit: KRW') \
        + '    converted: {from: USD, rate: "1131.7"}\n'
    (tmp_path / "good").mkdir()
    facts = load_facts(make_project(tmp_path / "good", "facts:\n" + good))
    assert facts.facts["exports"].converted is not None and facts.facts["exports"].converted.from_ == "USD"
    for number, (converted, message) in enumerate([("{from: KRW}", "cannot convert from KRW to KRW"),
                               ("{from: USD}", "a currency conversion needs the source's rate, in won per dollar"),
                               ("{from: pyeong, rate: \"3.3\"}", "cannot convert from pyeong to KRW"),
                               ("{from: dollars}", "unknown unit 'dollars'"),
                                                   ("{form: USD}", "unknown field 'form' (did you mean 'from'?)")]):
        entry = good.replace('{from: USD, rate: "1131.7"}', converted)
        folder = tmp_path / str(number)
        folder.mkdir()
        problems = problems_of(make_project(folder, "facts:\n" + entry))
        assert any(p.startswith("seeds/facts.yaml:11: fact 'exports'") and message in p for p in problems), problems
