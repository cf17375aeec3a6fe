"""Build the outputs: every edition of every audience, in every format it asks for.

A build has two steps. :func:`prepare` plans the outputs and hashes every input of each one
(:mod:`wreport.build.cache`); an output whose inputs and file are unchanged since it was written is up
to date and is not rendered again (``force`` renders everything). :func:`run` renders the rest,
one task per edition (its template rendered once, then each pending format), each in a worker
process stopped at the edition's time limit (``[limits] render_seconds``; :mod:`wreport.build.runner`),
up to ``jobs`` at once, and only when every output has been made in memory writes them, each
atomically (:func:`wreport.inputs.files.write_atomic`). So a template or data error, or an edition
stopped at its limit, leaves every previous output as it was, and a failed write keeps the old
file.

On Linux the workers are forked after this process has loaded the facts and glossary and imported
the writers, so each starts at once with them. While this process imports the writers (about a
second, on one core), another renders the editions' documents, which the workers inherit; an
edition so rendered ahead is then two tasks, its PDF and then its DOCX, so that the workers stay
busy to the end (:func:`_prepared`, :func:`_split`). A worker's :class:`WreportError` reaches the
caller as the same exception, with the same message. Renders are deterministic, so a parallel
build is byte-identical to a serial one.
"""

from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, cast

from wreport.build.cache import CACHE_NAME, BuildRecord, Hasher, data_files, output_key, template_files, tool_key
from wreport.errors import ConfigError, Location, RenderError, WreportError
from wreport.inputs.boundary import locked, refuse_inputs, remove_stale_temporaries
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.render.document import (
    Block,
    BlockQuote,
    Document,
    Figure,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    TreeVisitor,
)
from wreport.render.templating import FORMATS, LANGUAGES, Audience, list_audiences, load_audience

if TYPE_CHECKING:
    from wreport.data.facts import FactSet
    from wreport.data.formatting import Style
    from wreport.data.glossary import Glossary

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
class PlannedEdition:
    """One audience in one language, and the formats to write it in."""

    audience: Audience
    lang: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class OutputTask:
    """One planned output: what to make, where, from which inputs (``key``), and, when the file
    on disk already matches that key, the output as it stands (``current``)."""

    edition: PlannedEdition
    format: str
    path: Path
    key: str
    current: Output | None = None


@dataclass(frozen=True)
class Plan:
    """Everything :func:`run` needs: the project, where outputs go, and the tasks in order."""

    project: Project
    out_dir: Path
    tasks: tuple[OutputTask, ...]
    data_key: str  # the hash of the facts, sources, glossary and wreport.toml
    templates: dict[str, Any]  # what each template (by content hash) loads, for the record

    @property
    def pending(self) -> list[OutputTask]:
        return [task for task in self.tasks if task.current is None]

    def workers(self, jobs: int | None = None) -> int:
        """How many worker processes :func:`run` renders in at once: ``jobs`` (default and
        ceiling: one per core), but no more than there are editions to render."""
        editions = {(task.edition.audience.name, task.edition.lang) for task in self.pending}
        return max(1, min(jobs or default_jobs(), default_jobs(), len(editions)))


def _render_html(doc: Document, layout: dict[str, int]) -> tuple[bytes, None]:
    from wreport.writers.html import render_html

    return render_html(doc, embed_assets=True).encode("utf-8"), None


def _render_pdf(doc: Document, layout: dict[str, int]) -> tuple[bytes, int]:
    """The PDF and its page count, which the layout knows (no need to re-read the bytes); the
    page each heading lands on goes into ``layout`` for the DOCX contents."""
    from wreport.writers.pdf import render_pdf_with_pages

    result = render_pdf_with_pages(doc)
    layout.update(result.anchor_pages)
    return result.data, result.pages


def _render_docx(doc: Document, layout: dict[str, int]) -> tuple[bytes, None]:
    """The DOCX, its contents numbered with the PDF edition's pages: from the PDF just made, or
    from laying the edition out here, so the file is the same whether or not its PDF was rebuilt."""
    from wreport.writers.docx import render_docx

    if not layout and doc.contents:
        from wreport.writers.pdf import heading_pages

        layout.update(heading_pages(doc))
    return render_docx(doc, heading_pages=layout), None


# The writers by format, each giving the file's bytes and its page count if known; each is
# imported only when its format is built (WeasyPrint is slow to load). The second argument is
# the edition's layout (HTML id -> page), shared by the formats of one edition: PDF first.
WRITERS: dict[str, Callable[[Document, dict[str, int]], tuple[bytes, int | None]]] = {
    "html": _render_html, "pdf": _render_pdf, "docx": _render_docx}


# ---------------------------------------------------------------- planning
def plan(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
         formats: Iterable[str] | None = None) -> list[PlannedEdition]:
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
                editions.append(PlannedEdition(audience, lang, chosen))
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
    option = "--out" if out_dir != project.out_dir else "the output folder ([paths] out)"
    refuse_inputs(project, out_dir, option)
    for path in [out_dir / CACHE_NAME, *(output_path(out_dir, e.audience.name, e.lang, f) for e in editions
                                         for f in e.formats)]:
        refuse_inputs(project, path, f"{option} (writing {path.relative_to(out_dir).as_posix()})")
    record = BuildRecord(out_dir)
    hasher = Hasher(project.root, record.templates)
    data_key, keys = _keys(project, editions, hasher)
    tasks = []
    for edition in editions:
        name = edition.audience.name
        for fmt in edition.formats:
            path = output_path(out_dir, name, edition.lang, fmt)
            key = keys[name, edition.lang, fmt]
            entry = None if force else record.current(path, key)
            current = Output(path, name, edition.lang, fmt, entry.size, entry.pages, UP_TO_DATE) if entry else None
            tasks.append(OutputTask(edition, fmt, path, key, current))
    return Plan(project, out_dir, tuple(tasks), data_key, hasher.references)


def _keys(project: Project, editions: list[PlannedEdition], hasher: Hasher) -> tuple[str, dict[tuple[str, str, str], str]]:
    """The data key and each output's key (by audience, language, format).

    wreport.toml and each audience.toml count twice: as files, and as what was read from them
    for this build (the project's config and the Audience, both loaded before hashing), so an
    edit between loading and hashing cannot leave an output recorded with the wrong key.
    """
    data_key = hasher.files(data_files(project))
    common = f"{tool_key()}{data_key}{_digest(project.config)}"
    keys = {}
    for edition in editions:
        name = edition.audience.name
        templates = hasher.files(template_files(project, edition.audience.folder, edition.lang, hasher))
        templates += _digest({k: v for k, v in vars(edition.audience).items() if k != "folder"})  # not where
        for fmt in edition.formats:
            keys[name, edition.lang, fmt] = output_key(common, templates, name, edition.lang, fmt)
    return data_key, keys


def _digest(value: object) -> str:
    """A hash of loaded data (a config dict, an Audience's fields but its folder, so a moved
    project stays up to date), by its repr: dicts keep file order, dataclasses print every
    field, so equal inputs give equal text."""
    import hashlib

    return hashlib.sha256(repr(value).encode()).hexdigest()


def _changed_during(built: Plan) -> set[Path]:
    """The pending outputs whose inputs changed while they were rendered: hashed again after
    the render, they differ from the hash taken before it, so what the render read is not
    known. Such an output is written but not recorded, and the next build makes it again."""
    hasher = Hasher(built.project.root, built.templates)
    editions = list({(t.edition.audience.name, t.edition.lang): t.edition for t in built.pending}.values())
    _, keys = _keys(built.project, editions, hasher)
    return {task.path for task in built.pending
            if keys[task.edition.audience.name, task.edition.lang, task.format] != task.key}


# ---------------------------------------------------------------- rendering (in a worker)
@dataclass(frozen=True)
class _Job:
    """One edition and the formats of it to make: what a worker needs (sent to it by pickling)."""

    project: Project
    audience: Audience
    lang: str
    formats: tuple[str, ...]
    data_key: str
    document: Document | None = None  # rendered ahead by _render_documents, when it got to this edition
    # The PDF edition's pages by HTML id, for a DOCX made apart from its PDF: filled in by the parent
    # from the PDF's task before this one is forked (see _split).
    layout: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Made:
    data: bytes
    pages: int | None
    seconds: float


_inputs: dict[str, tuple[FactSet, Glossary, Style]] = {}  # data_key -> (facts, glossary, style), this process's last load


def _load_inputs(project: Project, data_key: str) -> tuple[FactSet, Glossary, Style]:
    """The facts, glossary and style, loaded once per process for as long as the data is unchanged."""
    if data_key not in _inputs:
        from wreport.data.facts import load_project_data

        _inputs.clear()
        _inputs[data_key] = load_project_data(project)
    return _inputs[data_key]


def _make(job: _Job, report: Callable[[str, object], None]) -> None:
    """Render the edition's document once, then each format of it, in a worker process
    (:mod:`wreport.build.runner`); each format is reported as ``("made", (fmt, _Made))`` when made,
    and each stage as it starts, so a stopped worker's message says what it was doing. The
    first format's time includes the template's."""
    from wreport.build.runner import STAGE, TEMPLATE_STAGE

    with _fewer_collections():
        start = time.perf_counter()
        report(STAGE, TEMPLATE_STAGE)
        document = job.document if job.document is not None else _document(job)
        layout = dict(job.layout)
        for fmt in sorted(job.formats, key=lambda fmt: fmt != "pdf"):  # the PDF's layout serves the DOCX
            report(STAGE, _STAGES[fmt])
            data, pages = WRITERS[fmt](document, layout)
            report("made", (fmt, _Made(data, pages, time.perf_counter() - start)))
            if fmt == "pdf":
                report("layout", dict(layout))
            start = time.perf_counter()


def _document(job: _Job) -> Document:
    """The edition's document tree, from its template."""
    from wreport.render.templating import render_edition

    facts, glossary, style = _load_inputs(job.project, job.data_key)
    return render_edition(job.project, job.audience, job.lang, facts, glossary, style).document


def _render_documents(jobs: list[_Job], report: Callable[[str, object], None]) -> None:
    """Render each edition's document tree, in order, reporting each as ``("document", (audience,
    lang, document))`` (after loading the data: a data error is reported as ``("inputs failed",
    error)``), then, when a DOCX or HTML is to be made, the bundled fonts' glyph orders
    (``("glyph orders", ...)``, :func:`wreport.render.fontsubset.glyph_order`): a head start, run beside
    the parent's imports (:func:`runner.run_beside`), which leave the second core idle. An edition
    whose template fails is skipped: its own worker renders it again and reports the error, with
    its time limit, as if this had not run."""
    with _fewer_collections():
        if jobs:
            try:
                _load_inputs(jobs[0].project, jobs[0].data_key)
            except WreportError as exc:  # the parent raises it: the data is every edition's
                report("inputs failed", exc)
                return
        documents: list[tuple[_Job, Document]] = []
        for job in jobs:
            try:
                document = _document(job)
            except Exception:  # noqa: BLE001 - only a saving; the edition's worker meets the error and reports it
                continue
            report("document", (job.audience.name, job.lang, document))
            documents.append((job, document))
        if any(fmt in _SUBSET_FONTS for job in jobs for fmt in job.formats):
            from wreport.render import fontsubset

            for name in (fontsubset.REGULAR, fontsubset.BOLD):
                fontsubset.glyph_order(fontsubset.bundled_font(name))
            report("glyph orders", fontsubset.known_glyph_orders())
        for job, document in documents:
            if "docx" in job.formats and _docx_stands_alone(document):
                start = time.perf_counter()
                data, pages = WRITERS["docx"](document, {})
                report("made ahead", (job.audience.name, job.lang, _Made(data, pages, time.perf_counter() - start)))


def _docx_stands_alone(document: Document) -> bool:
    """Whether the edition's DOCX needs neither its PDF's layout (for the contents' page numbers)
    nor matplotlib (for its charts): then the head start can make it whole, with the libraries
    it already has."""
    return not document.contents and not _has_figure(document.blocks)


def _has_figure(blocks: list[Block]) -> bool:
    """Whether any block is or holds a Figure, at any depth (quotes, list items)."""
    finder = _FigureFinder()
    return any(finder.visit(block) for block in blocks)


class _FigureFinder(TreeVisitor[bool]):
    """Whether a block is or holds a chart (a DOCX with one needs matplotlib and the PDF's layout)."""

    def visit_figure(self, block: Figure) -> bool:
        return True

    def visit_list(self, block: ListBlock) -> bool:
        return any(self.visit(child) for item in block.items for child in item)

    def visit_block_quote(self, block: BlockQuote) -> bool:
        return any(self.visit(child) for child in block.children)

    def visit_heading(self, block: Heading) -> bool:
        return False

    def visit_paragraph(self, block: Paragraph) -> bool:
        return False

    def visit_table(self, block: Table) -> bool:
        return False  # cells hold inline text only

    def visit_page_break(self, block: PageBreak) -> bool:
        return False


_SUBSET_FONTS = ("docx", "html")  # the formats that embed font subsets of their own (wreport.render.fontsubset)


_STAGES = {"html": "writing the HTML", "pdf": "laying out the PDF", "docx": "writing the DOCX"}
_GC_THRESHOLDS = (100_000, 50, 100)  # CPython's defaults: (700, 10, 10)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let the cyclic garbage collector run less often while rendering. WeasyPrint's layout
    makes millions of short-lived objects, and CPython's default thresholds have the collector
    walk them again and again: with these, a PDF renders about 15% faster (measured, see
    bench/README.md). Memory stays bounded: generation 0 is still collected every 100,000 objects.
    What a forked worker inherited is frozen first, so the collector never walks the libraries."""
    previous = gc.get_threshold()
    gc.freeze()
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
    of cores); each edition renders in a worker process of its own, stopped at its time limit.
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
    # A build keeps what this build's templates load; a no-change build adds what it had to parse.
    known = built.templates if pending else {**record.templates, **built.templates}
    audiences = list_audiences(built.project)
    orphaned = any(name.split("/", 1)[0] not in audiences for name in record.entries if "/" in name)
    if pending or known != record.templates or orphaned:
        _make_folder(built.out_dir)
        with locked(built.out_dir):
            _remove_stale(built)
            record.remove_orphans(audiences)  # the outputs of a removed audience go with it
            changed = _changed_during(built) if pending else set()
            for task in pending:
                _make_folder(task.path.parent)
                write_atomic(task.path, made[task.path].data)
                if task.path in changed:
                    record.forget(task.path)
                else:
                    record.record(task.path, task.key, made[task.path].data, made[task.path].pages)
            record.templates = known
            record.save()
    for task in pending:
        outputs[task.path] = _output(task, made[task.path])
    return [outputs[task.path] for task in built.tasks]


def _remove_stale(built: Plan) -> None:
    """Remove the temporary files a killed build left beside the outputs and the record."""
    folders: dict[Path, list[str]] = {built.out_dir: [CACHE_NAME]}
    for task in built.tasks:
        folders.setdefault(task.path.parent, []).append(task.path.name)
    for folder, names in folders.items():
        if folder.is_dir():
            remove_stale_temporaries(folder, names)


def _make_folder(folder: Path) -> None:
    """Create an output folder; a file in the way or a read-only parent is the user's to fix."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder: {exc.strerror}", Location.of(folder),
                          hint="choose another --out folder, or remove the file in the way") from None


def _output(task: OutputTask, made: _Made) -> Output:
    edition = task.edition
    return Output(task.path, edition.audience.name, edition.lang, task.format, len(made.data), made.pages,
                  BUILT, made.seconds)


def _make_all(built: Plan, pending: list[OutputTask], workers: int,
              progress: Callable[[Output], None] | None) -> dict[Path, _Made]:
    """Render every pending output, one worker process per edition, or per edition's PDF and
    DOCX (:func:`_split`), at most ``workers`` at once, each stopped at the project's time limit
    (:mod:`wreport.build.runner`); keyed by path."""
    from wreport.build import runner
    from wreport.inputs.project import render_seconds

    seconds = render_seconds(built.project)
    groups = _editions_of(built, pending)
    if not groups:
        return {}
    made: dict[Path, _Made] = {}
    # The longest template first, so the workers finish at about the same time; of the editions
    # that fail, the first in plan order is reported.
    by_weight = sorted(range(len(groups)), key=lambda index: -_weight(groups[index][0]))
    if runner.context().get_start_method() == "fork":
        jobs, ahead = _prepared([groups[index][0] for index in by_weight], workers, seconds)
        groups = [(jobs[job.audience.name, job.lang], by_format) for job, by_format in groups]
        for job, by_format in groups:
            if (job.audience.name, job.lang) in ahead:
                made[by_format["docx"].path] = ahead[job.audience.name, job.lang]
                if progress is not None:
                    progress(_output(by_format["docx"], made[by_format["docx"].path]))
    units, after = _split(groups, workers)
    order = [unit for index in by_weight for unit, (_, edition) in enumerate(units) if edition == index]
    then = {first: second for second, first in after.items()}

    def finished(index: int, kind: str, value: object) -> None:
        if kind == "layout" and index in then:
            units[then[index]][0].layout.update(cast("dict[str, int]", value))
        if kind != "made":
            return
        fmt, result = cast("tuple[str, _Made]", value)
        task = groups[units[index][1]][1][fmt]
        made[task.path] = result
        if progress is not None:
            progress(_output(task, result))

    tasks = [runner.WorkerTask(_make, (job,), seconds, f"{job.audience.name} ({job.lang})",
                         built.project.relative(job.audience.template_file(job.lang))) for job, _ in units]
    runner.run_tasks(tasks, workers, finished, start_order=order, after=after)
    return made


def _split(groups: list[tuple[_Job, dict[str, OutputTask]]], workers: int) -> tuple[list[tuple[_Job, int]], dict[int, int]]:
    """The worker tasks: each a job and the index of its edition in ``groups``, and which task
    waits for which. An edition whose document was rendered ahead and that has a PDF and a DOCX
    is two tasks when there are workers to share them: its PDF (and HTML), then its DOCX with the
    PDF's layout, so a worker freed early takes a DOCX instead of idling while the longest
    edition finishes; the DOCX is the same bytes either way. Otherwise one task per edition."""
    units: list[tuple[_Job, int]] = []
    after: dict[int, int] = {}
    for index, (job, _) in enumerate(groups):
        if not job.formats:  # all made ahead
            continue
        if workers > 1 and job.document is not None and {"pdf", "docx"} <= set(job.formats):
            units.append((replace(job, formats=tuple(fmt for fmt in job.formats if fmt != "docx")), index))
            units.append((replace(job, formats=("docx",), layout={}), index))
            after[len(units) - 1] = len(units) - 2
        else:
            units.append((job, index))
    return units, after


def _prepared(jobs: list[_Job], workers: int, seconds: float) -> tuple[dict[tuple[str, str], _Job],
                                                                     dict[tuple[str, str], _Made]]:
    """Before the workers are forked: import the writers (:func:`_preload`) and, when there are
    cores to spare, meanwhile load the data and render the editions' documents (and the fonts'
    glyph orders) in another process, so the workers inherit those done by then (the imports use
    one core for about a second). The data is loaded here too when an edition was not rendered
    ahead, for its worker to inherit; a data error is raised here, once, either way. The jobs by
    (audience, language), each with its document when it was rendered ahead and without the DOCX
    when that was made ahead too (:func:`_docx_stands_alone`); and those DOCX."""
    from wreport.build import runner

    formats = {fmt for job in jobs for fmt in job.formats}
    documents: dict[tuple[str, str], Document] = {}
    failed: list[WreportError] = []
    made: dict[tuple[str, str], _Made] = {}
    if workers > 1:
        def rendered(kind: str, value: object) -> None:
            if kind == "inputs failed":
                failed.append(cast(WreportError, value))
            elif kind == "document":
                name, lang, document = cast("tuple[str, str, Document]", value)
                documents[name, lang] = document
            elif kind == "made ahead":
                name, lang, result = cast("tuple[str, str, _Made]", value)
                made[name, lang] = result
            elif kind == "glyph orders":
                from wreport.render import fontsubset

                fontsubset.add_glyph_orders(cast("dict[str, tuple[str, ...]]", value))

        first = jobs[0]
        head_start = runner.WorkerTask(_render_documents, (jobs,), seconds, "rendering the documents ahead",
                                 first.project.relative(first.audience.template_file(first.lang)))
        runner.run_beside(head_start, lambda: _preload(formats), rendered)
    else:
        _preload(formats)
    if failed:
        raise failed[0]
    if any((job.audience.name, job.lang) not in documents for job in jobs):
        _load_inputs(jobs[0].project, jobs[0].data_key)
    return {(job.audience.name, job.lang): _without_made(job, documents.get((job.audience.name, job.lang)), made)
            for job in jobs}, made


def _without_made(job: _Job, document: Document | None, made: dict[tuple[str, str], _Made]) -> _Job:
    """The job with its document rendered ahead (if it was), less the DOCX if that was made ahead."""
    formats = tuple(fmt for fmt in job.formats if not (fmt == "docx" and (job.audience.name, job.lang) in made))
    return replace(job, document=document, formats=formats)


def _editions_of(built: Plan, pending: list[OutputTask]) -> list[tuple[_Job, dict[str, OutputTask]]]:
    """The pending tasks grouped by edition, in plan order: a job and its tasks by format."""
    groups: dict[tuple[str, str], dict[str, OutputTask]] = {}
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


# The modules a format's writer loads on first use, imported before forking (see runner.context).
_PRELOAD = {"html": ("wreport.writers.html", "matplotlib.figure", "matplotlib.backends.backend_svg"),
            "pdf": ("wreport.writers.pdf", "matplotlib.figure", "matplotlib.backends.backend_svg"),
            "docx": ("wreport.writers.docx", "matplotlib.figure", "matplotlib.backends.backend_agg")}


def _preload(formats: Iterable[str]) -> None:
    """Import the writers of these formats and the libraries they use, and the templating."""
    import importlib

    for name in dict.fromkeys(["wreport.render.templating", *(n for fmt in formats for n in _PRELOAD[fmt])]):
        importlib.import_module(name)
    if "pdf" in formats:
        _warm_up_pdf()


def _warm_up_pdf() -> None:
    """Lay out a two-word page once, so the workers forked after it inherit WeasyPrint's font
    set-up (the bundled fonts copied to a temporary folder, Pango's caches): about 0.3 s that
    every worker would otherwise pay again for its one edition."""
    from wreport.render.document import UI_LABELS

    try:
        _render_pdf(Document(lang="ko", title="한국어 English", blocks=[], labels=dict(UI_LABELS["ko"]),
                             contents=False), {})
    except Exception:  # noqa: BLE001 - only a saving: a worker meets the same problem and reports it
        return


def build(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
          formats: Iterable[str] | None = None, out_dir: Path | None = None,
          progress: Callable[[Output], None] | None = None, *, jobs: int | None = None,
          force: bool = False) -> list[Output]:
    """Plan, render and write the outputs (see :func:`prepare` and :func:`run`)."""
    return run(prepare(project, audiences, langs, formats, out_dir, force), jobs=jobs, progress=progress)
