"""The change page in a real browser (Debian's headless Chromium, tests/chromium.py): changed
figures with their old and new values and source quotes, one-sided changes, and the sections
without a change folded away. The edits are listed in tests/released_mini.py."""

from __future__ import annotations

import pytest
from chromium import CHROMIUM, opened

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def page(diffed):
    with opened(diffed.file("brief.changes.html")) as browser:
        yield browser


def _visible_text(page, selector: str) -> str:
    return page.evaluate(f"""(() => {{ const e = document.querySelector({selector!r});
        return e && e.checkVisibility() ? e.innerText : null; }})()""")


def test_the_page_opens_without_errors_and_fetches_nothing(page, diffed):
    errors = [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == []
    html = diffed.file("brief.changes.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "@font-face" in html


def test_a_changed_figure_shows_old_and_new_value_and_its_source_quote(page):
    row = _visible_text(page, 'tr[data-fact="sales_2006"]')
    assert row is not None
    assert "KRW 153.6 billion" in row and "KRW 153.7 billion" in row and "1,537억 원" in row
    assert "지난해 1536억원으로 급증했으며" in row and "fnnews-2007" in row
    assert page.evaluate("""document.querySelector('tr[data-fact="sales_2006"] del').innerText""") == \
        "KRW 153.6 billion"


def test_changed_words_are_marked_in_the_aligned_editions(page):
    deleted = page.evaluate("[...document.querySelectorAll('main section[data-section] td[lang=en] del')]"
                            ".map(e => e.innerText)")
    inserted = page.evaluate("[...document.querySelectorAll('main section[data-section] td[lang=en] ins')]"
                             ".map(e => e.innerText)")
    assert "national" in [d.strip() for d in deleted] and "Korea's" in [i.strip() for i in inserted]
    removed = page.evaluate("""[...document.querySelectorAll('tr[data-status="removed"] td[lang="en"]')]
        .filter(e => e.checkVisibility()).map(e => e.innerText)""")
    assert removed == ["2007 | KRW 250 billion1",  # the row's note marker, deleted too
                       "The mini-clusters are run by Korea Industrial Complex Corporation (KICOX); KICOX reports yearly."]


def test_a_one_sided_change_is_listed(page):
    text = _visible_text(page, 'li[data-check="ChangeParity"]')
    assert text is not None and "English edition only" in text
    assert "templates/brief/en.md.j2:19" in text and "templates/brief/ko.md.j2:19" in text


def test_sections_without_a_change_are_folded_away(page):
    assert page.evaluate("document.querySelector('section[data-section=\"notes\"] details').open") is False
    assert _visible_text(page, 'section[data-section="notes"] tr') is None
    assert page.evaluate("document.querySelectorAll('section[data-section] > details').length") == 1


def test_korean_is_drawn_in_the_page_own_font(page):
    document = page.send("DOM.getDocument", session=True)["root"]["nodeId"]
    cell = page.send("DOM.querySelector", session=True, nodeId=document,
                     selector="tr[data-status='changed'] td[lang='ko']")["nodeId"]
    fonts = page.send("CSS.getPlatformFontsForNode", session=True, nodeId=cell)["fonts"]
    assert fonts and {f["familyName"] for f in fonts} == {"NanumGothic"}
