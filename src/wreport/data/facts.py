"""The sourced fact set: sources, facts, derived facts and recorded conflicts.

Every figure in a brief is a :class:`Fact` from ``seeds/facts.yaml``: an exact decimal in a base
unit, with a verbatim quote that must be found in its source's text, so a reviewer can trace any
number to a sentence. :func:`load_facts` checks the whole set and reports every problem in one
:class:`~wreport.errors.ProblemsError` (each naming file and line), because a curator fixing a
fact file should see all of its mistakes in one run. The file format is described in docs/facts.md.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, TypeVar

from pydantic import BaseModel

from wreport.data import formatting
from wreport.data.claims import Claim, load_claims
from wreport.data.glossary import Glossary
from wreport.errors import DataError, Location, WreportError, did_you_mean, raise_if_any
from wreport.inputs import schemas
from wreport.inputs.boundary import spreadsheet_safe
from wreport.inputs.records import FileProblems, by_id, check_top_keys, entries_under, read_yaml, validated_entry
from wreport.inputs.schemas import CONVERSIONS, ConflictEntry, Conversion, FactEntry, SourceEntry
from wreport.inputs.text import holds_quote

if TYPE_CHECKING:
    from wreport.inputs.project import Project

UNITS = formatting.UNITS
APPROX = schemas.APPROX
STATUSES = schemas.STATUSES
#: Derived-fact operations: sums and differences keep the inputs' unit and must match exactly;
#: ratio (a / b × 100) and growth ((b − a) / a × 100) give percent, compared at the declared
#: value's decimal places.
DERIVED_OPS = schemas.DERIVED_OPS
_EXACT_OPS = ("sum", "difference")
_NEGATIVE_ALLOWED = ("percent",)  # a growth rate may be a decline; nothing else may be negative

Entry = TypeVar("Entry", bound=BaseModel)


# ---------------------------------------------------------------- the model
@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or only the year ("2007-06-30", "2007-06", "2006").

    Sources and facts are often dated less precisely than a day; keeping the precision lets the
    editions write "2007년 6월" rather than inventing a day.
    """

    date: datetime.date
    precision: str  # "day", "month" or "year", as formatting.format_date expects
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Source:
    """One source document and what we know about it (``date_basis`` says how the date is known)."""

    id: str
    title: str
    title_en: str
    publisher: str
    date: PartialDate
    date_basis: str
    language: str
    file: Path
    text: str = field(repr=False, compare=False)
    publisher_en: str | None = None
    author: str | None = None
    url: str | None = None
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Derived:
    """How a derived fact is computed from other facts, e.g. ``sum`` of three yearly budgets."""

    op: str
    inputs: tuple[str, ...]

    def compute(self, values: list[Decimal]) -> Decimal:
        """The exact result over the inputs' values (ratio and growth in percent points)."""
        with localcontext(prec=50):
            if self.op == "sum":
                return sum(values, Decimal(0))
            if self.op == "difference":
                return values[0] - values[1]
            if self.op == "ratio":
                return values[0] / values[1] * 100
            return (values[1] - values[0]) / values[0] * 100

    def __str__(self) -> str:
        return f"{self.op}({', '.join(self.inputs)})"


@dataclass(frozen=True)
class Fact:
    """One sourced quantity: an exact value in a base unit, when it holds, and where it is said."""

    id: str
    value: Decimal
    unit: str
    label_ko: str
    label_en: str
    status: str
    approx: str = "none"
    counted: str | None = None
    period: tuple[int, int] | None = None
    as_of: PartialDate | None = None
    source: str | None = None
    quote: str | None = None
    derived: Derived | None = None
    converted: Conversion | None = None
    note: str | None = None
    line: int | None = None
    date_kind: str = "event"  # "report": the date is only the source's (docs/facts.md)
    scope: str | None = None  # a glossary term id: whose figure it is
    measure: str | None = None  # what was counted: sales, production, exports...

    def label(self, lang: str) -> str:
        """The short noun phrase naming this fact in one edition."""
        return self.label_ko if lang == "ko" else self.label_en

    @property
    def when(self) -> str:
        """The period or as-of date as written in the fact file ("2016", "2005-2008", "2007-06")."""
        if self.period:
            start, end = self.period
            return str(start) if start == end else f"{start}-{end}"
        return str(self.as_of) if self.as_of else ""

    def formatted(self, lang: str, glossary: Glossary | None = None,
                  style: formatting.Style | None = None, source_first: bool = False) -> str:
        """The value in the edition's house style: ``380여 명`` / ``more than 380 members``.

        Counts need the glossary for their noun; other units render without it. ``source_first``:
        the source's unit first where the style shows a conversion (formatting.format_quantity).
        """
        counted = glossary.counted_noun(self.counted) if (self.counted and glossary) else None
        if self.counted and counted is None:
            raise DataError(f"fact '{self.id}' counts '{self.counted}': rendering it needs the glossary")
        approx = None if self.approx == "none" else self.approx
        return _formatted(str(self.value), self.unit, lang, approx, counted, style, source_first)


@functools.lru_cache(maxsize=4096)
def _formatted(value: str, unit: str, lang: str, approx: str | None, counted: formatting.CountedNoun | None,
               style: formatting.Style | None, source_first: bool = False) -> str:
    """A figure in the house style, kept for the process: the live preview renders an edition
    on every save, and a brief formats the same few hundred figures each time. Keyed by the
    value's text, as the digits written (1.50 and 1.5 are equal Decimals)."""
    return formatting.format_quantity(Decimal(value), unit, lang, approx=approx, counted=counted, style=style,
                                      source_first=source_first)


@dataclass(frozen=True)
class Conflict:
    """Facts that disagree (or seem to), kept side by side with a note rather than resolved."""

    id: str
    facts: tuple[str, ...]
    note: str
    line: int | None = None


@dataclass
class FactSet:
    """The loaded, checked fact set; ``facts`` and ``sources`` are keyed by id in file order."""

    facts: dict[str, Fact]
    sources: dict[str, Source]
    conflicts: list[Conflict]
    facts_file: str | None = None  # as users see it in messages (relative to the project)
    claims: dict[str, Claim] = field(default_factory=dict)  # claims.yaml, keyed by id in file order
    claims_file: str | None = None

    def claim(self, claim_id: str) -> Claim:
        """The claim with this id; an unknown id is a DataError suggesting the nearest ids."""
        try:
            return self.claims[claim_id]
        except KeyError:
            raise DataError(f"unknown claim '{claim_id}'", Location(self.claims_file) if self.claims_file else None,
                            hint=did_you_mean(claim_id, self.claims) or "claims are listed in seeds/claims.yaml",
                            check="UnknownClaim") from None

    def get(self, fact_id: str) -> Fact:
        """The fact with this id; an unknown id is a DataError suggesting the nearest ids."""
        try:
            return self.facts[fact_id]
        except KeyError:
            raise DataError(f"unknown fact '{fact_id}'",
                            Location(self.facts_file) if self.facts_file else None,
                            hint=did_you_mean(fact_id, self.facts), check="UnknownFact") from None

    def provenance(self, fact_id: str) -> list[Source]:
        """Every source a fact rests on: its own, and for a derived fact those of its inputs."""
        found: dict[str, Source] = {}
        pending = [fact_id]
        while pending:
            fact = self.get(pending.pop())
            if fact.source:
                found.setdefault(fact.source, self.sources[fact.source])
            if fact.derived:
                pending.extend(fact.derived.inputs)
        return sorted(found.values(), key=lambda s: s.id)

    def conflicts_of(self, fact_id: str) -> list[Conflict]:
        """The recorded conflicts a fact takes part in."""
        return [c for c in self.conflicts if fact_id in c.facts]

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.facts


# ---------------------------------------------------------------- reading the files
def _text(raw: dict[str, Any], key: str) -> str | None:
    """A field's text for a consistency check, when it is text (the schema reports when not)."""
    value = raw.get(key)
    return value.strip() or None if isinstance(value, str) else None


def parse_partial_date(text: str) -> PartialDate:
    """'2007-06-30', '2007-06' or '2006' as a PartialDate; ValueError if it is not a real date."""
    parts = schemas.date_parts(text)
    if parts is None:
        raise ValueError(text)
    return PartialDate(parts[0], parts[1], text)


# ---------------------------------------------------------------- sources
def _parse_source(index: int, raw: dict[str, Any], project: "Project", folder: Path,
                  report: FileProblems) -> Source | None:
    """One source entry, with its text read from ``folder`` (inside the project, capped)."""
    what = f"source '{raw.get('id', '?')}'"
    entry = validated_entry(SourceEntry, "sources", index, raw, what, report)
    if entry is None:
        return None
    path = folder / entry.file
    line = report.line("sources", index, "file")
    try:
        text = project.read_text(path, DataError, project.limits.source_bytes)
    except WreportError as exc:
        if exc.message == "file not found":
            report.add(f"{what}: source file '{entry.file}' not found or unreadable in {project.relative(folder)}/",
                       line, hint="`file` is relative to the sources/ folder beside sources.yaml")
        else:
            report.add(f"{what}: source file '{entry.file}': {exc.message}"
                       + (f" (at line {exc.location.line}, column {exc.location.column})"
                          if exc.location and exc.location.line else ""), line, hint=exc.hint)
        return None
    return Source(id=entry.id, title=entry.title, title_en=entry.title_en, publisher=entry.publisher,
                  date=parse_partial_date(entry.date), date_basis=entry.date_basis, language=entry.language,
                  file=path, text=text, publisher_en=entry.publisher_en, author=entry.author, url=entry.url,
                  note=entry.note, line=report.line("sources", index))


def _load_sources(project: "Project", problems: list[WreportError]) -> dict[str, Source] | None:
    """Every source in sources.yaml with its text (the texts live in a ``sources/`` folder beside
    it), or None when the file itself cannot be read, so facts are not all blamed for it."""
    report = FileProblems(project.relative(project.sources_file), problems)
    parsed = read_yaml(project, project.sources_file, report)
    if parsed is None:
        return None
    folder = project.sources_file.parent / "sources"
    check_top_keys(parsed, ("sources",), report)
    entries = entries_under(parsed, "sources", report)
    return by_id((_parse_source(i, e, project, folder, report) for i, e in entries), "source", report)


# ---------------------------------------------------------------- facts
def _parse_fact(index: int, raw: dict[str, Any], sources: dict[str, Source] | None, glossary: Glossary | None,
                report: FileProblems) -> Fact | None:
    """One fact: its schema (fields, types, choices), then how its fields fit together, its quote
    and its counted noun, each checked even when others are bad.

    ``sources`` is None when sources.yaml could not be read, so quotes cannot be checked; only
    derived facts are checked later, once every fact is known.
    """
    what = f"fact '{raw.get('id', '?')}'"
    entry = validated_entry(FactEntry, "facts", index, raw, what, report)
    _check_fit(index, raw, what, sources, glossary, report)
    if entry is None:
        return None
    if entry.converted is not None:
        _check_conversion(entry, what, report.line("facts", index, "converted"), report)
    derived = None
    if entry.derived:
        ((op, inputs),) = entry.derived.items()
        derived = Derived(op, tuple(inputs))
    return Fact(id=entry.id, value=entry.value, unit=entry.unit, label_ko=entry.label.ko, label_en=entry.label.en,
                status=entry.status, approx=entry.approx, counted=entry.counted,
                period=schemas.period_parts(entry.period) if entry.period else None,
                as_of=parse_partial_date(entry.as_of) if entry.as_of else None, source=entry.source,
                quote=entry.quote, derived=derived, converted=entry.converted, note=entry.note,
                line=report.line("facts", index), date_kind=entry.date_kind, scope=entry.scope,
                measure=entry.measure)


def _check_conversion(entry: FactEntry, what: str, line: int | None, report: FileProblems) -> None:
    """A converted value names a conversion wreport knows: pyeong ↔ m² at the legal rate, or a
    currency at the rate the source states; a value is converted or derived, never both."""
    conversion = entry.converted
    assert conversion is not None
    pair = (conversion.from_, entry.unit)
    if pair not in CONVERSIONS:
        report.add(f"{what}: cannot convert from {conversion.from_} to {entry.unit}", line,
                   hint="converted: {from: pyeong} for m2, {from: m2} for pyeong, {from: USD, rate: ...} for KRW")
    elif conversion.from_ in ("USD", "KRW") and not (conversion.rate and conversion.rate > 0):
        report.add(f"{what}: a currency conversion needs the source's rate, in won per dollar", line,
                   hint='converted: {from: USD, rate: "1131.7"}')
    elif conversion.from_ in ("m2", "pyeong") and conversion.rate is not None:
        report.add(f"{what}: pyeong and m2 convert at the legal rate (1 pyeong = 400/121 m2): drop 'rate'", line)
    if entry.derived:
        report.add(f"{what}: a value is either converted or derived, not both", line)


def _check_fit(index: int, raw: dict[str, Any], what: str, sources: dict[str, Source] | None,
               glossary: Glossary | None, report: FileProblems) -> None:
    """How a fact's fields fit together (what one field's schema cannot say), from the raw entry
    so these are reported alongside the schema's problems."""
    line = report.line("facts", index)
    unit, counted = _text(raw, "unit"), _text(raw, "counted")
    _check_value(raw, unit, what, report.line("facts", index, "value"), report)
    if unit == "count" and not counted:
        report.add(f"{what}: a count needs 'counted' (a glossary noun id such as companies)", line)
    elif counted and unit in UNITS and unit != "count":
        report.add(f"{what}: 'counted' applies to unit count only, not {unit}", report.line("facts", index, "counted"))
    if counted and glossary is not None:
        _check_counted(what, counted, glossary, report.line("facts", index, "counted"), report)
    scope = _text(raw, "scope")
    if scope and glossary is not None and scope not in {term.id for term in glossary}:
        report.add(f"{what}: scope '{scope}' is not a glossary term id", report.line("facts", index, "scope"),
                   hint=did_you_mean(scope, [t.id for t in glossary]) or "a scope names whose figure it is, "
                   "as a glossary term (wonju_innovation_cluster, gangwon...)", check="UnknownTerm")
    if ("period" in raw) == ("as_of" in raw):
        report.add(f"{what}: give exactly one of 'period' or 'as_of'", line)
    source, quote = _text(raw, "source"), _text(raw, "quote")
    if raw.get("derived") is None and not (source and quote):
        report.add(f"{what}: a fact needs 'source' and 'quote' unless it is derived", line)
    elif bool(source) != bool(quote):
        report.add(f"{what}: 'source' and 'quote' go together", line)
    elif source and quote and sources is not None:
        _check_provenance(what, source, quote, sources, line, report)


def _check_value(raw: dict[str, Any], unit: str | None, what: str, line: int | None, report: FileProblems) -> None:
    """The value fits its unit: non-negative (but percent), whole counts and won, cents for USD."""
    try:
        value = schemas.exact_decimal(raw.get("value"))
    except ValueError:
        return  # the schema reports it
    text = f"{value:f}"
    if value < 0 and unit not in _NEGATIVE_ALLOWED:
        report.add(f"{what}: value {text} is negative; a {unit} value cannot be", line)
    elif unit in ("count", "KRW") and value != value.to_integral_value():
        report.add(f"{what}: value {text} must be a whole number for unit {unit}", line)
    elif unit == "USD" and value != value.quantize(Decimal("0.01")):
        report.add(f"{what}: value {text} has more than two decimals (cents) for unit USD", line)


def _check_provenance(what: str, source_id: str, quote: str, sources: dict[str, Source], line: int | None,
                      report: FileProblems) -> None:
    """The source exists and its text holds the quote (whitespace aside)."""
    source = sources.get(source_id)
    if source is None:
        report.add(f"{what}: unknown source '{source_id}'", line,
                   hint=did_you_mean(source_id, sources) or f"sources: {', '.join(sources)}", check="UnknownSource")
    elif not holds_quote(source.text, quote):
        report.add(f"{what}: quote not found in source '{source.id}' ({source.file.name})", line,
                   hint="copy the words exactly from the source text (spacing may differ)", check="QuoteNotFound")


def _check_counted(what: str, counted: str, glossary: Glossary, line: int | None, report: FileProblems) -> None:
    try:
        glossary.counted_noun(counted)
    except WreportError as exc:
        report.add(f"{what}: '{counted}' is not a counted noun in the glossary", line,
                   hint=exc.hint or "add it to the glossary's counted nouns, or use an existing id",
                   check="UnknownTerm")


def _check_derived(fact: Fact, facts: dict[str, Fact], report: FileProblems) -> None:
    """A derived fact's inputs exist, share a unit, and compute to the declared value."""
    derived = fact.derived
    if derived is None:
        return
    inputs = []
    for input_id in derived.inputs:
        if input_id == fact.id:
            report.add(f"fact '{fact.id}': derived from itself", fact.line, check="DerivedMismatch")
        elif input_id not in facts:
            report.add(f"fact '{fact.id}': derived from unknown fact '{input_id}'", fact.line,
                       hint=did_you_mean(input_id, facts), check="UnknownFact")
        else:
            inputs.append(facts[input_id])
    if len(inputs) != len(derived.inputs):
        return
    if derived.op in _EXACT_OPS:
        units_agree = all((i.unit, i.counted) == (fact.unit, fact.counted) for i in inputs)
    else:
        units_agree = fact.unit == "percent" and len({i.unit for i in inputs}) == 1
    if not units_agree:
        shown = ", ".join(f"{i.id} ({i.unit})" for i in inputs)
        report.add(f"fact '{fact.id}' ({fact.unit}): {derived.op} over inputs of mismatched units: {shown}",
                   fact.line, hint="sum/difference keep the inputs' unit and noun; ratio/growth give percent",
                   check="DerivedMismatch")
        return
    computed = derived.compute([i.value for i in inputs])
    if derived.op not in _EXACT_OPS:
        computed = rounded_like(computed, fact.value)
    if computed != fact.value:
        report.add(f"fact '{fact.id}': declared value {fact.value} does not match {derived} = {computed.normalize():f}",
                   fact.line, hint="fix the declared value or the inputs", check="DerivedMismatch")


def rounded_like(computed: Decimal, declared: Decimal) -> Decimal:
    """``computed`` at the declared value's decimals, halves rounded up: a ratio, a growth or a
    conversion matches the value a curator wrote at the precision they chose."""
    exponent = declared.as_tuple().exponent
    assert isinstance(exponent, int), "a fact's value is finite (the schema refuses NaN and Infinity)"
    return computed.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def converted(figure: Decimal, conversion: Conversion, unit: str) -> Decimal:
    """A figure the source gives in ``conversion.from_`` in ``unit``, unrounded: pyeong ↔ m² at
    the legal rate, dollars ↔ won at the rate the fact names (won per dollar)."""
    with localcontext(prec=50):  # one pyeong is 400/121 m² (3.3057...)
        if (conversion.from_, unit) == ("pyeong", "m2"):
            return figure * 400 / 121
        if (conversion.from_, unit) == ("m2", "pyeong"):
            return figure * 121 / 400
        rate = conversion.rate or Decimal(1)
        return figure * rate if unit == "KRW" else figure / rate


def _parse_conflict(index: int, raw: dict[str, Any], facts: dict[str, Fact], report: FileProblems) -> Conflict | None:
    what = f"conflict '{raw.get('id', '?')}'"
    entry = validated_entry(ConflictEntry, "conflicts", index, raw, what, report)
    if entry is None:
        return None
    for fact_id in entry.facts:
        if fact_id not in facts:
            report.add(f"{what}: unknown fact '{fact_id}'", report.line("conflicts", index, "facts"),
                       hint=did_you_mean(fact_id, facts), check="UnknownFact")
    return Conflict(entry.id, tuple(entry.facts), entry.note, report.line("conflicts", index))


def load_project_data(project: "Project") -> tuple[FactSet, Glossary, formatting.Style]:
    """The project's facts (counted nouns checked against its glossary), the glossary and the
    house-style options: what every rendering of a fact needs together, loaded one way for the
    build, the preview and the facts commands."""
    from wreport.data.glossary import project_glossary

    glossary = project_glossary(project)
    return load_facts(project, glossary), glossary, formatting.Style(myriad_group_commas=project.myriad_group_commas)


def load_facts(project: "Project", glossary: Glossary | None = None) -> FactSet:
    """Load and check the project's sources, facts and claims; raise every problem found at once.

    Each file is read through the inputs module and each entry checked against its schema
    (schemas.SourceEntry, FactEntry, ConflictEntry); then quotes, counted nouns (with a
    glossary), derivations and conflicts are checked across entries. Raises ProblemsError (or a
    single DataError) whose entries each name the file and line of the offending entry.
    """
    problems: list[WreportError] = []
    sources = _load_sources(project, problems)
    report = FileProblems(project.relative(project.facts_file), problems)
    parsed = read_yaml(project, project.facts_file, report)
    check_top_keys(parsed, ("facts", "conflicts"), report)
    entries = entries_under(parsed, "facts", report)
    facts = by_id((_parse_fact(i, e, sources, glossary, report) for i, e in entries), "fact", report)
    for fact in facts.values():
        _check_derived(fact, facts, report)
    has_conflicts = parsed is not None and isinstance(parsed.data, dict) and "conflicts" in parsed.data
    conflict_entries = entries_under(parsed, "conflicts", report) if has_conflicts else []
    conflicts = by_id((_parse_conflict(i, e, facts, report) for i, e in conflict_entries), "conflict", report)
    claims = load_claims(project, sources, problems)
    raise_if_any(problems, f"{len(problems)} problems in the fact set")
    return FactSet(facts=facts, sources=sources or {}, conflicts=list(conflicts.values()), facts_file=report.shown,
                   claims=claims, claims_file=project.relative(project.claims_file))


# ---------------------------------------------------------------- export
EXPORT_FIELDS = ("id", "value", "unit", "counted", "period", "as_of", "approx", "status", "label_ko",
                 "label_en", "source", "quote", "derived", "note")


def fact_record(fact: Fact) -> dict[str, Any]:
    """One fact as plain data for JSON/CSV: the value as an exact decimal string (no float)."""
    return {
        "id": fact.id, "value": f"{fact.value:f}", "unit": fact.unit, "counted": fact.counted,
        "period": fact.when if fact.period else None, "as_of": fact.when if fact.as_of else None,
        "approx": fact.approx, "status": fact.status, "label_ko": fact.label_ko, "label_en": fact.label_en,
        "source": fact.source, "quote": fact.quote,
        "derived": {fact.derived.op: list(fact.derived.inputs)} if fact.derived else None, "note": fact.note,
    }


def export_json(fact_set: FactSet) -> str:
    """The fact set as a JSON array of objects (keys: EXPORT_FIELDS), Korean kept readable."""
    return json.dumps([fact_record(f) for f in fact_set], ensure_ascii=False, indent=2) + "\n"


def export_csv(fact_set: FactSet) -> str:
    """The fact set as CSV with a header row; a derivation is written as ``sum(a, b)``. A cell a
    spreadsheet would run as a formula is written as text (:func:`wreport.inputs.boundary.spreadsheet_safe`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for fact in fact_set:
        row = {**fact_record(fact), "derived": str(fact.derived) if fact.derived else None}
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return out.getvalue()
