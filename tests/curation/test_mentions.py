"""The mention finder: expected values are written by hand from the source sentences."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from wreport.curation.mentions import find_mentions, parse_korean_amount

SOURCES = Path(__file__).resolve().parents[2] / "seeds" / "sources"


def _found(text: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(text, value, unit, counter, approx) of each mention, as a reader would list them."""
    return [(m.text, f"{m.value:f}", m.unit, m.counter, m.approx) for m in find_mentions("s", text)]


@pytest.mark.parametrize("written, value", [
    ("4억 3500만", "435000000"), ("4억3500만", "435000000"), ("21억7000만", "2170000000"),
    ("33만 200", "330200"), ("42만 9000", "429000"), ("1천 150억", "115000000000"), ("4천 632", "4632"),
    ("460조", "460000000000000"), ("10.9", "10.9"), ("4,417", "4417"), ("8만", "80000"),
])
def test_korean_amounts_parse_to_exact_values(written: str, value: str) -> None:
    assert parse_korean_amount(written) == Decimal(value)


def test_money_area_and_percent_with_their_base_units() -> None:
    sentence = ("2016년 기준으로 원주 의료기기산업은 국내생산 6098억원 수출 4억 3500만 달러(약 한화 4923억원)를 "
                "기록했다. 전국에서 원주 의료기기산업이 차지하는 비중은 생산 10.9%,수출 14.9%에 달한다.")
    assert _found(sentence) == [
        ("6098억원", "609800000000", "KRW", None, None),
        ("4억 3500만 달러", "435000000", "USD", None, None),
        ("약 한화 4923억원", "492300000000", "KRW", None, "about"),
        ("10.9%", "10.9", "percent", None, None),
        ("14.9%", "14.9", "percent", None, None),
    ]
    area = "태장동 일대 3만 3000㎡ 의료기기산업단지와 문막읍 동화리에 10만평 규모의 의료기기 전용단지"
    assert _found(area) == [("3만 3000㎡", "33000", "m2", None, None), ("10만평", "100000", "pyeong", None, None)]


def test_counters_and_approximations() -> None:
    text = ("91개 기업을 포함해 대학, 연구소, 지원기관 등 380여명의 회원이 참여하고 있다. "
            "전체 75개 기업 중 10개 미만 업체의 매출이 전체 생산 규모의 80%에 달하는 등. "
            "5000여건의 상담실적과 700만달러 이상의 수출계약을 성사시키기도 했다. 8만\n\n여개의신규일자리와")
    assert _found(text) == [
        ("91개", "91", "count", "개", None), ("380여명", "380", "count", "명", "more-than"),
        ("75개", "75", "count", "개", None), ("10개 미만", "10", "count", "개", "less-than"),
        ("80%", "80", "percent", None, None), ("5000여건", "5000", "count", "건", "more-than"),
        ("700만달러 이상", "7000000", "USD", None, "at-least"), ("8만 여개", "80000", "count", "개", "more-than"),
    ]


def test_the_two_phrases_the_briefs_printed_as_words() -> None:
    assert _found("서울에서 고속도로를 타고 1시간을 조금 넘게 달리면") == [
        ("1시간을 조금 넘게", "1", "count", "시간", "over")]
    assert _found("남원주 IC, 문막 IC, 원주 IC를 중심으로 각 5분 거리 내에 연구 및") == [
        ("5분 거리 내", "5", "count", "분", "at-most")]


def test_number_words_need_a_counter_and_a_word_boundary() -> None:
    text = "올해는 지난 해 보다 두 배 많은 국제전시회를, 국가조달시장 등 세 분야로 세분하여. 세계 한국 네트워크 두개념이"
    assert _found(text) == [("두 배", "2", "times", None, None), ("세 분야", "3", "count", "분야", None)]


def test_dates_and_ordinals_are_not_mentions() -> None:
    text = ("지난 98년 원주보건소에서. 99년 10월에 조성. 2005년도 990억원을 비롯. 70년대 들면서. "
            "1차 연도에 2단계로. 혁신클러스터 사업은 올해 3년차에 접어들면서. 작성일 2007-12-10 조회수 4,417")
    assert _found(text) == [("990억원", "99000000000", "KRW", None, None)]


def test_durations_in_years_are_mentions() -> None:
    assert _found("조성 추진 10년 만에, 향후 5년간 300억원의, 올해부터 2015년까지 10개년사업으로") == [
        ("10년", "10", "count", "년", None), ("5년간", "5", "count", "년", None),
        ("300억원", "30000000000", "KRW", None, None), ("10개년", "10", "count", "개년", None)]


def test_ranges_give_both_ends() -> None:
    assert _found("현재 7개 시범단지별로 4∼7개의 미니클러스터를 구성") == [
        ("7개", "7", "count", "개", None), ("4", "4", "count", "개", None), ("7개", "7", "count", "개", None)]


def test_passing_a_mark_is_not_an_approximation() -> None:
    assert _found("지난 2005년 수출 1000만 달러를 돌파한 이래") == [("1000만 달러를 돌파", "10000000", "USD", None, None)]


def test_english_amounts() -> None:
    text = "Exports reached USD 435 million in 2016, about KRW 492.3 billion, or 14.9 percent of the total."
    assert _found(text) == [("USD 435 million", "435000000", "USD", None, None),
                            ("about KRW 492.3 billion", "492300000000", "KRW", None, "about"),
                            ("14.9 percent", "14.9", "percent", None, None)]


def test_numbers_alone_on_a_line_are_table_cells_or_page_numbers() -> None:
    assert _found("회원수\n\n82\n\n112\n48\n대한병원협회지") == [
        ("82", "82", None, None, None), ("112", "112", None, None, None), ("48", "48", None, None, None)]


def test_mentions_carry_line_sentence_and_noun() -> None:
    text = "제목\n원주 의료기기 클러스터는 성과를 거두고 있다. 올 6월 말 현재 42만 9000㎡ 부지에 75개 의료기기 제조업체가 입주해 있다."
    first, second = find_mentions("fnnews", text)
    assert (first.source, first.line, first.unit) == ("fnnews", 2, "m2")
    assert first.sentence == "올 6월 말 현재 42만 9000㎡ 부지에 75개 의료기기 제조업체가 입주해 있다."
    assert text[second.start:second.end] == "75개" and second.noun == "의료기기"


def test_the_five_sources_hand_checked_sample() -> None:
    """A sample of each real source's figures, read off the texts by hand."""
    expected = {
        "000_ae5f8235035a93f8.txt": {("1536억원", "153600000000"), ("1000만달러 내외", "10000000"),
                                     ("40여국", "40"), ("50개국 이상", "50"), ("137명", "137"), ("82", "82")},
        "001_4b4705ae55b1dff4.txt": {("1시간을 조금 넘게", "1"), ("5분 거리 내", "5"), ("21억7000만원", "2170000000"),
                                     ("302명", "302"), ("20회", "20"), ("249건", "249")},
        "002_a8291d0652ee4436.txt": {("4억3500만달러", "435000000"), ("309만 달러", "3090000"), ("7곳", "7"),
                                     ("194억원", "19400000000"), ("두 배", "2"), ("세 분야", "3")},
        "003_dbdbf1c1b274672e.txt": {("3000대", "3000"), ("36만명", "360000"), ("460조원", "460000000000000"),
                                     ("1940억달러", "194000000000"), ("2배 이상", "2")},
        "004_8714bb8e54f795aa.txt": {("6114억원", "611400000000"), ("3150평", "3150"), ("1천 150억원", "115000000000"),
                                     ("4천 632명", "4632"), ("14만평", "140000"), ("5조원이상", "5000000000000"),
                                     ("3조원정도", "3000000000000")},
    }
    for name, sample in expected.items():
        found = {(m.text, f"{m.value:f}") for m in find_mentions(name, (SOURCES / name).read_text(encoding="utf-8"))}
        assert sample <= found, (name, sample - found)


@pytest.mark.parametrize("written, value, unit", [
    ("4억3500만 달러", "435000000", "USD"), ("1,045만 달러", "10450000", "USD"), ("6098억원", "609800000000", "KRW"),
    ("3만 3000㎡", "33000", "m2"), ("10만평", "100000", "pyeong"),
    # as PDF text extraction leaves them: a space wherever digits meet Hangul
    ("286 억원", "28600000000", "KRW"), ("3 만 3000㎡", "33000", "m2"), ("4 억 3500 만 달러", "435000000", "USD"),
    ("1045 만 달러", "10450000", "USD"), ("6098 억원", "609800000000", "KRW"), ("10 만평", "100000", "pyeong"),
    ("1000 만달러", "10000000", "USD"), ("460 조원", "460000000000000", "KRW"), ("48 만명", "480000", "count"),
    ("10.9 %", "10.9", "percent"), ("75 개", "75", "count"),
])
def test_the_reader_takes_amounts_with_or_without_the_pdf_spaces(written: str, value: str, unit: str) -> None:
    found = _found(f"국내생산 {written}를 기록했다")
    assert [(v, u) for _, v, u, _, _ in found] == [(value, unit)]


def test_the_pdf_spaces_join_nothing_that_stays_apart() -> None:
    """Two numbers side by side, a year before an amount, a list, a date before 조회수: each its own."""
    assert _found("회원수 82 112 137 55명") == [("55명", "55", "count", "명", None)]
    assert _found("2016년 6098 억원, 2007 1000만 달러") == [
        ("6098 억원", "609800000000", "KRW", None, None), ("1000만 달러", "10000000", "USD", None, None)]
    assert _found("3, 4개 분야") == [("4개", "4", "count", "개", None)]
    assert _found("작성일 2007-12-10 조회수 4,417") == []
    assert _found("10년 만에 10 조건을") == [("10년", "10", "count", "년", None)]


def test_a_sentence_of_thousands_of_figures_is_squashed_once_not_once_per_figure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The red team's annex: 3,000 amounts in one sentence. Each mention shows its sentence cut to
    300 characters around it; the sentence is squashed once (counted here in characters), where
    it was squashed again for every figure (3,000 x 27 KB, 84 s at 20,000 figures)."""
    from wreport.curation import mentions

    squashed: list[int] = []
    real_squash = mentions.squash_spaces
    monkeypatch.setattr(mentions, "squash_spaces", lambda text: squashed.append(len(text)) or real_squash(text))
    amounts = [f"{1000 + i}억원" for i in range(3000)]
    text = "연도별 매출은 " + ", ".join(amounts) + "이다.\n"
    found = find_mentions("annex", text)
    assert [m.text for m in found] == amounts
    assert sum(squashed) <= 3 * len(text)
    middle = found[1500]  # "2500억원": the 150 characters before it (its space not counted), 300 in all
    before = text.index("2500억원") - 1
    assert middle.sentence == "…" + text[before - 150:before + 150] + "…"
    assert found[0].sentence == text[:300] + "…"
