"""The glossary: the real terms.csv, look-ups, counted nouns, exports, bad input and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from mini_project import copy_mini
from project_edits import edit

from wreport.data.formatting import format_quantity
from wreport.data.glossary import COLUMNS, KINDS, Glossary, Term, export_csv, export_tbx, load_glossary
from wreport.errors import DataError, ProblemsError, WreportError

ROOT = Path(__file__).resolve().parents[2]
TERMS = ROOT / "glossary" / "terms.csv"
WREPORT = Path(sys.executable).parent / "wreport"
TBX = "{urn:iso:std:iso:30042:ed-2}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER = ",".join(COLUMNS)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(TERMS)


# ---------------------------------------------------------------- the real glossary
def test_real_glossary_loads_with_at_least_80_terms_of_every_kind(glossary):
    assert len(glossary) >= 80
    assert {term.kind for term in glossary} == set(KINDS)


@pytest.mark.parametrize("key, en, abbr", [
    ("산업자원부", "Ministry of Commerce, Industry and Energy", "MOCIE"),
    ("산업통상자원부", "Ministry of Trade, Industry and Energy", "MOTIE"),
    ("한국산업단지공단", "Korea Industrial Complex Corporation", "KICOX"),
    ("원주의료기기테크노밸리", "Wonju Medical Industry Techno Valley", "WMIT"),
    ("강원도", "Gangwon Province", ""),
    ("지역발전위원회", "Presidential Committee for Regional Development", "PCRD"),
    ("식약처", "Ministry of Food and Drug Safety", "MFDS"),
    ("중국국제의료기기박람회", "China International Medical Equipment Fair", "CMEF"),
    ("연세대학교 원주캠퍼스", "Yonsei University Wonju Campus", ""),
])
def test_official_names_by_korean_term(glossary, key, en, abbr):
    term = glossary.get(key)
    assert (term.en, term.abbr) == (en, abbr)


def test_get_by_id_and_by_korean_ignoring_spacing(glossary):
    assert glossary.get("wmit").ko == "원주의료기기테크노밸리"
    assert glossary.get("연세대학교원주캠퍼스").id == "yonsei_wonju"
    assert glossary.get("mini_cluster").en == "mini-cluster"


def test_unknown_term_names_the_file_and_suggests(glossary):
    with pytest.raises(DataError) as caught:
        glossary.get("wmitt")
    message = str(caught.value)
    assert "terms.csv" in message and "'wmitt'" in message and "did you mean 'wmit'" in message


@pytest.mark.parametrize("query, first", [
    ("테크노밸리", "wmit"),  # Korean short form inside the full name
    ("techno valley", "wmit"),  # English, case-insensitive
    ("KICOX", "kicox"),  # abbreviation
    ("원주 혁신클러스터", "wonju_innovation_cluster"),  # spacing differs from the term
    ("연세대 원주캠퍼스", "yonsei_wonju"),  # words apart in the name
    ("mini cluster", "mini_cluster"),  # hyphen ignored
    ("U-헬스", "u_health"),
    ("Kangwon Province", "gangwon"),  # a forbidden variant finds the term to use
    ("Wonju Medical Device Techno Valley", "wmit"),
])
def test_lookup_either_language(glossary, query, first):
    found = glossary.lookup(query)
    assert found and found[0].id == first


def test_lookup_without_match_is_empty(glossary):
    assert glossary.lookup("zeppelin") == []
    assert glossary.lookup("   ") == []


AGREED_COUNTED_NOUNS = [
    ("companies", "기업", "개", "company", "companies"), ("members", "회원", "명", "member", "members"),
    ("persons", "인원", "명", "person", "people"), ("jobs", "고용", "명", "job", "jobs"),
    ("employees", "종업원", "명", "employee", "employees"), ("clusters", "클러스터", "개", "cluster", "clusters"),
    ("complexes", "단지", "개", "complex", "complexes"),
    ("consultations", "상담", "건", "consultation", "consultations"),
    ("contracts", "계약", "건", "contract", "contracts"), ("units", "대", "대", "unit", "units"),
    ("projects", "과제", "건", "project", "projects"), ("meetings", "회의", "회", "meeting", "meetings"),
    ("patents", "특허", "건", "patent", "patents"), ("products", "제품", "개", "product", "products"),
    ("institutions", "기관", "개", "institution", "institutions"),
    ("countries", "국가", "개국", "country", "countries"),
    ("universities", "대학", "개", "university", "universities"), ("cases", "사례", "건", "case", "cases"),
    ("visitors", "방문객", "명", "visitor", "visitors"), ("buyers", "바이어", "명", "buyer", "buyers"),
    ("years", "연", "년", "year", "years"),
    ("mini_clusters", "미니클러스터 수", "개", "mini-cluster", "mini-clusters"),
]


@pytest.mark.parametrize("key, ko, counter, singular, plural", AGREED_COUNTED_NOUNS)
def test_agreed_counted_nouns(glossary, key, ko, counter, singular, plural):
    noun = glossary.counted_noun(key)
    assert glossary.get(key).ko == ko
    assert (noun.ko_counter, noun.en_singular, noun.en_plural) == (counter, singular, plural)


def test_mini_cluster_counts_have_their_own_noun_apart_from_the_policy_term(glossary):
    assert glossary.get("미니클러스터").id == "mini_cluster"
    assert glossary.get("mini_clusters").ko != glossary.get("mini_cluster").ko
    assert format_quantity(36, "count", "en", counted=glossary.counted_noun("mini_clusters")) == "36 mini-clusters"


def test_every_counted_noun_formats_a_count(glossary):
    nouns = [term for term in glossary if term.is_counted_noun]
    assert len(nouns) >= len(AGREED_COUNTED_NOUNS)
    for key, _, counter, singular, plural in AGREED_COUNTED_NOUNS:  # the agreed words, written by hand
        noun = glossary.counted_noun(key)
        assert format_quantity(75, "count", "en", counted=noun) == f"75 {plural}"
        assert format_quantity(1, "count", "en", counted=noun) == f"1 {singular}"
        assert format_quantity(75, "count", "ko", counted=noun) == f"75{counter}"


def test_counted_noun_of_another_kind_is_an_error(glossary):
    with pytest.raises(DataError, match="'wmit' is of kind 'organisation', not a counted noun"):
        glossary.counted_noun("wmit")


def test_forbidden_variants_map_to_the_term_to_use(glossary):
    variants = glossary.forbidden_variants()
    assert variants["Wonju Medical Device Techno Valley"].en == "Wonju Medical Industry Techno Valley"
    assert variants["Kangwon Province"].id == "gangwon"
    agreed = {name.casefold() for term in glossary for name in (term.en, term.abbr) if name}
    assert not agreed & {variant.casefold() for variant in variants}


def test_every_fact_counted_noun_is_in_the_glossary(glossary):
    facts = ROOT / "seeds" / "facts.yaml"
    if not facts.exists():
        pytest.skip("seeds/facts.yaml not written yet")
    import yaml

    def counted(node):
        if isinstance(node, dict):
            if isinstance(node.get("counted"), str):
                yield node["counted"]
            for value in node.values():
                yield from counted(value)
        elif isinstance(node, list):
            for value in node:
                yield from counted(value)

    for key in set(counted(yaml.safe_load(facts.read_text(encoding="utf-8")))):
        glossary.counted_noun(key)


# ---------------------------------------------------------------- exports
def test_csv_export_loads_back_to_the_same_terms(glossary, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(export_csv(glossary), encoding="utf-8")
    assert load_glossary(path).terms == glossary.terms


def test_tbx_export_is_tbx_basic_with_one_concept_per_term(glossary):
    data = export_tbx(glossary)
    root = etree.fromstring(data)
    assert root.tag == f"{TBX}tbx"
    assert (root.get("type"), root.get("style"), root.get(XML_LANG)) == ("TBX-Basic", "dca", "en")
    models = [node.text for node in root.itersiblings(preceding=True)
              if isinstance(node, etree._ProcessingInstruction)]
    assert any("TBX-Basic_integrated.rng" in text for text in models)
    assert any("TBX-Basic_DCA.sch" in text for text in models)
    assert root.find(f"{TBX}tbxHeader/{TBX}fileDesc/{TBX}sourceDesc/{TBX}p") is not None
    entries = root.findall(f"{TBX}text/{TBX}body/{TBX}conceptEntry")
    assert [entry.get("id") for entry in entries] == [term.id for term in glossary]
    for entry in entries:
        assert [sec.get(XML_LANG) for sec in entry.findall(f"{TBX}langSec")] == ["ko", "en"]


def _term_secs(root, concept: str, lang: str) -> dict[str, dict[str, str]]:
    """term text -> {termNote type: value} for one langSec of one conceptEntry."""
    secs = root.findall(f".//{TBX}conceptEntry[@id='{concept}']/{TBX}langSec[@{{http://www.w3.org/XML/1998/namespace}}lang='{lang}']/{TBX}termSec")
    return {sec.findtext(f"{TBX}term"): {note.get("type"): note.text for note in sec.findall(f"{TBX}termNote")}
            for sec in secs}


def test_tbx_marks_agreed_abbreviated_and_forbidden_terms(glossary):
    root = etree.fromstring(export_tbx(glossary))
    english = _term_secs(root, "wmit", "en")
    assert english["Wonju Medical Industry Techno Valley"]["administrativeStatus"] == "preferredTerm-admn-sts"
    assert english["WMIT"] == {"partOfSpeech": "noun", "administrativeStatus": "admittedTerm-admn-sts",
                               "termType": "abbreviation"}
    assert english["Wonju Medical Device Techno Valley"]["administrativeStatus"] == "deprecatedTerm-admn-sts"
    korean = _term_secs(root, "wmit", "ko")
    assert korean["원주의료기기테크노밸리"]["administrativeStatus"] == "preferredTerm-admn-sts"
    deprecated = root.xpath("//t:termNote[@type='administrativeStatus'][.='deprecatedTerm-admn-sts']",
                            namespaces={"t": TBX[1:-1]})
    assert len(deprecated) == sum(len(term.forbidden) for term in glossary)


# ---------------------------------------------------------------- bad input
ROW = "wmit,원주의료기기테크노밸리,Wonju Medical Industry Techno Valley,WMIT,organisation,,,,"


def problems_in(tmp_path: Path, text: str) -> list[str]:
    """Load ``text`` as a glossary file and return each reported problem as the user sees it."""
    path = tmp_path / "terms.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WreportError) as caught:
        load_glossary(path)
    error = caught.value
    return [str(p) for p in error.problems] if isinstance(error, ProblemsError) else [str(error)]


def at(tmp_path: Path, line: int) -> str:
    return f"{tmp_path / 'terms.csv'}:{line}: "


GANGWON = "gangwon,강원도,Gangwon Province,,place,,,,"
MULTILINE_NOTE = '"Since 2023\nGangwon State;\nthe sources predate that."'


@pytest.mark.parametrize("rows, line, starts, contains", [
    pytest.param([ROW, GANGWON.replace("gangwon", "wmit", 1)], 3, "duplicate id 'wmit' (first on line 2)", "",
                 id="duplicate id"),
    pytest.param([ROW, "wmit2,원주의료기기테크노밸리,Wonju Medical Device Techno Valley,,organisation,,,,"], 3,
                 "Korean term '원주의료기기테크노밸리' has two English names", "on line 2", id="two English names"),
    pytest.param([ROW, ROW.replace("wmit,", "wmit_again,", 1)], 3, "duplicate row", "line 2", id="duplicate row"),
    pytest.param([ROW.replace("organisation", "organization")], 2, "unknown kind 'organization'",
                 "did you mean 'organisation'", id="unknown kind"),
    pytest.param([ROW, "gangwon,강원도,Gangwon Province,place"], 3, "expected 9 fields, found 4",
                 "quote a field that contains a comma", id="column count"),
    pytest.param([ROW, 'gangwon,강원도,Gangwon Province,,place,,,"Since 2023 Gangwon State,', ROW], 3,
                 "unclosed quote", "runs to the end of the file", id="unclosed quote"),
    pytest.param(['gangwon,강원도,"Gangwon" Province,,place,,,,', ROW], 2, "CSV syntax", "", id="stray quote"),
    pytest.param([f"gangwon,강원도,Gangwon Province,,place,,,{MULTILINE_NOTE},", ROW.replace("organisation", "org")],
                 5, "unknown kind 'org'", "", id="physical lines after a multi-line field"),
    pytest.param([f"gangwon,강원도,Gangwon Province,,plaec,,,{MULTILINE_NOTE},", ROW], 2, "unknown kind 'plaec'",
                 "", id="a multi-line row is reported on its first line"),
    pytest.param([ROW, GANGWON + "Kangwon Province|wonju medical industry techno valley"], 3,
                 "forbidden variant 'wonju medical industry techno valley' is the agreed name of 'wmit' (line 2)",
                 "", id="forbidden agreed name"),
])
def test_one_bad_row_is_reported_with_file_and_line(tmp_path, rows, line, starts, contains):
    [problem] = problems_in(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert problem.startswith(at(tmp_path, line) + starts)
    assert contains in problem


def test_agreed_names_mixing_scripts_are_refused_and_the_korean_mix_is_not(tmp_path):
    text = (f"{HEADER}\n"
            "kexim,한국수출입은행,\u0415xport-Import Bank of Korea,KEXIM,organisation,,,,\n"  # Cyrillic Е
            "kicox,한국산업단지공단,Korea Industrial Complex Corporation,KIC\u039fX,organisation,,,,\n"  # Greek Ο
            "wonju,원주시,W\u0585nju City,,place,,,,\n"  # Armenian օ
            "wmit,원주의료기기테크노밸리,\u13d4onju Medical Industry Techno Valley,WMIT,organisation,,,,\n"  # Cherokee Ꮤ
            "u_health,U-헬스,u-health,,policy-term,,,,\n"  # Hangul beside Latin: allowed
            "hsinchu,新竹 과학단지,Hsinchu Science Park,,place,,,,\n")  # Han beside Hangul: allowed
    hint = ("(write the name in one script: a letter of another script (Cyrillic, Greek, Armenian, Cherokee...) "
            "looks like a Latin one here)")
    assert problems_in(tmp_path, text) == [
        f"{at(tmp_path, 2)}en name '\u0415xport-Import Bank of Korea' mixes scripts in '\u0415xport' {hint}",
        f"{at(tmp_path, 3)}abbr name 'KIC\u039fX' mixes scripts in 'KIC\u039fX' {hint}",
        f"{at(tmp_path, 4)}en name 'W\u0585nju City' mixes scripts in 'W\u0585nju' {hint}",
        f"{at(tmp_path, 5)}en name '\u13d4onju Medical Industry Techno Valley' mixes scripts in '\u13d4onju' {hint}",
    ]



def test_agreed_names_in_full_width_or_mathematical_letters_are_refused(tmp_path):
    """One script each, so no mix; but not the letters anyone types or searches for."""
    text = (f"{HEADER}\n"
            "kicox,한국산업단지공단,Korea Industrial Complex Corporation,\uff2b\uff29\uff23\uff2f\uff38,organisation,,,,\n"
            "wonju,원주시,\U0001d416\U0001d428\U0001d427\U0001d423\U0001d42e City,,place,,,,\n"
            "gangwon,강원도,Gangwon Province,,place,,,,\n")
    assert problems_in(tmp_path, text) == [
        f"{at(tmp_path, 2)}abbr name 'ＫＩＣＯＸ' is written in compatibility forms (full-width, mathematical or small "
        "letters, ligatures): it reads as 'KICOX' (write 'KICOX')",
        f"{at(tmp_path, 3)}en name '𝐖𝐨𝐧𝐣𝐮 City' is written in compatibility forms (full-width, mathematical or small "
        "letters, ligatures): it reads as 'Wonju City' (write 'Wonju City')",
    ]

def test_missing_header_column(tmp_path):
    text = f"{HEADER.replace(',forbidden', '')}\n{ROW[:-1]}\n"
    [problem] = problems_in(tmp_path, text)
    assert problem.startswith(f"{at(tmp_path, 1)}missing column(s) in header: forbidden")


def test_duplicate_header_column(tmp_path):
    text = f"{HEADER.replace('forbidden', 'notes')}\n{ROW}\n"
    problems = problems_in(tmp_path, text)
    assert f"{at(tmp_path, 1)}column 'notes' appears twice in the header" in problems


def test_columns_may_come_in_any_order(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("en,ko,id,kind,abbr,en_plural,ko_counter,notes,forbidden\n"
                    "Gangwon Province,강원도,gangwon,place,,,,,Kangwon Province\n", encoding="utf-8")
    assert load_glossary(path).get("강원도").forbidden == ("Kangwon Province",)


def test_empty_fields_and_counted_noun_forms(tmp_path):
    text = f"{HEADER}\n,원주,,,place,,,,\nfirms,기업,company,,counted-noun,,,,\n"
    assert problems_in(tmp_path, text) == [
        f"{at(tmp_path, 2)}empty id", f"{at(tmp_path, 2)}empty en",
        f"{at(tmp_path, 3)}counted noun 'firms' has no en_plural "
        "(counts need the Korean counter (개, 명, 건) and the English plural)",
        f"{at(tmp_path, 3)}counted noun 'firms' has no ko_counter "
        "(counts need the Korean counter (개, 명, 건) and the English plural)",
    ]


def test_any_term_may_have_a_plural_and_only_counted_nouns_need_one(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(f"{HEADER}\nmini_cluster,미니클러스터,mini-cluster,,policy-term,mini-clusters,,,\n"
                    "kicox,한국산업단지공단,Korea Industrial Complex Corporation,KICOX,organisation,,,,\n",
                    encoding="utf-8")
    glossary = load_glossary(path)
    assert (glossary.get("mini_cluster").en_plural, glossary.get("kicox").en_plural) == ("mini-clusters", "")


@pytest.mark.parametrize("key, plural", [("mini_cluster", "mini-clusters"), ("support_institution",
                         "support institutions"), ("intl_procurement", "international procurement markets")])
def test_real_glossary_has_plurals_of_the_terms_the_briefs_pluralise(glossary, key, plural):
    assert glossary.get(key).en_plural == plural


def test_forbidden_variant_equal_to_an_agreed_name(tmp_path):
    text = (f"{HEADER}\n{ROW}\n"
            "gangwon,강원도,Gangwon Province,,place,,,,Kangwon Province|wonju medical industry techno valley\n")
    [problem] = problems_in(tmp_path, text)
    assert problem.startswith(f"{at(tmp_path, 3)}forbidden variant 'wonju medical industry techno valley' "
                              "is the agreed name of 'wmit' (line 2)")


def test_several_problems_are_reported_together(tmp_path):
    text = (f"{HEADER}\n{ROW}\nwmit,강원도,Gangwon Province,,place,,,,\n"
            "bad id,원주,Wonju,,town,,,,\nshort,row\n")
    path = tmp_path / "terms.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_glossary(path)
    lines = [problem.location.line for problem in caught.value.problems]
    assert sorted(lines) == [3, 4, 4, 5]
    assert str(caught.value).startswith(f"4 problems in {path}:")


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_bytes(f"{HEADER}\n{ROW}\n".encode() + "gangwon,강원도,Gangwon Province,,place,,,,\n".encode("cp949"))
    with pytest.raises(DataError, match=r"terms\.csv:3:9: not UTF-8 text"):
        load_glossary(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="glossary file not found"):
        load_glossary(tmp_path / "nope.csv")


def test_spreadsheet_bom_and_blank_lines_are_accepted(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(f"{HEADER}\n\n{ROW}\n", encoding="utf-8-sig")  # as a spreadsheet saves "CSV UTF-8"
    glossary = load_glossary(path)
    assert glossary.get("wmit").location.line == 3
    assert glossary.terms == (Term(id="wmit", ko="원주의료기기테크노밸리", en="Wonju Medical Industry Techno Valley",
                                   abbr="WMIT", kind="organisation"),)


# ---------------------------------------------------------------- command line
def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WREPORT), "--project", str(ROOT), "glossary", *args],
                          capture_output=True, text=True)


def test_cli_list_by_kind():
    result = run_cli("list", "--kind", "counted-noun")
    assert result.returncode == 0, result.stderr
    assert "companies" in result.stdout and "기업" in result.stdout
    assert "Wonju Medical Industry" not in result.stdout


def test_cli_lookup_korean_and_forbidden_english():
    result = run_cli("lookup", "강원도")
    assert result.returncode == 0 and "Gangwon Province" in result.stdout
    result = run_cli("lookup", "Kangwon Province")
    assert "'Kangwon Province' is a forbidden variant: write 'Gangwon Province'" in result.stdout


def test_cli_lookup_without_match_fails_clearly():
    result = run_cli("lookup", "zeppelin")
    assert result.returncode == 1
    assert result.stderr.startswith("error: no glossary term matches 'zeppelin'")
    assert "Traceback" not in result.stderr


def test_cli_refuses_a_glossary_name_with_a_cherokee_look_alike_at_its_line(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, "glossary/terms.csv", "Complex Corporation,KICOX", "\u13dfomplex Corporation,KICOX")
    terms = root / "glossary" / "terms.csv"
    before = terms.read_bytes()
    result = subprocess.run([str(WREPORT), "--project", str(root), "glossary", "lookup", "KICOX"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("error: glossary/terms.csv:2: en name 'Korea Industrial \u13dfomplex Corporation' "
                                    "mixes scripts in '\u13dfomplex'")
    assert terms.read_bytes() == before


def test_cli_export_tbx_to_stdout_and_csv_to_file(tmp_path, glossary):
    result = subprocess.run([str(WREPORT), "--project", str(ROOT), "glossary", "export", "--format", "tbx"],
                            capture_output=True)
    assert result.returncode == 0
    assert len(etree.fromstring(result.stdout).findall(f".//{TBX}conceptEntry")) == len(glossary)
    out = tmp_path / "terms.csv"
    result = run_cli("export", "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert load_glossary(out).terms == glossary.terms
    assert [p.name for p in tmp_path.iterdir()] == ["terms.csv"]  # no temporary file left behind


def test_cli_export_bad_format_and_missing_folder(tmp_path):
    result = run_cli("export", "--format", "xlsx")
    assert result.returncode == 1 and "unknown export format 'xlsx'" in result.stderr
    result = run_cli("export", "--output", str(tmp_path / "missing" / "terms.csv"))
    assert result.returncode == 1 and f"error: {tmp_path / 'missing' / 'terms.csv'}: cannot write" in result.stderr
