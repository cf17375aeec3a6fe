"""The review: `wreport review` on the real briefs, read as a reviewer (and LibreOffice) reads it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import lxml.html
import pytest
from pdf_layout import pdf_fonts
from real_project import ROOT, copy_project, load, wreport

from wreport.render.templating import bare_count
from wreport.review.model import prepare_review, quote_in_source

AUDIENCES = ("policy-brief", "partner-brief")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A copy of the real project with `wreport review --out review` run in it once."""
    root = copy_project(tmp_path_factory.mktemp("review"))
    result = wreport("review", "--out", "review", cwd=root)
    assert result.returncode == 0, result.stderr
    return root, result


def page(root: Path, audience: str = "policy-brief") -> lxml.html.HtmlElement:
    return lxml.html.fromstring((root / "review" / audience / f"{audience}.review.html").read_bytes())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_review_writes_both_files_for_every_audience_and_reports_them(reviewed):
    root, result = reviewed
    for audience in AUDIENCES:
        for fmt in ("html", "docx"):
            path = root / "review" / audience / f"{audience}.review.{fmt}"
            assert path.is_file() and path.stat().st_size > 10_000, path
            assert f"{audience}.review.{fmt}" in result.stdout  # the summary table
    assert "4 outputs: 4 built" in result.stdout
    assert not list((root / "review").rglob(".*.tmp"))  # written atomically, nothing left over


def test_policy_brief_page_aligns_at_least_forty_segments_with_stable_ids(reviewed):
    root, _ = reviewed
    rows = page(root).xpath("//tr[@data-segment]")
    ids = [row.get("data-segment") for row in rows]
    assert len(rows) >= 40
    assert len(set(ids)) == len(ids)
    first = rows[0]
    assert first.get("data-kind") == "heading" and first.xpath("string(td[@lang='ko'])") == "요약"
    assert first.xpath("string(td[3])") == "Summary"
    assert {row.get("data-kind") for row in rows} >= {"heading", "paragraph", "item", "row", "caption", "note"}
    assert page(root).xpath("string(//*[@data-count='segments'])") == f"{len(rows)} segments"


def test_every_printed_figure_is_marked_with_its_fact(reviewed):
    """Each figure element shows its fact's value as one edition prints it, and every cited fact
    whose value appears in a row's text has an element there."""
    root, _ = reviewed
    project, facts, glossary = load(root)
    tree = page(root)
    marked = tree.xpath("//td[@lang]//*[@data-fact]")
    assert len(marked) > 150
    for element in marked:
        fact = facts.get(element.get("data-fact"))
        lang = element.xpath("string(ancestor::td[1]/@lang)")
        printed = {fact.formatted(lang, glossary)} | ({bare_count(fact, lang, project_style(project))}
                                                       if fact.unit == "count" else set())
        printed.add(fact.formatted(lang, glossary, source_first=True))  # fact(id, source_unit=True)
        printed |= {text[:1].upper() + text[1:] for text in printed}  # m.cap opens a sentence
        assert element.text_content() in printed, (fact.id, element.text_content())
    review = prepare_review(project, "policy-brief", facts, glossary)
    for lang, edition in review.editions.items():
        text_cells = " ".join(td.text_content() for td in tree.xpath(f"//td[@lang='{lang}']"))
        shown = {e.get("data-fact") for e in tree.xpath(f"//td[@lang='{lang}']//*[@data-fact]")}
        for fact_id in edition.facts:
            if facts.get(fact_id).formatted(lang, glossary) in text_cells:
                assert fact_id in shown, (lang, fact_id)


def project_style(project):
    from wreport.data.formatting import Style

    return Style(myriad_group_commas=project.myriad_group_commas)


def test_each_cited_fact_shows_its_quote_inside_its_source_sentence(reviewed):
    root, _ = reviewed
    _, facts, _ = load(root)
    tree = page(root)
    cited = {e.get("data-fact") for e in tree.xpath("//*[@data-fact]")}
    for fact_id in cited:
        fact = facts.get(fact_id)
        cards = tree.xpath(f"//details[@data-fact-card='{fact_id}']")
        assert cards, fact_id
        card = cards[0]
        assert fact.id in card.xpath("string(summary)")
        if fact.source:
            marks = card.xpath(".//blockquote[@class='source']/mark[@class='quote']")
            assert marks and squeeze(marks[0].text_content()) == squeeze(fact.quote), fact_id
            sentence = squeeze(marks[0].getparent().text_content())
            assert squeeze(facts.sources[fact.source].text).find(sentence) >= 0  # the source's own words
        else:  # derived: the formula, and each part with its own quote
            assert str(fact.derived) in card.text_content()
            assert len(card.xpath(".//ul[@class='parts']/li")) == len(fact.derived.inputs)


def test_conflicts_and_terms_are_shown_and_filters_need_no_script(reviewed):
    root, _ = reviewed
    _, facts, glossary = load(root)
    tree = page(root)
    conflict = facts.conflicts[0]
    notes = [c.text_content() for c in tree.xpath("//div[@class='conflict']")]
    assert any(conflict.note in note for note in notes)
    assert tree.xpath("//tr[@data-conflict]") and tree.xpath("//tr[@data-warning]")
    term = tree.xpath("//td[@lang='en']//*[@data-term='wonju']")[0]
    wonju = glossary.get("wonju")
    assert term.text_content() == wonju.en and term.get("title") == f"{wonju.ko} / {wonju.en}"
    css = tree.xpath("string(//style)")
    assert "body:has(#only-warnings:checked) tr[data-segment]:not([data-warning])" in css
    assert re.search(r'@font-face \{ font-family: "wreport NanumGothic"; font-weight: (normal|400);.*'
                     r'url\("?data:font/woff2;base64,d09GMg', css)  # "wOF2", inline
    assert not tree.xpath("//*[@src] | //link")  # nothing fetched


def test_quote_is_found_in_its_sentence_whitespace_insensitively():
    text = "첫 문장이다. 원주시는 의료기기\n업체 75개를   유치했다. 끝."
    found = quote_in_source(text, "의료기기 업체75개를")
    assert (found.before, found.quote, found.after) == ("원주시는 ", "의료기기 업체 75개를", " 유치했다.")
    assert not quote_in_source(text, "없는 말").found
    assert quote_in_source(text, "원주시는") == quote_in_source(text, "원주시는 ")  # a quote's own spaces aside
    assert quote_in_source(text, "끝.").before == ""  # a sentence that starts with the quote


def test_review_docx_is_one_table_with_a_row_per_segment(reviewed):
    root, _ = reviewed
    word = docx.Document(io.BytesIO((root / "review/policy-brief/policy-brief.review.docx").read_bytes()))
    (table,) = word.tables
    rows = page(root).xpath("//tr[@data-segment]")
    assert len(table.rows) == len(rows) + 1
    assert [c.text for c in table.rows[0].cells] == ["#", "한국어", "English", "Figures and sources"]
    assert table.rows[1].cells[1].text == "요약" and table.rows[1].cells[2].text == "Summary"
    figures = table.rows[2].cells[3].text
    assert "wonju_cluster_years_since_start_2007" in figures and "원주산업단지 혁신클러스터가 조성 추진 10년 만에" in figures


def test_review_is_repeatable(reviewed, tmp_path):
    root, _ = reviewed
    again = wreport("-q", "review", "--audience", "partner-brief", "--out", str(tmp_path), cwd=root)
    assert again.returncode == 0 and again.stdout == ""
    for fmt in ("html", "docx"):
        name = f"partner-brief/partner-brief.review.{fmt}"
        assert (tmp_path / name).read_bytes() == (root / "review" / name).read_bytes()


def test_an_unknown_audience_is_one_error_and_writes_nothing(reviewed, tmp_path):
    root, _ = reviewed
    result = wreport("review", "--audience", "nope", "--out", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 1 and result.stderr.startswith("error: no audience 'nope'")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_review_docx_opens_in_libreoffice(reviewed, tmp_path, without_korean_fonts):
    """On a machine with no Korean font, LibreOffice shows the review table in the embedded font."""
    root, _ = reviewed
    source = root / "review/policy-brief/policy-brief.review.docx"
    profile = tmp_path / "profile"
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=240,
                            check=False, env=without_korean_fonts)
    pdf = tmp_path / "policy-brief.review.pdf"
    assert pdf.is_file(), result.stderr
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) >= 5
    fonts = pdf_fonts(reader)  # the embedded subset's own name (docs/docx.md), no fallback font anywhere
    assert all(re.fullmatch(r"WreportGothic-[0-9a-f]{10}(-Bold)?", font) for font in fonts), fonts
    for words in ("Figures and sources", "wonju_cluster_years_since_start_2007", "KRW 609.8 billion",
                  "한국어", "6,098억 원"):
        assert squeeze(words) in text, words


def test_check_strict_catches_a_fact_moved_to_another_section_in_one_edition(tmp_path):
    root = copy_project(tmp_path)
    template = root / "templates/policy-brief/en.md.j2"
    text = template.read_text(encoding="utf-8")
    sentence = (', and ran an {{ term("expert_pool") }} of {{ fact("wonju_expert_pool_2007") }} who advised on '
                'technology, {{ term("joint_rnd") }} and turning patents into products.')
    delivered = "not outcomes."
    assert sentence in text and text.count(delivered) == 1
    text = text.replace(sentence, ".").replace(delivered, delivered + ' They also ran an {{ term("expert_pool") }} '
                                               'of {{ fact("wonju_expert_pool_2007") }} who advised on technology.')
    template.write_text(text, encoding="utf-8")
    lines = {lang: next(n for n, line in enumerate((root / f"templates/policy-brief/{lang}.md.j2").read_text(
        encoding="utf-8").splitlines(), start=1) if "wonju_expert_pool_2007" in line and "m.cite" not in line[:20])
        for lang in ("ko", "en")}
    lenient = wreport("check", "--audience", "policy-brief", cwd=root)
    assert lenient.returncode == 0, lenient.stdout  # a warning...
    strict = wreport("check", "--strict", "--audience", "policy-brief", cwd=root)
    assert strict.returncode == 1  # ...that --strict fails on
    found = [line for line in strict.stdout.splitlines() if "[FactPlacementMismatch]" in line]
    assert found, strict.stdout
    en_line = next(line for line in found if "en.md.j2" in line.split("[")[0])
    assert en_line.strip().startswith(f"templates/policy-brief/en.md.j2:{lines['en']}: [FactPlacementMismatch]")
    assert "fact 'wonju_expert_pool_2007' is printed in section 4.3 of the English edition, but in section 4.2" \
           in en_line
    assert f"(policy-brief/ko: templates/policy-brief/ko.md.j2:{lines['ko']})" in en_line


def test_each_row_names_the_template_lines_its_two_sides_come_from(reviewed):
    root, _ = reviewed
    rows = page(root).xpath("//tr[@data-segment]")
    places = [w.get("title") for w in rows[1].xpath(".//span[@class='where']")]
    assert places == ["templates/policy-brief/ko.md.j2:7", "templates/policy-brief/en.md.j2:7"]
    for place, first_words in zip(places, ('{{ term("seoul") }}에서', 'The medical device cluster of {{ term("wonju") }}'), strict=True):
        file, line = place.rsplit(":", 1)
        assert (root / file).read_text(encoding="utf-8").splitlines()[int(line) - 1].startswith(first_words)
    partial = [w.get("title") for w in page(root).xpath("//span[@class='where']") if "partials" in w.get("title")]
    assert "templates/_shared/partials/mini-cluster.en.md.j2:4" in partial


def test_a_claim_quote_comes_with_the_sentence_before_and_after():
    text = "첫 문장이다. 둘째 문장에  인용이 있다. 셋째 문장이다. 넷째."
    found = quote_in_source(text, "인용이", context=1)
    assert (found.before, found.quote, found.after) == ("첫 문장이다. 둘째 문장에 ", "인용이", " 있다. 셋째 문장이다.")
    assert quote_in_source(text, "넷째", context=1).before == "셋째 문장이다. "



# Written from seeds/sources/004_... (lines 92-102): a PDF's text, wrapped at about 42 characters
# with a blank line after each line, under the heading "3. 국내 의료기기산업 클러스터 사례 : 원주시
# 의료기기". The sentence before the quote starts at "원주에서", after the heading, not at the
# wrapped line "와원주시그리고..."; the sentence after it runs on over two wrapped lines.
def test_a_wrapped_pdf_line_does_not_end_a_sentence_but_a_heading_does():
    text = (ROOT / "seeds/sources/004_8714bb8e54f795aa.txt").read_text(encoding="utf-8")
    found = quote_in_source(text, "원주시와연세대는연세대원주캠퍼스가있던흥업면의구원주군보건소내에공동으로 창업보육센터를개설하고",
                            context=1)
    assert found.before == ("원주에서의료기기산업이육성되기시작한것은지난 ’98년연세대원주캠퍼스(의공학과) "
                            "와원주시그리고기업들이산학협력체제를구축하면서부터이다. ")
    assert found.quote == "원주시와연세대는연세대원주캠퍼스가있던흥업면의구원주군보건소내에공동으로 창업보육센터를개설하고"
    assert found.after == (", 99년 10월에태장농공단지에 3150평의‘원주의료기기산업기 술단지’를조성, "
                           "19개업체를입주시키면서의료기기산업을집중육성하기시작했다. "
                           "이후‘산업단지혁신클러스터사업’7개시범산업단지중하나로선정되면서원주시는 "
                           "대표적클러스터추진도시로부상했고, 각종의료용진단기기및치료기기, 재활기구를개 "
                           "발·생산하는업체가66개나모이게되었다.")


def test_a_short_line_of_its_own_ends_a_sentence():
    text = "첫째 문단의 제목\n인용이 있는 문장이다. 다음 문장."
    assert quote_in_source(text, "인용이").before == ""
    assert quote_in_source(text, "있는").before == "인용이 "
    assert quote_in_source(text, "인용이", context=1).before == "첫째 문단의 제목 "  # the sentence before

# Written from seeds/sources/002_... (the sentences around the production-bases quote) and from
# the partner brief's "Production partnerships" item, which rests on that claim alone.
def test_each_claim_shows_its_source_sentence_with_context_and_own_analysis_is_marked(reviewed):
    root, _ = reviewed
    html = page(root, "partner-brief")
    (row,) = [r for r in html.xpath("//tr[@data-segment]") if "Production partnerships" in r.text_content()]
    (card,) = row.xpath(".//details[@data-claim-card='wmit_production_bases']")
    quote = card.xpath(".//blockquote[@class='source']")[0]
    assert squeeze(quote.xpath("./mark")[0].text_content()) == squeeze(
        "또 이란,중국에 현지 파트너와 협력해 생산기반을 마련했을 뿐 아니라")
    assert squeeze("미국조달시장에 원주의료기기 2개 기업 제품을 공급하는데 성공했다.") in squeeze(quote.text_content())
    assert squeeze("미국 유통시장에도 추가로 진출할 예정이다.") in squeeze(quote.text_content())
    assert "done" in card.text_content()  # Iran and China: done; Indonesia: planned (its own claim)
    (planned,) = row.xpath(".//details[@data-claim-card='wmit_indonesia_base_planned']")
    assert "planned" in planned.text_content()
    own = [r for r in html.xpath("//tr[@data-own]")]
    assert any("Partners seeking own-brand products" in r.text_content() for r in own)
    assert not row.get("data-own") and not row.xpath(".//p[@data-own]")
    word = docx.Document(io.BytesIO((root / "review/partner-brief/partner-brief.review.docx").read_bytes()))
    (docx_row,) = [r for r in word.tables[0].rows if "Production partnerships" in r.cells[2].text]
    assert "claim wmit_production_bases" in docx_row.cells[3].text
    assert squeeze("미국 유통시장에도 추가로 진출할 예정이다.") in squeeze(docx_row.cells[3].text)
    assert any("own analysis" in r.cells[3].text for r in word.tables[0].rows if "own-brand" in r.cells[2].text)
