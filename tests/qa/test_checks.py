"""`wreport check`: each check on a small broken copy of the fixture project, and the reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from mini_project import copy_mini, write_template
from pypdf import PdfReader
from real_project import copy_project

from wreport.build.editions import build
from wreport.errors import Location
from wreport.inputs.project import load_project
from wreport.qa.checks import (
    CHECKS,
    ERROR,
    WARNING,
    Finding,
    OutputLocation,
    format_text,
    hand_typed_numbers,
    run_checks,
    template_prose,
)

WREPORT = Path(sys.executable).parent / "wreport"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


@pytest.fixture
def mini(tmp_path):
    return copy_mini(tmp_path)


def edit(root: Path, relative: str, old: str, new: str) -> None:
    """Replace text in one of the project's files; the old text must be there."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def check(root: Path, **options) -> list[Finding]:
    return run_checks(load_project(root), **options)


def only(findings: list[Finding], check_id: str) -> list[Finding]:
    return [f for f in findings if f.check == check_id]


def where(finding: Finding) -> str:
    return str(finding.location)


def line_of(root: Path, relative: str, text: str) -> int:
    """The 1-based line of the first line holding ``text``."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WREPORT), "--project", str(root), "check", *args],
                          capture_output=True, text=True, timeout=120)


EN = "templates/brief/en.md.j2"
KO = "templates/brief/ko.md.j2"
FACTS = "seeds/facts.yaml"
GLOSSARY = "glossary/terms.csv"


# ---------------------------------------------------------------- a clean project
def test_the_fixture_project_is_clean(mini):
    assert check(mini) == []
    result = cli(mini)
    assert (result.returncode, result.stdout) == (0, "no problems found\n")


# ---------------------------------------------------------------- data files
def test_quote_not_found_names_the_fact_line(mini):
    edit(mini, FACTS, 'quote: "75개 의료기기 제조업체가 입주해"', 'quote: "76개 의료기기 제조업체가 입주해"')
    (finding,) = check(mini)[:1]
    assert finding.check == "QuoteNotFound" and finding.severity == ERROR
    assert where(finding) == f"{FACTS}:{line_of(mini, FACTS, 'id: firms_2007')}"
    assert "fact 'firms_2007': quote not found in source 'fnnews-2007'" in finding.message


def test_derived_mismatch_and_unknown_source(mini):
    edit(mini, FACTS, 'value: "437.1"', 'value: "437.2"')
    edit(mini, FACTS, 'source: etnews-2006\n    quote: "전용단지', 'source: etnews-2016\n    quote: "전용단지')
    findings = check(mini)
    (derived,) = only(findings, "DerivedMismatch")
    assert where(derived) == f"{FACTS}:{line_of(mini, FACTS, 'id: sales_growth')}"
    assert "declared value 437.2 does not match growth(sales_2001, sales_2006) = 437.1" in derived.message
    (source,) = only(findings, "UnknownSource")
    assert "unknown source 'etnews-2016'" in source.message and "etnews-2006" in source.hint


def test_glossary_duplicates_two_english_names_and_forbidden_agreed_name(mini):
    append(mini, GLOSSARY, "wonju_city,원주시,Wonju City,,organisation,,,,\n"
                           "kicox_2,한국산업단지공단,Korea Industrial Park Corporation,,organisation,,,,\n"
                           "wmit_2,원주테크노밸리,WMIT Foundation,,organisation,,,,Wonju City\n")
    findings = check(mini)
    assert [(where(f), f.message) for f in only(findings, "DuplicateTerm")] == [
        (f"{GLOSSARY}:7", "duplicate id 'wonju_city' (first on line 4)"),
        (f"{GLOSSARY}:7", "duplicate row: 원주시 = Wonju City is already on line 4")]
    (inconsistent,) = only(findings, "InconsistentTranslation")
    assert where(inconsistent) == f"{GLOSSARY}:8"
    assert "'Korea Industrial Park Corporation' here, 'Korea Industrial Complex Corporation'" in inconsistent.message
    (variant,) = only(findings, "ForbiddenVariant")
    assert where(variant) == f"{GLOSSARY}:9" and "'Wonju City' is the agreed name of 'wonju_city'" in variant.message


def test_every_broken_file_is_reported_in_one_run(mini):
    edit(mini, GLOSSARY, "companies,기업,company,,counted-noun,companies,개,,", 'companies,"기업,company')
    edit(mini, FACTS, "  - id: sales_2006\n", "  - id: sales_2006\n   bad: [\n")
    edit(mini, "templates/brief/audience.toml", "languages = ", "languages = = ")
    write_template(mini, "brief/en.md.j2", "# Overview\n\n{{ fact('a' }}\n")
    findings = check(mini)
    assert {(f.check, f.location.file) for f in findings} >= {
        ("DataError", GLOSSARY), ("DataError", FACTS), ("ConfigError", "templates/brief/audience.toml"),
        ("TemplateError", EN)}
    (toml,) = only(findings, "ConfigError")
    assert toml.location.line == 1 and toml.message.startswith("invalid TOML")
    (yaml_error,) = [f for f in findings if f.location.file == FACTS]
    assert yaml_error.message.startswith("invalid YAML") and yaml_error.location.line == 13
    (csv_error,) = [f for f in findings if f.location.file == GLOSSARY]
    assert "unclosed quote" in csv_error.message and csv_error.location.line == 6


def test_editions_that_cannot_be_rendered_are_reported_as_skipped(mini):
    edit(mini, FACTS, 'value: "437.1"', 'value: "437.2"')
    findings = check(mini)
    (skipped,) = only(findings, "Skipped")
    assert skipped.severity == WARNING and where(skipped) == "templates/brief/audience.toml"
    assert "the fact set did not load" in skipped.message


# ---------------------------------------------------------------- templates
def test_syntax_error_is_one_finding_at_its_line(mini):
    edit(mini, EN, "## Sales\n", "## Sales\n{% if %}\n")
    findings = check(mini)
    assert [(f.check, where(f)) for f in findings] == [("TemplateError", f"{EN}:8")]
    assert findings[0].message.startswith("syntax error:")


def test_every_unknown_fact_and_term_is_found_without_rendering(mini):
    edit(mini, EN, '{{ fact("export_share") }}', '{{ fact("export_shares") }}')
    edit(mini, EN, '{{ term("wonju_city") }}', '{{ term("wonju_town") }}')
    edit(mini, EN, '{{ fact("donghwa_funding") }}', '{{ fact_label("donghwa_fundin") }}')
    findings = check(mini)
    assert [(f.check, where(f)) for f in findings] == [
        ("UnknownFact", f"{EN}:17"), ("UnknownTerm", f"{EN}:19"), ("UnknownFact", f"{EN}:19")]
    assert findings[0].message == "unknown fact 'export_shares'" and "export_share" in findings[0].hint
    assert findings[1].message == "unknown glossary term 'wonju_town'"


def test_unknown_fact_inside_a_macro_is_found_by_rendering(mini):
    edit(mini, EN, '["sales_2001", "sales_2006", "sales_2007"], "Sales', '["sales_2001", "sales_1999"], "Sales')
    (finding,) = check(mini)
    assert (finding.check, where(finding)) == ("UnknownFact", "templates/_shared/macros.md.j2:8")


def test_undefined_name_is_a_template_error(mini):
    edit(mini, EN, "{{ pagebreak() }}", "{{ page_break() }}")
    (finding,) = check(mini)
    assert (finding.check, where(finding)) == ("TemplateError", f"{EN}:13")
    assert "'page_break' is undefined" in finding.message


def test_template_prose_blanks_tags_and_keeps_lines_and_columns():
    source = "a {{ '}}' ~ x }} b\n{# 2007 #}c {% if y %}\nd{% endif %}\n{% raw %}{{ 5 }}{% endraw %}\n"
    prose = template_prose(source)
    assert prose.splitlines()[0].replace("\ufffc", "") == "a  b"
    assert [len(line) for line in prose.splitlines()] == [len(line) for line in source.splitlines()]
    assert prose.splitlines()[1].replace("\ufffc", "") == "c "
    assert prose.splitlines()[3].replace("\ufffc", "") == "{{ 5 }}"


@pytest.mark.parametrize("line", [
    "1. first item", "  12) nested item", "> 3. quoted item", "## 2.3 Background", "# 1. 개요",
    "see [^fnnews-2007] and [^2]", "[site](https://example.org/2017/page-3)", "<http://10.0.0.1/x>",
    "3D printing, G7, COVID-19 and ISO9001", "as Figure 2 and Table 10 show", "(그림 2, 표 3)",
])
def test_allowed_digits_in_prose(line):
    assert list(hand_typed_numbers(line)) == []


@pytest.mark.parametrize("line, numbers", [
    ("입주기업은 75개이다", ["75"]),
    ("sales of KRW 28.6 billion and 1,536 more", ["28.6", "1,536"]),
    ("- 10여 년", ["10"]),
    ("## 2016 results", ["2016"]),
    ("1.5 times", ["1.5"]),
])
def test_hand_typed_numbers_are_found(line, numbers):
    assert [number for _, _, number in hand_typed_numbers(line)] == numbers


def test_hand_typed_number_in_a_template_points_at_line_and_column_and_years_are_warnings(mini):
    edit(mini, KO, "입주한 제조업체는", "입주한 75개 제조업체는")
    append(mini, EN, "\nFounded in 1998 {# opened in 1998 #}.\n")
    findings = check(mini)
    year, number = only(findings, "HandTypedNumber")  # en.md.j2 is scanned before ko.md.j2
    assert (where(number), number.severity) == (f"{KO}:4:25", ERROR)
    assert number.message == "hand-typed number '75' in template prose" and "fact('id')" in number.hint
    assert (where(year), year.severity) == (f"{EN}:25:12", WARNING)


# ---------------------------------------------------------------- the two editions compared
def test_fact_cited_in_one_edition_only(mini):
    edit(mini, KO, "## 매출\n", "## 매출\n\n수출 비중은 {{ fact('sales_2007') }}이다.\n")
    edit(mini, EN, "## Sales\n", "## Sales\n\nKoreans only.{{ own() }}\n")
    edit(mini, KO, '{{ m.sales_table(["sales_2001", "sales_2006", "sales_2007"]',
         '{{ m.sales_table(["sales_2001", "sales_2006"]')
    edit(mini, EN, '{{ m.sales_table(["sales_2001", "sales_2006", "sales_2007"]',
         '{{ m.sales_table(["sales_2001", "sales_2006"]')
    for path in (KO, EN):
        edit(mini, path, '{{ chart(["sales_2001", "sales_2006", "sales_2007"]', '{{ chart(["sales_2001", "sales_2006"]')
    (finding,) = only(check(mini), "FactSetMismatch")
    assert (finding.check, where(finding)) == ("FactSetMismatch", f"{KO}:9")
    assert finding.message == "fact 'sales_2007' is cited in the brief/ko edition but not in brief/en"


def test_figure_printed_in_one_edition_only(mini):
    edit(mini, EN, "- Share of national medical-device exports: {{ fact(\"export_share\") }}",
         "- Share of national medical-device exports: see {{ fact_label(\"export_share\") }}")
    (finding,) = only(check(mini), "NumberMismatch")
    assert (finding.check, where(finding)) == ("NumberMismatch", f"{EN}:17")
    assert finding.message == "fact 'export_share': '12%' is printed in the brief/ko edition, '12%' is not in brief/en"


def test_a_count_printed_bare_is_printed_but_not_inside_another_number(mini):
    edit(mini, EN, '{{ term("wmit") }} housed {{ fact("firms_2007") }}.',
         '{{ term("wmit") }} housed {{ fact("firms_2007", noun=False) }} manufacturing companies.')
    assert only(check(mini), "NumberMismatch") == []
    edit(mini, EN, '{{ fact("firms_2007", noun=False) }} manufacturing', '{{ fact("firms_2007", cite=False, noun=False) }}0 '
         'manufacturing')  # 750: the count is no longer printed on its own
    (finding,) = only(check(mini), "NumberMismatch")
    assert finding.message == ("fact 'firms_2007': '75개' is printed in the brief/ko edition, '75 companies' is "
                               "not in brief/en")


def test_korean_in_the_english_edition_is_traced_to_template_fact_and_source(mini):
    edit(mini, EN, "## Sales\n", "## Sales\n\nThe 클러스터 grew.\n")
    edit(mini, FACTS, "en: area of the Donghwa medical-device complex", "en: area of the 동화 complex")
    edit(mini, "seeds/sources.yaml", '    publisher_en: "The Electronic Times"\n', "")
    findings = only(check(mini), "Untranslated")
    assert [(where(f), f.message) for f in findings] == [
        (f"{EN}:9", "Korean text '클러스터' in the brief/en edition"),
        (f"{FACTS}:{line_of(mini, FACTS, 'id: donghwa_area')}", "Korean text '동화' in the brief/en edition"),
        (f"seeds/sources.yaml:{line_of(mini, 'seeds/sources.yaml', 'id: etnews-2006')}",
         "Korean text '전자신문' in the brief/en edition"),
    ]
    assert [f.hint for f in findings][1:] == [
        "translate it, or take the English from the glossary (term()) or a fact label",
        "write the English in `publisher_en:` of source 'etnews-2006' in seeds/sources.yaml"]



def test_tracing_many_findings_reads_each_origin_once(tmp_path, monkeypatch):
    """An English edition with hundreds of Korean leftovers: each finding is traced to its line
    without reading every template line, fact label and glossary row again (that was findings x
    origins calls of reader_text: 300 findings over some 700 origins, about 200,000 calls)."""
    import wreport.qa.checks as checks

    real = checks.reader_text
    calls = {}
    for count in (30, 300):
        root = copy_mini(tmp_path / str(count))
        words = [f"가{chr(0xAC01 + n)}" for n in range(count)]  # different Korean words
        edit(root, EN, "## Sales\n", "## Sales\n\n" + "".join(f"The {w} grew.\n\n" for w in words))
        made = []
        monkeypatch.setattr(checks, "reader_text", lambda text, made=made: made.append(1) or real(text))
        findings = only(check(root), "Untranslated")
        assert {where(f) for f in findings} == {f"{EN}:{9 + 2 * n}" for n in range(count)}
        calls[count] = len(made)
    assert calls[300] - calls[30] < 20 * 270  # a few readings more per finding, not one per origin

def test_an_english_name_the_glossary_does_not_know_beside_a_term(mini):
    edit(mini, EN, '{{ term("wmit") }} housed', 'The Wonju Techno Valley, near Korea Industrial Complex Corporation, housed')
    findings = only(check(mini), "UnknownName")
    assert [(where(f), f.message, f.hint, f.severity) for f in findings] == [
        (f"{EN}:4", "'Wonju Techno Valley' in the brief/en edition is not a glossary name (the brief/ko edition uses "
         "a glossary term here)", "did you mean 'Wonju Medical Industry Techno Valley'? write term('wmit'), or add "
         "the name to the glossary if it is another one", WARNING)]  # KICOX's own name is the glossary's
    edit(mini, EN, "The Wonju Techno Valley", "The Wonju Medical Industry Techno Valley")
    assert only(check(mini), "UnknownName") == []
    edit(mini, EN, "## Sales\n", "## Sales\n\nThe Gangwon Daily reported it.\n")  # no Korean twin
    assert only(check(mini), "UnknownName") == []


def test_untraceable_korean_points_at_the_built_pdf_page(mini):
    edit(mini, EN, "## Exports and sites\n", "## Exports and sites\n\nThe {{ '클러' ~ '스터' }} grew.\n")
    (before,) = only(check(mini), "Untranslated")
    assert before.location == Location(EN)  # nothing built yet: the edition's template
    build(load_project(mini), langs=["en"], formats=["pdf"])
    (after,) = only(check(mini), "Untranslated")
    assert after.location == OutputLocation("out/brief/brief.en.pdf", 3)  # title page, contents, then this
    assert str(after).startswith("out/brief/brief.en.pdf (page 3): [Untranslated] Korean text '클러스터'")
    pages = [page.extract_text() for page in PdfReader(mini / "out/brief/brief.en.pdf").pages]
    assert ["클러스터" in text for text in pages] == [False, False, True]


def test_forbidden_variant_in_built_text_is_traced_to_its_origin(mini):
    edit(mini, EN, "are run by {{ term(\"kicox\") }};", "are run by the Korea Industrial Complex Agency;")
    edit(mini, FACTS, "en: area of the Donghwa medical-device complex", "en: area of the mini cluster complex")
    findings = only(check(mini), "ForbiddenVariant")
    assert [(where(f), f.message) for f in findings] == [
        (f"{EN}:21", "forbidden variant 'Korea Industrial Complex Agency' in the brief/en edition"),
        (f"{FACTS}:{line_of(mini, FACTS, 'id: donghwa_area')}",
         "forbidden variant 'mini cluster' in the brief/en edition"),
    ]
    assert findings[0].hint == "the glossary's name is 'Korea Industrial Complex Corporation': use term('kicox')"


@pytest.mark.parametrize("written, seen", [
    ("Korea Industrial\\\nComplex Agency", "Korea Industrial Complex Agency"),  # a hard line break reads as a space
    ("korea industrial complex agency", "korea industrial complex agency"),  # case is no disguise
    ("KOREA INDUSTRIAL COMPLEX AGENCY", "KOREA INDUSTRIAL COMPLEX AGENCY"),
], ids=["line break", "lower case", "capitals"])
def test_forbidden_variant_over_a_line_break_or_in_other_capitals_is_found(mini, written, seen):
    edit(mini, EN, "are run by {{ term(\"kicox\") }};", f"are run by the {written};")
    (finding,) = only(check(mini), "ForbiddenVariant")
    assert finding.message == f"forbidden variant '{seen}' in the brief/en edition"


@pytest.mark.parametrize("written, seen", [
    ("K\u043erea Industrial Complex Agency", "K\u043erea Industrial Complex Agency"),  # Cyrillic о
    ("K\u0585rea Industrial Complex Agency", "K\u0585rea Industrial Complex Agency"),  # Armenian օ
    ("Korea Industrial \u13dfomplex Agency", "Korea Industrial \u13dfomplex Agency"),  # Cherokee Ꮯ
    ("Korea Industrial \U0001d402omplex Agency", "Korea Industrial Complex Agency"),  # mathematical 𝐂 (NFKC: C)
    ("Korea Industrial \u1d04omplex Agency", "Korea Industrial \u1d04omplex Agency"),  # small capital ᴄ
    ("Korea lndustrial Cornplex Agency", "Korea lndustrial Cornplex Agency"),  # l for I, rn for m
], ids=["Cyrillic", "Armenian", "Cherokee", "mathematical", "small capital", "Latin rn"])
def test_forbidden_variant_in_look_alike_letters_of_any_script_is_found(mini, written, seen):
    edit(mini, EN, "are run by {{ term(\"kicox\") }};", f"are run by the {written};")
    (finding,) = only(check(mini), "ForbiddenVariant")
    assert where(finding) == f"{EN}:21"
    assert finding.message == f"forbidden variant '{seen}' in the brief/en edition"


@pytest.mark.parametrize("written, letters", [
    ("Kor\u0435a Industrial \u0421omplex Corporation",
     "\u0435 U+0435 CYRILLIC SMALL LETTER IE, \u0421 U+0421 CYRILLIC CAPITAL LETTER ES"),
    ("Korea Industrial C\u0585mplex Corporation", "\u0585 U+0585 ARMENIAN SMALL LETTER OH"),
    ("Korea Industrial \u13dfomplex Corporation", "\u13df U+13DF CHEROKEE LETTER TLI"),
    ("Korea Industrial \uff23omplex Corporation", "\uff23 U+FF23 FULLWIDTH LATIN CAPITAL LETTER C"),
    ("Korea Industrial \U0001d402omplex Corporation", "\U0001d402 U+1D402 MATHEMATICAL BOLD CAPITAL C"),
    ("Korea Industrial \u1d04omplex Corporation", "\u1d04 U+1D04 LATIN LETTER SMALL CAPITAL C"),
], ids=["Cyrillic", "Armenian", "Cherokee", "full-width", "mathematical", "small capital"])
def test_agreed_name_written_with_look_alike_letters_is_found(mini, written, letters):
    edit(mini, EN, "are run by {{ term(\"kicox\") }};", f"are run by the {written};")
    (finding,) = only(check(mini), "LookAlikeName")
    assert (finding.severity, where(finding)) == (ERROR, f"{EN}:21")
    assert finding.message == (f"'{written}' in the brief/en edition writes 'Korea Industrial Complex Corporation' "
                               f"with look-alike letters: {letters}")


def test_agreed_name_in_capitals_or_broken_by_a_soft_hyphen_is_no_look_alike(mini):
    written = "KOREA INDUSTRIAL COM\u00adPLEX CORPORATION"
    edit(mini, EN, "are run by {{ term(\"kicox\") }};", f"are run by the {written};")
    assert only(check(mini), "LookAlikeName") == []


@pytest.mark.parametrize("name, word", [
    ("Korea Industrial Compl\u0435x Corporation", "Compl\u0435x"),  # Cyrillic е
    ("Korea Industrial C\u0585mplex Corporation", "C\u0585mplex"),  # Armenian օ
    ("Korea Industrial \u13dfomplex Corporation", "\u13dfomplex"),  # Cherokee Ꮯ
    ("Korea Industrial Complex Corporation \u041c\u043e\u0441\u043a\u0432\u0430",  # a Cyrillic word beside
     "Korea Industrial Complex Corporation \u041c\u043e\u0441\u043a\u0432\u0430"),
], ids=["Cyrillic", "Armenian", "Cherokee", "Cyrillic word"])
def test_glossary_name_mixing_scripts_is_refused_by_check(mini, name, word):
    row = "kicox,한국산업단지공단,Korea Industrial Complex Corporation,KICOX,"
    edit(mini, GLOSSARY, row, row.replace("Korea Industrial Complex Corporation", name))
    (finding,) = only(check(mini), "MixedScript")
    assert where(finding) == f"{GLOSSARY}:2"
    assert finding.message == f"en name '{name}' mixes scripts in '{word}'"


def test_korean_names_mixing_hangul_han_and_latin_are_agreed_names(mini):
    row = "kicox,한국산업단지공단,Korea Industrial Complex Corporation,KICOX,"
    edit(mini, GLOSSARY, row, "kicox,韓國산업단지공단(KICOX),Korea Industrial Complex Corporation,KICOX,")
    assert only(check(mini), "MixedScript") == []


def test_forbidden_variant_inside_an_agreed_name_is_not_flagged(mini):
    wmit = "wmit,원주의료기기테크노밸리,Wonju Medical Industry Techno Valley,WMIT,organisation,,,,"
    edit(mini, GLOSSARY, wmit, wmit + "Techno Valley")
    assert check(mini) == []
    append(mini, EN, "\nThe Techno Valley grew.\n")
    (finding,) = only(check(mini), "ForbiddenVariant")  # (and a SegmentGap: the paragraph is in English only)
    assert (finding.check, where(finding)) == ("ForbiddenVariant", f"{EN}:25")


def test_key_term_of_the_korean_edition_missing_in_english_is_a_warning(mini):
    edit(mini, EN, "funded by {{ term(\"wonju_city\") }} with", "funded by the city with")
    (finding,) = check(mini)
    assert (finding.check, finding.severity, where(finding)) == ("KeyTermMissing", WARNING, EN)
    assert finding.message == "'원주시' is in the brief/ko edition but 'Wonju City' is not in brief/en"
    assert cli(mini).returncode == 0
    strict = cli(mini, "--strict")
    assert strict.returncode == 1 and "[KeyTermMissing] warning:" not in strict.stdout
    assert "1 error in 1 file" in strict.stdout


def test_written_out_korean_term_counts_and_longest_name_wins(mini):
    edit(mini, KO, "## 매출\n", "## 매출\n\n한국산업단지공단의 원주의료기기테크노밸리 지원.{{ own() }}\n")
    # both are named in English already; 원주시 is not read inside them (the paragraph is a gap)
    assert [f.check for f in check(mini)] == ["SegmentGap"]
    edit(mini, EN, 'run by {{ term("kicox") }}; {{ term("kicox") }} reports', "run by an agency; it reports")
    (finding,) = only(check(mini), "KeyTermMissing")
    assert finding.check == "KeyTermMissing" and "'Korea Industrial Complex Corporation'" in finding.message


UNCITED_FACTS = """
  - id: sales_2007_alt{n}
    value: "250_000_000_000"
    unit: KRW
    period: "2007"
    approx: none
    status: forecast
    label: {{ko: 입주기업 매출액 전망, en: forecast sales of cluster firms}}
    source: fnnews-2007
    quote: "올해는 2500억원에 달할 전망이다"
"""


def test_cited_facts_in_a_recorded_conflict_are_warnings(mini):
    edit(mini, FACTS, "facts:\n", "facts:\n" + UNCITED_FACTS.format(n=1) + UNCITED_FACTS.format(n=2))
    append(mini, FACTS, "\nconflicts:\n"
                        "  - id: both_cited\n    facts: [sales_2007, export_share]\n    note: Two readings.\n"
                        "  - id: one_cited\n    facts: [sales_2007, sales_2007_alt1]\n    note: Same sentence.\n"
                        "  - id: none_cited\n    facts: [sales_2007_alt1, sales_2007_alt2]\n    note: Not shown.\n")
    findings = check(mini)
    assert [(f.check, f.severity, where(f)) for f in findings] == [
        ("FactConflict", WARNING, f"{FACTS}:{line_of(mini, FACTS, 'id: both_cited')}"),
        ("FactConflict", WARNING, f"{FACTS}:{line_of(mini, FACTS, 'id: one_cited')}")]
    assert findings[0].message == ("conflict 'both_cited': 'sales_2007', 'export_share' cited in brief/en, "
                                   "brief/ko; every side of it is cited")
    assert findings[0].hint == "curator's note: Two readings."
    assert findings[1].message == ("conflict 'one_cited': 'sales_2007' cited in brief/en, brief/ko; "
                                   "it disagrees with 'sales_2007_alt1'")


def test_strict_makes_warnings_errors(mini):
    append(mini, EN, "\nIn 2007.{{ own() }}\n")
    findings = check(mini, strict=True)
    assert {(f.check, f.severity) for f in findings} == {("HandTypedNumber", ERROR), ("SegmentGap", ERROR)}


# ---------------------------------------------------------------- audiences and reports
def test_unknown_audience_is_a_finding_not_an_exception(mini):
    (finding,) = check(mini, audiences=["nope"])
    assert finding.check == "ConfigError" and "no audience 'nope'" in finding.message and "brief" in finding.hint


def test_audience_outside_the_templates_folder_is_refused_and_not_scanned(mini):
    (mini / "elsewhere").mkdir()
    (mini / "elsewhere" / "en.md.j2").write_text("{% if %}\n", encoding="utf-8")
    (finding,) = check(mini, audiences=["../elsewhere"])
    assert finding.check == "ConfigError" and "no audience" in finding.message  # and no syntax error found there


def test_text_report_groups_by_file_and_sorts_by_line(mini):
    edit(mini, KO, "입주한 제조업체는", "입주한 75개 제조업체는")
    append(mini, KO, "\n3.5배\n")
    edit(mini, FACTS, 'value: "437.1"', 'value: "437.2"')
    result = cli(mini)
    assert result.returncode == 1 and result.stderr == ""
    facts_line = line_of(mini, FACTS, "id: sales_growth")
    assert result.stdout == (
        f"{FACTS}\n"
        f"  {FACTS}:{facts_line}: [DerivedMismatch] fact 'sales_growth': declared value 437.2 does not match "
        "growth(sales_2001, sales_2006) = 437.1 (fix the declared value or the inputs)\n\n"
        f"{KO}\n"
        f"  {KO}:4:25: [HandTypedNumber] hand-typed number '75' in template prose ("
        + only(check(mini), "HandTypedNumber")[0].hint + ")\n"
        f"  {KO}:25:1: [HandTypedNumber] hand-typed number '3.5' in template prose ("
        + only(check(mini), "HandTypedNumber")[0].hint + ")\n\n"
        "templates/brief/audience.toml\n"
        "  templates/brief/audience.toml: [Skipped] warning: the editions of 'brief' were not rendered or "
        "compared: the fact set did not load (fix the data errors and run the check again)\n\n"
        "3 errors, 1 warning in 3 files\n")


def test_json_report(mini):
    edit(mini, KO, "입주한 제조업체는", "입주한 75개 제조업체는")
    result = cli(mini, "--format", "json", "--audience", "brief")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["errors"], report["warnings"], report["summary"]) == (1, 0, "1 error in 1 file")
    assert report["findings"] == [{
        "check": "HandTypedNumber", "severity": "error", "file": KO, "line": 4, "column": 25, "page": None,
        "message": "hand-typed number '75' in template prose", "hint": report["findings"][0]["hint"]}]


def test_bad_report_format_is_a_one_line_error(mini):
    result = cli(mini, "--format", "xml")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "error: unknown report format 'xml' (use text or json)\n"


def test_format_text_of_nothing():
    assert format_text([]) == "no problems found\n"


def test_every_check_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    for check_id in CHECKS:
        assert f"`{check_id}`" in docs, check_id


# ---------------------------------------------------------------- what each segment rests on
def test_a_paragraph_with_no_fact_claim_or_own_mark_is_unsupported_at_its_line(mini):
    append(mini, EN, "\nThe cluster is the best in Asia.\n")
    append(mini, KO, "\n클러스터는 아시아 최고다.\n")
    found = only(check(mini), "Unsupported")
    assert [(where(f), f.severity) for f in found] == [
        (f"{KO}:{line_of(mini, KO, '아시아 최고')}", ERROR), (f"{EN}:{line_of(mini, EN, 'best in Asia')}", ERROR)]
    assert "The cluster is the best in Asia." in found[1].message


def test_a_claim_or_the_own_mark_supports_a_paragraph(mini):
    append(mini, EN, '\nWonju City built the Techno Valley.{{ claim("city_built_techno_valley") }}\n\nWe judge it worked.{{ own() }}\n')
    append(mini, KO, '\n원주시가 테크노밸리를 세웠다.{{ claim("city_built_techno_valley") }}\n\n성공했다고 본다.{{ own() }}\n')
    assert check(mini) == []


def test_editions_resting_on_different_claims_are_a_difference(mini):
    append(mini, EN, '\nWonju City built the Techno Valley.{{ claim("city_built_techno_valley") }}\n\nWe judge it worked.{{ own() }}\n')
    append(mini, KO, '\n원주시가 테크노밸리를 세웠다.{{ claim("cluster_built_by_city_and_yonsei") }}\n\n'
                     '성공했다.{{ claim("city_built_techno_valley") }}\n')
    found = only(check(mini), "ClaimMismatch")
    assert [(where(f), f.severity) for f in found] == [
        (f"{KO}:{line_of(mini, KO, '테크노밸리를 세웠다')}", WARNING), (f"{KO}:{line_of(mini, KO, '성공했다')}", WARNING),
        (f"{KO}:{line_of(mini, KO, '성공했다')}", WARNING)]
    assert "only the Korean edition cites cluster_built_by_city_and_yonsei; only the English edition cites " \
           "city_built_techno_valley" in found[0].message
    assert "only the Korean edition cites city_built_techno_valley" in found[1].message
    assert "the brief's own analysis in the English edition only" in found[2].message


def test_the_real_briefs_fail_the_check_when_a_segment_loses_its_mark(tmp_path):
    root = copy_project(tmp_path)
    template = "templates/partner-brief/en.md.j2"
    edit(root, template, '{{ claim("wmit_production_bases", cite=False) }}{{ claim("wmit_indonesia_base_planned") }}', "")
    found = [f for f in check(root, audiences=["partner-brief"]) if f.severity == ERROR]
    assert [(f.check, where(f)) for f in found] == [
        ("Unsupported", f"{template}:{line_of(root, template, 'Production partnerships')}")]
