"""The review page: both editions side by side, one table row per aligned segment, every figure
beside its fact and source quote.

One self-contained HTML file: styles, a few lines of script and the NanumGothic font (subset to
the page's characters, WOFF2, :mod:`wreport.render.fontsubset`) are inline, nothing is fetched. Without
script it still reads: the filters are radio buttons working through CSS ``:has()``, a figure
is a link to its fact card, and cards are ``<details>``. With script, clicking or focusing a
figure opens its card. Machine-readable marks: ``data-segment`` on each row, ``data-fact`` on
each printed figure, ``data-term`` on each glossary term (docs/review.md).
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape, unescape

from wreport import __version__
from wreport.render.document import FootnoteRef, Inline, LineBreak, Text, TreeVisitor
from wreport.render.fontsubset import font_face_css
from wreport.review.align import Pair, Segment
from wreport.review.model import ClaimCard, FactCard, QuoteInSource, Review
from wreport.review.signoff import SignoffState
from wreport.writers.html import wrap_run

FONT_FAMILY = "wreport NanumGothic"
SIGNOFF_LABELS = {"approved": "approved", "changed": "changed since approval", "unapproved": "never approved"}

_CSS = """
:root { --line: #c9ccd1; --warn: #fff4d6; --conflict: #fde2e1; --mark: #ffe066; }
* { box-sizing: border-box; }
body { font-family: "%(font)s", sans-serif; margin: 0; color: #1d1f23; font-size: 15px; line-height: 1.55; }
header { padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); background: #f6f7f9; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.counts { margin: .3rem 0; }
.counts span { margin-right: 1.2rem; }
fieldset { border: 1px solid var(--line); margin: .5rem 0 0; padding: .3rem .6rem; }
fieldset label { margin-right: .9rem; white-space: nowrap; }
table.review { border-collapse: collapse; width: 100%%; table-layout: fixed; }
table.review th, table.review td { border-bottom: 1px solid var(--line); padding: .45rem .6rem; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
table.review th { position: sticky; top: 0; background: #eef0f3; }
col.num { width: 5.5rem; } col.cards { width: 34%%; }
td.num { font-size: .8rem; color: #5a5f66; }
td.num b { display: block; font-size: .95rem; color: #1d1f23; }
td.num .where { display: block; font-size: .7rem; overflow-wrap: anywhere; }
td[lang="ko"] { word-break: keep-all; }
tr[data-kind="heading"] td.text { font-weight: bold; font-size: 1.05rem; }
tr[data-kind="row"] .cell + .cell::before { content: " | "; color: #8a8f96; }
tr[data-warning] td.num { background: var(--warn); }
.signoff { display: block; font-size: .75rem; margin-top: .2rem; padding: 0 .2rem; border-radius: 3px; }
.signoff.approved { background: #dff3e3; } .signoff.changed { background: var(--warn); font-weight: bold; }
.signoff.unapproved { background: #eceef1; }
tr[data-conflict] td.num { background: var(--conflict); }
td.gap { background: repeating-linear-gradient(45deg, #fafafa, #fafafa 6px, #f0f0f0 6px, #f0f0f0 12px);
  color: #8a8f96; font-style: italic; }
a.fig { color: inherit; text-decoration: none; border-bottom: 2px solid #3b6fd8; background: #eaf1ff; }
a.fig:focus { outline: 2px solid #3b6fd8; }
span.term { border-bottom: 1px dotted #6b7079; }
sup.note { color: #5a5f66; font-size: .7em; }
details.card { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 .4rem; padding: .2rem .5rem; }
details.card[open], details.card:target { background: #fbfcfe; border-color: #3b6fd8; }
p.own { margin: 0 0 .4rem; padding: .15rem .4rem; border-left: 3px solid #1d4e89; font-size: .85rem; font-style: italic; }
details.card.warning > summary::after { content: " ※"; }  /* not ⚠: NanumGothic has no such glyph */
summary { cursor: pointer; }
summary code { font-size: .8rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .6rem; margin: .3rem 0; font-size: .85rem; }
dt { color: #5a5f66; }
dd { margin: 0; }
blockquote.source { margin: .3rem 0; padding: .3rem .5rem; border-left: 3px solid #8a8f96; font-size: .88rem;
  background: #f6f7f9; }
mark { background: var(--mark); }
.conflict { background: var(--conflict); padding: .3rem .5rem; font-size: .85rem; margin: .3rem 0; }
.difference { background: var(--warn); padding: .2rem .5rem; font-size: .85rem; margin: 0 0 .3rem; }
ul.parts { margin: .2rem 0; padding-left: 1.1rem; font-size: .85rem; }
.terms { font-size: .85rem; }
%(filters)s
"""

_SCRIPT = """
(function () {
  function show(figure) {
    var card = document.getElementById(figure.getAttribute("href").slice(1));
    if (card) { card.open = true; }
  }
  document.addEventListener("click", function (event) {
    var figure = event.target.closest("a.fig");
    if (figure) { event.preventDefault(); show(figure); }
  });
  document.addEventListener("focusin", function (event) {
    var figure = event.target.closest("a.fig");
    if (figure) { show(figure); }
  });
})();
"""


def _filters_css(review: Review) -> str:
    """Hide rows by the checked radio button: no script needed (CSS :has)."""
    rules = ['body:has(#only-warnings:checked) tr[data-segment]:not([data-warning]) { display: none; }',
             'body:has(#only-conflicts:checked) tr[data-segment]:not([data-conflict]) { display: none; }']
    for state in SIGNOFF_LABELS:
        rules.append(f'body:has(#only-{state}:checked) tr[data-segment]:not([data-signoff="{state}"]) '
                     '{ display: none; }')
    for top in _top_sections(review):
        rules.append(f'body:has(#section-{top}:checked) tr[data-segment]:not([data-top="{top}"]) {{ display: none; }}')
    return "\n".join(rules)


def _top_sections(review: Review) -> list[str]:
    return list(dict.fromkeys(p.section.split(".")[0] for p in review.pairs))


class _Page(TreeVisitor[str]):
    """One walk over the review's pairs, writing the rows."""

    def __init__(self, review: Review):
        self.review = review

    # ------------------------------------------------------------ inline content
    def inlines(self, nodes: list[Inline], pair: Pair) -> str:
        return "".join(self.visit(node, pair=pair) for node in nodes)

    def visit_line_break(self, node: LineBreak, pair: Pair) -> str:
        return "<br>"

    def visit_footnote_ref(self, node: FootnoteRef, pair: Pair) -> str:
        return f'<sup class="note">{node.number}</sup>'

    def visit_text(self, node: Text, pair: Pair) -> str:
        """A run with its emphasis, as the HTML writer writes it (no link: a figure is a link to
        its card), inside its term and figure marks."""
        html = wrap_run(replace(node, link=None), escape(node.text, quote=False))
        if node.term:
            term = self.review.terms.get(node.term)
            names = f"{term.ko} / {term.en}" if term else node.term
            html = f'<span class="term" data-term="{escape(node.term)}" title="{escape(names)}">{html}</span>'
        if node.fact:
            html = (f'<a class="fig" data-fact="{escape(node.fact)}" href="#{_card_id(pair, node.fact)}">'
                    f"{html}</a>")
        return html

    def segment(self, segment: Segment | None, pair: Pair, lang: str) -> str:
        if segment is None:
            other = "English" if lang == "ko" else "Korean"
            return f'<td class="text gap" lang="en">not in this edition (only in the {other})</td>'
        cells = "".join(f'<span class="cell">{self.inlines(part, pair)}</span>' for part in segment.parts)
        return f'<td class="text" lang="{lang}">{cells}</td>'

    # ------------------------------------------------------------ cards
    def cards(self, pair: Pair) -> str:
        parts = [f'<p class="difference" data-check="{d.check}">{escape(d.message)}</p>'
                 for d in self.review.differences_of(pair)]
        if pair.own:
            parts.append('<p class="own" data-own>the brief\'s own analysis or recommendation, not a source\'s '
                         'statement</p>')
        for fact_id in pair.facts:
            parts.append(self.card(self.review.facts[fact_id], _card_id(pair, fact_id)))
        parts.extend(_claim_card(self.review.claims[claim_id]) for claim_id in pair.claims)
        if pair.terms:
            items = "".join(self.term(t) for t in pair.terms)
            parts.append(f'<details class="terms"><summary>{len(pair.terms)} glossary terms</summary>'
                         f"<ul>{items}</ul></details>")
        return "".join(parts)

    def card(self, card: FactCard, card_id: str) -> str:
        fact = card.fact
        warning = " warning" if card.warning else ""
        summary = (f'<summary><code>{escape(fact.id)}</code> <span lang="ko">{escape(card.ko)}</span> · '
                   f'{escape(card.en)}</summary>')
        return (f'<details class="card{warning}" id="{card_id}" data-fact-card="{escape(fact.id)}">{summary}'
                f"{self.card_body(card)}</details>")

    def card_body(self, card: FactCard) -> str:
        fact = card.fact
        value = f"{fact.value} {fact.unit}" + (f" ({fact.counted})" if fact.counted else "")
        rows = [("label", f'<span lang="ko">{escape(fact.label_ko)}</span><br>{escape(fact.label_en)}'),
                ("stored value", escape(value)),
                ("period" if fact.period else "as of", escape(fact.when or "—")),
                ("approximation", escape(fact.approx)), ("status", escape(fact.status))]
        if fact.source:
            source = (f'<span lang="ko">{escape(card.source_title)}</span> '
                      f"({escape(card.source_title_en)}), {escape(card.source_date)}")
            rows.append(("source", source))
        body = "<dl>" + "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in rows) + "</dl>"
        if card.quote is not None:
            body += _quote(card.quote)
        if fact.derived:
            parts = "".join(f"<li><code>{escape(p.fact.id)}</code> = {escape(p.en)} ({escape(p.fact.label_en)})"
                            f"{_quote(p.quote) if p.quote else ''}</li>" for p in card.parts)
            body += f'<p class="formula">derived: <code>{escape(str(fact.derived))}</code></p><ul class="parts">{parts}</ul>'
        for conflict_id, others, note in card.conflicts:
            body += (f'<div class="conflict"><b>conflict {escape(conflict_id)}</b> with '
                     f"{escape(', '.join(others))}: {escape(note)}</div>")
        if fact.note:
            body += f'<p class="note">{escape(fact.note)}</p>'
        return body

    def term(self, term_id: str) -> str:
        term = self.review.terms[term_id]
        extra = "".join(f" · {escape(x)}" for x in (term.abbr, term.kind) if x)
        notes = f"<br>{escape(term.notes)}" if term.notes else ""
        return (f'<li data-term-card="{escape(term_id)}"><span lang="ko">{escape(term.ko)}</span> — '
                f"{escape(term.en)}{extra}{notes}</li>")

    # ------------------------------------------------------------ rows
    def row(self, number: int, pair: Pair) -> str:
        attrs = [f'data-segment="{pair.id}"', f'id="{pair.id}"', f'data-kind="{pair.kind}"',
                 f'data-section="{pair.section}"', f'data-top="{pair.section.split(".")[0]}"']
        if self.review.has_warning(pair):
            attrs.append("data-warning")
        if self.review.has_conflict(pair):
            attrs.append("data-conflict")
        if pair.is_gap:
            attrs.append("data-gap")
        if pair.own:
            attrs.append("data-own")
        signoff = self.review.signoffs.get(pair.id)
        if signoff is not None:
            attrs.append(f'data-signoff="{signoff.state}"')
        where = "".join(f'<span class="where" title="{escape(place)}">{escape(place.rsplit("/", 1)[-1])}</span>'
                        for lang in ("ko", "en") if (place := self.review.template_line(pair, lang)))
        return (f"<tr {' '.join(attrs)}><td class=\"num\"><b>{escape(pair.section)}</b>{number}. {pair.kind}"
                f"{where}{_signoff_label(signoff)}</td>"
                f"{self.segment(pair.ko, pair, 'ko')}{self.segment(pair.en, pair, 'en')}"
                f'<td class="cards">{self.cards(pair)}</td></tr>')


def _signoff_label(signoff: SignoffState | None) -> str:
    """The row's sign-off state under its number (nothing where the review has no states: the preview)."""
    if signoff is None:
        return ""
    who = f" ({escape(signoff.by)}, {signoff.date})" if signoff.by else ""
    return f'<span class="signoff {signoff.state}">{SIGNOFF_LABELS[signoff.state]}{who}</span>'


def _card_id(pair: Pair, fact_id: str) -> str:
    return f"card-{pair.id}-{fact_id}"


def _claim_card(card: ClaimCard) -> str:
    """A claim the segment rests on: what it asserts, its source, and the quote in its sentence
    with the sentence before and after it (open: a claim has no figure to click)."""
    claim = card.claim
    rows = [("asserts", f'<span lang="ko">{escape(claim.what_ko)}</span><br>{escape(claim.what_en)}')]
    rows += [(name, escape(value)) for name, value in (("date", claim.date), ("status", claim.status),
                                                        ("scope", claim.scope)) if value]
    rows.append(("source", f'<span lang="ko">{escape(card.source_title)}</span> ({escape(card.source_title_en)}), '
                           f"{escape(card.source_date)}"))
    body = "<dl>" + "".join(f"<dt>{name}</dt><dd>{text}</dd>" for name, text in rows) + "</dl>"
    quote = _quote(card.quote) if card.quote is not None else ""
    return (f'<details class="card claim" open data-claim-card="{escape(claim.id)}"><summary>claim '
            f"<code>{escape(claim.id)}</code></summary>{body}{quote}</details>")


def _quote(quote: QuoteInSource) -> str:
    if not quote.found:
        return f'<blockquote class="source">quote not found in the source: “{escape(quote.quote)}”</blockquote>'
    return (f'<blockquote class="source" lang="ko">{escape(quote.before)}<mark class="quote">{escape(quote.quote)}'
            f"</mark>{escape(quote.after)}</blockquote>")


def render_review_html(review: Review) -> str:
    """The review page for one audience, as one self-contained HTML document."""
    page = _Page(review)
    rows = "\n".join(page.row(number, pair) for number, pair in enumerate(review.pairs, start=1))
    titles = {lang: review.audience.editions[lang].title for lang in review.editions}
    figures = sum(len([n for s in (p.ko, p.en) if s for part in s.parts for n in part
                       if isinstance(n, Text) and n.fact]) for p in review.pairs)
    warnings = sum(review.has_warning(p) for p in review.pairs)
    conflicts = sum(review.has_conflict(p) for p in review.pairs)
    gaps = sum(p.is_gap for p in review.pairs)
    signed = "".join(f'<span data-count="{state}">{sum(review.signoffs[p.id].state == state for p in review.pairs)} '
                     f"{label}</span>" for state, label in SIGNOFF_LABELS.items()) if review.signoffs else ""
    sign_filters = "".join(f'<label><input type="radio" name="show" id="only-{state}"> {label}</label>'
                           for state, label in SIGNOFF_LABELS.items()) if review.signoffs else ""
    counts = (f'<p class="counts"><span data-count="segments">{len(review.pairs)} segments</span>'
              f'<span data-count="figures">{figures} printed figures of {len(review.facts)} facts</span>'
              f'<span data-count="terms">{len(review.terms)} glossary terms</span>'
              f'<span data-count="warnings">{warnings} segments with warnings</span>'
              f'<span data-count="conflicts">{conflicts} with conflicts</span>'
              f'<span data-count="gaps">{gaps} gaps</span>{signed}</p>')
    sections = "".join(f'<label><input type="radio" name="section" id="section-{top}"> {top}</label>'
                       for top in _top_sections(review))
    filters = ('<form class="filters" onsubmit="return false">'
               '<fieldset><legend>Show</legend>'
               '<label><input type="radio" name="show" id="only-all" checked> all segments</label>'
               '<label><input type="radio" name="show" id="only-warnings"> segments with warnings</label>'
               '<label><input type="radio" name="show" id="only-conflicts"> segments with conflicts</label>'
               f'{sign_filters}</fieldset><fieldset><legend>Section</legend>'
               f'<label><input type="radio" name="section" id="section-all" checked> all</label>{sections}'
               "</fieldset></form>")
    heading = " / ".join(escape(t) for t in titles.values())
    header = (f"<header><h1>Review: {heading}</h1><p>Audience <code>{escape(review.audience.name)}</code>, "
              f"content date {review.audience.date.isoformat()}. Click or focus a figure to see its fact and "
              f"source quote.</p>{counts}{filters}</header>")
    table = ('<table class="review"><colgroup><col class="num"><col><col><col class="cards"></colgroup>'
             '<thead><tr><th scope="col">#</th><th scope="col" lang="ko">한국어</th><th scope="col">English</th>'
             f'<th scope="col">Figures and sources</th></tr></thead><tbody>\n{rows}\n</tbody></table>')
    body = f"{header}\n<main>{table}</main>"
    text = unescape(re.sub(r"<[^>]*>", "", body)) + "".join(titles.values()) + "※·—"
    css = _CSS % {"font": FONT_FAMILY, "filters": _filters_css(review)}
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Review: {heading}</title>\n<meta name=\"generator\" content=\"wreport {__version__}\">\n"
            f"<style>\n{font_face_css(FONT_FAMILY, text)}\n{css}</style>\n</head>\n<body>\n{body}\n"
            f"<script>{_SCRIPT}</script>\n</body>\n</html>\n")
