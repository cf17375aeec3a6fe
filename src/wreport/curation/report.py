"""What ``wreport facts candidates`` and ``wreport facts coverage`` print.

Candidates come as a text table (one mention a line), JSON (an array of objects for other tools:
``source``, ``line``, ``text``, ``value`` as a decimal string in the base unit, ``unit``,
``counter``, ``noun``, ``approx``, ``sentence``, ``covered_by``, ``set_aside``) or YAML draft fact
entries for the mentions still open, to paste into facts.yaml and finish (the loader refuses a
draft until its label, date and status are filled in).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from wreport.curation.coverage import Status, by_source
from wreport.curation.importing import yaml_scalar
from wreport.curation.mentions import Mention
from wreport.data.facts import APPROX
from wreport.data.glossary import Glossary
from wreport.inputs.text import squash_spaces

#: How a proposed approximation is written in a draft fact while the schema lacks it (today's
#: docs/facts.md: 여/이상 → more-than); the others stay in the template's words. Once the schema
#: has a name (facts.APPROX), the draft uses it.
_DRAFT_APPROX = {"at-least": "more-than", "over": "more-than", "less-than": "none", "nearly": "none",
                 "at-most": "none"}
_QUOTE_BEFORE, _QUOTE_AFTER = 40, 25


def decimal_text(value: Decimal) -> str:
    """An exact decimal as a plain string, no exponent: 4.35E+8 → '435000000', 10.90 → '10.9'."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def candidate_record(status: Status) -> dict[str, Any]:
    m = status.mention
    return {"source": m.source, "line": m.line, "text": m.text, "value": decimal_text(m.value), "unit": m.unit,
            "counter": m.counter, "noun": m.noun, "approx": m.approx, "sentence": m.sentence,
            "covered_by": status.covered_by,
            "set_aside": status.set_aside.reason if status.set_aside else None}


def candidates_json(statuses: list[Status]) -> str:
    return json.dumps([candidate_record(s) for s in statuses], ensure_ascii=False, indent=2) + "\n"


def candidates_text(statuses: list[Status]) -> str:
    lines = []
    for source, items in by_source(statuses).items():
        lines.append(f"{source}: {len(items)} mentions")
        for status in items:
            m = status.mention
            unit = m.unit or "?"
            if m.counter:
                unit += f" ({m.counter}, {m.noun})" if m.noun else f" ({m.counter})"
            state = (f"covered by {status.covered_by}" if status.covered_by else
                     f"set aside: {status.set_aside.reason}" if status.set_aside else "OPEN")
            approx = f" {m.approx}" if m.approx else ""
            lines.append(f"  line {m.line}: {m.text} = {decimal_text(m.value)} {unit}{approx} -- {state}")
            if status.is_open:
                lines.append(f"      {m.sentence}")
    return "\n".join(lines) + "\n"


def draft_quote(mention: Mention, text: str) -> str:
    """Words around the mention, copied from its line(s) of the source, cut at spaces: a quote the
    loader will find (whitespace aside) that the curator shortens to what the figure is of."""
    begin = max(text.rfind("\n", 0, mention.start) + 1, mention.start - _QUOTE_BEFORE, 0)
    finish = text.find("\n", mention.end)
    finish = min(finish if finish >= 0 else len(text), mention.end + _QUOTE_AFTER)
    if begin > 0 and not text[begin - 1].isspace():
        space = text.find(" ", begin, mention.start)
        begin = space + 1 if space >= 0 else begin
    if finish < len(text) and not text[finish].isspace():
        space = text.rfind(" ", mention.end, finish)
        finish = space if space >= 0 else finish
    return squash_spaces(text[begin:finish])


def candidates_yaml(statuses: list[Status], texts: dict[str, str], glossary: Glossary | None) -> str:
    """Draft fact entries for the open mentions, grouped by source, each after a comment holding
    its line and sentence."""
    out = ["# Draft facts from `wreport facts candidates --format yaml`: check each value against its",
           "# sentence, fill in label, period or as_of, and status, shorten the quote, rename the id,",
           "# then paste under `facts:` in facts.yaml (docs/facts.md, docs/curation.md).", "facts:"]
    for source, items in by_source([s for s in statuses if s.is_open]).items():
        out.append(f"  # ---- {source}")
        for number, status in enumerate(items, 1):
            out += _draft(status.mention, number, texts[source], glossary)
    if len(out) == 4:
        out[-1] = "facts: []  # nothing open: every mention is covered by a fact or set aside"
    return "\n".join(out) + "\n"


def _draft(m: Mention, number: int, text: str, glossary: Glossary | None) -> list[str]:
    value = decimal_text(m.value)
    if "." not in value and len(value) > 4:
        value = f"{int(value):_}"
    lines = [f"  # line {m.line}: {m.sentence}",
             f"  - id: {m.source.replace('-', '_')}_{m.line}_{number}",
             f"    value: {yaml_scalar(value)}"]
    if m.unit in (None, "times"):
        why = "'배' has no fact unit: a growth or ratio is a derived percent" if m.unit else \
            "a bare number: the table or page says its unit"
        lines.append(f'    unit: ""  # {why}')
    else:
        lines.append(f"    unit: {m.unit}")
    if m.unit == "count":
        nouns = [t.id for t in glossary.terms if t.is_counted_noun and t.ko_counter == m.counter] if glossary else []
        hint = f"glossary nouns counted with {m.counter}: {', '.join(nouns)}" if nouns else \
            f"add a counted noun with counter {m.counter} to the glossary"
        lines.append(f'    counted: ""  # {m.noun or "?"}; {hint}')
    approx = m.approx or "none"
    if approx in APPROX:
        lines.append(f"    approx: {approx}")
    else:
        lines.append(f"    approx: {_DRAFT_APPROX[approx]}  # the source says {approx} (no schema name yet)")
    lines += ['    period: ""  # or as_of:, resolved against the source date', '    status: ""',
              '    label: {ko: "", en: ""}', f"    source: {m.source}",
              f"    quote: {yaml_scalar(draft_quote(m, text))}", ""]
    return lines


def coverage_text(statuses: list[Status]) -> str:
    """Per source: covered / set aside / open counts, then each open mention with its sentence."""
    lines = []
    totals = [0, 0, 0]
    for source, items in by_source(statuses).items():
        counts = [sum(1 for s in items if s.covered_by), sum(1 for s in items if s.set_aside),
                  sum(1 for s in items if s.is_open)]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        lines.append(f"{source}: {len(items)} mentions, {counts[0]} covered, {counts[1]} set aside, {counts[2]} open")
        for status in items:
            if status.is_open:
                m = status.mention
                lines.append(f"  open, line {m.line}: {m.text}  | {m.sentence}")
    lines.append(f"total: {sum(totals)} mentions, {totals[0]} covered by facts, {totals[1]} set aside, "
                 f"{totals[2]} open")
    return "\n".join(lines) + "\n"
