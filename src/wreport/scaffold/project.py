"""``wreport init DIR``: a new project for a new topic that builds and checks at once.

A team starting a brief on another cluster should not have to copy this one and delete what does
not apply. ``init`` writes the smallest complete project: wreport.toml, one source (a short note
about the project itself, so that its one figure is true), one fact quoting it, a glossary with
one term and the counted noun the fact needs, and one audience made by the same starter as
``wreport new-audience``. Every file is an ordinary input that the ordinary loaders check, so the
new project is a working example of each format; the curator replaces the note with real sources
(``wreport sources add``) and grows from there (README, "From an empty folder to a first brief").

The project is assembled in a temporary folder beside DIR and renamed into place, so a failure
leaves nothing behind, and an existing non-empty folder is never written into.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from pathlib import Path

from wreport.data.facts import load_facts
from wreport.data.glossary import load_glossary
from wreport.errors import ConfigError, Location
from wreport.inputs.project import CONFIG_NAME, load_project
from wreport.scaffold.audience import check_name, new_audience

AUDIENCE = "brief"
SOURCE_FILE = "project-note.txt"


#: The longest folder name ``init`` makes, in bytes: the staging folder beside it adds a dot and a
#: random suffix, and most file systems allow 255 bytes in one name.
MAX_NAME_BYTES = 200


def init_project(target: Path, name: str | None = None, today: datetime.date | None = None) -> Path:
    """Create a new project in ``target`` (absent or an empty folder); return its resolved root.
    Any failure of the file system (an unwritable folder, a full disk) is a ConfigError naming it."""
    target = target.absolute()
    _check_target(target)
    name = (name or target.name).strip() or target.name
    check_name(AUDIENCE)
    date = (today or datetime.date.today()).isoformat()
    try:
        _assemble(target, name, date)
    except OSError as exc:
        raise ConfigError(f"cannot create the project: {exc.strerror or exc}", Location.of(str(exc.filename or target)),
                          hint="check that the folder above it exists and is writable; nothing was left behind"
                          ) from None
    return target


def _check_target(target: Path) -> None:
    """Refuse a target init must not write: a symbolic link (even to an empty folder, or to
    nothing: the rename would replace the link, not fill its folder), a non-empty folder or a
    file, a name that is not UTF-8 text or too long, a missing parent folder."""
    shown = os.fsencode(target).decode("utf-8", "backslashreplace")
    try:
        target.name.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"the folder name of {shown} is not UTF-8 text", hint="choose a name in UTF-8") from None
    if len(target.name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ConfigError(f"the folder name is {len(target.name.encode('utf-8'))} bytes long; wreport init makes "
                          f"names of at most {MAX_NAME_BYTES}", Location.of(shown[:80] + "..."),
                          hint="choose a shorter name")
    if target.is_symlink():
        raise ConfigError(f"{target} is a symbolic link; wreport init makes a new folder and never follows a link",
                          hint="give the real folder's path, or a new name")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target} already exists and is not an empty folder; wreport init never writes into one",
                          hint="choose a new folder name")
    if not target.parent.is_dir():
        raise ConfigError(f"the folder {target.parent} does not exist", hint="create it first, or choose another place")


def _assemble(target: Path, name: str, date: str) -> None:
    """Write the project in a staging folder beside ``target``, then rename it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        root = staging / "project"
        _write_files(root, name, date)
        project = load_project(root)
        glossary = load_glossary(project.glossary_file)
        new_audience(project, AUDIENCE, load_facts(project, glossary), glossary)
        if target.exists():
            target.rmdir()  # empty, checked above: the rename takes its place
        root.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_files(root: Path, name: str, date: str) -> None:
    files = {
        CONFIG_NAME: _CONFIG.format(name=json.dumps(name, ensure_ascii=False)),  # a valid TOML string
        ".gitignore": "out/\n",
        "seeds/sources.yaml": _SOURCES.format(date=date),
        f"seeds/sources/{SOURCE_FILE}": _NOTE.format(date=date),
        "seeds/facts.yaml": _FACTS.format(date=date),
        "seeds/claims.yaml": _CLAIMS,
        "glossary/terms.csv": _TERMS,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "templates").mkdir()
    if not (root / CONFIG_NAME).is_file():
        raise ConfigError("could not write the new project", Location.of(str(root)))


_CONFIG = """\
# wreport project configuration (made by `wreport init`). Commands run on the nearest folder
# upward that holds this file, or on --project DIR. Paths are relative to this file.
[project]
name = {name}

[paths]
sources = "seeds/sources.yaml"
facts = "seeds/facts.yaml"
claims = "seeds/claims.yaml"
glossary = "glossary/terms.csv"
templates = "templates"
out = "out"

[style]
# House style: a thousands comma inside each four-digit myriad group (4억 3,500만 달러).
myriad_group_commas = true
"""

_NOTE = """\
wreport 새 프로젝트 안내
작성일 {date}

이 프로젝트는 wreport init 명령으로 만들었다. 처음에는 자료 1건으로 시작한다.
새 자료는 wreport sources add 명령으로 들여오고, 자료 속 수치는 wreport facts candidates 명령으로 찾는다.
"""

_SOURCES = """\
# The source documents behind seeds/facts.yaml, one entry per file in seeds/sources/.
# Format: docs/facts.md. Add a document with `wreport sources add FILE`.
sources:
  - id: project-note
    title: "wreport 새 프로젝트 안내"
    title_en: "About this new wreport project"
    publisher: "wreport init"
    publisher_en: "wreport init"
    date: "{date}"
    date_basis: "stated in text (작성일 {date})"
    language: ko
    file: project-note.txt
    note: Written by `wreport init` so that the new project builds at once; replace it with real sources.
"""

_FACTS = """\
# The curated fact set: every figure a brief prints, with a verbatim quote from a source.
# Format and how to add a fact: docs/facts.md; finding the figures: `wreport facts candidates`.
facts:
  # ------------------------------------------------ project-note
  - id: project_sources_at_start
    value: "1"
    unit: count
    counted: sources
    as_of: "{date}"
    approx: none
    status: actual
    label: {{ko: 시작할 때의 자료 수, en: sources at the start}}
    source: project-note
    quote: "처음에는 자료 1건으로 시작한다"
"""

_CLAIMS = """\
# Statements a brief makes without a figure, each with a verbatim quote from a source; templates
# cite one with {{ claim("id") }}. Format: docs/facts.md ("Claims"). For example:
#  - id: sources_added_with_the_cli
#    source: project-note
#    quote: 새 자료는 wreport sources add 명령으로 들여오고
#    ko: 새 자료는 wreport sources add 명령으로 들여온다.
#    en: New sources are added with the wreport sources add command.
claims: []
"""

_TERMS = """\
id,ko,en,abbr,kind,en_plural,ko_counter,notes,forbidden
cluster,클러스터,cluster,,policy-term,,,"The brief's subject; replace with your own terms (glossary format: docs/glossary.md).",
sources,자료,source,,counted-noun,sources,건,Counts of source documents (자료 1건),
"""
