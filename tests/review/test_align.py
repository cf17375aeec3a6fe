"""Aligning two editions by tree structure: segments, section numbers, gaps, compared marks."""

from __future__ import annotations

import pytest

from wreport.render.document import Document
from wreport.render.markdown import parse_markdown
from wreport.render.marks import FACT, MarkTable
from wreport.review.align import STATUS_WORDS, align, compare, segments


def doc(text: str, lang: str, table: MarkTable) -> Document:
    blocks, notes = parse_markdown(text, marks=table)
    return Document(lang=lang, title="t", blocks=blocks, footnotes=notes)


def fig(table: MarkTable, fact_id: str, text: str) -> str:
    return table.wrap(FACT, fact_id, text)


def test_segments_have_kinds_sections_and_facts():
    t = MarkTable()
    d = doc(f"# One\n\nIntro {fig(t, 'a', '4')}.\n\n## Sub\n\n- item {fig(t, 'b', '5')}\n- item two\n\n"
            "Table: Cap\n\n| x | y |\n| - | - |\n| 1 | 2 |\n\n# Two\n\nEnd.\n", "en", t)
    found = [(s.kind, s.section, s.facts) for s in segments(d)]
    assert found == [("heading", "1", []), ("paragraph", "1", ["a"]), ("heading", "1.1", []),
                     ("item", "1.1", ["b"]), ("item", "1.1", []), ("caption", "1.1", []), ("row", "1.1", []),
                     ("row", "1.1", []), ("heading", "2", []), ("paragraph", "2", [])]


def test_a_paragraph_in_one_edition_only_is_a_gap_not_a_shift():
    t = MarkTable()
    ko = doc(f"# 가\n\n첫 {fig(t, 'a', '4개')}.\n\n둘째 {fig(t, 'x', '9개')}.\n\n셋째 {fig(t, 'b', '5개')}.\n\n넷째.\n", "ko", t)
    en = doc(f"# A\n\nFirst {fig(t, 'a', '4')}.\n\nThird {fig(t, 'b', '5')}.\n\nFourth.\n", "en", t)
    pairs = align(segments(ko), segments(en))
    shown = [(p.id, p.ko.text if p.ko else None, p.en.text if p.en else None) for p in pairs]
    assert shown == [("s1-h1", "가", "A"), ("s1-p1", "첫 4개.", "First 4."), ("s1-p2", "둘째 9개.", None),
                     ("s1-p3", "셋째 5개.", "Third 5."), ("s1-p4", "넷째.", "Fourth.")]
    assert [(d.check, d.pair.id, d.message) for d in compare(pairs)] == [
        ("SegmentGap", "s1-p2", "paragraph s1-p2 is in the Korean edition only")]
    pairs = align(segments(en), segments(ko))  # the other way round: the gap is on the English side
    assert [(d.check, d.pair.id, d.message) for d in compare(pairs)] == [
        ("SegmentGap", "s1-p2", "paragraph s1-p2 is in the English edition only")]


def test_a_fact_moved_to_another_section_in_one_edition_is_a_placement_difference():
    t = MarkTable()
    ko = doc(f"# 가\n\n문단 {fig(t, 'a', '4개')}.\n\n# 나\n\n문단.\n", "ko", t)
    en = doc(f"# A\n\nParagraph.\n\n# B\n\nParagraph {fig(t, 'a', '4')}.\n", "en", t)
    found = [(d.check, d.pair.id, d.fact) for d in compare(align(segments(ko), segments(en)))]
    assert ("FactPlacementMismatch", "s1-p1", "a") in found and ("FactPlacementMismatch", "s2-p1", "a") in found


def test_an_approximation_beside_a_figure_in_one_edition_only_is_a_difference():
    t = MarkTable()
    ko = doc(f"# 가\n\n기업 {fig(t, 'a', '75개')} 이상이 모였다.\n", "ko", t)
    en = doc(f"# A\n\n{fig(t, 'a', '75 companies')} gathered.\n", "en", t)
    assert [d.check for d in compare(align(segments(ko), segments(en)))] == ["ApproxMismatch"]
    en = doc(f"# A\n\nAt least {fig(t, 'a', '75 companies')} gathered.\n", "en", t)
    assert compare(align(segments(ko), segments(en))) == []


@pytest.mark.parametrize("sentence, says_status", [
    ("사업비 194억 원을 들일 계획이다", True),            # 계획: planned
    ("국비를 포함해 총 194억 원이 투입될 예정이다", True),  # 예정: scheduled
    ("2013년까지 1,940억 달러를 달성할 것으로 전망된다", True),
    ("48만 명까지 늘어날 것으로 내다봤다", True),
    ("센터를 구축하고 프로그램을 운영하게 된다", True),     # -게 되다: what is to happen
    ("보건의료 국책기관 5개가 입주할 오송", True),          # the prospective modifier -ㄹ
    ("의료 서비스를 접목하는 것으로, 194억 원", False),      # 것으로 as a nominaliser ("is to connect")
    ("2016년 수출 4억 3,500만 달러를 기록했다", False),
    ("업체 75개가 입주해 있었다", False),
])
def test_korean_status_words_are_those_that_say_planned_or_expected(sentence: str, says_status: bool) -> None:
    assert bool(STATUS_WORDS["ko"].search(sentence)) is says_status


def test_each_difference_says_which_edition_it_is_reported_at():
    """The checks place a difference at its edition's template line from this field, never by
    reading the message (which once decided the side by looking for the word "Korean")."""
    t = MarkTable()
    ko = doc(f"# 가\n\n첫 {fig(t, 'a', '4개')}.\n\n# 나\n\n둘째.\n", "ko", t)
    en = doc(f"# A\n\nFirst.\n\n# B\n\nSecond {fig(t, 'a', '4')}.\n\nThird.\n", "en", t)
    found = sorted((d.check, d.lang, d.pair.id) for d in compare(align(segments(ko), segments(en))))
    assert found == [("FactPlacementMismatch", "en", "s2-p1"), ("FactPlacementMismatch", "ko", "s1-p1"),
                     ("SegmentGap", "en", "s2-p1")]  # "Second 4" has no Korean twin: 둘째 pairs with Third
