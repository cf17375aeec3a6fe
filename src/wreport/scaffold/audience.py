"""``wreport new-audience``: start a new audience folder that builds at once.

Adding an audience is adding a folder (templates/<name>/ with audience.toml and one template per
language), so the quickest correct start is a copy of an audience that already builds, or a small
starter that shows the three things every template does: print a sourced figure with ``fact()``,
a name with ``term()``, and a shared table from ``templates/_shared/``. The folder is assembled
next to its final place and renamed into it, so a failure never leaves half an audience behind,
and an existing folder is never overwritten.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import tempfile
from pathlib import Path

from wreport.data.facts import FactSet
from wreport.data.glossary import Glossary
from wreport.errors import ConfigError, Location
from wreport.inputs.project import Project
from wreport.inputs.text import HANGUL, squash_spaces
from wreport.render.templating import AUDIENCE_FILE, SHARED_FOLDER, TEMPLATE_SUFFIX, load_audience

#: Audience names become folder and file names (out/<name>/<name>.en.pdf) and CLI arguments:
#: lower-case words joined by hyphens keep them portable and unambiguous.
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NAME_MAX = 40
SHARED_MACROS = f"{SHARED_FOLDER}/macros.md.j2"


def check_name(name: str) -> None:
    """Refuse a name that would not make a clean folder, file and command-line name."""
    if not NAME.fullmatch(name) or len(name) > NAME_MAX:
        raise ConfigError(f"invalid audience name {name!r}",
                          hint=f"use lower-case letters, digits and single hyphens, starting with a letter, "
                               f"up to {NAME_MAX} characters: investor-brief")


def new_audience(project: Project, name: str, facts: FactSet, glossary: Glossary,
                 source: str | None = None) -> Path:
    """Create ``templates/<name>/``: a copy of audience ``source``, or a starter; return the folder.

    The starter prints the first fact and the first glossary term of this project, so it builds in
    any project; the facts and glossary are passed in (not loaded here) because the caller has
    them, and a project whose data does not load should fail before anything is written.
    """
    check_name(name)
    target = project.templates_dir / name
    if target.exists():
        raise ConfigError(f"{project.relative(target)} already exists; wreport never overwrites an audience",
                          hint="choose another name, or remove that folder first")
    if source is not None:
        load_audience(project, source)  # a broken or unknown source fails here, with its own message
    project.templates_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=project.templates_dir))
    try:
        folder = staging / name
        if source is not None:
            _copy(project.templates_dir / source, folder, source)
        else:
            _write_starter(folder, name, project, facts, glossary)
        folder.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _copy(origin: Path, folder: Path, source: str) -> None:
    """Copy an audience folder and mark its audience.toml as a copy whose titles need changing."""
    shutil.copytree(origin, folder, ignore=shutil.ignore_patterns("__pycache__", "*~", ".*"))
    config = folder / AUDIENCE_FILE
    config.write_text(f"# Copied from the '{source}' audience by `wreport new-audience`: change the titles "
                      f"below.\n{config.read_text(encoding='utf-8')}", encoding="utf-8")


def _write_starter(folder: Path, name: str, project: Project, facts: FactSet, glossary: Glossary) -> None:
    """audience.toml and a ko/en template pair using one fact, one term and the shared macros."""
    fact = next(iter(facts), None)
    term = next((t for t in glossary.terms if not t.is_counted_noun), None)
    if fact is None or term is None:
        missing = "fact" if fact is None else "glossary term"
        raise ConfigError(f"the starter template needs at least one {missing}",
                          Location.of(project.relative(project.facts_file if fact is None else project.glossary_file)),
                          hint="add one, or copy an existing audience with --from")
    shared = _has_fact_table(project.templates_dir / SHARED_MACROS)
    latest = max((source.date.date for source in facts.sources.values()), default=datetime.date.today())
    folder.mkdir()
    ko_title, en_title = starter_titles(project.name, name)
    (folder / AUDIENCE_FILE).write_text(_STARTER_AUDIENCE.format(name=name, ko_title=json.dumps(ko_title,
                                        ensure_ascii=False), en_title=json.dumps(en_title), date=latest.isoformat()),
                                        encoding="utf-8")
    for lang, words in _STARTER_WORDS.items():
        text = _starter_template(lang, words, fact.id, term.id, shared)
        (folder / f"{lang}{TEMPLATE_SUFFIX}").write_text(text, encoding="utf-8")


def starter_titles(project_name: str, audience: str) -> tuple[str, str]:
    """The starter's Korean and English titles: the project's name (wreport.toml, ``init --name``)
    in both; a Korean name cannot be the English title, which then is the audience's name in words
    (investor-brief: Investor brief), as is an empty one."""
    words = audience.replace("-", " ").capitalize()
    name = squash_spaces(project_name)
    return name or words, (name if name and not HANGUL.search(name) else words)


def _has_fact_table(macros: Path) -> bool:
    """Whether the project's shared macros offer ``fact_table`` (another project may not have it)."""
    return macros.is_file() and "macro fact_table(" in macros.read_text(encoding="utf-8")


def _starter_template(lang: str, words: dict[str, str], fact_id: str, term_id: str, shared: bool) -> str:
    """One language's starter: a heading, a sentence with a term (marked as the brief's own text,
    own(): it rests on no source), one with a fact, and a shared table."""
    lines = [f"{{#- {words['comment']} -#}}"]
    if shared:
        lines.append(f'{{% import "{SHARED_MACROS}" as m with context -%}}')
    lines += ["", f"# {words['heading']}", "",
              f'{words["name"]}: {{{{ term("{term_id}") }}}}.{{{{ own() }}}}', "",
              f'{words["figure"]}: {{{{ fact_label("{fact_id}") }}}}, {{{{ fact("{fact_id}") }}}} '
              f'({{{{ fact_period("{fact_id}") }}}}).', ""]
    if shared:
        lines += [f'{{{{ m.fact_table(["{fact_id}"], "{words["caption"]}") }}}}', ""]
    return "\n".join(lines)


_STARTER_AUDIENCE = """\
# The '{name}' audience. Titles are what the title page and the file properties show.
# `date`: the date the content is current to, which builds stamp instead of today's date (the
# starter takes the newest source's date; change it to yours).
languages = ["ko", "en"]
formats = ["html", "pdf", "docx"]
date = {date}

[ko]
title = {ko_title}

[en]
title = {en_title}
"""

_STARTER_WORDS = {
    "ko": {"comment": "새 청중용 한국어판 시작 템플릿입니다. 수치는 fact(), 명칭은 term()으로 씁니다 (README 'Writing a template').",
           "heading": "개요", "caption": "주요 수치", "name": "용어집의 명칭", "figure": "사실 자료의 수치"},
    "en": {"comment": "Starter template, English edition. Figures come from fact(), names from term() "
                      "(README 'Writing a template').",
           "heading": "Overview", "caption": "Key figure", "name": "A name from the glossary",
           "figure": "A figure from the fact set"},
}
