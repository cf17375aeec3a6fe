"""Writing files atomically and durably: the one place every writer of the project goes through.

A file is written to a temporary file in the target folder, flushed to disk (fsync), checked if
the caller asks, and renamed into place; then the folder itself is flushed, so the rename
survives a power cut. A reader (a PDF viewer, a spreadsheet, a build running at the same time)
sees either the old file or the complete new one, never a half-written file; a failed write
leaves the old file alone and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from wreport.errors import Location, RenderError


def write_atomic(path: Path | str, data: bytes | str, *, check: Callable[[Path], None] | None = None,
                 exclusive: bool = False) -> None:
    """Write ``data`` (text is encoded as UTF-8) to ``path`` through a temporary file beside it.

    ``check`` is called with the complete temporary file before it takes the target's place (a
    manifest that must still load); whatever it raises propagates, and nothing is replaced.
    ``exclusive`` never replaces an existing file: it raises FileExistsError instead (sources are
    never overwritten). An OSError is a RenderError naming the path.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RenderError(f"cannot write here: {exc.strerror}", Location.of(path),
                          hint="check that the folder exists and is writable") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        if check is not None:
            check(temp)
        _put_in_place(temp, path, exclusive)
        sync_folder(path.parent)
    except FileExistsError:
        raise
    except OSError as exc:
        raise RenderError(f"cannot write: {exc.strerror}", Location.of(path)) from None
    finally:
        temp.unlink(missing_ok=True)


def _put_in_place(temp: Path, path: Path, exclusive: bool) -> None:
    """Rename over the target, or link to a name that must not exist yet (the link fails
    atomically when it does, where a check-then-rename could race another writer)."""
    if exclusive:
        os.link(temp, path)
    else:
        os.replace(temp, path)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename, a new or removed file) to disk. Some file systems
    cannot open a folder for this; their renames are then as durable as they make them."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
