"""One way in: every input file wreport reads (config, data, glossary, templates, source texts).

The project folder is a boundary. Inputs are data someone else wrote, possibly a folder copied
from a shared drive, so before a byte is read this module checks that the file's real path (all
symlinks followed) lies inside the project root and that it is a regular file, not a FIFO that
would hang the build or a device such as /dev/zero that would fill memory. The file is opened
without following a last symlink and without blocking, its size is capped, and its text must be
strict UTF-8 without control characters; a BOM is dropped and the text normalised to NFC, so a
glossary saved by a tool that writes decomposed Hangul matches what the templates say.

Every problem is a :class:`~wreport.errors.WreportError` (of the class the caller names, so a
template's problem is a TemplateError and a fact file's a DataError) naming the file as users
see it and, for a bad byte or a control character, its line and column. docs/inputs.md is the
user's description of the boundary.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jinja2
import jinja2.loaders

from wreport.errors import DataError, Location, TemplateError, WreportError
from wreport.inputs.text import UNSAFE, unsafe_name

#: Default caps, in bytes; wreport.toml ``[limits]`` changes them (docs/inputs.md).
FILE_BYTES = 2_000_000  # wreport.toml, audience.toml, sources.yaml, facts.yaml, terms.csv, templates
SOURCE_BYTES = 10_000_000  # each source text in seeds/sources/
MAX_BYTES = 1_000_000_000  # the largest cap [limits] accepts (the build cache reads up to it)

_BOM = "\ufeff"

ErrorClass = type[WreportError]


class TemplateInputError(TemplateError):
    """A template file that cannot be read: the message names that file (and the bad byte's line),
    not the template that includes it, so the renderer passes it on unchanged."""


def confine(path: Path, root: Path, shown: str, error: ErrorClass = DataError) -> Path:
    """``path`` with symlinks resolved, or ``error`` when it points outside the project root."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise error("refused: the path leads outside the project folder", Location.of(shown),
                    hint="inputs are read from inside the project only (symlinks too); copy the file in")
    return real


def read_bytes(path: Path, root: Path, shown: str, limit: int = FILE_BYTES, error: ErrorClass = DataError) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them.

    The type is checked with os.stat before opening (opening a FIFO would block), then again on
    the open descriptor (O_NOFOLLOW, O_NONBLOCK), so a file swapped for a link or a device between
    the two checks is refused too.
    """
    real = confine(path, root, shown, error)
    try:
        _check_regular(os.stat(real), shown, limit, error)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        handle = os.open(real, flags)
    except FileNotFoundError:
        raise error("file not found", Location.of(shown)) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", Location.of(shown)) from None
    with os.fdopen(handle, "rb") as file:
        _check_regular(os.fstat(file.fileno()), shown, limit, error)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew after the check
        raise _too_large(shown, limit, error)
    return data


def _check_regular(info: os.stat_result, shown: str, limit: int, error: ErrorClass) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file")
        raise error(f"refused: {kind}, not a regular file", Location.of(shown),
                    hint="inputs must be ordinary files")
    if info.st_size > limit:
        raise _too_large(shown, limit, error)


def _too_large(shown: str, limit: int, error: ErrorClass) -> WreportError:
    return error(f"refused: the file is larger than {limit:,} bytes", Location.of(shown),
                 hint="raise the cap in wreport.toml [limits] if the file is meant to be this large")


def decode(data: bytes, shown: str, error: ErrorClass = DataError) -> str:
    """Strict UTF-8 text without a BOM, NFC-normalised, with no control characters.

    A bad byte or a control character is an error at its line and column (columns count
    characters, 1-based), which is where an editor's cursor has to go to fix it.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise error(f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read", Location.of(shown, line, column),
                    hint="save the file as UTF-8") from None
    text = text.removeprefix(_BOM)
    found = UNSAFE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise error(f"{unsafe_name(found.group())} in the text", Location.of(shown, line, column),
                    hint="delete it: only tabs and line breaks may appear in an input file")
    return unicodedata.normalize("NFC", text)


def read_text(path: Path, root: Path, shown: str, limit: int = FILE_BYTES, error: ErrorClass = DataError) -> str:
    """An input file's text through every check of this module (see :func:`read_bytes`, :func:`decode`)."""
    return decode(read_bytes(path, root, shown, limit, error), shown, error)


class ProjectLoader(jinja2.BaseLoader):
    """Jinja's template loader, through :func:`read_text`: templates, partials, includes and
    imports are read from the search folders (audience first, then templates) and nowhere else.

    Jinja's own FileSystemLoader already refuses ``..`` in a template name but follows symlinks
    and reads FIFOs; this one refuses both, drops a BOM (which would make a first-line heading a
    paragraph) and names a bad byte's line and column.
    """

    def __init__(self, search: list[Path], root: Path, shown: Callable[[Path], str], limit: int = FILE_BYTES):
        self.search = search
        self.root = root
        self.shown = shown
        self.limit = limit

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.search:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            text = read_text(candidate, self.root, self.shown(candidate), self.limit, TemplateInputError)
            mtime = os.stat(candidate).st_mtime

            def uptodate(candidate: Path = candidate, mtime: float = mtime) -> bool:
                try:
                    return os.stat(candidate).st_mtime == mtime
                except OSError:
                    return False

            return text, str(candidate), uptodate
        raise jinja2.TemplateNotFound(template)
