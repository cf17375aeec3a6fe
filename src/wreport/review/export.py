"""The review as JSON (``wreport review --format json``), for CI and other tools.

The same model as the page and the DOCX (:mod:`wreport.review.model`), written as data: one
object per aligned segment with its text, figures, sources, quotes, differences and sign-off
state. docs/review.md documents every key; ``FORMAT_VERSION`` changes when a key changes meaning
or goes away (new keys may be added without a new version).
"""

from __future__ import annotations

import json
from typing import Any

from wreport.review.align import Pair
from wreport.review.model import ClaimCard, FactCard, Review
from wreport.review.signoff import UNAPPROVED, SignoffState

FORMAT_VERSION = 1


def _fact(card: FactCard) -> dict[str, Any]:
    """A printed figure: the fact, the text each edition prints, its source and quote."""
    fact = card.fact
    quote = card.quote
    return {
        "id": fact.id, "ko": card.ko, "en": card.en, "value": str(fact.value), "unit": fact.unit,
        "when": fact.when or None, "approx": fact.approx, "status": fact.status,
        "source": fact.source, "source_title": card.source_title or None, "source_date": card.source_date or None,
        "quote": fact.quote,
        "quote_found": quote.found if quote is not None else None,
        "quote_sentence": (quote.before + quote.quote + quote.after) if quote is not None and quote.found else None,
        "derived_from": [part.fact.id for part in card.parts],
        "conflicts": [{"id": cid, "with": others, "note": note} for cid, others, note in card.conflicts],
    }


def _claim(card: ClaimCard) -> dict[str, Any]:
    """A claim the segment rests on: what it asserts, its source, and its quote in its source sentence."""
    claim, quote = card.claim, card.quote
    return {
        "id": claim.id, "ko": claim.what_ko, "en": claim.what_en, "date": claim.date, "status": claim.status,
        "scope": claim.scope, "source": claim.source, "source_title": card.source_title or None,
        "source_date": card.source_date or None, "quote": claim.quote,
        "quote_found": quote.found if quote is not None else None,
        "quote_sentence": (quote.before + quote.quote + quote.after) if quote is not None and quote.found else None,
    }


def _segment(review: Review, pair: Pair) -> dict[str, Any]:
    """One aligned segment as JSON-ready data."""
    signoff = review.signoffs.get(pair.id, SignoffState(UNAPPROVED))
    return {
        "id": pair.id, "section": pair.section, "kind": pair.kind,
        "ko": pair.ko.text if pair.ko else None, "en": pair.en.text if pair.en else None,
        "template": {"ko": review.template_line(pair, "ko") or None, "en": review.template_line(pair, "en") or None},
        "facts": [_fact(review.facts[f]) for f in pair.facts if f in review.facts],
        "claims": [_claim(review.claims[c]) for c in pair.claims if c in review.claims],
        "own_analysis": pair.own,
        "terms": [{"id": t, "ko": review.terms[t].ko, "en": review.terms[t].en} for t in pair.terms],
        "differences": [{"check": d.check, "message": d.message, "fact": d.fact} for d in review.differences_of(pair)],
        "warning": review.has_warning(pair),
        "signoff": {"state": signoff.state, "by": signoff.by or None, "date": signoff.date or None},
    }


def render_review_json(review: Review) -> str:
    """The review of one audience as a JSON document (UTF-8 text, keys in a fixed order)."""
    data = {
        "format": "wreport-review", "version": FORMAT_VERSION,
        "audience": review.audience.name, "content_date": review.audience.date.isoformat(),
        "languages": list(review.editions),
        "segments": [_segment(review, pair) for pair in review.pairs],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
