"""Templates: audiences, helpers, escaping, and errors that name the template file and line."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mini_project import add_audience, copy_mini, load_mini, write_template

from wreport.errors import ConfigError, ProblemsError, TemplateError
from wreport.render import templating
from wreport.render.document import Figure, Paragraph, Table, plain_text
from wreport.render.markdown import parse_markdown
from wreport.render.templating import escape_markdown, list_audiences, load_audience, render_edition


@pytest.fixture
def mini(tmp_path):
    return copy_mini(tmp_path)


def render(root, audience="brief", lang="en"):
    project, facts, glossary = load_mini(root)
    return render_edition(project, audience, lang, facts, glossary)


def render_text(root, text: str, lang: str = "en") -> str:
    """Render a one-off template in the fixture project and return its Markdown."""
    add_audience(root, "probe", {lang: text}, languages=(lang,))
    return render(root, "probe", lang).markdown


def template_error(root, text: str, **files: str) -> str:
    """The message of the TemplateError a one-off template raises (extra files under templates/)."""
    for name, body in files.items():
        write_template(root, name, body)
    with pytest.raises(TemplateError) as err:
        render_text(root, text)
    return str(err.value)


# ---------------------------------------------------------------- audiences
def test_list_audiences_skips_shared_and_folders_without_audience_toml(mini):
    (mini / "templates" / "draft").mkdir()
    project, _, _ = load_mini(mini)
    assert list_audiences(project) == ["brief"]


def test_a_staging_folder_left_by_a_killed_new_audience_is_no_audience(mini):
    """`new-audience` assembles `templates/.NAME-xxxx/` and renames it; killed before the rename,
    the hidden folder was listed, and every build and check failed on 'no audience'."""
    import shutil

    shutil.copytree(mini / "templates" / "brief", mini / "templates" / ".investor-k1ll3d8x")
    project, _, _ = load_mini(mini)
    assert list_audiences(project) == ["brief"]


def test_load_audience_reads_metadata_per_language(mini):
    project, _, _ = load_mini(mini)
    audience = load_audience(project, "brief")
    assert audience.languages == ("ko", "en")
    assert audience.formats == ("html", "pdf", "docx")
    assert audience.date == datetime.date(2007, 12, 10)
    assert audience.editions["en"].title == "The Wonju Medical-Device Cluster"
    assert audience.editions["ko"].keywords == ("원주", "의료기기")


def test_unknown_audience_lists_known_ones(mini):
    project, _, _ = load_mini(mini)
    with pytest.raises(ConfigError, match=r"no audience 'nope'.*audiences: brief"):
        load_audience(project, "nope")


@pytest.mark.parametrize("name", ["_shared", "../templates/brief", "brief/"])
def test_audience_name_must_be_a_folder_of_templates(mini, name):
    project, _, _ = load_mini(mini)
    with pytest.raises(ConfigError, match="no audience"):
        load_audience(project, name)


def test_bad_toml_names_file_and_line(mini):
    write_template(mini, "bad/audience.toml", 'languages = ["en"]\nformats = ["html"\ndate = 2007-12-10\n')
    project, _, _ = load_mini(mini)
    with pytest.raises(ConfigError, match=r"templates/bad/audience\.toml:3: invalid TOML"):
        load_audience(project, "bad")


def test_every_audience_problem_is_reported_with_its_line(mini):
    write_template(mini, "bad/audience.toml",
                   'languages = ["en", "fr"]\nformats = ["pdf", "epub"]\n\n[en]\ntitel = "x"\nauthor = 3\n')
    project, _, _ = load_mini(mini)
    with pytest.raises(ProblemsError) as err:
        load_audience(project, "bad")
    shown = [str(p) for p in err.value.problems]
    file = "templates/bad/audience.toml"
    assert f"{file}:1: unknown languages: fr (use some of: ko, en)" in shown
    assert f"{file}:2: unknown formats: epub (use some of: html, pdf, docx)" in shown
    assert any(s.startswith(f"{file}: missing key 'date'") for s in shown)
    assert any(s.startswith(f"{file}:5: [en]: unknown key 'titel'") for s in shown)
    assert f"{file}:6: [en]: 'author' must be text (the files' author property)" in shown
    assert f"{file}:4: [en]: missing key 'title' (the title page's title and the files' title property)" in shown
    assert any(s.startswith(f"{file}:1: no template for 'en'") for s in shown)


def test_contents_is_on_unless_the_audience_turns_it_off(mini):
    assert render(mini).document.contents is True
    add_audience(mini, "short", {"en": "# One\n\nText.\n"})
    toml = mini / "templates" / "short" / "audience.toml"
    toml.write_text("contents = false\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    project, _, _ = load_mini(mini)
    assert load_audience(project, "short").contents is False
    assert render(mini, "short").document.contents is False


def test_contents_must_be_true_or_false(mini):
    write_template(mini, "bad/audience.toml",
                   'languages = ["en"]\nformats = ["html"]\ndate = 2007-12-10\ncontents = "no"\n[en]\ntitle = "T"\n')
    write_template(mini, "bad/en.md.j2", "Text.\n")
    project, _, _ = load_mini(mini)
    with pytest.raises(ConfigError, match=r"templates/bad/audience\.toml:4: 'contents' must be true or false, not 'no'"):
        load_audience(project, "bad")


# ---------------------------------------------------------------- rendering the fixture
def test_english_edition_formats_figures_and_cites_sources(mini):
    edition = render(mini)
    md = edition.markdown
    assert "housed 75 companies[^fnnews-2007]." in md
    assert "from KRW 28.6 billion to KRW 153.6 billion[^fnnews-2007]" in md  # cite=False: no marker
    assert "about USD 10 million[^fnnews-2007]" in md
    assert "about 330,600 m² (100,000 pyeong)[^etnews-2006]" in md
    assert "As of June 30, 2007," in md
    assert ("[^fnnews-2007]: The Financial News, “\\[Mini-cluster best practice\\] The 'cradle' of the "
            "high-tech medical-device industry”, December 10, 2007") in md
    assert "[^etnews-2006]: The Electronic Times, “\\[Visiting" in md and md.rstrip().endswith("March 2006 (date inferred)")
    assert edition.sources == ["fnnews-2007", "etnews-2006"]
    assert edition.terms == ["wmit", "wonju_city", "mini_cluster", "kicox"]
    assert edition.facts[:3] == ["firms_2007", "sales_2001", "sales_2006"]


def test_korean_edition_uses_house_style_and_korean_source_titles(mini):
    md = render(mini, lang="ko").markdown
    assert "2007년 6월 30일 현재 75개[^fnnews-2007]이다" in md
    assert "286억 원에서 1,536억 원[^fnnews-2007]으로" in md
    assert "약 1,000만 달러[^fnnews-2007]" in md
    assert "10만 평(약 33만 600㎡)[^etnews-2006]" in md
    # the fixture's date_basis is "inferred from the article address": the note says so
    assert "[^etnews-2006]: 전자신문, “\\[산업단지 혁신클러스터를가다\\](10)원주혁신클러스터”, 2006년 3월 (추정)" in md
    assert "2007년 12월 10일 (추정)" not in md  # fnnews-2007's date is stated in its text


def test_document_tree_has_metadata_footnotes_table_and_figure(mini):
    doc = render(mini).document
    assert (doc.lang, doc.title, doc.subtitle, doc.author) == (
        "en", "The Wonju Medical-Device Cluster", "A test brief", "wreport tests")
    assert doc.date == "2007-12-10" and doc.date_text == "December 10, 2007"
    assert doc.labels["contents"] == "Contents"
    assert [plain_text(n.children)[:20] for n in doc.footnotes] == ["The Financial News, ", "The Electronic Times"]
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert plain_text(table.caption) == "Sales of cluster firms"
    assert [plain_text(row[1].children) for row in table.rows] == [
        "KRW 28.6 billion", "KRW 153.6 billion", "KRW 250 billion"]
    (figure,) = [b for b in doc.blocks if isinstance(b, Figure)]
    assert plain_text(figure.caption) == "Sales of cluster firms"


def test_derived_fact_cites_the_sources_of_its_inputs(mini):
    md = render(mini).markdown
    assert "up 437.1%[^fnnews-2007]." in md


@pytest.mark.parametrize("lang, categories, values, labels, unit", [
    ("en", ["2001", "2006", "2007"], [28.6, 153.6, 250.0], ["28.6", "153.6", "250"], "KRW billion"),
    ("ko", ["2001년", "2006년", "2007년"], [286.0, 1536.0, 2500.0], ["286", "1,536", "2,500"], "억 원"),
])
def test_chart_spec_in_display_units(mini, lang, categories, values, labels, unit):
    doc = render(mini, lang=lang).document
    (figure,) = [b for b in doc.blocks if isinstance(b, Figure)]
    spec = figure.chart
    assert spec.kind == "bar"
    assert spec.categories == categories
    assert spec.series[0][1] == values
    assert spec.value_labels == [labels]
    assert spec.unit_label == unit


def test_chart_of_counts_is_labelled_with_the_counted_noun(mini):
    md = render_text(mini, '{{ chart(["firms_2007"], kind="line", title="Firms", categories=["mid-2007"]) }}\n')
    assert md.startswith("![Firms](chart:chart-1)")
    (figure,) = render(mini, "probe").document.blocks
    assert (figure.chart.kind, figure.chart.unit_label, figure.chart.categories) == ("line", "companies", ["mid-2007"])


def test_chart_refuses_mixed_units(mini):
    message = template_error(mini, 'x\n{{ chart(["sales_2001", "firms_2007"], title="Mixed") }}\n')
    assert "templates/probe/en.md.j2:2: chart 'Mixed' mixes units" in message


# ---------------------------------------------------------------- helpers
def test_term_introduces_abbreviation_once_in_english(mini):
    md = render_text(mini, '{{ term("kicox") }}; {{ term("한국산업단지공단") }}; {{ term("kicox", "full") }}; '
                           '{{ term("kicox", "abbr") }}; {{ term("mini_cluster", "plural") }}; {{ term("wonju_city") }}')
    assert md == ("Korea Industrial Complex Corporation (KICOX); KICOX; Korea Industrial Complex Corporation; "
                  "KICOX; mini-clusters; Wonju City\n")


def test_term_full_form_does_not_count_as_the_introduction(mini):
    md = render_text(mini, '{{ term("kicox", "full") }} / {{ term("kicox") }}')
    assert md == "Korea Industrial Complex Corporation / Korea Industrial Complex Corporation (KICOX)\n"


def test_term_in_korean_is_the_korean_name(mini):
    md = render_text(mini, '{{ term("kicox") }} {{ term("kicox") }} {{ term("mini_cluster", "plural") }} '
                           '{{ term("kicox", "abbr") }}', lang="ko")
    assert md == "한국산업단지공단 한국산업단지공단 미니클러스터 KICOX\n"


def test_fact_label_period_and_filters(mini):
    md = render_text(mini, '{{ fact_label("sales_growth") }} ({{ fact_period("sales_growth") }}), '
                           '{{ fact_period("donghwa_area") }}; {{ "2007-06" | date }}; '
                           '{{ edition.date | date("year") }}; {{ (2005, 2008) | period }}; {{ lang }}')
    assert md == "growth in sales of cluster firms (2001–2006), March 2006; June 2007; 2007; 2005–2008; en\n"


def test_date_filter_refuses_a_precision_finer_than_known(mini):
    message = template_error(mini, '{{ "2007-06" | date("day") }}\n')
    assert message.startswith("templates/probe/en.md.j2:1: '2007-06' is known only to the month, not the day")


def test_josa_filter_fits_particles_to_terms_and_figures(mini):
    md = render_text(mini, '{{ term("kicox") | josa("은/는") }} {{ term("wonju_city") | josa("(으)로") }} '
                           '{{ fact("firms_2007") | josa("이/가") }} {{ fact("export_share", cite=False) | josa("을/를") }} '
                           '{{ fact("sales_2006", cite=False) | josa("(으)로") }} {{ term("kicox", "abbr") | josa("과/와") }}',
                     lang="ko")
    # a cited figure keeps its source marker after the particle, on the word it belongs to
    assert md.splitlines()[0] == "한국산업단지공단은 원주시로 75개가[^fnnews-2007] 12%를 1,536억 원으로 KICOX와"


def test_fact_without_noun_is_the_bare_count_and_keeps_its_source(mini):
    md = render_text(mini, 'between {{ fact("firms_2007", noun=False, cite=False) }} and '
                           '{{ fact("firms_2007") }}\n')
    assert md.splitlines()[0] == "between 75 and 75 companies[^fnnews-2007]"
    md = render_text(mini, '{{ fact("firms_2007", noun=False) }}~{{ fact("firms_2007", cite=False) }}\n', lang="ko")
    assert md.splitlines()[0] == "75[^fnnews-2007]~75개"


def test_fact_without_noun_keeps_the_approximation(mini):
    facts_file = mini / "seeds" / "facts.yaml"
    text = facts_file.read_text(encoding="utf-8")
    start = text.index("id: firms_2007")
    facts_file.write_text(text[:start] + text[start:].replace("approx: none", "approx: more-than", 1),
                          encoding="utf-8")
    assert render_text(mini, '{{ fact("firms_2007", noun=False, cite=False) }}\n').startswith("more than 75\n")
    assert render_text(mini, '{{ fact("firms_2007", noun=False, cite=False) }}\n', lang="ko").startswith("75여\n")


def test_fact_without_noun_refuses_a_measure(mini):
    message = template_error(mini, 'x\n{{ fact("export_share", noun=False) }}\n')
    assert message.startswith("templates/probe/en.md.j2:2: fact 'export_share' is in percent, not a count")


def test_josa_filter_errors_name_the_template_line(mini):
    message = template_error(mini, 'x\n{{ term("kicox") | josa("의") }}\n')
    assert message.startswith("templates/probe/en.md.j2:2: unknown particle '의'; use one of: 은/는")
    message = template_error(mini, 'x\n\n{{ "黃金" | josa("이/가") }}\n')
    assert message.startswith("templates/probe/en.md.j2:3: cannot tell how '黃金' ends when read aloud")


def test_pagebreak_is_its_own_paragraph(mini):
    add_audience(mini, "probe", {"en": "before {{ pagebreak() }} after\n"})
    blocks = render(mini, "probe").document.blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "PageBreak", "Paragraph"]


# ---------------------------------------------------------------- escaping
def test_fact_label_with_markup_renders_as_text(mini):
    facts_file = mini / "seeds" / "facts.yaml"
    text = facts_file.read_text(encoding="utf-8")
    facts_file.write_text(text.replace("en: exports of each leading firm",
                                       'en: "<script>alert(1)</script> *leading* [firms](x) | 1. &amp;"'),
                          encoding="utf-8")
    add_audience(mini, "probe", {"en": '{{ fact_label("leading_firm_exports") }}\n\n'
                                       '| a |\n|---|\n| {{ fact_label("leading_firm_exports") }} |\n'})
    doc = render(mini, "probe").document
    para, table = doc.blocks
    expected = "<script>alert(1)</script> *leading* [firms](x) | 1. &amp;"
    assert para.children[0].text == expected and len(para.children) == 1
    assert plain_text(table.rows[0][0].children) == expected


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=40))
def test_escaped_text_parses_back_to_itself(text):
    folded = " ".join(text.split())
    blocks, _ = parse_markdown(escape_markdown(text))
    if not folded:
        assert blocks == []
    else:
        (para,) = blocks
        assert isinstance(para, Paragraph)
        assert plain_text(para.children) == folded


# ---------------------------------------------------------------- errors name the template file and line
def test_unknown_fact_names_template_line_and_suggests(mini):
    message = template_error(mini, "line one\n\nSales: {{ fact('sales_206') }}\n")
    assert message.startswith("templates/probe/en.md.j2:3: unknown fact 'sales_206'")
    assert "did you mean 'sales_2006'" in message


def test_unknown_term_names_template_line(mini):
    message = template_error(mini, "{{ term('kicx') }}\n")
    assert message.startswith("templates/probe/en.md.j2:1: unknown glossary term 'kicx'")
    assert "kicox" in message


def test_syntax_error_in_shared_macro_names_that_file(mini):
    message = template_error(mini, '{% import "_shared/broken.md.j2" as b %}\nx\n',
                             **{"_shared/broken.md.j2": "ok\n{% macro m() %}\n{% if %}\n{% endmacro %}\n"})
    assert message.startswith("templates/_shared/broken.md.j2:3: syntax error")


def test_syntax_error_in_audience_template(mini):
    message = template_error(mini, "# Title\n\n{{ fact('sales_2001') \n")
    assert re.match(r"templates/probe/en\.md\.j2:3: syntax error: ", message)


def test_undefined_variable_names_line(mini):
    message = template_error(mini, "a\nb\n{{ budget }}\n")
    assert message.startswith("templates/probe/en.md.j2:3: 'budget' is undefined")


def test_unknown_helper_names_line_and_lists_helpers(mini):
    message = template_error(mini, "{{ figure('sales_2001') }}\n")
    assert message.startswith("templates/probe/en.md.j2:1: 'figure' is undefined")
    assert "helpers: fact, fact_label, fact_period, term, claim, own, chart, pagebreak" in message


def test_runtime_error_inside_shared_macro_names_the_macro_line(mini):
    message = template_error(mini, '{% import "_shared/m.md.j2" as m %}\n{{ m.show() }}\n',
                             **{"_shared/m.md.j2": "{% macro show() %}\nfine\n{{ fact('nope') }}\n{% endmacro %}\n"})
    assert message.startswith("templates/_shared/m.md.j2:3: unknown fact 'nope'")


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__",
    "fact.__globals__",
    "lang.__class__.__base__.__subclasses__()",
    "cycler.__init__.__globals__",
])
def test_sandbox_escape_attempts_fail_with_line(mini, expression):
    message = template_error(mini, f"x\n{{{{ {expression} }}}}\n")
    assert message.startswith("templates/probe/en.md.j2:2: not allowed in a template: access to attribute")
    assert "is unsafe" in message


@pytest.mark.parametrize("expression, words", [
    ("'a' * 10**10", "str * 10000000000 would make 10,000,000,000 characters; a template may build at most 100,000"),
    ("'ab' * 50001", "str * 50001 would make 100,002 characters"),
    ("1000000 * [0]", "list * 1000000 would make 1,000,000 items"),
    ("2 ** 1000", "exponent 1000 is too large; a template may use at most 100"),
    ("10**10**10**10**10", "a power of integers too large to print"),
    ("(10**100) * (10**100) * (10**100) * (10**100) * (10**100) * (10**100) * (10**100) * (10**100) * (10**100)"
     " * (10**100) * (10**100) * (10**100) * (10**100)", "a product of integers too large to print"),
    ("'%0999999999d' % 1", "format width 999,999,999 is too large; a template may use at most 10,000"),
    ("'%.20000f' % 1", "format precision 20,000 is too large"),
    ("'%*d' % (999999999, 1)", "a '*' width or precision in a % format is not allowed"),
    ("'{:>999999999}'.format(1)", "format width 999,999,999 is too large"),
    ("'{x:_<999999999}'.format_map({'x': 1})", "format width 999,999,999 is too large"),
    ("'{:>{w}}'.format(1, w=999999999)", "a width taken from an argument ({:>{w}}) is not allowed"),
    ("'%0999999999d' | format(1)", "format width 999,999,999 is too large"),
    ("'a' | center(1000000000)", "center width 1,000,000,000 is too large"),
    ("'a\\nb' | indent(1000000000)", "indent width 1,000,000,000 is too large"),
    ("'a b' | wordwrap(1000000000)", "wordwrap width 1,000,000,000 is too large"),
    ("'a b' | truncate(1000000000)", "truncate length 1,000,000,000 is too large"),
])
def test_sandbox_limits_what_an_expression_may_build(mini, expression, words):
    message = template_error(mini, f"x\n\n{{{{ {expression} }}}}\n")
    assert message.startswith(f"templates/probe/en.md.j2:3: {words}")


def test_a_recursive_macro_cannot_double_a_text_without_bound(mini):
    message = template_error(mini, "{% macro grow(s, n) %}{{ grow(s ~ s, n - 1) if n else s }}{% endmacro %}\n"
                                   "{{ grow('abcd', 60) }}\n")
    assert message.startswith("templates/probe/en.md.j2:1: joining texts with ~ would make a text of 1,048,576 "
                              "characters; a template may build at most 1,000,000")


def test_formats_and_filters_within_the_limits_still_work(mini):
    md = render_text(mini, "{{ '%5d|%-4s|%.2f|%%' % (42, 'ab', 1.5) }} {{ '{:>5}|{:.1f}'.format('x', 2) }} "
                           "{{ '%03d' | format(7) }} [{{ 'a' | center(5) }}] {{ 'a b c' | wordwrap(3) | replace('\n', '/') }} "
                           "{{ 'abc def' | truncate(3, True, '', 0) }} {{ 'a\nb' | indent(2) | replace('\n', '/') }}\n")
    assert md == "   42|ab  |1.50|%     x|2.0 007 [  a  ] a b/c abc a/  b\n"


def test_a_template_is_compiled_once_per_process_and_again_when_it_changes(mini, monkeypatch):
    compiled = []
    compile_template = templating.Sandbox.compile
    monkeypatch.setattr(templating.Sandbox, "compile",
                        lambda self, source, name=None, filename=None, *args, **kwargs:
                        compiled.append(name) or compile_template(self, source, name, filename, *args, **kwargs))
    first = render_text(mini, '{{ term("kicox") }}; {{ term("kicox") }}\n')
    assert compiled == ["en.md.j2"]
    again = render(mini, "probe")
    assert compiled == ["en.md.j2"]  # reused, not compiled again
    # The first-use state is per edition: the second render introduces the abbreviation again.
    assert first == again.markdown == "Korea Industrial Complex Corporation (KICOX); KICOX\n"
    write_template(mini, "probe/en.md.j2", '{{ term("kicox") }}!\n')
    assert render(mini, "probe").markdown == "Korea Industrial Complex Corporation (KICOX)!\n"
    assert compiled == ["en.md.j2", "en.md.j2"]


def test_sandbox_arithmetic_within_the_limits_still_works(mini):
    md = render_text(mini, "{{ '-' * 3 }} {{ 2 ** 10 }} {{ [0] * 2 }} {{ 1.5 * 2 }} {{ '%s/%d' % ('a', 7) }} "
                           "{{ '{}!'.format('b') }}")
    assert md == "--- 1024 [0, 0] 3.0 a/7 b!\n"


@pytest.mark.parametrize("expression", ["'{0.__class__}'.format(lang)", "'{0.fact.__globals__}'.format(x)"])
def test_string_format_cannot_reach_internals(mini, expression):
    message = template_error(mini, "{% set x = {'fact': fact} %}\n{{ " + expression + " }}\n")
    assert message.startswith("templates/probe/en.md.j2:2: not allowed in a template: access to attribute")


def test_immutable_sandbox_refuses_mutation(mini):
    message = template_error(mini, "{% set xs = [1] %}\n{{ xs.append(2) }}\n")
    assert message.startswith("templates/probe/en.md.j2:2: not allowed in a template")


def test_missing_include_names_line(mini):
    message = template_error(mini, "a\n{% include 'nowhere.md.j2' %}\n")
    assert message.startswith("templates/probe/en.md.j2:2: template not found: nowhere.md.j2")


def test_wrong_helper_arguments_name_line(mini):
    message = template_error(mini, "{{ chart(['sales_2001']) }}\n")
    assert message == ("templates/probe/en.md.j2:1: TypeError: chart() missing 1 required keyword-only "
                       "argument: 'title'")


def test_unknown_chart_reference_in_rendered_markdown(mini):
    message = template_error(mini, "text\n\n![Hand-made](chart:mine)\n")
    assert message.startswith("templates/probe/en.md.j2:3: unknown chart 'mine'")


HEADER = "{#- A header comment\n    on two lines. -#}\n{% import '_shared/macros.md.j2' as m with context -%}\n\n"


def test_markdown_error_names_the_template_line_not_the_output_line(mini):
    # The comment and the import print nothing, so the rule is on line 5 of the output.
    message = template_error(mini, HEADER + "# Title\n\n{{ term('kicox') }} text\n\n---\n")
    assert message.startswith("templates/probe/en.md.j2:9: horizontal rules are not supported")


def test_markdown_error_in_an_include_names_the_included_file(mini):
    message = template_error(mini, HEADER + "# Title\n\n{% include '_shared/part.md.j2' %}\n",
                             **{"_shared/part.md.j2": "{#- part -#}\nfine\n\n* * *\n"})
    assert message.startswith("templates/_shared/part.md.j2:4: horizontal rules are not supported")


def test_markdown_error_in_a_macro_names_the_macro_line(mini):
    message = template_error(mini, '{% import "_shared/pic.md.j2" as p %}\n# Title\n\n{{ p.logo() }}\n',
                             **{"_shared/pic.md.j2": "{% macro logo() -%}\nSee\n![logo](logo.png)\n"
                                                     "{% endmacro %}\n"})
    assert message.startswith("templates/_shared/pic.md.j2:3: image 'logo.png' is not a chart")


def test_language_the_audience_lacks(mini):
    project, facts, glossary = load_mini(mini)
    add_audience(mini, "probe", {"en": "x"})
    with pytest.raises(ConfigError, match="audience 'probe' has no 'ko' edition"):
        render_edition(project, "probe", "ko", facts, glossary)


def test_the_filter_list_is_what_every_template_of_the_real_briefs_compiles_against():
    """The preview compiles templates ahead with only the names in FILTERS (real_project): a
    filter missing from the list (capfirst once was) made every shared macro fail to precompile."""
    from real_project import ROOT

    from wreport.inputs.project import load_project

    project = load_project(ROOT)
    for name in list_audiences(project):
        audience = load_audience(project, name)
        env = templating.environment(project, audience)
        env.filters.update(dict.fromkeys(templating.FILTERS, str))
        for template in ("_shared/macros.md.j2", audience.template_file("ko").name, audience.template_file("en").name):
            env.get_template(template)  # raises TemplateAssertionError: No filter named ...
    assert set(templating.FILTERS) == {"date", "period", "josa", "capfirst"}


# ---------------------------------------------------------------- claims and the own-analysis mark
def test_claim_prints_a_note_to_its_source_and_marks_the_paragraph(mini):
    add_audience(mini, "probe", {"en": 'Wonju City built it.{{ claim("city_built_techno_valley") }}\n\n'
                                       'We think it worked.{{ own() }}\n\n'
                                       '| a | b |\n|--|--|\n| x{{ claim("cluster_built_by_city_and_yonsei", cite=False) }} | y |\n'})
    edition = render(mini, "probe")
    assert edition.markdown.startswith("Wonju City built it.[^etnews-2006]\n\nWe think it worked.\n")
    assert "[^etnews-2006]: The Electronic Times" in edition.markdown
    assert edition.claims == ["city_built_techno_valley", "cluster_built_by_city_and_yonsei"]
    first, second, table = edition.document.blocks
    assert isinstance(first, Paragraph) and first.support == ["claim:city_built_techno_valley"]
    assert plain_text(first.children) == "Wonju City built it."
    assert isinstance(second, Paragraph) and second.support == ["own"] and plain_text(second.children) == "We think it worked."
    assert isinstance(table, Table) and table.rows[0][0].support == ["claim:cluster_built_by_city_and_yonsei"]


def test_unknown_claim_is_an_error_at_its_line_with_did_you_mean(mini):
    message = template_error(mini, "Title\n\nText.\n{{ claim('city_built_techno_vally') }}\n")
    assert message.startswith("templates/probe/en.md.j2:4: unknown claim 'city_built_techno_vally'")
    assert "city_built_techno_valley" in message
