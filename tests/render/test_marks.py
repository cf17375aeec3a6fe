"""Fact and term marks: carried from fact()/term() through Markdown into the tree, and no further."""

from __future__ import annotations

import pytest
from mini_project import add_audience, copy_mini, load_mini

from wreport.render.document import Paragraph, Text, unmarked
from wreport.render.markdown import parse_markdown
from wreport.render.marks import FACT, TERM, MarkTable, has_marks, strip_marks
from wreport.render.templating import render_edition
from wreport.writers.docx import render_docx
from wreport.writers.html import render_html


@pytest.fixture
def mini(tmp_path):
    return copy_mini(tmp_path)


def probe(root, text: str, lang: str = "en"):
    add_audience(root, "probe", {lang: text}, languages=(lang,))
    project, facts, glossary = load_mini(root)
    return render_edition(project, "probe", lang, facts, glossary)


def runs(edition) -> list[Text]:
    paragraph = edition.document.blocks[0]
    assert isinstance(paragraph, Paragraph)
    return [n for n in paragraph.children if isinstance(n, Text)]


def test_a_figure_and_a_term_are_runs_that_name_their_fact_and_term(mini):
    edition = probe(mini, '{{ term("wmit") }} housed **{{ fact("firms_2007", cite=False) }}** in all.\n')
    marked = {(r.text, r.fact, r.term) for r in runs(edition) if r.fact or r.term}
    assert marked == {("Wonju Medical Industry Techno Valley (WMIT)", None, "wmit"), ("75 companies", "firms_2007", None)}
    bold = next(r for r in runs(edition) if r.fact)
    assert bold.bold
    assert not has_marks(edition.markdown)  # the Markdown users see has no mark characters
    assert edition.markdown.startswith("Wonju Medical Industry Techno Valley (WMIT) housed **75 companies**")


def test_a_particle_goes_after_the_figure_and_outside_its_mark(mini):
    edition = probe(mini, '기업 {{ fact("firms_2007", cite=False) | josa("이/가") }} 있다.\n', lang="ko")
    figure = next(r for r in runs(edition) if r.fact)
    assert figure.text == "75개"
    assert "75개가 있다" in edition.markdown


def test_capfirst_capitalises_past_the_mark_and_keeps_it(mini):
    edition = probe(mini, '{% import "_shared/macros.md.j2" as m %}{{ term("mini_cluster") | capfirst }} and '
                          '{{ term("wonju_city")[:1] }}.\n')
    first = runs(edition)[0]
    assert (first.text, first.term) == ("Mini-cluster", "mini_cluster")


def test_a_sliced_mark_does_not_leak_or_run_past_its_block(mini):
    edition = probe(mini, '{{ fact("firms_2007", cite=False)[:3] }} open\n\nNext paragraph.\n')
    second = edition.document.blocks[1]
    assert isinstance(second, Paragraph) and all(isinstance(n, Text) and n.fact is None for n in second.children)
    assert not any(has_marks(r.text) for r in runs(edition))


def test_unknown_mark_characters_are_dropped_without_a_table():
    table = MarkTable()
    text = f"A {table.wrap(FACT, 'x', 'figure')} and {table.wrap(TERM, 't', 'name')}."
    blocks, _ = parse_markdown(text)
    assert blocks == [Paragraph([Text("A figure and name.")])]
    blocks, _ = parse_markdown(text, marks=table)
    assert [n.fact or n.term for n in blocks[0].children if isinstance(n, Text)] == [None, "x", None, "t", None]
    assert strip_marks(text) == "A figure and name."


def test_writers_write_the_same_bytes_with_and_without_marks(mini):
    edition = probe(mini, '**{{ term("wmit") }}** housed {{ fact("firms_2007") }} of {{ term("wonju_city") }}.\n')
    marked = edition.document
    plain = type(marked)(**{**marked.__dict__, "blocks": [Paragraph(unmarked(marked.blocks[0].children))]})
    assert marked.blocks != plain.blocks  # the marks are there...
    assert render_html(marked) == render_html(plain)  # ...and change nothing a reader gets
    assert render_html(marked, embed_assets=True) == render_html(plain, embed_assets=True)
    assert render_docx(marked) == render_docx(plain)


def test_chart_labels_hold_no_marks_and_the_spec_names_its_facts(mini):
    edition = probe(mini, '{{ chart(["sales_2001", "sales_2006"], title="Sales of " ~ term("wmit")) }}\n')
    figure = edition.document.blocks[0]
    assert figure.chart.title == "Sales of Wonju Medical Industry Techno Valley (WMIT)"
    assert figure.chart.facts == ["sales_2001", "sales_2006"]
    assert [n.term for n in figure.caption if isinstance(n, Text)] == [None, "wmit"]
