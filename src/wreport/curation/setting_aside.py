"""``wreport facts set-aside``: set aside many figures of a source at once, with one reason.

After the facts a brief needs are written, a source can still hold dozens of figures that are
relevant but not used in this brief. One entry in set-aside.yaml covers them: every figure of the
source no fact covers (and no earlier entry sets aside), or those in a range of lines, or every
occurrence of one mention's text. The entry is appended to set-aside.yaml as text (comments stay)
and the new file is checked as ``wreport facts coverage`` reads it before it replaces the old one;
an entry that would set aside nothing is refused, so the file never holds a stale entry.
"""

from __future__ import annotations

from pathlib import Path

from wreport.curation.coverage import coverage, load_set_aside, set_aside_path
from wreport.curation.importing import yaml_scalar
from wreport.data.facts import FactSet
from wreport.errors import DataError, Location, WreportError, did_you_mean, would_not_load
from wreport.inputs.boundary import rewriting
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.inputs.records import FileProblems, validated_entry
from wreport.inputs.schemas import SetAsideEntry

HEADER = ("# Mentions of figures in the sources that are deliberately not facts, each with its reason.\n"
          "# Format: docs/curation.md.\nset_aside:\n")


def add_set_aside(project: Project, fact_set: FactSet, fields: dict[str, str]) -> int:
    """Append one set-aside entry (``source``, ``reason`` and optionally ``lines``, ``text``,
    ``note``); return how many figures it sets aside. Raises DataError, nothing written, for an
    entry the schema refuses or one that sets aside nothing."""
    path = set_aside_path(project)
    shown = project.relative(path)
    _check_fields(project, fact_set, fields, shown)
    coverage(project, fact_set, [fields["source"]])  # the file as it is must load: its own errors first
    with rewriting(path):  # read and written under the folder's lock: another writer waits
        return _append(project, fact_set, fields, path, shown)


def _append(project: Project, fact_set: FactSet, fields: dict[str, str], path: Path, shown: str) -> int:
    """add_set_aside's writing: the entry appended, checked by loading the new file."""
    current = project.read_text(path, DataError) if path.exists() else HEADER
    if not current.endswith("\n"):
        current += "\n"
    entry_line = current.count("\n") + 1
    order = ("source", "text", "lines", "reason", "note")
    entry = "  - " + "\n    ".join(f"{key}: {yaml_scalar(fields[key])}" for key in order if key in fields) + "\n"
    found: list[int] = []

    def sets_aside_something(temp: Path) -> None:
        """The new file must load and its entry set aside at least one open figure (the file
        loaded without it, so a problem now is the new entry's: the file no longer reads, as
        when its entries are indented otherwise, or the entry matches nothing)."""
        try:
            load_set_aside(project, fact_set, temp)
        except WreportError as exc:
            raise would_not_load(exc, project.relative(temp), shown,
                                 f"with the new entry added at line {entry_line}") from None
        try:
            statuses = coverage(project, fact_set, [fields["source"]], set_aside_file=temp)
        except WreportError:
            where = f" at lines {fields['lines']}" if "lines" in fields else ""
            raise DataError(f"nothing to set aside in source '{fields['source']}'{where}", Location.of(shown),
                            hint="every figure there is covered by a fact or set aside already "
                            "(wreport facts coverage lists the open ones)") from None
        found.append(sum(1 for s in statuses if s.set_aside is not None and s.set_aside.line == entry_line))

    write_atomic(path, current + entry, check=sets_aside_something)
    return found[0]


def _check_fields(project: Project, fact_set: FactSet, fields: dict[str, str], shown: str) -> None:
    """The entry against its schema (set-aside.yaml's), and its source known."""
    problems: list[WreportError] = []
    validated_entry(SetAsideEntry, "set_aside", 0, dict(fields), "set-aside entry", FileProblems(shown, problems))
    if problems:
        raise problems[0]
    if fields["source"] not in fact_set.sources:
        raise DataError(f"unknown source '{fields['source']}'", hint=did_you_mean(fields["source"], fact_set.sources)
                        or "wreport sources list shows the ids", check="UnknownSource")
