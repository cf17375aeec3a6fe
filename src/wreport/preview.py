"""``wreport preview``: one edition's HTML, served on 127.0.0.1 and re-rendered as its inputs change.

The edition is rendered in memory (the standalone HTML that ``wreport build`` writes), so
previewing never touches ``out/``. Every half second the modification times of the project's
data files and of every file in the templates folder are compared with the last look; on a
change the edition is rendered again. A page open in a browser asks the server once a second
whether the version changed and reloads itself. A render error is shown on the page and printed
once; the next good render replaces it.

Only the loopback interface is bound: the preview is for the person at this machine.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .cache import data_files
from .errors import ConfigError, WreportError
from .project import Project
from .templating import Audience, list_audiences, load_audience

HOST = "127.0.0.1"
POLL_SECONDS = 0.5
# Appended to the served page only (never to a built file): reload when the version changes.
_RELOADER = """<script>(() => {{ const seen = "{version}";
  setInterval(() => fetch("/version").then(r => r.text()).then(v => {{ if (v !== seen) location.reload(); }})
    .catch(() => {{}}), 1000); }})();</script>"""


@dataclass(frozen=True)
class Page:
    """What the server hands out: the page's bytes, its version number and HTTP status."""

    body: bytes
    version: int
    status: int = HTTPStatus.OK


def choose(project: Project, audience: str | None, lang: str | None) -> tuple[Audience, str]:
    """The audience (default: the first) and language (default: its first) to preview, checked."""
    names = list_audiences(project)
    if audience is None and not names:
        raise ConfigError(f"no audiences in {project.relative(project.templates_dir)}",
                          hint="create one with `wreport new-audience NAME`")
    chosen = load_audience(project, audience or names[0])
    if lang is None:
        return chosen, chosen.languages[0]
    if lang not in chosen.languages:
        raise ConfigError(f"audience {chosen.name!r} has no {lang!r} edition",
                          hint=f"its languages: {', '.join(chosen.languages)}")
    return chosen, lang


def render(project: Project, audience: Audience, lang: str) -> bytes:
    """The edition as the standalone HTML file ``wreport build`` writes."""
    from .facts import load_facts
    from .formatting import Style
    from .glossary import project_glossary
    from .templating import render_edition
    from .writers.html import render_html

    glossary = project_glossary(project)
    facts = load_facts(project, glossary)
    style = Style(myriad_group_commas=project.myriad_group_commas)
    document = render_edition(project, audience, lang, facts, glossary, style).document
    return render_html(document, embed_assets=True).encode("utf-8")


def watched(project: Project) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every input a change to which should re-render the page."""
    templates = sorted(p for p in project.templates_dir.rglob("*") if p.is_file())
    stamps = {}
    for path in [*data_files(project), *templates]:
        try:
            info = path.stat()
            stamps[path] = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamps[path] = (0, -1)
    return stamps


class Preview:
    """The current page of one edition, re-rendered when :meth:`refresh` finds a change."""

    def __init__(self, project: Project, audience: Audience, lang: str, say: Callable[[str], None] = print):
        self.project = project
        self.audience = audience
        self.lang = lang
        self.say = say
        self.stamps: dict[Path, tuple[int, int]] = {}
        self.page = Page(b"", 0)

    def refresh(self) -> bool:
        """Render again if an input changed since the last look; True when it did."""
        stamps = watched(self.project)
        if stamps == self.stamps:
            return False
        self.stamps = stamps
        version = self.page.version + 1
        try:
            audience = load_audience(self.project, self.audience.name)  # audience.toml may have changed
            body, status = render(self.project, audience, self.lang), HTTPStatus.OK
            self.say(f"rendered {self.audience.name} ({self.lang}), version {version}")
        except WreportError as exc:
            self.say(f"error: {exc}")
            text = f"<!doctype html><title>wreport: error</title><h1>Cannot render</h1><pre>{html.escape(str(exc))}</pre>"
            body, status = text.encode("utf-8"), HTTPStatus.INTERNAL_SERVER_ERROR
        self.page = Page(body + _RELOADER.format(version=version).encode("utf-8"), version, status)
        return True


def _handler(preview: Preview, log: Callable[[str], None] | None) -> type[BaseHTTPRequestHandler]:
    """A request handler serving the preview's page at / and its version at /version."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            page = preview.page
            if self.path in ("/", "/index.html"):
                self._send(page.status, "text/html; charset=utf-8", page.body)
            elif self.path == "/version":
                self._send(HTTPStatus.OK, "text/plain", str(page.version).encode())
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found: the preview is at /\n")

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            if log is not None:
                log(format % args)

    return Handler


def serve(preview: Preview, port: int, stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None, log: Callable[[str], None] | None = None,
          stop_after: float | None = None) -> None:
    """Serve until ``stop`` is set, ``stop_after`` seconds have passed, or Ctrl-C, re-rendering on
    changes; ``on_ready`` gets the URL.

    Port 0 takes any free port. A port in use is a :class:`ConfigError`, not a traceback.
    """
    preview.refresh()
    try:
        server = ThreadingHTTPServer((HOST, port), _handler(preview, log))
    except OSError as exc:
        raise ConfigError(f"cannot serve on {HOST}:{port}: {exc.strerror}",
                          hint="choose another port with --port (0 picks a free one)") from None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    if on_ready is not None:
        on_ready(f"http://{HOST}:{server.server_port}/")
    stop = stop or threading.Event()
    deadline = None if stop_after is None else time.monotonic() + stop_after
    try:
        while not stop.wait(POLL_SECONDS) and (deadline is None or time.monotonic() < deadline):
            preview.refresh()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
