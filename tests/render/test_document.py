"""The document tree's one visitor: every reader fails loudly on a node it has no rule for, and
every reader agrees on what a section heading is."""

from __future__ import annotations

import io
import typing
from dataclasses import dataclass

import docx
import pytest

from wreport.errors import RenderError
from wreport.qa.checks import edition_text
from wreport.render.document import (
    VISIT_METHODS,
    Block,
    BlockQuote,
    Document,
    Heading,
    Inline,
    Paragraph,
    Text,
    TreeVisitor,
    inline_text,
    plain_text,
    section_headings,
)
from wreport.review.align import segments
from wreport.writers.docx import render_docx
from wreport.writers.html import render_html


@dataclass
class Aside:
    """A block type the tree does not have (yet): what a reader meets when someone adds one."""

    children: list[Inline]


def test_every_node_type_of_the_tree_has_a_visit_method():
    nodes = {*typing.get_args(Inline), *typing.get_args(Block)}
    assert set(VISIT_METHODS) == nodes


def test_a_reader_without_a_rule_names_itself_and_the_node():
    class Headings(TreeVisitor[str]):
        def visit_heading(self, node: Heading) -> str:
            return "h"

    with pytest.raises(RenderError, match="Headings has no rule for a Paragraph node"):
        Headings().visit(Paragraph([Text("본문")]))


@pytest.mark.parametrize("reader", ["html", "docx", "segments", "edition_text"])
def test_every_reader_refuses_a_block_it_does_not_know(reader):
    doc = Document(lang="ko", title="제목", blocks=[Heading(1, [Text("개요")]), Aside([Text("곁글")])])  # type: ignore[list-item]
    read = {"html": render_html, "docx": render_docx, "segments": segments, "edition_text": edition_text}[reader]
    with pytest.raises(RenderError, match="has no rule for a Aside node"):
        read(doc)


def test_plain_text_drops_line_breaks_and_inline_text_reads_them_as_spaces():
    from wreport.render.document import FootnoteRef, LineBreak

    runs: list[Inline] = [Text("원주"), LineBreak(), Text("의료기기"), FootnoteRef(1)]
    assert plain_text(runs) == "원주의료기기"
    assert inline_text(runs) == "원주 의료기기"


QUOTED = Document(lang="en", title="Brief", blocks=[
    Heading(1, [Text("Summary")]),
    Paragraph([Text("Body.")]),
    BlockQuote([Heading(2, [Text("Quoted heading")]), Paragraph([Text("Quoted text.")])]),
    Heading(2, [Text("Findings")]),
    Paragraph([Text("More.")]),
])


def test_a_heading_in_a_quote_opens_no_section_in_any_format():
    assert [plain_text(h.children) for h in section_headings(QUOTED.blocks)] == ["Summary", "Findings"]
    html = render_html(QUOTED)
    contents = html[html.index('<nav'):html.index('</nav>')]
    assert "Summary" in contents and "Findings" in contents and "Quoted heading" not in contents
    word = docx.Document(io.BytesIO(render_docx(QUOTED)))
    heading_texts = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert heading_texts == ["Summary", "Findings"]
    quoted = next(p for p in word.paragraphs if p.text == "Quoted heading")
    assert quoted.style.name == "Block Text" and all(run.bold for run in quoted.runs)
    kinds = [(s.kind, s.section) for s in segments(QUOTED)]
    assert kinds == [("heading", "1"), ("paragraph", "1"), ("paragraph", "1"), ("paragraph", "1"),
                     ("heading", "1.1"), ("paragraph", "1.1")]
