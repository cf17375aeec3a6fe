"""A writable copy of the real project (facts, glossary, templates), for tests that build briefs.

Tests that scaffold or build must not write into the working tree, and must see the project's
real data and templates rather than a fixture, because what they check is the brief a reader gets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from wreport.data.facts import FactSet, load_facts
from wreport.data.glossary import Glossary, load_glossary
from wreport.inputs.project import Project, load_project

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("wreport.toml", "seeds", "glossary", "templates", "signoff")


def copy_project(tmp_path: Path) -> Path:
    """The project's data and templates copied under ``tmp_path``; returns the copy's root."""
    root = tmp_path / "project"
    root.mkdir()
    for part in PARTS:
        source = ROOT / part
        if not source.exists():  # signoff/ exists once a brief is signed off
            continue
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / part)
    return root


def load(root: Path) -> tuple[Project, FactSet, Glossary]:
    """The project at ``root`` with its facts and glossary, loaded as a build loads them."""
    project = load_project(root)
    glossary = load_glossary(project.glossary_file)
    return project, load_facts(project, glossary), glossary


def wreport(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from wreport.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "200"})
