"""Which mentions the fact set covers, which are set aside on purpose, and which are still open.

A fact *covers* a mention when its quote, found in the same source (whitespace aside, as the
loader checks quotes), spans the mention's number and unit *and* the fact's value is that figure
(curation/values.py; a derived fact's quote covers the parts of its rule that no other fact
there stores). So a figure that appears twice (a headline and its body, a passage the
extraction repeated) is covered where the quote is, and only there, and a quote that spans a
neighbouring figure does not cover it. A mention that is not a figure for the brief (a page number, a view counter, another
region's statistic, an idiom such as 두마리 토끼) is *set aside* in ``set-aside.yaml`` beside
sources.yaml, each entry with a reason. Everything else is *open*: ``wreport facts coverage``
exits non-zero and ``wreport check`` warns (UncoveredFigure) until it is covered or set aside.

set-aside.yaml::

    set_aside:
      - source: fnnews-2007-12-wonju
        text: "4,417"                 # the mention as `wreport facts candidates` prints it
        context: "조회수 4,417"          # optional: words around it, to pick some occurrences
        reason: navigation            # navigation | out-of-scope | repeat | not-a-figure | unused
        note: The page's view counter.
      - source: kado-2017-technovalley
        lines: "20-48"                # optional: a part of the source (no text: every figure in it)
        reason: unused                # relevant, not used in this brief

An entry without ``context`` sets aside every mention of that text in that source; one without
``text`` every mention (in ``lines``, if given) that no fact covers and no earlier entry sets
aside. One that sets aside nothing is reported, so the file cannot silently go stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wreport.curation.mentions import Mention, mentions_of
from wreport.curation.values import agrees, quoted_figures
from wreport.data.facts import Fact, FactSet
from wreport.errors import DataError, Location, WreportError, did_you_mean, raise_if_any
from wreport.inputs.records import FileProblems, check_top_keys, entries_under, read_yaml, validated_entry
from wreport.inputs.schemas import SetAsideEntry
from wreport.inputs.text import Spans, occurrences, spaceless

if TYPE_CHECKING:
    from wreport.inputs.project import Project

SET_ASIDE_FILE = "set-aside.yaml"
@dataclass(frozen=True)
class SetAside:
    """One set-aside entry: the mention text in a source, optionally narrowed by its context."""

    source: str
    text: str | None
    reason: str
    context: str | None
    note: str | None
    line: int
    lines: tuple[int, int] | None = None

    @property
    def shown(self) -> str:
        """How messages name the entry: its text, else its lines, else the whole source."""
        return self.text or (f"lines {self.lines[0]}-{self.lines[1]}" if self.lines else "every open figure")


@dataclass(frozen=True)
class Status:
    """A mention and what became of it: the covering fact, or the set-aside entry, or neither."""

    mention: Mention
    covered_by: str | None = None
    set_aside: SetAside | None = None

    @property
    def is_open(self) -> bool:
        return self.covered_by is None and self.set_aside is None


def set_aside_path(project: Project) -> Path:
    """set-aside.yaml lives beside sources.yaml, as the sources/ folder does."""
    return project.sources_file.parent / SET_ASIDE_FILE


def load_set_aside(project: Project, fact_set: FactSet, path: Path | None = None) -> list[SetAside]:
    """The set-aside entries (of ``path``, default the project's file), checked (known source,
    known reason); none if there is no file."""
    path = path or set_aside_path(project)
    if not os.path.lexists(path):
        return []
    problems: list[WreportError] = []
    report = FileProblems(project.relative(path), problems)
    parsed = read_yaml(project, path, report)  # through the inputs module, as the fact files
    check_top_keys(parsed, ("set_aside",), report)
    entries: list[SetAside] = []
    for index, raw in entries_under(parsed, "set_aside", report):
        entry = validated_entry(SetAsideEntry, "set_aside", index, raw, "set-aside entry", report)  # schemas.py
        if entry is None:
            continue
        if entry.source not in fact_set.sources:
            report.add(f"set-aside entry: unknown source '{entry.source}'", report.line("set_aside", index, "source"),
                       hint=did_you_mean(entry.source, fact_set.sources), check="UnknownSource")
            continue
        entries.append(SetAside(entry.source, entry.text, entry.reason, entry.context, entry.note,
                                report.line("set_aside", index) or 0, _lines(entry.lines)))
    raise_if_any(problems, f"{len(problems)} problems in {report.shown}")
    return entries


def _lines(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def coverage(project: Project, fact_set: FactSet, source_ids: list[str] | None = None,
             set_aside_file: Path | None = None) -> list[Status]:
    """Every mention of the chosen sources (default: all) with its covering fact or set-aside entry
    (from ``set_aside_file``, default the project's set-aside.yaml).

    Raises DataError for an unknown source id and for set-aside entries that match no mention.
    """
    chosen = _chosen(fact_set, source_ids)
    set_aside = load_set_aside(project, fact_set, set_aside_file)
    used: set[int] = set()
    statuses: list[Status] = []
    for source_id in chosen:
        text = fact_set.sources[source_id].text
        squashed = spaceless(text)  # once per source: every quote and context is looked up in it
        mentions = mentions_of(source_id, text)
        covering = _coverers(fact_set, source_id, mentions, squashed)
        entries = _Entries([e for e in set_aside if e.source == source_id], squashed)
        for mention in mentions:
            covered = _covering_fact(covering, mention)
            aside = None if covered else entries.first_setting_aside(mention)
            if aside is not None:
                used.add(aside.line)
            statuses.append(Status(mention, covered, aside))
    stale = [e for e in set_aside if e.source in chosen and e.line not in used]
    if stale:
        shown = project.relative(set_aside_path(project))
        raise_if_any([DataError(f"set-aside entry '{e.shown}' ({e.source}) matches no open mention",
                                Location.of(shown, e.line), hint="a fact now quotes it, or the text or context "
                                "differs from the source: remove or correct the entry") for e in stale],
                     f"{len(stale)} stale set-aside entries")
    return statuses


def _chosen(fact_set: FactSet, source_ids: list[str] | None) -> list[str]:
    for source_id in source_ids or []:
        if source_id not in fact_set.sources:
            raise DataError(f"unknown source '{source_id}'", hint=did_you_mean(source_id, fact_set.sources)
                            or f"sources: {', '.join(fact_set.sources)}", check="UnknownSource")
    return list(dict.fromkeys(source_ids)) if source_ids else list(fact_set.sources)


def _covering_fact(covering: dict[int, list[str]], mention: Mention) -> str | None:
    """The first fact whose quote spans the mention and whose value is that figure."""
    found = covering.get(id(mention))
    return found[0] if found else None


def _coverers(fact_set: FactSet, source_id: str, mentions: tuple[Mention, ...],
              text: tuple[str, tuple[int, ...]]) -> dict[int, list[str]]:
    """For each mention (by identity), the facts that cover it: their quote spans it and their
    value is its figure (values.agrees). A quote spanning a neighbouring figure does not cover it;
    a derived fact's quote covers the figures no other fact there stores (its rule's parts)."""
    covering: dict[int, list[str]] = {}
    derived: list[tuple[Fact, list[Mention]]] = []
    for fact, figures in quoted_figures(fact_set, source_id, mentions, text):
        if fact.derived is not None:
            derived.append((fact, figures))
        for mention in figures:
            if agrees(fact, mention):
                covering.setdefault(id(mention), []).append(fact.id)
    for fact, figures in derived:
        for mention in figures:
            covering.setdefault(id(mention), [fact.id])
    return covering


class _Entries:
    """A source's set-aside entries, ready to be asked about each of its mentions: by the text
    they name (a dictionary, not every entry for every mention), with each context found in the
    source once (not once per mention: that searched the whole text for every figure)."""

    def __init__(self, entries: list[SetAside], text: tuple[str, tuple[int, ...]]):
        self.by_text: dict[str | None, list[tuple[int, SetAside]]] = {}
        for order, entry in enumerate(entries):
            key = spaceless(entry.text)[0] if entry.text is not None else None
            self.by_text.setdefault(key, []).append((order, entry))
        self.contexts = {entry.context: Spans(occurrences(entry.context, text))
                         for entry in entries if entry.context is not None}

    def first_setting_aside(self, mention: Mention) -> SetAside | None:
        """The first entry (in file order) that sets ``mention`` aside, if any."""
        named = self.by_text.get(spaceless(mention.text)[0], []) + self.by_text.get(None, [])
        return next((entry for _, entry in sorted(named, key=lambda item: item[0]) if self._sets_aside(entry, mention)),
                    None)

    def _sets_aside(self, entry: SetAside, mention: Mention) -> bool:
        if entry.lines is not None and not entry.lines[0] <= mention.line <= entry.lines[1]:
            return False
        return entry.context is None or self.contexts[entry.context].hold(mention.start, mention.end)


def by_source(statuses: list[Status]) -> dict[str, list[Status]]:
    """Statuses grouped by source id, in source order."""
    grouped: dict[str, list[Status]] = {}
    for status in statuses:
        grouped.setdefault(status.mention.source, []).append(status)
    return grouped
