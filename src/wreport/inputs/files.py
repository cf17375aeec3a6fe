"""Writing output files atomically.

An output is written to a temporary file in the target folder and renamed into place, so a
reader (a PDF viewer, a spreadsheet, a build running at the same time) sees either the old file
or the complete new one, never a half-written file; a failed write leaves the old file alone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wreport.errors import Location, RenderError


def write_atomic(path: Path | str, data: bytes | str) -> None:
    """Write ``data`` (text is encoded as UTF-8) to ``path`` via a temporary file and os.replace.

    The temporary file sits in the same folder so the rename never crosses file systems.
    Raises RenderError naming the path when the folder is missing or not writable.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RenderError(f"cannot write here: {exc.strerror}", Location.of(path),
                          hint="check that the folder exists and is writable") from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(payload)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise RenderError(f"cannot write: {exc.strerror}", Location.of(path)) from None
