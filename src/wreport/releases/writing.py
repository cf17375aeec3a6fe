"""``wreport release``, ``wreport diff`` and ``wreport check --since``: the record made or read,
the comparison, the redlines and change pages rendered, then written only when all are made."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wreport.build.editions import Output, build
from wreport.data.facts import FactSet, load_facts
from wreport.data.glossary import Glossary, project_glossary
from wreport.errors import Location, RenderError
from wreport.inputs.boundary import refuse_inputs
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.qa.checks import ERROR, WARNING, Finding, has_errors, run_checks
from wreport.releases.changes_html import render_changes_html
from wreport.releases.diff import AudienceDiff, compare_snapshots
from wreport.releases.record import (
    ReleaseError,
    Snapshot,
    digest,
    load_release,
    load_snapshot,
    refuse_existing,
    releases_dir,
    review_json,
    snapshot,
    tree_json,
    write_release,
)
from wreport.releases.redline import render_redline
from wreport.render.templating import list_audiences
from wreport.review.model import Review, prepare_review
from wreport.review.signoff import approved

WORKING = "the working project"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def working_snapshots(project: Project, audiences: list[str]) -> dict[str, Snapshot]:
    """Each audience of the working project as a snapshot (both editions rendered and aligned)."""
    glossary = project_glossary(project)
    facts = load_facts(project, glossary)
    return {name: snapshot(_signed(project, prepare_review(project, name, facts, glossary), facts, glossary))
            for name in audiences}


def _signed(project: Project, review: Review, facts: FactSet, glossary: Glossary) -> Review:
    """The review with the segments approved as they stand (signoff/<audience>.yaml), so a
    release records them and a later diff names those its changes invalidate."""
    review.signoffs = approved(project, review.audience.name, review.pairs, facts, glossary)
    return review


def make_release(project: Project, name: str, audiences: list[str] | None = None,
                 now: datetime.datetime | None = None, say: Callable[[str], None] = lambda line: None,
                 progress: Callable[[Output], None] | None = None) -> Path:
    """Record release ``name`` of the audiences (default: all): refused while ``check`` finds
    errors, when the name is unsafe or taken; the outputs are built first, so their digests are
    those of the files sent. ``say`` is told of each step and ``progress`` of each output as it
    is ready: the whole takes about a minute on the real project, and a silent minute looks hung."""
    refuse_existing(project, name)
    chosen = list(dict.fromkeys(audiences)) if audiences else list_audiences(project)
    say(f"checking {', '.join(chosen)} (as wreport check)...")
    findings = run_checks(project, chosen)
    if has_errors(findings):
        first = next(f for f in findings if f.severity == ERROR)
        count = sum(f.severity == ERROR for f in findings)
        raise ReleaseError(f"`wreport check` finds {count} error{'s' if count > 1 else ''}, the first: {first}",
                           hint="fix them and run `wreport check`; a release records only what passes")
    say("building the outputs, so the release records the digests of the files sent...")
    outputs = build(project, chosen, progress=progress)
    say("recording the editions' trees and the review data...")
    files: dict[str, str] = {}
    for audience, shot in working_snapshots(project, chosen).items():
        for lang, doc in shot.trees.items():
            files[f"{audience}/{lang}.tree.json"] = tree_json(doc)
        files[f"{audience}/review.json"] = review_json(shot)
        hashes = {project.relative(o.path): digest(o.path.read_bytes()) for o in outputs if o.audience == audience}
        files[f"{audience}/outputs.json"] = json.dumps(hashes, indent=1, sort_keys=True) + "\n"
    return write_release(project, name, files, now or _now(), chosen)


@dataclass
class DiffResult:
    """What ``wreport diff`` made: each audience's comparison and the files written."""

    diffs: list[AudienceDiff]
    written: list[Path]

    def summary(self, since: str, until: str) -> dict[str, object]:
        return {"from": since, "to": until, "audiences": {d.audience: d.summary() for d in self.diffs}}


def _sides(project: Project, since: str, until: str | None,
           audiences: list[str] | None) -> tuple[dict[str, Snapshot], dict[str, Snapshot], str]:
    """The old and new snapshots of the audiences both sides have, and the new side's date."""
    old_release = load_release(project, since)
    new_release = load_release(project, until) if until else None
    held = old_release.manifest.audiences
    names = list(dict.fromkeys(audiences)) if audiences else [a for a in held if new_release is None
                                                             or a in new_release.manifest.audiences]
    old = {name: load_snapshot(old_release, name, project) for name in names}
    if new_release is not None:
        return old, {name: load_snapshot(new_release, name, project) for name in names}, new_release.manifest.created
    missing = [name for name in names if name not in list_audiences(project)]
    if missing:
        raise ReleaseError(f"the working project has no audience {missing[0]!r}",
                           hint="it was removed or renamed since the release")
    return old, working_snapshots(project, names), _now().strftime("%Y-%m-%dT%H:%M:%SZ")


def _line_reader(project: Project) -> Callable[[str], str]:
    """The text of a template line named "templates/a/en.md.j2:12" (read once per file)."""
    texts: dict[str, list[str]] = {}

    def line(where: str) -> str:
        path, _, number = where.rpartition(":")
        if not number.isdigit() or not path:
            return ""
        if path not in texts:
            texts[path] = project.read_text(project.root / path).splitlines()
        lines = texts[path]
        return lines[int(number) - 1] if 0 < int(number) <= len(lines) else ""
    return line


def compare(project: Project, since: str, until: str | None = None,
            audiences: list[str] | None = None) -> tuple[list[AudienceDiff], str]:
    """Each audience's changes from release ``since`` to release ``until`` (default: the working
    project), and the new side's time."""
    old, new, date = _sides(project, since, until, audiences)
    reader = _line_reader(project) if until is None else (lambda where: "")
    return [compare_snapshots(old[name], new[name], reader) for name in old], date


def diff_paths(out_dir: Path, audience: str) -> dict[str, Path]:
    """Where the diff's files go: ``<out>/<audience>/<audience>.changes.html``, ``.changes.json``,
    ``.redline.ko.docx`` and ``.redline.en.docx``."""
    folder = out_dir / audience
    return {"html": folder / f"{audience}.changes.html", "json": folder / f"{audience}.changes.json",
            "ko": folder / f"{audience}.redline.ko.docx", "en": folder / f"{audience}.redline.en.docx"}


def write_diff(project: Project, since: str, until: str | None = None, audiences: list[str] | None = None,
               out_dir: Path | None = None) -> DiffResult:
    """Compare, render every audience's redlines and change page, then write them: nothing is
    written unless everything rendered."""
    out_dir = out_dir if out_dir is not None else project.out_dir
    refuse_inputs(project, out_dir, "--out")
    if out_dir.resolve().is_relative_to(releases_dir(project).resolve()):
        raise ReleaseError("the diff's files cannot go into the releases folder", Location.of(str(out_dir)),
                           hint="choose another --out folder")
    diffs, date = compare(project, since, until, audiences)
    made: list[tuple[Path, bytes]] = []
    until_name = until or WORKING
    for diff in diffs:
        paths = diff_paths(out_dir, diff.audience)
        for lang, doc in diff.new.trees.items():
            data = render_redline(doc, diff.old.segments[lang], diff.changes.get(lang, []),
                                  f"wreport diff {since}", date)
            made.append((paths[lang], data))
        titles = {lang: doc.title for lang, doc in diff.new.trees.items()}
        made.append((paths["html"], render_changes_html(diff, titles, since, until_name).encode("utf-8")))
        summary = {"from": since, "to": until_name, "audience": diff.audience, **diff.summary()}
        made.append((paths["json"], (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode("utf-8")))
    for path, data in made:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"cannot create the output folder: {exc.strerror}", Location.of(path.parent),
                              hint="choose another --out folder") from None
        write_atomic(path, data)
    return DiffResult(diffs, [path for path, _ in made])


def since_findings(project: Project, since: str, audiences: list[str] | None = None) -> list[Finding]:
    """``check --since``: each change made in one edition only since release ``since``, as a
    ``ChangeParity`` warning at its template line (a translation fix says so)."""
    diffs, _ = compare(project, since, None, audiences)
    found = []
    for diff in diffs:
        for parity in diff.parity:
            file, _, line = parity.where.rpartition(":")
            where = Location(file, int(line)) if line.isdigit() and file else Location(f"templates/{diff.audience}")
            hint = "" if parity.translation_fix else ("change the other edition too, or mark the line "
                                                      "{# translation-fix #} if only the translation changed")
            found.append(Finding("ChangeParity", WARNING, where, parity.message, hint))
    return found


def terminal_summary(result: DiffResult, shown: Callable[[Path], str]) -> str:
    """What ``wreport diff`` prints: per audience the counts, facts, claims, sign-offs, parity."""
    lines = []
    for diff in result.diffs:
        counts = "; ".join(f"{lang}: " + ", ".join(f"{v} {k}" for k, v in diff.counts(lang).items())
                           for lang in diff.changes)
        lines.append(f"{diff.audience}: segments {counts}")
        for fact in diff.facts:
            lines.append(f"  fact {fact.id} {fact.status}" + (f" ({', '.join(fact.fields)})"
                                                               if fact.status == "changed" else ""))
        lines += [f"  claims of {pid} changed" for pid, _, _ in diff.claims]
        lines += [f"  sign-off of {pid} no longer holds" for pid in diff.signoffs]
        lines += [f"  [ChangeParity] {p.message}" for p in diff.parity]
    lines += [f"wrote {shown(path)}" for path in result.written]
    return "\n".join(lines) + "\n"
