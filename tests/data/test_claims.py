"""Tests for data/claims.py: the claim set loads with the facts, and each bad entry is an error
naming claims.yaml and its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from mini_project import copy_mini, load_mini

from wreport.errors import WreportError
from wreport.inputs.project import load_project

CLAIMS = "seeds/claims.yaml"
GOOD = """\
claims:
  - id: city_built_it
    source: etnews-2006
    quote: 원주시는 의료기기 테크노밸리와 의료기기산업기술단지를 세웠다
    ko: 원주시가 테크노밸리를 세웠다.
    en: Wonju City built the Techno Valley.
    status: done
    scope: Wonju City
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


def problems(root: Path) -> list[str]:
    """Every problem the loader reports, as ``file:line: message``."""
    with pytest.raises(WreportError) as caught:
        load_mini(root)
    found = getattr(caught.value, "problems", None) or [caught.value]
    return [f"{p.location}: {p.message}" for p in found]


def test_the_fixture_claims_load_with_their_fields(mini):
    _, facts, _ = load_mini(mini)
    claim = facts.claim("city_built_techno_valley")
    assert (claim.source, claim.status, claim.scope) == ("etnews-2006", "done", "Wonju City")
    assert claim.quote == "원주시는 의료기기 테크노밸리와 의료기기산업기술단지를 세웠다"
    assert claim.what("en") == "Wonju City built the medical device Techno Valley and the industrial technology complex."
    assert facts.claim("cluster_built_by_city_and_yonsei").date == "1998"
    assert list(facts.claims) == ["cluster_built_by_city_and_yonsei", "city_built_techno_valley"]


def test_a_project_without_claims_has_none(mini):
    (mini / CLAIMS).unlink()
    _, facts, _ = load_mini(mini)
    assert facts.claims == {}


def test_quote_is_matched_with_any_spacing(mini):
    (mini / CLAIMS).write_text(GOOD.replace("의료기기 테크노밸리와", "의료기기테크노밸리와"), encoding="utf-8")
    _, facts, _ = load_mini(mini)
    assert list(facts.claims) == ["city_built_it"]


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("source: etnews-2006", "source: etnews-2066", 3, "claim 'city_built_it': unknown source 'etnews-2066'"),
    ("세웠다\n", "세웠었다\n", 4, "claim 'city_built_it': quote not found in source 'etnews-2006' (etnews.txt)"),
    ("status: done", "status: finished", 7, "claim 'city_built_it': unknown status 'finished'"),
    ("scope: Wonju City", "scope: Wonju City\n    scoop: x", 9, "claim 'city_built_it': unknown field 'scoop'"),
    ("    en: Wonju City built the Techno Valley.\n", "", 2, "claim 'city_built_it': missing field 'en'"),
])
def test_a_bad_claim_names_its_line(mini, old, new, line, message):
    assert old in GOOD
    (mini / CLAIMS).write_text(GOOD.replace(old, new), encoding="utf-8")
    (found,) = problems(mini)
    assert found.startswith(f"{CLAIMS}:{line}: {message}"), found


def test_a_repeated_id_is_reported_at_its_second_place(mini):
    (mini / CLAIMS).write_text(GOOD + GOOD.removeprefix("claims:\n"), encoding="utf-8")
    assert problems(mini) == [f"{CLAIMS}:9: duplicate claim id 'city_built_it' (first at line 2)"]


def test_the_claims_path_is_configurable(mini):
    (mini / CLAIMS).rename(mini / "seeds" / "statements.yaml")
    config = mini / "wreport.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[paths]\nclaims = "seeds/statements.yaml"\n',
                      encoding="utf-8")
    assert load_project(mini).claims_file == mini / "seeds" / "statements.yaml"
    _, facts, _ = load_mini(mini)
    assert len(facts.claims) == 2


def test_every_claim_of_the_repository_is_found_in_its_source():
    root = Path(__file__).resolve().parents[2]
    project = load_project(root)
    from wreport.data.facts import load_facts

    claims = load_facts(project).claims
    assert len(claims) >= 19
    assert claims["exports_mostly_oem_odm"].source == "fnnews-2007-12-wonju"
