"""An interrupted ``sources add`` is finished or undone by the next curation command.

``sources add`` writes three files: the original, the text (both new, in the sources folder) and
sources.yaml (replaced atomically, last: it is the commit point). A process killed between them
(``kill -9``, a power cut, a full disk) used to leave the text and the original behind, and the
retry was refused because they existed. So the import first writes a journal beside sources.yaml,
``.wreport-import.yaml``, naming the source and each file it is about to write with its SHA-256,
and removes it last. The next ``sources add``, ``sources remove`` or ``sources list`` finds a
journal left behind and, holding the same lock, either finishes the import (its entry is in
sources.yaml: only the journal goes) or undoes it (deletes the files the journal names, only
if their content is what it records, so a file a user made since is kept), removes the
temporary files of ``write_atomic`` the kill left, and says which.

The lock (``inputs.boundary.locked``, a ``flock`` on the folder holding sources.yaml, released by
the system if the process dies) keeps a second import from taking a live import's journal for
a dead one's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from wreport.errors import DataError, Location, WreportError
from wreport.inputs.boundary import locked, remove_stale_temporaries
from wreport.inputs.files import sync_folder, write_atomic
from wreport.inputs.project import Project
from wreport.inputs.records import FileProblems, entries_under, read_yaml
from wreport.inputs.schemas import ImportJournal, parse_yaml, validate

JOURNAL = ".wreport-import.yaml"
#: A journal names one id and at most four files: anything longer was not written by wreport.
JOURNAL_BYTES = 4_000


def journal_path(project: Project) -> Path:
    return project.sources_file.parent / JOURNAL


@contextlib.contextmanager
def recovered(project: Project) -> Iterator[str | None]:
    """Hold the sources lock and finish or undo an import left half-done; yields what was done
    (None when nothing was pending). Every command that changes sources.yaml runs inside it."""
    folder = project.sources_file.parent
    if not folder.is_dir():  # no sources.yaml folder yet: nothing to recover, nobody to race
        yield None
        return
    with locked(folder):
        yield recover(project)


def recover(project: Project) -> str | None:
    """Finish or undo the import a journal records (the caller holds the lock); what was done."""
    folder = project.sources_file.parent
    remove_stale_temporaries(folder, [JOURNAL, project.sources_file.name])
    path = journal_path(project)
    if not os.path.lexists(path):  # anything else there (a folder, a FIFO, a link) is read, and refused
        return None
    journal = _read(project, path)
    remove_stale_temporaries(folder / "sources", list(journal.files))
    if journal.id in _manifest_ids(project, journal.id):
        _finish(path)
        return (f"an interrupted import of '{journal.id}' had written its entry in "
                f"{project.relative(project.sources_file)}: finished")
    removed = [name for name, digest in journal.files.items() if _delete_if(folder / "sources" / name, digest)]
    _finish(path)
    gone = ", ".join(removed) if removed else "nothing was written yet"
    return f"an interrupted import of '{journal.id}' was undone ({gone}); sources.yaml never had its entry"


def begin(project: Project, source_id: str, files: dict[Path, bytes]) -> None:
    """Record the import about to write ``files`` (path: content); refuses if one is pending."""
    names = {path.name: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    text = json.dumps({"id": source_id, "files": names}, indent=2) + "\n"
    try:
        write_atomic(journal_path(project), text, exclusive=True)
    except FileExistsError:  # recover() ran under the same lock: only a crafted race gets here
        raise DataError("another import is under way", Location.of(project.relative(journal_path(project))),
                        hint="wait for it, then try again") from None


def end(project: Project) -> None:
    """The import is complete (or its files are gone again): the journal goes."""
    _finish(journal_path(project))


def _finish(path: Path) -> None:
    path.unlink(missing_ok=True)
    sync_folder(path.parent)


def _read(project: Project, path: Path) -> ImportJournal:
    """The journal, checked against its schema (a damaged or crafted one is a message at its line)."""
    shown = project.relative(path)
    hint = "it records an import that was cut short; if you know none was, delete it"
    try:
        text = project.read_text(path, DataError, limit=JOURNAL_BYTES)
    except WreportError as exc:  # a folder, a FIFO, a link out, a file no import writes
        raise DataError(exc.message, exc.location, hint=hint) from None
    parsed, problems = parse_yaml(text, shown)
    journal = None
    if parsed is not None:
        journal, problems = validate(ImportJournal, parsed.data, parsed, shown, error=DataError)
    if journal is None:
        first = problems[0] if problems else DataError("empty", Location.of(shown))
        raise DataError(f"cannot read the journal of an interrupted import: {first.message}",
                        first.location or Location.of(shown), hint=hint)
    if any(not name.startswith(f"{journal.id}.") for name in journal.files):
        raise DataError(f"the journal names files of another source than '{journal.id}'", Location.of(shown),
                        hint=hint)
    return journal


def _manifest_ids(project: Project, pending: str) -> set[str]:
    """The ids in sources.yaml as it is now (the kill left it old or new, never half-written)."""
    problems: list[WreportError] = []
    report = FileProblems(project.relative(project.sources_file), problems)
    parsed = read_yaml(project, project.sources_file, report) if project.sources_file.exists() else None
    if problems:
        raise DataError(f"an import of '{pending}' was cut short, and sources.yaml does not load, so wreport cannot "
                        f"tell whether it finished: {problems[0]}",
                        Location.of(project.relative(project.sources_file)),
                        hint="fix sources.yaml, then run `wreport sources list` to finish or undo the import")
    return {str(raw.get("id")) for _, raw in entries_under(parsed, "sources", report)}


def _delete_if(path: Path, digest: str) -> bool:
    """Delete ``path`` if it is a regular file holding exactly what the journal recorded."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
            return False
    path.unlink()
    return True
