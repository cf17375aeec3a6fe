"""What an output depends on, as one content hash, and the record of what was last built.

An output is up to date when the hash over every input it was made from is the one recorded when
it was written and the file on disk is still the file that was written. The inputs of
``<audience>.<lang>.<format>`` are:

* the project's data: ``wreport.toml``, the facts, ``sources.yaml`` and every file in the sources
  folder beside it, the glossary;
* the audience's ``audience.toml`` and the templates its ``<lang>.md.j2`` can reach through
  ``{% import %}``, ``{% include %}``, ``{% extends %}`` and ``{% from %}``, followed from template
  to template; when a name is computed at render time (or a template does not parse) every file of
  the templates folder counts instead, so a change is never missed;
* the tool itself: its version and every file of the installed package (code, styles, fonts,
  reference.docx), and the versions of the libraries that shape the bytes (WeasyPrint,
  python-docx, matplotlib...).

Hashes are of contents, not times: a checkout, a copy or ``touch`` does not rebuild anything,
while an edit that is undone is recognised as unchanged. The record is one JSON file next to the
outputs (``<out>/.wreport-cache.json``); losing it only costs a rebuild.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable

from . import __version__
from .fileio import write_atomic
from .project import CONFIG_NAME, Project

CACHE_NAME = ".wreport-cache.json"
CACHE_VERSION = 1
PACKAGE_DIR = Path(__file__).resolve().parent
# Libraries whose version can change an output's bytes (a new WeasyPrint lays out differently).
LIBRARIES = ("weasyprint", "pydyf", "python-docx", "matplotlib", "jinja2", "markdown-it-py", "mdit-py-plugins",
             "babel", "pyyaml", "fonttools")


# ---------------------------------------------------------------- which files
def data_files(project: Project) -> list[Path]:
    """The project's data files every output depends on (missing ones are listed all the same:
    the build reports them, and creating one must change the hash)."""
    sources_folder = project.sources_file.parent / "sources"
    sources = sorted(p for p in sources_folder.rglob("*") if p.is_file()) if sources_folder.is_dir() else []
    return [project.root / CONFIG_NAME, project.facts_file, project.sources_file, *sources, project.glossary_file]


def package_files() -> list[Path]:
    """Every file of the installed package except compiled bytecode, which Python rewrites at will."""
    return sorted(p for p in PACKAGE_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def template_files(project: Project, audience_folder: Path, lang: str) -> list[Path]:
    """``audience.toml`` and the templates an edition's ``<lang>.md.j2`` can reach.

    Names are resolved the way the renderer's loader does: the audience folder first, then the
    templates folder. A name that does not resolve is kept (as its would-be path) so creating the
    file later changes the hash. Falls back to every file of the templates folder when a template
    does not parse or names another template with an expression.
    """
    import jinja2
    from jinja2 import meta

    parser = jinja2.Environment()
    roots = [audience_folder, project.templates_dir]
    found: list[Path] = [audience_folder / "audience.toml"]
    pending = [audience_folder / f"{lang}.md.j2"]
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.append(path)
        if not path.is_file():
            continue
        try:
            names = list(meta.find_referenced_templates(parser.parse(path.read_text(encoding="utf-8"))))
        except (jinja2.TemplateSyntaxError, OSError, UnicodeDecodeError):
            names = [None]
        if None in names:
            return _all_files(project.templates_dir)
        pending += [_resolve(name, roots) for name in names]
    return sorted(found)


def _resolve(name: str, roots: list[Path]) -> Path:
    """Where the loader would find template ``name``: the first root holding it (else the first root)."""
    candidates = [root.joinpath(*name.split("/")) for root in roots]
    return next((path for path in candidates if path.is_file()), candidates[0])


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


# ---------------------------------------------------------------- hashes
class Hasher:
    """Content hashes of files and groups of files, each file read once per build."""

    def __init__(self, root: Path):
        self.root = root
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        """The SHA-256 of a file's bytes ("missing" for a file that does not exist)."""
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except FileNotFoundError:
                self._files[path] = "missing"
        return self._files[path]

    def files(self, paths: Iterable[Path]) -> str:
        """One hash over named files: each file's name (relative to the project when inside it,
        so a moved project is still up to date) and contents."""
        digest = hashlib.sha256()
        for path in paths:
            digest.update(f"{self._name(path)}\0{self.file(path)}\n".encode())
        return digest.hexdigest()

    def _name(self, path: Path) -> str:
        for base in (self.root, PACKAGE_DIR):
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return str(path)


def tool_key() -> str:
    """The hash of the tool: wreport's version and files, and the versions of its libraries."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    hasher = Hasher(PACKAGE_DIR)
    return hashlib.sha256("\n".join([__version__, *versions, hasher.files(package_files())]).encode()).hexdigest()


def output_key(common: str, templates: str, audience: str, lang: str, fmt: str) -> str:
    """The key of one output: the shared inputs, its edition's templates, and what it is."""
    return hashlib.sha256("\0".join([common, templates, audience, lang, fmt]).encode()).hexdigest()


# ---------------------------------------------------------------- the record
@dataclass(frozen=True)
class Entry:
    """What was recorded of one written output."""

    key: str
    sha256: str
    size: int
    pages: int | None = None


class BuildRecord:
    """``<out>/.wreport-cache.json``: for each output (by path relative to the out folder) the
    key it was built with and the hash of the bytes written, so a file edited or replaced by
    hand is rebuilt too. An unreadable record is treated as empty: it only costs a rebuild."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / CACHE_NAME
        self.entries: dict[str, Entry] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("version") == CACHE_VERSION:
                self.entries = {name: Entry(**entry) for name, entry in stored["outputs"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.entries = {}

    def _name(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def current(self, path: Path, key: str) -> Entry | None:
        """The recorded entry if ``path`` was built with ``key`` and is unchanged since, else None."""
        entry = self.entries.get(self._name(path))
        if entry is None or entry.key != key:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return entry if len(data) == entry.size and hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def record(self, path: Path, key: str, data: bytes, pages: int | None) -> None:
        self.entries[self._name(path)] = Entry(key, hashlib.sha256(data).hexdigest(), len(data), pages)

    def save(self) -> None:
        """Write the record (atomically; entries of outputs this build did not touch are kept)."""
        outputs = {name: vars(entry) for name, entry in sorted(self.entries.items())}
        text = json.dumps({"version": CACHE_VERSION, "outputs": outputs}, indent=1, ensure_ascii=False)
        write_atomic(self.path, text + "\n")
