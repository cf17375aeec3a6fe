"""The bilingual review of an audience: both editions aligned, every figure beside its source.

:func:`prepare_review` renders the Korean and English editions, aligns them segment by segment
(:mod:`wreport.review.align`) and gathers, for every fact and term they print, what a reviewer checks
it against: the stored value, period, approximation and status, the source and the verbatim
quote inside its source sentence, a derived fact's formula and parts, a recorded conflict and
its note, a term's two names and notes. The writers (:mod:`wreport.review.html`,
:mod:`wreport.review.docx`) only lay that out. docs/review.md is the reviewer's guide.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from wreport.data import formatting
from wreport.data.claims import Claim
from wreport.data.facts import Fact, FactSet
from wreport.data.glossary import Glossary, Term
from wreport.inputs.project import Project
from wreport.inputs.text import occurrences, spaceless, squash_spaces
from wreport.render.templating import Audience, RenderedEdition, load_audience, render_edition
from wreport.review.align import Difference, Pair, align, compare, segments
from wreport.review.signoff import SignoffState

_SENTENCE_STOP = ".!?。"
_MAX_SENTENCE = 400  # characters of source text shown each side of a quote, at most


@dataclass(frozen=True)
class QuoteInSource:
    """A fact's quote where it stands in its source: the sentence around it, split in three."""

    before: str
    quote: str
    after: str
    found: bool = True


@dataclass
class FactCard:
    """What the review shows for one printed fact."""

    fact: Fact
    ko: str  # the value as each edition prints it
    en: str
    source_title: str = ""
    source_title_en: str = ""
    source_date: str = ""
    quote: QuoteInSource | None = None
    parts: list[FactCard] = field(default_factory=list)  # a derived fact's inputs
    conflicts: list[tuple[str, list[str], str]] = field(default_factory=list)  # (id, other facts, note)

    @property
    def warning(self) -> bool:
        return bool(self.conflicts) or self.fact.status != "actual"


@dataclass
class ClaimCard:
    """What the review shows for one claim a segment rests on: what it asserts, its source, and
    the quote in its source sentence with the sentence before and after it."""

    claim: Claim
    source_title: str = ""
    source_title_en: str = ""
    source_date: str = ""
    quote: QuoteInSource | None = None


@dataclass
class Review:
    """Everything a review writer needs for one audience."""

    audience: Audience
    editions: dict[str, RenderedEdition]
    pairs: list[Pair]
    differences: list[Difference]
    facts: dict[str, FactCard]
    terms: dict[str, Term]
    claims: dict[str, ClaimCard] = field(default_factory=dict)
    signoffs: dict[str, SignoffState] = field(default_factory=dict)  # by pair id; set by review.writing

    def differences_of(self, pair: Pair) -> list[Difference]:
        return [d for d in self.differences if d.pair is pair]

    def has_warning(self, pair: Pair) -> bool:
        return bool(self.differences_of(pair)) or any(self.facts[f].warning for f in pair.facts if f in self.facts)

    def has_conflict(self, pair: Pair) -> bool:
        return any(self.facts[f].conflicts for f in pair.facts if f in self.facts)

    def template_line(self, pair: Pair, lang: str) -> str:
        """Where the segment's text was written: ``templates/.../ko.md.j2:40`` ("" when unknown)."""
        segment = pair.ko if lang == "ko" else pair.en
        if segment is None or not segment.line:
            return ""
        where = self.editions[lang].locate(segment.line)
        return str(where) if where.line else ""

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(p.section for p in self.pairs))


def quote_in_source(text: str, quote: str, context: int = 0) -> QuoteInSource:
    """The sentence of ``text`` holding ``quote``, found whitespace-insensitively (as the fact
    loader checks quotes) and split around the quoted words as the source writes them; with
    ``context``, that many sentences more on each side (a claim's card shows one)."""
    text = unicodedata.normalize("NFC", text)
    found = next(occurrences(quote, spaceless(text)), None)
    if found is None:
        return QuoteInSource("", quote, "", found=False)
    start, end = found
    sentences = _Sentences(text)
    first, last = sentences.start(start, False), sentences.end(end, False)
    for _ in range(max(0, min(context, 5))):
        first, last = sentences.start(first, True), sentences.end(last, True)
    before, after = squash_spaces(text[first:start]), squash_spaces(text[end:last])
    return QuoteInSource(before + (" " if before and text[start - 1].isspace() else ""),
                         squash_spaces(text[start:end]),
                         (" " if after and text[end].isspace() else "") + after)


class _Sentences:
    """Sentence bounds in a source text. A sentence ends at a full stop, or at a line break after
    a line shorter than the text's own wrapped lines (a heading, a list item). A source taken from
    a PDF keeps the page's line breaks: a line as long as most of the text's lines that ends
    without a full stop was wrapped there, and its sentence goes on after it."""

    def __init__(self, text: str):
        self.text = text
        lengths = sorted(len(line.strip()) for line in text.splitlines() if line.strip())
        typical = lengths[len(lengths) * 3 // 4] if len(lengths) >= 4 else 0
        self.wrapped = max(20, typical * 4 // 5) if typical else len(text) + 1  # few lines: none wrapped

    def stops(self, at: int) -> bool:
        """Whether ``text[at]`` ends a sentence."""
        text = self.text
        if text[at] in _SENTENCE_STOP:
            return True
        if text[at] != "\n":
            return False
        last = at - 1  # the last character of the line before the break, blank lines aside
        while last >= 0 and at - last <= self.wrapped and text[last].isspace():
            last -= 1
        if last < 0 or text[last].isspace():
            return True  # the start of the text, or a gap wider than any wrapped break
        line_start = text.rfind("\n", max(0, last - self.wrapped), last)
        return line_start >= 0 or last < self.wrapped  # a line shorter than the wrapped ones

    def start(self, at: int, further: bool) -> int:
        """Where the sentence holding ``at`` starts (at most _MAX_SENTENCE characters back);
        ``further``: ``at`` starts a sentence, and the one before it is wanted."""
        text, first = self.text, at
        while further and first > 0 and (self.stops(first - 1) or text[first - 1].isspace()):
            first -= 1
        limit = first
        while first > 0 and limit - first < _MAX_SENTENCE and not self.stops(first - 1):
            first -= 1
        return first

    def end(self, at: int, further: bool) -> int:
        """Where the sentence holding ``at`` ends, its stop included (at most _MAX_SENTENCE on);
        ``further``: ``at`` ends a sentence, and the one after it is wanted."""
        text, last = self.text, at
        while further and last < len(text) and (self.stops(last) or text[last].isspace()):
            last += 1
        limit = last
        while last < len(text) and last - limit < _MAX_SENTENCE and (
                (further and last == limit) or not self.stops(last - 1)):
            last += 1
        return last


def claim_card(facts: FactSet, claim_id: str) -> ClaimCard:
    """The card of one claim: its source and its quote with a sentence of context each side."""
    claim = facts.claim(claim_id)
    source = facts.sources.get(claim.source)
    if source is None:
        return ClaimCard(claim)
    return ClaimCard(claim, source.title, source.title_en, str(source.date),
                     quote_in_source(source.text, claim.quote, context=1))


def fact_card(facts: FactSet, glossary: Glossary, style: formatting.Style, fact_id: str, depth: int = 0) -> FactCard:
    """The card of one fact; a derived fact's parts get theirs (to a depth of 5: derivations
    are checked acyclic, this only bounds the work)."""
    fact = facts.get(fact_id)
    card = FactCard(fact, fact.formatted("ko", glossary, style), fact.formatted("en", glossary, style))
    if fact.source:
        source = facts.sources[fact.source]
        card.source_title, card.source_title_en, card.source_date = source.title, source.title_en, str(source.date)
        card.quote = quote_in_source(source.text, fact.quote or "")
    if fact.derived and depth < 5:
        card.parts = [fact_card(facts, glossary, style, part, depth + 1) for part in fact.derived.inputs]
    card.conflicts = [(c.id, [f for f in c.facts if f != fact_id], c.note) for c in facts.conflicts_of(fact_id)]
    return card


def prepare_review(project: Project, name: str, facts: FactSet, glossary: Glossary,
                   style: formatting.Style | None = None) -> Review:
    """Render both editions of audience ``name``, align them and gather every card."""
    audience = load_audience(project, name)
    style = style or formatting.Style(myriad_group_commas=project.myriad_group_commas)
    editions: dict[str, RenderedEdition] = {lang: render_edition(project, audience, lang, facts, glossary, style) for lang in ("ko", "en")
                if lang in audience.languages}
    ko = segments(editions["ko"].document) if "ko" in editions else []
    en = segments(editions["en"].document) if "en" in editions else []
    pairs = align(ko, en)
    differences = compare(pairs, {f.id: f.status for f in facts})
    printed = dict.fromkeys(f for pair in pairs for f in pair.facts)
    cards = {fact_id: fact_card(facts, glossary, style, fact_id) for fact_id in printed}
    terms = {term_id: glossary.get(term_id) for pair in pairs for term_id in pair.terms}
    claims = {claim_id: claim_card(facts, claim_id) for pair in pairs for claim_id in pair.claims}
    return Review(audience, editions, pairs, differences, cards, terms, claims)
