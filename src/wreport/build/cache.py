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
  reference.docx), and which install of each library that shapes the bytes (WeasyPrint,
  python-docx, matplotlib...) is in use.

Files are hashed by content, not time: a checkout, a copy or ``touch`` does not rebuild anything,
while an edit that is undone is recognised as unchanged. The record is one JSON file next to the
outputs (``<out>/.wreport-cache.json``); losing it only costs a rebuild. Anyone can edit it, so
nothing in it is believed that could make a build stale: an output's recorded hash is checked
against the file, what a template loads against a scan of the template, and names outside the
out folder make the whole record ignored.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from wreport import __version__
from wreport.errors import WreportError
from wreport.inputs import reading as inputs
from wreport.inputs.files import write_atomic
from wreport.inputs.project import CONFIG_NAME, Project

CACHE_NAME = ".wreport-cache.json"
CACHE_VERSION = 2
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/wreport: the code, fonts and styles a build uses
# Libraries whose version can change an output's bytes (a new WeasyPrint lays out differently),
# by import name.
LIBRARIES = ("weasyprint", "pydyf", "docx", "matplotlib", "jinja2", "markdown_it", "mdit_py_plugins", "babel",
             "yaml", "fontTools")


# ---------------------------------------------------------------- which files
def data_files(project: Project) -> list[Path]:
    """The project's data files every output depends on (missing ones are listed all the same:
    the build reports them, and creating one must change the hash)."""
    sources_folder = project.sources_file.parent / "sources"
    sources = sorted(p for p in sources_folder.rglob("*") if p.is_file()) if sources_folder.is_dir() else []
    return [project.root / CONFIG_NAME, project.facts_file, project.claims_file, project.sources_file, *sources,
            project.glossary_file]


def package_files() -> list[Path]:
    """Every file of the installed package except compiled bytecode, which Python rewrites at will."""
    return sorted(p for p in PACKAGE_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def template_files(project: Project, audience_folder: Path, lang: str, hasher: "Hasher | None" = None) -> list[Path]:
    """``audience.toml`` and the templates an edition's ``<lang>.md.j2`` can reach.

    Names are resolved the way the renderer's loader does: the audience folder first, then the
    templates folder. A name that does not resolve is kept (as its would-be path) so creating the
    file later changes the hash. Falls back to every file of the templates folder when a template
    does not parse or names another template with an expression. ``hasher`` remembers what each
    template (by content) loads, so an unchanged template is not parsed again.
    """
    hasher = hasher or Hasher(project.root)
    roots = [audience_folder, project.templates_dir]
    found: set[Path] = {audience_folder / "audience.toml"}
    pending = [audience_folder / f"{lang}.md.j2"]
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.add(path)
        if not path.is_file():
            continue
        names = hasher.referenced(path)
        if None in names:
            return _all_files(project.templates_dir)
        pending += [_resolve(name, roots) for name in names if name is not None]
    return sorted(found)


def _referenced(path: Path) -> list[str | None]:
    """The template names a template loads (None for a name computed at render time, or for a
    file that does not parse or read: then anything may be loaded)."""
    import jinja2
    from jinja2 import meta

    try:
        text = inputs.read_text(path, path.parent, str(path), inputs.MAX_BYTES)
        return list(meta.find_referenced_templates(jinja2.Environment().parse(text)))
    except (jinja2.TemplateSyntaxError, WreportError):
        return [None]


# The opening of a tag that loads a template, as Jinja's default lexer reads one; and the forms of
# such a tag whose names are all string literals (any other names a template with an expression).
# One way through the spaces: ``\s*,?\s*`` and ``[\w\s,()]*`` before ``\s+ignore`` tried every
# split of a run of spaces (quadratic: 7 s for a tag with 20,000 spaces), so the list's end is
# ``\s*(?:,\s*)?`` and the imported names are taken possessively (nothing after them is a name).
_LOAD_OPEN = re.compile(r"\{%[-+]?\s*(include|import|extends|from)\b")
_LITERAL = r"(?:\"[^\"\\]*\"|'[^'\\]*')"
_PLAIN_LOAD = re.compile(
    rf"\s*(?:{_LITERAL}|\[\s*{_LITERAL}(?:\s*,\s*{_LITERAL})*\s*(?:,\s*)?\])"
    r"(?:\s+as\s+\w+|\s+import\s[\w\s,()]*+)?(?:\s+ignore\s+missing)?(?:\s+with(?:out)?\s+context)?\s*[-+]?\Z")
_LITERALS = re.compile(r"\"([^\"\\]*)\"|'([^'\\]*)'")


def _covers(known: list[str | None], path: Path) -> bool:
    """Whether a recorded list of what ``path`` loads can be trusted without parsing it.

    The record is data in the out folder, which anyone may edit, so the list is checked against
    a plain scan of the template: it must hold every string literal of every loading tag (the
    scan also reads comments and raw blocks, so it finds more than the parser, never less), and
    None when a tag names a template any other way. A list that fails is not believed and the
    template is parsed: a crafted record makes the build slower, never stale. One pass: each
    tag's end is searched from its opening, and the next opening after that end.
    """
    if None in known:
        return True  # every file of the templates folder counts: nothing can be left out
    try:
        text = inputs.read_text(path, path.parent, str(path), inputs.MAX_BYTES)
    except WreportError:
        return False
    names, position = set(known), 0
    while match := _LOAD_OPEN.search(text, position):
        end = text.find("%}", match.end())
        body = text[match.end():end]
        if end < 0 or not _PLAIN_LOAD.match(body):
            return False
        head = body.split(" import ", 1)[0] if match.group(1) == "from" else body
        if not {a or b for a, b in _LITERALS.findall(head)} <= names:
            return False
        position = end + 2
    return True


def _resolve(name: str, roots: list[Path]) -> Path:
    """Where the loader would find template ``name``: the first root holding it (else the first root)."""
    candidates = [root.joinpath(*name.split("/")) for root in roots]
    return next((path for path in candidates if path.is_file()), candidates[0])


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


# ---------------------------------------------------------------- hashes
class Hasher:
    """Content hashes of files and groups of files, each file read once per build; and, by
    content hash, the templates each template loads (``known``: from the last build's record)."""

    def __init__(self, root: Path, known: dict[str, list[str | None]] | None = None):
        self.root = root
        self._files: dict[Path, str] = {}
        self.known = known or {}
        self.references: dict[str, list[str | None]] = {}  # those looked up in this build

    def file(self, path: Path) -> str:
        """The SHA-256 of a file's bytes ("missing" for a file that does not exist)."""
        if path not in self._files:
            # Through the inputs module, as the loaders read: a link out of the project, a FIFO or a
            # device is never read here either; it hashes as "unreadable", so the build goes on to
            # load it and reports why.
            base = PACKAGE_DIR if path.is_relative_to(PACKAGE_DIR) else self.root
            try:
                data = inputs.read_bytes(path, base, str(path), inputs.MAX_BYTES)
                self._files[path] = hashlib.sha256(data).hexdigest()
            except WreportError as exc:
                self._files[path] = "missing" if exc.message == "file not found" else "unreadable"
        return self._files[path]

    def files(self, paths: Iterable[Path]) -> str:
        """One hash over named files: each file's name (relative to the project when inside it,
        so a moved project is still up to date) and contents."""
        digest = hashlib.sha256()
        for path in paths:
            digest.update(f"{self._name(path)}\0{self.file(path)}\n".encode())
        return digest.hexdigest()

    def referenced(self, path: Path) -> list[str | None]:
        """What template ``path`` loads; parsed only when its contents are new (Jinja's parser
        is most of the time a no-change build spends in wreport's own code)."""
        key = self.file(path)
        if key not in self.references:
            unreadable = key == "unreadable"  # refused by the inputs module: anything may be loaded
            known = self.known.get(key)
            trusted = known is not None and _covers(known, path)
            self.references[key] = [None] if unreadable else known if trusted and known is not None else _referenced(path)
        return self.references[key]

    def _name(self, path: Path) -> str:
        for base in (self.root, PACKAGE_DIR):
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return str(path)


def tool_key() -> str:
    """The hash of the tool: wreport's version and files, and which install of each library."""
    hasher = Hasher(PACKAGE_DIR)
    return hashlib.sha256("\n".join([__version__, *map(_installed, LIBRARIES),
                                     hasher.files(package_files())]).encode()).hexdigest()


def _installed(name: str) -> str:
    """Which install of a library this is: where its ``__init__`` is, its size and time. An
    upgrade or reinstall rewrites that file, so it changes the key (at worst a needless rebuild).
    Found without importing the library, and without importlib.metadata, whose parsing of
    every package's metadata would cost a no-change build a fifth of its time."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name} absent"
    info = Path(spec.origin).stat()
    return f"{name} {spec.origin} {info.st_size} {info.st_mtime_ns}"


def output_key(common: str, templates: str, audience: str, lang: str, fmt: str) -> str:
    """The key of one output: the shared inputs, its edition's templates, and what it is."""
    return hashlib.sha256("\0".join([common, templates, audience, lang, fmt]).encode()).hexdigest()


# ---------------------------------------------------------------- the record
MAX_RECORD_BYTES = 16 * 1024 * 1024  # a record of thousands of outputs is well under 1 MB
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
    hand is rebuilt too; and the templates each template loads, by content hash. A record that
    cannot be trusted (unreadable, too big, not JSON, another version, any value of the wrong
    type) is treated as empty: it only costs a rebuild, and the build then replaces it."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / CACHE_NAME
        self.entries: dict[str, Entry] = {}
        self.templates: dict[str, list[str | None]] = {}
        stored = _read_record(self.path)
        if stored is not None:
            self.entries, self.templates = stored

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

    def forget(self, path: Path) -> None:
        """Drop what is recorded of ``path``: it will be built again."""
        self.entries.pop(self._name(path), None)

    def remove_orphans(self, audiences: Iterable[str]) -> list[Path]:
        """Delete the outputs recorded for audiences the project no longer has (their folder too,
        once empty) and forget them; a file changed since it was written is not this build's and
        stays. Returns the files deleted."""
        kept = set(audiences)
        removed: list[Path] = []
        for name, entry in list(self.entries.items()):
            if "/" not in name or name.split("/", 1)[0] in kept:
                continue
            path = self.out_dir / name
            if self.current(path, entry.key) is not None:
                path.unlink()
                removed.append(path)
            self.forget(path)
        for folder in {path.parent for path in removed}:
            if folder != self.out_dir and not any(folder.iterdir()):
                folder.rmdir()
        return removed

    def save(self) -> None:
        """Write the record (atomically; entries of outputs this build did not touch are kept)."""
        outputs = {name: vars(entry) for name, entry in sorted(self.entries.items())}
        text = json.dumps({"version": CACHE_VERSION, "outputs": outputs, "templates": dict(sorted(self.templates.items()))},
                          indent=1, ensure_ascii=False)
        write_atomic(self.path, text + "\n")


def _read_record(path: Path) -> tuple[dict[str, Entry], dict[str, list[str | None]]] | None:
    """The entries and template references of a record file, or None when it cannot be trusted."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_RECORD_BYTES:
            return None
        stored = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("version") != CACHE_VERSION:
        return None
    outputs, templates = stored.get("outputs"), stored.get("templates")
    if not isinstance(outputs, dict) or not isinstance(templates, dict):
        return None
    entries = {}
    for name, entry in outputs.items():
        if not (_is_output_name(name) and isinstance(entry, dict) and set(entry) == {"key", "sha256", "size", "pages"}
                and isinstance(entry["key"], str) and isinstance(entry["sha256"], str)
                and _is_count(entry["size"]) and (entry["pages"] is None or _is_count(entry["pages"]))):
            return None
        entries[name] = Entry(entry["key"], entry["sha256"], entry["size"], entry["pages"])
    for names in templates.values():
        if not isinstance(names, list) or not all(name is None or isinstance(name, str) for name in names):
            return None
    return entries, {key: list(names) for key, names in templates.items()}


def _is_output_name(name: str) -> bool:
    """Whether a recorded name is a file inside the out folder (``audience/file``, no ``..``, no
    absolute path, no backslash): the build reads and may delete what the record names, so a
    record naming anything else is not trusted at all."""
    parts = name.split("/")
    return "\\" not in name and "\0" not in name and all(part not in ("", ".", "..") for part in parts)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
