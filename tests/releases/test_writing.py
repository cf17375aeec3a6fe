"""releases/writing.py: a snapshot of the working project records the segments signed off as they stand."""

from __future__ import annotations

from mini_project import copy_mini, load_mini

from wreport.releases.diff import compare_snapshots, invalid_signoffs
from wreport.releases.writing import working_snapshots
from wreport.review.model import prepare_review
from wreport.review.signoff import approve


def test_a_snapshot_holds_the_approved_segments_and_a_diff_names_the_one_changed(tmp_path):
    root = copy_mini(tmp_path)
    project, facts, glossary = load_mini(root)
    pairs = prepare_review(project, "brief", facts, glossary).pairs
    approve(project, "brief", pairs, facts, glossary, "Lee", ["s1-p1", "s1-2-li2"])
    old = working_snapshots(project, ["brief"])["brief"]
    assert {pid for pid, extra in old.extras.items() if "signoff" in extra} == {"s1-p1", "s1-2-li2"}
    assert old.extras["s1-2-li2"]["signoff"]["by"] == "Lee"
    en = root / "templates" / "brief" / "en.md.j2"
    en.write_text(en.read_text(encoding="utf-8").replace("- Exports of each leading firm:", "- Exports per leading firm:"),
                  encoding="utf-8")
    new = working_snapshots(project, ["brief"])["brief"]
    assert "signoff" not in new.extras.get("s1-2-li2", {})  # changed since: no longer approved
    assert invalid_signoffs(old, compare_snapshots(old, new).changes) == ["s1-2-li2"]
