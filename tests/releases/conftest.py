"""One released-and-edited copy of the mini project and its diff, shared by the releases tests
(tests/released_mini.py lists the edits)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from released_mini import edit_after_release, released_mini

from wreport.inputs.project import Project, load_project
from wreport.releases.writing import DiffResult, write_diff


@dataclass
class Diffed:
    root: Path
    project: Project
    result: DiffResult

    def file(self, name: str) -> Path:
        return self.root / "out" / "brief" / name


@pytest.fixture(scope="session")
def diffed(tmp_path_factory: pytest.TempPathFactory) -> Diffed:
    root = released_mini(tmp_path_factory.mktemp("released"))
    edit_after_release(root)
    project = load_project(root)
    return Diffed(root, project, write_diff(project, "r1"))
