"""``wreport sources add``: bring a new document into the project as a source text.

A source arrives as a PDF, a saved HTML page, a DOCX or a text file. Its text is extracted with a
well-kept library (pypdfium2 for PDF, trafilatura for the main text of an HTML page, python-docx),
cleaned of what extraction leaves behind (a bold Korean heading drawn twice reads 경경북북도도, so
runs of doubled characters are halved), normalised (NFC, Unix line ends, no control characters)
and written to ``sources/<id>.txt``, with the original kept beside it as ``sources/<id>.original.<ext>``.
The same file always gives the same text.

The manifest entry is appended to sources.yaml as text, so its comments and layout survive, and
the new manifest is checked by the ordinary loader (facts.load_facts) before it replaces the old
one: a problem leaves the project as it was. Metadata comes from the options, else from the
document itself (PDF information dictionary, HTML metadata, DOCX core properties, a date stated
in the text); the entry's ``note`` says which field was given, read or inferred, and
``date_basis`` follows the manifest's style (``stated in text (…)`` / ``inferred: …``).

Nothing is written outside the project: the new files go into the sources folder beside
sources.yaml, an existing file is never overwritten, and the id must be a new, valid source id.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wreport.curation import documents, journal
from wreport.curation.journal import recovered
from wreport.curation.manifest import write_manifest
from wreport.curation.mentions import join_wrapped_figures
from wreport.curation.metadata import id_problem, make_id, needs_english, title_from_text, title_problem
from wreport.data.facts import load_facts, parse_partial_date
from wreport.errors import DataError, Location
from wreport.inputs.files import write_atomic
from wreport.inputs.project import Project
from wreport.inputs.schemas import Limits
from wreport.inputs.text import HANGUL, UNSAFE, printable, squash_spaces

_LATIN = re.compile("[A-Za-z]")
#: The longest source id: ids appear in file names, facts and every citation.
MAX_ID = 60
KINDS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html", ".docx": "docx", ".txt": "text",
         ".md": "text"}
_SOURCE_ID = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")  # as sources.yaml's ids (docs/facts.md); \Z: no "id\n"
#: Bold Korean that the PDF drew twice: three doubled syllables in a row (경경북북도도), or two
#: before punctuation (둘둘째째,). Two doubled syllables inside prose stay: 시시각각 is a word.
_DOUBLED_TOKEN = re.compile(r"(?:([가-힣])\1){3,}|(?:([가-힣])\2){2}(?=[,.)])")
_DOUBLED_NUMBER = re.compile(r"(?<!\d)(\d)\1\)\)")  # 11)) → 1)
_DOUBLED_PAIR = re.compile(r"(?<![가-힣])([가-힣])\1(?![가-힣])")  # 이이 (in a run such as 이이 용용 균균)
#: One way through the spaces around the colon (``\s*[:：]?\s*`` tried every split: quadratic).
_STATED_DATE = re.compile(r"(?:작성일|등록일|발행일|게재일|입력)\s*(?:[:：]\s*)?(\d{4})[-.](\d{1,2})[-.](\d{1,2})")


@dataclass(frozen=True)
class Extracted:
    """A document's text and the metadata read from it (None where the document says nothing)."""

    text: str
    kind: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    date_basis: str | None = None
    url: str | None = None
    detail: str = ""  # e.g. "3 pages"
    original: bytes = b""  # the bytes read (and checked), kept as the original


@dataclass(frozen=True)
class Added:
    """What ``add_source`` wrote: the source id, its text and original file, and the entry."""

    id: str
    text_file: Path
    original_file: Path
    entry: str


# ---------------------------------------------------------------- extraction
def extract(path: Path, limits: Limits | None = None) -> Extracted:
    """The cleaned text and metadata of a PDF, HTML, DOCX or text file (chosen by its suffix,
    confirmed by its first bytes), within ``limits`` (the project's ``[limits]``; documents.py)."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise DataError(f"cannot import a '{path.suffix or 'suffix-less'}' file", Location.of(str(path)),
                        hint=f"import one of: {', '.join(sorted(KINDS))}")
    limits = limits or Limits()
    data = documents.read_document(path, limits)
    if kind == "pdf" and not data.startswith(b"%PDF-"):
        raise DataError("not a PDF file (it does not start with %PDF-)", Location.of(str(path)))
    if kind == "docx" and not data.startswith(b"PK"):
        raise DataError("not a DOCX file (it is not a zip package)", Location.of(str(path)))
    found = {"pdf": _pdf, "html": _html, "docx": _docx, "text": _text}[kind](data, path, limits)
    text = clean_text(found.text)
    if not re.search(r"\w", text):
        raise DataError("no text could be extracted", Location.of(str(path)),
                        hint="a scanned PDF holds only images: it needs OCR before it can be a source")
    stated = _STATED_DATE.search(text)
    if stated and (found.date is None or str(found.date_basis).startswith("inferred")):  # the text says best
        year, month, day = stated.groups()
        date = f"{year}-{int(month):02d}-{int(day):02d}"
        found = dataclasses.replace(found, date=date, date_basis=f"stated in text ({squash_spaces(stated.group(0))})")
    return dataclasses.replace(found, text=text, original=data)


def _pdf(data: bytes, path: Path, limits: Limits) -> Extracted:
    import pypdfium2

    documents.check_pdf(data, path, limits)
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            pages = [_page_text(document, index) for index in range(min(len(document), limits.pdf_pages))]
            meta = document.get_metadata_dict(skip_empty=True)
        finally:
            document.close()
    except pypdfium2.PdfiumError as exc:
        raise DataError(f"cannot read the PDF: {exc}", Location.of(str(path)),
                        hint="open it in a PDF viewer and print it to a new PDF") from None
    created = _pdf_date(meta.get("CreationDate", ""))
    return Extracted(join_wrapped_figures("\n\n".join(pages)), "pdf", title=meta.get("Title"), author=meta.get("Author"),
                     date=created, date_basis=f"inferred: the PDF's creation date ({created}); check it against "
                     "the text" if created else None, detail=f"{len(pages)} pages")


def _page_text(document: Any, index: int) -> str:
    """The text of one page, its objects closed at once (a long PDF is read a page at a time)."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_bounded())
        finally:
            textpage.close()
    finally:
        page.close()


def _pdf_date(raw: str) -> str | None:
    """A PDF date string (D:20240131...) as an ISO date, or None."""
    found = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", raw)
    if not found:
        return None
    parts = [part for part in found.groups() if part]
    return "-".join(parts)


def _html(data: bytes, path: Path, limits: Limits) -> Extracted:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    documents.check_html(data, path, limits)
    html = _decode(data, path, _declared_charset(data, path))
    documents.check_depth(html, path, limits)
    text = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True,
                               include_images=False, deduplicate=False, with_metadata=False)
    meta = extract_metadata(html, extensive=False, date_config={"extensive_search": False, "original_date": True})
    date = meta.date if meta and meta.date else None
    return Extracted(text or "", "html", title=meta.title if meta else None, author=meta.author if meta else None,
                     publisher=meta.sitename if meta else None, date=date, url=meta.url if meta else None,
                     date_basis=f"stated in page metadata ({date})" if date else None)


def _docx(data: bytes, path: Path, limits: Limits) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    documents.check_package(data, path, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError, etree.XMLSyntaxError) as exc:
        raise DataError(f"cannot read the DOCX: {exc}", Location.of(str(path))) from None
    blocks = _docx_blocks(document, path, limits)
    core = document.core_properties
    created = core.created.date().isoformat() if isinstance(core.created, datetime.datetime) else None
    return Extracted("\n\n".join(block for block in blocks if block.strip()), "docx", title=core.title or None,
                     author=core.author or None, date=created,
                     date_basis=f"inferred: the DOCX's creation date ({created}); check it against the text"
                     if created else None)


def _docx_blocks(document: Any, path: Path, limits: Limits) -> list[str]:
    """The body's paragraphs and table rows as text, in order. A table row is the text of each
    cell it holds, once: python-docx's ``row.cells`` repeats a cell for every column it spans
    (a span of 2,000,000,000 columns fills memory) and follows a vertical merge up row by row
    (quadratic, and recursive: a merge of 2,000 rows overflows the stack), so a span past
    ``table_columns`` is refused and a merged cell's text is given by its first row only."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    def text(element: Any) -> str:
        return " ".join(Paragraph(p, document).text for p in element.iter(qn("w:p")))

    blocks = []
    for child in document.element.body.iterchildren(qn("w:p"), qn("w:tbl")):
        if child.tag == qn("w:p"):
            blocks.append(Paragraph(child, document).text)
            continue
        for row in child.iterchildren(qn("w:tr")):
            cells = row.findall(qn("w:tc"))
            for cell in cells:
                _check_span(cell, path, limits)
            blocks.append(" ".join(text(cell) for cell in cells if cell.vMerge != "continue"))
    return blocks


def _check_span(cell: Any, path: Path, limits: Limits) -> None:
    try:
        span = int(cell.grid_span)
    except (ValueError, TypeError):  # python-docx refuses a gridSpan that is not a number
        raise DataError("cannot read the DOCX: a table cell's span is not a number", Location.of(str(path))) from None
    if span > limits.table_columns:
        raise documents.refused(path, f"a table cell spans {span:,} columns",
                                f"table_columns allows at most {limits.table_columns:,}")


def _text(data: bytes, path: Path, limits: Limits) -> Extracted:
    return Extracted(_decode(data, path), "text")


def _declared_charset(data: bytes, path: Path) -> str:
    """The encoding an HTML page declares (<meta charset="euc-kr">: many Korean pages are not
    UTF-8), or UTF-8 when it declares none or one no browser knows; a codec that is not a
    character set (rot13, base64, punycode) is refused (documents.charset)."""
    found = re.search(rb"""<meta[^>]{0,200}charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", data[:4096], re.IGNORECASE)
    if found:
        return documents.charset(found.group(1).decode("ascii").lower(), path)
    return "utf-8-sig"


def _decode(data: bytes, path: Path, encoding: str = "utf-8-sig") -> str:
    """The text in the given encoding (UTF-8 unless an HTML page declares another), strictly."""
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        shown = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise DataError(f"not valid {shown} text", Location.of(str(path), line),
                        hint="save it as UTF-8 first") from None


def clean_text(text: str) -> str:
    """Extracted text made fit to quote from: NFC, Unix line ends, no control characters or
    trailing spaces, at most one blank line in a row, and bold Korean drawn twice halved
    (경경북북도도와와 → 경북도와, 이이 용용 균균 → 이 용 균, 11)) → 1)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = UNSAFE.sub("", text.replace("\f", "\n\n").replace("\ufeff", ""))
    text = _DOUBLED_TOKEN.sub(lambda m: m.group(0)[::2], text)
    text = _DOUBLED_NUMBER.sub(r"\1)", text)
    text = re.sub(r"(?:(?<![가-힣])([가-힣])\1(?![가-힣])[ \t]*){3,}",
                  lambda m: _DOUBLED_PAIR.sub(r"\1", m.group(0)), text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---------------------------------------------------------------- the manifest entry
def yaml_scalar(text: str) -> str:
    """A YAML double-quoted scalar, the house habit for values, dates and quotes."""
    return str(yaml.safe_dump(text, allow_unicode=True, default_style='"', width=10_000)).strip().removesuffix(
        "...").strip()


def _language(text: str) -> str:
    """Korean when more than a fifth of the words hold Hangul. Words, not letters: a Korean note
    full of Latin names and acronyms (Samsung Medison와 MOU를 체결) still has Korean particles and
    verbs in most of its words, while an English text quoting a Korean name in brackets does not."""
    words = [word for word in text.split() if HANGUL.search(word) or _LATIN.search(word)]
    korean = sum(1 for word in words if HANGUL.search(word))
    return "ko" if korean and korean / len(words) > 0.2 else "en"


#: Asks the user for a missing field (its name, a prompt); None when not run in a terminal.
Ask = Callable[[str, str], str]


@dataclass
class _Fields:
    """The manifest entry's fields as they are chosen, with how each was found (for ``note``)."""

    kind: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    how: list[str] = dataclasses.field(default_factory=list)

    def choose(self, name: str, given: str | None, read: str | None, inferred: str | None = None,
               why: str = "") -> str | None:
        """The first of the given, read and inferred values that is there, recorded with its basis."""
        for value, basis in ((given, "given on import"), (read, f"read from the {self.kind.upper()}"),
                             (inferred, f"inferred: {why}")):
            if value and value.strip():
                self.values[name] = squash_spaces(value)
                self.how.append(f"{name} {basis}")
                return self.values[name]
        return None


def add_source(project: Project, path: Path, *, source_id: str | None = None, title: str | None = None,
               title_en: str | None = None, publisher: str | None = None, publisher_en: str | None = None,
               date: str | None = None, ask: Ask | None = None, say: Callable[[str], None] | None = None) -> Added:
    """Import ``path`` as a new source of ``project``; return what was written.

    Raises DataError (nothing written) for an unreadable document, a bad or taken id, missing
    metadata the manifest needs (``ask``, when given, is asked for an English title or publisher
    first), a generic or page-furniture title, or a manifest the loader rejects. An earlier
    import that was cut short is finished or undone first (curation/journal.py), and ``say``
    is told which.
    """
    with recovered(project) as note:
        if note and say:
            say(note)
        return _add(project, path, source_id, title=title, title_en=title_en, publisher=publisher,
                    publisher_en=publisher_en, date=date, ask=ask)


def _add(project: Project, path: Path, source_id: str | None, *, title: str | None, title_en: str | None,
         publisher: str | None, publisher_en: str | None, date: str | None, ask: Ask | None) -> Added:
    """add_source's work, under the sources lock."""
    found = extract(path, project.limits)
    shown = project.relative(project.sources_file)
    fields = _Fields(found.kind)
    _choose_title(fields, found, title, shown)
    language = _language(found.text)
    if not title_en and language == "en":  # an English document's title is its English title
        title_en = fields.values["title"]
    _english(fields, "title_en", title_en, "an English title", "--title-en 'English title'", shown, ask)
    if fields.choose("publisher", publisher, found.publisher) is None:
        raise DataError("the document does not say who published it", Location.of(shown),
                        hint="give it with --publisher NAME")
    if needs_english(fields.values["publisher"]) or publisher_en:
        _english(fields, "publisher_en", publisher_en, "the publisher's English name", "--publisher-en NAME",
                 shown, ask)
    if found.author:
        fields.choose("author", None, found.author)
    _choose_date(fields, found, date, shown, str(path))
    new_id = source_id or make_id(fields.values["title_en"], fields.values.get("publisher_en")
                                  or (None if needs_english(fields.values["publisher"]) else fields.values["publisher"]),
                                  fields.values["date"], MAX_ID)
    if new_id is None:
        raise DataError("no id can be made from the English title or publisher", Location.of(shown),
                        hint="give one with --id publisher-year-subject, e.g. kado-2017-technovalley")
    _check_id(project, new_id, given=source_id is not None)
    fields.values["language"] = language
    return _write_source(project, path, found, new_id, fields)


def _choose_title(fields: _Fields, found: Extracted, title: str | None, shown: str) -> None:
    """The title given (refused if generic), else the document's own unless generic or furniture
    (then the note says so), else the text's first line that can be a title."""
    if title and (problem := title_problem(title)):
        raise DataError(f"the title {title!r} cannot name a source: {problem}", Location.of(shown),
                        hint="give the document's own title with --title")
    read = found.title
    if read and (problem := title_problem(read)):
        fields.how.append(f"the {found.kind.upper()}'s own title {squash_spaces(read)!r} left out ({problem})")
        read = None
    if fields.choose("title", title, read, title_from_text(found.text), "the text's first line that can be a "
                     "title; check it") is None:
        raise DataError("the document has no title that can name it", Location.of(shown),
                        hint="give it with --title")


def _english(fields: _Fields, name: str, given: str | None, what: str, option: str, shown: str,
             ask: Ask | None) -> None:
    """An English field a Korean source needs for the English edition, given or asked for."""
    value = given or (ask(name, what[0].upper() + what[1:]) if ask else None)
    if not value or not value.strip():
        raise DataError(f"a Korean source needs {what} for the English edition ({name})", Location.of(shown),
                        hint=f"give it with {option}")
    if name == "title_en" and (problem := title_problem(value)):
        raise DataError(f"the English title {value!r} cannot name a source: {problem}", Location.of(shown),
                        hint=f"give the document's title in English with {option}")
    if needs_english(value):
        raise DataError(f"{name} {value!r} holds Korean; the English edition prints it", Location.of(shown),
                        hint=f"give it in English with {option}")
    fields.values[name] = squash_spaces(value)


def _choose_date(fields: _Fields, found: Extracted, date: str | None, shown: str, document: str) -> None:
    """The date given, else the one the document states or implies, checked as a date; a bad
    one is reported at the imported document, saying where it came from."""
    date_text = date or found.date
    if not date_text:
        raise DataError("the document states no date", Location.of(shown),
                        hint="give it with --date YYYY-MM-DD (or YYYY-MM, YYYY)")
    try:
        parse_partial_date(date_text)
    except ValueError:
        what = f"--date '{date}'" if date else f"its date '{date_text}', {str(found.date_basis).split(';')[0]},"
        raise DataError(f"{what} is not a date", Location.of(document),
                        hint="write YYYY-MM-DD, YYYY-MM or YYYY" if date else
                        "give the document's date with --date YYYY-MM-DD (or YYYY-MM, YYYY)") from None
    fields.values["date"] = date_text
    fields.values["date_basis"] = "stated by the curator on import (--date)" if date else str(found.date_basis)
    fields.how.append("date given on import" if date else f"date {found.date_basis}")


def _write_source(project: Project, path: Path, found: Extracted, new_id: str, fields: _Fields) -> Added:
    """Write the original, the text and the manifest entry, journalled (curation/journal.py);
    the files go again if the entry fails."""
    folder = project.sources_file.parent / "sources"
    if not folder.resolve().is_relative_to(project.root.resolve()):
        raise DataError(f"the sources folder {folder} is outside the project; wreport writes only inside it",
                        Location.of(project.relative(project.sources_file)),
                        hint="keep sources.yaml and its sources/ folder inside the project (no symbolic link out)")
    suffix = ".html" if found.kind == "html" else path.suffix.lower()
    text_file, original = folder / f"{new_id}.txt", folder / f"{new_id}.original{suffix}"
    for target in (text_file, original):
        if target.exists():
            raise DataError(f"{project.relative(target)} already exists; wreport never overwrites a source",
                            hint="choose another id with --id")
    fields.values["file"] = text_file.name
    if found.url:
        fields.values["url"] = found.url
    detail = f", {found.detail}" if found.detail else ""
    # The document's name as text a manifest can hold: a name may carry an escape sequence, a
    # bidi override or bytes that are not UTF-8, which the loader refuses in sources.yaml.
    fields.values["note"] = (f"Imported by `wreport sources add` from {printable(path.name)} ({found.kind}{detail}); original "
                             f"kept as {original.name}. {'; '.join(fields.how)}.")
    entry = _entry(new_id, fields.values)
    folder.mkdir(parents=True, exist_ok=True)
    files = {original: found.original, text_file: found.text.encode("utf-8")}
    journal.begin(project, new_id, files)  # first: a kill from here on is finished or undone later
    written: list[Path] = []
    try:
        for target, data in files.items():
            _write_new(target, data)
            written.append(target)
        _replace_manifest(project, entry)  # the commit point
    except BaseException:
        for done in written:
            done.unlink(missing_ok=True)
        journal.end(project)  # only once the files are gone: a failure above leaves it for recovery
        raise
    journal.end(project)
    return Added(new_id, text_file, original, entry)


def _check_id(project: Project, source_id: str, given: bool) -> None:
    """A valid id that the project (loaded as every command loads it) does not have yet."""
    problem = id_problem(source_id)
    if not _SOURCE_ID.match(source_id) or len(source_id) > MAX_ID or problem:
        raise DataError(f"invalid source id {source_id!r}" + (f": {problem}" if problem else ""),
                        hint=f"lower-case letters, digits and hyphens, up to {MAX_ID} characters, with a word: "
                        "moh-2024-cluster-report" + ("" if given else "; give one with --id"))
    known = load_facts(project).sources if project.sources_file.exists() else {}
    if source_id in known:
        raise DataError(f"source id '{source_id}' is already in {project.relative(project.sources_file)}",
                        hint="choose another id with --id")


def _entry(source_id: str, fields: dict[str, str]) -> str:
    order = ("title", "title_en", "publisher", "publisher_en", "author", "date", "date_basis", "language", "file", "url", "note")
    lines = [f"  - id: {source_id}"]
    lines += [f"    {key}: {yaml_scalar(fields[key])}" for key in order if key in fields]
    return "\n".join(lines) + "\n"


def _replace_manifest(project: Project, entry: str) -> None:
    """Append the entry to sources.yaml through a checked temporary copy beside it."""
    manifest = project.sources_file
    try:
        current = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = "# The source documents, one entry per file in sources/. Format: docs/facts.md.\nsources:\n"
    if not re.search(r"^sources:", current, re.MULTILINE):
        raise DataError("no top-level 'sources:' list to add to", Location.of(project.relative(manifest)))
    if re.search(r"^sources:\s*\[\s*\]", current, re.MULTILINE):
        current = re.sub(r"^sources:\s*\[\s*\]", "sources:", current, count=1, flags=re.MULTILINE)
    head = current.rstrip("\n") + "\n\n"
    write_manifest(project, head + entry, f"with the new entry added at line {head.count(chr(10)) + 1}")


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file atomically, failing rather than replacing one."""
    try:
        write_atomic(path, data, exclusive=True)
    except FileExistsError:
        raise DataError(f"{path.name} already exists; wreport never overwrites a source") from None

