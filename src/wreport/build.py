"""Build the outputs: every edition of every audience, in every format it asks for.

A build has two steps. :func:`prepare` plans the outputs and hashes every input of each one
(:mod:`wreport.cache`); an output whose inputs and file are unchanged since it was written is up
to date and is not rendered again (``force`` renders everything). :func:`run` renders the rest,
one task per edition (its template rendered once, then each pending format), in up to ``jobs``
worker processes (``jobs=1``: serially, in this process), and only when every output has been
made in memory writes them, each atomically (:func:`wreport.fileio.write_atomic`). So a template
or data error in the last edition leaves every previous output as it was, and a failed write
keeps the old file.

A worker loads the facts and glossary once. A worker's :class:`WreportError` reaches the caller
as the same exception, with the same message. Renders are deterministic, so a parallel build is
byte-identical to a serial one.
"""

from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .cache import BuildRecord, Hasher, data_files, output_key, template_files, tool_key
from .document import Document
from .errors import ConfigError, Location, RenderError
from .fileio import write_atomic
from .project import Project
from .templating import FORMATS, LANGUAGES, Audience, list_audiences, load_audience

BUILT = "built"
UP_TO_DATE = "up to date"


@dataclass(frozen=True)
class Output:
    """One output file. ``pages`` is known for PDFs only (the DOCX is paginated by Word).
    ``status`` is "built" (rendered and written by this build) or "up to date" (left alone);
    ``seconds`` is the time its rendering took (0 when up to date)."""

    path: Path
    audience: str
    lang: str
    format: str
    size: int
    pages: int | None = None
    status: str = BUILT
    seconds: float = 0.0


@dataclass(frozen=True)
class Edition:
    """One audience in one language, and the formats to write it in."""

    audience: Audience
    lang: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """One planned output: what to make, where, from which inputs (``key``), and, when the file
    on disk already matches that key, the output as it stands (``current``)."""

    edition: Edition
    format: str
    path: Path
    key: str
    current: Output | None = None


@dataclass(frozen=True)
class Plan:
    """Everything :func:`run` needs: the project, where outputs go, and the tasks in order."""

    project: Project
    out_dir: Path
    tasks: tuple[Task, ...]
    data_key: str  # the hash of the facts, sources, glossary and wreport.toml
    templates: dict  # what each template (by content hash) loads, for the record

    @property
    def pending(self) -> list[Task]:
        return [task for task in self.tasks if task.current is None]

    def workers(self, jobs: int | None = None) -> int:
        """How many processes :func:`run` renders in: ``jobs`` (default and ceiling: one per
        core), but no more than there are editions to render; 1 means this process."""
        editions = {(task.edition.audience.name, task.edition.lang) for task in self.pending}
        return max(1, min(jobs or default_jobs(), default_jobs(), len(editions)))


def _render_html(doc: Document, layout: dict[str, int]) -> tuple[bytes, None]:
    from .writers.html import render_html

    return render_html(doc, embed_assets=True).encode("utf-8"), None


def _render_pdf(doc: Document, layout: dict[str, int]) -> tuple[bytes, int]:
    """The PDF and its page count, which the layout knows (no need to re-read the bytes); the
    page each heading lands on goes into ``layout`` for the DOCX contents."""
    from .writers.pdf import render_pdf_with_pages

    result = render_pdf_with_pages(doc)
    layout.update(result.anchor_pages)
    return result.data, result.pages


def _render_docx(doc: Document, layout: dict[str, int]) -> tuple[bytes, None]:
    """The DOCX, its contents numbered with the PDF edition's pages: from the PDF just made, or
    from laying the edition out here, so the file is the same whether or not its PDF was rebuilt."""
    from .writers.docx import render_docx

    if not layout and doc.contents:
        from .writers.pdf import heading_pages

        layout.update(heading_pages(doc))
    return render_docx(doc, heading_pages=layout), None


# The writers by format, each giving the file's bytes and its page count if known; each is
# imported only when its format is built (WeasyPrint is slow to load). The second argument is
# the edition's layout (HTML id -> page), shared by the formats of one edition: PDF first.
WRITERS: dict[str, Callable[[Document, dict[str, int]], tuple[bytes, int | None]]] = {
    "html": _render_html, "pdf": _render_pdf, "docx": _render_docx}


# ---------------------------------------------------------------- planning
def plan(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
         formats: Iterable[str] | None = None) -> list[Edition]:
    """The editions to build: each audience's own languages and formats, narrowed to those asked for.

    Asking for a language or format no audience has, or an unknown one, is an error rather than
    an empty build, so a typo never looks like success.
    """
    langs = _checked("language", langs, LANGUAGES)
    formats = _checked("format", formats, FORMATS)
    names = list(dict.fromkeys(audiences)) if audiences else list_audiences(project)
    if not names:
        raise ConfigError(f"no audiences in {project.relative(project.templates_dir)}",
                          hint="an audience is a folder there holding audience.toml and <lang>.md.j2")
    editions = []
    for audience in (load_audience(project, name) for name in names):
        chosen = tuple(f for f in audience.formats if formats is None or f in formats)
        for lang in audience.languages:
            if (langs is None or lang in langs) and chosen:
                editions.append(Edition(audience, lang, chosen))
    if not editions:
        asked = ", ".join(f"{what} {', '.join(values)}" for what, values in
                          (("language", langs), ("format", formats)) if values)
        raise ConfigError(f"nothing to build: no audience has {asked}",
                          hint="see the languages and formats in each audience.toml")
    return editions


def _checked(what: str, values: Iterable[str] | None, known: tuple[str, ...]) -> tuple[str, ...] | None:
    """The requested names, refusing unknown ones; None when nothing was asked (take all)."""
    if values is None:
        return None
    values = tuple(values)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ConfigError(f"unknown {what}: {', '.join(unknown)}", hint=f"use some of: {', '.join(known)}")
    return values or None


def output_path(out_dir: Path, audience: str, lang: str, fmt: str) -> Path:
    """Where an output goes: ``<out>/<audience>/<audience>.<lang>.<format>``."""
    return out_dir / audience / f"{audience}.{lang}.{fmt}"


def prepare(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
            formats: Iterable[str] | None = None, out_dir: Path | None = None, force: bool = False) -> Plan:
    """Plan the outputs and find which are up to date (none, with ``force``)."""
    editions = plan(project, audiences, langs, formats)
    out_dir = Path(out_dir) if out_dir is not None else project.out_dir
    record = BuildRecord(out_dir)
    hasher = Hasher(project.root, record.templates)
    data_key = hasher.files(data_files(project))
    common = f"{tool_key()}{data_key}"
    tasks = []
    for edition in editions:
        name = edition.audience.name
        templates = hasher.files(template_files(project, edition.audience.folder, edition.lang, hasher))
        for fmt in edition.formats:
            path = output_path(out_dir, name, edition.lang, fmt)
            key = output_key(common, templates, name, edition.lang, fmt)
            entry = None if force else record.current(path, key)
            current = Output(path, name, edition.lang, fmt, entry.size, entry.pages, UP_TO_DATE) if entry else None
            tasks.append(Task(edition, fmt, path, key, current))
    return Plan(project, out_dir, tuple(tasks), data_key, hasher.references)


# ---------------------------------------------------------------- rendering (in a worker or here)
@dataclass(frozen=True)
class _Job:
    """One edition and the formats of it to make: what a worker needs (sent to it by pickling)."""

    project: Project
    audience: Audience
    lang: str
    formats: tuple[str, ...]
    data_key: str


@dataclass(frozen=True)
class _Made:
    data: bytes
    pages: int | None
    seconds: float


_inputs: dict[str, tuple] = {}  # data_key -> (facts, glossary, style), this process's last load


def _load_inputs(project: Project, data_key: str) -> tuple:
    """The facts, glossary and style, loaded once per process for as long as the data is unchanged."""
    if data_key not in _inputs:
        from .facts import load_facts
        from .formatting import Style
        from .glossary import project_glossary

        glossary = project_glossary(project)
        _inputs.clear()
        _inputs[data_key] = (load_facts(project, glossary), glossary,
                             Style(myriad_group_commas=project.myriad_group_commas))
    return _inputs[data_key]


def _make(job: _Job, done: Callable[[str, _Made], None] | None = None) -> dict[str, _Made]:
    """Render the edition's document once, then each format of it (in a worker, or here when
    serial); ``done`` is told of each format as it is made. The first format's time includes
    the template's."""
    from .templating import render_edition

    start = time.perf_counter()
    facts, glossary, style = _load_inputs(job.project, job.data_key)
    document = render_edition(job.project, job.audience, job.lang, facts, glossary, style).document
    made = {}
    layout: dict[str, int] = {}
    for fmt in sorted(job.formats, key=lambda fmt: fmt != "pdf"):  # the PDF's layout serves the DOCX
        data, pages = WRITERS[fmt](document, layout)
        made[fmt] = _Made(data, pages, time.perf_counter() - start)
        start = time.perf_counter()
        if done is not None:
            done(fmt, made[fmt])
    return made


_GC_THRESHOLDS = (100_000, 50, 100)  # CPython's defaults: (700, 10, 10)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let the cyclic garbage collector run less often while rendering. WeasyPrint's layout
    makes millions of short-lived objects, and CPython's default thresholds have the collector
    walk them again and again: with these, a PDF renders about 15% faster (measured, see
    bench/README.md). Memory stays bounded: generation 0 is still collected every 100,000 objects."""
    previous = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


# ---------------------------------------------------------------- running
def default_jobs() -> int:
    """One worker per CPU core: rendering is CPU-bound, so more would only contend."""
    return os.cpu_count() or 1


def run(built: Plan, jobs: int | None = None, progress: Callable[[Output], None] | None = None) -> list[Output]:
    """Make the pending outputs, then write them; returns every planned output in plan order.

    ``progress`` is told of each output as it is ready (up-to-date ones first, then the rest as
    they finish rendering). ``jobs`` caps the worker processes (default and ceiling: the number
    of cores); with one job, or one edition to make, everything runs in this process.
    """
    outputs: dict[Path, Output] = {}
    for task in built.tasks:
        if task.current is not None:
            outputs[task.path] = task.current
            if progress is not None:
                progress(task.current)
    pending = built.pending
    made = _make_all(built, pending, built.workers(jobs), progress)
    record = BuildRecord(built.out_dir)
    for task in pending:
        _make_folder(task.path.parent)
        write_atomic(task.path, made[task.path].data)
        record.record(task.path, task.key, made[task.path].data, made[task.path].pages)
    # A build keeps what this build's templates load; a no-change build adds what it had to parse.
    known = built.templates if pending else {**record.templates, **built.templates}
    if pending or known != record.templates:
        record.templates = known
        record.save()
    for task in pending:
        outputs[task.path] = _output(task, made[task.path])
    return [outputs[task.path] for task in built.tasks]


def _make_folder(folder: Path) -> None:
    """Create an output folder; a file in the way or a read-only parent is the user's to fix."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder: {exc.strerror}", Location.of(folder),
                          hint="choose another --out folder, or remove the file in the way") from None


def _output(task: Task, made: _Made) -> Output:
    edition = task.edition
    return Output(task.path, edition.audience.name, edition.lang, task.format, len(made.data), made.pages,
                  BUILT, made.seconds)


def _make_all(built: Plan, pending: list[Task], workers: int,
              progress: Callable[[Output], None] | None) -> dict[Path, _Made]:
    """Render every pending output, one task per edition, in this process (``workers`` 1) or in
    a pool; keyed by output path."""
    groups = _editions_of(built, pending)
    made: dict[Path, _Made] = {}

    def finished(task: Task, result: _Made) -> None:
        made[task.path] = result
        if progress is not None:
            progress(_output(task, result))

    if workers == 1:
        with _fewer_collections():
            for job, tasks in groups:  # plan order, so the first error is the first edition's
                _make(job, lambda fmt, result, tasks=tasks: finished(tasks[fmt], result))
        return made
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = _context()
    if context.get_start_method() == "fork":
        _preload({fmt for job, _ in groups for fmt in job.formats})
        _load_inputs(built.project, built.data_key)  # a data error is reported once, from here
    # The longest template first, so the workers finish at about the same time.
    order = sorted(range(len(groups)), key=lambda index: -_weight(groups[index][0]))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)
    try:
        futures = {pool.submit(_make, groups[index][0]): index for index in order}
        for future in as_completed(futures):
            if future.exception() is not None:
                break  # stop early: no output will be written anyway
            for fmt, result in future.result().items():
                finished(groups[futures[future]][1][fmt], result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    errors = {index: future.exception() for future, index in futures.items()
              if future.done() and not future.cancelled() and future.exception() is not None}
    if errors:  # of the editions that failed, the first in plan order, as a serial build reports it
        first = min(errors)
        if isinstance(errors[first], BrokenProcessPool):
            job = groups[first][0]
            raise RenderError(f"the worker process rendering {job.audience.name} ({job.lang}) stopped unexpectedly",
                              hint="run again with --jobs 1 to see why") from errors[first]
        raise errors[first]
    return made


def _editions_of(built: Plan, pending: list[Task]) -> list[tuple[_Job, dict[str, Task]]]:
    """The pending tasks grouped by edition, in plan order: a job and its tasks by format."""
    groups: dict[tuple[str, str], dict[str, Task]] = {}
    for task in pending:
        groups.setdefault((task.edition.audience.name, task.edition.lang), {})[task.format] = task
    return [(_Job(built.project, tasks[next(iter(tasks))].edition.audience, lang, tuple(tasks), built.data_key), tasks)
            for (_, lang), tasks in groups.items()]


def _weight(job: _Job) -> int:
    """How long an edition will take, roughly: the size of its template."""
    try:
        return job.audience.template_file(job.lang).stat().st_size * len(job.formats)
    except OSError:
        return 0


def _start_worker() -> None:
    """A worker leaves Ctrl-C to the main process (which cancels what is queued and waits for the
    editions being rendered, a second or so, instead of every worker printing a traceback).
    It freezes what it inherited, so the collector never walks the imported libraries, and
    collects less often while it renders (see :func:`_fewer_collections`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)


def _context():
    """How workers start. On Linux they are forked from this process after it has imported the
    writers' libraries (:func:`_preload`), so the second or so WeasyPrint and matplotlib take to
    load is paid once rather than once per worker. Elsewhere (macOS, Windows), where forking is
    unsafe or absent, they are spawned fresh. Nothing here starts a thread before the fork (the
    CLI's progress display refreshes from this thread), so forking cannot inherit a held lock."""
    import multiprocessing
    import sys

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


# The modules a format's writer loads on first use, imported before forking (see _context).
_PRELOAD = {"html": ("wreport.writers.html", "matplotlib.figure", "matplotlib.backends.backend_svg"),
            "pdf": ("wreport.writers.pdf", "matplotlib.figure", "matplotlib.backends.backend_svg"),
            "docx": ("wreport.writers.docx", "matplotlib.figure", "matplotlib.backends.backend_agg")}


def _preload(formats: Iterable[str]) -> None:
    """Import the writers of these formats and the libraries they use, and the templating."""
    import importlib

    for name in dict.fromkeys(["wreport.templating", *(n for fmt in formats for n in _PRELOAD[fmt])]):
        importlib.import_module(name)


def build(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
          formats: Iterable[str] | None = None, out_dir: Path | None = None,
          progress: Callable[[Output], None] | None = None, *, jobs: int | None = None,
          force: bool = False) -> list[Output]:
    """Plan, render and write the outputs (see :func:`prepare` and :func:`run`)."""
    return run(prepare(project, audiences, langs, formats, out_dir, force), jobs=jobs, progress=progress)
