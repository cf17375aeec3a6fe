"""What ``wreport preview`` shows, rendered in a long-lived worker process that keeps its caches.

The preview's server (:mod:`wreport.preview.server`) asks a :class:`Runner` for a *view* of an audience:
``editions`` (each edition's standalone HTML, as ``wreport build`` writes it), ``pages`` (each
edition's printed pages, laid out by WeasyPrint with the PDF's paged-media CSS and shown as page
images) or ``review`` (the bilingual review page of ``wreport review``). A view is a function in :data:`VIEWS`; a new kind of page is one more entry there.

The runner sends each request to a worker process and waits for each edition at most the render
limit. A template with a loop that never ends cannot be interrupted from inside Jinja, so a
worker that overruns is killed and a fresh one started for the next request; the error names the
audience, edition, template and limit. The worker keeps, between renders, what a change does not touch,
each entry found again by the content hash of the files it was made from (:class:`Session`): the
project's configuration, the facts and glossary (quotes verified once per version of the data),
each audience, each edition's document and HTML, and each edition's page images. A template edit
re-renders only the editions whose templates it reaches; the data is not loaded again. Jinja's
compiled templates (:data:`wreport.render.sandbox.compiled_templates`, keyed by source), the figures in
the house style (:mod:`wreport.data.facts`) and the charts (:mod:`wreport.render.charts`) are kept for the
life of the process, so a save costs compiling the changed template and rendering its edition.
"""

from __future__ import annotations

import base64
import html
import multiprocessing
import multiprocessing.connection
import signal
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from wreport.errors import RenderError, WreportError

if TYPE_CHECKING:
    from wreport.build.cache import Hasher
    from wreport.data.facts import FactSet
    from wreport.data.formatting import Style
    from wreport.data.glossary import Glossary
    from wreport.inputs.project import Project
    from wreport.render.document import Document
    from wreport.render.templating import Audience

RENDER_SECONDS = 60.0  # the default wall-clock limit for one edition
PAGE_SCALE = 1.25  # page images at 90 dpi (PDF points are 1/72 in)
KEEP = 16  # rendered editions (and page sets) kept per cache: an undo is found again


@dataclass(frozen=True)
class Request:
    """One view of one audience (``lang`` None: every language it has)."""

    root: Path
    view: str
    audience: str
    lang: str | None = None


@dataclass(frozen=True)
class Pane:
    """One part of the preview page: an edition's HTML, its page images, or what went wrong."""

    name: str  # "ko", "en", "ko-pages"...: a part of the URL /pane/<name>
    title: str
    body: bytes
    error: str | None = None


# ---------------------------------------------------------------- the caches
K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """The ``size`` most recently used entries (a dict that forgets the oldest)."""

    def __init__(self, size: int = KEEP):
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


@dataclass(frozen=True)
class Inputs:
    """What a request renders from: the project, its data, the audience, and their hash."""

    hasher: Hasher
    project: Project
    data: _Data
    audience: Audience
    key: str


@dataclass(frozen=True)
class EditionToMake:
    """One edition of a request: its language, cache key, a description and how to make it."""

    lang: str
    key: str
    what: str  # "policy-brief (en) from templates/policy-brief/en.md.j2"
    make: Callable[[], tuple[Document, bytes]]


@dataclass(frozen=True)
class _Data:
    key: str
    facts: FactSet
    glossary: Glossary
    style: Style


class Session:
    """What the worker keeps between renders, each entry keyed by the hash of its inputs."""

    def __init__(self, root: Path):
        self.root = root
        self.projects: _Recent[str, Project] = _Recent(2)
        self.data: _Recent[str, _Data] = _Recent(2)
        self.audiences: _Recent[tuple[str, str], Audience] = _Recent()
        self.editions: _Recent[str, tuple[Document, bytes]] = _Recent()
        self.pages: _Recent[str, bytes] = _Recent()
        self.reviews: _Recent[str, bytes] = _Recent()
        self.references: dict[str, list[str | None]] = {}  # what each template loads, by content hash

    def inputs(self, request: Request) -> Inputs:
        """The project, data and audience of a request, each from the cache while its files are
        unchanged; the hasher has read each file once for this request."""
        from wreport.build.cache import Hasher, data_files
        from wreport.inputs.project import CONFIG_NAME, load_project
        from wreport.render.templating import load_audience

        hasher = Hasher(self.root, self.references)
        project = self.projects.get(hasher.file(self.root / CONFIG_NAME), lambda: load_project(self.root))
        data_key = hasher.files(data_files(project))
        data = self.data.get(data_key, lambda: _load_data(project, data_key))
        audience_key = hasher.file(project.templates_dir / request.audience / "audience.toml")
        audience = self.audiences.get((request.audience, audience_key), lambda: load_audience(project, request.audience))
        return Inputs(hasher, project, data, audience, f"{data_key} {audience_key}")

    def editions_of(self, request: Request) -> Iterator[EditionToMake]:
        """Each edition asked for, with its key (the hash over every input it is made from) and
        how to get its document and HTML (from the cache when the key is known)."""
        from wreport.build.cache import template_files

        inputs = self.inputs(request)
        project, audience = inputs.project, inputs.audience
        for lang in audience.languages if request.lang is None else (request.lang,):
            self._compile_new_templates(project, audience, lang, inputs.hasher)
            templates = inputs.hasher.files(template_files(project, audience.folder, lang, inputs.hasher))
            self.references.update(inputs.hasher.references)
            key = f"{inputs.key} {templates} {audience.name} {lang}"

            def make(lang: str = lang, key: str = key) -> tuple[Document, bytes]:
                return self.editions.get(key, lambda: _render_edition(project, audience, lang, inputs.data))

            what = f"{audience.name} ({lang}) from {project.relative(audience.template_file(lang))}"
            yield EditionToMake(lang, key, what, make)

    def _compile_new_templates(self, project: Project, audience: Audience, lang: str, hasher: Hasher) -> None:
        """Parse each template of the edition whose contents are new, once, for both what it
        loads (the edition's key) and its compiled code (into the shared cache the render uses):
        found apart, a changed template would be parsed twice (about 0.05 s for a long one)."""
        import jinja2
        from jinja2 import meta

        from wreport.render.sandbox import compiled_templates
        from wreport.render.templating import FILTERS, environment

        env = environment(project, audience)
        env.filters.update(dict.fromkeys(FILTERS, str))  # compiling checks the names only
        assert env.loader is not None
        pending, seen = [audience.template_file(lang).name], set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            try:
                source, filename, _ = env.loader.get_source(env, name)
                key = hasher.file(Path(filename or name))
                if key not in self.references:
                    tree = env.parse(source, name, filename)
                    self.references[key] = list(meta.find_referenced_templates(tree))
                    bucket = compiled_templates.get_bucket(env, name, filename, source)
                    if bucket.code is None:
                        bucket.code = env.compile(tree, name, filename)
                        compiled_templates.set_bucket(bucket)
            except (jinja2.TemplateError, OSError, UnicodeDecodeError):
                continue  # the render reports it, at its file and line
            pending += [found for found in self.references[key] if found is not None]


def _load_data(project: Project, key: str) -> _Data:
    from wreport.data.facts import load_project_data

    return _Data(key, *load_project_data(project))


def _render_edition(project: Project, audience: Audience, lang: str, data: _Data) -> tuple[Document, bytes]:
    from wreport.render.templating import render_edition
    from wreport.writers.html import render_html

    document = render_edition(project, audience, lang, data.facts, data.glossary, data.style).document
    return document, render_html(document, embed_assets=True).encode("utf-8")


# ---------------------------------------------------------------- the views
LANGUAGE_NAMES = {"ko": "한국어 Korean", "en": "English"}


# A view yields, for each pane: its name, its title, which edition and template it renders (for
# the message when it overruns the limit) and how to make its body.
Part = tuple[str, str, str, Callable[[], bytes]]


def editions_view(session: Session, request: Request) -> Iterator[Part]:
    """Each edition's standalone HTML, as ``wreport build`` writes it."""
    for edition in session.editions_of(request):
        yield edition.lang, LANGUAGE_NAMES.get(edition.lang, edition.lang), edition.what, partial(_html_of, edition.make)


def pages_view(session: Session, request: Request) -> Iterator[Part]:
    """Each edition's printed pages: the PDF laid out as the build lays it out, as page images."""
    for edition in session.editions_of(request):
        title = f"{LANGUAGE_NAMES.get(edition.lang, edition.lang)}: printed pages"
        yield (f"{edition.lang}-pages", title, f"the pages of {edition.what}",
               partial(session.pages.get, edition.key, partial(_images_of, edition.make)))


def review_view(session: Session, request: Request) -> Iterator[Part]:
    """The review page ``wreport review`` writes: both editions aligned segment by segment, each
    figure beside its fact, source sentence and quote, and each segment's sign-off state. Made
    again when either edition's inputs or the audience's sign-off record change (its key is
    theirs), so a `wreport review approve` in another terminal shows at once."""
    from wreport.review.signoff import record_path

    key = " ".join(edition.key for edition in session.editions_of(replace(request, lang=None)))
    inputs = session.inputs(request)
    key += " " + inputs.hasher.file(record_path(inputs.project, inputs.audience.name))
    yield ("review", "Review: both editions aligned", f"the review of {inputs.audience.name}",
           partial(session.reviews.get, key, partial(_review_page, inputs)))


def _review_page(inputs: Inputs) -> bytes:
    from wreport.review.html import render_review_html
    from wreport.review.model import prepare_review
    from wreport.review.signoff import load_record, states

    data, name = inputs.data, inputs.audience.name
    review = prepare_review(inputs.project, name, data.facts, data.glossary, data.style)
    review.signoffs = states(review.pairs, load_record(inputs.project, name), data.facts, data.glossary)
    return render_review_html(review).encode()


def _html_of(make: Callable[[], tuple[Document, bytes]]) -> bytes:
    return make()[1]


def _images_of(make: Callable[[], tuple[Document, bytes]]) -> bytes:
    return _page_images(make()[0])


def _pane(name: str, title: str, body: Callable[[], bytes]) -> Pane:
    try:
        return Pane(name, title, body())
    except Exception as exc:  # noqa: BLE001 - any failure of one edition is shown in its pane
        message = describe(exc)
        return Pane(name, title, error_page(title, message), message)


def _page_images(document: Document) -> bytes:
    """The edition's PDF rendered to one PNG per page, in a page of its own."""
    import io

    import pypdfium2

    from wreport.writers.pdf import render_pdf_with_pages

    pdf = pypdfium2.PdfDocument(render_pdf_with_pages(document).data)
    images = []
    try:
        for number, page in enumerate(pdf, start=1):
            buffer = io.BytesIO()
            page.render(scale=PAGE_SCALE).to_pil().save(buffer, format="PNG", optimize=False)
            encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
            images.append(f'<img src="data:image/png;base64,{encoded}" alt="page {number}">')
    finally:
        pdf.close()
    style = ("body{margin:0;background:#777;padding:8px}img{display:block;width:100%;max-width:900px;"
             "margin:0 auto 8px;box-shadow:0 1px 4px #0008;background:white}")
    return (f'<!DOCTYPE html><html lang="{html.escape(document.lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(document.title)}</title><style>{style}</style></head>"
            f"<body>{''.join(images)}</body></html>").encode()


# The kinds of page the preview can show, by name: each yields the panes of one request.
VIEWS: dict[str, Callable[[Session, Request], Iterator[Part]]] = {"editions": editions_view, "pages": pages_view,
                                                                  "review": review_view}


def describe(exc: BaseException) -> str:
    """A failure as the user should read it: a WreportError's message, else its type and text."""
    if isinstance(exc, WreportError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


def error_page(title: str, message: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>wreport: error</title></head>'
            f"<body><h1>Cannot render {html.escape(title)}</h1><pre>{html.escape(message)}</pre></body></html>"
            ).encode()


# ---------------------------------------------------------------- the worker process
def _work(connection: multiprocessing.connection.Connection) -> None:
    """The worker's loop: answer each request with its panes, one message per pane, then None.

    Ctrl-C is the server's to handle; the worker ends when the server closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    session: Session | None = None
    while True:
        try:
            request: Request = connection.recv()
        except (EOFError, OSError):
            return
        if session is None or session.root != request.root:
            session = Session(request.root)
        try:
            for name, title, what, body in VIEWS[request.view](session, request):
                connection.send(Starting(what))
                connection.send(_pane(name, title, body))
            connection.send(None)
        except Exception as exc:  # noqa: BLE001 - a problem before any pane (data, audience); the worker goes on
            connection.send(Failed(describe(exc)))


@dataclass(frozen=True)
class Starting:
    """The worker's message that it starts on a pane (so an overrun can name it)."""

    what: str


@dataclass(frozen=True)
class Failed:
    """The worker's message that the request failed before its panes: every pane is concerned."""

    message: str


class Runner:
    """A worker process rendering requests, each edition within ``limit`` seconds.

    The worker is started on first use (spawned: the server runs threads, which forking would
    copy mid-lock) and again after it overran the limit or died. ``nice`` lowers its priority
    (the page images are laid out in a worker of their own, behind the fast HTML)."""

    def __init__(self, limit: float = RENDER_SECONDS, nice: int = 0):
        self.limit = limit
        self.nice = nice
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: multiprocessing.connection.Connection | None = None

    def render(self, request: Request) -> list[Pane]:
        """The request's panes; a problem concerning all of them raises :class:`RenderError`, and
        so does a pane that overran the limit (the worker is stopped)."""
        connection = self._start()
        connection.send(request)
        panes: list[Pane] = []
        what = request.audience
        while True:
            if not connection.poll(self.limit):
                self.close()
                raise RenderError(f"rendering {what} took longer than {self.limit:g} s and was stopped",
                                  hint="look for a loop in the template that never ends")
            try:
                message: Starting | Pane | Failed | None = connection.recv()
            except (EOFError, OSError):
                self.close()
                raise RenderError(f"the preview's worker process stopped while rendering {what}",
                                  hint="it is restarted for the next change") from None
            match message:
                case None:
                    return panes
                case Starting():
                    what = message.what
                case Pane():
                    panes.append(message)
                case Failed():
                    raise RenderError(message.message)
                case _:
                    raise RenderError(f"unexpected message from the preview's worker: {message!r}")

    def _start(self) -> multiprocessing.connection.Connection:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self.close()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_start_worker, args=(theirs, self.nice), daemon=True,
                                        name="wreport-preview-worker")
        self._process.start()
        theirs.close()
        self._connection = ours
        return ours

    def close(self) -> None:
        """Stop the worker (at once: it holds nothing that needs saving). A render waiting on it
        in another thread sees the pipe end and raises :class:`RenderError`."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _start_worker(connection: multiprocessing.connection.Connection, nice: int) -> None:
    import os

    if nice:
        os.nice(nice)
    _work(connection)
