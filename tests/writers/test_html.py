"""The HTML writer: structure, metadata, escaping, Korean word joiners, both flavours."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html
from sample_documents import english_document, korean_document

from wreport.errors import RenderError
from wreport.render.document import Document, Footnote, FootnoteRef, Heading, Paragraph, Text
from wreport.writers.html import WORD_JOINER, join_korean_words, page_label_css, render_html, split_foreign_runs

WJ = WORD_JOINER


def unjoin(text: str) -> str:
    return text.replace(WJ, "")


@pytest.fixture(scope="module")
def ko_html() -> str:
    return render_html(korean_document())


@pytest.fixture(scope="module")
def ko_tree(ko_html):
    return lxml_html.fromstring(ko_html.encode())


# ---------------------------------------------------------------- joiners
@pytest.mark.parametrize("word", ["수출", "2016년", "14.9%에", "(2013~2016년)", "OECD의", "原州"])
def test_every_character_of_a_korean_word_is_joined(word):
    assert join_korean_words([word]) == [WJ.join(word)]


def test_words_stay_separate_and_english_is_untouched():
    assert join_korean_words(["수출 4억 USD 435 million"]) == [f"수{WJ}출 4{WJ}억 USD 435 million"]


def test_a_word_split_over_runs_is_joined_across_the_boundary():
    # "**수출**이": the bold run and the plain one form one word.
    assert join_korean_words(["수출", "이 늘었다"]) == [f"수{WJ}출{WJ}", f"이 늘{WJ}었{WJ}다"]
    assert join_korean_words(["Wonju ", "수출"]) == ["Wonju ", f"수{WJ}출"]


@given(st.lists(st.text(alphabet="수출 년2016.%a\n가", max_size=12), max_size=4))
def test_joining_only_adds_joiners_and_never_beside_a_space(segments):
    joined = join_korean_words(segments)
    assert len(joined) == len(segments)
    assert [unjoin(j) for j in joined] == segments
    whole = "".join(joined)
    assert not re.search(rf"\s{WJ}|{WJ}\s", whole)
    assert not whole.endswith(WJ)


# ---------------------------------------------------------------- head and metadata
def test_head_has_clean_title_and_metadata(ko_tree):
    assert ko_tree.get("lang") == "ko"
    assert ko_tree.findtext(".//title") == "원주 의료기기 클러스터와 미니클러스터"
    meta = {m.get("name"): m.get("content") for m in ko_tree.iter("meta") if m.get("name")}
    assert meta["author"] == "원주 정책연구팀"
    assert meta["description"] == "원주 의료기기산업 현황"
    assert meta["keywords"] == "원주, 의료기기, 클러스터"
    assert meta["dcterms.created"] == "2017-06-01"
    assert not any(WJ in value for value in meta.values())


def test_footer_words_follow_the_edition_language(ko_html):
    assert 'content: counter(page) " / " counter(pages) "쪽";' in ko_html
    en = render_html(english_document())
    assert 'content: "Page " counter(page) " of " counter(pages);' in en
    assert page_label_css('say "{page}"\\') == '"say \\"" counter(page) "\\"\\\\"'


# ---------------------------------------------------------------- body
def test_body_text_is_joined_but_labels_are_clean(ko_tree):
    title = ko_tree.find(".//h1[@class='title']")
    assert title.get("data-label") == "원주 의료기기 클러스터와 미니클러스터"
    assert WJ in title.text_content()
    overview = ko_tree.get_element_by_id("overview")
    assert overview.get("data-label") == "개요" and overview.text_content() == f"개{WJ}요"
    body = " ".join(p.text_content() for p in ko_tree.iter("p", "td", "th", "li", "h1", "h2"))
    assert f"1{WJ}4{WJ}.{WJ}9{WJ}%{WJ}에" in body
    assert "수출" in unjoin(body) and "수출" not in body  # every occurrence carries joiners


def test_contents_list_h1_and_h2_with_links_to_the_headings(ko_tree):
    links = ko_tree.findall(".//nav[@class='toc']//a")
    assert [unjoin(a.text_content()) for a in links] == ["개요", "생산과 수출", "미니클러스터", "전망"]
    for link in links:
        assert ko_tree.get_element_by_id(link.get("href")[1:]).tag in ("h1", "h2")
    assert unjoin(ko_tree.findtext(".//nav//h2")) == "차례"


def test_no_contents_when_the_audience_turns_it_off():
    doc = Document(lang="en", title="T", contents=False, blocks=[Heading(1, [Text("One")]), Paragraph([Text("x")])])
    for embed_assets in (False, True):
        tree = lxml_html.fromstring(render_html(doc, embed_assets=embed_assets).encode())
        assert tree.find(".//nav") is None and tree.find(".//main/h1").text_content() == "One"


def test_a_linked_heading_gives_a_plain_contents_entry():
    doc = Document(lang="en", title="T", blocks=[Heading(1, [Text("See "), Text("KHIDI", link="https://khidi.or.kr")])])
    tree = lxml_html.fromstring(render_html(doc).encode())
    entry = tree.find(".//nav//li")
    assert [a.get("href") for a in entry.iter("a")] == ["#sec-1"] and entry.text_content() == "See KHIDI"
    assert tree.find(".//main//h1/a").get("href") == "https://khidi.or.kr"


def test_table_has_numbered_caption_header_and_alignment(ko_tree):
    table = ko_tree.find(".//table")
    assert unjoin(table.find("caption").text_content()) == "표 1.원주 의료기기산업 생산과 수출"
    assert [unjoin(th.text_content()) for th in table.findall(".//thead//th")] == ["구분", "2015년", "2016년"]
    assert table.findall(".//tbody/tr")[1].findall("td")[2].get("class") == "align-right"


def test_figure_has_inline_svg_with_alt_and_numbered_caption(ko_tree):
    figure = ko_tree.find(".//figure")
    svg_title = figure.find(".//title")
    assert svg_title.text.startswith("원주 의료기기 수출액은 2013년")
    assert WJ not in svg_title.text
    assert unjoin(figure.find("figcaption").text_content()) == "그림 1.원주 의료기기 수출액 추이(2013~2016년)"


def test_footnotes_float_at_their_reference_point(ko_tree):
    notes = ko_tree.findall(".//small[@class='fn']")
    assert [n.get("data-n") for n in notes] == ["1", "2"]
    lead = ko_tree.find(".//p[@class='lead']")
    assert lead.find("a[@class='fn-link']/small[@class='fn']") is not None
    assert unjoin(notes[1].text_content()) == "2016년 기준, 전국 의료기기 수출 대비."
    assert ko_tree.find(".//section[@class='endnotes']") is None


def test_page_break_list_quote_and_line_break(ko_tree):
    assert ko_tree.find(".//div[@class='page-break']") is not None
    assert len(ko_tree.findall(".//ul/li")) == 2
    assert ko_tree.find(".//blockquote/p") is not None
    assert ko_tree.find(".//p[@class='note']/br") is not None


def test_foreign_runs_carry_their_language():
    tree = lxml_html.fromstring(render_html(korean_document()).encode())
    span = tree.find(".//p/span[@lang='en']")  # inline in its paragraph, in print as in the browser
    assert unjoin(span.text) == "Wonju Medical Industry Techno Valley"
    assert span.text.startswith("Wonju Medical Industry Techno V")  # only "Valley이다" is one word
    standalone = lxml_html.fromstring(render_html(korean_document(), embed_assets=True).encode())
    assert standalone.find(".//article") is None
    # "Valley이다" is one word: held at its seam, inside the English run
    assert standalone.find(".//span[@lang='en']").text == f"Wonju Medical Industry Techno Valley{WJ}"


@pytest.mark.parametrize(("lang", "text", "foreign"), [
    ("ko", "KIMES와 CMEF에서 u-Health 기기.", ["KIMES", "CMEF", "u-Health"]),
    ("ko", "경쟁론(On Competition, 1998)", ["On Competition"]),
    ("ko", "IoT·OEM/ODM.", ["IoT", "OEM", "ODM"]),
    ("ko", "2016년 14.9%", []),
    ("en", "the 원주 의료기기 cluster (Wonju)", ["원주 의료기기"]),
    ("en", "KRW 28.6 billion", []),
])
def test_text_in_the_other_script_is_marked_with_the_other_language(lang, text, foreign):
    pieces = split_foreign_runs(Text(text), lang)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if p.lang] == foreign
    assert {p.lang for p in pieces if p.lang} <= {"en" if lang == "ko" else "ko"}


def test_all_text_is_escaped():
    doc = Document(lang="en", title='<b>"Brief"</b> & co', author="A <B>", blocks=[
        Heading(1, [Text("<script>alert(1)</script>")]),
        Paragraph([Text("x < y & z", link='http://e.x/"><script>')]),
    ])
    out = render_html(doc)
    assert "<script>" not in out and "<b>" not in out
    tree = lxml_html.fromstring(out.encode())
    assert tree.findtext(".//title") == '<b>"Brief"</b> & co'
    assert tree.find(".//h1[@id='sec-1']").text_content() == "<script>alert(1)</script>"
    assert tree.find(".//main//a").get("href") == 'http://e.x/"><script>'


def test_a_note_cited_twice_floats_once_and_the_second_marker_links_to_the_notes_at_the_end():
    doc = Document(lang="en", title="T", blocks=[Paragraph([Text("a"), FootnoteRef(1), Text(" b"), FootnoteRef(1)])],
                   footnotes=[Footnote(1, [Text("the note")])])
    tree = lxml_html.fromstring(render_html(doc).encode())
    assert [span.get("id") for span in tree.findall(".//a[@class='fn-link']/small[@class='fn']")] == ["fnote-1"]
    assert tree.find(".//a[@class='fn-link']").get("href") == "#fnote-1"  # the first marker links to its note
    assert tree.find(".//sup[@class='fn-call']/a").get("href") == "#fn-1"
    listed = tree.find(".//section[@class='endnotes']//li")
    assert (listed.get("id"), listed.get("value"), listed.text_content()) == ("fn-1", "1", "the note")


@pytest.mark.parametrize("embed_assets", [False, True])
def test_a_marker_that_would_read_as_an_exponent_is_spaced(embed_assets):
    doc = Document(lang="en", title="T", blocks=[Paragraph([
        Text("429,000 m²"), FootnoteRef(1), Text(" 9,000㎡"), FootnoteRef(1), Text(" in 2016"), FootnoteRef(2),
        FootnoteRef(1), Text(" firms"), FootnoteRef(2), Text(" 14.9%"), FootnoteRef(2)])],
        footnotes=[Footnote(1, [Text("one")]), Footnote(2, [Text("two")])])
    tree = lxml_html.fromstring(render_html(doc, embed_assets=embed_assets).encode())
    markers = tree.xpath(".//main//*[@class='fn' or starts-with(@class, 'fn ') or starts-with(@class, 'fn-call')]")
    assert ["spaced" in m.get("class") for m in markers] == [True, True, True, True, False, False]


def test_an_uncited_note_is_kept_as_an_endnote():
    doc = Document(lang="en", title="T", blocks=[Paragraph([Text("a")])],
                   footnotes=[Footnote(1, [Text("orphan note")])])
    tree = lxml_html.fromstring(render_html(doc).encode())
    assert tree.find(".//section[@class='endnotes']//li").text_content() == "orphan note"


def test_a_reference_without_a_note_is_an_error():
    doc = Document(lang="en", title="T", blocks=[Paragraph([Text("a"), FootnoteRef(3)])])
    with pytest.raises(RenderError, match=r"footnote reference \[3\] has no footnote text"):
        render_html(doc)


def test_a_malformed_date_is_an_error():
    with pytest.raises(RenderError, match="not an ISO date"):
        render_html(Document(lang="en", title="T", blocks=[], date="June 2017"))


def test_non_breaking_hyphens_become_held_ascii_hyphens_for_print():
    out = render_html(Document(lang="en", title="T", blocks=[Paragraph([Text("R\u2011and\u2011D")])]))
    assert "\u2011" not in out and f"R{WJ}-{WJ}and" in out


def test_a_marker_is_held_to_the_word_before_it_for_print():
    doc = Document(lang="ko", title="T", blocks=[Paragraph([Text("계획이었다"), FootnoteRef(1), Text(". 다음 "),
                                                            FootnoteRef(1)])], footnotes=[Footnote(1, [Text("주")])])
    out = render_html(doc)
    assert f'다{WJ}<a class="fn-link"' in out  # no line break between 계획이었다 and its marker
    assert f' {WJ}<sup' not in out and ' <sup class="fn-call"' in out  # after a space, nothing to hold


def test_unique_ids_for_headings_with_the_same_anchor():
    doc = Document(lang="en", title="T", blocks=[Heading(1, [Text("A")], anchor="a"), Heading(1, [Text("A")], anchor="a")])
    tree = lxml_html.fromstring(render_html(doc).encode())
    assert [h.get("id") for h in tree.iter("h1") if h.get("id")] == ["a", "a-2"]


# ---------------------------------------------------------------- standalone flavour
def test_standalone_html_inlines_css_and_holds_korean_words_only_at_their_seams():
    out = render_html(korean_document(), embed_assets=True)
    assert f"2017{WJ}년 6{WJ}월 1{WJ}일" in out  # a number keeps its unit (issue 20: "12|월" in a browser)
    assert f"수{WJ}" not in out and f"{WJ}출" not in out  # Hangul beside Hangul: keep-all's job, no joiner
    tree = lxml_html.fromstring(out.encode())
    css = "".join(style.text for style in tree.iter("style"))
    assert "--accent" in css and "word-break: keep-all" in css
    assert tree.find(".//small[@class='fn']") is None
    calls = tree.findall(".//sup[@class='fn-call']/a")
    assert [a.get("href") for a in calls] == ["#fn-1", "#fn-2"]
    notes = tree.findall(".//section[@class='endnotes']//li")
    assert [li.get("id") for li in notes] == ["fn-1", "fn-2"]
    assert "수출" in tree.find(".//main").text_content()


def test_standalone_html_carries_nanum_gothic_as_woff2_subsets_of_its_text():
    out = render_html(korean_document(), embed_assets=True)
    tree = lxml_html.fromstring(out.encode())
    css = "".join(style.text for style in tree.iter("style"))
    faces = re.findall(r'@font-face \{ font-family: "NanumGothic"; font-weight: (\d+);[^}]*'
                       r'url\("data:font/woff2;base64,([A-Za-z0-9+/=]+)"\) format\("woff2"\)', css)
    assert [weight for weight, _ in faces] == ["400", "700"]
    shown = set(tree.find(".//body").text_content()) - set(" \n\t" + WJ)  # a joiner is never drawn
    for weight, data in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff2"
        cmap = font.getBestCmap()
        assert {ord(char) for char in shown} <= set(cmap), weight  # every character has its glyph
        assert len(cmap) < 1000 and ord("뷁") not in cmap  # a subset, not the 9 MB font
        assert not any(tag.startswith("TSI") for tag in font.reader.tables)  # Chrome rejects the VTT tables
    assert render_html(korean_document(), embed_assets=True) == out


def test_standalone_html_keeps_korean_words_whole_in_a_browsers_print_too():
    """keep-all must not sit inside @media screen: a reader who prints the page would get 중심|으로."""
    out = render_html(korean_document(), embed_assets=True)
    css = "".join(style.text for style in lxml_html.fromstring(out.encode()).iter("style"))
    depth, rule_depth = 0, None
    for match in re.finditer(r"[{}]|:lang\(ko\)\s*\{\s*word-break:\s*keep-all", css):
        if match.group().startswith(":lang"):
            rule_depth = depth
            break
        depth += 1 if match.group() == "{" else -1
    assert rule_depth == 0
