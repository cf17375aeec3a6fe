"""What changed between two snapshots of an audience: segments, words, facts, claims, sign-offs,
and changes made in one edition only (``ChangeParity``).

Each edition is compared with its own earlier self: segments are matched in order on their kind
and text (difflib), a segment whose text differs is matched to the earlier segment of its kind
in the same stretch, and inside a changed segment the words are compared (a word is what a
space ends, so a Korean particle stays with its word). The Korean/English alignment of
:mod:`wreport.review.align`, stored with each snapshot, then says which change has no
counterpart in the other edition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any

from wreport.releases.record import Snapshot
from wreport.render.document import FootnoteRef, Inline, LineBreak, Text, merge_runs
from wreport.review.align import Segment

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
LANG_NAMES = {"ko": "Korean", "en": "English"}
FACT_FIELDS = ("value", "unit", "when", "status", "approx", "source", "quote")
_WORD = re.compile(r"\S+\s*|\s+")
TRANSLATION_FIX = re.compile(r"\{#-?\s*translation[- ]fix\b", re.IGNORECASE)


@dataclass
class SegmentChange:
    """One segment of one edition added, removed or changed; ``parts`` are its runs with the
    changed words marked (``Text.change``): the old and new text in one."""

    lang: str
    status: str
    old: int | None  # index into the old snapshot's segments of this edition
    new: int | None
    parts: list[list[Inline]]
    after: int | None = None  # the new segment a removed one stood after (None: at the start)


@dataclass
class FactChange:
    id: str
    status: str
    fields: list[str]  # which of FACT_FIELDS differ (every field for an added or removed fact)
    old: dict[str, str] | None
    new: dict[str, str] | None


@dataclass
class Parity:
    """A change in one edition whose counterpart in the other did not change (``ChangeParity``)."""

    pair: str
    lang: str  # the edition that changed
    status: str
    where: str  # the changed segment's template line
    other: str  # its counterpart's template line ("" when there is none)
    translation_fix: bool = False

    @property
    def message(self) -> str:
        other = "Korean" if self.lang == "en" else "English"
        verb = {ADDED: "added", REMOVED: "removed", CHANGED: "changed"}[self.status]
        text = (f"segment {self.pair} {verb} in the {LANG_NAMES[self.lang]} edition only "
                f"({self.where or 'line unknown'}); its {other} counterpart "
                f"({self.other or 'none'}) did not change")
        return text + ("; marked a translation fix" if self.translation_fix else "")


@dataclass
class AudienceDiff:
    """Everything that changed in one audience between two snapshots."""

    audience: str
    old: Snapshot
    new: Snapshot
    changes: dict[str, list[SegmentChange]]
    facts: list[FactChange] = field(default_factory=list)
    claims: list[tuple[str, Any, Any]] = field(default_factory=list)  # (pair id, old, new)
    signoffs: list[str] = field(default_factory=list)  # pair ids whose sign-off no longer holds
    parity: list[Parity] = field(default_factory=list)

    def counts(self, lang: str) -> dict[str, int]:
        """How many segments of an edition were added, removed and changed."""
        found = self.changes.get(lang, [])
        return {status: sum(c.status == status for c in found) for status in (ADDED, REMOVED, CHANGED)}

    def summary(self) -> dict[str, Any]:
        """The JSON summary: counts per edition, facts, claims, sign-offs and parity findings."""
        return {"segments": {lang: self.counts(lang) for lang in self.changes},
                "facts": [{"id": f.id, "status": f.status, "fields": f.fields, "old": f.old, "new": f.new}
                          for f in self.facts],
                "claims": [{"pair": pid, "old": old, "new": new} for pid, old, new in self.claims],
                "signoffs_invalidated": self.signoffs,
                "parity": [{"check": "ChangeParity", "pair": p.pair, "lang": p.lang, "status": p.status,
                            "where": p.where, "counterpart": p.other, "translation_fix": p.translation_fix,
                            "message": p.message} for p in self.parity]}


# ---------------------------------------------------------------- words
def _tokens(inlines: list[Inline]) -> list[tuple[tuple[Any, ...], Inline]]:
    """The runs cut into words (each with the spaces after it), markers and breaks, each with the
    key two tokens are equal by: the text and its emphasis, not the review's fact and term marks."""
    out: list[tuple[tuple[Any, ...], Inline]] = []
    for node in inlines:
        if isinstance(node, Text):
            style = (node.bold, node.italic, node.code, node.link, node.lang)
            out += [(("t", word, *style), replace(node, text=word)) for word in _WORD.findall(node.text)]
        elif isinstance(node, FootnoteRef):
            out.append((("n", node.number), node))
        elif isinstance(node, LineBreak):
            out.append((("br",), node))
    return out


def _marked(nodes: list[Inline], kind: str) -> list[Inline]:
    """Runs and note markers as inserted or deleted. A line break cannot carry a revision: an
    inserted one stays (the new text has it), a deleted one goes."""
    return [replace(n, change=kind) if isinstance(n, (Text, FootnoteRef)) else n for n in nodes
            if isinstance(n, (Text, FootnoteRef)) or kind == "ins"]


def word_changes(old: list[Inline], new: list[Inline]) -> list[Inline]:
    """The new runs with the words that differ from ``old`` marked: deleted words before the
    inserted ones that replace them, unchanged words as they are."""
    before, after = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, [k for k, _ in before], [k for k, _ in after], autojunk=False)
    out: list[Inline] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [node for _, node in after[j1:j2]]
            continue
        out += _marked([node for _, node in before[i1:i2]], "del")
        out += _marked([node for _, node in after[j1:j2]], "ins")
    return merge_runs(out)


def part_changes(old: list[list[Inline]], new: list[list[Inline]]) -> list[list[Inline]]:
    """Word changes cell by cell (one part for every kind but a table row); cells only one side
    has are inserted or deleted whole."""
    out = [word_changes(a, b) for a, b in zip(old, new, strict=False)]
    out += [_marked(b, "ins") for b in new[len(old):]]
    out += [_marked(a, "del") for a in old[len(new):]]
    return out


# ---------------------------------------------------------------- segments
def match_segments(old: list[Segment], new: list[Segment]) -> list[tuple[int | None, int | None]]:
    """The old and new segments of one edition in order, as (old index, new index): equal ones
    paired, a changed one paired with the old segment of its kind in the same stretch, the
    rest added (None, j) or removed (i, None)."""
    keys = SequenceMatcher(None, [(s.kind, s.text) for s in old], [(s.kind, s.text) for s in new], autojunk=False)
    out: list[tuple[int | None, int | None]] = []
    for op, i1, i2, j1, j2 in keys.get_opcodes():
        if op == "equal":
            out += list(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        kinds = SequenceMatcher(None, [s.kind for s in old[i1:i2]], [s.kind for s in new[j1:j2]], autojunk=False)
        for kop, a1, a2, b1, b2 in kinds.get_opcodes():
            if kop == "equal":
                out += list(zip(range(i1 + a1, i1 + a2), range(j1 + b1, j1 + b2), strict=True))
            else:
                out += [(i, None) for i in range(i1 + a1, i1 + a2)] + [(None, j) for j in range(j1 + b1, j1 + b2)]
    return out


def segment_changes(lang: str, old: list[Segment], new: list[Segment]) -> list[SegmentChange]:
    """Every segment of an edition added, removed or changed, in reading order."""
    out: list[SegmentChange] = []
    last: int | None = None
    for i, j in match_segments(old, new):
        if i is None and j is not None:
            out.append(SegmentChange(lang, ADDED, None, j, [_marked(p, "ins") for p in new[j].parts]))
        elif j is None and i is not None:
            out.append(SegmentChange(lang, REMOVED, i, None, [_marked(p, "del") for p in old[i].parts], last))
        elif i is not None and j is not None and old[i].text != new[j].text:
            out.append(SegmentChange(lang, CHANGED, i, j, part_changes(old[i].parts, new[j].parts)))
        last = j if j is not None else last
    return out


# ---------------------------------------------------------------- the whole audience
def compare_snapshots(old: Snapshot, new: Snapshot, line_text: Callable[[str], str] = lambda where: "") -> AudienceDiff:
    """What changed from snapshot ``old`` to ``new``. ``line_text`` gives the
    text of a template line ("templates/a/en.md.j2:12"), where a translation fix is marked."""
    langs: list[str] = [lang for lang in ("ko", "en") if lang in old.segments and lang in new.segments]
    changes = {lang: segment_changes(lang, old.segments[lang], new.segments[lang]) for lang in langs}
    result = AudienceDiff(new.audience, old, new, changes)
    result.facts = fact_changes(old.facts, new.facts)
    result.parity = parity(old, new, changes, line_text) if len(langs) == 2 else []
    result.claims = claim_changes(old.extras, new.extras)
    result.signoffs = invalid_signoffs(old, changes)
    return result


def fact_changes(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[FactChange]:
    """Printed facts added, removed, or whose value, unit, date, status or source changed."""
    out: list[FactChange] = []
    for fact_id in dict.fromkeys([*old, *new]):
        before, after = old.get(fact_id), new.get(fact_id)
        if before is None or after is None:
            out.append(FactChange(fact_id, ADDED if before is None else REMOVED, list(FACT_FIELDS), before, after))
            continue
        fields = [name for name in FACT_FIELDS if before.get(name, "") != after.get(name, "")]
        if fields:
            out.append(FactChange(fact_id, CHANGED, fields, before, after))
    return out


def claim_changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    """Pairs whose claims (as the review model records them) differ: (pair id, old, new)."""
    out = []
    for pid in dict.fromkeys([*old, *new]):
        before, after = old.get(pid, {}).get("claims"), new.get(pid, {}).get("claims")
        if before != after:
            out.append((pid, before, after))
    return out


def invalid_signoffs(old: Snapshot, changes: dict[str, list[SegmentChange]]) -> list[str]:
    """Pairs signed off in the old snapshot whose Korean or English segment changed or went:
    the sign-off was for words that are no longer there."""
    touched = {(c.lang, c.old) for found in changes.values() for c in found if c.old is not None}
    return [pid for pid, ko, en in old.pairs if old.extras.get(pid, {}).get("signoff")
            and (("ko", ko) in touched or ("en", en) in touched)]


def parity(old: Snapshot, new: Snapshot, changes: dict[str, list[SegmentChange]],
           line_text: Callable[[str], str]) -> list[Parity]:
    """Each change in one edition whose counterpart (by the stored alignment) did not change."""
    new_status = {lang: {c.new: c.status for c in found if c.new is not None} for lang, found in changes.items()}
    old_status = {lang: {c.old: c.status for c in found if c.old is not None} for lang, found in changes.items()}
    out: list[Parity] = []
    for pid, ko, en in new.pairs:
        out += _one_sided(pid, {"ko": ko, "en": en}, new_status, new.where, line_text, (ADDED, CHANGED))
    for pid, ko, en in old.pairs:
        out += _one_sided(pid, {"ko": ko, "en": en}, old_status, old.where, lambda where: "", (REMOVED,))
    return out


def _one_sided(pid: str, index: dict[str, int | None], status: dict[str, dict[int, str]],
               where: dict[str, list[str]], line_text: Callable[[str], str], kinds: tuple[str, ...]) -> list[Parity]:
    """The parity finding of one aligned pair, if one side changed in one of ``kinds`` and the
    other side is there unchanged, or not there at all."""
    found = []
    for lang, other in (("ko", "en"), ("en", "ko")):
        mine, theirs = index[lang], index[other]
        if mine is None or status[lang].get(mine) not in kinds:
            continue
        if theirs is not None and theirs in status[other]:
            continue  # both sides changed
        at = where[lang][mine]
        counterpart = where[other][theirs] if theirs is not None else ""
        found.append(Parity(pid, lang, status[lang][mine], at, counterpart,
                            bool(at and TRANSLATION_FIX.search(line_text(at)))))
    return found
