"""What a figure means, beyond its value: the kind of its date, whose figure it is, what it counts.

Two checks, run by :mod:`wreport.qa.checks` (docs/checks.md):

* :func:`report_dates` (``ReportDateAsEvent``): a fact whose only date is its source's
  (``date_kind: report``) printed with ``fact_period()`` must be said to be a report's date in
  the words right around it ("as reported in December 2007", "2007년 12월 보도에 따르면"), not
  as the date of the event ("In December 2007 fewer than 10 companies...").
* :func:`mixed_groups` (``MixedScope``): a table, a chart or a sentence that sets figures of one
  unit side by side whose ``scope`` (a glossary term: the innovation cluster's firms, Wonju's
  whole industry) differs, without naming each of those scopes in its own text (for a table or
  chart, a caption naming one of them is the note saying they differ); or a table or chart
  whose figures of one unit count different things (``measure``: sales, production...) and whose
  caption names none of their scopes.
* :func:`attributions` (``AttributionUnitOrder``): a sentence saying what a source gives ("The
  Electronic Times gives ...") prints the figure in the source's own unit first: a pyeong area in
  English as "10,000 pyeong (about 33,060 m²)" (``fact(id, source_unit=True)``), as Korean does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from wreport.data.facts import FactSet
from wreport.render.document import BlockQuote, Document, Figure, Inline, LineBreak, Table, Text
from wreport.review.align import CAPTION, ITEM, PARAGRAPH, segments

#: Words saying that a date is a report's: looked for in the template prose around the call.
REPORT_WORDS = {
    "ko": re.compile(r"보도|보고|기사|발표|전했|전한|밝혔|따르면"),
    "en": re.compile(r"\b(?:report(?:s|ed|ing)?|according to|described|article|says|said|gives|wrote)\b",
                     re.IGNORECASE),
}
_WINDOW = (60, 40)  # characters of prose read before and after the call, within its sentence
_SENTENCE_END = re.compile(r"[.!?。]\s|\n\s*\n")
_PERIOD_CALL = re.compile(r"fact_period\(\s*[\"']([a-z0-9_]+)[\"']")


@dataclass(frozen=True)
class Problem:
    """A finding of this module: the template or Markdown line, the fact, what is wrong."""

    line: int
    fact: str
    message: str


def report_dates(source: str, prose: str, lang: str | None, facts: FactSet) -> Iterator[Problem]:
    """Each ``fact_period("id")`` of a report-dated fact with no report word beside it.

    ``prose`` is the template with its tags blanked (checks.template_prose: same offsets); a
    shared template (no language in its name) is read with both languages' words."""
    words = [REPORT_WORDS[lang]] if lang in REPORT_WORDS else list(REPORT_WORDS.values())
    for call in _PERIOD_CALL.finditer(source):
        fact_id = call.group(1)
        if fact_id not in facts.facts or facts.get(fact_id).date_kind != "report":
            continue
        start, end = _tag_span(source, call.start())
        around = _sentence_window(prose, start, end)
        if not any(pattern.search(around) for pattern in words):
            yield Problem(source.count("\n", 0, call.start()) + 1, fact_id,
                          f"fact '{fact_id}' is dated only by its source (date_kind: report), but its date is "
                          "printed as the date of the event")


def _tag_span(source: str, inside: int) -> tuple[int, int]:
    """The ``{{ ... }}`` holding offset ``inside``."""
    start = source.rfind("{{", 0, inside)
    end = source.find("}}", inside)
    return (start if start >= 0 else inside), (end + 2 if end >= 0 else inside)


def _sentence_window(prose: str, start: int, end: int) -> str:
    """The prose a few words each side of ``start:end``, cut at the sentence's ends, tags removed."""
    before = prose[max(0, start - _WINDOW[0]):start]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    before = before[cut[-1]:] if cut else before
    after = prose[end:end + _WINDOW[1]]
    stop = _SENTENCE_END.search(after)
    after = after[:stop.start()] if stop else after
    return re.sub("\ufffc+", " ", before + " " + after)


# ---------------------------------------------------------------- scope and measure
@dataclass
class _Group:
    """Figures a reader takes in together: a table, a chart, a sentence's paragraph or item."""

    what: str  # "table", "chart", "paragraph"...
    line: int
    facts: list[str]
    terms: set[str]
    caption_terms: set[str] = field(default_factory=set)  # a table's or chart's caption: where its note is


def _inline_marks(parts: list[list[Inline]]) -> tuple[list[str], set[str]]:
    nodes = [n for part in parts for n in part if isinstance(n, Text)]
    return list(dict.fromkeys(n.fact for n in nodes if n.fact)), {n.term for n in nodes if n.term}


def _groups(doc: Document) -> Iterator[_Group]:
    """Each table (caption, header and rows), each chart (its series and caption) and each
    paragraph or list item of the edition."""
    blocks = list(doc.blocks)
    while blocks:
        block = blocks.pop(0)
        if isinstance(block, BlockQuote):
            blocks[:0] = block.children
        elif isinstance(block, Table):
            facts, terms = _inline_marks([block.caption, *(c.children for row in [block.header, *block.rows]
                                                           for c in row)])
            yield _Group("table", block.line, facts, terms, _inline_marks([block.caption])[1])
        elif isinstance(block, Figure):
            facts, terms = _inline_marks([block.caption])
            yield _Group("chart", block.line, list(dict.fromkeys([*block.chart.facts, *facts])), terms, terms)
    for segment in segments(doc):
        if segment.kind in (PARAGRAPH, ITEM) or (segment.kind == CAPTION and not segment.chart_facts):
            yield _Group(segment.kind, segment.line, segment.facts, set(segment.terms))


def mixed_groups(doc: Document, facts: FactSet) -> Iterator[Problem]:
    """Each group setting figures of one unit side by side across scopes it does not name, or
    (tables and charts) across measures."""
    for group in _groups(doc):
        by_unit: dict[str, list[str]] = {}
        for fact_id in group.facts:
            by_unit.setdefault(facts.get(fact_id).unit, []).append(fact_id)
        for same_unit in by_unit.values():
            problem = _mixed(group, same_unit, facts)
            if problem is not None:
                yield problem


def _mixed(group: _Group, fact_ids: list[str], facts: FactSet) -> Problem | None:
    scopes = {f: facts.get(f).scope for f in fact_ids if facts.get(f).scope}
    noted = bool(set(scopes.values()) & group.caption_terms)  # a caption naming whose figures: the note
    if len(set(scopes.values())) > 1 and not (noted or set(scopes.values()) <= group.terms):
        first, other = _two_different(scopes)
        return Problem(group.line, first, f"this {group.what} sets '{first}' ({scopes[first]}) beside '{other}' "
                                          f"({scopes[other]}) without saying whose figure each is")
    measures = {f: facts.get(f).measure for f in fact_ids if facts.get(f).measure}
    if group.what in ("table", "chart") and len(set(measures.values())) > 1 and not noted:
        first, other = _two_different(measures)
        return Problem(group.line, first, f"this {group.what} sets '{first}' ({measures[first]}) beside '{other}' "
                                          f"({measures[other]}) as one series, though they count different things")
    return None


def _two_different(values: dict[str, str | None]) -> tuple[str, str]:
    """The first fact and the first fact after it with another value."""
    first = next(iter(values))
    return first, next(f for f, v in values.items() if v != values[first])


# ---------------------------------------------------------------- attributions
#: Words before a figure saying that it is what a source gives.
ATTRIBUTION_WORDS = {
    "en": re.compile(r"\b(?:gives|give|says|reports|reported|puts it at|records|cites|according to)\W*$",
                     re.IGNORECASE),
}
_ATTRIBUTION_REACH = 30  # characters of prose before the figure


def attributions(doc: Document, facts: FactSet, lang: str) -> Iterator[Problem]:
    """Each figure whose source unit the house style shows second (a pyeong area in English),
    printed that way right after words attributing it to its source."""
    words = ATTRIBUTION_WORDS.get(lang)
    if words is None:  # Korean writes the source's unit (평) first already
        return
    for segment in segments(doc):
        for part in segment.parts:
            prose = ""
            for node in part:
                if isinstance(node, Text) and node.fact:
                    fact = facts.get(node.fact)
                    if fact.unit == "pyeong" and _metric_first(node.text) and words.search(prose[-_ATTRIBUTION_REACH:]):
                        yield Problem(segment.line, fact.id, f"the sentence says what a source gives, but prints "
                                                             f"'{fact.id}' in square metres before the source's pyeong")
                    prose = ""
                elif isinstance(node, (Text, LineBreak)):
                    prose += node.text if isinstance(node, Text) else " "


def _metric_first(printed: str) -> bool:
    """Whether a printed pyeong figure shows its m² before its pyeong: "about 33,060 m² (10,000 pyeong)"."""
    metric, pyeong = printed.find("m²"), printed.find("pyeong")
    return 0 <= metric < pyeong
