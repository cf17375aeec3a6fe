"""A release: what was sent, kept in the project as text that version control can diff.

``wreport release NAME`` stores under ``releases/NAME/``, for each audience, each edition's
document tree (``<audience>/<lang>.tree.json``), the review data (``<audience>/review.json``:
the segments with their template lines, the alignment with each pair's claims and sign-off when
the review model has them, the printed facts with their values and sources) and the digests of
the built outputs (``<audience>/outputs.json``); ``release.yaml`` names the format, the time, the
wreport version and the digest of every file, so a file edited by hand is refused on reading.

A :class:`Snapshot` is one audience at one time, from the working project or from a release;
:mod:`wreport.releases.diff` compares two of them. docs/releases.md is the user's guide.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wreport import __version__
from wreport.errors import ConfigError, Location, raise_if_any
from wreport.inputs.boundary import locked
from wreport.inputs.files import sync_folder, write_atomic
from wreport.inputs.project import Project
from wreport.inputs.schemas import RELEASE_FORMAT, RELEASE_NAME, Parsed, ReleaseManifest, parse_yaml, validate
from wreport.render import document as tree
from wreport.review.align import Pair, Segment, segments
from wreport.review.model import Review

RELEASES = "releases"
MANIFEST = "release.yaml"
# The node types a tree file may hold, by name: nothing else is ever built from a record.
NODES: dict[str, type] = {cls.__name__: cls for cls in (
    tree.Text, tree.FootnoteRef, tree.LineBreak, tree.Heading, tree.Paragraph, tree.ListBlock, tree.TableCell,
    tree.Table, tree.ChartSpec, tree.Figure, tree.PageBreak, tree.BlockQuote, tree.Footnote, tree.Document)}
MAX_NESTING = 64  # a tree file nested deeper is refused (the Markdown parser nests far less)


class ReleaseError(ConfigError):
    """A release cannot be made or read: unknown, unsafe name, newer format, corrupt or edited."""


@dataclass
class Snapshot:
    """One audience at one time: its trees, segments (with template lines), alignment and facts.

    ``pairs`` are the Korean/English alignment as indexes into ``segments``; ``extras`` holds, per
    pair id, what the review model adds to a pair (claims, sign-off) as JSON-ready data.
    """

    audience: str
    trees: dict[str, tree.Document]
    segments: dict[str, list[Segment]]
    where: dict[str, list[str]]  # each segment's template line ("templates/a/ko.md.j2:12"; "" unknown)
    pairs: list[tuple[str, int | None, int | None]]  # (pair id, ko index, en index)
    facts: dict[str, dict[str, str]]  # printed fact id -> value, unit, when, status, source, quote...
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)


# ---------------------------------------------------------------- the tree as JSON
def tree_data(node: Any) -> Any:
    """A tree node as JSON-ready data: each dataclass a mapping with its type name, fields at
    their defaults left out (so a new field does not change every record)."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"type": type(node).__name__}
        for item in dataclasses.fields(node):
            value = getattr(node, item.name)
            if item.default is not dataclasses.MISSING and value == item.default:
                continue
            if item.default_factory is not dataclasses.MISSING and value == item.default_factory():
                continue
            out[item.name] = tree_data(value)
        return out
    if isinstance(node, (list, tuple)):
        return [tree_data(value) for value in node]
    if isinstance(node, dict):
        return {str(key): tree_data(value) for key, value in node.items()}
    return node


def tree_from_data(data: Any, shown: str, depth: int = 0) -> Any:
    """The tree node ``data`` describes; a type or field it cannot hold is a ReleaseError naming the file."""
    if depth > MAX_NESTING:
        raise ReleaseError(f"the tree is nested more than {MAX_NESTING} levels deep", Location.of(shown))
    if isinstance(data, list):
        return [tree_from_data(value, shown, depth + 1) for value in data]
    if not isinstance(data, dict) or "type" not in data:
        return {k: tree_from_data(v, shown, depth + 1) for k, v in data.items()} if isinstance(data, dict) else data
    cls = NODES.get(str(data["type"]))
    if cls is None:
        raise ReleaseError(f"unknown node type {data['type']!r} in the tree", Location.of(shown),
                           hint="the file was edited by hand or is damaged; record the release again")
    values = {k: tree_from_data(v, shown, depth + 1) for k, v in data.items() if k != "type"}
    if cls is tree.ChartSpec:
        values = {k: [tuple(x) for x in v] if k in ("series", "points") else v for k, v in values.items()}
    try:
        return cls(**values)
    except TypeError as exc:
        raise ReleaseError(f"a {cls.__name__} node does not fit: {exc}", Location.of(shown),
                           hint="the file was edited by hand or is damaged; record the release again") from None


def tree_json(doc: tree.Document) -> str:
    """The document tree as stable, line-per-value JSON text."""
    return json.dumps(tree_data(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------- snapshots
def snapshot(review: Review) -> Snapshot:
    """The working project's side of a comparison, from its review model."""
    found: dict[str, list[Segment]] = {lang: [] for lang in review.editions}
    index: dict[int, int] = {}
    for pair in review.pairs:
        for lang, segment in (("ko", pair.ko), ("en", pair.en)):
            if segment is not None:
                index[id(segment)] = len(found[lang])
                found[lang].append(segment)
    where = {lang: [_where(review, segment, lang) for segment in found[lang]] for lang in found}
    pairs = [(p.id, index[id(p.ko)] if p.ko else None, index[id(p.en)] if p.en else None) for p in review.pairs]
    facts = {fact_id: _fact_record(card) for fact_id, card in review.facts.items()}
    extras = {p.id: extra for p in review.pairs if (extra := pair_extras(review, p))}
    trees = {lang: edition.document for lang, edition in review.editions.items()}
    return Snapshot(review.audience.name, trees, found, where, pairs, facts, extras)


def _where(review: Review, segment: Segment, lang: str) -> str:
    """The template line that wrote a segment, as text ("" when unknown)."""
    if not segment.line:
        return ""
    where = review.editions[lang].locate(segment.line)
    return str(where) if where.line else ""


def _fact_record(card: Any) -> dict[str, str]:
    """What a reader of the change page compares: the value as stored and as printed, its date,
    status, source and quote."""
    fact = card.fact
    return {"value": str(fact.value), "unit": fact.unit, "when": fact.when, "status": fact.status,
            "approx": fact.approx, "source": fact.source or "", "quote": fact.quote or "",
            "source_title": card.source_title_en or card.source_title, "label_ko": fact.label_ko,
            "label_en": fact.label_en, "ko": card.ko, "en": card.en}


def pair_extras(review: Review, pair: Pair) -> dict[str, Any]:
    """What the review adds to a pair, as JSON-ready data: the claims its segments rest on (each
    with its source, quote, what it asserts, date, status and scope: seeds/claims.yaml) and its
    sign-off when the review model holds one (``review.signoffs``, keyed by pair id; not yet on
    main). {} when there is neither."""
    out: dict[str, Any] = {}
    claims = [tree_data(review.claims[claim_id].claim) for claim_id in pair.claims if claim_id in review.claims]
    if claims:
        out["claims"] = [{k: v for k, v in claim.items() if k not in ("type", "line")} for claim in claims]
    signoffs = getattr(review, "signoffs", None)
    if isinstance(signoffs, dict) and signoffs.get(pair.id):
        out["signoff"] = json.loads(json.dumps(tree_data(signoffs[pair.id]), default=str))
    return out


def review_json(shot: Snapshot) -> str:
    """The review data of a snapshot as stable JSON text (trees are stored apart)."""
    data = {"audience": shot.audience,
            "segments": {lang: [{"kind": s.kind, "section": s.section, "text": s.text, "template": shot.where[lang][i],
                                 "facts": s.facts} for i, s in enumerate(found)] for lang, found in shot.segments.items()},
            "pairs": [{"id": pid, "ko": ko, "en": en, **shot.extras.get(pid, {})} for pid, ko, en in shot.pairs],
            "facts": shot.facts}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------- names and folders
def check_name(name: str) -> str:
    """``name`` if it is safe as a folder name everywhere (lower case, digits, . _ -, 64 at most)."""
    if not re.fullmatch(RELEASE_NAME, name, re.ASCII):
        raise ReleaseError(f"{name!r} is not a safe release name",
                           hint="use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit "
                                "(e.g. 2026-12-partner)")
    return name


def releases_dir(project: Project) -> Path:
    return project.root / RELEASES


def release_dir(project: Project, name: str) -> Path:
    return releases_dir(project) / check_name(name)


def digest(data: bytes | str) -> str:
    """The SHA-256 a release records of a file (text as UTF-8)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def refuse_existing(project: Project, name: str) -> Path:
    """The folder of a new release ``name``; an existing one is never overwritten."""
    final = release_dir(project, name)
    if final.exists():
        raise ReleaseError(f"release {name!r} exists", Location.of(project.relative(final)),
                           hint="releases are never overwritten: choose another name")
    return final


def write_release(project: Project, name: str, files: dict[str, str], created: datetime.datetime,
                  audiences: list[str]) -> Path:
    """Write the record's files into a new folder, whole or not at all: into a temporary folder
    beside it, each file flushed to disk, then renamed into place (never over a release)."""
    final = refuse_existing(project, name)
    manifest = {"format": str(RELEASE_FORMAT), "name": name,
                "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "wreport": __version__,
                "audiences": audiences, "files": {path: digest(text) for path, text in sorted(files.items())}}
    releases_dir(project).mkdir(exist_ok=True)
    with locked(releases_dir(project)):
        _remove_staging_left(releases_dir(project))
        temp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=releases_dir(project)))
        try:
            os.chmod(temp, 0o755)  # mkdtemp's is private (0700); a release is read like any project folder
            for path, text in {**files, MANIFEST: yaml.safe_dump(manifest, allow_unicode=True,
                                                                 sort_keys=False)}.items():
                (temp / path).parent.mkdir(parents=True, exist_ok=True)
                write_atomic(temp / path, text)
            sync_folder(temp)
            os.rename(temp, final)  # refuses a folder made meanwhile unless it is empty
            sync_folder(final.parent)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
    return final


#: The staging folder write_release makes: ``.NAME.`` + mkdtemp's eight characters + ``.tmp``.
_STAGING = re.compile(r"\.[a-z0-9][a-z0-9._-]{0,63}\.[a-z0-9_]{8}\.tmp", re.ASCII)


def _remove_staging_left(folder: Path) -> None:
    """Remove the staging folders of releases killed before their rename (the caller holds the
    folder's lock, so none is being written): ``git add releases/`` would commit them. Only
    folders named exactly as write_release names them, never a link; at most 100 a time."""
    with os.scandir(folder) as entries:
        left = [Path(e.path) for e in entries if _STAGING.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
    for staging in left[:100]:
        shutil.rmtree(staging, ignore_errors=True)


# ---------------------------------------------------------------- reading a release
@dataclass
class Release:
    """A release as read back: its manifest and a reader of its checked files."""

    name: str
    folder: Path
    manifest: ReleaseManifest
    read: Callable[[str], str]


def list_releases(project: Project) -> list[Release]:
    """Every release of the project, oldest first (each one read and checked)."""
    folder = releases_dir(project)
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and re.fullmatch(RELEASE_NAME, p.name, re.ASCII))
    found = [load_release(project, name) for name in names[:10_000]]
    return sorted(found, key=lambda r: (r.manifest.created, r.name))


def load_release(project: Project, name: str) -> Release:
    """Release ``name`` with its manifest checked; its files are checked as they are read."""
    folder = release_dir(project, name)
    manifest_path = folder / MANIFEST
    shown = project.relative(manifest_path)
    if not manifest_path.is_file():
        known = [r.name for r in _names(project)]
        raise ReleaseError(f"no release named {name!r}", Location.of(shown),
                           hint=f"known: {', '.join(known)}" if known else "record one with `wreport release NAME`")
    parsed, problems = parse_yaml(project.read_text(manifest_path, ReleaseError), shown, ReleaseError)
    raise_if_any(problems)
    data = parsed.data if parsed is not None else None
    if isinstance(data, dict) and str(data.get("format", "")).isdigit() and int(data["format"]) > RELEASE_FORMAT:
        raise ReleaseError(f"release {name!r} was recorded by a newer wreport ({data.get('wreport')}, record format "
                           f"{data['format']}); this one ({__version__}) reads format {RELEASE_FORMAT}",
                           Location.of(shown, parsed.line_of(("format",)) if parsed else None),
                           hint="upgrade wreport to compare with it")
    manifest, problems = validate(ReleaseManifest, data, parsed or Parsed(None), shown, error=ReleaseError)
    raise_if_any(problems)
    assert manifest is not None  # no problems: validated
    if manifest.name != name:
        raise ReleaseError(f"the record names itself {manifest.name!r}, not {name!r}", Location.of(shown),
                           hint="the folder was renamed or the file edited by hand; rename it back")
    return Release(name, folder, manifest, _reader(project, folder, manifest))


def _names(project: Project) -> list[Path]:
    """The release folders, for naming the known ones in a message (100 at most)."""
    folder = releases_dir(project)
    return sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)[:100] if folder.is_dir() else []


def _reader(project: Project, folder: Path, manifest: ReleaseManifest) -> Callable[[str], str]:
    """Reads a file of the release, refusing one whose digest is not the manifest's."""
    def read(relative: str) -> str:
        path = folder / relative
        shown = project.relative(path)
        if relative not in manifest.files:
            raise ReleaseError("the release has no such file", Location.of(shown),
                               hint="record the release again with this wreport")
        text = project.read_text(path, ReleaseError, limit=max(project.limits.file_bytes, 50_000_000))
        if digest(text) != manifest.files[relative]:
            raise ReleaseError(f"the file does not match its digest in {MANIFEST}: it was edited by hand or is damaged",
                               Location.of(shown), hint="restore it from version control (git checkout)")
        return text
    return read


def read_json(release: Release, relative: str) -> Any:
    """A JSON file of the release, parsed; a syntax error names the file and line."""
    text = release.read(relative)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReleaseError(f"not JSON: {exc.msg}", Location.of(str(release.folder / relative), exc.lineno)) from None


def load_snapshot(release: Release, audience: str, project: Project) -> Snapshot:
    """One audience of a release as a snapshot, every file checked."""
    if audience not in release.manifest.audiences:
        raise ReleaseError(f"release {release.name!r} has no audience {audience!r}",
                           Location.of(project.relative(release.folder / MANIFEST)),
                           hint=f"it holds {', '.join(release.manifest.audiences)}")
    review_file = f"{audience}/review.json"
    data = read_json(release, review_file)
    shown = project.relative(release.folder / review_file)
    try:
        return _snapshot_of(release, audience, data, project)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ReleaseError(f"the review data does not fit ({type(exc).__name__}: {exc})", Location.of(shown),
                           hint="restore it from version control") from None


def _snapshot_of(release: Release, audience: str, data: dict[str, Any], project: Project) -> Snapshot:
    """The snapshot ``review.json`` describes, with its trees read; a shape that does not fit raises."""
    trees: dict[str, tree.Document] = {}
    found: dict[str, list[Segment]] = {}
    where: dict[str, list[str]] = {}
    for lang in data["segments"]:
        relative = f"{audience}/{lang}.tree.json"
        doc = tree_from_data(read_json(release, relative), project.relative(release.folder / relative))
        if not isinstance(doc, tree.Document):
            raise ReleaseError("the tree file does not hold a Document",
                               Location.of(project.relative(release.folder / relative)))
        trees[lang], found[lang] = doc, segments(doc)
        where[lang] = [str(s["template"]) for s in data["segments"][lang]]
        if len(where[lang]) != len(found[lang]):
            raise ValueError(f"{len(where[lang])} {lang} segments listed, the tree has {len(found[lang])}")
    pairs = [(str(p["id"]), _index(p["ko"], found.get("ko")), _index(p["en"], found.get("en"))) for p in data["pairs"]]
    extras = {str(p["id"]): {k: p[k] for k in ("claims", "signoff") if k in p} for p in data["pairs"]}
    facts = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data["facts"].items()}
    return Snapshot(audience, trees, found, where, pairs, facts, {k: v for k, v in extras.items() if v})


def _index(value: Any, found: list[Segment] | None) -> int | None:
    """A pair's index into an edition's segments, checked to be one."""
    if value is None:
        return None
    if not isinstance(value, int) or found is None or not 0 <= value < len(found):
        raise ValueError(f"pair index {value!r} is not a segment")
    return value
