"""Reading one YAML input file of records (facts, sources, set-aside figures, claims): every
problem in it collected with the file's user-facing name and its line, so a loader reports them
all at once instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel

from wreport.errors import DataError, Location, WreportError, did_you_mean, raise_if_any
from wreport.inputs.schemas import Parsed, Wording, parse_yaml, validate

if TYPE_CHECKING:
    from wreport.inputs.project import Project

Entry = TypeVar("Entry", bound=BaseModel)


class Record(Protocol):
    """What :func:`by_id` needs of a parsed entry: its id and the line it starts on."""

    @property
    def id(self) -> str: ...

    @property
    def line(self) -> int | None: ...


Item = TypeVar("Item", bound=Record)


class FileProblems:
    """Collects the problems of one file, each with the file's user-facing name and a line."""

    def __init__(self, shown: str, problems: list[WreportError], parsed: Parsed | None = None):
        self.shown = shown
        self.problems = problems
        self.parsed = parsed or Parsed(None)

    def add(self, message: str, line: int | None = None, hint: str | None = None, check: str | None = None) -> None:
        self.problems.append(DataError(message, Location.of(self.shown, line), hint=hint, check=check))

    def line(self, *loc: str | int) -> int | None:
        return self.parsed.line_of(loc)

    def raise_if_any(self) -> None:
        """Raise what was found as one error naming the file (a single problem as itself), so
        the user sees every problem of the file in one run, not one per run."""
        raise_if_any(self.problems, f"{len(self.problems)} problems in {self.shown}")


def read_yaml(project: Project, path: Path, report: FileProblems) -> Parsed | None:
    """The parsed YAML document (read through the inputs module), or None after recording why it
    cannot be read; problems that leave the document usable (a repeated key) are recorded too."""
    try:
        text = project.read_text(path, DataError)
    except WreportError as exc:
        if exc.message == "file not found":
            exc.hint = "create it, or set its path in wreport.toml [paths]"
        report.problems.append(exc)
        return None
    parsed, problems = parse_yaml(text, report.shown)
    report.problems.extend(problems)
    if parsed is not None:
        report.parsed = parsed
    return parsed


def entries_under(parsed: Parsed | None, key: str, report: FileProblems) -> list[tuple[int, dict[str, Any]]]:
    """The mappings under a top-level key, with their index, recording what is malformed."""
    if parsed is None or parsed.data is None:
        return []
    document = parsed.data
    if not isinstance(document, dict) or key not in document:
        report.add(f"expected a top-level '{key}:' list", report.line())
        return []
    entries = document[key] or []
    if not isinstance(entries, list):
        report.add(f"'{key}' must be a list of entries", report.line(key))
        return []
    good = [(index, entry) for index, entry in enumerate(entries) if isinstance(entry, dict)]
    if len(good) != len(entries):
        report.add(f"every item under '{key}' must be a mapping (id: ..., ...)", report.line(key))
    return good


def check_top_keys(parsed: Parsed | None, allowed: tuple[str, ...], report: FileProblems) -> None:
    """An unknown top-level key (a misspelt ``conflicts:``) is an error, not silently ignored."""
    if parsed is None or not isinstance(parsed.data, dict):
        return
    for name in parsed.data:
        if name not in allowed:
            report.add(f"unknown top-level key '{name}'", report.line(name),
                       hint=did_you_mean(name, allowed) or f"known: {', '.join(allowed)}")


def validated_entry(model: type[Entry], key: str, index: int, raw: dict[str, Any], what: str,
               report: FileProblems) -> Entry | None:
    """One entry checked against its schema; every problem in it recorded with its line."""
    entry, problems = validate(model, raw, report.parsed, report.shown, (key, index), DataError,
                               Wording("field", lambda loc: f"{what}: "))
    report.problems.extend(problems)
    return entry


def by_id(items: Iterable[Item | None], what: str, report: FileProblems) -> dict[str, Item]:
    """Parsed entries keyed by id in file order, skipping failed ones; a repeated id is reported
    at its second place (the first one stays, so references to it still resolve)."""
    keyed: dict[str, Item] = {}
    for item in items:
        if item is None:
            continue
        if item.id in keyed:
            report.add(f"duplicate {what} id '{item.id}' (first at line {keyed[item.id].line})", item.line)
        else:
            keyed[item.id] = item
    return keyed
