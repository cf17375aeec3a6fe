"""Markdown to the document tree: the shapes writers rely on, and the house conventions."""

from __future__ import annotations

import pytest

from wreport.errors import Location, TemplateError
from wreport.render.document import (
    BlockQuote,
    ChartSpec,
    Figure,
    FootnoteRef,
    Heading,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Text,
    plain_text,
)
from wreport.render.markdown import parse_markdown

CHART = ChartSpec(kind="bar", title="Sales", categories=["2015", "2016"], series=[("KRW billion", [1.0, 2.0])])


def blocks_of(text: str, **charts: ChartSpec):
    return parse_markdown(text, charts=charts)[0]


def test_heading_levels_and_unique_anchors_keep_hangul():
    blocks = blocks_of("# 원주 의료기기 *클러스터*\n\n## Overview\n\n## Overview\n")
    assert [b.level for b in blocks] == [1, 2, 2]
    assert plain_text(blocks[0].children) == "원주 의료기기 클러스터"
    assert blocks[0].anchor == "원주-의료기기-클러스터"
    assert [b.anchor for b in blocks[1:]] == ["overview", "overview-1"]


def test_paragraph_runs_carry_emphasis_code_and_links():
    (para,) = blocks_of("Plain **bold *both*** _it_ `x = 1` [site](https://example.org)\nnext  \nafter")
    assert isinstance(para, Paragraph)
    runs = para.children
    assert Text("Plain ") == runs[0]
    assert Text("bold ", bold=True) in runs
    assert Text("both", bold=True, italic=True) in runs
    assert Text("it", italic=True) in runs
    assert Text("x = 1", code=True) in runs
    assert Text("site", link="https://example.org") in runs
    # a soft break is a space; two trailing spaces make a hard break
    assert any(isinstance(r, Text) and r.text == " next" for r in runs)
    assert isinstance(runs[-2], LineBreak) and runs[-1] == Text("after")


def test_raw_html_stays_literal_text():
    (para,) = blocks_of('Hi <script>alert("x")</script> <b>no</b>\n\n<div>block</div>\n')[:1]
    assert plain_text(para.children) == 'Hi <script>alert("x")</script> <b>no</b>'
    assert all(not r.bold for r in para.children if isinstance(r, Text))


def test_escaped_punctuation_is_one_merged_text_run():
    (para,) = blocks_of(r"\*not bold\* \[1\] a\_b")
    assert para.children == [Text("*not bold* [1] a_b")]


def test_nested_ordered_and_bullet_lists():
    (lst,) = blocks_of("3. three\n   - a\n   - b\n4. four\n")
    assert isinstance(lst, ListBlock) and lst.ordered and lst.start == 3
    first, second = lst.items
    assert plain_text(first[0].children) == "three"
    inner = first[1]
    assert isinstance(inner, ListBlock) and not inner.ordered
    assert [plain_text(item[0].children) for item in inner.items] == ["a", "b"]
    assert plain_text(second[0].children) == "four"


def test_table_alignment_and_caption_from_preceding_paragraph():
    text = "Table: Exports by **year**\n\n| Year | Value |\n|:-----|------:|\n| 2016 | 1 \\| 2 |\n"
    (table,) = blocks_of(text)
    assert isinstance(table, Table)
    assert [c.align for c in table.header] == ["left", "right"]
    assert plain_text(table.header[0].children) == "Year"
    assert plain_text(table.rows[0][1].children) == "1 | 2"
    assert table.caption == [Text("Exports by "), Text("year", bold=True)]


def test_table_without_caption_paragraph_keeps_the_paragraph():
    blocks = blocks_of("Intro text.\n\n| a |\n|---|\n| 1 |\n")
    assert isinstance(blocks[0], Paragraph) and isinstance(blocks[1], Table)
    assert blocks[1].caption == []


def test_block_quote_holds_blocks():
    (quote,) = blocks_of("> quoted *text*\n>\n> - item\n")
    assert isinstance(quote, BlockQuote)
    assert isinstance(quote.children[0], Paragraph) and isinstance(quote.children[1], ListBlock)


def test_footnotes_numbered_by_first_reference_not_definition_order():
    text = "One[^b] two[^a] again[^b].\n\n[^a]: Note A.\n[^b]: Note *B*.\n\n[^unused]: never cited\n"
    (para,), notes = parse_markdown(text)
    refs = [r.number for r in para.children if isinstance(r, FootnoteRef)]
    assert refs == [1, 2, 1]
    assert [n.number for n in notes] == [1, 2]
    assert notes[0].children == [Text("Note "), Text("B", italic=True), Text(".")]
    assert plain_text(notes[1].children) == "Note A."


def test_multi_paragraph_footnote_joins_with_line_break():
    _, (note,) = parse_markdown("x[^n]\n\n[^n]: first\n\n    second\n")
    assert note.children == [Text("first"), LineBreak(), Text("second")]


def test_chart_image_alone_becomes_numbered_figure():
    text = "![Sales by *year*](chart:sales)\n\nText.\n\n![Again](chart:sales)\n"
    blocks = blocks_of(text, sales=CHART)
    first, _, second = blocks
    assert isinstance(first, Figure) and first.chart is CHART
    assert first.caption == [Text("Sales by "), Text("year", italic=True)]
    assert first.alt == "Sales by year"
    assert (first.number, second.number) == (1, 2)


def test_unknown_chart_key_names_line():
    with pytest.raises(TemplateError) as err:
        parse_markdown("text\n\n![x](chart:nope)\n", charts={"sales": CHART}, source="brief/en.md")
    assert str(err.value).startswith("brief/en.md:3: unknown chart 'nope'")
    assert "sales" in str(err.value)


def test_image_that_is_not_a_chart_is_refused():
    with pytest.raises(TemplateError, match="not a chart"):
        blocks_of("See ![logo](https://example.org/logo.png)")


def test_newpage_paragraph_is_page_break_only_when_alone():
    blocks = blocks_of("a\n\n\\newpage\n\nb \\newpage\n")
    assert isinstance(blocks[1], PageBreak)
    assert isinstance(blocks[2], Paragraph)


def test_code_block_keeps_lines_as_code_runs():
    (para,) = blocks_of("```\nline 1\nline 2\n```\n")
    assert para.style == "code"
    assert para.children == [Text("line 1", code=True), LineBreak(), Text("line 2", code=True)]


def test_image_is_reported_at_its_own_line_of_the_paragraph():
    with pytest.raises(TemplateError, match=r"^x\.md:4: image 'logo\.png' is not a chart"):
        parse_markdown("# T\n\nfirst line\nsecond ![logo](logo.png)\n", source="x.md")


def test_locate_maps_markdown_lines_to_where_they_were_written():
    with pytest.raises(TemplateError, match=r"^page\.j2:30: horizontal rules"):
        parse_markdown("a\n\n---\n", locate=lambda line: Location.of("page.j2", line * 10))


def test_horizontal_rule_is_refused_with_line():
    with pytest.raises(TemplateError, match=r"x\.md:3: horizontal rules"):
        parse_markdown("a\n\n---\n", source="x.md")


def test_heading_inline_content_is_preserved():
    (heading,) = blocks_of("### A `code` **title**")
    assert isinstance(heading, Heading)
    assert heading.children == [Text("A "), Text("code", code=True), Text(" "), Text("title", bold=True)]


# ---------------------------------------------------------------- link schemes (issue 23, build 7)
@pytest.mark.parametrize("href", ["https://www.wonju.go.kr/", "http://example.org/a?b=1",
                                  "HTTPS://EXAMPLE.ORG/", "mailto:desk@example.org", "#notes"])
def test_allowed_link_targets_reach_the_tree_unchanged(href):
    (para,) = blocks_of(f"see [the page]({href}).\n")
    assert para.children[1] == Text("the page", link=href)


def test_an_autolink_is_a_link_too():
    (para,) = blocks_of("<https://example.org/x>\n")
    assert para.children == [Text("https://example.org/x", link="https://example.org/x")]


@pytest.mark.parametrize("href", [
    "ms-msdt:/id%20PCWDiagnostic", "search-ms:query=x", "smb://host/share/x.exe", "file:///etc/passwd",
    "javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox", "data:text/html,x", "other.pdf",
    "../out/x.pdf", "/etc/passwd", "//host/share", "tel:+821012345678", "ftp://example.org/x",
])
def test_any_other_link_target_is_refused_at_its_line(href):
    with pytest.raises(TemplateError, match=r"^brief/en\.md:4: link target .* is not allowed \(a link goes to https:"):
        parse_markdown(f"# T\n\nfirst line\nsecond [here]({href})\n", source="brief/en.md")
