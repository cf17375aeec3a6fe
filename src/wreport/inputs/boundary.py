"""What wreport writes must never hurt what it reads, nor whoever opens it.

* :func:`refuse_inputs`: an output path (``build --out``, ``glossary export --output``, ``[paths]
  out``) that is, or lies inside, one of the project's inputs is refused before anything is
  written, so ``--output glossary/terms.csv`` cannot replace the glossary with XML and ``--out
  templates`` cannot write into the templates. Paths are compared after resolving symlinks.
* :func:`spreadsheet_safe`: a CSV cell that a spreadsheet would run as a formula (it starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, as OWASP's
  advice on CSV injection asks; a plain number such as ``-3.2`` is left as it is, since a number
  is not a formula.
* :func:`remove_stale_temporaries`: the temporary files :func:`wreport.inputs.files.write_atomic`
  leaves when a build is killed mid-write; :func:`rewriting` holds a folder's lock and removes
  those of the files a command is about to write there (sign-off records, set-aside.yaml).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wreport.errors import ConfigError
from wreport.inputs.project import CONFIG_NAME, Project

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def inputs(project: Project) -> list[tuple[Path, str]]:
    """The project's inputs, each with what it is called in a message: wreport.toml, the
    sources manifest and folder, set-aside.yaml, the facts, the claims, the glossary, the templates
    folder and the sign-off records (written only by ``wreport review approve``, never by an
    output); and the folder holding sources.yaml, unless it is the project folder itself."""
    data = project.sources_file.parent
    found = [(project.root / CONFIG_NAME, "configuration"), (project.sources_file, "sources manifest"),
             (data / "sources", "sources folder"), (data / "set-aside.yaml", "set-aside figures"),
             (project.facts_file, "facts"), (project.claims_file, "claims"), (project.glossary_file, "glossary"),
             (project.templates_dir, "templates folder"), (project.signoff_dir, "sign-off records")]
    if data.resolve() != project.root.resolve():  # seeds/: every curated file there
        found.append((data, "data folder"))
    return found


def refuse_inputs(project: Project, path: Path, option: str) -> None:
    """Raise a ConfigError if writing ``path`` would write an input or into an input folder."""
    target = Path(path).resolve()
    for source, what in inputs(project):
        real = source.resolve()
        if target == real or target.is_relative_to(real) and not real.is_file():
            where = "is" if target == real else "lies inside"
            raise ConfigError(f"{option} {path} {where} the project's {what} ({project.relative(real)}); "
                              "outputs never overwrite inputs", hint="choose a path outside the inputs, such as out/")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text: a leading apostrophe before a formula start."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def remove_stale_temporaries(folder: Path, names: list[str]) -> list[Path]:
    """Remove ``.NAME.*.tmp`` files (write_atomic's) of the given file names in ``folder``; the
    removed paths. Only names wreport writes there are matched, so a user's own file is never touched."""
    removed = []
    for name in names:
        for temp in folder.glob(f".{glob.escape(name)}.*.tmp"):
            if temp.is_file() and not temp.is_symlink():
                temp.unlink(missing_ok=True)
                removed.append(temp)
    return removed


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder while writing into it (POSIX ``flock`` on the
    folder itself, so no lock file is left; the system releases it if the process dies), so
    one build never removes the temporary files of another build that is writing at the same
    time. Where there is no ``fcntl`` (Windows), nothing is locked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextmanager
def rewriting(path: Path) -> Iterator[None]:
    """Hold the lock of ``path``'s folder while a command rewrites ``path``, first removing the
    temporary files an earlier writer of it, killed mid-write, left there (none of a live one:
    every writer of the file holds the same lock)."""
    with locked(path.parent):
        remove_stale_temporaries(path.parent, [path.name])
        yield
