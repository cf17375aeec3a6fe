"""Subsets of the bundled font: what they hold, and the same bytes for the same text."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont

from wreport.render import fontsubset

TEXT = "원주 의료기기 클러스터는 1998년에 문을 열었다. Wonju, 2016: 14.9%"


def fresh(function, *args):
    fontsubset._cached_subset.cache_clear()  # a new process would not have the cached result
    return function(*args)


def test_ttf_subset_holds_the_text_and_not_the_rest():
    font = TTFont(io.BytesIO(fontsubset.ttf_subset(fontsubset.bundled_font(fontsubset.REGULAR), TEXT)))
    cmap = font.getBestCmap()
    assert {ord(char) for char in TEXT} <= set(cmap)
    assert ord("뷁") not in cmap and len(cmap) < 200
    assert not any(tag.startswith("TSI") for tag in font.reader.tables)  # the tables in the file
    original = TTFont(fontsubset.bundled_font(fontsubset.REGULAR), lazy=True)["name"]
    records = {(n.nameID, n.platformID, n.langID, str(n)) for n in font["name"].names}
    assert {(n.nameID, n.platformID, n.langID, str(n)) for n in original.names} <= records  # copyright, both names


def test_subsets_are_the_same_bytes_for_the_same_characters_in_any_order():
    path = fontsubset.bundled_font(fontsubset.BOLD)
    first = fresh(fontsubset.woff2_subset, path, TEXT)
    assert fresh(fontsubset.woff2_subset, path, TEXT[::-1]) == first
    original = TTFont(path, lazy=True)["head"].modified
    assert TTFont(io.BytesIO(fresh(fontsubset.ttf_subset, path, TEXT)))["head"].modified == original  # not the clock


def test_woff2_subset_is_woff2_and_font_face_css_names_both_weights():
    assert fontsubset.woff2_subset(fontsubset.bundled_font(fontsubset.REGULAR), TEXT)[:4] == b"wOF2"
    css = fontsubset.font_face_css("NanumGothic", TEXT)
    assert css.count("@font-face") == 2 and "font-weight: 400" in css and "font-weight: 700" in css
    assert css.count("data:font/woff2;base64,") == 2


def test_a_subset_given_the_glyph_order_is_byte_identical_to_one_that_works_it_out(monkeypatch):
    """The glyph order handed over from another process (build.py's head start) changes nothing."""
    from wreport.render import fontsubset

    path = fontsubset.bundled_font(fontsubset.REGULAR)
    text = "원주 의료기기 클러스터 Wonju medical-device cluster"
    monkeypatch.setattr(fontsubset, "_glyph_orders", {})
    fontsubset._cached_subset.cache_clear()
    worked_out = fontsubset.ttf_subset(path, text)
    order = fontsubset.known_glyph_orders()
    assert list(order) == [str(path)]
    monkeypatch.setattr(fontsubset, "_glyph_orders", {})
    fontsubset.add_glyph_orders(order)
    fontsubset._cached_subset.cache_clear()
    assert fontsubset.ttf_subset(path, text) == worked_out
    fontsubset._cached_subset.cache_clear()
