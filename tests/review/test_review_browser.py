"""The review page in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

Chromium speaks the protocol over a pipe (``--remote-debugging-pipe``: it reads commands from
file descriptor 3 and answers on 4, each message JSON ending in a NUL byte), so no WebSocket
library and no browser download are needed. fontconfig is pointed at DejaVu only, as
/work/shared/tools/without-korean-fonts does, so Korean can only come from the page's own font.
Skipped where Chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from real_project import copy_project, wreport

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


class Browser:
    """A headless Chromium and one page, over the DevTools protocol on a pipe."""

    def __init__(self, home: Path):
        fonts = home / "fonts.conf"
        fonts.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                         "<dir>/usr/share/fonts/truetype/dejavu</dir>"
                         f"<cachedir>{home}/fontcache</cachedir></fontconfig>", encoding="utf-8")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        os.set_inheritable(to_browser_read, True)
        os.set_inheritable(from_browser_write, True)

        def child_fds() -> None:  # the protocol's file descriptors 3 (commands in) and 4 (answers out)
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_read, from_browser_write)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={home / 'profile'}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,  # noqa: PLW1509 - the tests start no threads; Popen has no other way to number fds
            pass_fds=(3, 4),  # kept open: Popen closes the other fds after preexec_fn
            env={**os.environ, "FONTCONFIG_FILE": str(fonts)})
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.next_id = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
            self.send(f"{domain}.enable", session=True)

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.receive(timeout=60)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def receive(self, timeout: float) -> dict[str, Any]:
        import select

        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self.receive(deadline - time.monotonic()))

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("browser"))
    assert wreport("-q", "review", "--audience", "policy-brief", "--out", "review", cwd=root).returncode == 0
    home = Path(tempfile.mkdtemp(prefix="review-chromium-"))
    browser = Browser(home)
    try:
        url = (root / "review/policy-brief/policy-brief.review.html").as_uri()
        browser.send("Page.navigate", session=True, url=url)
        browser.wait_for("Page.loadEventFired")
        browser.evaluate("document.fonts.ready.then(() => true)")
        yield browser
    finally:
        browser.close()
        shutil.rmtree(home, ignore_errors=True)


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
