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
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TypeVar

import yaml

from . import formatting
from .errors import DataError, Location, WreportError, did_you_mean, raise_if_any
from .glossary import Glossary
from .outputs import spreadsheet_safe

if TYPE_CHECKING:
    from .project import Project

UNITS = formatting.UNITS
APPROX = ("none", "about", "more-than", "at-least", "less-than", "over")  # docs/facts.md
STATUSES = ("actual", "estimate", "forecast", "target")
#: Derived-fact operations: sums and differences keep the inputs' unit and must match exactly;
#: ratio (a / b × 100) and growth ((b − a) / a × 100) give percent, compared at the declared
#: value's decimal places.
DERIVED_OPS = ("sum", "difference", "ratio", "growth")
_EXACT_OPS = ("sum", "difference")
_NEGATIVE_ALLOWED = ("percent",)  # a growth rate may be a decline; nothing else may be negative

_SOURCE_FIELDS = {"id", "title", "title_en", "publisher", "publisher_en", "author", "date",
                  "date_basis", "language", "file", "url", "note"}
_SOURCE_REQUIRED = ("id", "title", "title_en", "publisher", "date", "date_basis", "language", "file")
_FACT_FIELDS = {"id", "value", "unit", "counted", "period", "as_of", "approx", "status", "label",
                "source", "quote", "derived", "note"}
_FACT_REQUIRED = ("id", "value", "unit", "approx", "status", "label")
_CONFLICT_FIELDS = {"id", "facts", "note"}

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DECIMAL = re.compile(r"^-?[0-9]+(_[0-9]+)*(\.[0-9]+)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_Item = TypeVar("_Item", "Source", "Fact", "Conflict")


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
    note: str | None = None
    line: int | None = None

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
                  style: formatting.Style | None = None) -> str:
        """The value in the edition's house style: ``380여 명`` / ``more than 380 members``.

        Counts need the glossary for their noun; other units render without it.
        """
        counted = glossary.counted_noun(self.counted) if (self.counted and glossary) else None
        if self.counted and counted is None:
            raise DataError(f"fact '{self.id}' counts '{self.counted}': rendering it needs the glossary")
        approx = None if self.approx == "none" else self.approx
        return _formatted(str(self.value), self.unit, lang, approx, counted, style)


@functools.lru_cache(maxsize=4096)
def _formatted(value: str, unit: str, lang: str, approx: str | None, counted: formatting.CountedNoun | None,
               style: formatting.Style | None) -> str:
    """A figure in the house style, kept for the process: the live preview renders an edition
    on every save, and a brief formats the same few hundred figures each time. Keyed by the
    value's text, as the digits written (1.50 and 1.5 are equal Decimals)."""
    return formatting.format_quantity(Decimal(value), unit, lang, approx=approx, counted=counted, style=style)


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

    def get(self, fact_id: str) -> Fact:
        """The fact with this id; an unknown id is a DataError suggesting the nearest ids."""
        try:
            return self.facts[fact_id]
        except KeyError:
            raise DataError(f"unknown fact '{fact_id}'",
                            Location(self.facts_file) if self.facts_file else None,
                            hint=did_you_mean(fact_id, self.facts), check="UnknownFact") from None

    def source_of(self, fact_id: str) -> Source | None:
        """The source a fact quotes, or None for a fact that is only computed."""
        fact = self.get(fact_id)
        return self.sources[fact.source] if fact.source else None

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


# ---------------------------------------------------------------- YAML with line numbers
class _Mapping(dict):
    """A YAML mapping that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines and keeps every plain scalar but null as text.

    YAML 1.1 would turn ``as_of: 2007-06-30`` into a date, ``value: 10.9`` into a binary float,
    ``value: 010`` into 8 and ``approx: no`` into False; each loses what the curator wrote, and
    no field of these files is a number, date or boolean until this module parses it.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    """Build a _Mapping; a key given twice is recorded (PyYAML would silently keep the last)."""
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if key in mapping:
            loader.duplicate_keys.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _Problems:
    """Collects the problems of one file, each with the file's user-facing name and a line."""

    def __init__(self, shown: str, problems: list[WreportError]):
        self.shown = shown
        self.problems = problems

    def add(self, message: str, line: int | None = None, hint: str | None = None, check: str | None = None) -> None:
        self.problems.append(DataError(message, Location.of(self.shown, line), hint=hint, check=check))


def _read_yaml(path: Path, shown: str, problems: list[WreportError]) -> Any:
    """The parsed YAML document, or None after recording why it cannot be read."""
    report = _Problems(shown, problems)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add("file not found", hint="create it, or set its path in wreport.toml [paths]")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.add(f"cannot read the file: {exc}", hint="save it as UTF-8 text")
        return None
    loader = _Loader(text)
    loader.duplicate_keys = []
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "syntax error"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            what += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        report.add(f"invalid YAML: {what}", line, hint="check indentation, colons, brackets and quotes")
        return None
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        report.add(f"key '{key}' given twice in one entry", line, hint="keep one of them")
    return document


def _entries(document: Any, key: str, report: _Problems) -> list[_Mapping]:
    """The list of mappings under a top-level key, recording what is malformed."""
    if document is None:
        return []
    if not isinstance(document, dict) or key not in document:
        report.add(f"expected a top-level '{key}:' list", getattr(document, "line", None))
        return []
    entries = document[key] or []
    if not isinstance(entries, list):
        report.add(f"'{key}' must be a list of entries", document.line_of(key))
        return []
    good = [entry for entry in entries if isinstance(entry, _Mapping)]
    if len(good) != len(entries):
        report.add(f"every item under '{key}' must be a mapping (id: ..., ...)", document.line_of(key))
    return good


# ---------------------------------------------------------------- field checks
def _check_fields(entry: _Mapping, what: str, allowed: set[str], required: tuple[str, ...],
                  report: _Problems) -> bool:
    """Record unknown and missing fields; True when every required field is present."""
    for key in entry:
        if key not in allowed:
            report.add(f"{what}: unknown field '{key}'", entry.line_of(key),
                       hint=did_you_mean(key, allowed) or f"known fields: {', '.join(sorted(allowed))}")
    missing = [key for key in required if entry.get(key) in (None, "")]
    for key in missing:
        report.add(f"{what}: missing field '{key}'", entry.line)
    return not missing


def _text(entry: _Mapping, key: str, what: str, report: _Problems) -> str | None:
    """An optional text field (plain scalars all load as text, see _Loader)."""
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        report.add(f"{what}: '{key}' must be text", entry.line_of(key))
        return None
    return str(value).strip() or None


def _choice(entry: _Mapping, key: str, allowed: tuple[str, ...], what: str, report: _Problems) -> str | None:
    value = _text(entry, key, what, report)
    if value is not None and value not in allowed:
        report.add(f"{what}: unknown {key} '{value}'", entry.line_of(key),
                   hint=f"use one of: {', '.join(allowed)}")
        return None
    return value


def parse_partial_date(text: str) -> PartialDate:
    """'2007-06-30', '2007-06' or '2006' as a PartialDate; ValueError if it is not a real date."""
    found = _DATE.match(text)
    if not found:
        raise ValueError(text)
    year, month, day = found.groups()
    date = datetime.date(int(year), int(month or 1), int(day or 1))
    precision = "day" if day else "month" if month else "year"
    return PartialDate(date, precision, text)


def _partial_date(entry: _Mapping, key: str, what: str, report: _Problems) -> PartialDate | None:
    text = _text(entry, key, what, report)
    if text is None:
        return None
    try:
        return parse_partial_date(text)
    except ValueError:
        report.add(f"{what}: {key} '{text}' is not a date", entry.line_of(key),
                   hint="write YYYY-MM-DD, YYYY-MM or YYYY")
        return None


def _period(entry: _Mapping, what: str, report: _Problems) -> tuple[int, int] | None:
    text = _text(entry, "period", what, report)
    if text is None:
        return None
    found = _PERIOD.match(text)
    if not found or int(found.group(2) or found.group(1)) < int(found.group(1)):
        report.add(f"{what}: period '{text}' is not a year or a year range", entry.line_of("period"),
                   hint="write 2016 or 2005-2008")
        return None
    return int(found.group(1)), int(found.group(2) or found.group(1))


def _value(entry: _Mapping, unit: str | None, what: str, report: _Problems) -> Decimal | None:
    """The exact decimal value, checked against its unit (whole, non-negative counts...)."""
    raw = entry.get("value")
    line = entry.line_of("value")
    text = raw.strip() if isinstance(raw, str) else None
    if text is None or not _DECIMAL.match(text):
        report.add(f"{what}: value {raw!r} is not an exact decimal", line,
                   hint='write digits with an optional point, as a quoted string: "609_800_000_000", "10.9"')
        return None
    value = Decimal(text)
    if value < 0 and unit not in _NEGATIVE_ALLOWED:
        report.add(f"{what}: value {text} is negative; a {unit} value cannot be", line)
    elif unit in ("count", "KRW") and value != value.to_integral_value():
        report.add(f"{what}: value {text} must be a whole number for unit {unit}", line)
    elif unit == "USD" and value != value.quantize(Decimal("0.01")):
        report.add(f"{what}: value {text} has more than two decimals (cents) for unit USD", line)
    return value


def _derived(entry: _Mapping, what: str, report: _Problems) -> Derived | None:
    raw = entry.get("derived")
    if raw is None:
        return None
    line = entry.line_of("derived")
    if not isinstance(raw, dict) or len(raw) != 1:
        report.add(f"{what}: derived must be one operation, e.g. {{sum: [a, b]}}", line,
                   hint=f"operations: {', '.join(DERIVED_OPS)}")
        return None
    op, inputs = next(iter(raw.items()))
    if op not in DERIVED_OPS:
        report.add(f"{what}: unknown derived operation '{op}'", line, hint=f"use one of: {', '.join(DERIVED_OPS)}")
        return None
    ids_ok = isinstance(inputs, list) and all(isinstance(i, str) for i in inputs)
    if not ids_ok or (len(inputs) < 2 if op == "sum" else len(inputs) != 2):
        count = "two or more" if op == "sum" else "exactly two"
        report.add(f"{what}: derived {op} takes a list of {count} fact ids", line)
        return None
    return Derived(op, tuple(inputs))


def _label(entry: _Mapping, what: str, report: _Problems) -> tuple[str, str] | None:
    label = entry.get("label")
    if not isinstance(label, dict) or not all(isinstance(label.get(k), str) and label[k].strip()
                                              for k in ("ko", "en")):
        report.add(f"{what}: label needs both ko: and en: text", entry.line_of("label"))
        return None
    return label["ko"].strip(), label["en"].strip()


# ---------------------------------------------------------------- sources
def _parse_source(entry: _Mapping, folder: Path, shown_folder: str, report: _Problems) -> Source | None:
    """One source entry, with its text read from ``folder`` (named ``shown_folder`` in messages)."""
    what = f"source '{entry.get('id', '?')}'"
    if not _check_fields(entry, what, _SOURCE_FIELDS, _SOURCE_REQUIRED, report):
        return None
    texts = {key: _text(entry, key, what, report) for key in _SOURCE_FIELDS if key != "date"}
    if not _SOURCE_ID.match(texts["id"] or ""):
        report.add(f"{what}: id must be lower-case letters, digits and hyphens", entry.line_of("id"))
    date = _partial_date(entry, "date", what, report)
    path = folder / (texts["file"] or "")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        report.add(f"{what}: source file '{texts['file']}' not found or unreadable in {shown_folder}/",
                   entry.line_of("file"), hint="`file` is relative to the sources/ folder beside sources.yaml")
        return None
    if date is None:
        return None
    return Source(id=texts["id"], title=texts["title"], title_en=texts["title_en"],
                  publisher=texts["publisher"], date=date, date_basis=texts["date_basis"],
                  language=texts["language"], file=path, text=text, publisher_en=texts["publisher_en"],
                  author=texts["author"], url=texts["url"], note=texts["note"], line=entry.line)


def _load_sources(project: "Project", problems: list[WreportError]) -> dict[str, Source] | None:
    """Every source in sources.yaml with its text (the texts live in a ``sources/`` folder beside
    it), or None when the file itself cannot be read, so facts are not all blamed for it."""
    report = _Problems(project.relative(project.sources_file), problems)
    document = _read_yaml(project.sources_file, report.shown, problems)
    if document is None:
        return None
    folder = project.sources_file.parent / "sources"
    entries = _entries(document, "sources", report)
    return _by_id((_parse_source(e, folder, project.relative(folder), report) for e in entries), "source", report)


def _by_id(items: Iterable[_Item | None], what: str, report: _Problems) -> dict[str, _Item]:
    """Parsed entries keyed by id in file order, skipping failed ones; a repeated id is reported
    at its second place (the first one stays, so references to it still resolve)."""
    keyed: dict[str, _Item] = {}
    for item in items:
        if item is None:
            continue
        if item.id in keyed:
            report.add(f"duplicate {what} id '{item.id}' (first at line {keyed[item.id].line})", item.line)
        else:
            keyed[item.id] = item
    return keyed


# ---------------------------------------------------------------- facts
def _parse_fact(entry: _Mapping, sources: dict[str, Source] | None, glossary: Glossary | None,
                report: _Problems) -> Fact | None:
    """One fact's fields, its quote and its counted noun, each checked even when others are bad.

    ``sources`` is None when sources.yaml could not be read, so quotes cannot be checked; only
    derived facts are checked later, once every fact is known.
    """
    what = f"fact '{entry.get('id', '?')}'"
    complete = _check_fields(entry, what, _FACT_FIELDS, _FACT_REQUIRED, report)
    fact_id = _text(entry, "id", what, report)
    if fact_id and not _ID.match(fact_id):
        report.add(f"{what}: id must be snake_case (a-z, 0-9, _)", entry.line_of("id"))
    unit = _choice(entry, "unit", UNITS, what, report)
    approx = _choice(entry, "approx", APPROX, what, report)
    status = _choice(entry, "status", STATUSES, what, report)
    value = _value(entry, unit, what, report) if "value" in entry else None
    label = _label(entry, what, report) if "label" in entry else None
    counted = _text(entry, "counted", what, report)
    if unit == "count" and not counted:
        report.add(f"{what}: a count needs 'counted' (a glossary noun id such as companies)", entry.line)
    elif counted and unit and unit != "count":
        report.add(f"{what}: 'counted' applies to unit count only, not {unit}", entry.line_of("counted"))
    if counted and glossary is not None:
        _check_counted(what, counted, glossary, entry.line_of("counted"), report)
    period = _period(entry, what, report)
    as_of = _partial_date(entry, "as_of", what, report)
    if ("period" in entry) == ("as_of" in entry):
        report.add(f"{what}: give exactly one of 'period' or 'as_of'", entry.line)
    derived = _derived(entry, what, report)
    source, quote = _text(entry, "source", what, report), _text(entry, "quote", what, report)
    if derived is None and not (source and quote):
        report.add(f"{what}: a fact needs 'source' and 'quote' unless it is derived", entry.line)
    elif bool(source) != bool(quote):
        report.add(f"{what}: 'source' and 'quote' go together", entry.line)
    elif source and sources is not None:
        _check_provenance(what, source, quote, sources, entry.line, report)
    if not complete or None in (fact_id, unit, approx, status, value, label):
        return None
    return Fact(id=fact_id, value=value, unit=unit, label_ko=label[0], label_en=label[1], status=status,
                approx=approx, counted=counted, period=period, as_of=as_of, source=source, quote=quote,
                derived=derived, note=_text(entry, "note", what, report), line=entry.line)


def _normalised(text: str) -> str:
    """Text for quote matching: NFC, all whitespace removed (one source lost its spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _check_provenance(what: str, source_id: str, quote: str, sources: dict[str, Source], line: int,
                      report: _Problems) -> None:
    """The source exists and its text holds the quote (whitespace aside)."""
    source = sources.get(source_id)
    if source is None:
        report.add(f"{what}: unknown source '{source_id}'", line,
                   hint=did_you_mean(source_id, sources) or f"sources: {', '.join(sources)}", check="UnknownSource")
    elif _normalised(quote) not in _normalised(source.text):
        report.add(f"{what}: quote not found in source '{source.id}' ({source.file.name})", line,
                   hint="copy the words exactly from the source text (spacing may differ)", check="QuoteNotFound")


def _check_counted(what: str, counted: str, glossary: Glossary, line: int, report: _Problems) -> None:
    try:
        glossary.counted_noun(counted)
    except WreportError as exc:
        report.add(f"{what}: '{counted}' is not a counted noun in the glossary", line,
                   hint=exc.hint or "add it to the glossary's counted nouns, or use an existing id",
                   check="UnknownTerm")


def _check_derived(fact: Fact, facts: dict[str, Fact], report: _Problems) -> None:
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
        computed = computed.quantize(Decimal(1).scaleb(fact.value.as_tuple().exponent), rounding=ROUND_HALF_UP)
    if computed != fact.value:
        report.add(f"fact '{fact.id}': declared value {fact.value} does not match {derived} = {computed.normalize():f}",
                   fact.line, hint="fix the declared value or the inputs", check="DerivedMismatch")


def _parse_conflict(entry: _Mapping, facts: dict[str, Fact], report: _Problems) -> Conflict | None:
    what = f"conflict '{entry.get('id', '?')}'"
    if not _check_fields(entry, what, _CONFLICT_FIELDS, ("id", "facts", "note"), report):
        return None
    ids = entry["facts"]
    if not isinstance(ids, list) or len(ids) < 2 or not all(isinstance(i, str) for i in ids):
        report.add(f"{what}: 'facts' must list two or more fact ids", entry.line_of("facts"))
        return None
    for fact_id in ids:
        if fact_id not in facts:
            report.add(f"{what}: unknown fact '{fact_id}'", entry.line_of("facts"), hint=did_you_mean(fact_id, facts),
                       check="UnknownFact")
    return Conflict(str(entry["id"]), tuple(ids), str(entry["note"]).strip(), entry.line)


def load_facts(project: "Project", glossary: Glossary | None = None) -> FactSet:
    """Load and check the project's sources and facts; raise every problem found at once.

    With a glossary, counted nouns are checked against it too. Raises ProblemsError (or a single
    DataError) whose entries each name the file and line of the offending entry.
    """
    problems: list[WreportError] = []
    sources = _load_sources(project, problems)
    report = _Problems(project.relative(project.facts_file), problems)
    document = _read_yaml(project.facts_file, report.shown, problems)
    entries = _entries(document, "facts", report)
    facts = _by_id((_parse_fact(entry, sources, glossary, report) for entry in entries), "fact", report)
    for fact in facts.values():
        _check_derived(fact, facts, report)
    has_conflicts = isinstance(document, dict) and "conflicts" in document
    entries = _entries(document, "conflicts", report) if has_conflicts else []
    conflicts = _by_id((_parse_conflict(entry, facts, report) for entry in entries), "conflict", report)
    raise_if_any(problems, f"{len(problems)} problems in the fact set")
    return FactSet(facts=facts, sources=sources or {}, conflicts=list(conflicts.values()), facts_file=report.shown)


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
    spreadsheet would run as a formula is written as text (:func:`wreport.outputs.spreadsheet_safe`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for fact in fact_set:
        row = {**fact_record(fact), "derived": str(fact.derived) if fact.derived else None}
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return out.getvalue()
