"""A fact's value against the figures of its own quote: every real fact agrees, a value ten times
or a tenth of its figure does not, nor a wrong approximation; a conversion names its rule."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from project_edits import FACTS, wreport
from real_project import copy_project, load

from wreport.curation.coverage import coverage
from wreport.curation.values import value_problems
from wreport.data.facts import FactSet
from wreport.inputs.project import Project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real() -> tuple[Project, FactSet]:
    project, facts, _ = load(ROOT)
    return project, facts


def _with(facts: FactSet, fact_id: str, **changes: object) -> FactSet:
    """The fact set with one fact changed in memory, as if its entry had been edited."""
    return dataclasses.replace(facts, facts={**facts.facts, fact_id: dataclasses.replace(facts.facts[fact_id], **changes)})


def _found(project: Project, facts: FactSet) -> list[tuple[str | None, str]]:
    return [(p.check, p.message) for p in value_problems(project, facts)]


def test_every_fact_of_the_project_agrees_with_its_quote(real: tuple[Project, FactSet]) -> None:
    project, facts = real
    assert _found(project, facts) == []


def test_a_value_ten_times_or_a_tenth_of_its_figure_is_an_error(real: tuple[Project, FactSet]) -> None:
    """Every quoted (not derived) fact of the project, its value multiplied by 10 and by 0.1."""
    project, facts = real
    quoted = [f for f in facts if f.quote and f.derived is None]
    assert len(quoted) > 90
    for fact in quoted:
        for factor in (Decimal(10), Decimal("0.1")):
            found = _found(project, _with(facts, fact.id, value=fact.value * factor))
            assert [check for check, _ in found] == ["ValueNotInQuote"], (fact.id, factor, found)
            assert f"fact '{fact.id}'" in found[0][1]


def test_the_message_names_the_figure_read_and_the_value_stored(real: tuple[Project, FactSet]) -> None:
    project, facts = real
    (problem,) = value_problems(project, _with(facts, "innovation_cluster_exports_2003", value=Decimal(67_000_000)))
    line = facts.facts["innovation_cluster_exports_2003"].line
    assert str(problem.location) == f"seeds/facts.yaml:{line}"
    assert "value 67000000 USD" in problem.message and "670억달러 = 67000000000 USD" in problem.message
    assert problem.hint and "base unit" in problem.hint


def test_an_approximation_word_must_be_the_facts_approx(real: tuple[Project, FactSet]) -> None:
    """50개국 이상 is at-least; 380여명 is more-than; 1000만달러 내외 is about; a bare 75개 is none."""
    project, facts = real
    for fact_id, wrong in [("nuga_export_countries_2008_target", "none"), ("wonju_minicluster_members_2007", "about"),
                           ("wonju_leading_firm_exports_2007", "none"), ("wonju_manufacturers_2007", "about")]:
        assert fact_id in facts, fact_id
        found = _found(project, _with(facts, fact_id, approx=wrong))
        assert [check for check, _ in found] == ["QuoteApproxMismatch"], (fact_id, found)


def test_a_derived_value_names_its_rule_instead(real: tuple[Project, FactSet]) -> None:
    """wmit_exhibitions_2017_target (14) quotes '두 배': the rule, not the quote, gives the value."""
    project, facts = real
    assert facts.facts["wmit_exhibitions_2017_target"].derived is not None
    assert _found(project, facts) == []


_CONVERTED = """
  - id: taejang_area_converted_m2
    value: "{value}"
    unit: m2
    as_of: "2006-03"
    approx: none
    status: estimate
    label: {{ko: 태장동 단지 면적(환산), en: Taejang-dong complex area converted to square metres}}
    source: etnews-2006-03-wonju
    quote: "1만평 규모의 의료기기"
    converted: {{from: pyeong}}
"""


@pytest.mark.parametrize("value, ok", [("33_058", True), ("33_057.85", True), ("10_000", False), ("33_000", False)])
def test_a_converted_area_must_round_to_the_stored_value(tmp_path: Path, value: str, ok: bool) -> None:
    """1만평 is 10,000 × 400/121 = 33,057.85 m²: stored at any precision, rounded half up."""
    root = copy_project(tmp_path)
    text = (root / FACTS).read_text(encoding="utf-8")
    (root / FACTS).write_text(text.replace("\nconflicts:", _CONVERTED.format(value=value) + "\nconflicts:", 1),
                              encoding="utf-8")
    project, facts, _ = load(root)
    found = _found(project, facts)
    assert found == [] if ok else [c for c, _ in found] == ["ValueNotInQuote"], found


def test_a_currency_conversion_uses_the_rate_it_names(tmp_path: Path) -> None:
    """4억 3500만 달러 at 1,131.7 won per dollar is 492,289,500,000 won."""
    root = copy_project(tmp_path)
    entry = _CONVERTED.replace("taejang_area_converted_m2", "wonju_exports_2016_converted_krw").replace(
        "unit: m2", "unit: KRW").replace("{{from: pyeong}}", '{{from: USD, rate: "1131.7"}}')
    entry = entry.replace('"1만평 규모의 의료기기"', '"수출 4억 3500만 달러"').replace("etnews-2006-03-wonju", "kado-2017-technovalley")
    text = (root / FACTS).read_text(encoding="utf-8")
    (root / FACTS).write_text(text.replace("\nconflicts:", entry.format(value="492_289_500_000") + "\nconflicts:", 1),
                              encoding="utf-8")
    project, facts, _ = load(root)
    assert _found(project, facts) == []
    wrong = _with(facts, "wonju_exports_2016_converted_krw", value=Decimal("492_300_000_000"))
    assert [c for c, _ in _found(project, wrong)] == ["ValueNotInQuote"]


_TYPO = """
  - id: innovation_cluster_exports_2003_typed
    value: "67_000_000"
    unit: USD
    period: "2003"
    approx: none
    status: actual
    label: {ko: 혁신클러스터 수출액, en: innovation-cluster exports}
    source: fnnews-2007-10-minicluster
    quote: "2003년 수출액은 670억달러에서"
"""


def test_the_issue_example_fails_check(tmp_path: Path) -> None:
    """A curator's new fact, value: 67000000 USD quoting 670억달러: an error at its line."""
    root = copy_project(tmp_path)
    text = (root / FACTS).read_text(encoding="utf-8")
    (root / FACTS).write_text(text.replace("\nconflicts:", _TYPO + "\nconflicts:", 1), encoding="utf-8")
    _, facts, _ = load(root)
    line = facts.facts["innovation_cluster_exports_2003_typed"].line
    result = wreport(root, "check")
    assert result.returncode == 1, result.stdout
    assert (f"seeds/facts.yaml:{line}: [ValueNotInQuote] fact 'innovation_cluster_exports_2003_typed': value "
            "67000000 USD is not a figure of its quote (read: 670억달러 = 67000000000 USD)") in result.stdout


def test_a_figure_is_not_covered_by_a_fact_with_another_value(real: tuple[Project, FactSet]) -> None:
    """The candidates no longer say '670억달러 ... covered by' a fact that stores 67000000."""
    project, facts = real
    typed = _with(facts, "innovation_cluster_exports_2003", value=Decimal(67_000_000))
    (status,) = [s for s in coverage(project, typed, ["fnnews-2007-10-minicluster"])
                 if s.mention.text == "670억달러"]
    assert status.is_open
    (status,) = [s for s in coverage(project, facts, ["fnnews-2007-10-minicluster"])
                 if s.mention.text == "670억달러"]
    assert status.covered_by == "innovation_cluster_exports_2003"
