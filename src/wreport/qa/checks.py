"""Bilingual QA: what a reviewer of a Korean and an English edition would look for, found by code.

``run_checks`` loads the data, scans the templates and renders every edition in memory (template
→ Markdown → document tree, no PDF), then compares. Each problem becomes a :class:`Finding`
(plain data shared by the text report, ``--format json`` and the tests) with a check id in the
habit of translation-QA tools (Xbench, Verifika, pofilter): ``QuoteNotFound``, ``NumberMismatch``,
``Untranslated``... Nothing stops at the first problem: a data file that does not load becomes
findings, and the checks that need it are skipped. docs/checks.md lists every check.

Locations are the place to fix: a data file or template line when the text can be traced there
(a Korean phrase in the English edition is looked up in the template lines, fact labels, glossary
names and source titles it could have come from), otherwise the built PDF in ``out/`` and the page
holding the text (read with pypdf) when that PDF exists, otherwise the edition's template file.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wreport.build.editions import output_path
from wreport.curation.mentions import Mention
from wreport.data.facts import FactSet, load_facts
from wreport.data.formatting import Style
from wreport.data.glossary import COUNTED_NOUN, Glossary, Term, project_glossary
from wreport.errors import Location, ProblemsError, TemplateError, WreportError
from wreport.inputs.project import Project
from wreport.inputs.text import (
    HANGUL_RANGES,
    Skeleton,
    Spans,
    capitalised_names,
    foreign_letters,
    reader_text,
    search_key,
    skeleton,
    squash_spaces,
    visible_text,
)
from wreport.qa.meaning import attributions, mixed_groups, report_dates
from wreport.render.document import (
    BlockQuote,
    Document,
    Figure,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Text,
    TreeVisitor,
    inline_text,
)
from wreport.render.templating import (
    AUDIENCE_FILE,
    LANGUAGES,
    SHARED_FOLDER,
    Audience,
    RenderedEdition,
    bare_count,
    list_audiences,
    load_audience,
    render_edition,
)
from wreport.review.align import Pair, align, compare, segments
from wreport.writers.linebreaks import WORD_JOINER

if TYPE_CHECKING:
    from wreport.review.align import Pair

ERROR = "error"
WARNING = "warning"

#: Every check id with its severity and what it finds (docs/checks.md says what to do about each).
CHECKS: dict[str, tuple[str, str]] = {
    "DataError": (ERROR, "a fact, source or glossary file is malformed"),
    "ConfigError": (ERROR, "an audience.toml is missing or malformed, or there is no audience"),
    "QuoteNotFound": (ERROR, "a fact's quote is not in its source's text"),
    "DerivedMismatch": (ERROR, "a derived fact's declared value differs from its computation"),
    "ValueNotInQuote": (ERROR, "a fact's value is not a figure its quote gives (nor a conversion of one)"),
    "QuoteApproxMismatch": (ERROR, "a fact's approx is not the word its source writes beside the figure (약, 이상...)"),
    "UnknownSource": (ERROR, "a fact cites a source id that sources.yaml does not have"),
    "UnknownFact": (ERROR, "a template, derivation or conflict names a fact that does not exist"),
    "UnknownClaim": (ERROR, "a template cites a claim that claims.yaml does not have"),
    "UnknownTerm": (ERROR, "a template or fact names a glossary term that does not exist"),
    "DuplicateTerm": (ERROR, "the glossary has the same id or the same row twice"),
    "InconsistentTranslation": (ERROR, "one Korean term has two English names in the glossary"),
    "ForbiddenVariant": (ERROR, "an edition uses an English name the glossary forbids"),
    "MixedScript": (ERROR, "a glossary name mixes scripts (UTS #39), other than Latin with Hangul and Han"),
    "LookAlikeName": (ERROR, "an edition writes an agreed name with look-alike letters (UTS #39 confusables)"),
    "FactConflict": (WARNING, "an edition cites a fact that takes part in a recorded conflict"),
    "TemplateError": (ERROR, "a template does not parse or render"),
    "HandTypedNumber": (ERROR, "template prose holds a number typed by hand (a year: warning)"),
    "FactSetMismatch": (ERROR, "the ko and en editions of one audience cite different facts"),
    "NumberMismatch": (ERROR, "a cited figure is printed in one edition but not the other"),
    "Untranslated": (ERROR, "the English edition holds Korean text"),
    "Unsupported": (ERROR, "a body segment rests on no fact or claim and is not marked as the brief's own analysis"),
    "Skipped": (WARNING, "an audience's editions could not be checked because the data did not load"),
    "KeyTermMissing": (WARNING, "a glossary term in the Korean edition has no English name in the English one"),
    "SegmentGap": (WARNING, "a heading, paragraph, list item, table row or caption is in one edition only"),
    "FactPlacementMismatch": (WARNING, "a fact is printed in a section of one edition and another section of the other"),
    "ApproxMismatch": (WARNING, "a word qualifying a figure (about, at least, 이상...) is in one edition only"),
    "StatusMismatch": (WARNING, "a forecast, target or estimate is called one in one edition only"),
    "ClaimMismatch": (WARNING, "the two editions of a segment rest on different claims, or one only is own analysis"),
    "UncoveredFigure": (WARNING, "a figure in a source is neither quoted by a fact nor set aside"),
    "UnknownName": (WARNING, "an English name beside a glossary term's Korean twin is no glossary name"),
    "ReportDateAsEvent": (WARNING, "a fact dated only by its source has its date printed as the event's"),
    "AttributionUnitOrder": (WARNING, "a sentence says what a source gives, but not in the source's own unit first"),
    "MixedScope": (WARNING, "a table, chart or sentence sets figures of different scope or measure side by side"),
    "NotSignedOff": (ERROR, "with --signed-off: a segment never approved, or changed since its approval"),
}

_FACT_HELPERS = ("fact", "fact_label", "fact_period", "chart")
_SKIPPED_KINDS = (COUNTED_NOUN, "person-title")  # too generic to expect in the other edition
_HANGUL_RUN = re.compile(rf"[{HANGUL_RANGES}]+(?:\s+[{HANGUL_RANGES}]+)*")  # Korean words in a row, as one finding


# ---------------------------------------------------------------- findings
@dataclass(frozen=True)
class OutputLocation:
    """A place in a built output file (relative to the project), with the page when known."""

    file: str
    page: int | None = None
    line: None = None  # so findings sort and group the same way as with errors.Location

    def __str__(self) -> str:
        return f"{self.file} (page {self.page})" if self.page else self.file


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, how bad it is, where, what, and what to do."""

    check: str
    severity: str  # ERROR or WARNING
    location: Location | OutputLocation
    message: str
    hint: str = ""

    def __str__(self) -> str:
        label = "warning: " if self.severity == WARNING else ""
        text = f"{self.location}: [{self.check}] {label}{self.message}"
        return text + (f" ({self.hint})" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data: location split into file, line, column and page."""
        loc = self.location
        return {"check": self.check, "severity": self.severity, "file": loc.file, "line": loc.line,
                "column": getattr(loc, "column", None), "page": getattr(loc, "page", None),
                "message": self.message, "hint": self.hint}


class _Findings:
    """Collects findings in order, once each (a template error seen statically and again while
    rendering is one finding), with paths shown relative to the project."""

    def __init__(self, project: Project):
        self.project = project
        self.items: list[Finding] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, check: str, location: Location | OutputLocation, message: str, hint: str | None = None,
            severity: str | None = None) -> None:
        if isinstance(location, Location) and Path(location.file).is_absolute():
            location = Location(self.project.relative(location.file), location.line, location.column)
        key = (check, str(location), message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(Finding(check, severity or CHECKS[check][0], location, message, hint or ""))

    def error(self, exc: WreportError, fallback: str, where: Location | None = None) -> None:
        """Each problem an exception carries, under the check id its loader gave it (or ``fallback``)."""
        for problem in _flatten(exc):
            self.add(problem.check or fallback, problem.location or where or Location(self.project.relative(self.project.root)),
                     problem.message, problem.hint)


def _flatten(exc: WreportError) -> Iterator[WreportError]:
    if isinstance(exc, ProblemsError):
        for problem in exc.problems:
            yield from _flatten(problem)
    else:
        yield exc


# ---------------------------------------------------------------- template scanning
MASK = "\ufffc"
_TAG_OPEN = re.compile(r"\{[{%#]")
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}")
_END_RAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_TAG_CLOSE = {"{": "}}", "%": "%}", "#": "#}"}


def template_prose(source: str) -> str:
    """The template with every ``{{ }}``, ``{% %}`` and ``{# #}`` blanked out (newlines kept).

    What is left is the text the author typed, at the same lines and columns as in the file,
    so a finding in it can point at the character. ``{% raw %}`` content counts as prose.
    """
    out: list[str] = []
    pos = 0
    while (found := _TAG_OPEN.search(source, pos)) is not None:
        out.append(source[pos:found.start()])
        raw = _RAW.match(source, found.start())
        if raw is None:
            end = _tag_end(source, found.start())
            out.append(_blank(source[found.start():end]))
            pos = end
            continue
        closing = _END_RAW.search(source, raw.end())
        stop = closing.start() if closing else len(source)
        out += [_blank(raw.group()), source[raw.end():stop]]
        pos = stop
        if closing:
            out.append(_blank(closing.group()))
            pos = closing.end()
    out.append(source[pos:])
    return "".join(out)


def _tag_end(source: str, start: int) -> int:
    """Where the tag opened at ``start`` ends; quoted strings in expressions may hold ``}}``."""
    close = _TAG_CLOSE[source[start + 1]]
    if close == "#}":
        end = source.find(close, start + 2)
        return len(source) if end < 0 else end + 2
    quote, i = None, start + 2
    while i < len(source):
        char = source[i]
        if quote and char == "\\":
            i += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif source.startswith(close, i):
            return i + 2
        i += 1
    return len(source)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", MASK, text)


@dataclass(frozen=True)
class HelperCall:
    """A helper called with a literal id (``fact("x")``, ``chart(["a", "b"])``) at a line."""

    helper: str
    key: str
    line: int


@dataclass
class TemplateScan:
    """One template file read without rendering: its prose and its helper calls."""

    path: Path
    shown: str
    lang: str | None  # "ko"/"en" when the file name says (ko.md.j2, intro.en.md.j2), else None
    source: str
    prose: str
    calls: list[HelperCall] = field(default_factory=list)
    parsed: bool = False

    def first_call(self, fact_id: str) -> Location:
        """Where this template first names a fact (the file alone if only a macro does)."""
        line = next((c.line for c in self.calls if c.key == fact_id and c.helper in _FACT_HELPERS), None)
        return Location(self.shown, line)

    def lines(self) -> Iterator[tuple[str, Location]]:
        """Each prose line, then each raw line, with its location: candidates for tracing text."""
        for text in (self.prose, self.source):
            for number, line in enumerate(text.splitlines(), start=1):
                yield line, Location(self.shown, number)


# Jinja's default syntax, as templating.environment() uses it; parsing needs no loader or helpers.
_PARSER = ImmutableSandboxedEnvironment()


def scan_template(path: Path, shown: str, project: Project | None = None) -> tuple[TemplateScan, TemplateSyntaxError | None]:
    """Read (through the inputs module, when the project is given) and parse a template; a syntax
    error is returned (the prose is still scanned). An unreadable file raises a TemplateError."""
    source = project.read_text(path, TemplateError) if project else path.read_text(encoding="utf-8")
    lang = next((part for part in path.name.split(".") if part in LANGUAGES), None)
    scan = TemplateScan(path, shown, lang, source, template_prose(source))
    try:
        tree = _PARSER.parse(source, name=path.name, filename=str(path))
    except TemplateSyntaxError as exc:
        return scan, exc
    scan.calls = sorted(_helper_calls(tree), key=lambda call: call.line)
    scan.parsed = True
    return scan, None


def _helper_calls(tree: nodes.Template) -> Iterator[HelperCall]:
    for call in tree.find_all(nodes.Call):
        if not isinstance(call.node, nodes.Name) or call.node.name not in (*_FACT_HELPERS, "term") or not call.args:
            continue
        first = call.args[0]
        values = first.items if isinstance(first, (nodes.List, nodes.Tuple)) else [first]
        for value in values:
            if isinstance(value, nodes.Const) and isinstance(value.value, str):
                yield HelperCall(call.node.name, value.value, call.lineno)


# ---------------------------------------------------------------- hand-typed numbers
# Allowed at the start of a line: indentation, block-quote markers, an ordered-list marker
# ("1." / "1)") or a heading's section number ("## 2.3 ...").
_LINE_START = re.compile(
    r"^[ \t]*(?:>[ \t]*)*(?:\d{1,9}[.)](?=[ \t]|$)|#{1,6}[ \t]+(?:\d{1,2}(?:\.\d{1,2})*\.?(?=[ \t]|$))?)?")
_ALLOWED_SPANS = re.compile(
    r"\[\^[^\]\s]+\]"  # footnote labels: [^fnnews-2007]
    r"|<?https?://[^\s)>]+>?|\]\([^)\s]*\)"  # URLs and link targets
    r"|(?:Figure|Table|그림|표)[ \t]+\d+"  # cross-references; no helper numbers them yet
    r"|(?:[A-Za-z0-9]+-)*[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"  # names: 3D, G7, COVID-19
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def hand_typed_numbers(prose: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, number) for each number typed into template prose outside the allow-list."""
    for number, line in enumerate(prose.splitlines(), start=1):
        opening = _LINE_START.match(line)
        start = opening.end() if opening else 0
        text = " " * start + _ALLOWED_SPANS.sub(lambda m: " " * len(m.group()), line[start:])
        for found in _NUMBER.finditer(text):
            yield number, found.start() + 1, found.group()


def _check_hand_typed(scan: TemplateScan, found: _Findings) -> None:
    for line, column, number in hand_typed_numbers(scan.prose):
        where = Location(scan.shown, line, column)
        if _YEAR.fullmatch(number):
            found.add("HandTypedNumber", where, f"hand-typed year '{number}' in template prose",
                      "take it from a fact (fact_period) or write {{ \"%s\" | date }}" % number, severity=WARNING)
        else:
            found.add("HandTypedNumber", where, f"hand-typed number '{number}' in template prose",
                      "print figures with {{ fact('id') }}, so both editions show the sourced value in the "
                      "house style; a number that is part of a name belongs in the glossary (term())")


# ---------------------------------------------------------------- edition text
def edition_text(doc: Document) -> str:
    """All the text a reader of the edition sees: title, body, tables, chart labels and notes."""
    reader = _EditionText()
    parts = [doc.title, doc.subtitle, *(part for block in doc.blocks for part in reader.visit(block)),
             *(inline_text(note.children) for note in doc.footnotes)]
    return "\n".join(squash_spaces(part) for part in parts if part and part.strip())


class _EditionText(TreeVisitor[list[str]]):
    """The texts of one block, in reading order."""

    def visit_heading(self, block: Heading) -> list[str]:
        return [inline_text(block.children)]

    def visit_paragraph(self, block: Paragraph) -> list[str]:
        return [inline_text(block.children)]

    def visit_list(self, block: ListBlock) -> list[str]:
        return [part for item in block.items for child in item for part in self.visit(child)]

    def visit_block_quote(self, block: BlockQuote) -> list[str]:
        return [part for child in block.children for part in self.visit(child)]

    def visit_table(self, block: Table) -> list[str]:
        cells = [block.header, *block.rows]
        return [inline_text(block.caption), *(inline_text(c.children) for row in cells for c in row)]

    def visit_figure(self, block: Figure) -> list[str]:
        chart = block.chart
        return [inline_text(block.caption), chart.title, *chart.categories, *(label for label, _ in chart.series),
                chart.unit_label]

    def visit_page_break(self, block: PageBreak) -> list[str]:
        return []  # nothing a reader sees


def _has_number(number: str | None, squashed: str) -> bool:
    """Whether a bare count stands in ``squashed`` (an edition's text, whitespace squashed) as a
    whole number (4, not the 4 of 45 or 2,400)."""
    return number is not None and number != "" and re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", squashed) is not None


# ---------------------------------------------------------------- the run
@dataclass
class _CheckedEdition:
    """A rendered edition and what its findings are traced back to."""

    audience: Audience
    rendered: RenderedEdition
    text: str
    own: TemplateScan  # its <lang>.md.j2
    scans: list[TemplateScan]  # where its text may come from: own template first, then partials
    _seen: str | None = field(default=None, repr=False)
    _shape: Skeleton | None = field(default=None, repr=False)
    _squashed: str | None = field(default=None, repr=False)
    origins: list[tuple[str, Location]] | None = field(default=None, repr=False)  # for trace(), made once

    @property
    def lang(self) -> str:
        return self.rendered.lang

    @property
    def seen(self) -> str:
        """The text as a reader sees it (:func:`wreport.inputs.text.reader_text`), for matching names."""
        if self._seen is None:
            self._seen = reader_text(self.text)
        return self._seen

    @property
    def shape(self) -> Skeleton:
        """The text's UTS #39 skeleton (:func:`wreport.inputs.text.skeleton`), for names written
        with look-alike letters; made once, for both checks that need it."""
        if self._shape is None:
            self._shape = skeleton(self.text)
        return self._shape

    @property
    def squashed(self) -> str:
        """The text with its whitespace squashed (``squash_spaces``), worked out once, not once for
        every figure looked for in it."""
        if self._squashed is None:
            self._squashed = squash_spaces(self.text)
        return self._squashed

    @property
    def name(self) -> str:
        return f"{self.audience.name}/{self.lang}"


class _Run:
    """One ``run_checks``: the loaded inputs, the template scans, and the findings so far."""

    def __init__(self, project: Project, signed_off: bool = False):
        self.project = project
        self.signed_off = signed_off
        self.found = _Findings(project)
        self.glossary: Glossary | None = None
        self.facts: FactSet | None = None
        self.scans: dict[Path, TemplateScan] = {}
        self.cited_by: dict[str, list[str]] = {}
        self._pdf_pages: dict[Path, list[str]] = {}

    # ------------------------------------------------------------ data
    def load_data(self) -> None:
        """Glossary, then facts (checked against the glossary when it loaded); problems → findings."""
        try:
            self.glossary = project_glossary(self.project)
        except WreportError as exc:
            self.found.error(exc, "DataError", Location(self.project.relative(self.project.glossary_file)))
        try:
            self.facts = load_facts(self.project, self.glossary)
        except WreportError as exc:
            self.found.error(exc, "DataError", Location(self.project.relative(self.project.facts_file)))

    @property
    def loaded_facts(self) -> FactSet:
        """The fact set; the edition checks run only once it has loaded."""
        assert self.facts is not None, "the edition checks run after the data loaded"
        return self.facts

    @property
    def loaded_glossary(self) -> Glossary:
        """The glossary; the edition checks run only once it has loaded."""
        assert self.glossary is not None, "the edition checks run after the data loaded"
        return self.glossary

    def audience_names(self, asked: Iterable[str] | None) -> list[str]:
        names = list(dict.fromkeys(asked)) if asked else list_audiences(self.project)
        if not names:
            self.found.add("ConfigError", Location(self.project.relative(self.project.templates_dir)),
                           "no audiences to check", "an audience is a folder holding audience.toml and <lang>.md.j2")
        return names

    # ------------------------------------------------------------ templates
    def scan_folder(self, folder: Path) -> list[TemplateScan]:
        """The templates in a folder of the templates folder (never one outside it, whatever
        --audience says), each scanned once."""
        inside = folder.resolve().is_relative_to(self.project.templates_dir.resolve())
        return [self.scan_file(path) for path in sorted(folder.rglob("*.j2"))] if inside and folder.is_dir() else []

    def scan_file(self, path: Path) -> TemplateScan:
        """A template read once: its syntax, hand-typed numbers and literal ids checked."""
        if path not in self.scans:
            self.scans[path] = self._scan(path)
        return self.scans[path]

    def _scan(self, path: Path) -> TemplateScan:
        try:
            scan, error = scan_template(path, self.project.relative(path), self.project)
        except WreportError as exc:  # refused or not UTF-8: reported, and the template read as empty
            self.found.error(exc, "TemplateError")
            return TemplateScan(path, self.project.relative(path), None, "", "")
        if error is not None:
            self.found.add("TemplateError", Location(scan.shown, error.lineno), f"syntax error: {error.message}")
        _check_hand_typed(scan, self.found)
        for call in scan.calls:
            self._check_call(scan, call)
        if self.facts is not None:
            for problem in report_dates(scan.source, scan.prose, scan.lang, self.facts):
                self.found.add("ReportDateAsEvent", Location(scan.shown, problem.line), problem.message,
                               "say it is the report's date (as reported in ..., ... 보도에 따르면), in both editions")
        return scan

    def _check_call(self, scan: TemplateScan, call: HelperCall) -> None:
        """A literal fact or term id that does not exist, found without rendering (all of them,
        where rendering stops at the first)."""
        try:
            if call.helper in _FACT_HELPERS and self.facts is not None:
                self.loaded_facts.get(call.key)
            elif call.helper == "term" and self.glossary is not None:
                self.loaded_glossary.get(call.key)
        except WreportError as exc:
            check = "UnknownFact" if call.helper in _FACT_HELPERS else "UnknownTerm"
            self.found.add(check, Location(scan.shown, call.line), exc.message, exc.hint)

    # ------------------------------------------------------------ editions
    def check_audience(self, name: str) -> None:
        shared = self.scan_folder(self.project.templates_dir / SHARED_FOLDER)
        own = self.scan_folder(self.project.templates_dir / name)
        try:
            audience = load_audience(self.project, name)
        except WreportError as exc:
            folder = Location(self.project.relative(self.project.templates_dir / name))
            self.found.error(exc, "ConfigError", where=folder)
            return
        if self.facts is None or self.glossary is None:
            missing = "fact set" if self.facts is None else "glossary"
            self.found.add("Skipped", Location(self.project.relative(audience.folder / AUDIENCE_FILE)),
                           f"the editions of '{name}' were not rendered or compared: the {missing} did not load",
                           "fix the data errors and run the check again")
            return
        editions: dict[str, _CheckedEdition] = {}
        for lang, rendered in zip(audience.languages, self.render(audience), strict=True):
            if isinstance(rendered, WreportError):
                self.found.error(rendered, "TemplateError")
                continue
            template = self.scan_file(audience.template_file(lang))
            scans = [template, *(s for s in [*own, *shared] if s is not template and s.lang in (None, lang))]
            editions[lang] = _CheckedEdition(audience, rendered, edition_text(rendered.document), template, scans)
            for fact_id in rendered.facts:
                self.cited_by.setdefault(fact_id, []).append(f"{name}/{lang}")
        for edition in editions.values():
            self.check_support(edition)
            self.check_variants(edition)
            self.check_meaning(edition)
            if edition.lang == "en":
                self.check_untranslated(edition)
                self.check_look_alikes(edition)
        if "ko" in editions and "en" in editions:
            self.compare(editions["ko"], editions["en"])

    def render(self, audience: Audience) -> list[RenderedEdition | WreportError]:
        """Each edition rendered in memory in a worker process stopped at the project's time
        limit, as a build renders it (:mod:`wreport.build.runner`); a failure is returned, not raised."""
        from wreport.build import runner
        from wreport.build.editions import default_jobs
        from wreport.inputs.project import render_seconds

        try:
            seconds = render_seconds(self.project)
        except WreportError as exc:
            return [exc for _ in audience.languages]
        style = Style(myriad_group_commas=self.project.myriad_group_commas)
        tasks = [runner.WorkerTask(_render, (self.project, audience, lang, self.facts, self.loaded_glossary, style), seconds,
                             f"{audience.name} ({lang})", self.project.relative(audience.template_file(lang)))
                 for lang in audience.languages]
        return runner.run_tasks(tasks, default_jobs(), stop_on_error=False)

    def check_support(self, edition: _CheckedEdition) -> None:
        """Every body segment (paragraph, list item, table row, caption) rests on a fact or a claim
        or is marked as the brief's own analysis, reported at the template line that wrote it."""
        from wreport.review.align import segments

        for segment in segments(edition.rendered.document):
            if segment.needs_support and not segment.supported:
                where = edition.rendered.locate(segment.line) if segment.line else Location(edition.own.shown)
                text = segment.text
                self.found.add("Unsupported", where,
                               f"{segment.kind} rests on no fact or claim: '{text[:60]}{'…' if len(text) > 60 else ''}'",
                               "cite its source with claim('id') (add the claim to claims.yaml), print its figure "
                               "with fact(), or mark the brief's own analysis with own()")

    def check_variants(self, edition: _CheckedEdition) -> None:
        """English names the glossary forbids, unless inside an agreed name (a longer one);
        matched through the text's skeleton (text.skeleton: a soft hyphen or a zero-width space
        inside a forbidden name does not hide it, nor a look-alike letter of another script, the
        Cyrillic о of "Kоrea" or a full-width Ｋ) and shown as a reader sees it."""
        shape = edition.shape
        agreed = Spans((m.start(), m.end()) for term in self.loaded_glossary for name in (term.en, term.en_plural)
                       if name for m in shape.find(name))
        for variant, term in self.loaded_glossary.forbidden_variants().items():
            for match in shape.find(variant):
                if agreed.hold(match.start(), match.end()):
                    continue
                start, end = shape.span(match)
                written = squash_spaces(reader_text(edition.text[start:end]))
                self.found.add("ForbiddenVariant", self.trace(edition, written),
                               f"forbidden variant '{written}' in the {edition.name} edition",
                               f"the glossary's name is '{term.en}': use term('{term.id}')")
                break

    def check_look_alikes(self, edition: _CheckedEdition) -> None:
        """Agreed English names written with look-alike letters ("Mеdical" with a Cyrillic е,
        a full-width or mathematical letter, "rn" for "m"): the same skeleton as the name, other
        letters. A reader sees the agreed name; a search, a screen reader or a translation tool
        does not."""
        shape = edition.shape
        for term in self.loaded_glossary:
            for name in (term.en, term.en_plural):
                for match in shape.find(name) if name else ():
                    start, end = shape.span(match)
                    written = visible_text(edition.text[start:end])
                    if _letters(written) != _letters(name):
                        odd = foreign_letters(written, name)
                        self.found.add("LookAlikeName", self.trace(edition, squash_spaces(reader_text(written))),
                                       f"'{written}' in the {edition.name} edition writes '{name}' with look-alike "
                                       f"letters{': ' + ', '.join(odd) if odd else ''}",
                                       f"use term('{term.id}'), or retype the name in plain Latin letters")
                        break

    def check_meaning(self, edition: _CheckedEdition) -> None:
        """Figures of different scope or measure side by side (qa/meaning.py), at the template line."""
        for problem in mixed_groups(edition.rendered.document, self.loaded_facts):
            where = edition.rendered.locate(problem.line) if problem.line else Location(edition.own.shown)
            self.found.add("MixedScope", where, f"{problem.message} (the {edition.name} edition)",
                           "say in the text whose figure each is (name each scope with term()), or keep the "
                           "figures apart; see each fact's scope and measure in facts.yaml")
        for problem in attributions(edition.rendered.document, self.loaded_facts, edition.lang):
            where = edition.rendered.locate(problem.line) if problem.line else Location(edition.own.shown)
            self.found.add("AttributionUnitOrder", where, f"{problem.message} (the {edition.name} edition)",
                           f"print it with fact('{problem.fact}', source_unit=True)")

    def check_untranslated(self, edition: _CheckedEdition) -> None:
        for run in dict.fromkeys(m.group() for m in _HANGUL_RUN.finditer(edition.seen)):
            self.found.add("Untranslated", self.trace(edition, run),
                           f"Korean text '{run}' in the {edition.name} edition",
                           self.source_field_hint(edition, run)
                           or "translate it, or take the English from the glossary (term()) or a fact label")

    def source_field_hint(self, edition: _CheckedEdition, run: str) -> str | None:
        """When the Korean comes from a cited source's entry in sources.yaml (a Korean publisher
        with no English name, a Korean title_en), the field to write in English."""
        for source_id in edition.rendered.sources:
            source = self.loaded_facts.sources[source_id]
            for name, text in (("publisher_en", source.publisher_en or source.publisher), ("title_en", source.title_en)):
                if run in reader_text(text):
                    return (f"write the English in `{name}:` of source '{source_id}' in "
                            f"{self.project.relative(self.project.sources_file)}")
        return None

    def compare(self, ko: _CheckedEdition, en: _CheckedEdition) -> None:
        """What the two editions of one audience should share: facts, figures and key terms."""
        both = {"ko": ko, "en": en}
        cited = {lang: edition.rendered.facts for lang, edition in both.items()}
        for lang, other in (("ko", "en"), ("en", "ko")):
            for fact_id in cited[lang]:
                if fact_id not in cited[other]:
                    self.found.add("FactSetMismatch", both[lang].own.first_call(fact_id),
                                   f"fact '{fact_id}' is cited in the {both[lang].name} edition but not in "
                                   f"{both[other].name}", "cite it in both editions, or in neither")
        for fact_id in (f for f in cited["ko"] if f in cited["en"]):
            self.compare_figure(fact_id, both)
        self.check_key_terms(ko, en)
        self.compare_sections(ko, en)

    def compare_sections(self, ko: _CheckedEdition, en: _CheckedEdition) -> None:
        """The editions aligned segment by segment (wreport.review.align, as the review page shows them):
        structure gaps, facts in different sections, words around a figure in one edition only.
        Each finding is at one edition's template line and names the other's."""
        pairs = align(segments(ko.rendered.document), segments(en.rendered.document))
        statuses = {fact.id: fact.status for fact in self.facts} if self.facts is not None else {}
        editions = {"ko": ko, "en": en}

        def where(pair_index: int, lang: str) -> Location:
            """The template line of ``lang``'s segment in pair ``pair_index``, or of the nearest
            one before it (for a gap)."""
            for pair in reversed(pairs[:pair_index + 1]):
                segment = pair.ko if lang == "ko" else pair.en
                if segment is not None and segment.line:
                    return editions[lang].rendered.locate(segment.line)
            return Location(editions[lang].own.shown)

        index = {id(pair): number for number, pair in enumerate(pairs)}
        for difference in compare(pairs, statuses):
            pair = difference.pair
            here = difference.lang
            there = "en" if here == "ko" else "ko"
            other = difference.other or pair
            other_place = where(index[id(other)], there)
            prefix = "near " if (other.en if there == "en" else other.ko) is None else ""
            self.found.add(difference.check, where(index[id(pair)], here),
                           f"{difference.message} ({editions[there].name}: {prefix}{other_place})",
                           _SECTION_HINTS[difference.check])
        for number, pair in enumerate(pairs):
            for name, hint in self.unknown_names(pair):
                self.found.add("UnknownName", where(number, "en"),
                               f"'{name}' in the {en.name} edition is not a glossary name (the {ko.name} "
                               "edition uses a glossary term here)", hint)
        if self.signed_off:
            self.check_signoff(ko.audience.name, pairs, [where(n, "en" if p.en else "ko") for n, p in enumerate(pairs)])

    def check_signoff(self, audience: str, pairs: list[Pair], places: list[Location]) -> None:
        """``--signed-off``: each segment not approved as it stands, at its English template line
        (the Korean one where the segment is in the Korean edition only). A malformed record is
        reported at its own line, and every segment then counts as unapproved."""
        from wreport.review.signoff import APPROVED, CHANGED, load_record, record_path, states

        try:
            record = load_record(self.project, audience)
        except WreportError as exc:
            self.found.error(exc, "DataError", Location(self.project.relative(record_path(self.project, audience))))
            record = {}
        approve = f"wreport review approve --audience {audience} --by NAME --segment "
        signoffs = states(pairs, record, self.loaded_facts, self.loaded_glossary)
        for pair, place in zip(pairs, places, strict=True):
            segment_id, signoff = pair.id, signoffs[pair.id]
            if signoff.state == APPROVED:
                continue
            what = (f"changed since {signoff.by} approved it on {signoff.date}" if signoff.state == CHANGED
                    else "never approved")
            self.found.add("NotSignedOff", place, f"{pair.kind} {segment_id} of '{audience}' is {what}",
                           f"review it (wreport review --status {signoff.state}), then {approve}{segment_id}")

    def unknown_names(self, pair: Pair) -> Iterator[tuple[str, str]]:
        """English names in a pair's English segment, outside the text term() and fact() printed,
        that no glossary name holds, when the Korean segment uses a glossary term; each with a
        did-you-mean from the Korean segment's terms."""
        if pair.ko is None or pair.en is None or not pair.ko.terms:
            return
        agreed = [search_key(name) for term in self.loaded_glossary for name in (term.en, term.en_plural, term.abbr)
                  if name]
        terms = [self.loaded_glossary.get(term_id) for term_id in pair.ko.terms]
        for part in pair.en.parts:
            plain = "".join(n.text if isinstance(n, Text) and not (n.term or n.fact) else "\n" for n in part)
            for name in dict.fromkeys(capitalised_names(plain)):
                key = search_key(name)  # once a name, not once for every agreed name it is looked for in
                if any(key in known for known in agreed):
                    continue
                best = max(terms, key=lambda term: difflib.SequenceMatcher(None, name, term.en).ratio())
                yield name, (f"did you mean '{best.en}'? write term('{best.id}'), or add the name to the glossary "
                             "if it is another one")

    def compare_figure(self, fact_id: str, both: dict[str, _CheckedEdition]) -> None:
        fact = self.loaded_facts.get(fact_id)
        style = Style(myriad_group_commas=self.project.myriad_group_commas)
        figures = {lang: squash_spaces(fact.formatted(lang, self.loaded_glossary, style)) for lang in both}
        # the source's unit may come first (fact(id, source_unit=True)): "10,000 pyeong (about 33,060 m²)"
        turned = {lang: squash_spaces(fact.formatted(lang, self.loaded_glossary, style, True)) for lang in both}
        # a count may be printed bare, its noun said once for two figures: fact(id, noun=False)
        bare = {lang: bare_count(fact, lang, style) for lang in both} if fact.unit == "count" else {}
        present = {lang: any(f in both[lang].squashed for f in (figures[lang], turned[lang]))
                   or _has_number(bare.get(lang), both[lang].squashed) for lang in both}
        if present["ko"] == present["en"]:
            return
        has, lacks = ("ko", "en") if present["ko"] else ("en", "ko")
        self.found.add("NumberMismatch", both[lacks].own.first_call(fact_id),
                       f"fact '{fact_id}': '{figures[has]}' is printed in the {both[has].name} edition, "
                       f"'{figures[lacks]}' is not in {both[lacks].name}",
                       f"print it in both with {{{{ fact('{fact_id}') }}}}")

    def check_key_terms(self, ko: _CheckedEdition, en: _CheckedEdition) -> None:
        """Terms named in the Korean edition (by term(), or written out if three or more
        characters long) whose English name, plural or abbreviation the English edition lacks."""
        english = search_key(en.text)
        for term in _korean_terms(ko, self.loaded_glossary):
            names = [name for name in (term.en, term.en_plural, term.abbr) if name]
            if not any(search_key(name) in english for name in names):
                self.found.add("KeyTermMissing", Location(en.own.shown),
                               f"'{term.ko}' is in the {ko.name} edition but '{term.en}' is not in {en.name}",
                               f"name it with term('{term.id}') in the English edition, if the sentence is there")

    def check_conflicts(self) -> None:
        """Cited facts that take part in a recorded conflict: a reader should be told, or the
        curator's preferred side used (the note says which)."""
        if self.facts is None:
            return
        shown = self.loaded_facts.facts_file or self.project.relative(self.project.facts_file)
        for conflict in self.loaded_facts.conflicts:
            used = [fact_id for fact_id in conflict.facts if fact_id in self.cited_by]
            if not used:
                continue
            editions = sorted({edition for fact_id in used for edition in self.cited_by[fact_id]})
            others = [f"'{f}'" for f in conflict.facts if f not in used]
            rest = f"it disagrees with {', '.join(others)}" if others else "every side of it is cited"
            self.found.add("FactConflict", Location(shown, conflict.line),
                           f"conflict '{conflict.id}': {', '.join(repr(f) for f in used)} cited in "
                           f"{', '.join(editions)}; {rest}", f"curator's note: {conflict.note}")

    # ------------------------------------------------------------ tracing text to its origin
    def trace(self, edition: _CheckedEdition, snippet: str) -> Location | OutputLocation:
        """The first place ``snippet`` could have come from; else the built PDF and page. The
        places' texts are read as a reader sees them once per edition, not once per finding (an
        edition with thousands of findings made that quadratic)."""
        if edition.origins is None:
            edition.origins = [(squash_spaces(reader_text(text)).casefold(), where)
                               for text, where in self._origins(edition)]
        wanted = snippet.casefold()
        for text, where in edition.origins:
            if wanted in text:
                return where
        return self._output_location(edition, snippet)

    def _origins(self, edition: _CheckedEdition) -> Iterator[tuple[str, Location]]:
        for scan in edition.scans:
            yield from scan.lines()
        facts_file = self.loaded_facts.facts_file or ""
        for fact_id in edition.rendered.facts:
            fact = self.loaded_facts.get(fact_id)
            yield fact.label(edition.lang), Location(facts_file, fact.line)
        for term_id in edition.rendered.terms:
            term = self.loaded_glossary.get(term_id)
            if term.location is not None:
                yield " | ".join((term.en, term.en_plural, term.abbr)), term.location
        sources_file = self.project.relative(self.project.sources_file)
        for source_id in edition.rendered.sources:
            source = self.loaded_facts.sources[source_id]
            yield " | ".join(filter(None, (source.publisher_en or source.publisher, source.title_en))), \
                Location(sources_file, source.line)
        toml = edition.audience.folder / AUDIENCE_FILE
        table = None
        for number, line in enumerate(self.project.read_text(toml).splitlines(), start=1):
            header = re.match(r"\s*\[\s*([^\]\s]+)\s*\]", line)
            table = header.group(1) if header else table
            if table == edition.lang:  # the edition's own [ko] or [en] table: title, subtitle...
                yield line, Location(self.project.relative(toml), number)

    def _output_location(self, edition: _CheckedEdition, snippet: str) -> Location | OutputLocation:
        pdf = output_path(self.project.out_dir, edition.audience.name, edition.lang, "pdf")
        if not pdf.is_file():
            return Location(edition.own.shown)
        wanted = re.sub(r"\s+", "", snippet)
        pages = self._page_texts(pdf)
        page = next((number for number, text in enumerate(pages, start=1) if wanted in text), None)
        return OutputLocation(self.project.relative(pdf), page)

    def _page_texts(self, pdf: Path) -> list[str]:
        """The PDF's page texts without whitespace or word joiners (extraction spaces vary)."""
        if pdf not in self._pdf_pages:
            from pypdf import PdfReader

            try:
                pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
            except Exception:  # noqa: BLE001 - an unreadable old output just gives no page number
                pages = []
            self._pdf_pages[pdf] = [re.sub(r"\s+", "", text.replace(WORD_JOINER, "")) for text in pages]
        return self._pdf_pages[pdf]


_SECTION_HINTS = {
    "SegmentGap": "give both editions the same headings, paragraphs, items and rows, or accept the gap "
                  "(wreport review shows it)",
    "FactPlacementMismatch": "print the figure in the same section of both editions",
    "ApproxMismatch": "qualify the figure alike in both editions, or leave the qualifier to the fact's approx",
    "StatusMismatch": "say in both editions that the figure is planned, expected or estimated",
    "ClaimMismatch": "cite the same claims in both editions of the segment (and mark both, or neither, own())",
}


def _render(project: Project, audience: Audience, lang: str, facts: FactSet, glossary: Glossary, style: Style,
            report: object) -> RenderedEdition:
    """One edition rendered to its document tree (in a worker: see :meth:`_Run.render`)."""
    return render_edition(project, audience, lang, facts, glossary, style)


def _letters(text: str) -> str:
    """A name's letters and digits, case aside: spacing, hyphens, dashes and quotes are no
    disguise (the typographer's ’ for ' is the same name)."""
    return "".join(char for char in text.casefold() if char.isalnum())


def _korean_terms(ko: _CheckedEdition, glossary: Glossary) -> list[Term]:
    """Glossary terms the Korean edition names: through term(), or written out in full.

    Written-out names are matched longest first without overlap (원주의료기기테크노밸리 is WMIT,
    not also 원주), spacing ignored, and only from three characters up, so short words such as
    대표 (chief executive) are not found inside 대표적.
    """
    used = {term_id: glossary.get(term_id) for term_id in ko.rendered.terms}
    text = re.sub(r"\s+", "", ko.text)
    candidates = sorted((t for t in glossary if len(re.sub(r"\s+", "", t.ko)) >= 3), key=lambda t: -len(t.ko))
    for term in candidates:
        key = re.sub(r"\s+", "", term.ko)
        if key in text:
            used.setdefault(term.id, term)
            text = text.replace(key, MASK)
    return [term for term in used.values() if term.kind not in _SKIPPED_KINDS]


def run_checks(project: Project, audiences: Iterable[str] | None = None, strict: bool = False,
               signed_off: bool = False) -> list[Finding]:
    """Every finding for the project (or the named audiences), data and template findings first.

    Never raises for a problem in the project's files: each one is a finding. With ``strict``,
    warnings are reported as errors; with ``signed_off``, every segment not approved as it stands
    (signoff/<audience>.yaml) is an error at its template line.
    """
    run = _Run(project, signed_off)
    run.load_data()
    for name in run.audience_names(audiences):
        run.check_audience(name)
    run.check_conflicts()
    _check_values(run)
    _check_coverage(run)
    findings = run.found.items
    if strict:
        findings = [Finding(f.check, ERROR, f.location, f.message, f.hint) for f in findings]
    return findings


def _check_values(run: _Run) -> None:
    """Each fact's value against the figures of its own quote (curation/values.py), so a value
    typed ten times too large cannot pass as sourced."""
    from wreport.curation.values import value_problems

    if run.facts is not None:
        for problem in value_problems(run.project, run.facts):
            run.found.error(problem, "ValueNotInQuote")


def template_problems(project: Project, audiences: Iterable[str]) -> int:
    """How many hand-typed numbers (not years) ``wreport check`` reports as errors in these
    audiences' templates and the shared ones, read as text: no data, no rendering, no Jinja parse
    (which would cost a cold build a second), so ``wreport build`` can say the check would fail."""
    count = 0
    for name in [SHARED_FOLDER, *audiences]:
        folder = project.templates_dir / name
        if not folder.is_dir() or not folder.resolve().is_relative_to(project.templates_dir.resolve()):
            continue
        for path in sorted(folder.rglob("*.j2")):
            try:
                prose = template_prose(project.read_text(path, TemplateError))
            except WreportError:
                count += 1  # unreadable: check reports it too
                continue
            count += sum(1 for _, _, number in hand_typed_numbers(prose) if not _YEAR.fullmatch(number))
    return count


def _check_coverage(run: _Run) -> None:
    """Each source figure no fact quotes and set-aside.yaml does not set aside (docs/curation.md),
    so a new source cannot slip in half-curated."""
    from wreport.curation.coverage import coverage, set_aside_path

    if run.facts is None:
        return
    try:
        statuses = coverage(run.project, run.facts)
    except WreportError as exc:
        run.found.error(exc, "DataError", Location(run.project.relative(set_aside_path(run.project))))
        return
    open_by_source: dict[str, list[Mention]] = {}
    for status in statuses:
        if status.is_open:
            open_by_source.setdefault(status.mention.source, []).append(status.mention)
    for source_id, mentions in open_by_source.items():  # one line per source: 48 alike say nothing more
        first = mentions[0]
        count = f"'{first.text}'" if len(mentions) == 1 else f"{len(mentions)} figures (first '{first.text}')"
        run.found.add("UncoveredFigure", Location(run.project.relative(run.facts.sources[source_id].file), first.line),
                      f"{count} in source '{source_id}' {'is' if len(mentions) == 1 else 'are'} not quoted by any "
                      "fact", f"wreport facts coverage {source_id} lists {'it' if len(mentions) == 1 else 'them'}; "
                      "add a fact quoting each figure the brief uses (wreport facts candidates --format yaml drafts "
                      f"them) and set the rest aside: wreport facts set-aside {source_id} --reason unused")


# ---------------------------------------------------------------- reports
def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def summary(findings: list[Finding]) -> str:
    """One line: how many errors and warnings in how many files, or that all is clean."""
    if not findings:
        return "no problems found"
    counts = Counter(f.severity for f in findings)
    files = len({f.location.file for f in findings})
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in (ERROR, WARNING) if counts[s]]
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def format_text(findings: list[Finding]) -> str:
    """The report for people: findings grouped by file (files in order of first finding, lines
    in order within a file), then the summary line."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.location.file, []).append(finding)
    blocks = []
    for file, group in groups.items():
        group.sort(key=lambda f: (f.location.line or 0, getattr(f.location, "column", None) or 0))
        blocks.append("\n".join([file, *(f"  {f}" for f in group)]))
    return "\n\n".join([*blocks, summary(findings)]) + "\n"


def format_json(findings: list[Finding]) -> str:
    """The report for tools: ``{"findings": [...], "errors": n, "warnings": n, "summary": ...}``."""
    counts = Counter(f.severity for f in findings)
    data = {"findings": [f.as_dict() for f in findings], "errors": counts[ERROR], "warnings": counts[WARNING],
            "summary": summary(findings)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
