"""Audiences and their templates: sandboxed Jinja that writes Markdown from facts and terms.

An audience is a folder ``templates/<name>/`` holding ``audience.toml`` (titles per language, the
languages and formats to build, the content date) and one ``<lang>.md.j2`` per language. Shared
macros live in ``templates/_shared/``. Templates are data a policy team edits, so they run in
Jinja's immutable sandbox with strict undefined names, and every figure or name they print comes
from a helper (``fact()``, ``term()``, ``chart()``...) so no number is typed by hand.

Helper output is Markdown-escaped: a label holding ``<script>`` or ``*`` prints as itself. Any
failure while rendering becomes a :class:`TemplateError` naming the template file and line, found
from the template frames Jinja writes into the traceback. docs/templates.md is the author's guide.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
import jinja2.ext

from wreport.data import formatting, josa
from wreport.data.facts import Fact, FactSet, PartialDate, parse_partial_date
from wreport.data.glossary import Glossary, Term
from wreport.errors import ConfigError, Location, TemplateError, WreportError, raise_if_any
from wreport.inputs import reading as inputs
from wreport.inputs import schemas
from wreport.inputs.project import Project
from wreport.inputs.schemas import AudienceConfig, Parsed, Wording, parse_toml, validate
from wreport.inputs.text import UNSAFE, squash_spaces, unsafe_name
from wreport.render.document import UI_LABELS, ChartSpec, Document
from wreport.render.markdown import PAGE_BREAK, parse_markdown
from wreport.render.marks import CLAIM, FACT, OWN, TERM, MarkOverflowError, MarkTable, strip_marks
from wreport.render.sandbox import MAX_EDITION, Sandbox, compiled_templates

AUDIENCE_FILE = "audience.toml"
SHARED_FOLDER = "_shared"
TEMPLATE_SUFFIX = ".md.j2"
LANGUAGES = tuple(UI_LABELS)
FORMATS = schemas.FORMATS
TERM_FORMS = (None, "full", "abbr", "plural")
CHART_KINDS = ("bar", "line")
HELPERS = ("fact", "fact_label", "fact_period", "term", "claim", "own", "chart", "pagebreak")
FILTERS = ("date", "period", "josa", "capfirst")  # the one list: the environment, the preview's precompile, hints



# ---------------------------------------------------------------- audiences
@dataclass(frozen=True)
class EditionInfo:
    """One language's metadata for an audience: what the title page and file properties say."""

    title: str
    subtitle: str = ""
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audience:
    """A validated ``templates/<name>/audience.toml``."""

    name: str
    folder: Path
    languages: tuple[str, ...]
    formats: tuple[str, ...]
    date: datetime.date
    editions: dict[str, EditionInfo]
    contents: bool = True  # whether the editions print a table of contents

    def template_file(self, lang: str) -> Path:
        return self.folder / f"{lang}{TEMPLATE_SUFFIX}"


def list_audiences(project: Project) -> list[str]:
    """The audience names: folders in the templates folder with an audience.toml, ``_shared`` and
    hidden folders aside (a ``.NAME-xxxx`` staging folder that a killed ``new-audience`` left is
    not an audience, and load_audience refuses the name); those ``[project] audiences`` in
    wreport.toml names first, in its order, then the rest alphabetically."""
    folder = project.templates_dir
    if not folder.is_dir():
        return []
    # lexists: an audience.toml that is there but is not a readable file (a FIFO, a link out) is
    # listed, so loading it says why rather than the audience silently dropping out of the build
    found = sorted(p.name for p in folder.iterdir()
                   if p.is_dir() and not p.name.startswith(("_", ".")) and os.path.lexists(p / AUDIENCE_FILE))
    first = [name for name in dict.fromkeys(project.audiences) if name in found]  # wreport.toml's order first
    return first + [name for name in found if name not in first]


def load_audience(project: Project, name: str) -> Audience:
    """Read and check an audience's audience.toml against its schema (schemas.AudienceConfig);
    every problem in it is reported at once, each at its line."""
    folder = project.templates_dir / name
    config_file = folder / AUDIENCE_FILE
    if not re.fullmatch(r"[^/\\._][^/\\]*", name) or not os.path.lexists(config_file):
        known = ", ".join(list_audiences(project)) or "none"
        raise ConfigError(f"no audience {name!r}: {project.relative(config_file)} not found",
                          hint=f"audiences: {known}")
    shown = project.relative(config_file)
    inputs.confine(folder, project.root, project.relative(folder), ConfigError)
    parsed = parse_toml(project.read_text(config_file, ConfigError), shown)
    config, problems = validate(AudienceConfig, parsed.data, parsed, shown, wording=_EDITION_WORDING)
    problems += _audience_consistency(project, folder, parsed, shown)
    raise_if_any(problems, f"{len(problems)} problems in {shown}")
    assert config is not None
    editions = {lang: table for lang in LANGUAGES if (table := getattr(config, lang)) is not None}
    return Audience(name=name, folder=folder, languages=tuple(config.languages), formats=tuple(config.formats),
                    date=config.date, contents=config.contents,
                    editions={lang: EditionInfo(title=t.title, subtitle=t.subtitle, author=t.author,
                                                subject=t.subject, keywords=tuple(t.keywords))
                              for lang, t in editions.items()})


_EDITION_WORDING = Wording(prefix=lambda loc: f"[{loc[0]}]: " if len(loc) > 1 and loc[0] in LANGUAGES else "",
                           name_parent=False)


def _audience_consistency(project: Project, folder: Path, parsed: Parsed, shown: str) -> list[WreportError]:
    """What the schema cannot say alone: each language has its table and its template, and no
    table is given for a language the audience does not build (checked even when the schema
    found problems, from the languages that are valid, so every problem is reported at once)."""
    raw = parsed.data.get("languages")
    languages = [lang for lang in raw if lang in LANGUAGES] if isinstance(raw, list) else []
    problems: list[WreportError] = []

    def add(message: str, key: str, hint: str | None = None) -> None:
        problems.append(ConfigError(message, Location.of(shown, parsed.line_of((key,))), hint))

    for lang in dict.fromkeys(languages):
        if not isinstance(parsed.data.get(lang), dict):
            add(f"missing table [{lang}] with this edition's title", "languages", f'add [{lang}] with title = "..."')
        if not os.path.lexists(folder / f"{lang}{TEMPLATE_SUFFIX}"):  # one that is there but unreadable: its read says why
            add(f"no template for {lang!r}: {project.relative(folder / (lang + TEMPLATE_SUFFIX))} is missing",
                "languages")
    for lang in LANGUAGES:
        if lang in parsed.data and lang not in languages:
            add(f"[{lang}] is given but {lang!r} is not in languages", lang)
    return problems


# ---------------------------------------------------------------- Markdown escaping
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!&])")
# List markers only count at the start of a line: "- ", "+ ", "1. ", "1) " ("#" and ">" are always escaped).
_LINE_START_SPECIAL = re.compile(r"^(?:([-+])(?=\s|[-+]|$)|(\d{1,9})([.)])(?=\s|$))")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text (whitespace runs become one space).

    Inline punctuation is backslash-escaped everywhere; markers that only matter at the start of
    a line (``- ``, ``1. ``) are escaped there, so a value may open a line safely while a
    figure such as 437.1% stays readable in the Markdown. Newlines are folded because a blank
    line inside a value would end a table or a list item.
    """
    text = _INLINE_SPECIAL.sub(r"\\\1", squash_spaces(str(text)))
    return _LINE_START_SPECIAL.sub(_escape_marker, text)


def _escape_marker(found: re.Match[str]) -> str:
    marker, digits, delimiter = found.groups()
    return f"{digits}\\{delimiter}" if digits else f"\\{marker}"


# ---------------------------------------------------------------- the edition's helpers
@dataclass
class _HelperState:
    """What the helpers of one rendering share: inputs, and what the template has used so far."""

    lang: str
    facts: FactSet
    glossary: Glossary
    style: formatting.Style
    cited_facts: list[str] = field(default_factory=list)
    cited_sources: list[str] = field(default_factory=list)
    cited_claims: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    introduced: set[str] = field(default_factory=set)
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    marks: MarkTable = field(default_factory=MarkTable)

    def helpers(self) -> dict[str, Callable[..., str]]:
        return {name: self._callable(name) for name in HELPERS}

    def filters(self) -> dict[str, Callable[..., str]]:
        return {name: self._callable(name) for name in FILTERS}

    def _callable(self, name: str) -> Callable[..., str]:
        """A helper or filter by its template name: a method of this rendering, or a function
        that needs none of its state (HELPERS and FILTERS are the one list of names)."""
        free: dict[str, Callable[..., str]] = {"pagebreak": pagebreak, "josa": with_particle, "capfirst": capfirst}
        method: Callable[..., str] = free[name] if name in free else getattr(self, name)
        return method

    def _fact(self, fact_id: str) -> Fact:
        """Look a fact up and record it as used (the QA checks compare what each edition used)."""
        fact = self.facts.get(fact_id)
        if fact_id not in self.cited_facts:
            self.cited_facts.append(fact_id)
        return fact

    def fact(self, fact_id: str, cite: bool = True, noun: bool = True, source_unit: bool = False) -> str:
        """The value in the house style, then a footnote marker for each source it rests on.

        ``noun=False`` leaves out a count's noun or counter (4 / 4 rather than 4 mini-clusters /
        4개), so a sentence can name the noun once for two figures: "between 4 and 7 mini-clusters".
        ``source_unit=True`` puts the source's own unit first, "10,000 pyeong (about 33,060 m²)",
        for a sentence saying what a source gives ("The Electronic Times gives ..."), as Korean does.
        """
        fact = self._fact(fact_id)
        shown = fact.formatted(self.lang, self.glossary, self.style, source_unit) if noun \
            else bare_count(fact, self.lang, self.style)
        text = self._mark(FACT, fact_id, escape_markdown(shown))
        if not cite:
            return text
        for source in self.facts.provenance(fact_id):
            text += self._cite(source.id)
        return text

    def _cite(self, source_id: str) -> str:
        """The footnote marker of a source, numbered (and its note written) at its first citation."""
        if source_id not in self.cited_sources:
            self.cited_sources.append(source_id)
        return f"[^{source_id}]"

    def claim(self, claim_id: str, cite: bool = True) -> str:
        """A note marker to the claim's source, with an invisible point saying that the segment it
        stands in rests on the claim (for the review and the support check). Put it where the
        sentence's note belongs, as a fact's citation. ``cite=False`` prints the point alone: for a
        second claim of one source in a sentence (one marker is enough), or a caption."""
        claim = self.facts.claim(claim_id)
        if claim_id not in self.cited_claims:
            self.cited_claims.append(claim_id)
        point = self._point(CLAIM, claim_id)
        return point + self._cite(claim.source) if cite else point

    def own(self) -> str:
        """Nothing visible: an invisible point marking the segment as the brief's own analysis or
        recommendation, not a source's statement (the review shows it; the support check accepts it)."""
        return self._point(OWN, OWN)

    def _point(self, kind: str, item_id: str) -> str:
        try:
            return self.marks.point(kind, item_id)
        except MarkOverflowError as exc:
            raise TemplateError(str(exc), hint="split the audience into smaller templates") from None

    def fact_label(self, fact_id: str) -> str:
        """The fact's label in this edition's language (a noun phrase: "exports of ...")."""
        return escape_markdown(self._fact(fact_id).label(self.lang))

    def fact_period(self, fact_id: str) -> str:
        """When the fact holds: its period (2005~2008년 / 2005–2008) or its as-of date."""
        return escape_markdown(self._when(self._fact(fact_id)))

    def _when(self, fact: Fact) -> str:
        if fact.period:
            return formatting.format_period(*fact.period, self.lang)
        if fact.as_of:
            return formatting.format_date(fact.as_of.date, self.lang, fact.as_of.precision)
        raise TemplateError(f"fact '{fact.id}' has neither a period nor an as-of date")

    def term(self, key_or_korean: str, form: str | None = None) -> str:
        """The glossary's name for a term in this edition's language (see docs/templates.md).

        English introduces an abbreviation at the first plain use, "Korea Industrial Complex
        Corporation (KICOX)", and uses the abbreviation alone afterwards, as style guides ask.
        """
        if form not in TERM_FORMS:
            raise TemplateError(f"unknown term form {form!r}", hint="use 'full', 'abbr' or 'plural'")
        term = self.glossary.get(key_or_korean)
        if term.id not in self.terms:
            self.terms.append(term.id)
        return self._mark(TERM, term.id, escape_markdown(self._term_text(term, form)))

    def _mark(self, kind: str, item_id: str, text: str) -> str:
        """``text`` with the invisible marks that carry ``item_id`` into the document tree."""
        try:
            return self.marks.wrap(kind, item_id, text)
        except MarkOverflowError as exc:
            raise TemplateError(str(exc), hint="split the audience into smaller templates") from None

    def _term_text(self, term: Term, form: str | None) -> str:
        if form == "abbr":
            return term.abbr or (term.ko if self.lang == "ko" else term.en)
        if self.lang == "ko":
            return term.ko
        if form == "plural":
            if not term.en_plural:
                raise TemplateError(f"term {term.id!r} has no plural in the glossary",
                                    hint="fill its en_plural column")
            return term.en_plural
        if form == "full" or not term.abbr:
            return term.en
        if term.id in self.introduced:
            return term.abbr
        self.introduced.add(term.id)
        return f"{term.en} ({term.abbr})"

    def date(self, value: Any, precision: str | None = None) -> str:
        """Filter: a date (a date, or text such as 2007-06) at its own or the given precision."""
        if isinstance(value, str):
            try:
                value = parse_partial_date(value)
            except ValueError:
                raise TemplateError(f"{value!r} is not a date", hint="write YYYY-MM-DD, YYYY-MM or YYYY") from None
        if isinstance(value, PartialDate):
            known = formatting.PRECISIONS.index(value.precision)
            if precision in formatting.PRECISIONS and formatting.PRECISIONS.index(precision) < known:
                raise TemplateError(f"{value.text!r} is known only to the {value.precision}, not the {precision}",
                                    hint=f'use date("{value.precision}") or a coarser precision')
            value, precision = value.date, precision or value.precision
        return escape_markdown(formatting.format_date(value, self.lang, precision or "day"))

    def period(self, value: Any) -> str:
        """Filter: a period, from a pair (2005, 2008) or text "2005-2008", in the edition's style."""
        if isinstance(value, str):
            parts = schemas.period_parts(value)
            if parts is None:
                raise TemplateError(f"{value!r} is not a period", hint="write 2016 or 2005-2008")
            value = parts
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise TemplateError(f"{value!r} is not a period", hint="give (start, end) or text like 2005-2008")
        return escape_markdown(formatting.format_period(value[0], value[1], self.lang))

    def _chart_facts(self, ids: list[str], kind: str, title: str) -> list[Fact]:
        """The facts of a chart, refused when the kind is unknown or they are not one series of
        one unit (a chart cannot show KRW beside USD on one axis)."""
        if kind not in CHART_KINDS:
            raise TemplateError(f"unknown chart kind {kind!r}", hint=f"use one of: {', '.join(CHART_KINDS)}")
        if isinstance(ids, str) or not ids:
            raise TemplateError("chart() needs a list of fact ids", hint='chart(["a", "b"], title="...")')
        facts = [self._fact(fact_id) for fact_id in ids]
        if len({(f.unit, f.counted) for f in facts}) != 1:
            shown = ", ".join(f"{f.id} ({f.unit})" for f in facts)
            raise TemplateError(f"chart {title!r} mixes units: {shown}", hint="chart facts of one unit together")
        return facts

    def _chart_categories(self, facts: list[Fact], categories: list[str] | None, title: str) -> list[str]:
        """One label per fact: the template's, else each fact's period or date (its label when it
        has neither), without marks (a chart's labels are drawn, not read for review)."""
        if categories is None:
            categories = [self._when(f) if (f.period or f.as_of) else f.label(self.lang) for f in facts]
        if len(categories) != len(facts):
            raise TemplateError(f"chart {title!r}: {len(categories)} categories for {len(facts)} facts")
        return [strip_marks(str(c)) for c in categories]

    def chart(self, ids: list[str], kind: str = "bar", *, title: str, categories: list[str] | None = None,
              label: str | None = None) -> str:
        """A chart of a series of facts (one unit), as ``![title](chart:<key>)`` for its own paragraph.

        Values are scaled to one display unit for the whole series (억 원 / KRW billion) and their
        labels formatted by the house style; categories default to each fact's period or date.
        """
        facts = self._chart_facts(ids, kind, title)
        caption = title  # the caption keeps a term's marks; the chart's own labels do not
        title, label = strip_marks(title), strip_marks(label) if label is not None else None
        categories = self._chart_categories(facts, categories, title)
        divisor, unit_label = _display_unit(facts[0], max(abs(f.value) for f in facts), self.lang, self.glossary)
        scaled = [f.value / divisor for f in facts]
        key = f"chart-{len(self.charts) + 1}"
        self.charts[key] = ChartSpec(
            kind=kind, title=title, categories=[str(c) for c in categories],
            series=[(label or title, [float(v) for v in scaled])], unit_label=unit_label,
            value_labels=[[formatting.format_number(v, self.lang, self.style) for v in scaled]],
            points=[(self._when(f), f.status, f.formatted(self.lang, self.glossary, self.style)) for f in facts],
            facts=list(ids),
        )
        return f"![{escape_markdown(caption)}](chart:{key})"


def bare_count(fact: Fact, lang: str, style: formatting.Style) -> str:
    """What ``fact(id, noun=False)`` prints: a count without its noun, in the house style (여,
    about, more than kept), which is what the formatting module writes when given no counted noun.
    The QA checks use it too, to find a bare count in the other edition."""
    if fact.unit != "count":
        raise TemplateError(f"fact '{fact.id}' is in {fact.unit}, not a count: noun=False applies to counts",
                            hint="leave out noun=False; other units keep their symbol")
    approx = None if fact.approx == "none" else fact.approx
    return formatting.format_quantity(fact.value, fact.unit, lang, approx=approx, style=style)


def pagebreak() -> str:
    """The Markdown for a page break: ``\\newpage`` in a paragraph of its own."""
    return f"\n\n{PAGE_BREAK}\n\n"


_TRAILING_NOTES = re.compile(r"(?:\[\^[^\]\s]+\])+$")


def with_particle(value: Any, particle: str) -> str:
    """Filter ``josa``: the Korean particle that fits ``value``, as in ``{{ term("wmit") | josa("은/는") }}``.

    A cited fact ends with its source markers (75개[^a]); the particle goes before them, onto the
    word it belongs to (75개가[^a]).
    """
    text = str(value)
    notes = _TRAILING_NOTES.search(text)
    word = text[:notes.start()] if notes else text
    visible = strip_marks(word)  # a fact or term's marks (wreport.render.marks) are not read aloud
    try:
        return word + josa.attach(visible, particle)[len(visible):] + (notes.group() if notes else "")
    except ValueError as exc:
        raise TemplateError(str(exc), hint="write the particle after the value yourself, or see the josa "
                                           "filter in docs/templates.md") from None


def capfirst(value: Any) -> str:
    """Filter ``capfirst``: the text with its first letter in upper case ("wonju's" → "Wonju's"),
    the rest untouched; the invisible marks of a fact or term (wreport.render.marks) are looked past, so
    ``term("km_device") | capfirst`` still marks the term. Jinja's ``capitalize`` would lower-case
    the rest, and slicing ``text[:1]`` would take a mark, not the letter."""
    text = str(value)
    for index, char in enumerate(text):
        if strip_marks(char):
            return text[:index] + char.upper() + text[index + 1:]
    return text


_KO_MONEY = {"KRW": "원", "USD": "달러"}
_SIMPLE_UNITS = {"percent": ("%", "%"), "m2": ("㎡", "m²"), "pyeong": ("평", "pyeong")}


def _display_unit(fact: Fact, largest: Decimal, lang: str, glossary: Glossary) -> tuple[Decimal, str]:
    """The divisor and axis label that show a money series in round units: 억 원, KRW billion.

    The largest value chooses the unit, so the biggest bar reads naturally and smaller ones get
    decimals; other units are shown as they are, labelled with their symbol or counted noun.
    """
    if fact.unit in _KO_MONEY:
        if lang == "ko":
            for power in (16, 12, 8, 4):
                if largest >= Decimal(10) ** power:
                    return Decimal(10) ** power, f"{formatting.MYRIAD_UNITS[power // 4]} {_KO_MONEY[fact.unit]}"
            return Decimal(1), _KO_MONEY[fact.unit]
        for scale, word in formatting.EN_SCALES:
            if largest >= scale:
                return scale, f"{fact.unit} {word}"
        return Decimal(1), fact.unit
    if fact.unit == "count":
        noun = glossary.counted_noun(fact.counted or "")  # the schema gives every count its noun
        return Decimal(1), noun.ko_counter if lang == "ko" else noun.en_plural
    return Decimal(1), _SIMPLE_UNITS[fact.unit][0 if lang == "ko" else 1]


# ---------------------------------------------------------------- rendering
@dataclass
class RenderedEdition:
    """One audience in one language: its Markdown, its document tree, and what it used."""

    audience: str
    lang: str
    markdown: str
    document: Document
    facts: list[str]
    terms: list[str]
    sources: list[str]
    claims: list[str] = field(default_factory=list)
    #: A Markdown line of this edition -> the template file and line that wrote it.
    locate: Callable[[int], Location] = field(default=lambda line: Location.of("<markdown>", line),
                                              compare=False, repr=False)


def environment(project: Project, audience: Audience, line_marks: bool = False) -> Sandbox:
    """The sandbox templates run in: the audience folder first, then the templates folder.

    ``line_marks`` adds :class:`_LineMarks`, for tracing a line of output back to the template;
    those templates are compiled afresh (the marks are made while compiling, and differ).
    """
    loader = inputs.ProjectLoader([audience.folder, project.templates_dir], project.root, project.relative,
                                  project.limits.file_bytes)
    return Sandbox(loader=loader, undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                   extensions=[_LineMarks] if line_marks else [], bytecode_cache=None if line_marks else compiled_templates)


# ---------------------------------------------------------------- output lines → template lines
_MARK = re.compile("\ue000(\\d+)\ue001")  # private-use characters: no text or case mapping touches them


class _LineMarks(jinja2.ext.Extension):
    """Ends each line of template text with an invisible mark naming its file and line.

    A template's output has fewer lines than the template (comments, ``{%- -%}``, imports), and
    macros and includes write lines from other files, so a Markdown error's output line says
    little. Rendered with these marks, an output line ends with the place its newline was
    written; the marks sit only in template text, never in what helpers print.
    """

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        environment.extend(line_marks=[])

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        for token in stream:
            if token.type == "data":
                token = jinja2.lexer.Token(token.lineno, "data", self._marked(token.value, token.lineno, stream))
            yield token

    def _marked(self, text: str, first_line: int, stream: jinja2.lexer.TokenStream) -> str:
        lines = text.split("\n")
        marks: list[tuple[str, int]] = self.environment.line_marks  # type: ignore[attr-defined]  # set by __init__
        for offset in range(len(lines) - 1):
            marks.append((stream.filename or stream.name or "", first_line + offset))
            lines[offset] += f"\ue000{len(marks) - 1}\ue001"
        return "\n".join(lines)


def _template_line(marked: str, line: int, marks: list[tuple[str, int]], project: Project) -> Location | None:
    """Where output line ``line`` was written: the first mark at or after it, if any."""
    for text in marked.split("\n")[line - 1:]:
        found = _MARK.search(text)
        if found:
            filename, number = marks[int(found.group(1))]
            return Location.of(project.relative(filename), number)
    return None


class _Locator:
    """A Markdown line of an edition -> the template file and line that wrote it, found by
    rendering the edition again with line marks (once, on the first question).

    A callable object rather than a closure so a worker process can hand a rendered edition back
    (the check renders in workers, :mod:`wreport.build.runner`): pickling it finds the marks first and
    then drops the inputs it rendered from.
    """

    def __init__(self, project: Project, audience: Audience, lang: str,
                 data: tuple[FactSet, Glossary, formatting.Style], context: dict[str, Any]):
        self._project = project
        self._shown = f"{project.relative(audience.template_file(lang))} (rendered Markdown)"
        self._inputs: tuple[Audience, str, tuple[FactSet, Glossary, formatting.Style], dict[str, Any]] | None = (
            audience, lang, data, context)
        self._found: tuple[str, list[tuple[str, int]]] | None = None

    def _marked(self) -> tuple[str, list[tuple[str, int]]] | None:
        if self._inputs is not None:
            audience, lang, (facts, glossary, style), context = self._inputs
            self._inputs = None
            try:
                text, env = _render_body(self._project, audience, _HelperState(lang, facts, glossary, style), context, True)
                self._found = (text, env.line_marks)  # type: ignore[attr-defined]  # _LineMarks
            except WreportError:  # the marks upset the template after all: keep the Markdown line
                self._found = None
        return self._found

    def __call__(self, line: int) -> Location:
        found = self._marked()
        located = _template_line(found[0], line, found[1], self._project) if found else None
        return located or Location.of(self._shown, line)

    def __getstate__(self) -> dict[str, Any]:
        self._marked()
        return dict(self.__dict__)


def render_edition(project: Project, audience: str | Audience, lang: str, facts: FactSet, glossary: Glossary,
                   style: formatting.Style | None = None) -> RenderedEdition:
    """Render one edition: template → Markdown (with source footnotes) → document tree."""
    if isinstance(audience, str):
        audience = load_audience(project, audience)
    if lang not in audience.languages:
        raise ConfigError(f"audience {audience.name!r} has no {lang!r} edition",
                          Location.of(project.relative(audience.folder / AUDIENCE_FILE)),
                          hint=f"its languages: {', '.join(audience.languages)}")
    style = style or formatting.Style(myriad_group_commas=project.myriad_group_commas)
    edition = _HelperState(lang, facts, glossary, style)
    info = audience.editions[lang]
    context = {"lang": lang, "edition": {"lang": lang, "title": info.title, "subtitle": info.subtitle,
                                         "author": info.author, "subject": info.subject, "date": audience.date}}
    body, _ = _render_body(project, audience, edition, context)
    marked = body.rstrip("\n") + "\n" + _source_notes(edition)
    locate = _Locator(project, audience, lang, (facts, glossary, style), context)

    markdown = strip_marks(marked)
    _refuse_control_characters(markdown, locate)
    blocks, footnotes = parse_markdown(marked, charts=edition.charts, locate=locate, marks=edition.marks)
    document = Document(lang=lang, title=info.title, blocks=blocks, footnotes=footnotes, subtitle=info.subtitle,
                        author=info.author, subject=info.subject, keywords=list(info.keywords),
                        date=audience.date.isoformat(), date_text=formatting.format_date(audience.date, lang, "day"),
                        labels=dict(UI_LABELS[lang]), contents=audience.contents)
    return RenderedEdition(audience=audience.name, lang=lang, markdown=markdown, document=document,
                           facts=edition.cited_facts, terms=edition.terms, sources=edition.cited_sources,
                           claims=edition.cited_claims, locate=locate)


def _render_body(project: Project, audience: Audience, edition: _HelperState, context: dict[str, Any],
                 line_marks: bool = False) -> tuple[str, Sandbox]:
    """The edition's template rendered with ``edition``'s helpers, and the environment used."""
    env = environment(project, audience, line_marks)
    env.globals.update(edition.helpers())
    env.filters.update(edition.filters())
    return _render(env, audience.template_file(edition.lang).name, context, project), env


def _refuse_control_characters(markdown: str, locate: Callable[[int], Location]) -> None:
    """A TemplateError at the template line that wrote the first control character, if any
    (a template can write one: ``{{ "\\x01" }}``), instead of a writer's traceback."""
    found = UNSAFE.search(markdown)
    if found:
        line = markdown.count("\n", 0, found.start()) + 1
        raise TemplateError(f"{unsafe_name(found.group())} in the edition's text",
                            locate(line), hint="no document format can hold it: remove it")


def _source_notes(edition: _HelperState) -> str:
    """Footnote definitions for every cited source: Publisher, “Title”, date (English: title_en).

    A date the text does not state (``date_basis: inferred…``) says so: a reader dates sentences
    by it, and an inferred day must not read as a printed one (docs/facts.md, "Sources")."""
    lines = []
    for source_id in edition.cited_sources:
        source = edition.facts.sources[source_id]
        english = edition.lang == "en"
        publisher = (source.publisher_en or source.publisher) if english else source.publisher
        title = source.title_en if english else source.title
        when = formatting.format_date(source.date.date, edition.lang, source.date.precision)
        if source.date_basis.startswith("inferred"):
            when += f" ({UI_LABELS[edition.lang]['date_inferred']})"
        text = f"{escape_markdown(publisher)}, “{escape_markdown(title)}”, {escape_markdown(when)}"
        lines.append(f"\n[^{source_id}]: {text}\n")
    return "".join(lines)


def _render(env: Sandbox, name: str, context: dict[str, Any], project: Project) -> str:
    """Render a template; every failure becomes a TemplateError at the template file and line."""
    try:
        return _bounded_join(env.get_template(name).generate(context), project)
    except inputs.TemplateInputError:
        raise  # a template that cannot be read: the message already names it (and the bad byte)
    except jinja2.TemplateSyntaxError as exc:
        where = Location.of(project.relative(exc.filename) if exc.filename else name, exc.lineno)
        raise TemplateError(f"syntax error: {exc.message}", where) from exc
    except Exception as exc:  # noqa: BLE001 - anything a template triggers is reported at its line
        raise _runtime_error(exc, project, name) from exc


def _bounded_join(pieces: Iterator[str], project: Project) -> str:
    """A template's output, refused once it passes MAX_EDITION characters (each piece alone is
    bounded by the sandbox, but a loop can print bounded pieces without end), at the template
    line that was printing."""
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_EDITION:
            raise TemplateError(f"the edition's text passed {MAX_EDITION:,} characters, the most one edition "
                                "may have", _printing_line(pieces, project),
                                hint="is a loop printing again and again? See docs/limits.md")
        out.append(piece)
    return "".join(out)


def _printing_line(generator: Any, project: Project) -> Location | None:
    """The template file and line a suspended template generator is at (innermost include)."""
    while getattr(generator, "gi_yieldfrom", None) is not None:
        generator = generator.gi_yieldfrom
    frame = getattr(generator, "gi_frame", None)
    template = frame.f_globals.get("__jinja_template__") if frame is not None else None
    if frame is None or template is None or template.filename is None:
        return None
    return Location.of(project.relative(template.filename), template.get_corresponding_lineno(frame.f_lineno))


def _runtime_error(exc: Exception, project: Project, name: str) -> TemplateError:
    """A TemplateError for an exception raised while rendering, at the innermost template frame."""
    where = Location.of(name)
    templates = project.templates_dir.resolve()
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if Path(filename).resolve().is_relative_to(templates):
            where = Location.of(project.relative(filename), tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, WreportError):  # its own location when it knows better than the traceback
        known = exc.location if where.line is None and exc.location is not None else where
        return TemplateError(exc.message, known, exc.hint, check=exc.check)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(f"not allowed in a template: {exc}", where,
                             hint="templates may only use the helpers and plain values")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(str(exc), where, hint=f"helpers: {', '.join(HELPERS)}; filters: {', '.join(FILTERS)}; "
                                                   "variables: lang, edition")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"template not found: {exc.name}", where,
                             hint=f"paths are relative to the audience folder or the templates folder "
                                  f"(e.g. {SHARED_FOLDER}/macros.md.j2)")
    # Helpers are methods of _HelperState; the template author knows them by their bare names.
    return TemplateError(f"{type(exc).__name__}: {str(exc).replace(_HelperState.__name__ + '.', '')}", where)
