"""A headless Chromium driven over the DevTools protocol on a pipe, for tests that open a page
as a reader would (the review page, the change page).

Chromium speaks the protocol over a pipe (``--remote-debugging-pipe``: it reads commands from
file descriptor 3 and answers on 4, each message JSON ending in a NUL byte), so no WebSocket
library and no browser download are needed. fontconfig is pointed at DejaVu only, as
/work/shared/tools/without-korean-fonts does, so Korean can only come from the page's own font.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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


@contextmanager
def opened(page: Path) -> Iterator[Browser]:
    """A headless Chromium showing the local file ``page``, loaded and its fonts ready; closed after."""
    home = Path(tempfile.mkdtemp(prefix="wreport-chromium-"))
    browser = Browser(home)
    try:
        browser.send("Page.navigate", session=True, url=page.as_uri())
        browser.wait_for("Page.loadEventFired")
        browser.evaluate("document.fonts.ready.then(() => true)")
        yield browser
    finally:
        browser.close()
        shutil.rmtree(home, ignore_errors=True)
