"""Text matching (inputs/text.py): the one rule each for spaces and quotes that the loaders, the
review, the checks and curation share."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import icu
import pytest

from wreport.inputs.text import (
    KOREAN_MIX_ONLY,
    mixed_script_words,
    quote_key,
    skeleton,
    squash_spaces,
)

REPO = Path(__file__).resolve().parents[2]


def test_a_quote_broken_across_lines_and_decomposed_is_found_in_its_source():
    source = "원주의료기기 산업은 지난해\n6098억원의 생산 실적을 올렸다."
    quote = unicodedata.normalize("NFD", "6098억원의 생산\u00a0실적")  # as a PDF or a Mac copy gives it
    assert quote_key(quote) in quote_key(source)
    assert quote_key("6,098억원") not in quote_key(source)  # punctuation still counts


def test_squashed_spaces_read_as_one_sentence():
    assert squash_spaces("  원주 의료기기\n\t산업은\u3000지난해  ") == "원주 의료기기 산업은 지난해"


@pytest.mark.parametrize("written", [
    "K\u043erea",  # Cyrillic о
    "\u041aorea",  # Cyrillic К
    "K\u03bfrea",  # Greek ο
    "K\u0585rea",  # Armenian օ
    "\u13e6orea",  # Cherokee Ꮶ
    "\uff2b\uff4f\uff52\uff45\uff41",  # full-width Ｋｏｒｅａ
    "\U0001d40a\U0001d428\U0001d42b\U0001d41e\U0001d41a",  # mathematical bold 𝐊𝐨𝐫𝐞𝐚
    "K\u1d0frea",  # Latin small capital ᴏ
    "Ko\u00adrea",  # a soft hyphen inside
], ids=["Cyrillic", "Cyrillic capital", "Greek", "Armenian", "Cherokee", "full-width", "mathematical",
        "small capital", "soft hyphen"])
def test_look_alike_letters_of_any_script_have_the_skeleton_of_latin_ones(written):
    assert skeleton(written).text == "korea"


def test_skeletons_follow_confusables_txt_and_keep_the_offsets_of_what_was_written():
    # confusables.txt: m -> r n, I -> l; an invisible character has no skeleton; then case-folded.
    shape = skeleton("KICOX Com\u00adplex")
    assert shape.text == "klcox cornplex"
    assert shape.offsets == (0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 10, 11, 12, 13)  # r and n both from m


@pytest.mark.parametrize("written", [
    "Korea Industrial Complex Agency",
    "KOREA INDUSTRIAL COMPLEX AGENCY",
    "K\u043erea \u0406ndustr\u0456al Complex Agency",  # Cyrillic о, І and і
    "Korea \uff29ndustrial \U0001d402omplex \u13aagency",  # full-width Ｉ, mathematical 𝐂, Cherokee Ꭺ
    "Korea lndustrial Cornplex Agency",  # l for I, rn for m
    "Korea Industrial\nComplex Agen\u00adcy",
])
def test_a_name_is_found_in_any_look_alike_letters_and_any_case(written):
    shape = skeleton(f"as the {written}, then")
    (found,) = shape.find("Korea Industrial Complex Agency")
    start, end = shape.span(found)
    assert f"as the {written}, then"[start:end] == written


@pytest.mark.parametrize("written", ["Korea Industrialist Complex Agency", "Korea Industrial Complex Agency-wide",
                                     "Korea Industrial Comp1ex Agencies"])
def test_a_longer_or_another_word_is_not_the_name(written):
    assert list(skeleton(written).find("Korea Industrial Complex Agency")) == []


def test_a_name_of_invisible_characters_only_is_found_nowhere():
    assert list(skeleton("").find("\u00ad")) == []
    assert list(skeleton("Korea").find("\u200b \u00ad")) == []


def test_words_mixing_scripts_are_found_and_the_korean_mix_is_not():
    text = ("Wonju M\u0435dical KIC\u039fX K\u0585rea \u13e6orea "  # Cyrillic е, Greek Ο, Armenian օ, Cherokee Ꮶ
            "U-헬스 MFDS인증 新竹 Hsinchu 원주市 Москва \u1d0b\u1d0fREA \uff2borea")
    assert mixed_script_words(text) == ["M\u0435dical", "KIC\u039fX", "K\u0585rea", "\u13e6orea"]
    assert mixed_script_words("Москва Korea") == ["Москва Korea"]  # two scripts, each word in one
    assert mixed_script_words("원주 新竹 U-헬스 MFDS인증 Wonju’s Hŏ-ü·x") == []  # Hangul, Han, Latin: Korean


def test_the_quick_path_holds_only_characters_of_the_korean_mix():
    """Names made only of KOREAN_MIX_ONLY's characters skip ICU: each of them, beside a Latin letter,
    Hangul and Han, is at ICU's "Highly Restrictive" level (so skipping changes no answer)."""
    checker = icu.SpoofChecker()
    checker.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL)
    checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
    quick = [chr(code) for code in range(0x30000) if KOREAN_MIX_ONLY.fullmatch(chr(code))]
    assert len(quick) > 30_000
    assert [c for c in quick if c.isprintable() and checker.check(f"a{c}원中")] == []
    assert not KOREAN_MIX_ONLY.fullmatch("\u0435") and not KOREAN_MIX_ONLY.fullmatch("\u3031")  # Cyrillic, kana


def test_loading_the_real_glossary_does_not_load_icu():
    """The build and the preview load the glossary: ICU (about 12 ms to import) is for check only."""
    code = ("import sys; from wreport.data.glossary import load_glossary; "
            f"load_glossary({str(REPO / 'glossary' / 'terms.csv')!r}); print('icu' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_spans_say_whether_a_stretch_lies_inside_one_of_them() -> None:
    """Overlapping and nested stretches, in any order: a stretch is held when one stretch starts
    at or before it and ends at or after it (a forbidden name inside an agreed one)."""
    from wreport.inputs.text import Spans

    spans = Spans([(30, 40), (0, 10), (5, 25), (12, 14), (50, 51)])
    held = [(0, 10), (6, 20), (5, 25), (12, 14), (24, 25), (30, 40), (33, 35), (50, 51)]
    not_held = [(0, 26), (3, 20), (9, 30), (25, 30), (29, 31), (39, 41), (45, 46), (49, 51), (60, 61)]
    assert [spans.hold(*s) for s in held] == [True] * len(held)
    assert [spans.hold(*s) for s in not_held] == [False] * len(not_held)
    assert not Spans([]).hold(0, 0)
