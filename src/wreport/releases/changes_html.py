"""The change page: what changed in an audience since a release, both editions aligned.

One self-contained HTML file, like the review page (styles and the NanumGothic subset inline,
nothing fetched, no script): the counts; the changes made in one edition only
(``ChangeParity``); each changed figure with its old and new value, what changed (value, date,
source...), its fact and its source quote; changed claims and sign-offs no longer valid; then the
two editions side by side, section by section, each changed segment with its deleted words in
``<del>`` and its inserted words in ``<ins>``, and each section without a change folded in a
``<details>``. Marks for scripts: ``data-pair``/``data-status`` on rows, ``data-fact`` on figures.
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from typing import Any

from wreport import __version__
from wreport.releases.diff import CHANGED, LANG_NAMES, REMOVED, AudienceDiff, FactChange, SegmentChange
from wreport.render.document import FootnoteRef, Inline, LineBreak, Text
from wreport.render.fontsubset import font_face_css
from wreport.review.align import HEADING, Segment

FONT_FAMILY = "wreport NanumGothic"
_CSS = """
body { font-family: "%s", sans-serif; margin: 0; color: #1d1f23; font-size: 15px; line-height: 1.55; }
header, section.block { padding: .8rem 1.5rem; }
header { border-bottom: 1px solid #c9ccd1; background: #f6f7f9; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
th, td { border-bottom: 1px solid #c9ccd1; padding: .4rem .6rem; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
td[lang="ko"] { word-break: keep-all; }
ins { background: #d8f5d0; text-decoration: underline; } del { background: #fde2e1; color: #8a1c1c; }
tr[data-status="added"] td.num, tr[data-status="changed"] td.num, tr[data-status="removed"] td.num
  { background: #fff4d6; }
td.num { width: 6rem; font-size: .8rem; color: #5a5f66; } td.num span { display: block; font-size: .7rem; }
tr[data-kind="heading"] td { font-weight: bold; }
details { margin: 0 0 .3rem; } summary { cursor: pointer; color: #5a5f66; }
blockquote { margin: .2rem 0; padding: .2rem .5rem; border-left: 3px solid #8a8f96; background: #f6f7f9; }
li.fix { color: #5a5f66; }
"""


def _inlines(nodes: list[Inline]) -> str:
    """Runs as HTML: inserted words in ``<ins>``, deleted ones in ``<del>``, note markers raised."""
    out = []
    for node in nodes:
        if isinstance(node, Text):
            text = escape(node.text)
            out.append(f"<{node.change}>{text}</{node.change}>" if node.change in ("ins", "del") else text)
        elif isinstance(node, FootnoteRef):
            marker = f"<sup>{node.number}</sup>"
            out.append(f"<{node.change}>{marker}</{node.change}>" if node.change in ("ins", "del") else marker)
        elif isinstance(node, LineBreak):
            out.append("<br>")
    return "".join(out)


def _parts(parts: list[list[Inline]]) -> str:
    """A segment's parts (a row's cells) as HTML, cells apart by a bar."""
    return " | ".join(_inlines(part) for part in parts)


class _Page:
    """The aligned rows of one audience's diff."""

    def __init__(self, diff: AudienceDiff):
        self.diff = diff
        self.by_new = {lang: {c.new: c for c in found if c.new is not None} for lang, found in diff.changes.items()}
        self.removed = {lang: [c for c in found if c.status == REMOVED] for lang, found in diff.changes.items()}
        self.rows = self._removed_rows()

    def cell(self, lang: str, index: int | None) -> tuple[str, str, str]:
        """A new segment's cell: its text with marks, its status and template line."""
        if index is None:
            return "", "", ""
        change = self.by_new.get(lang, {}).get(index)
        segment = self.diff.new.segments[lang][index]
        html = _parts(change.parts) if change else _parts(segment.parts)
        return html, change.status if change else "", self.diff.new.where[lang][index]

    def pair_row(self, pid: str, ko: int | None, en: int | None) -> tuple[str, str, bool]:
        """A row of the aligned editions, its section, and whether anything in it changed."""
        cells = {"ko": self.cell("ko", ko), "en": self.cell("en", en)}
        statuses = {status for _, status, _ in cells.values() if status}
        status = CHANGED if len(statuses) > 1 else (statuses.pop() if statuses else "unchanged")
        first = self._segment(ko, en)
        where = "".join(f"<span>{escape(w)}</span>" for _, _, w in cells.values() if w)
        row = (f'<tr data-pair="{escape(pid)}" data-status="{status}" data-kind="{first.kind}">'
               f'<td class="num">{escape(pid)}{where}</td><td lang="ko">{cells["ko"][0]}</td>'
               f'<td lang="en">{cells["en"][0]}</td></tr>')
        return row, first.section, status != "unchanged"

    def removed_row(self, pid: str, ko: SegmentChange | None, en: SegmentChange | None) -> str:
        """A pair of the old editions whose Korean or English segment (or both) went, deleted."""
        cells, where = [], []
        for lang, change in (("ko", ko), ("en", en)):
            cells.append(f'<td lang="{lang}">{_parts(change.parts) if change else ""}</td>')
            if change is not None and change.old is not None:
                where.append(f"<span>{escape(self.diff.old.where[lang][change.old])}</span>")
        kind = next(self.diff.old.segments[c.lang][c.old].kind for c in (ko, en) if c and c.old is not None)
        return (f'<tr data-pair="{escape(pid)}" data-status="removed" data-kind="{kind}"><td class="num">'
                f'{escape(pid)}{"".join(where)}</td>{"".join(cells)}</tr>')

    def _removed_rows(self) -> dict[tuple[str, int | None], list[str]]:
        """The removed rows by where they go: after the new segment (edition, index) that the
        removed English segment (else the Korean one) followed."""
        gone = {lang: {c.old: c for c in found} for lang, found in self.removed.items()}
        rows: dict[tuple[str, int | None], list[str]] = {}
        for pid, ko, en in self.diff.old.pairs:
            ko_change = gone.get("ko", {}).get(ko) if ko is not None else None
            en_change = gone.get("en", {}).get(en) if en is not None else None
            anchor = en_change or ko_change
            if anchor is not None:
                rows.setdefault((anchor.lang, anchor.after), []).append(self.removed_row(pid, ko_change, en_change))
        return rows

    def removed_after(self, lang: str, index: int | None) -> list[str]:
        """The removed rows that go after new segment ``index`` of edition ``lang``."""
        return self.rows.get((lang, index), [])

    def sections(self) -> str:
        """The aligned editions, a block per section; a section without a change folded away."""
        groups: list[tuple[str, str, list[str], bool]] = []  # (section, title, rows, changed)
        start = self.removed_after("ko", None) + self.removed_after("en", None)
        if start:
            groups.append(("0", "", start, True))
        for pid, ko, en in self.diff.new.pairs:
            row, section, changed = self.pair_row(pid, ko, en)
            extra = self.removed_after("ko", ko) if ko is not None else []
            extra += self.removed_after("en", en) if en is not None else []
            if not groups or groups[-1][0] != section:
                groups.append((section, self._title(ko, en), [], False))
            name, title, rows, was = groups[-1]
            groups[-1] = (name, title, [*rows, row, *extra], was or changed or bool(extra))
        return "\n".join(self._group(*group) for group in groups)

    def _segment(self, ko: int | None, en: int | None) -> Segment:
        """A pair's English segment, or its Korean one when it has none (a pair has one at least)."""
        if en is not None:
            return self.diff.new.segments["en"][en]
        assert ko is not None
        return self.diff.new.segments["ko"][ko]

    def _title(self, ko: int | None, en: int | None) -> str:
        segment = self._segment(ko, en)
        return segment.text if segment.kind == HEADING else ""

    @staticmethod
    def _group(section: str, title: str, rows: list[str], changed: bool) -> str:
        """A section's rows, folded in a ``<details>`` when nothing in it changed."""
        table = '<table><tbody>' + "".join(rows) + "</tbody></table>"
        label = f"§ {escape(section)} {escape(title)}".strip()
        if changed:
            return f'<section class="block" data-section="{escape(section)}"><h2>{label}</h2>{table}</section>'
        return (f'<section class="block" data-section="{escape(section)}"><details><summary>{label}: unchanged'
                f"</summary>{table}</details></section>")


def _fact_row(change: FactChange) -> str:
    """A changed figure: its old and new value as printed, what changed, and its source quote."""
    old, new = change.old or {}, change.new or {}
    label = escape(new.get("label_en") or old.get("label_en", ""))
    sides = [("", new or old)]
    if new and old and (old.get("quote"), old.get("source")) != (new.get("quote"), new.get("source")):
        sides.append(("before: ", old))
    quotes = "".join(f'<small>{escape(when)}{escape(side["source"])} — {escape(side.get("source_title", ""))}'
                     f'</small><blockquote lang="ko">{escape(side.get("quote", ""))}</blockquote>'
                     if side.get("source") else f"<small>{escape(when)}worked out from other facts (no quote of its own)</small>"
                     for when, side in sides)
    return (f'<tr data-fact="{escape(change.id)}" data-status="{change.status}"><td><code>{escape(change.id)}</code>'
            f"<br>{label}</td><td><del>{escape(old.get('en', ''))}</del><br><del lang=\"ko\">{escape(old.get('ko', ''))}"
            f"</del></td><td><ins>{escape(new.get('en', ''))}</ins><br><ins lang=\"ko\">{escape(new.get('ko', ''))}</ins>"
            f"</td><td>{escape(', '.join(change.fields))}</td><td>{quotes}</td></tr>")


def _lists(diff: AudienceDiff) -> str:
    """Parity findings, changed figures, changed claims and sign-offs no longer valid."""
    parity = "".join(f'<li data-check="ChangeParity"{" class=fix" if p.translation_fix else ""}>'
                     f"{escape(p.message)}</li>" for p in diff.parity)
    facts = "".join(_fact_row(change) for change in diff.facts)
    claims = "".join(f'<li data-pair="{escape(pid)}"><del>{escape(_json(old))}</del> <ins>{escape(_json(new))}</ins></li>'
                     for pid, old, new in diff.claims)
    signoffs = "".join(f"<li>{escape(pid)}</li>" for pid in diff.signoffs)
    out = [f'<section class="block" id="parity"><h2>Changed in one edition only</h2><ul>{parity}</ul></section>'
           if parity else ""]
    if facts:
        out.append('<section class="block" id="facts"><h2>Changed figures</h2><table><thead><tr><th>Fact</th>'
                   "<th>Before</th><th>Now</th><th>What changed</th><th>Source</th></tr></thead>"
                   f"<tbody>{facts}</tbody></table></section>")
    if claims:
        out.append(f'<section class="block" id="claims"><h2>Changed claims</h2><ul>{claims}</ul></section>')
    if signoffs:
        out.append(f'<section class="block" id="signoffs"><h2>Sign-offs no longer valid</h2><ul>{signoffs}</ul></section>')
    return "\n".join(out)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def render_changes_html(diff: AudienceDiff, titles: dict[str, str], since: str, until: str) -> str:
    """The change page of one audience from release ``since`` to ``until`` (a release or "the
    working project"), as one self-contained HTML document."""
    counts = "".join(f"<li>{LANG_NAMES[lang]}: " + ", ".join(f'<span data-count="{lang}-{k}">{v} {k}</span>'
                                                               for k, v in diff.counts(lang).items()) + "</li>"
                     for lang in diff.changes)
    heading = " / ".join(escape(t) for t in titles.values())
    header = (f"<header><h1>Changes: {heading}</h1><p>Audience <code>{escape(diff.audience)}</code>, from release "
              f"<code>{escape(since)}</code> to {escape(until)}. Segments:</p><ul>{counts}</ul>"
              f"<p>{_count(len(diff.facts), 'figure')} changed, {_count(len(diff.parity), 'change')} made in one "
              "edition only.</p></header>")
    body = f"{header}\n<main>{_lists(diff)}\n{_Page(diff).sections()}</main>"
    text = unescape(re.sub(r"<[^>]*>", "", body)) + "".join(titles.values()) + "§—"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Changes: {heading}</title>\n<meta name=\"generator\" content=\"wreport {__version__}\">\n"
            f"<style>\n{font_face_css(FONT_FAMILY, text)}\n{_CSS % FONT_FAMILY}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")

