"""Text matching (inputs/text.py): the one rule each for spaces and quotes that the loaders, the
review, the checks and curation share."""

from __future__ import annotations

import unicodedata

from wreport.inputs.text import mixed_script_words, quote_key, skeleton, squash_spaces


def test_a_quote_broken_across_lines_and_decomposed_is_found_in_its_source():
    source = "원주의료기기 산업은 지난해\n6098억원의 생산 실적을 올렸다."
    quote = unicodedata.normalize("NFD", "6098억원의 생산\u00a0실적")  # as a PDF or a Mac copy gives it
    assert quote_key(quote) in quote_key(source)
    assert quote_key("6,098억원") not in quote_key(source)  # punctuation still counts


def test_squashed_spaces_read_as_one_sentence():
    assert squash_spaces("  원주 의료기기\n\t산업은\u3000지난해  ") == "원주 의료기기 산업은 지난해"


def test_skeleton_reads_cyrillic_and_greek_look_alikes_as_latin_letters():
    assert skeleton("K\u043erea FDA") == "Korea FDA"  # Cyrillic о
    assert skeleton("\u0415xport-Import Bank") == "Export-Import Bank"  # Cyrillic Е
    assert skeleton("KIC\u039fX") == "KICOX"  # Greek Ο
    assert skeleton("원주 Моск") == "원주 Mocк"  # one character for one (к has no Latin twin): offsets kept


def test_words_mixing_latin_with_cyrillic_or_greek_are_found_and_hangul_with_latin_is_not():
    assert mixed_script_words("Wonju M\u0435dical KIC\u039fX U-헬스 MFDS인증 Москва") == ["M\u0435dical", "KIC\u039fX"]
