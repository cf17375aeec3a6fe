"""sources.yaml as the curation commands change it: ``sources list`` and ``sources remove``.

sources.yaml is edited as text (an entry appended, an entry's lines taken out), so its comments
and layout survive, and every new version is loaded by the ordinary loader (facts.load_facts)
before it replaces the old one (:func:`write_manifest`). ``remove`` takes a source out only when
nothing cites it, and in an order that a failure cannot leave half-done: first the new
sources.yaml (atomically), then the text and the original; a file left behind by a failure is no
longer anyone's source, and running ``remove`` again deletes it.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wreport.curation.coverage import load_set_aside, set_aside_path
from wreport.curation.journal import recovered
from wreport.data.facts import FactSet, load_facts
from wreport.errors import DataError, Location, WreportError, did_you_mean, would_not_load
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project

#: The most files of one source (its text and originals) ``remove`` deletes.
MAX_FILES = 10


@dataclass(frozen=True)
class Removed:
    """What ``remove_source`` did: the id, whether sources.yaml lost an entry, and the files deleted."""

    id: str
    entry_removed: bool
    files: list[Path]


def write_manifest(project: Project, text: str, change: str) -> None:
    """Replace sources.yaml with ``text`` once the ordinary loader accepts it; else nothing changes.
    ``change`` says what the new text does (``with the entry for 'x' added at line 23``): a
    problem's line is one of the new text, which the user's file does not have yet."""
    manifest = project.sources_file
    shown = project.relative(manifest)

    def loads(temp: Path) -> None:
        """The new manifest must load before it replaces the old one; its problems are reported
        at sources.yaml, never at the temporary copy (gone by the time the message is read)."""
        checked = dataclasses.replace(project, paths={**project.paths, "sources": temp})
        try:
            load_facts(checked)
        except WreportError as exc:
            raise would_not_load(exc, project.relative(temp), shown, change) from None

    write_atomic(manifest, text, check=loads)


def source_files(project: Project, source_id: str, text_name: str | None) -> list[Path]:
    """The files of a source in the sources folder: its text and ``<id or text stem>.original.*``."""
    folder = project.sources_file.parent / "sources"
    stems = {source_id, *([Path(text_name).stem] if text_name else [])}
    names = {f"{source_id}.txt", *([text_name] if text_name else [])}
    found: list[Path] = []
    if not folder.is_dir():
        return found
    with os.scandir(folder) as entries:
        for entry in entries:
            original = any(entry.name.startswith(f"{stem}.original.") for stem in stems)
            if (entry.name in names or original) and entry.is_file(follow_symlinks=False):
                found.append(folder / entry.name)
                if len(found) > MAX_FILES:
                    raise DataError(f"more than {MAX_FILES} files belong to source '{source_id}'",
                                    Location.of(project.relative(folder)), hint="remove them yourself")
    return sorted(found)


def remove_source(project: Project, source_id: str, say: Callable[[str], None] | None = None) -> Removed:
    """Take ``source_id`` out of sources.yaml and delete its text and original, unless a fact or a
    set-aside entry or claim uses it (DataError naming them). A source already gone from sources.yaml whose
    files are still there (an earlier remove that failed midway) has its files deleted. An import
    cut short is finished or undone first (curation/journal.py), and ``say`` is told which."""
    with recovered(project) as note:
        if note and say:
            say(note)
        return _remove(project, source_id)


def _remove(project: Project, source_id: str) -> Removed:
    """remove_source's work, under the sources lock."""
    fact_set = load_facts(project)
    source = fact_set.sources.get(source_id)
    if source is None:
        leftovers = [p for p in source_files(project, source_id, None) if not _still_used(fact_set, p)]
        if not leftovers:
            raise DataError(f"unknown source '{source_id}'", Location.of(project.relative(project.sources_file)),
                            hint=did_you_mean(source_id, fact_set.sources) or "wreport sources list shows the ids")
        return Removed(source_id, False, _delete(leftovers))
    _refuse_if_used(project, fact_set, source_id)
    files = source_files(project, source_id, source.file.name)
    text = project.read_text(project.sources_file, DataError)
    write_manifest(project, _without_entry(text, source.line or 0, project.relative(project.sources_file)),
                   f"with the entry of '{source_id}' taken out")
    return Removed(source_id, True, _delete(files))


def _refuse_if_used(project: Project, fact_set: FactSet, source_id: str) -> None:
    """Refuse while a fact or a claim quotes the source or a set-aside entry names it, listing each
    with its line."""
    users = [f"fact '{fact.id}' ({fact_set.facts_file}:{fact.line})" for fact in fact_set if fact.source == source_id]
    users += [f"claim '{claim.id}' ({fact_set.claims_file}:{claim.line})"
              for claim in fact_set.claims.values() if claim.source == source_id]
    if set_aside_path(project).exists():
        shown = project.relative(set_aside_path(project))
        users += [f"set-aside entry '{e.text}' ({shown}:{e.line})"
                  for e in load_set_aside(project, fact_set) if e.source == source_id]
    if users:
        raise DataError(f"source '{source_id}' is still cited by {len(users)}: {', '.join(users)}",
                        Location.of(project.relative(project.sources_file)),
                        hint="remove or re-source those first; nothing was changed")


def _without_entry(text: str, line: int, shown: str) -> str:
    """sources.yaml's text without the entry starting at ``line`` (its ``- id:`` line): up to the
    next entry or top-level key, with the blank line before it."""
    lines = text.splitlines(keepends=True)
    start = line - 1
    head = re.match(r"(\s*)- ", lines[start]) if 0 <= start < len(lines) else None
    if head is None:
        raise DataError("cannot find the entry's first line", Location.of(shown, line), hint="nothing was changed")
    indent = len(head.group(1))
    end = start + 1
    while end < len(lines) and not _starts_next(lines[end], indent):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments before the next entry stay with it
    if start > 0 and not lines[start - 1].strip():
        start -= 1
    return "".join(lines[:start] + lines[end:])


def _starts_next(line: str, indent: int) -> bool:
    """Whether ``line`` begins the next entry (``- `` at the entry's indent) or a top-level key."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith("#"):
        return False
    depth = len(line) - len(stripped)
    return depth < indent or (depth == indent and stripped.startswith("- ")) or (depth == 0 and indent > 0)


def _still_used(fact_set: FactSet, path: Path) -> bool:
    return any(source.file.name == path.name for source in fact_set.sources.values())


def _delete(files: list[Path]) -> list[Path]:
    for path in files:
        path.unlink(missing_ok=True)
    return files

