"""Sign-off (`wreport review approve`, `check --signed-off`) on the fixture project, as a reviewer uses it.

The fixture's brief (tests/fixtures/mini/templates/brief) has three sections: 1 Overview (one
paragraph), 1.1 Sales (a table and a chart), 1.2 Exports and sites (three list items and a quote).
The segment ids below are read off those templates by hand: the third item of section 1.2 is s1-2-li3.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mini_project import copy_mini, load_mini

from wreport.errors import WreportError
from wreport.qa.checks import run_checks
from wreport.review.model import prepare_review
from wreport.review.signoff import APPROVED, CHANGED, UNAPPROVED, approve, load_record, states


def _states(root: Path) -> dict[str, str]:
    project, facts, glossary = load_mini(root)
    pairs = prepare_review(project, "brief", facts, glossary).pairs
    return {k: v.state for k, v in states(pairs, load_record(project, "brief"), facts, glossary).items()}


def _approve(root: Path, segments: list[str] | None = None, by: str = "Kim Minji") -> list[str]:
    project, facts, glossary = load_mini(root)
    pairs = prepare_review(project, "brief", facts, glossary).pairs
    return approve(project, "brief", pairs, facts, glossary, by, segments)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def approved(tmp_path: Path) -> Path:
    root = copy_mini(tmp_path)
    _approve(root)
    return root


def test_approve_all_writes_one_readable_line_per_segment(approved):
    record = approved / "signoff" / "brief.yaml"
    lines = [line for line in record.read_text(encoding="utf-8").splitlines() if line.startswith("  ")]
    data = yaml.safe_load(record.read_text(encoding="utf-8"))["segments"]
    assert len(lines) == len(data) == len(_states(approved))
    assert "  s1-2-li3: {hash: " in record.read_text(encoding="utf-8")
    assert data["s1-p1"]["by"] == "Kim Minji" and len(data["s1-p1"]["hash"]) == 64
    assert set(_states(approved).values()) == {APPROVED}
    assert not list(record.parent.glob(".*.tmp"))


def test_a_never_approved_segment_is_unapproved(tmp_path):
    root = copy_mini(tmp_path)
    assert _approve(root, ["s1-2-li1"]) == ["s1-2-li1"]
    found = _states(root)
    assert found["s1-2-li1"] == APPROVED
    assert {state for key, state in found.items() if key != "s1-2-li1"} == {UNAPPROVED}


def test_changing_one_fact_value_invalidates_exactly_the_segment_printing_it(approved):
    # donghwa_funding is printed once: the third item of "Exports and sites"
    _replace(approved / "seeds" / "facts.yaml", 'value: "6_000_000_000"', 'value: "7_000_000_000"')
    changed = {key for key, state in _states(approved).items() if state != APPROVED}
    assert changed == {"s1-2-li3"}
    assert _states(approved)["s1-2-li3"] == CHANGED


def test_changing_a_quote_invalidates_the_segments_resting_on_it(approved):
    # sales_2001's quote is shortened (still in the source): the overview paragraph, the
    # table row of 2001 and the chart's caption rest on it
    _replace(approved / "seeds" / "facts.yaml", 'quote: "지난 2001년 286억원에서"', 'quote: "2001년 286억원에서"')
    changed = {key for key, state in _states(approved).items() if state != APPROVED}
    assert "s1-p1" in changed and "s1-2-li1" not in changed
    assert all(key.startswith(("s1-p", "s1-1-")) for key in changed)


def test_editing_one_english_sentence_invalidates_exactly_its_segment(approved):
    _replace(approved / "templates" / "brief" / "en.md.j2", "- Exports of each leading firm:", "- Exports per leading firm:")
    changed = {key: state for key, state in _states(approved).items() if state != APPROVED}
    assert changed == {"s1-2-li2": CHANGED}


def test_check_signed_off_fails_at_the_template_line_of_each_changed_segment(approved):
    project, _, _ = load_mini(approved)
    assert [f for f in run_checks(project, signed_off=True) if f.check == "NotSignedOff"] == []
    _replace(approved / "templates" / "brief" / "en.md.j2", "- Exports of each leading firm:", "- Exports per leading firm:")
    found = [f for f in run_checks(project, signed_off=True) if f.check == "NotSignedOff"]
    assert [(f.severity, str(f.location)) for f in found] == [("error", "templates/brief/en.md.j2:18")]
    assert "s1-2-li2" in found[0].message and "changed since Kim Minji approved it" in found[0].message


def test_a_hand_edited_record_is_an_error_at_its_line_and_nothing_is_lost(approved):
    record = approved / "signoff" / "brief.yaml"
    text = record.read_text(encoding="utf-8")
    broken = text.replace("  s1-2-li2: {hash: ", "  s1-2-li2: {hash: 0", 1)
    record.write_text(broken, encoding="utf-8")
    line = next(n for n, row in enumerate(broken.splitlines(), start=1) if row.startswith("  s1-2-li2:"))
    with pytest.raises(WreportError) as raised:
        _approve(approved, ["s1-p1"])
    assert str(raised.value).startswith(f"signoff/brief.yaml:{line}: ")
    assert "64 lower-case hex digits" in str(raised.value)
    assert record.read_text(encoding="utf-8") == broken  # nothing rewritten, nothing lost
    project, _, _ = load_mini(approved)
    found = [f for f in run_checks(project, signed_off=True) if f.check == "DataError"]
    assert [str(f.location) for f in found] == [f"signoff/brief.yaml:{line}"]


@pytest.mark.parametrize("text, message", [
    ("segments:\n  s1-p1: {hash: x, by: a, date: 2026-12-05}\n  s1-p1: {hash: y, by: a, date: 2026-12-05}\n",
     "signoff/brief.yaml:3: "),
    ("segment:\n  s1-p1: {}\n", "signoff/brief.yaml:1: unknown top-level key 'segment'"),
    ("segments:\n  nonsense: {hash: " + "a" * 64 + ", by: a, date: 2026-12-05}\n",
     "signoff/brief.yaml:2: "),
    ("segments:\n  s1-p1: {hash: " + "a" * 64 + ", by: a, date: 2026-13-05}\n", "signoff/brief.yaml:2: "),
])
def test_malformed_records_name_file_and_line(tmp_path, text, message):
    root = copy_mini(tmp_path)
    (root / "signoff").mkdir()
    (root / "signoff" / "brief.yaml").write_text(text, encoding="utf-8")
    project, _, _ = load_mini(root)
    with pytest.raises(WreportError) as raised:
        load_record(project, "brief")
    assert message in str(raised.value)


def test_approve_refuses_an_unknown_segment_and_a_blank_name(tmp_path):
    root = copy_mini(tmp_path)
    with pytest.raises(WreportError, match="no segment 's9-p1'"):
        _approve(root, ["s9-p1"])
    with pytest.raises(WreportError, match="reviewer's name"):
        _approve(root, ["s1-p1"], by="a\nb")
    assert not (root / "signoff").exists()


def test_a_name_yaml_would_misread_is_written_so_it_reads_back(tmp_path):
    root = copy_mini(tmp_path)
    name = 'Kim "MJ" 김민지: lead, #1'
    _approve(root, ["s1-p1"], by=name)
    project, _, _ = load_mini(root)
    assert load_record(project, "brief")["s1-p1"].by == name
    assert _states(root)["s1-p1"] == APPROVED


def test_editing_a_claim_invalidates_exactly_the_segment_resting_on_it(tmp_path):
    root = copy_mini(tmp_path)
    for lang in ("ko", "en"):  # the first list item of "Exports and sites" rests on a claim too
        path = root / "templates" / "brief" / f"{lang}.md.j2"
        text = path.read_text(encoding="utf-8")
        line = next(row for row in text.splitlines() if row.startswith("- ") and "export_share" in row)
        path.write_text(text.replace(line, line + '{{ claim("city_built_techno_valley") }}'), encoding="utf-8")
    _approve(root)
    _replace(root / "seeds" / "claims.yaml", "scope: Wonju City", "scope: Wonju City and Gangwon Province")
    assert {key: state for key, state in _states(root).items() if state != APPROVED} == {"s1-2-li1": CHANGED}


def test_a_name_longer_than_a_name_is_refused_before_the_record_is_written(tmp_path):
    """120,000 characters times every segment made a record past the 2 MB cap, reported at the
    record's temporary copy; a name is bounded instead."""
    root = copy_mini(tmp_path)
    with pytest.raises(WreportError, match=r"\(120,000 characters\)' is not a reviewer's name") as raised:
        _approve(root, None, by="K" * 120_000)
    assert "at most 200 characters" in str(raised.value) and len(str(raised.value)) < 300
    assert _approve(root, ["s1-p1"], by="K" * 200) == ["s1-p1"]


def test_the_temporary_file_of_a_killed_approval_is_removed_by_the_next(tmp_path):
    root = copy_mini(tmp_path)
    left = root / "signoff" / ".brief.yaml.k1ll3d0x.tmp"  # write_atomic's, of an approval killed mid-write
    left.parent.mkdir()
    left.write_text("segments: {}\n", encoding="utf-8")
    other = root / "signoff" / ".annex.yaml.k1ll3d0x.tmp"  # another audience's record: not this write's
    other.write_text("segments: {}\n", encoding="utf-8")
    assert _approve(root, ["s1-p1"]) == ["s1-p1"]
    assert not left.exists() and other.exists()
    assert sorted(p.name for p in (root / "signoff").iterdir()) == [".annex.yaml.k1ll3d0x.tmp", "brief.yaml"]
