"""The document as a PDF: WeasyPrint over the HTML writer's output, fenced and repeatable.

* Archival and accessible by default: ``pdf/a-3a`` is the one WeasyPrint 70 variant that is both
  PDF/A (embedded fonts, sRGB output intent, XMP identification) and tagged (a structure tree with
  headings, tables, figures with /Alt). See docs/pdf.md for how it is checked.
* Fonts: the bundled NanumGothic through ``@font-face`` (styles/fonts.css), never the machine's.
  One :class:`FontConfiguration` per process, created on first use, because each one copies every
  font file to a temporary folder.
* Fenced: WeasyPrint's default fetcher embeds any local file a document names and follows any URL.
  :class:`FencedURLFetcher` serves ``file:`` URLs only inside allowed folders (the package's fonts
  and styles, the project folder when given) after resolving symlinks, serves ``data:`` URLs, and
  refuses everything else. A refused fetch is an error, not a silent gap in the output.
* Repeatable: dates come only from ``doc.date`` (``dcterms.created``/``modified``), the file
  identifier is a hash of the input, and the variants offered are those that add no clock time;
  two renders of one document are byte-identical. Without HarfBuzz's subsetter WeasyPrint subsets
  fonts with fontTools, which stamps each font's ``head`` table with the clock unless
  ``SOURCE_DATE_EPOCH`` is set: it is set to the edition's date around the writing.
* Accessible: a tagged variant's structure tree is finished by :mod:`wreport.writers.pdftags`
  (artifacts, table headers, figure boxes, languages, the PDF/UA identifier).
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import io
import logging
import mimetypes
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from wreport.errors import RenderError, WreportError, raise_if_any
from wreport.render.document import Document
from wreport.writers.html import other_language, render_html, stylesheet_text
from wreport.writers.linebreaks import WORD_JOINER
from wreport.writers.pdftags import Continued, finish_tags

# What provides the system libraries WeasyPrint loads on import (GObject, Pango, HarfBuzz,
# fontconfig, PangoFT2): Pango and what it depends on, by platform.
PANGO_PACKAGES = ("Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                  "Fedora: sudo dnf install pango; macOS: brew install pango")


def missing_library(error: OSError) -> RenderError:
    """The one message for a system library WeasyPrint could not load, naming what to install."""
    found = re.search(r"library '([^']+)'", str(error))
    library = found.group(1) if found else str(error)
    return RenderError(f"the PDF writer (WeasyPrint) cannot load the system library {library!r}",
                       hint=f"install Pango, then run again: {PANGO_PACKAGES}")


try:
    # WeasyPrint prints its own block of advice to stdout before it raises: the message below says it.
    with redirect_stdout(io.StringIO()):
        from weasyprint import CSS, HTML
        from weasyprint.formatting_structure import boxes
        from weasyprint.logger import LOGGER
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError as exc:
    raise missing_library(exc) from None

PACKAGE_DIR = Path(__file__).resolve().parent.parent
FONTS_DIR = PACKAGE_DIR / "fonts"
STYLES_DIR = PACKAGE_DIR / "styles"

DEFAULT_VARIANT = "pdf/a-3a"
# Variants whose output depends only on the input (pdf/a-4* and pdf/x-* stamp the clock or a
# random UUID). None means a plain, untagged PDF.
VARIANTS = ("pdf/a-3a", "pdf/a-3b", "pdf/a-2b", "pdf/ua-1", "pdf/ua-2")
TAGGED = ("pdf/a-3a", "pdf/ua-1", "pdf/ua-2")  # the variants WeasyPrint gives a structure tree

_font_config: FontConfiguration | None = None
_render_lock = threading.Lock()  # WeasyPrint and the shared FontConfiguration are not thread-safe


def font_config() -> FontConfiguration:
    """The process's one FontConfiguration, created on first use.

    It copies the fonts to a temporary folder (9 MB) that WeasyPrint deletes only when the object
    is collected, which a module global never is at interpreter exit: so it is released at exit
    (``atexit``), in any process that made one (a test run, the preview, a script using the API),
    not only in the console script."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
        atexit.register(release_font_config)  # a second registration after a release is harmless
    return _font_config


def release_font_config() -> None:
    """Let go of the process's FontConfiguration, so that WeasyPrint deletes its copy of the
    fonts (in its ``__del__``) now, unless a layout still in use holds it; the styles of past
    layouts hold it in reference cycles, hence the collection. For a process about to exit
    without collecting its objects (cli.main); a later render makes a new one."""
    global _font_config
    if _font_config is not None:
        _font_config = None
        import gc

        gc.collect()


class _RefusedURLError(ValueError):
    """Raised inside WeasyPrint for a refused URL; WeasyPrint logs it and carries on, and
    :func:`html_to_pdf` reports every refusal afterwards."""


class FencedURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    """Serves ``data:`` URLs and ``file:`` URLs inside allowed folders only (symlinks resolved).

    WeasyPrint 70 takes a ``URLFetcher`` subclass, not a function. ``refused`` lists every URL
    this fetcher said no to, in order, so a render can report them rather than drop them.
    """

    def __init__(self, allowed: Iterable[Path]):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=5)
        self.roots = [Path(folder).resolve() for folder in allowed]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.allowed_path(url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise _RefusedURLError(f"wreport refuses to fetch {url}")

    def allowed_path(self, url: str) -> Path | None:
        """The resolved local file behind a ``file:`` URL if it lies inside an allowed folder."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
            return path
        return None


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings of one render, so missing glyphs can fail the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _check_variant(variant: str | None) -> None:
    if variant is not None and variant not in VARIANTS:
        raise RenderError(f"unknown or non-repeatable PDF variant {variant!r}",
                          hint=f"use one of {', '.join(VARIANTS)} or none")


def _problems(refused: list[str], messages: list[str], allowed: list[Path]) -> list[WreportError]:
    """What went wrong in a render that WeasyPrint only logged."""
    problems: list[WreportError] = []
    folders = ", ".join(str(folder) for folder in allowed)
    for url in dict.fromkeys(refused):
        problems.append(RenderError(f"the document refers to {url}, which is not allowed",
                                    hint=f"only files inside {folders} and data: URLs are fetched"))
    for message in messages:
        if ".notdef glyph" in message:
            detail = message.split("fonts: ", 1)[-1]
            problems.append(RenderError(f"no font has a glyph for {detail}",
                                        hint="replace the character; the PDF would show a blank box"))
    return problems


@contextmanager
def source_date(iso_date: str | None) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to midnight UTC of ``iso_date`` (YYYY, YYYY-MM or YYYY-MM-DD;
    none: the epoch itself) while the PDF is written, then put back as it was.

    fontTools (WeasyPrint's subsetter when libharfbuzz-subset0 is missing) reads it for each
    subset font's ``head.modified``; the edition's date is the natural value.
    """
    day = datetime.date(1970, 1, 1)
    if iso_date:
        parts = [int(part) for part in iso_date[:10].split("-")] + [1, 1]
        day = datetime.date(parts[0], parts[1], parts[2])
    moment = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and its page count, known from the layout (re-reading the bytes with a PDF
    reader to count pages cost about 0.07 s a file)."""

    data: bytes
    pages: int
    anchor_pages: dict[str, int] = field(default_factory=dict)  # HTML id -> the page it is on (1-based)


def html_to_pdf(html: str, *, variant: str | None = DEFAULT_VARIANT, project_dir: Path | None = None,
                extra_css: Sequence[str] = (), strict: bool = True) -> bytes:
    """Lay out ``html`` with print.css and the bundled fonts, and return the PDF's bytes.

    See :func:`html_to_pdf_with_pages` for the arguments; this keeps the bytes only.
    """
    return html_to_pdf_with_pages(html, variant=variant, project_dir=project_dir, extra_css=extra_css,
                                  strict=strict).data


def html_to_pdf_with_pages(html: str, *, variant: str | None = DEFAULT_VARIANT, project_dir: Path | None = None,
                           extra_css: Sequence[str] = (), strict: bool = True,
                           span_lang: str | None = None) -> PdfResult:
    """Lay out ``html`` with print.css and the bundled fonts: the PDF's bytes and page count.

    ``project_dir`` (when given) is the base for relative URLs and an allowed folder.
    ``extra_css`` are further stylesheets (as text) applied after print.css (like print.css, as
    user stylesheets: the edition rules in the HTML's own ``<style>`` still win). With ``strict``
    (the default) a refused URL or a character no available font has raises :class:`RenderError`
    naming each of them; without it they are only logged by WeasyPrint.

    ``span_lang`` says that ``html`` is the HTML writer's, whose every ``<span>`` is a passage in
    that language: a tagged PDF then gives each its /Lang and is declared PDF/UA-1. Other HTML
    is tagged as WeasyPrint tags it, finished, and not declared.
    """
    _check_variant(variant)
    allowed = [FONTS_DIR, STYLES_DIR] + ([project_dir] if project_dir is not None else [])
    fetcher = FencedURLFetcher(allowed)
    sheets = [stylesheet_text("fonts.css"), stylesheet_text("print.css"), *extra_css]
    identifier = hashlib.sha256("\0".join([html, *sheets, variant or ""]).encode()).hexdigest()[:32]
    base_url = (project_dir or STYLES_DIR).resolve().as_uri() + "/"
    styles_url = STYLES_DIR.as_uri() + "/"
    collect = _Collect()
    with _render_lock:
        LOGGER.addHandler(collect)
        try:
            fonts = font_config()
            css = [CSS(string=text, base_url=styles_url if index < 2 else base_url,
                       url_fetcher=fetcher, font_config=fonts) for index, text in enumerate(sheets)]
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            # HTML.write_pdf, in two steps so the layout's page count is kept.
            options = {"stylesheets": css, "pdf_variant": variant, "pdf_identifier": identifier}
            laid_out = document.render(font_config=fonts, **options)
            with source_date(laid_out.metadata.created):
                data = laid_out.write_pdf(**options)
            if variant in TAGGED:
                data = finish_tags(data, lang=laid_out.metadata.lang or "", other_lang=span_lang,
                                   declare_ua=span_lang is not None, continued=continued_blocks(laid_out),
                                   words=source_words(html))
            pdf = PdfResult(data, len(laid_out.pages), _anchor_pages(laid_out))
        finally:
            LOGGER.removeHandler(collect)
    if strict:
        raise_if_any(_problems(fetcher.refused, collect.messages, allowed),
                     summary="the PDF could not be made cleanly")
    return pdf


def source_words(html: str) -> frozenset[str]:
    """The words of ``html``'s text, lower case, split at hyphens (what pdftags.soft_hyphens
    compares a word the layout hyphenated with)."""
    text = re.sub(r"<[^>]*>", " ", html).replace(WORD_JOINER, "").replace("\u00ad", "")
    return frozenset(word.lower() for word in re.findall(r"[^\W\d_]+", text))


def continued_blocks(laid_out: Any) -> list[list[Continued]]:
    """For each page, the block-level HTML elements it continues from the page before: those with
    boxes on both pages, as (tag, depth among them), outermost first (pdftags.merge_fragments).

    Read from the layout, where a box knows its HTML element: the fragments of one element are
    told by that element, not by where they sit. A table head repeated on the next page is a
    copy, not a continuation, and is left out; so are inline boxes (a link broken over a page).
    WeasyPrint keeps a page's boxes in ``Page._page_box``, which its own tagging walks too.
    """
    pages: list[list[Continued]] = []
    before: set[int] = set()
    for page in laid_out.pages:
        here, entries = _page_blocks(page._page_box, before)
        pages.append(entries)
        before = here
    return pages


def _page_blocks(page_box: Any, before: set[int]) -> tuple[set[int], list[Continued]]:
    """The ids of the HTML elements with a block box on one page, and which of them are in
    ``before`` (the previous page's), with their depth among those."""
    seen: set[int] = set()
    entries: list[Continued] = []
    stack = [(child, 0) for child in reversed(page_box.children)]
    while stack:
        box, depth = stack.pop()
        if (isinstance(box, (boxes.InlineLevelBox, boxes.LineBox, boxes.MarginBox))
                or getattr(box, "is_header", False) or getattr(box, "is_footer", False)):
            continue
        below = depth
        element = box.element
        if element is not None and box.element_tag not in ("html", "body") and id(element) not in seen:
            seen.add(id(element))
            if id(element) in before:
                entries.append((box.element_tag, depth))
                below = depth + 1
        stack.extend((child, below) for child in reversed(getattr(box, "children", ())))
    return seen, entries


def _anchor_pages(laid_out: Any) -> dict[str, int]:
    """Where each HTML id landed: its page number in the laid-out document (the first, if split)."""
    pages: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def heading_pages(doc: Document) -> dict[str, int]:
    """The page each section heading of ``doc`` lands on in its PDF edition, by the heading's HTML id.

    Renders the PDF edition (and drops its bytes): the DOCX contents shows these numbers when the
    build is not making the PDF anyway, so a DOCX is the same whether or not its PDF was rebuilt.
    """
    return render_pdf_with_pages(doc).anchor_pages


def render_pdf(doc: Document, *, variant: str | None = DEFAULT_VARIANT, project_dir: Path | None = None,
               extra_css: Sequence[str] = ()) -> bytes:
    """The document as PDF bytes (tagged PDF/A-3a unless another ``variant`` is asked for)."""
    return render_pdf_with_pages(doc, variant=variant, project_dir=project_dir, extra_css=extra_css).data


def render_pdf_with_pages(doc: Document, *, variant: str | None = DEFAULT_VARIANT, project_dir: Path | None = None,
                          extra_css: Sequence[str] = ()) -> PdfResult:
    """The document as PDF bytes with its page count (see :func:`render_pdf`)."""
    return html_to_pdf_with_pages(render_html(doc), variant=variant, project_dir=project_dir, extra_css=extra_css,
                                  span_lang=other_language(doc.lang))
