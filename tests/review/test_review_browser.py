"""The review page in a real browser: Debian's headless Chromium, driven over the DevTools protocol
(tests/chromium.py). Skipped where Chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import shutil

import pytest
from chromium import CHROMIUM, opened
from real_project import copy_project, wreport

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("browser"))
    shutil.rmtree(root / "signoff", ignore_errors=True)  # the brief as never reviewed, but for its first heading
    assert wreport("review", "approve", "-a", "policy-brief", "--by", "Lee", "--segment", "s1-h1",
                   cwd=root).returncode == 0
    assert wreport("-q", "review", "--audience", "policy-brief", "--out", "review", cwd=root).returncode == 0
    with opened(root / "review/policy-brief/policy-brief.review.html") as browser:
        yield browser


def test_page_opens_without_console_errors(browser_page):
    errors = [e for e in browser_page.events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == []
    assert browser_page.evaluate("document.querySelectorAll('tr[data-segment]').length") >= 40


def test_korean_is_drawn_in_the_page_own_font_without_a_korean_system_font(browser_page):
    document = browser_page.send("DOM.getDocument", session=True)["root"]["nodeId"]
    cell = browser_page.send("DOM.querySelector", session=True, nodeId=document, selector="td[lang='ko']")["nodeId"]
    fonts = browser_page.send("CSS.getPlatformFontsForNode", session=True, nodeId=cell)["fonts"]
    assert fonts and all(f["isCustomFont"] for f in fonts), fonts  # no system font drew any of it
    assert {f["familyName"] for f in fonts} == {"NanumGothic"}
    assert sum(f["glyphCount"] for f in fonts) >= 2


def test_clicking_or_focusing_a_figure_shows_its_quote(browser_page):
    quote_shown = """(figure) => {
        const card = document.getElementById(figure.getAttribute('href').slice(1));
        const quote = card.querySelector('mark.quote');
        return card.open && quote.getBoundingClientRect().height > 0 && quote.checkVisibility();
    }"""
    assert browser_page.evaluate(f"""(() => {{
        const figure = document.querySelector("td[lang='en'] a.fig[data-fact]");
        return ({quote_shown})(figure);
    }})()""") is False  # closed at first
    box = browser_page.evaluate("""(() => {
        const figure = document.querySelector("td[lang='en'] a.fig[data-fact]");
        figure.scrollIntoView({block: 'center'});
        const r = figure.getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    })()""")
    for kind in ("mousePressed", "mouseReleased"):  # a real click, as a reader's mouse makes it
        browser_page.send("Input.dispatchMouseEvent", session=True, type=kind, x=box["x"], y=box["y"],
                          button="left", clickCount=1)
    assert browser_page.evaluate(f"""({quote_shown})(document.querySelector("td[lang='en'] a.fig[data-fact]"))""")
    focused = browser_page.evaluate(f"""(() => {{
        const figures = document.querySelectorAll("td[lang='ko'] a.fig[data-fact]");
        const figure = figures[figures.length - 1];
        figure.focus();
        return ({quote_shown})(figure);
    }})()""")
    assert focused


def test_with_script_off_the_filters_work_and_a_figure_links_to_its_card(browser_page):
    browser_page.send("Emulation.setScriptExecutionDisabled", session=True, value=True)
    browser_page.events.clear()
    browser_page.send("Page.reload", session=True)
    browser_page.wait_for("Page.loadEventFired")
    try:
        counts = browser_page.evaluate("""(() => {
            const visible = () => [...document.querySelectorAll('tr[data-segment]')]
                .filter(row => row.getBoundingClientRect().height > 0).length;
            const all = visible();
            document.getElementById('only-warnings').click();
            const warnings = visible();
            document.getElementById('section-2').click();
            const section = visible();
            return {all, warnings, section, flagged: document.querySelectorAll('tr[data-warning]').length,
                    inSection: document.querySelectorAll('tr[data-warning][data-top="2"]').length};
        })()""")
        assert counts["all"] >= 40
        assert counts["warnings"] == counts["flagged"] < counts["all"]  # CSS :has(), no script
        assert counts["section"] == counts["inSection"] < counts["warnings"]
        target = browser_page.evaluate("""(() => {
            const figure = document.querySelector("td[lang='ko'] a.fig[data-fact]");
            const card = document.getElementById(figure.getAttribute('href').slice(1));
            return card.getAttribute('data-fact-card') === figure.getAttribute('data-fact');
        })()""")
        assert target
    finally:
        browser_page.send("Emulation.setScriptExecutionDisabled", session=True, value=False)


def test_the_sign_off_filters_show_the_rows_in_that_state(browser_page):
    shown = browser_page.evaluate("""(() => {
        const visible = () => [...document.querySelectorAll('tr[data-segment]')]
            .filter(row => row.getBoundingClientRect().height > 0).map(row => row.dataset.segment);
        document.getElementById('section-all').click();
        document.getElementById('only-all').click();
        const all = visible().length;
        document.getElementById('only-approved').click();
        const approved = visible();
        document.getElementById('only-unapproved').click();
        const unapproved = visible().length;
        document.getElementById('only-all').click();
        return {all, approved, unapproved};
    })()""")
    assert shown["approved"] == ["s1-h1"]
    assert shown["unapproved"] == shown["all"] - 1
