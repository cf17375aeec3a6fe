"""``wreport release``: what a release records, when it is refused, and what a damaged or newer
release gets: one message naming the file, and nothing in the project or out/ changed."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from mini_project import copy_mini
from project_edits import EN, KO, append, edit, wreport
from released_mini import released_mini

from wreport.inputs.project import load_project
from wreport.releases.record import ReleaseError, load_release, tree_data, tree_from_data
from wreport.releases.writing import make_release, working_snapshots, write_diff


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    return released_mini(tmp_path_factory.mktemp("record"))


def test_a_release_records_trees_review_data_and_output_digests(released):
    folder = released / "releases" / "r1"
    assert folder.stat().st_mode & 0o777 == 0o755  # not the temporary folder's private 0700
    assert [p.name for p in (released / "releases").iterdir()] == ["r1"]  # no temporary folder left
    manifest = yaml.safe_load((folder / "release.yaml").read_text(encoding="utf-8"))
    assert (manifest["format"], manifest["name"], manifest["created"], manifest["audiences"]) == (
        "1", "r1", "2026-12-01T09:30:00Z", ["brief"])
    assert sorted(manifest["files"]) == ["brief/en.tree.json", "brief/ko.tree.json", "brief/outputs.json",
                                         "brief/review.json"]
    outputs = json.loads((folder / "brief/outputs.json").read_text(encoding="utf-8"))
    html = released / "out/brief/brief.en.html"
    assert outputs["out/brief/brief.en.html"] == hashlib.sha256(html.read_bytes()).hexdigest()
    review = json.loads((folder / "brief/review.json").read_text(encoding="utf-8"))
    sales = review["facts"]["sales_2006"]  # as seeds/facts.yaml has it
    assert (sales["value"], sales["unit"], sales["when"], sales["source"], sales["quote"], sales["ko"]) == (
        "153600000000", "KRW", "2006", "fnnews-2007", "지난해 1536억원으로 급증했으며", "1,536억 원")
    assert review["segments"]["en"][0] == {"kind": "heading", "section": "1", "text": "Overview",
                                           "template": "templates/brief/en.md.j2:2", "facts": []}


def test_the_tree_file_reads_back_as_the_edition_tree(released):
    tree = working_snapshots(load_project(released), ["brief"])["brief"].trees["ko"]
    stored = json.loads((released / "releases/r1/brief/ko.tree.json").read_text(encoding="utf-8"))
    assert tree_from_data(stored, "ko.tree.json") == tree
    assert tree_data(tree) == stored


def test_release_list_shows_names_and_dates(released):
    result = wreport(released, "release", "--list")
    assert result.returncode == 0
    assert result.stdout == "r1\t2026-12-01T09:30:00Z\tbrief\n"


def test_release_tells_each_step_and_each_output_as_it_goes(tmp_path):
    """About a minute on the real project: the user sees the check, each output and the recording."""
    root = released_mini(tmp_path)
    result = wreport(root, "release", "r2")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "release r2: checking brief (as wreport check)..."
    assert lines[1].startswith("release r2: building the outputs")
    assert sorted(lines[2:4]) == ["release r2:   out/brief/brief.en.html up to date",
                                  "release r2:   out/brief/brief.ko.html up to date"]
    assert lines[4] == "release r2: recording the editions' trees and the review data..."
    assert result.stdout == f"recorded release r2 in {root / 'releases/r2'}: commit it with the project\n"
    quiet = wreport(root, "-q", "release", "r3")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


@pytest.mark.parametrize("name", ["../x", "R1", "_r", "a/b", "x" * 65, ".hidden"])
def test_an_unsafe_name_is_refused(released, name):
    result = wreport(released, "release", name)
    assert result.returncode == 1 and "is not a safe release name" in result.stderr
    assert sorted(p.name for p in (released / "releases").iterdir()) == ["r1"]


def test_an_existing_release_is_never_overwritten(released):
    before = (released / "releases/r1/release.yaml").read_bytes()
    with pytest.raises(ReleaseError, match="release 'r1' exists"):
        make_release(load_project(released), "r1")
    assert (released / "releases/r1/release.yaml").read_bytes() == before


def test_a_release_is_refused_while_check_has_errors(tmp_path):
    root = copy_mini(tmp_path)
    append(root, EN, "\n{{ fact(\"no_such_fact\") }}\n")
    result = wreport(root, "release", "r2")
    assert result.returncode == 1
    assert "error: `wreport check` finds" in result.stderr and "no_such_fact" in result.stderr
    assert not (root / "releases").exists() or not any((root / "releases").iterdir())


def _state(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _damaged(released: Path, tmp_path: Path) -> Path:
    root = tmp_path / "damaged"
    shutil.copytree(released, root)
    return root


@pytest.mark.parametrize(("damage", "file", "message"), [
    (lambda r: edit(r, "releases/r1/brief/review.json", '"153600000000"', '"153500000000"'),
     "releases/r1/brief/review.json", "does not match its digest in release.yaml"),
    (lambda r: edit(r, "releases/r1/release.yaml", "format: '1'", "format: '2'"),
     "releases/r1/release.yaml:1", "was recorded by a newer wreport"),
    (lambda r: edit(r, "releases/r1/release.yaml", "name: r1", "name: r1\nextra: 1"),
     "releases/r1/release.yaml:3", "unknown key 'extra'"),
    (lambda r: (r / "releases/r1/brief/en.tree.json").unlink(),
     "releases/r1/brief/en.tree.json", "file not found"),
])
def test_a_damaged_or_newer_release_gets_one_message_naming_the_file(released, tmp_path, damage, file, message):
    root = _damaged(released, tmp_path)
    damage(root)
    before = _state(root)
    result = wreport(root, "diff", "--from", "r1")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {file}: ") and message in result.stderr, result.stderr
    assert _state(root) == before  # nothing in the project or out/ changed, no diff half-written


def test_a_tree_file_with_a_node_it_cannot_hold_is_refused(released, tmp_path):
    root = _damaged(released, tmp_path)
    path = root / "releases/r1/brief/en.tree.json"
    text = path.read_text(encoding="utf-8").replace('"type": "Heading"', '"type": "Script"', 1)
    path.write_text(text, encoding="utf-8")
    manifest = root / "releases/r1/release.yaml"  # the digest made to match, as a careful hand would
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["files"]["brief/en.tree.json"] = hashlib.sha256(text.encode()).hexdigest()
    manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ReleaseError, match="unknown node type 'Script'") as caught:
        write_diff(load_project(root), "r1")
    assert str(caught.value.location) == "releases/r1/brief/en.tree.json"
    assert not (root / "out/brief/brief.changes.html").exists()


def test_an_unknown_release_names_the_known_ones(released):
    result = wreport(released, "diff", "--from", "r0")
    assert result.returncode == 1
    assert result.stderr == "error: releases/r0/release.yaml: no release named 'r0' (known: r1)\n"
    assert load_release(load_project(released), "r1").manifest.name == "r1"


def test_a_release_records_the_claims_each_pair_rests_on(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, "templates/brief/audience.toml", 'formats = ["html", "pdf", "docx"]', 'formats = ["html"]')
    for template, sentence, heading in ((EN, "Wonju City built the Techno Valley.", "## Sales\n"),
                                        (KO, "원주시가 테크노밸리를 세웠다.", "## 매출\n")):
        edit(root, template, heading, f'{sentence}{{{{ claim("city_built_techno_valley") }}}}\n\n{heading}')
    make_release(load_project(root), "r1")
    review = json.loads((root / "releases/r1/brief/review.json").read_text(encoding="utf-8"))
    claimed = [pair for pair in review["pairs"] if "claims" in pair]
    assert [(p["id"], [c["id"] for c in p["claims"]]) for p in claimed] == [("s1-p2", ["city_built_techno_valley"])]
    assert claimed[0]["claims"][0]["quote"] == "원주시는 의료기기 테크노밸리와 의료기기산업기술단지를 세웠다"  # claims.yaml


def test_a_release_killed_before_its_rename_leaves_nothing_the_next_one_keeps(tmp_path):
    """The staging folder of a killed `wreport release` (`releases/.NAME.xxxxxxxx.tmp/`) is ignored
    by `release --list` but `git add releases/` commits it: the next release removes it, and
    nothing else hidden there."""
    import datetime

    from wreport.releases.record import write_release

    root = copy_mini(tmp_path)
    releases = root / "releases"
    killed = releases / ".2026-12-partner.k1ll3d0x.tmp"
    (killed / "brief").mkdir(parents=True)
    (killed / "brief" / "review.json").write_text("{}", encoding="utf-8")
    mine = [releases / ".notes", releases / ".2026-12-partner.backup.tmp", releases / ".x.k1ll3d0x.tmp"]
    mine[0].mkdir()
    mine[1].mkdir()
    mine[2].write_text("a file, not a folder", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (releases / ".y.k1ll3d0y.tmp").symlink_to(outside, target_is_directory=True)
    final = write_release(load_project(root), "2026-12-partner", {"brief/review.json": "{}\n"},
                          datetime.datetime(2026, 12, 5, 9, 30), ["brief"])
    assert final == releases / "2026-12-partner" and (final / "release.yaml").is_file()
    assert sorted(p.name for p in releases.iterdir()) == [".2026-12-partner.backup.tmp", ".notes", ".x.k1ll3d0x.tmp",
                                                          ".y.k1ll3d0y.tmp", "2026-12-partner"]
    assert outside.is_dir()
