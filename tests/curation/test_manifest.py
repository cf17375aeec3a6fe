"""`wreport sources list` and `wreport sources remove`: a source taken out whole, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_project import copy_project
from typer.testing import CliRunner

from wreport.cli import app

NOTE = "원주 의료기기 업체들은 지난해 5억 2000만 달러를 수출했다.\n"


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--project", str(root), *args])
    error = f"error: {result.exception}" if result.exception and not isinstance(result.exception, SystemExit) else ""
    return result.exit_code, result.output + error


def _add_note(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    code, output = _run(root, "sources", "add", str(path), "--title-en", "Wonju exports note", "--publisher",
                        "원주시", "--publisher-en", "Wonju City", "--date", "2024-05")
    assert code == 0, output


def test_list_then_remove_restores_the_manifest(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    manifest = root / "seeds/sources.yaml"
    before = manifest.read_text(encoding="utf-8")
    _add_note(root, tmp_path)
    code, output = _run(root, "sources", "list")
    assert code == 0 and "wonju-exports-note-2024" in output and "Wonju City" in output
    assert "kado-2017-technovalley" in output
    code, output = _run(root, "sources", "remove", "wonju-exports-note-2024")
    assert code == 0, output
    assert manifest.read_text(encoding="utf-8") == before  # the entry and its blank line, nothing else
    assert not list((root / "seeds/sources").glob("wonju-exports-note-2024*"))
    code, output = _run(root, "sources", "list")
    assert "wonju-exports-note-2024" not in output


def test_a_cited_source_is_not_removed(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    manifest = root / "seeds/sources.yaml"
    before = manifest.read_text(encoding="utf-8")
    files = sorted((root / "seeds/sources").iterdir())
    code, output = _run(root, "sources", "remove", "kado-2017-technovalley")
    assert code == 1 and "still cited by" in output
    assert "fact 'wonju_exports_2016' (seeds/facts.yaml:" in output and "set-aside entry" in output
    line = next(n for n, text in enumerate((root / "seeds/claims.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text == "  - id: wmit_production_bases")
    assert f"claim 'wmit_production_bases' (seeds/claims.yaml:{line})" in output
    assert manifest.read_text(encoding="utf-8") == before and sorted((root / "seeds/sources").iterdir()) == files
    code, output = _run(root, "sources", "remove", "kado-2017-technovaley")
    assert code == 1 and "unknown source" in output and "kado-2017-technovalley" in output


def test_a_remove_stopped_midway_is_finished_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path)
    _add_note(root, tmp_path)
    real_unlink = Path.unlink

    def failing(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".txt") and self.parent.name == "sources":
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", failing)
    code, _ = _run(root, "sources", "remove", "wonju-exports-note-2024")
    assert code == 1
    monkeypatch.setattr(Path, "unlink", real_unlink)
    assert "wonju-exports-note-2024" not in (root / "seeds/sources.yaml").read_text(encoding="utf-8")
    assert (root / "seeds/sources/wonju-exports-note-2024.txt").exists()  # left behind, no longer a source
    code, output = _run(root, "sources", "remove", "wonju-exports-note-2024")
    assert code == 0 and "wonju-exports-note-2024.txt" in output, output
    assert not list((root / "seeds/sources").glob("wonju-exports-note-2024*"))
