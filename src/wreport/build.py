"""Build the outputs: every edition of every audience, in every format it asks for.

The fact set and glossary are loaded once; each edition is rendered to its document tree and
handed to the writers. All outputs are made in memory before any file is written, so a template
or data error in the last edition leaves every previous output as it was, and each file is then
written atomically (:func:`wreport.fileio.write_atomic`): a failed write removes its temporary
file and keeps the old output. Serial and uncached on purpose: simple to follow and to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .document import Document
from .errors import ConfigError
from .facts import load_facts
from .fileio import write_atomic
from .formatting import Style
from .glossary import load_glossary
from .project import Project
from .templating import FORMATS, LANGUAGES, Audience, list_audiences, load_audience, render_edition


@dataclass(frozen=True)
class Output:
    """One written file. ``pages`` is known for PDFs only (the DOCX is paginated by Word)."""

    path: Path
    audience: str
    lang: str
    format: str
    size: int
    pages: int | None = None


@dataclass(frozen=True)
class Edition:
    """One audience in one language, and the formats to write it in."""

    audience: Audience
    lang: str
    formats: tuple[str, ...]


def _render_html(doc: Document) -> bytes:
    from .writers.html import render_html

    return render_html(doc, embed_assets=True).encode("utf-8")


def _render_pdf(doc: Document) -> bytes:
    from .writers.pdf import render_pdf

    return render_pdf(doc)


def _render_docx(doc: Document) -> bytes:
    from .writers.docx import render_docx

    return render_docx(doc)


# The writers by format; each is imported only when its format is built (WeasyPrint is slow to load).
WRITERS: dict[str, Callable[[Document], bytes]] = {"html": _render_html, "pdf": _render_pdf, "docx": _render_docx}


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


def build(project: Project, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
          formats: Iterable[str] | None = None, out_dir: Path | None = None,
          progress: Callable[[Output], None] | None = None) -> list[Output]:
    """Render and write the planned outputs; ``progress`` is told of each file as it is written."""
    editions = plan(project, audiences, langs, formats)
    out_dir = Path(out_dir) if out_dir is not None else project.out_dir
    glossary = load_glossary(project.glossary_file)
    facts = load_facts(project, glossary)
    style = Style(myriad_group_commas=project.myriad_group_commas)
    made: list[tuple[Output, bytes]] = []
    for edition in editions:
        name = edition.audience.name
        document = render_edition(project, edition.audience, edition.lang, facts, glossary, style).document
        for fmt in edition.formats:
            data = WRITERS[fmt](document)
            path = output_path(out_dir, name, edition.lang, fmt)
            pages = pdf_page_count(data) if fmt == "pdf" else None
            made.append((Output(path, name, edition.lang, fmt, len(data), pages), data))
    for output, data in made:
        output.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output.path, data)
        if progress is not None:
            progress(output)
    return [output for output, _ in made]


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF (WeasyPrint keeps its page tree in compressed object streams,
    so it takes a PDF reader to count them)."""
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)
