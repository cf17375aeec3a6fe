"""The house style (docs/house-style.md): every example of the style, the decisions the project
took where the shared style is silent, round-trip properties, dates, periods, errors and the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wreport.data.formatting import (
    LIMIT,
    CountedNoun,
    Style,
    format_date,
    format_number,
    format_period,
    format_quantity,
    pyeong_to_m2,
    round_significant,
)
from wreport.errors import FormatError

COMPANIES = CountedNoun("개", "company", "companies")
MEMBERS = CountedNoun("명", "member", "members")
PERSONS = CountedNoun("명", "person", "people")
CONSULTATIONS = CountedNoun("건", "consultation", "consultations")
VISITORS = CountedNoun("명", "visitor", "visitors")
COUNTRIES = CountedNoun("개국", "country", "countries")
NO_COMMAS = Style(myriad_group_commas=False)


# ---------------------------------------------------------------- the style document's examples
STYLE_EXAMPLES = [
    # value, unit, lang, keyword arguments, expected
    ("609800000000", "KRW", "ko", {}, "6,098억 원"),
    ("435000000", "USD", "ko", {}, "4억 3,500만 달러"),
    ("2170000000", "KRW", "ko", {}, "21억 7,000만 원"),
    ("3000000000000", "KRW", "ko", {}, "3조 원"),
    ("330200", "m2", "ko", {}, "33만 200㎡"),
    ("3150", "pyeong", "ko", {}, "3,150평(약 1만 410㎡)"),
    ("4632", "count", "ko", {"counted": PERSONS}, "4,632명"),
    ("435000000", "USD", "ko", {"style": NO_COMMAS}, "4억 3500만 달러"),
    ("75", "count", "ko", {"counted": COMPANIES}, "75개"),
    ("302", "count", "ko", {"counted": MEMBERS}, "302명"),
    ("10.9", "percent", "ko", {}, "10.9%"),
    ("380", "count", "ko", {"counted": MEMBERS, "approx": "more-than"}, "380여 명"),
    ("492300000000", "KRW", "ko", {"approx": "about"}, "약 4,923억 원"),
    ("100000", "pyeong", "ko", {}, "10만 평(약 33만 600㎡)"),
    ("609800000000", "KRW", "en", {}, "KRW 609.8 billion"),
    ("435000000", "USD", "en", {}, "USD 435 million"),
    ("10450000", "USD", "en", {}, "USD 10.45 million"),
    ("2170000000", "KRW", "en", {}, "KRW 2.17 billion"),
    ("3000000000000", "KRW", "en", {}, "KRW 3 trillion"),
    ("850000", "USD", "en", {}, "USD 850,000"),
    ("429000", "m2", "en", {}, "429,000 m²"),
    ("75", "count", "en", {"counted": COMPANIES}, "75 companies"),
    ("302", "count", "en", {"counted": MEMBERS}, "302 members"),
    ("492300000000", "KRW", "en", {"approx": "about"}, "about KRW 492.3 billion"),
    ("380", "count", "en", {"counted": MEMBERS, "approx": "more-than"}, "more than 380 members"),
    ("10.9", "percent", "en", {}, "10.9%"),
    ("100000", "pyeong", "en", {}, "about 330,600 m² (100,000 pyeong)"),
]


@pytest.mark.parametrize("value, unit, lang, kwargs, expected", STYLE_EXAMPLES)
def test_style_document_examples(value, unit, lang, kwargs, expected):
    assert format_quantity(value, unit, lang, **kwargs) == expected


def test_babel_compact_and_percent_pitfalls_are_avoided():
    # The style doc's warning: Babel's compact gives 4.35억, its half-even rounding 10.45 → 10.4,
    # and its percent 0.109 → 11%. None of them may appear.
    assert format_quantity("435000000", "USD", "ko") == "4억 3,500만 달러"
    assert format_quantity("10450000", "USD", "en") == "USD 10.45 million"
    assert format_quantity("10.45", "percent", "en") == "10.45%"
    assert format_quantity("10.9", "percent", "ko") == "10.9%"


# ---------------------------------------------------------------- decisions where the style is silent
@pytest.mark.parametrize("unit, ko, en", [
    ("KRW", "0원", "KRW 0"),
    ("USD", "0달러", "USD 0"),
    ("m2", "0㎡", "0 m²"),
    ("pyeong", "0평(0㎡)", "0 m² (0 pyeong)"),
    ("percent", "0%", "0%"),
    ("count", "0개", "0 companies"),
])
def test_zero_in_each_unit(unit, ko, en):
    counted = COMPANIES if unit == "count" else None
    assert format_quantity(0, unit, "ko", counted=counted) == ko
    assert format_quantity(0, unit, "en", counted=counted) == en


@pytest.mark.parametrize("value, unit, expected", [
    ("150000000", "KRW", "1억 5,000만 원"),  # never 1.5억
    ("12345.5", "m2", "1만 2,345.5㎡"),
    ("10000.5", "m2", "1만 0.5㎡"),  # the fraction stays in the ones group
    ("330000", "m2", "33만㎡"),  # a symbol attaches even after a myriad unit
    ("100000000", "KRW", "1억 원"),
    ("100000001", "KRW", "1억 1원"),
])
def test_korean_myriad_decimals_and_spacing(value, unit, expected):
    assert format_quantity(value, unit, "ko") == expected


def test_format_number_bare_in_each_edition():
    assert format_number("150000000.25", "ko") == "1억 5,000만 0.25"
    assert format_number("435000000", "ko", NO_COMMAS) == "4억 3500만"
    assert format_number("435000000", "en", NO_COMMAS) == "435,000,000"
    assert format_number(2.5, "en") == "2.5"  # axis ticks are floats
    assert format_number(-1234, "ko") == "-1,234"


def test_commas_setting_applies_below_ten_thousand_and_not_to_english():
    assert format_quantity("3150", "pyeong", "ko", style=NO_COMMAS) == "3150평(약 1만 410㎡)"
    assert format_quantity("3150", "pyeong", "en", style=NO_COMMAS) == "about 10,410 m² (3,150 pyeong)"


@pytest.mark.parametrize("value, unit, expected", [
    ("1000000", "USD", "USD 1 million"),  # from one million up, in millions: exactly a million too
    ("999999", "USD", "USD 999,999"),  # below one million, the full grouped number
    ("1000000000", "KRW", "KRW 1 billion"),
    ("999999999", "KRW", "KRW 999.999999 million"),
    ("1000000000000", "KRW", "KRW 1 trillion"),
    ("-1000000", "USD", "USD -1 million"),
])
def test_english_money_at_each_scale_boundary(value, unit, expected):
    assert format_quantity(value, unit, "en") == expected


def test_english_counts_are_written_in_full():
    assert format_quantity(1_200_000, "count", "en", counted=VISITORS) == "1,200,000 visitors"
    assert format_quantity(1_200_000, "count", "ko", counted=VISITORS) == "120만 명"


@pytest.mark.parametrize("value, approx, expected", [
    (1, None, "1 company"),
    (1, "more-than", "more than 1 company"),
    (2, None, "2 companies"),
    (0, None, "0 companies"),
])
def test_english_singular_only_for_exactly_one(value, approx, expected):
    assert format_quantity(value, "count", "en", counted=COMPANIES, approx=approx) == expected


def test_count_without_noun_is_a_bare_number():
    assert format_quantity(75, "count", "ko") == "75"
    assert format_quantity(380, "count", "ko", approx="more-than") == "380여"
    assert format_quantity(75, "count", "en") == "75"


@pytest.mark.parametrize("value, counted, expected", [
    (380, MEMBERS, "380여 명"),
    (700, COMPANIES, "700여 개"),
    (5000, CONSULTATIONS, "5,000여 건"),
    (10000, VISITORS, "1만여 명"),
    (609800000000, None, "6,098억여"),
])
def test_korean_more_than_takes_a_space_before_the_counter(value, counted, expected):
    assert format_quantity(value, "count", "ko", counted=counted, approx="more-than") == expected


@pytest.mark.parametrize("unit, value, lang, approx, expected", [
    ("pyeong", "100000", "ko", "about", "약 10만 평(약 33만 600㎡)"),
    ("pyeong", "100000", "ko", "more-than", "10만여 평(약 33만 600㎡)"),
    ("pyeong", "100000", "en", "about", "about 330,600 m² (about 100,000 pyeong)"),
    ("pyeong", "100000", "en", "more-than", "about 330,600 m² (more than 100,000 pyeong)"),
    ("percent", "90", "ko", "about", "약 90%"),
    ("percent", "90", "en", "about", "about 90%"),
    ("KRW", "609800000000", "ko", "more-than", "6,098억여 원"),
    ("m2", "200", "ko", "more-than", "200여㎡"),
])
def test_approx_placement(unit, value, lang, approx, expected):
    assert format_quantity(value, unit, lang, approx=approx) == expected


# Expected strings written from docs/house-style.md: 이상/미만/넘게 follow the whole figure and its
# unit word, after a space; English puts at least / less than (fewer than before a counted noun)
# / over in front.
@pytest.mark.parametrize("unit, value, lang, approx, counted, expected", [
    ("USD", "7000000", "ko", "at-least", None, "700만 달러 이상"),
    ("USD", "7000000", "en", "at-least", None, "at least USD 7 million"),
    ("count", "380", "ko", "at-least", MEMBERS, "380명 이상"),
    ("count", "380", "en", "at-least", MEMBERS, "at least 380 members"),
    ("count", "50", "ko", "at-least", COUNTRIES, "50개국 이상"),
    ("percent", "90", "ko", "at-least", None, "90% 이상"),
    ("percent", "90", "en", "at-least", None, "at least 90%"),
    ("KRW", "5000000000000", "ko", "at-least", None, "5조 원 이상"),
    ("KRW", "5000000000000", "en", "at-least", None, "at least KRW 5 trillion"),
    ("m2", "330200", "ko", "at-least", None, "33만 200㎡ 이상"),
    ("pyeong", "100000", "ko", "at-least", None, "10만 평 이상(약 33만 600㎡)"),
    ("pyeong", "100000", "en", "at-least", None, "about 330,600 m² (at least 100,000 pyeong)"),
    ("count", "10", "ko", "less-than", COMPANIES, "10개 미만"),
    ("count", "10", "en", "less-than", COMPANIES, "fewer than 10 companies"),
    ("count", "10", "en", "less-than", None, "fewer than 10"),
    ("percent", "80", "ko", "less-than", None, "80% 미만"),
    ("percent", "80", "en", "less-than", None, "less than 80%"),
    ("USD", "10450000", "ko", "less-than", None, "1,045만 달러 미만"),
    ("USD", "10450000", "en", "less-than", None, "less than USD 10.45 million"),
    ("KRW", "609800000000", "ko", "over", None, "6,098억 원 넘게"),
    ("KRW", "609800000000", "en", "over", None, "over KRW 609.8 billion"),
    ("count", "75", "ko", "over", COMPANIES, "75개 넘게"),
    ("count", "75", "en", "over", COMPANIES, "over 75 companies"),
    ("count", "1", "en", "at-least", COMPANIES, "at least 1 company"),
])
def test_at_least_less_than_and_over(unit, value, lang, approx, counted, expected):
    assert format_quantity(value, unit, lang, approx=approx, counted=counted) == expected


def test_at_least_follows_the_commas_setting():
    assert format_quantity("7000000", "USD", "ko", approx="at-least", style=NO_COMMAS) == "700만 달러 이상"
    assert format_quantity("43500000", "USD", "ko", approx="at-least", style=NO_COMMAS) == "4350만 달러 이상"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_more_than_is_refused_for_a_percentage_in_both_editions(lang):
    with pytest.raises(FormatError, match="does not follow a percentage"):
        format_quantity("90", "percent", lang, approx="more-than")


def test_exact_pyeong_conversion_is_not_marked_approximate():
    assert format_quantity(121, "pyeong", "ko") == "121평(400㎡)"
    assert format_quantity(121, "pyeong", "en") == "400 m² (121 pyeong)"


def test_source_first_puts_the_pyeong_before_its_metric_equivalent_in_english():
    # house style: 10만 평(약 33만 600㎡) / about 330,600 m² (100,000 pyeong); what a source gives: its unit first
    assert format_quantity(100000, "pyeong", "en", source_first=True) == "100,000 pyeong (about 330,600 m²)"
    assert format_quantity(10000, "pyeong", "en", approx="about", source_first=True) == \
        "about 10,000 pyeong (about 33,060 m²)"
    assert format_quantity(100000, "pyeong", "ko", source_first=True) == "10만 평(약 33만 600㎡)"
    assert format_quantity(330200, "m2", "en", source_first=True) == "330,200 m²"


def test_negative_money_and_percent_carry_a_minus_sign():
    assert format_quantity("-435000000", "USD", "ko") == "-4억 3,500만 달러"
    assert format_quantity("-435000000", "USD", "en") == "USD -435 million"
    assert format_quantity("-3.2", "percent", "ko") == "-3.2%"
    assert format_quantity("-3.2", "percent", "en") == "-3.2%"


def test_dollar_cents_show_two_decimals_below_a_million():
    assert format_quantity("1234.5", "USD", "en") == "USD 1,234.50"
    assert format_quantity("1234.5", "USD", "ko") == "1,234.50달러"
    assert format_quantity("10450000.25", "USD", "en") == "USD 10.45000025 million"


def test_largest_values():
    assert format_quantity(10**15, "KRW", "en") == "KRW 1,000 trillion"
    assert format_quantity(10**16, "KRW", "ko") == "1경 원"
    top = 10**20 - 1
    assert format_quantity(top, "KRW", "ko") == "9,999경 9,999조 9,999억 9,999만 9,999원"
    assert format_quantity(top, "KRW", "en") == "KRW 99,999,999.999999999999 trillion"


def test_long_values_keep_every_digit():
    # Babel in the default 28-digit context would round this tail away.
    assert format_number("99999999999999999999.123456789", "en") == "99,999,999,999,999,999,999.123456789"


# ---------------------------------------------------------------- pyeong conversion
def test_pyeong_to_m2_is_value_times_400_over_121():
    assert pyeong_to_m2(121) == Decimal(400)
    assert pyeong_to_m2("100000") * 121 == pytest.approx(Decimal(40_000_000))
    assert str(pyeong_to_m2(1))[:12] == "3.3057851239"


@pytest.mark.parametrize("value, expected", [
    ("330578.5124", "330600"),
    ("330550", "330600"),  # half up, where half-even would give 330,600 too: check the next one
    ("330650", "330700"),  # half-even would give 330,600
    ("1.2345", "1.235"),  # half-even would give 1.234
    ("9999.5", "10000"),
    ("0", "0"),
])
def test_round_significant_is_half_up(value, expected):
    assert str(round_significant(Decimal(value))) == expected


# ---------------------------------------------------------------- round trips (hypothesis)
MYRIAD = {"": 0, "만": 4, "억": 8, "조": 12, "경": 16}
KO_GROUP = re.compile(r"^(?P<digits>[\d,]+)(?P<fraction>\.\d+)?(?P<unit>[만억조경]?)$")


def parse_korean(text: str, commas: bool) -> Decimal:
    """Read a Korean myriad number back, checking grouping: no empty group, units descending,
    each group 1-9999 written without leading zeros, commas exactly per the setting."""
    total, last_power = Decimal(0), 20
    for part in text.split(" "):
        match = KO_GROUP.match(part)
        assert match, f"bad group {part!r} in {text!r}"
        digits, fraction, unit = match["digits"], match["fraction"] or "", match["unit"]
        assert re.fullmatch(r"\d,\d{3}|\d{1,3}" if commas else r"\d{1,4}", digits), (part, text)
        assert digits == "0" or not digits.startswith("0"), text
        power = MYRIAD[unit]
        assert power < last_power, f"units out of order in {text!r}"
        assert not fraction or unit == "", f"fraction outside the ones group in {text!r}"
        group = Decimal(digits.replace(",", "") + fraction)
        assert group != 0 or text in ("0",) or fraction, f"empty group written in {text!r}"
        total += group.scaleb(power)
        last_power = power
    return total


def decimals(places: int, max_value: Decimal = LIMIT - 1) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=places, allow_nan=False, allow_infinity=False)


@given(value=st.one_of(st.integers(0, 10**20 - 1), decimals(3), decimals(8, Decimal(10) ** 6)),
       commas=st.booleans())
def test_korean_number_reads_back_exactly(value, commas):
    text = format_number(value, "ko", Style(myriad_group_commas=commas))
    assert parse_korean(text, commas) == Decimal(value)


@given(value=st.integers(0, 10**20 - 1), commas=st.booleans())
def test_korean_won_reads_back_and_spaces_the_unit_word(value, commas):
    text = format_quantity(value, "KRW", "ko", style=Style(myriad_group_commas=commas))
    number, sep = (text[:-2], " ") if text.endswith(" 원") else (text[:-1], "")
    assert text.endswith("원")
    assert (sep == " ") == (not number[-1].isdigit()), text  # space only after a Hangul unit
    assert parse_korean(number, commas) == value


EN_MONEY = re.compile(r"^(KRW|USD) (?P<amount>[\d,]+(?:\.\d+)?)(?: (?P<word>million|billion|trillion))?$")
EN_WORDS = {None: 0, "million": 6, "billion": 9, "trillion": 12}


@given(value=st.one_of(st.integers(0, 10**20 - 1), decimals(2)), unit=st.sampled_from(["KRW", "USD"]))
def test_english_money_never_rounds(value, unit):
    if unit == "KRW":
        value = Decimal(int(value))
    text = format_quantity(value, unit, "en")
    match = EN_MONEY.match(text)
    assert match, text
    whole = match["amount"].split(".")[0]
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", whole), text
    amount, word = Decimal(match["amount"].replace(",", "")), match["word"]
    assert amount.scaleb(EN_WORDS[word]) == Decimal(value)
    if word:  # the largest word that fits, and the amount at least one of it
        assert amount >= 1 and (word == "trillion" or amount < 1000), text
    else:
        assert Decimal(value) < 10**6


@given(value=decimals(2, Decimal(10) ** 12))
def test_pyeong_metric_is_the_four_figure_rounding_of_the_exact_conversion(value):
    text = format_quantity(value, "pyeong", "ko")
    metric = re.search(r"\((?:약 )?(.+)㎡\)$", text).group(1)
    shown = parse_korean(metric, True)
    exact = value * 400 / Decimal(121)
    assert shown == round_significant(pyeong_to_m2(value))
    assert abs(shown - exact) <= Decimal("0.0005") * exact + Decimal("1e-20")


# ---------------------------------------------------------------- dates and periods
@pytest.mark.parametrize("d, precision, ko, en", [
    (date(2007, 12, 10), "day", "2007년 12월 10일", "December 10, 2007"),
    (date(2005, 4, 1), "month", "2005년 4월", "April 2005"),
    (date(2016, 6, 30), "year", "2016년", "2016"),
])
def test_dates_at_each_precision(d, precision, ko, en):
    assert format_date(d, "ko", precision) == ko
    assert format_date(d, "en", precision) == en


@pytest.mark.parametrize("start, end, precision, ko, en", [
    (2005, 2008, "year", "2005~2008년", "2005–2008"),
    (2017, 2021, "year", "2017~2021년", "2017–2021"),
    (1998, 2012, "year", "1998~2012년", "1998–2012"),  # across decades: both years in full
    (2016, 2016, "year", "2016년", "2016"),  # same year collapses
    (date(2005, 1, 1), date(2008, 12, 31), "year", "2005~2008년", "2005–2008"),
    (date(2007, 3, 1), date(2007, 5, 31), "month", "2007년 3~5월", "March–May 2007"),
    (date(2005, 4, 1), date(2008, 5, 1), "month", "2005년 4월~2008년 5월", "April 2005–May 2008"),
    (date(2007, 3, 1), date(2007, 3, 31), "month", "2007년 3월", "March 2007"),
    (date(2007, 3, 1), date(2007, 3, 10), "day", "2007년 3월 1~10일", "March 1–10, 2007"),
    (date(2007, 3, 1), date(2007, 5, 10), "day", "2007년 3월 1일~5월 10일", "March 1–May 10, 2007"),
    (date(2007, 12, 10), date(2008, 1, 5), "day", "2007년 12월 10일~2008년 1월 5일",
     "December 10, 2007–January 5, 2008"),
    (date(2007, 12, 10), date(2007, 12, 10), "day", "2007년 12월 10일", "December 10, 2007"),
])
def test_periods(start, end, precision, ko, en):
    assert format_period(start, end, "ko", precision) == ko
    assert format_period(start, end, "en", precision) == en


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("call, message", [
    (lambda: format_quantity(1, "furlong", "ko"), "unknown unit 'furlong'"),
    (lambda: format_quantity(1, "KRW", "fr"), "unknown language 'fr'"),
    (lambda: format_quantity(1, "KRW", "ko", approx="roughly"), "unknown approx 'roughly'"),
    (lambda: format_quantity(-1, "count", "ko"), "count cannot be negative"),
    (lambda: format_quantity("-5", "m2", "en"), "area cannot be negative"),
    (lambda: format_quantity("-5", "pyeong", "en"), "area cannot be negative"),
    (lambda: format_quantity("2.5", "count", "en"), "count must be a whole number"),
    (lambda: format_quantity("1000.5", "KRW", "ko"), "won amount must be a whole number"),
    (lambda: format_quantity("1.005", "USD", "en"), "down to cents"),
    (lambda: format_quantity("NaN", "KRW", "ko"), "not a finite number"),
    (lambda: format_quantity("Infinity", "percent", "en"), "not a finite number"),
    (lambda: format_quantity(10**20, "KRW", "ko"), "too large"),
    (lambda: format_number(-(10**20), "en"), "too large"),
    (lambda: format_quantity(10.9, "percent", "en"), "float"),
    (lambda: format_quantity("1,234", "KRW", "en"), "'1,234' is not a number"),
    (lambda: format_quantity(True, "count", "en"), "not a number"),
    (lambda: format_quantity(None, "count", "en"), "not a number"),
    (lambda: format_quantity(5, "KRW", "en", counted=COMPANIES), "counted noun"),
    (lambda: format_date(date(2007, 1, 1), "ko", "week"), "unknown precision 'week'"),
    (lambda: format_date("2007-01-01", "ko"), "not a date"),
    (lambda: format_date(date(2007, 1, 1), "de"), "unknown language 'de'"),
    (lambda: format_period(2008, 2005, "ko"), "ends (2005) before it starts (2008)"),
    (lambda: format_period(2005, 2008, "ko", "month"), "cannot be written at month precision"),
    (lambda: format_period("2005", 2008, "en"), "not a date or a year"),
    (lambda: format_period(0, 2008, "en"), "not a year"),
])
def test_errors_are_format_errors_with_a_clear_message(call, message):
    with pytest.raises(FormatError) as caught:
        call()
    assert message in str(caught.value)


# ---------------------------------------------------------------- the CLI
WREPORT = Path(sys.executable).parent / "wreport"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(WREPORT), *args], capture_output=True, text=True, cwd=cwd)


def test_cli_prints_both_editions():
    result = run_cli("format", "609800000000", "--unit", "KRW")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ko: 6,098억 원\nen: KRW 609.8 billion\n"


def test_cli_one_language_without_commas_and_approx():
    result = run_cli("format", "435000000", "--unit", "USD", "--lang", "ko", "--no-group-commas",
                     "--approx", "about")
    assert result.stdout == "약 4억 3500만 달러\n"


def test_cli_at_least():
    result = run_cli("format", "7000000", "-u", "USD", "--approx", "at-least")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ko: 700만 달러 이상\nen: at least USD 7 million\n"


def test_cli_negative_value_after_double_dash():
    result = run_cli("format", "-u", "percent", "--lang", "en", "--", "-3.2")
    assert result.stdout == "-3.2%\n"


@pytest.mark.parametrize("args, message", [
    (("12,5", "--unit", "KRW"), "error: '12,5' is not a number"),
    (("5", "--unit", "furlong"), "error: unknown unit 'furlong'"),
    (("5", "--unit", "KRW", "--lang", "fr"), "error: unknown language 'fr'"),
    (("2.5", "--unit", "count"), "must be a whole number"),
])
def test_cli_bad_input_is_one_error_line_and_exit_1(args, message):
    result = run_cli("format", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_counted_noun_from_the_project_glossary():
    pytest.importorskip("wreport.data.glossary")
    root = Path(__file__).resolve().parents[2]
    result = run_cli("--project", str(root), "format", "1", "--unit", "count", "--counted", "companies")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ko: 1개\nen: 1 company\n"
