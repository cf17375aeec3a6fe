"""`wreport facts set-aside`: many open figures set aside at once, and `check` counting them per source."""

from __future__ import annotations

from pathlib import Path

from real_project import copy_project, load
from typer.testing import CliRunner

from wreport.cli import app
from wreport.qa.checks import run_checks

SOURCE = "etnews-2006-03-wonju"
ADDED = "\n 올해는 입주기업이 12곳 늘었다.\n 지원사업은 35건이다.\n 참가자는 480명이었다.\n"


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--project", str(root), *args])
    error = f"error: {result.exception}" if result.exception and not isinstance(result.exception, SystemExit) else ""
    return result.exit_code, result.output + error


def _uncovered(root: Path) -> list[tuple[int | None, str]]:
    project, _, _ = load(root)
    return [(f.location.line, f.message) for f in run_checks(project) if f.check == "UncoveredFigure"]


def test_open_figures_are_set_aside_by_lines_then_all_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    text_file = root / "seeds/sources/001_4b4705ae55b1dff4.txt"
    original = text_file.read_text(encoding="utf-8")
    text_file.write_text(original + ADDED, encoding="utf-8")
    first = original.count("\n") + 2  # the three new lines: first, first + 1, first + 2
    assert _uncovered(root) == [(first, f"3 figures (first '12곳') in source '{SOURCE}' are not quoted by any fact")]
    set_aside = root / "seeds/set-aside.yaml"
    before = set_aside.read_text(encoding="utf-8")
    code, output = _run(root, "facts", "set-aside", SOURCE, "--lines", f"{first}-{first + 1}", "--reason", "unused",
                        "--note", "Relevant, not in this brief.")
    assert code == 0 and "set aside 2 figures" in output, output
    assert set_aside.read_text(encoding="utf-8").startswith(before)  # appended: comments and entries stay
    assert _uncovered(root) == [(first + 2, f"'480명' in source '{SOURCE}' is not quoted by any fact")]
    code, output = _run(root, "facts", "set-aside", SOURCE, "--reason", "unused")
    assert code == 0 and "set aside 1 figure " in output, output
    code, output = _run(root, "facts", "coverage", SOURCE)
    assert code == 0 and f"{SOURCE}: 22 mentions, 17 covered, 5 set aside, 0 open" in output
    after = set_aside.read_text(encoding="utf-8")
    code, output = _run(root, "facts", "set-aside", SOURCE, "--reason", "unused")  # nothing left: refused
    assert code == 1 and f"nothing to set aside in source '{SOURCE}'" in output
    code, output = _run(root, "facts", "set-aside", SOURCE, "--reason", "unusd")
    assert code == 1 and "unused" in output
    code, output = _run(root, "facts", "set-aside", SOURCE, "--lines", "9-3", "--reason", "unused")
    assert code == 1 and "not a range of lines" in output
    assert set_aside.read_text(encoding="utf-8") == after


def test_a_set_aside_file_that_would_not_load_is_named_at_its_line_not_called_empty(tmp_path: Path) -> None:
    """A hand-kept set-aside.yaml indenting its entries by four spaces loads; the new entry,
    appended at two, would break it: said so at the line, not "nothing to set aside"."""
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    (root / "seeds/sources/etnews.txt").open("a", encoding="utf-8").write("올해는 입주기업이 12곳 늘었다.\n")
    set_aside = root / "seeds/set-aside.yaml"
    text = "\n".join(("  " + line) if line.startswith("  ") else line
                     for line in set_aside.read_text(encoding="utf-8").splitlines()) + "\n"
    set_aside.write_text(text, encoding="utf-8")
    code, output = _run(root, "facts", "set-aside", "etnews-2006", "--reason", "unused")
    line = text.count("\n") + 1
    assert code == 1
    assert (f"error: seeds/set-aside.yaml:{line}: with the new entry added at line {line}, seeds/set-aside.yaml would "
            "not load: invalid YAML") in output, output
    assert "nothing to set aside" not in output and ".tmp" not in output
    assert set_aside.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (root / "seeds").iterdir() if p.name.startswith(".")) == []


def test_the_temporary_file_of_a_killed_set_aside_is_removed_by_the_next(tmp_path: Path) -> None:
    from mini_project import copy_mini

    root = copy_mini(tmp_path)
    (root / "seeds/sources/etnews.txt").open("a", encoding="utf-8").write("올해는 입주기업이 12곳 늘었다.\n")
    left = root / "seeds/.set-aside.yaml.k1ll3d0x.tmp"  # write_atomic's, of a set-aside killed mid-write
    left.write_text("set_aside:\n  - source: etnews-2006\n", encoding="utf-8")
    mine = root / "seeds/set-aside.yaml.tmp"  # not write_atomic's name: a file of the curator's
    mine.write_text("mine", encoding="utf-8")
    code, output = _run(root, "facts", "set-aside", "etnews-2006", "--reason", "unused")
    assert code == 0 and "set aside 1 figure" in output, output
    assert not left.exists() and mine.read_text(encoding="utf-8") == "mine"
