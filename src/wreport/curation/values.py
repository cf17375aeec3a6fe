"""A fact's value against its own quote: the figure stored is a figure the source gives.

The quote is found in its source (whitespace aside, as the loader checks it), and the figures
inside it are read with the same reader ``facts candidates`` uses (curation/mentions.py), from
the source text itself, so a table cell alone on its line reads as it does in the candidates. The
stored value, in the fact's unit, must equal one of them (``ValueNotInQuote``), and the
approximation word beside that figure (약, 여, 이상, 미만, 넘게, ...) must be the fact's ``approx``
(``QuoteApproxMismatch``). A value that is not a quoted figure names its rule instead: ``derived``
(checked by the loader, DerivedMismatch) or ``converted`` (pyeong ↔ m², a currency at the
source's rate), whose result must round to the stored value. Coverage (curation/coverage.py) uses
the same test, so a quote covers only the figures whose value its fact stores.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from wreport.curation.mentions import Mention, mentions_of
from wreport.data.facts import Fact, FactSet, converted, rounded_like
from wreport.errors import DataError, Location
from wreport.inputs.schemas import APPROX
from wreport.inputs.text import occurrences, spaceless

if TYPE_CHECKING:
    from wreport.inputs.project import Project

_HINT = ("write the value the quote gives, in the fact's base unit (6098억원 is 609_800_000_000 KRW), or "
         "quote the sentence that gives the stored value; a value that is not a quoted figure names its "
         "rule: converted: {from: pyeong} or derived: (docs/facts.md)")


def agrees(fact: Fact, mention: Mention) -> bool:
    """Whether ``mention`` is the figure ``fact`` stores: the same value in the fact's unit (a bare
    table cell has no unit of its own), or the figure its conversion starts from."""
    if fact.converted is not None:
        if mention.unit not in (fact.converted.from_, None):
            return False
        return rounded_like(converted(mention.value, fact.converted, fact.unit), fact.value) == fact.value
    return mention.value == fact.value and mention.unit in (fact.unit, None)


def quoted_figures(fact_set: FactSet, source_id: str, mentions: tuple[Mention, ...],
                   text: tuple[str, tuple[int, ...]]) -> Iterator[tuple[Fact, list[Mention]]]:
    """Each fact quoting the source, with the mentions its quote spans wherever it occurs there
    (``text`` is the source's text as ``spaceless`` gives it; ``mentions`` are the source's, in
    text order, as ``mentions_of`` gives them)."""
    starts = [mention.start for mention in mentions]
    for fact in fact_set:
        if fact.source != source_id or not fact.quote:
            continue
        yield fact, spanned(mentions, starts, occurrences(fact.quote, text))


def spanned(mentions: tuple[Mention, ...], starts: list[int], spans: Iterable[tuple[int, int]]) -> list[Mention]:
    """The mentions inside any of ``spans``, in text order. Found by binary search, not by trying
    every mention against every quote (quadratic in a long, well-curated source): a text's
    mentions do not overlap, so those a span holds are consecutive from the first that starts in
    it (``starts`` are the mentions' start offsets)."""
    inside: set[int] = set()
    for start, end in spans:
        index = bisect.bisect_left(starts, start)
        while index < len(mentions) and mentions[index].end <= end:
            inside.add(index)
            index += 1
    return [mentions[index] for index in sorted(inside)]


def expected_approx(mention: Mention) -> str:
    """The ``approx`` a fact stores for the word beside its figure: the reader's name when the fact
    schema has it; ``none`` for words it lacks (가까이, 이내: the template keeps the word)."""
    return mention.approx if mention.approx in APPROX else "none"


def value_problems(project: Project, fact_set: FactSet) -> list[DataError]:
    """Every fact whose value is not a figure of its quote, or whose ``approx`` is not the word
    the source writes beside that figure; derived facts are checked by their rule instead."""
    shown = project.relative(project.facts_file)
    problems: list[DataError] = []
    for source_id, source in fact_set.sources.items():
        mentions = mentions_of(source_id, source.text)
        for fact, figures in quoted_figures(fact_set, source_id, mentions, spaceless(source.text)):
            if fact.derived is None:
                problems.extend(_fact_problems(fact, figures, Location.of(shown, fact.line)))
    return problems


def _fact_problems(fact: Fact, figures: list[Mention], where: Location) -> Iterator[DataError]:
    stored = f"{fact.value:f} {fact.unit}"
    read = "; ".join(f"{m.text} = {m.value:f} {m.unit or '(no unit)'}" for m in figures) or "no figure"
    matching = [m for m in figures if agrees(fact, m)]
    if not matching:
        rule = f" converted from {fact.converted.from_}" if fact.converted else ""
        yield DataError(f"fact '{fact.id}': value {stored}{rule} is not a figure of its quote (read: {read})",
                        where, hint=_HINT, check="ValueNotInQuote")
    elif all(expected_approx(m) != fact.approx for m in matching):
        words = ", ".join(f"'{m.text}' ({expected_approx(m)})" for m in matching)
        yield DataError(f"fact '{fact.id}': approx {fact.approx}, but the source writes {words}", where,
                        hint="approx follows the source's word: 약 about, 여 more-than, 이상 at-least, "
                        "미만 less-than, 넘게 over, none without one (docs/facts.md)",
                        check="QuoteApproxMismatch")
