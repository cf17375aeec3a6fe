"""The Korean and English editions of an audience, aligned segment by segment.

A segment is what a translator's tool would show as one unit: a heading, a paragraph, a list
item, a table row, a table or figure caption, a source note. :func:`segments` lists an
edition's segments in reading order with their section numbers (1, 1.2, ...) and the facts and
terms they print (the marks of :mod:`wreport.render.marks`). :func:`align` pairs two such lists by
document structure, sections first and then the segments within them, as sequence alignment does
(the best in-order pairing of items of one kind, scored by the facts and terms they share), so a
paragraph present in one edition only becomes a gap and does not shift every pair after it.
The review writer shows the pairs; the checks compare them (:func:`compare`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from wreport.inputs.text import squash_spaces
from wreport.render.document import (
    Block,
    BlockQuote,
    Document,
    Figure,
    FootnoteRef,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Text,
    TreeVisitor,
    inline_text,
    section_headings,
)

HEADING, PARAGRAPH, ITEM, ROW, CAPTION, NOTE = "heading", "paragraph", "item", "row", "caption", "note"
_SHORT = {HEADING: "h", PARAGRAPH: "p", ITEM: "li", ROW: "tr", CAPTION: "cap", NOTE: "n"}
NOTES_SECTION = "notes"


@dataclass
class Segment:
    """One unit of an edition: its kind, section, content (one inline list per cell) and marks."""

    kind: str
    section: str  # "0" before the first heading, "2.1", or "notes"
    parts: list[list[Inline]]  # a row's cells; a single list for every other kind
    line: int = 0  # the Markdown line it starts on (0: unknown)
    level: int = 0  # a heading's level
    chart_facts: list[str] = field(default_factory=list)  # a figure caption's charted facts
    support: list[str] = field(default_factory=list)  # "claim:ID" and "own" points (render/marks.py)
    header: bool = False  # a table's header row: labels, like a heading
    quoted: bool = False  # it stands in a block quote (a redline puts a removed one back in one)

    @property
    def claims(self) -> list[str]:
        """The claims this segment cites, in order, each once."""
        return [point.split(":", 1)[1] for point in self.support if point.startswith("claim:")]

    @property
    def own(self) -> bool:
        """Whether the template marks this segment as the brief's own analysis (``own()``)."""
        return "own" in self.support

    @property
    def needs_support(self) -> bool:
        """Body text must rest on a fact, a claim or the own-analysis mark: paragraphs, list items,
        table body rows and captions; not headings, header rows or notes."""
        return self.kind in (PARAGRAPH, ITEM, ROW, CAPTION) and not self.header

    @property
    def supported(self) -> bool:
        return bool(self.facts or self.claims or self.own)

    @property
    def facts(self) -> list[str]:
        """The facts printed in this segment, in order, each once (a chart's count too)."""
        found = [n.fact for part in self.parts for n in part if isinstance(n, Text) and n.fact]
        return list(dict.fromkeys([*found, *self.chart_facts]))

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(n.term for part in self.parts for n in part if isinstance(n, Text) and n.term))

    @property
    def text(self) -> str:
        return " | ".join(squash_spaces(inline_text(part)) for part in self.parts)


class _Sections:
    """Section numbers from the headings met so far: 1, 1.1, 1.2, 2 (relative to the top level)."""

    def __init__(self, top: int):
        self.top = top
        self.counters: list[int] = []

    def heading(self, level: int) -> str:
        depth = max(level - self.top, 0)
        self.counters = self.counters[:depth + 1]
        while len(self.counters) < depth + 1:
            self.counters.append(0)
        self.counters[depth] += 1
        return self.current

    @property
    def current(self) -> str:
        return ".".join(str(n) for n in self.counters) or "0"


def segments(doc: Document) -> list[Segment]:
    """The edition's segments in reading order."""
    levels = [heading.level for heading in section_headings(doc.blocks)]
    reader = _SegmentReader(_Sections(min(levels, default=1)))
    out: list[Segment] = []
    for block in doc.blocks:
        out.extend(reader.visit(block, top=True))
    out.extend(Segment(NOTE, NOTES_SECTION, [note.children]) for note in doc.footnotes)
    return out


class _SegmentReader(TreeVisitor[Iterator[Segment]]):
    """Cuts blocks into segments. ``top`` is whether the block stands at the top level of the
    document: only there does a heading open a section (document.section_headings); a heading
    in a quote or a list item is a paragraph of what holds it."""

    def __init__(self, sections: _Sections):
        self.sections = sections

    def visit_heading(self, block: Heading, top: bool) -> Iterator[Segment]:
        if top:
            yield Segment(HEADING, self.sections.heading(block.level), [block.children], block.line, block.level)
        else:
            yield Segment(PARAGRAPH, self.sections.current, [block.children], block.line)

    def visit_paragraph(self, block: Paragraph, top: bool) -> Iterator[Segment]:
        yield Segment(PARAGRAPH, self.sections.current, [block.children], block.line, support=block.support)

    def visit_list(self, block: ListBlock, top: bool) -> Iterator[Segment]:
        for item in block.items:
            yield from self._item(item)

    def visit_table(self, block: Table, top: bool) -> Iterator[Segment]:
        section = self.sections.current
        if block.caption:
            yield Segment(CAPTION, section, [block.caption], block.line, support=block.caption_support)
        if block.header:
            yield Segment(ROW, section, [c.children for c in block.header], block.line, header=True)
        lines = block.row_lines or [block.line] * len(block.rows)
        for row, line in zip(block.rows, lines, strict=False):
            support = list(dict.fromkeys(point for cell in row for point in cell.support))
            yield Segment(ROW, section, [c.children for c in row], line, support=support)

    def visit_figure(self, block: Figure, top: bool) -> Iterator[Segment]:
        yield Segment(CAPTION, self.sections.current, [block.caption], block.line, chart_facts=list(block.chart.facts))

    def visit_block_quote(self, block: BlockQuote, top: bool) -> Iterator[Segment]:
        for child in block.children:
            for found in self.visit(child, top=False):
                found.quoted = True
                yield found

    def visit_page_break(self, block: PageBreak, top: bool) -> Iterator[Segment]:
        yield from ()  # nothing a reader reads

    def _item(self, item: list[Block]) -> Iterator[Segment]:
        """A list item: its first paragraph is the item; nested lists and later blocks their own segments."""
        for index, child in enumerate(item):
            if index == 0 and isinstance(child, Paragraph):
                yield Segment(ITEM, self.sections.current, [child.children], child.line, support=child.support)
            else:
                yield from self.visit(child, top=False)


# ---------------------------------------------------------------- alignment
@dataclass
class Pair:
    """One row of the alignment: a Korean and an English segment, or one of them and a gap."""

    id: str  # stable: section, kind and count within the section ("2.1-p3"); also an HTML id
    section: str
    ko: Segment | None
    en: Segment | None

    @property
    def kind(self) -> str:
        return (self.ko or self.en).kind  # type: ignore[union-attr]

    @property
    def is_gap(self) -> bool:
        return self.ko is None or self.en is None

    @property
    def facts(self) -> list[str]:
        return list(dict.fromkeys([*(self.ko.facts if self.ko else []), *(self.en.facts if self.en else [])]))

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys([*(self.ko.terms if self.ko else []), *(self.en.terms if self.en else [])]))

    @property
    def claims(self) -> list[str]:
        return list(dict.fromkeys([*(self.ko.claims if self.ko else []), *(self.en.claims if self.en else [])]))

    @property
    def own(self) -> bool:
        return any(segment.own for segment in (self.ko, self.en) if segment is not None)


def align(ko: list[Segment], en: list[Segment]) -> list[Pair]:
    """Pair the two editions' segments in document order; structure that differs becomes gaps.

    Sections are paired first (a heading and what follows it), then the segments of each pair of
    sections, both by :func:`_best_pairing`: only items of one kind pair (a heading of one level,
    a paragraph, a row of as many cells), in order, and among the ways to do that the one whose
    pairs share the most facts and terms wins. So a paragraph in one edition only is a gap, not a
    shift of every pair after it, and a fact moved elsewhere does not pull its paragraph out of line.
    """
    raw: list[tuple[Segment | None, Segment | None]] = []
    for ko_chunk, en_chunk in _best_pairing(_chunks(ko), _chunks(en), _chunk_similarity):
        ko_part: list[Segment] = ko_chunk or []
        en_part: list[Segment] = en_chunk or []
        pairs: list[tuple[Segment | None, Segment | None]] = _best_pairing(ko_part, en_part, _segment_similarity)
        raw.extend(pairs)
    return _number(raw)


def _chunks(found: list[Segment]) -> list[list[Segment]]:
    """The segments cut into sections: the text before the first heading, then each heading with
    what follows it, then the source notes."""
    chunks: list[list[Segment]] = [[]]
    for segment in found:
        if segment.kind == HEADING or (segment.kind == NOTE and chunks[-1] and chunks[-1][0].kind != NOTE):
            chunks.append([])
        chunks[-1].append(segment)
    return [chunk for chunk in chunks if chunk]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _marks(segments: list[Segment]) -> set[str]:
    return {f"f:{f}" for s in segments for f in s.facts} | {f"t:{t}" for s in segments for t in s.terms}


def _chunk_similarity(ko: list[Segment], en: list[Segment]) -> float | None:
    if (ko[0].kind, ko[0].level) != (en[0].kind, en[0].level):
        return None
    return _overlap(_marks(ko), _marks(en))


def _segment_similarity(ko: Segment, en: Segment) -> float | None:
    if (ko.kind, ko.level, len(ko.parts)) != (en.kind, en.level, len(en.parts)):
        return None
    return _overlap(_marks([ko]), _marks([en]))


_T = TypeVar("_T")
_GAP = -0.5  # what leaving an item unpaired costs; a pair of one kind gains 1 + its similarity (0..1)
_MAX_CELLS = 4_000_000  # beyond this many (a section of 2,000 segments in each edition), pair in order


def _best_pairing(ko: list[_T], en: list[_T],
                  similarity: Callable[[_T, _T], float | None]) -> list[tuple[_T | None, _T | None]]:
    """The in-order pairing with the best score (dynamic programming, as in sequence alignment):
    a pair of one kind gains 1 + similarity, an item left alone costs 0.5, items of different
    kinds never pair."""
    n, m = len(ko), len(en)
    if n * m > _MAX_CELLS:
        return list(zip(ko, en, strict=False)) + [(x, None) for x in ko[m:]] + [(None, x) for x in en[n:]]
    score = _scores(ko, en, similarity)
    out: list[tuple[_T | None, _T | None]] = []
    i, j = n, m
    while i or j:
        sim = similarity(ko[i - 1], en[j - 1]) if i and j else None
        if sim is not None and score[i][j] == score[i - 1][j - 1] + 1 + sim:
            out.append((ko[i - 1], en[j - 1]))
            i, j = i - 1, j - 1
        elif i and score[i][j] == score[i - 1][j] + _GAP:
            out.append((ko[i - 1], None))
            i -= 1
        else:
            out.append((None, en[j - 1]))
            j -= 1
    return out[::-1]


def _scores(ko: list[_T], en: list[_T], similarity: Callable[[_T, _T], float | None]) -> list[list[float]]:
    """The table of best scores: ``score[i][j]`` for the first i Korean and j English items."""
    n, m = len(ko), len(en)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        score[0][j] = score[0][j - 1] + _GAP
    for i in range(1, n + 1):
        score[i][0] = score[i - 1][0] + _GAP
        for j in range(1, m + 1):
            options = [score[i - 1][j] + _GAP, score[i][j - 1] + _GAP]
            if (sim := similarity(ko[i - 1], en[j - 1])) is not None:
                options.append(score[i - 1][j - 1] + 1 + sim)
            score[i][j] = max(options)
    return score


def _number(raw: list[tuple[Segment | None, Segment | None]]) -> list[Pair]:
    """Stable ids: the section of the pair (the Korean side's where both exist) and a count of
    its kind within that section."""
    counts: dict[tuple[str, str], int] = {}
    pairs = []
    for ko, en in raw:
        section = (ko or en).section  # type: ignore[union-attr]
        kind = (ko or en).kind  # type: ignore[union-attr]
        counts[(section, kind)] = counts.get((section, kind), 0) + 1
        short = _SHORT[kind]
        ident = f"s{section.replace('.', '-')}-{short}{counts[(section, kind)]}"
        pairs.append(Pair(ident, section, ko, en))
    return pairs


# ---------------------------------------------------------------- comparing aligned editions
# Words around a figure that change what it claims: an approximation or a status (planned,
# expected). Compared between editions within a few words of each printed figure.
APPROX_WORDS = {
    "ko": re.compile(r"(?<![가-힣])약(?=\s)|(?<=\d)여|이상|이하|가량|정도|남짓|가까이|안팎|넘는|넘게|미만|대략"),
    "en": re.compile(r"\b(?:about|around|approximately|roughly|nearly|almost|more than|at least|up to|"
                     r"fewer than|less than|close to|a little over)\b", re.IGNORECASE),
}
STATUS_WORDS = {
    # 것으로 only before a verb of expecting (접목하는 것으로 is a nominaliser); -게 되다 says what is to
    # happen (운영하게 된다); a verb's prospective form before its noun (입주할 오송, 들일 사업비).
    "ko": re.compile(r"계획|목표|예정|예상|전망|추정|기대(?=\s|되|된|하)|것으로\s*(?:전망|예상|기대|보|내다|추정|관측)|"
                     r"내다보|하겠다|추진 중|(?<=[가-힣])게 (?:된다|될|되었)|(?<=[가-힣])(?:할|될|일)(?=\s)"),
    "en": re.compile(r"\b(?:plan(?:s|ned)?|target(?:s|ed)?|expect(?:s|ed)?|forecast|projected|estimated?|"
                     r"was to|were to|would|will|aim(?:s|ed)?)\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class Difference:
    """Something the aligned editions do not share, found in a pair or across sections."""

    check: str  # FactPlacementMismatch, SegmentGap, ApproxMismatch, StatusMismatch, ClaimMismatch
    pair: Pair
    message: str
    lang: str  # the edition it is reported at ("ko", "en"): its template line; the other is named beside
    fact: str | None = None
    other: Pair | None = None  # for a placement: the pair holding the fact in the other edition


class _Roles(TreeVisitor[list[tuple[str, str]]]):
    """Each inline as (role, text) for one figure: "self" (this figure), "other" (another
    figure) or "prose"; a line break reads as a space, a note marker as nothing."""

    def visit_text(self, node: Text, fact_id: str) -> list[tuple[str, str]]:
        return [("self" if node.fact == fact_id else "other" if node.fact else "prose", node.text)]

    def visit_line_break(self, node: LineBreak, fact_id: str) -> list[tuple[str, str]]:
        return [("prose", " ")]

    def visit_footnote_ref(self, node: FootnoteRef, fact_id: str) -> list[tuple[str, str]]:
        return []


_ROLES = _Roles()


def _occurrences(segment: Segment, fact_id: str) -> Iterator[tuple[list[tuple[str, str]], int]]:
    """Each place ``fact_id`` is printed: the part's runs as (role, text) and the figure's index.
    Roles: "self" (this figure), "other" (another figure) or "prose"."""
    for part in segment.parts:
        runs: list[tuple[str, str]] = []
        for node in part:
            runs.extend(_ROLES.visit(node, fact_id=fact_id))
        for index, (role, _) in enumerate(runs):
            if role == "self":
                yield runs, index


def figure_context(segment: Segment, fact_id: str, lang: str) -> str:
    """The prose right beside each place ``fact_id`` is printed: where a word that qualifies the
    figure (이상, 남짓, about, at least) stands. The figure's own text is left out (the house style
    writes its approximation alike in both editions); the context stops at another figure and at
    . ; : ( ) so it does not read a neighbour's words."""
    before, after = _WINDOW[lang]
    out = []
    for runs, index in _occurrences(segment, fact_id):
        out.append(f"{_clause(runs[:index][::-1], True, before)} ~ {_clause(runs[index + 1:], False, after)}")
    return " … ".join(out)


def figure_sentences(segment: Segment, fact_id: str) -> str:
    """The sentences of ``segment`` that print ``fact_id`` (other figures' text left out)."""
    out = []
    for runs, index in _occurrences(segment, fact_id):
        text = "".join(t for role, t in runs[:index] if role == "prose")
        start = max((m.end() for m in _SENTENCE_END.finditer(text)), default=0)
        rest = "".join(t for role, t in runs[index + 1:] if role == "prose")
        stop = _SENTENCE_END.search(rest)
        out.append(text[start:] + " ~ " + (rest[:stop.start()] if stop else rest))
    return " … ".join(out)


_WINDOW = {"ko": (4, 6), "en": (16, 6)}  # characters read (before, after) a figure for approximation words
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def _clause(runs: list[tuple[str, str]], reverse: bool, limit: int) -> str:
    """Prose from the figure outward until another figure, a clause boundary or ``limit`` characters."""
    text = ""
    for role, run in runs:
        if role != "prose":
            break
        piece = run[::-1] if reverse else run
        stop = _CLAUSE_END.search(piece)
        text += piece[:stop.start()] if stop else piece
        if stop or len(text) >= limit:
            break
    text = text[:limit]
    return text[::-1] if reverse else text


def compare(pairs: list[Pair], statuses: dict[str, str] | None = None) -> list[Difference]:
    """Every difference between the aligned editions, in document order: structure gaps, facts
    placed in different sections, segments resting on different claims, and approximation or status words around a figure present in
    one edition only. ``statuses`` gives each fact's status (actual, forecast...)."""
    found: list[Difference] = []
    for pair in pairs:
        if pair.is_gap:
            side = "Korean" if pair.ko else "English"
            found.append(Difference("SegmentGap", pair, f"{pair.kind} {pair.id} is in the {side} edition only",
                                    "ko" if pair.ko else "en"))
    found.extend(_placements(pairs))
    for pair in pairs:
        if pair.ko is None or pair.en is None:
            continue
        found.extend(_support_differences(pair))
        for fact_id in (f for f in pair.ko.facts if f in pair.en.facts):
            found.extend(_around(pair, fact_id, (statuses or {}).get(fact_id)))
    return found


def _support_differences(pair: Pair) -> Iterator[Difference]:
    """The two editions of a segment resting on different claims, or one marked as the brief's
    own analysis and the other not: they no longer say the same thing on the same grounds."""
    assert pair.ko is not None and pair.en is not None
    ko, en = set(pair.ko.claims), set(pair.en.claims)
    if ko != en:
        only = "; ".join(f"only the {side} edition cites {', '.join(sorted(ids))}"
                         for side, ids in (("Korean", ko - en), ("English", en - ko)) if ids)
        yield Difference("ClaimMismatch", pair, f"{pair.kind} {pair.id} rests on different claims: {only}", "ko")
    if pair.ko.own != pair.en.own:
        side = "Korean" if pair.ko.own else "English"
        yield Difference("ClaimMismatch", pair, f"{pair.kind} {pair.id} is marked as the brief's own analysis "
                                                f"in the {side} edition only", "ko")


def _sections_of(pairs: list[Pair], lang: str) -> dict[str, list[Pair]]:
    where: dict[str, list[Pair]] = {}
    for pair in pairs:
        segment = pair.ko if lang == "ko" else pair.en
        if segment is None or segment.kind == NOTE:
            continue
        for fact_id in segment.facts:
            where.setdefault(fact_id, []).append(pair)
    return where


def _placements(pairs: list[Pair]) -> Iterator[Difference]:
    """A fact printed in a section of one edition but not in the matching section of the other."""
    ko, en = _sections_of(pairs, "ko"), _sections_of(pairs, "en")
    for fact_id in (f for f in ko if f in en):
        ko_sections = {p.section for p in ko[fact_id]}
        en_sections = {p.section for p in en[fact_id]}
        for lang, mine, theirs, others in (("Korean", ko_sections, en_sections, en[fact_id]),
                                           ("English", en_sections, ko_sections, ko[fact_id])):
            for pair in (ko if lang == "Korean" else en)[fact_id]:
                if pair.section in mine - theirs:
                    elsewhere = ", ".join(sorted(theirs))
                    yield Difference("FactPlacementMismatch", pair,
                                     f"fact '{fact_id}' is printed in section {pair.section} of the {lang} edition, "
                                     f"but in section {elsewhere} of the other", "ko" if lang == "Korean" else "en",
                                     fact_id, others[0])
                    mine = mine - {pair.section}


def _around(pair: Pair, fact_id: str, status: str | None) -> Iterator[Difference]:
    """Approximation words right beside the figure in one edition only; and, for a figure that is
    not an actual value (forecast, target, estimate), a status word in its sentence in one
    edition only."""
    assert pair.ko is not None and pair.en is not None
    checks = [("ApproxMismatch", APPROX_WORDS, "an approximation", figure_context(pair.ko, fact_id, "ko"),
               figure_context(pair.en, fact_id, "en"))]
    if status not in (None, "actual"):
        checks.append(("StatusMismatch", STATUS_WORDS, f"a word saying it is a {status}",
                       figure_sentences(pair.ko, fact_id), figure_sentences(pair.en, fact_id)))
    for check, words, what, ko_text, en_text in checks:
        ko_found, en_found = words["ko"].search(ko_text), words["en"].search(en_text)
        if bool(ko_found) != bool(en_found):
            side, found = ("Korean", ko_found) if ko_found else ("English", en_found)
            yield Difference(check, pair, f"around fact '{fact_id}' the {side} edition has {what} "
                                          f"('{found.group() if found else ''}'), the other does not", "ko", fact_id)
