"""What changed since a release: segments, words, facts, sign-offs and changes made in one
edition only. The edits are listed in tests/released_mini.py; every expected value below is
worked out from them by hand."""

from __future__ import annotations

import copy
import json
import shutil

from project_edits import EN, edit, wreport

from wreport.releases.diff import compare_snapshots, invalid_signoffs, word_changes
from wreport.releases.record import load_release, load_snapshot
from wreport.releases.writing import working_snapshots
from wreport.render.document import Text


def _marked(runs):
    return [(n.change, n.text) for n in runs if isinstance(n, Text) and n.change]


def test_a_korean_word_changes_with_its_particle_and_unit():
    old = [Text("원주에는 입주기업 매출이 1,536억 원으로 늘었다.")]
    new = [Text("원주시에는 입주기업 매출이 1,537억 원으로 늘었다.")]
    assert _marked(word_changes(old, new)) == [("del", "원주에는 "), ("ins", "원주시에는 "),
                                                ("del", "1,536억 "), ("ins", "1,537억 ")]
    assert "".join(n.text for n in word_changes(old, new) if n.change != "del") == new[0].text


def test_emphasis_survives_and_unchanged_words_are_not_marked():
    old = [Text("Sales "), Text("grew", bold=True), Text(" fast.")]
    new = [Text("Sales "), Text("grew", bold=True), Text(" slowly.")]
    runs = word_changes(old, new)
    assert [(n.text, n.bold, n.change) for n in runs] == [("Sales ", False, None), ("grew", True, None),
                                                          (" ", False, None), ("fast.", False, "del"),
                                                          ("slowly.", False, "ins")]


def test_the_summary_counts_each_edition_and_names_the_revised_facts(diffed):
    (diff,) = diffed.result.diffs
    # ko: the overview paragraph and the 2006 row changed; en: those and the exports item;
    # removed in both: the quote and the 2007 row; added in both: the paragraph under Sales
    assert diff.counts("ko") == {"added": 1, "removed": 2, "changed": 2}
    assert diff.counts("en") == {"added": 1, "removed": 2, "changed": 3}
    assert [(f.id, f.status, f.fields) for f in diff.facts] == [("sales_2006", "changed", ["value"]),
                                                                ("sales_growth", "changed", ["value"])]
    revised = diff.facts[0]
    assert (revised.old["value"], revised.new["value"]) == ("153600000000", "153700000000")
    assert (revised.old["en"], revised.new["en"]) == ("KRW 153.6 billion", "KRW 153.7 billion")
    summary = json.loads(diffed.file("brief.changes.json").read_text(encoding="utf-8"))
    assert summary["segments"]["en"] == {"added": 1, "removed": 2, "changed": 3}
    assert [f["id"] for f in summary["facts"]] == ["sales_2006", "sales_growth"]


def test_a_change_in_the_english_edition_only_is_reported_with_both_lines(diffed):
    (diff,) = diffed.result.diffs
    assert [(p.lang, p.status, p.where, p.other, p.translation_fix) for p in diff.parity] == [
        ("en", "changed", "templates/brief/en.md.j2:19", "templates/brief/ko.md.j2:19", False)]
    summary = json.loads(diffed.file("brief.changes.json").read_text(encoding="utf-8"))
    assert [p["check"] for p in summary["parity"]] == ["ChangeParity"]


def test_check_since_reports_the_one_sided_change_and_a_marked_translation_fix(diffed, tmp_path):
    result = wreport(diffed.root, "check", "--since", "r1", "--format", "json")
    found = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "ChangeParity"]
    assert [(f["file"], f["line"], f["severity"]) for f in found] == [("templates/brief/en.md.j2", 19, "warning")]
    assert "templates/brief/ko.md.j2:19" in found[0]["message"]
    root = tmp_path / "fixed"
    shutil.copytree(diffed.root, root)
    edit(root, EN, "{{ fact(\"export_share\") }}\n", "{{ fact(\"export_share\") }}{# translation-fix #}\n")
    found = [f for f in json.loads(wreport(root, "check", "--since", "r1", "--format", "json").stdout)["findings"]
             if f["check"] == "ChangeParity"]
    assert len(found) == 1 and found[0]["message"].endswith("; marked a translation fix")


def test_a_signoff_on_a_changed_segment_no_longer_holds(diffed):
    old = load_snapshot(load_release(diffed.project, "r1"), "brief", diffed.project)
    new = working_snapshots(diffed.project, ["brief"])["brief"]
    signed = copy.deepcopy(old)
    overview, exports = signed.pairs[1][0], next(p[0] for p in signed.pairs if p[0].endswith("-li1"))
    signed.extras = {overview: {"signoff": {"by": "reviewer"}}, "s0-h1": {"signoff": {"by": "reviewer"}},
                     exports: {"signoff": {"by": "reviewer"}, "claims": [{"id": "c1"}]}}
    diff = compare_snapshots(signed, new)
    assert invalid_signoffs(signed, diff.changes) == [overview, exports]
    assert diff.claims == [(exports, [{"id": "c1"}], None)]
