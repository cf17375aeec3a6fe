"""The small fixture project (tests/fixtures/mini) as a writable copy, for templating and build tests.

Each test gets its own copy so it can break a template or a fact without touching the others.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from wreport.data.facts import FactSet, load_facts
from wreport.data.glossary import Glossary, load_glossary
from wreport.inputs.project import Project, load_project

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


def copy_mini(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project; returns its root folder."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURE, root)
    return root


def load_mini(root: Path) -> tuple[Project, FactSet, Glossary]:
    """The project, its facts and its glossary, loaded the way a build loads them."""
    project = load_project(root)
    glossary = load_glossary(project.glossary_file)
    return project, load_facts(project, glossary), glossary


def write_template(root: Path, relative: str, text: str) -> Path:
    """Write a template file under the project's templates folder (folders created as needed)."""
    path = root / "templates" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def add_audience(root: Path, name: str, templates: dict[str, str], languages: tuple[str, ...] = ("en",)) -> None:
    """A minimal audience whose templates are the given texts, keyed by language."""
    tables = "".join(f'\n[{lang}]\ntitle = "{name} {lang}"\n' for lang in languages)
    langs = ", ".join(f'"{lang}"' for lang in languages)
    write_template(root, f"{name}/audience.toml",
                   f'languages = [{langs}]\nformats = ["html"]\ndate = 2007-12-10\n{tables}')
    for lang, text in templates.items():
        write_template(root, f"{name}/{lang}.md.j2", text)
