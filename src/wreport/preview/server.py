"""``wreport preview``: an audience's editions side by side, served on 127.0.0.1, repainted as you save.

The operating system tells the preview when an input changes (inotify and its kin, through
watchfiles), the changed editions are rendered again by a worker process that keeps everything a
change does not touch (:mod:`wreport.preview.render`), and the new version is pushed to the open
page with server-sent events (``/events``): the page reloads only the panes whose contents
changed, keeping their scroll position. Nothing is written to ``out/``.

What the page shows is a view of :mod:`wreport.preview.render` (``VIEWS``): the editions side
by side (or one), or the review page (``view="review"``). With ``paged``, the printed pages (the
PDF's layout) follow in panes of their own, laid out by a second, lower-priority worker after the
fast HTML update. The page's version number is at ``/version`` (plain text) for scripts and tests. A render error is shown in its pane and printed
once; the next good render replaces it. Any failure of a refresh is shown, never fatal.

Only the loopback interface is bound, and only requests naming it (``Host: 127.0.0.1:PORT`` or
``localhost:PORT``) are answered, so a web page elsewhere cannot reach the preview through a DNS
name that resolves to 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

from wreport.build.cache import data_files
from wreport.errors import ConfigError
from wreport.inputs.project import Project
from wreport.preview.render import (
    RENDER_SECONDS,
    VIEWS,
    Pane,
    Request,
    Runner,
    describe,
    error_page,
)
from wreport.render.templating import Audience, list_audiences, load_audience

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0  # an idle event stream sends a comment this often (proxies, dead clients)
# watchfiles groups the events of one save (an editor's write-and-rename) within STEP_MS, and
# yields at most DEBOUNCE_MS after the first.
STEP_MS, DEBOUNCE_MS = 5, 100
#: How often a watch checks that its folders are still the ones it watches (a branch switch
#: replaces them): a few stat calls, so a fifth of a second costs nothing.
REWATCH_MS = 200
SERVER = secrets.token_hex(8)  # this process: a page that reconnects to another preview reloads


@dataclass(frozen=True)
class Page:
    """What the server hands out: the panes by name, the version number and the status line."""

    version: int = 0
    panes: dict[str, Pane] = field(default_factory=dict)
    status: str = "starting"

    def digest(self, name: str) -> str:
        return hashlib.sha256(self.panes[name].body).hexdigest()[:16]

    def summary(self) -> dict[str, object]:
        """What the event stream sends: enough for the page to reload the panes that changed."""
        return {"server": SERVER, "version": self.version, "status": self.status,
                "panes": {name: self.digest(name) for name in self.panes},
                "errors": [f"{pane.title}: {pane.error}" for pane in self.panes.values() if pane.error]}


def choose(project: Project, audience: str | None, lang: str | None) -> tuple[Audience, str | None]:
    """The audience (default: the first, in ``[project] audiences`` order, list_audiences) and language
    (default: None, all of them), checked."""
    names = list_audiences(project)
    if audience is None and not names:
        raise ConfigError(f"no audiences in {project.relative(project.templates_dir)}",
                          hint="create one with `wreport new-audience NAME`")
    chosen = load_audience(project, audience or names[0])
    if lang is not None and lang not in chosen.languages:
        raise ConfigError(f"audience {chosen.name!r} has no {lang!r} edition",
                          hint=f"its languages: {', '.join(chosen.languages)}")
    return chosen, lang


class Preview:
    """The current page, re-rendered on :meth:`refresh`; waiters are woken on each new version."""

    def __init__(self, project: Project, audience: str, lang: str | None = None, *, view: str = "editions",
                 paged: bool = False, say: Callable[[str], None] = print, limit: float = RENDER_SECONDS):
        if view not in VIEWS:
            raise ValueError(f"no preview view {view!r}: {', '.join(VIEWS)}")
        self.project = project
        self.audience = audience
        self.lang = lang
        self.view = view  # what the fast update renders: a name in preview_render.VIEWS
        self.paged = paged
        self.say = say
        self.page = Page()
        self.closed = False
        self._changed = threading.Condition()
        self._runner = Runner(limit)
        self._pages_runner = Runner(limit, nice=5) if paged else None
        self._pages_wanted = threading.Event()
        self._said: dict[str, str | None] = {}  # the last error printed, by pane

    # ------------------------------------------------------------ rendering
    def refresh(self) -> bool:
        """Render the view again (what did not change comes from the worker's caches); True when
        the page changed. Never raises: a failure is shown on the page."""
        start = time.perf_counter()
        panes = self._render(self._runner, self.view, "")
        milliseconds = (time.perf_counter() - start) * 1000
        changed = self._publish(panes, False, f"rendered {self._which()}, version {{version}} ({milliseconds:.0f} ms)")
        if self.paged:
            self._pages_wanted.set()
        return changed

    def refresh_pages(self) -> bool:
        """Lay out the printed pages again (in the background worker); True when they changed."""
        if self._pages_runner is None:
            return False
        start = time.perf_counter()
        panes = self._render(self._pages_runner, "pages", "-pages")
        return self._publish(panes, True, f"laid out the pages of {self._which()}, version {{version}} "
                                    f"({time.perf_counter() - start:.1f} s)")

    def _which(self) -> str:
        return f"{self.audience} ({self.lang or 'every edition'})"

    def _render(self, runner: Runner, view: str, suffix: str) -> dict[str, Pane]:
        request = Request(self.project.root, view, self.audience, self.lang)
        try:
            return {pane.name: pane for pane in runner.render(request)}
        except Exception as exc:  # noqa: BLE001 - any failure is shown on the page, the server goes on
            message = describe(exc)
            title = "printed pages" if suffix else "the editions"
            return {f"error{suffix}": Pane(f"error{suffix}", self.audience, error_page(title, message), message)}

    def _publish(self, panes: dict[str, Pane], pages: bool, timing: str) -> bool:
        """Replace this view's panes (the ``-pages`` ones, or the others) and wake the waiters;
        ``timing`` (with ``{version}`` in it) is the status line and what is printed."""
        with self._changed:
            if self.closed:  # stopping: a render cut short by it is no news
                return False
            kept = {name: pane for name, pane in self.page.panes.items() if name.endswith("-pages") != pages}
            merged = {**kept, **panes}
            ordered = dict(sorted(merged.items(), key=lambda item: (item[0].endswith("-pages"), _order(item[0]))))
            same = {n: p.body for n, p in ordered.items()} == {n: p.body for n, p in self.page.panes.items()}
            if same:
                return False
            version = self.page.version + 1
            self.page = Page(version, ordered, timing.replace("{version}", str(version)))
            self._changed.notify_all()
        for name, pane in panes.items():
            if pane.error and self._said.get(name) != pane.error:
                self.say(f"error: {pane.title}: {pane.error}")
            self._said[name] = pane.error
        if not any(pane.error for pane in panes.values()):
            self.say(timing.replace("{version}", str(version)))
        return True

    def wait(self, seen: int, timeout: float) -> Page | None:
        """The page once its version differs from ``seen`` (None on timeout or when closed)."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.page.version != seen, timeout)
            return None if self.closed or self.page.version == seen else self.page

    def pages_loop(self, stop: threading.Event) -> None:
        """Lay out the printed pages whenever the HTML was updated, until ``stop``."""
        while not stop.is_set():
            if self._pages_wanted.wait(0.2):
                self._pages_wanted.clear()
                self.refresh_pages()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
        self._runner.close()
        if self._pages_runner is not None:
            self._pages_runner.close()

    # ------------------------------------------------------------ the page
    def shell(self) -> bytes:
        """The page at /: a header and one frame per pane; the script follows the event stream."""
        page = self.page
        sections = "".join(
            f'<section><h2>{html.escape(pane.title)}</h2><iframe id="pane-{html.escape(name)}" '
            f'title="{html.escape(pane.title)}" src="/pane/{html.escape(name)}?h={page.digest(name)}"></iframe></section>'
            for name, pane in page.panes.items())
        # The editions side by side, their pages in a row below; one edition: beside its pages.
        columns = sum(1 for name in page.panes if not name.endswith("-pages"))
        columns = columns if columns > 1 else len(page.panes) or 1
        summary = json.dumps(page.summary(), ensure_ascii=False).replace("<", "\\u003c")
        return _SHELL.format(title=html.escape(self.audience), columns=columns, sections=sections,
                             version=page.version, status=html.escape(page.status),
                             summary=summary).encode("utf-8")


def _order(name: str) -> int:
    lang = name.removesuffix("-pages")
    return ["error", "ko", "en"].index(lang) if lang in ("error", "ko", "en") else 9


_SHELL = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>wreport preview: {title}</title>
<style>
html, body {{ margin: 0; height: 100%; }}
body {{ display: flex; flex-direction: column; font: 13px/1.4 system-ui, sans-serif; }}
header {{ padding: 4px 10px; background: #223; color: #eee; display: flex; gap: 1.5em; }}
header #errors {{ color: #fbb; white-space: pre-wrap; }}
main {{ flex: 1; min-height: 0; display: grid; grid-template-columns: repeat({columns}, 1fr);
       grid-auto-rows: minmax(0, 1fr); gap: 2px; background: #889; }}
section {{ display: flex; flex-direction: column; min-height: 0; background: white; }}
section h2 {{ font-size: 12px; margin: 0; padding: 2px 8px; background: #eef; font-weight: 600; }}
iframe {{ flex: 1; border: 0; width: 100%; }}
</style></head>
<body data-version="{version}">
<header><strong>wreport preview: {title}</strong><span id="status">{status}</span><span id="errors"></span></header>
<main>{sections}</main>
<script>
(() => {{
  let page = {summary};
  const show = () => {{
    document.body.dataset.version = page.version;
    document.getElementById("status").textContent = page.status;
    document.getElementById("errors").textContent = page.errors.join("\\n");
  }};
  show();
  // A changed pane gets the new document's body in place (its head too if that changed: then
  // the frame loads it afresh), which keeps the scroll position and repaints fastest.
  const wanted = {{}};
  const repaint = (name, digest) => {{
    wanted[name] = digest;
    const frame = document.getElementById("pane-" + name);
    const url = "/pane/" + name + "?h=" + digest;
    const reload = () => {{
      const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.onload = () => frame.contentWindow.scrollTo(0, y);
      frame.src = url;
    }};
    fetch(url).then(r => r.text()).then(text => {{
      if (wanted[name] !== digest) return;  // a newer version is on its way
      const doc = frame.contentDocument;
      const fresh = new DOMParser().parseFromString(text, "text/html");
      if (!doc || !doc.body || doc.head.innerHTML !== fresh.head.innerHTML) return reload();
      doc.body.replaceWith(doc.adoptNode(fresh.body));
    }}).catch(reload);
  }};
  const events = new EventSource("/events");
  events.onmessage = (event) => {{
    const next = JSON.parse(event.data);
    if (next.version === page.version && next.server === page.server) return;
    if (next.server !== page.server || Object.keys(next.panes).join() !== Object.keys(page.panes).join()) {{
      location.reload();  // another preview (restarted), or other panes: load the page afresh
      return;
    }}
    for (const [name, digest] of Object.entries(next.panes)) {{
      if (digest !== page.panes[name]) repaint(name, digest);
    }}
    page = next;
    show();
  }};
}})();
</script>
</body></html>
"""


# ---------------------------------------------------------------- the server
def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers the preview answers: the loopback address or localhost, with its port."""
    return frozenset({f"{HOST}:{port}", f"localhost:{port}"})


def _handler(preview: Preview, log: Callable[[str], None] | None) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to this preview and log (http.server makes one handler
    object per request from a class, so what they share lives on the class)."""
    return type("Handler", (_PreviewHandler,), {"preview": preview, "log_to": staticmethod(log) if log else None})


class _PreviewHandler(BaseHTTPRequestHandler):
    """Serves the page at /, its panes, /version and the event stream /events."""

    protocol_version = "HTTP/1.1"
    preview: Preview
    log_to: Callable[[str], None] | None = None

    def handle(self) -> None:
        """A client that drops its request (a closed tab, a reload mid-answer) ends it quietly:
        nothing is left to tell it, and the server goes on answering the others."""
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        host = (self.headers.get("Host") or "").lower()
        if host not in allowed_hosts(cast(ThreadingHTTPServer, self.server).server_port):
            self._send(HTTPStatus.FORBIDDEN, "text/plain",
                       b"refused: the preview answers only requests for 127.0.0.1 or localhost\n")
            return
        path = self.path.split("?", 1)[0]
        page = self.preview.page
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.preview.shell())
        elif path == "/version":
            self._send(HTTPStatus.OK, "text/plain", str(page.version).encode())
        elif path == "/events":
            self._events(page)
        elif path.startswith("/pane/") and path[len("/pane/"):] in page.panes:
            pane = page.panes[path[len("/pane/"):]]
            status = HTTPStatus.INTERNAL_SERVER_ERROR if pane.error else HTTPStatus.OK
            self._send(status, "text/html; charset=utf-8", pane.body)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found: the preview is at /\n")

    def _events(self, page: Page) -> None:
        """Server-sent events: the current version at once, then each new one as it is made."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        current: Page | None = page
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not self.preview.closed:
                if current is not None:
                    data = json.dumps(current.summary(), ensure_ascii=False)
                    self.wfile.write(f"id: {current.version}\ndata: {data}\n\n".encode())
                    seen = current.version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
                current = self.preview.wait(seen, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if self.log_to is not None:
            self.log_to(format % args)


# ---------------------------------------------------------------- watching the inputs
def watched(project: Project) -> tuple[list[Path], list[Path], Callable[[Path], bool]]:
    """The folders to watch with and without their subfolders (whether or not they exist now: a
    missing one is watched once it appears), and which paths in them count: the data files, the
    sources folder, everything in the templates folder, and the sign-off records (the review pane
    shows each segment's state)."""
    files = {path.resolve() for path in data_files(project)}
    sources = (project.sources_file.parent / "sources").resolve()
    templates = project.templates_dir.resolve()
    signoff = project.signoff_dir.resolve()
    deep = [templates, sources]
    shallow = sorted(({path.parent for path in files} | {signoff}) - set(deep))

    def counts(path: Path) -> bool:
        return (path in files or path.is_relative_to(templates) or path.is_relative_to(sources)
                or (path.parent == signoff and path.suffix == ".yaml"))

    return deep, shallow, counts


def identity(folders: Iterable[Path]) -> tuple[tuple[int, int] | None, ...]:
    """Which folder each path names now (device and inode; None when there is none). A folder
    removed and made again, as a branch switch does, is another folder: the operating system's
    watch on the old one reports nothing more, so the watch is made again when this changes."""
    marks: list[tuple[int, int] | None] = []
    for folder in folders:
        try:
            info = folder.stat()
        except OSError:
            marks.append(None)
            continue
        marks.append((info.st_dev, info.st_ino))
    return tuple(marks)


def _watch(folders: list[Path], recursive: bool, counts: Callable[[Path], bool], inside: Path,
           changed: threading.Event, stop: threading.Event) -> None:
    """Set ``changed`` whenever a file that counts changes in ``folders`` (until ``stop``). Every
    REWATCH_MS the folders are checked to be the same ones (:func:`identity`); when one was
    removed, made again or made at last, the watch starts over on the folders there are now, and
    the view is rendered again (what changed while no watch was there is not reported). A folder
    that leads outside ``inside`` (the project; a symlink put in its place) is not watched: the
    render refuses it anyway, and a watch there would reach a tree of any size outside."""
    import watchfiles

    marks = None
    while not stop.is_set():
        now = identity(folders)
        if marks is not None and now != marks:
            changed.set()
        marks = now
        present = [folder for folder in folders if folder.is_dir() and folder.resolve().is_relative_to(inside)]
        if not present:
            stop.wait(REWATCH_MS / 1000)
            continue
        try:
            for changes in watchfiles.watch(*present, watch_filter=lambda _, path: counts(Path(path)), step=STEP_MS,
                                            debounce=DEBOUNCE_MS, stop_event=stop, recursive=recursive,
                                            raise_interrupt=False, rust_timeout=REWATCH_MS, yield_on_timeout=True):
                if changes:
                    changed.set()
                if identity(folders) != marks:
                    break
        except OSError:  # a folder went between the check and the watch: look again
            stop.wait(REWATCH_MS / 1000)


def serve(preview: Preview, port: int, stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None, log: Callable[[str], None] | None = None,
          stop_after: float | None = None) -> None:
    """Serve until ``stop`` is set, ``stop_after`` seconds have passed, or Ctrl-C, re-rendering on
    changes; ``on_ready`` gets the URL. Stops every thread and worker it started.

    Port 0 takes any free port. A port in use is a :class:`ConfigError`, not a traceback.
    """
    stop = stop or threading.Event()
    finished = threading.Event()  # the threads' own stop: set on the way out, whatever stopped us
    changed = threading.Event()
    deep, shallow, counts = watched(preview.project)
    inside = preview.project.root.resolve()
    threads = [threading.Thread(target=_watch, args=(folders, recursive, counts, inside, changed, finished), daemon=True)
               for folders, recursive in ((deep, True), (shallow, False))]
    if preview.paged:
        threads.append(threading.Thread(target=preview.pages_loop, args=(finished,), daemon=True))
    try:
        try:
            server = ThreadingHTTPServer((HOST, port), _handler(preview, log))
        except OSError as exc:
            raise ConfigError(f"cannot serve on {HOST}:{port}: {exc.strerror}",
                              hint="choose another port with --port (0 picks a free one)") from None
        server.daemon_threads = True
        threads.append(threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True))
        for thread in threads:
            thread.start()
        deadline = None if stop_after is None else time.monotonic() + stop_after
        try:
            preview.refresh()
            if on_ready is not None:
                on_ready(f"http://{HOST}:{server.server_port}/")
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                if changed.wait(0.1):
                    changed.clear()
                    preview.refresh()
        except KeyboardInterrupt:
            pass
        finally:
            finished.set()
            preview.close()
            server.shutdown()
            server.server_close()
    finally:
        finished.set()
        preview.close()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join(10)
