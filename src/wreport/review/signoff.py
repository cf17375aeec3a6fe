"""Sign-off: a reviewer's approval of a segment, kept as long as the segment stays as approved.

``wreport review approve`` records, in ``signoff/<audience>.yaml``, each approved segment's id
(the review page's: section, kind, count, e.g. ``s4-2-p3``; :func:`wreport.review.align.align`)
with a hash of what the reviewer saw: both editions' text of the segment and every row it rests
on (each fact it prints, with a derived fact's parts, each claim it cites, its own-analysis mark,
each glossary term it names). A segment is
*approved* while that hash is unchanged, *changed* once any of it differs, *unapproved* when it
was never approved. The record is plain YAML, one line per segment, so it reads in a diff; it
is an input (read through :mod:`wreport.inputs.reading`, checked by a schema) that only
``approve`` writes, atomically. docs/review.md describes it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wreport.data.facts import FactSet
from wreport.data.glossary import Glossary
from wreport.errors import DataError, WreportError, did_you_mean, raise_if_any, would_not_load
from wreport.inputs.boundary import rewriting
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.inputs.records import FileProblems, check_top_keys, read_yaml
from wreport.inputs.schemas import SignoffEntry, SignoffRecord, validate
from wreport.review.align import Pair

#: The longest reviewer's name ``--by`` takes: a name, not a document (the record has a size cap).
MAX_NAME = 200

APPROVED, CHANGED, UNAPPROVED = "approved", "changed", "unapproved"
STATES = (APPROVED, CHANGED, UNAPPROVED)
_DERIVED_DEPTH = 5  # derivations are checked acyclic; this only bounds the walk


@dataclass(frozen=True)
class SignoffState:
    """One segment's sign-off: its state and, once approved, by whom and when."""

    state: str
    by: str = ""
    date: str = ""


# ---------------------------------------------------------------- what a segment rests on
def _fact_rows(facts: FactSet, fact_id: str, depth: int = 0) -> list[dict[str, Any]]:
    """The fact's row as the reviewer checked it, then its parts' when it is derived."""
    fact = facts.get(fact_id)
    row = {"id": fact.id, "value": str(fact.value), "unit": fact.unit, "counted": fact.counted,
           "period": fact.period, "as_of": str(fact.as_of) if fact.as_of else None, "approx": fact.approx,
           "status": fact.status, "label": [fact.label_ko, fact.label_en], "source": fact.source,
           "quote": fact.quote, "derived": [fact.derived.op, fact.derived.inputs] if fact.derived else None,
           "date_kind": fact.date_kind, "scope": fact.scope, "measure": fact.measure}
    rows = [row]
    if fact.derived and depth < _DERIVED_DEPTH:
        for part in fact.derived.inputs:
            rows.extend(_fact_rows(facts, part, depth + 1))
    return rows


def segment_material(pair: Pair, facts: FactSet, glossary: Glossary) -> dict[str, Any]:
    """Everything an approval covers, as plain data: both editions' text of the segment, each
    fact it prints (with a derived fact's parts), each claim it rests on (id, source, quote, what
    it asserts in each language, date, status, scope), its own-analysis mark and each glossary row
    it names. This is the one place that says what a sign-off covers."""
    terms = [glossary.get(term_id) for term_id in pair.terms]
    claims = [facts.claim(claim_id) for claim_id in pair.claims]
    return {
        "kind": pair.kind,
        "ko": pair.ko.text if pair.ko else None,
        "en": pair.en.text if pair.en else None,
        "facts": [row for fact_id in pair.facts for row in _fact_rows(facts, fact_id)],
        "claims": [[c.id, c.source, c.quote, c.what_ko, c.what_en, c.date, c.status, c.scope] for c in claims],
        "own": pair.own,
        "terms": [[t.id, t.ko, t.en, t.abbr, t.kind, t.en_plural, t.ko_counter] for t in terms],
    }


def segment_hash(pair: Pair, facts: FactSet, glossary: Glossary) -> str:
    """SHA-256 of :func:`segment_material` as canonical JSON (sorted keys, UTF-8)."""
    material = json.dumps(segment_material(pair, facts, glossary), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"), default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the record file
def record_path(project: Project, audience: str) -> Path:
    """``signoff/<audience>.yaml`` (``[paths] signoff`` in wreport.toml moves the folder)."""
    return project.signoff_dir / f"{audience}.yaml"


def load_record(project: Project, audience: str, path: Path | None = None) -> dict[str, SignoffEntry]:
    """The audience's approvals by segment id; {} when nothing was approved yet. A malformed or
    hand-broken record raises every problem in it at its line (nothing is written then).
    ``path``: another file to read as the record (approve's temporary file, vetted before it
    replaces the record)."""
    path = path or record_path(project, audience)
    if not path.exists() and not path.is_symlink():
        return {}
    report = FileProblems(project.relative(path), [])
    parsed = read_yaml(project, path, report)
    check_top_keys(parsed, ("segments",), report)
    record = None
    if parsed is not None and not report.problems:
        record, problems = validate(SignoffRecord, parsed.data or {}, parsed, report.shown, (), DataError)
        report.problems.extend(problems)
    report.raise_if_any()
    return dict(record.segments) if record is not None else {}


def format_record(audience: str, entries: dict[str, SignoffEntry]) -> str:
    """The record as written: a comment saying what it is, then one line per segment."""
    lines = [f"# Sign-off of audience '{audience}', written by `wreport review approve` (docs/review.md).",
             "# One line per approved segment: the hash covers both editions' text and every fact and",
             "# glossary row it uses; any change to them makes the segment 'changed'. Do not edit by hand.",
             "segments:" if entries else "segments: {}"]
    for segment_id, entry in entries.items():
        lines.append(f"  {segment_id}: {{hash: {entry.hash}, by: {json.dumps(entry.by, ensure_ascii=False)}, "
                     f"date: {entry.date}}}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- states and approval
def states(pairs: Iterable[Pair], record: dict[str, SignoffEntry], facts: FactSet,
           glossary: Glossary) -> dict[str, SignoffState]:
    """Each segment's sign-off state, by id."""
    out = {}
    for pair in pairs:
        entry = record.get(pair.id)
        if entry is None:
            out[pair.id] = SignoffState(UNAPPROVED)
        else:
            state = APPROVED if entry.hash == segment_hash(pair, facts, glossary) else CHANGED
            out[pair.id] = SignoffState(state, entry.by, entry.date)
    return out


def approved(project: Project, audience: str, pairs: Iterable[Pair], facts: FactSet,
             glossary: Glossary) -> dict[str, SignoffState]:
    """The segments approved as they stand, by id: what a release records as signed off
    (``Review.signoffs``, read by :func:`wreport.releases.record.pair_extras`)."""
    found = states(pairs, load_record(project, audience), facts, glossary)
    return {pair_id: state for pair_id, state in found.items() if state.state == APPROVED}


def approve(project: Project, audience: str, pairs: list[Pair], facts: FactSet, glossary: Glossary, by: str,
            segment_ids: list[str] | None, today: datetime.date | None = None) -> list[str]:
    """Record ``by``'s approval of the named segments (None: every segment) as they stand now;
    the ids approved. An unknown id, a blank name or a malformed record is an error and nothing
    is written; approvals of other segments, and of ids no longer in the editions, are kept."""
    known = {pair.id: pair for pair in pairs}
    unknown = [s for s in segment_ids or [] if s not in known]
    if unknown:
        raise_if_any([DataError(f"no segment '{s}' in audience '{audience}'",
                                hint=did_you_mean(s, known) or "wreport review shows the ids") for s in unknown],
                     f"{len(unknown)} unknown segments in audience '{audience}'")
    if not by.strip() or not by.isprintable() or len(by) > MAX_NAME:
        shown = by if len(by) <= MAX_NAME else f"{by[:40]}... ({len(by):,} characters)"
        raise DataError(f"--by {shown!r} is not a reviewer's name",
                        hint=f"one line of text, at most {MAX_NAME} characters, e.g. --by 'Kim Minji'")
    chosen = list(dict.fromkeys(segment_ids)) if segment_ids else list(known)
    entry_date = today or datetime.date.today()
    approved = {segment_id: SignoffEntry(hash=segment_hash(known[segment_id], facts, glossary), by=by.strip(),
                                         date=entry_date.isoformat()) for segment_id in chosen}
    path = record_path(project, audience)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rewriting(path):  # read and written under the folder's lock: another approval waits
        record = {**load_record(project, audience), **approved}
        ordered = {p.id: record[p.id] for p in pairs if p.id in record}
        ordered.update((k, v) for k, v in record.items() if k not in ordered)
        write_atomic(path, format_record(audience, ordered), check=lambda temp: _vet(project, audience, temp, ordered))
    return chosen


def _vet(project: Project, audience: str, temp: Path, written: dict[str, SignoffEntry]) -> None:
    """The record about to replace the old one reads back as what was meant (a reviewer's name
    that YAML would read otherwise is caught here, before anything is lost)."""
    try:
        read_back = load_record(project, audience, temp)
    except WreportError as exc:  # reported at the record, never at its temporary copy
        raise would_not_load(exc, project.relative(temp), project.relative(record_path(project, audience)),
                             f"with {len(written)} approvals") from None
    if read_back != written:
        raise DataError(f"the sign-off record of '{audience}' would not read back as written",
                        hint="report this; the old record is unchanged")
