"""The review as a Word file: one table, one row per aligned segment, for comments in Word or LibreOffice.

Columns: the segment's number (section and id), the Korean text, the English text, and the
figures it prints with their values, sources and verbatim quotes (the quoted words highlighted
inside their source sentence). Figures in the text are bold. Deterministic like the briefs'
DOCX (fixed ZIP times, dates from the audience's content date).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import docx.styles.style
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from wreport.render.document import FootnoteRef, Inline, LineBreak, Text, TreeVisitor
from wreport.review.align import Pair, Segment
from wreport.review.model import ClaimCard, FactCard, QuoteInSource, Review
from wreport.writers import ooxml
from wreport.writers.docx import EMBEDDED_FONT, embed_bundled_font, normalise_zip

HEADERS = ("#", "한국어", "English", "Figures and sources")
WIDTHS = (Cm(2.2), Cm(8.4), Cm(8.4), Cm(8.7))


def render_review_docx(review: Review) -> bytes:
    """The review table as the bytes of a .docx file."""
    word = docx.Document()
    _page_setup(word)
    titles = " / ".join(review.audience.editions[lang].title for lang in review.editions)
    word.add_heading(f"Review: {titles}", level=1)
    word.add_paragraph(f"Audience {review.audience.name}, content date {review.audience.date.isoformat()}: "
                       f"{len(review.pairs)} segments, {len(review.facts)} facts, {len(review.terms)} glossary terms.")
    table = word.add_table(rows=1, cols=len(HEADERS))
    table.style = word.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS, strict=True):  # the grid LibreOffice lays out by
        column.width = width
    for cell, text, width in zip(table.rows[0].cells, HEADERS, WIDTHS, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    header = ooxml.xml_of(table.rows[0]).get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for pair in review.pairs:
        cells = table.add_row().cells
        for cell, width in zip(cells, WIDTHS, strict=True):
            cell.width = width
        where = "".join(f"\n{place.rsplit('/', 1)[-1]}" for lang in ("ko", "en")
                        if (place := review.template_line(pair, lang)))
        cells[0].paragraphs[0].add_run(f"{pair.section}\n{pair.id}{where}")
        _signoff(cells[0], review, pair)
        _segment(cells[1], pair.ko, "ko")
        _segment(cells[2], pair.en, "en")
        _figures(cells[3], review, pair)
    _properties(word, review, titles)
    embed_bundled_font(word)  # Korean shows on a machine without a Korean font
    buffer = io.BytesIO()
    word.save(buffer)
    return normalise_zip(buffer.getvalue())


_SIGNOFF_COLOURS = {"approved": WD_COLOR_INDEX.BRIGHT_GREEN, "changed": WD_COLOR_INDEX.YELLOW,
                    "unapproved": WD_COLOR_INDEX.GRAY_25}


def _signoff(cell: _Cell, review: Review, pair: Pair) -> None:
    """The segment's sign-off state under its number (``changed since Kim 2026-12-05``), when known."""
    signoff = review.signoffs.get(pair.id)
    if signoff is None:
        return
    text = {"approved": "approved", "changed": "changed since approval", "unapproved": "never approved"}[signoff.state]
    run = cell.add_paragraph().add_run(text + (f" ({signoff.by}, {signoff.date})" if signoff.by else ""))
    run.bold = signoff.state != "approved"
    run.font.highlight_color = _SIGNOFF_COLOURS[signoff.state]


def _page_setup(word: docx.document.Document) -> None:
    """A4 landscape, narrow margins, NanumGothic for Korean and Latin text."""
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    word.styles["Normal"].font.size = Pt(9)
    for name in ("Normal", "Heading 1", "Title"):  # the headings' theme fonts would win otherwise
        _set_font(word.styles[name])


def _set_font(style: docx.styles.style.BaseStyle) -> None:
    """NanumGothic in every script slot of ``style``, with the theme attributes that override it removed."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), EMBEDDED_FONT)


def _segment(cell: _Cell, segment: Segment | None, lang: str) -> None:
    paragraph = cell.paragraphs[0]
    if segment is None:
        paragraph.add_run("(not in this edition)").italic = True
        return
    for index, part in enumerate(segment.parts):
        if index:
            paragraph.add_run(" | ")
        _inlines(paragraph, part)


def _inlines(paragraph: DocxParagraph, nodes: list[Inline]) -> None:
    for node in nodes:
        _RUNS.visit(node, paragraph=paragraph)


class _Runs(TreeVisitor[None]):
    """Inline nodes as runs of the review table: a figure bold on turquoise, a marker raised."""

    def visit_text(self, node: Text, paragraph: DocxParagraph) -> None:
        run = paragraph.add_run(node.text)
        run.bold = bool(node.bold or node.fact)
        run.italic = node.italic or None
        if node.fact:
            run.font.highlight_color = WD_COLOR_INDEX.TURQUOISE

    def visit_line_break(self, node: LineBreak, paragraph: DocxParagraph) -> None:
        paragraph.add_run().add_break()

    def visit_footnote_ref(self, node: FootnoteRef, paragraph: DocxParagraph) -> None:
        paragraph.add_run(str(node.number)).font.superscript = True


_RUNS = _Runs()


def _figures(cell: _Cell, review: Review, pair: Pair) -> None:
    first = True
    for difference in review.differences_of(pair):
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        label = paragraph.add_run("Warning: ")  # a word, not ⚠: the embedded font has no such glyph
        label.bold = True
        label.font.highlight_color = WD_COLOR_INDEX.YELLOW
        run = paragraph.add_run(difference.message)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        first = False
    if pair.own:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.add_run("The brief's own analysis or recommendation, not a source's statement.").italic = True
        first = False
    for fact_id in pair.facts:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        _card(cell, paragraph, review.facts[fact_id])
        first = False
    for claim_id in pair.claims:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        _claim_card(cell, paragraph, review.claims[claim_id])
        first = False


def _claim_card(cell: _Cell, paragraph: DocxParagraph, card: ClaimCard) -> None:
    """A claim: its id and what it asserts, its date, status and scope, its source, and its quote
    with the source sentences before and after it."""
    claim = card.claim
    paragraph.add_run(f"claim {claim.id}").bold = True
    details = "; ".join(f"{name} {value}" for name, value in (("date", claim.date), ("status", claim.status),
                                                               ("scope", claim.scope)) if value)
    paragraph.add_run(f": {claim.what_ko} / {claim.what_en}" + (f" ({details})" if details else ""))
    cell.add_paragraph(f"{card.source_title} ({card.source_title_en}), {card.source_date}")
    if card.quote is not None:
        _quote(cell, card.quote)


def _card(cell: _Cell, paragraph: DocxParagraph, card: FactCard) -> None:
    fact = card.fact
    paragraph.add_run(fact.id).bold = True
    paragraph.add_run(f": {card.ko} / {card.en} — {fact.label_en}; {fact.value} {fact.unit}, "
                      f"{fact.when or 'no date'}, approx {fact.approx}, {fact.status}")
    if fact.source:
        cell.add_paragraph(f"{card.source_title} ({card.source_title_en}), {card.source_date}")
    if card.quote is not None:
        _quote(cell, card.quote)
    if fact.derived:
        parts = ", ".join(f"{p.fact.id} = {p.en}" for p in card.parts)
        cell.add_paragraph(f"derived: {fact.derived}: {parts}")
    for conflict_id, others, note in card.conflicts:
        run = cell.add_paragraph().add_run(f"conflict {conflict_id} with {', '.join(others)}: {note}")
        run.font.highlight_color = WD_COLOR_INDEX.PINK


def _quote(cell: _Cell, quote: QuoteInSource) -> None:
    """The source's words around a quote, the quoted words highlighted."""
    paragraph = cell.add_paragraph()
    paragraph.add_run("“" + quote.before)
    paragraph.add_run(quote.quote).font.highlight_color = WD_COLOR_INDEX.YELLOW
    paragraph.add_run(quote.after + "”")


def _properties(word: docx.document.Document, review: Review, title: str) -> None:
    """Title and dates from the audience, never the clock, so the bytes repeat."""
    core = word.core_properties
    core.title = f"Review: {title}"
    core.author = "wreport"
    core.last_modified_by = "wreport"
    core.revision = 1
    stamp = datetime.combine(review.audience.date, datetime.min.time(), UTC)
    core.created = stamp
    core.modified = stamp
