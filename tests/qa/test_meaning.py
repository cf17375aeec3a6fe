"""What a figure means (qa/meaning.py): report-only dates and figures of different scope or measure.

On the fixture project (tests/fixtures/mini). Its overview says "As of {{ fact_period("firms_2007") }},
... housed ..." / "{{ fact_period("firms_2007") }} 현재": the date of an event. Its Sales section
has a table and a chart of sales_2001, sales_2006 and sales_2007; the overview paragraph prints
sales_2001 and sales_2006 and names the term wmit only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mini_project import copy_mini, load_mini

from wreport.errors import WreportError
from wreport.qa.checks import run_checks, scan_template
from wreport.qa.meaning import attributions, mixed_groups, report_dates
from wreport.render.templating import load_audience, render_edition


def _set(root: Path, fact_id: str, **fields: str) -> None:
    """Add fields to a fact of the fixture, after its status line."""
    path = root / "seeds" / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(f"  - id: {fact_id}\n", 1)
    entry, after = rest.split("    status: actual\n", 1)
    added = "".join(f"    {key}: {value}\n" for key, value in fields.items())
    path.write_text(f"{head}  - id: {fact_id}\n{entry}    status: actual\n{added}{after}", encoding="utf-8")


def _report_dates(root: Path, lang: str) -> list[tuple[int, str]]:
    project, facts, _ = load_mini(root)
    path = root / "templates" / "brief" / f"{lang}.md.j2"
    scan, _ = scan_template(path, f"templates/brief/{lang}.md.j2", project)
    return [(p.line, p.fact) for p in report_dates(scan.source, scan.prose, lang, facts)]


def _mixed(root: Path, lang: str = "en") -> list[tuple[int, str]]:
    project, facts, glossary = load_mini(root)
    rendered = render_edition(project, load_audience(project, "brief"), lang, facts, glossary)
    return [(p.line, p.message) for p in mixed_groups(rendered.document, facts)]


def test_a_report_date_printed_as_the_events_is_flagged_in_both_editions(tmp_path):
    root = copy_mini(tmp_path)
    assert _report_dates(root, "en") == [] and _report_dates(root, "ko") == []  # date_kind defaults to event
    _set(root, "firms_2007", date_kind="report")
    assert _report_dates(root, "en") == [(4, "firms_2007")]
    assert _report_dates(root, "ko") == [(4, "firms_2007")]
    en = root / "templates" / "brief" / "en.md.j2"
    en.write_text(en.read_text(encoding="utf-8").replace("As of {{ fact_period", "As reported in {{ fact_period"),
                  encoding="utf-8")
    ko = root / "templates" / "brief" / "ko.md.j2"
    ko.write_text(ko.read_text(encoding="utf-8").replace('("firms_2007") }} 현재', '("firms_2007") }} 보도 당시'),
                  encoding="utf-8")
    assert _report_dates(root, "en") == [] and _report_dates(root, "ko") == []


def test_figures_of_different_scope_side_by_side_are_flagged_unless_each_scope_is_named(tmp_path):
    root = copy_mini(tmp_path)
    assert _mixed(root) == []
    _set(root, "sales_2001", scope="wmit")
    _set(root, "sales_2006", scope="wonju_city")
    found = _mixed(root)
    kinds = sorted(message.split()[1] for _, message in found)
    assert kinds == ["chart", "paragraph", "table"]
    assert all("'sales_2001' (wmit) beside 'sales_2006' (wonju_city)" in message for _, message in found)
    en = root / "templates" / "brief" / "en.md.j2"  # the paragraph names both scopes: no longer flagged
    en.write_text(en.read_text(encoding="utf-8").replace("Sales of cluster firms grew",
                                                         'Sales of {{ term("wonju_city") }} firms grew'),
                  encoding="utf-8")
    assert sorted(message.split()[1] for _, message in _mixed(root)) == ["chart", "table"]


def test_a_table_or_chart_of_different_measures_is_flagged_a_sentence_is_not(tmp_path):
    root = copy_mini(tmp_path)
    _set(root, "sales_2001", measure="sales")
    _set(root, "sales_2006", measure="production")
    found = _mixed(root, "ko")
    assert sorted(message.split()[1] for _, message in found) == ["chart", "table"]
    assert "count different things" in found[0][1]


def test_check_reports_both_at_the_template_line(tmp_path):
    root = copy_mini(tmp_path)
    _set(root, "firms_2007", date_kind="report")
    _set(root, "sales_2001", scope="wmit")
    _set(root, "sales_2006", scope="wonju_city")
    project, _, _ = load_mini(root)
    found = {(f.check, str(f.location)) for f in run_checks(project) if f.check in ("ReportDateAsEvent", "MixedScope")}
    assert ("ReportDateAsEvent", "templates/brief/en.md.j2:4") in found
    assert ("MixedScope", "templates/brief/en.md.j2:4") in found  # the overview paragraph
    assert ("MixedScope", "templates/brief/en.md.j2:11") in found  # the chart
    assert ("MixedScope", "templates/_shared/macros.md.j2:5") in found  # the table's header row, in the macro


def test_an_unknown_scope_or_date_kind_is_an_error_at_its_line(tmp_path):
    root = copy_mini(tmp_path)
    _set(root, "firms_2007", date_kind="article", scope="wonju_town")
    with pytest.raises(WreportError) as raised:
        load_mini(root)
    text = str(raised.value)
    assert "date_kind" in text and "scope 'wonju_town' is not a glossary term id" in text
    assert "seeds/facts.yaml:48" in text and "seeds/facts.yaml:49" in text


def test_a_sentence_saying_what_a_source_gives_puts_the_sources_unit_first(tmp_path):
    root = copy_mini(tmp_path)
    en = root / "templates" / "brief" / "en.md.j2"
    text = en.read_text(encoding="utf-8")
    en.write_text(text.replace('- The {{ fact_label("donghwa_area") }}: {{ fact("donghwa_area") }}',
                               '- The Electronic Times gives {{ fact("donghwa_area") }}'), encoding="utf-8")
    project, facts, glossary = load_mini(root)
    rendered = render_edition(project, load_audience(project, "brief"), "en", facts, glossary)
    found = [(str(rendered.locate(p.line)), p.fact) for p in attributions(rendered.document, facts, "en")]
    assert found == [("templates/brief/en.md.j2:19", "donghwa_area")]
    en.write_text(text.replace('- The {{ fact_label("donghwa_area") }}: {{ fact("donghwa_area") }}',
                               '- The Electronic Times gives {{ fact("donghwa_area", source_unit=True) }}'),
                  encoding="utf-8")
    rendered = render_edition(project, load_audience(project, "brief"), "en", facts, glossary)
    assert list(attributions(rendered.document, facts, "en")) == []
    assert "The Electronic Times gives 100,000 pyeong (about 330,600 m²)" in rendered.markdown
    assert not [f for f in run_checks(project) if f.check in ("NumberMismatch", "AttributionUnitOrder")]


def test_a_table_caption_naming_whose_figures_they_are_is_the_note(tmp_path):
    root = copy_mini(tmp_path)
    _set(root, "sales_2001", scope="wmit", measure="sales")
    _set(root, "sales_2006", scope="wonju_city", measure="production")
    en = root / "templates" / "brief" / "en.md.j2"
    en.write_text(en.read_text(encoding="utf-8").replace(
        '"Sales of cluster firms", "Year"', '"Not comparable: the 2006 figure is " ~ term("wonju_city") ~ "\'s", "Year"'),
        encoding="utf-8")
    assert sorted(message.split()[1] for _, message in _mixed(root)) == ["chart", "paragraph"]
