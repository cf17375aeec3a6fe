"""What a document made outside the project may cost to import: bounds checked before extraction.

``wreport sources add`` reads a PDF, DOCX or HTML file someone else made. A small file can hold a
great deal: a DOCX part that unpacks to gigabytes, a PDF content stream that inflates to 4 GB, a
page tree that contains itself, a page nested thousands of elements deep, or a charset such as
``rot13`` that is not a character set at all. The extractors (pypdfium2, python-docx, trafilatura)
would read all of that into memory, or fail with a traceback. So each document is checked here
first, cheaply and in bounded memory, against ``[limits]`` (schemas.Limits, docs/limits.md), and a
refusal is a DataError naming the file and the limit. docs/security.md lists the cases tried.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

from wreport.errors import DataError, Location
from wreport.inputs.schemas import Limits

_CHUNK = 1 << 20  # bytes decompressed at a time while counting
_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


def refused(path: Path, what: str, limit: str, hint: str | None = None) -> DataError:
    """The one shape of a refusal: the file, what it holds, and the limit it passes."""
    return DataError(f"refused: {what}; {limit}", Location.of(str(path)),
                     hint=hint or "raise it in wreport.toml [limits] if the document is genuine (docs/limits.md)")


def read_document(path: Path, limits: Limits) -> bytes:
    """At most ``import_bytes`` of a regular file (never a FIFO or a device), read through one
    open descriptor so a file that grows after the check is still caught. Opened non-blocking:
    opening a FIFO for reading waits for a writer, for ever, before its type can be checked."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        with os.fdopen(os.open(path, flags), "rb", buffering=0) as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise DataError("not a file", Location.of(str(path)), hint="give the path of the document to import")
            data = file.read(limits.import_bytes + 1)
    except FileNotFoundError:
        raise DataError("file not found", Location.of(str(path))) from None
    except IsADirectoryError:
        raise DataError("not a file", Location.of(str(path)), hint="give the path of the document to import") from None
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", Location.of(str(path))) from None
    if len(data) > limits.import_bytes:
        raise refused(path, "the file is larger than import_bytes", f"at most {limits.import_bytes:,} bytes")
    return data


# ---------------------------------------------------------------- DOCX (a ZIP package)
def check_package(data: bytes, path: Path, limits: Limits) -> None:
    """Refuse a ZIP package that is encrypted, compressed in a way Python cannot read (deflate64,
    bzip2...), damaged, or whose parts unpack to more than ``unpacked_bytes`` in all. Every part
    is decompressed as a stream and counted, never held whole, so a lying header is caught too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > 10_000:
                raise refused(path, f"the package holds {len(members):,} parts", "at most 10,000")
            total = 0
            for member in members:
                _check_member(member, path)
                total = _count_member(package, member, path, total, limits.unpacked_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise DataError(f"cannot read the DOCX: the package is damaged ({exc})", Location.of(str(path)),
                        hint="open it in Word and save it again") from None


def _check_member(member: zipfile.ZipInfo, path: Path) -> None:
    if member.flag_bits & 0x1:
        raise DataError(f"cannot read the DOCX: its part {member.filename} is encrypted", Location.of(str(path)),
                        hint="remove the password in Word (File > Info > Protect Document) and save it again")
    if member.compress_type not in _COMPRESSION:
        raise DataError(f"cannot read the DOCX: its part {member.filename} is compressed with method "
                        f"{member.compress_type} (only stored and deflate are read)", Location.of(str(path)),
                        hint="open it in Word and save it again")


def _count_member(package: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path, total: int, limit: int) -> int:
    """``total`` plus the bytes ``member`` unpacks to, read a chunk at a time; refused past ``limit``."""
    if total + member.file_size > limit:
        raise refused(path, f"its parts unpack to more than unpacked_bytes (at {member.filename})",
                      f"at most {limit:,} bytes in all")
    with package.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise refused(path, f"its parts unpack to more than unpacked_bytes (at {member.filename})",
                              f"at most {limit:,} bytes in all")
    return total


# ---------------------------------------------------------------- PDF
def check_pdf(data: bytes, path: Path, limits: Limits) -> None:
    """Refuse a PDF that qpdf (through pikepdf) cannot read, whose page tree loops, that has more
    than ``pdf_pages`` pages, or any of whose streams (content streams, forms, fonts: all but
    images) decodes to more than ``pdf_stream_bytes``."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages > limits.pdf_pages:
                raise refused(path, f"the PDF has {pages:,} pages", f"pdf_pages allows at most {limits.pdf_pages:,}")
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") != "/Image":
                    _check_stream(obj, path, limits.pdf_stream_bytes)
    except pikepdf.PdfError as exc:
        raise DataError(f"cannot read the PDF: {_first_line(str(exc))}", Location.of(str(path)),
                        hint="open it in a PDF viewer and print it to a new PDF") from None


def _filters(stream: Any) -> list[str]:
    """The names of a stream's filters, in order (one name or an array of them in the PDF)."""
    import pikepdf

    found = stream.get("/Filter")
    if found is None:
        return []
    return [str(item) for item in (found if isinstance(found, pikepdf.Array) else [found])]


def _check_stream(stream: Any, path: Path, limit: int) -> None:
    """A stream's decoded size, counted as it is inflated; a filter chain that cannot be counted
    so (LZW, run length...) is decoded only when even its largest expansion stays under ``limit``."""
    filters = _filters(stream)
    raw = stream.read_raw_bytes()
    if filters in ([], ["/FlateDecode"]):
        size = len(raw) if not filters else _inflated_size(raw, limit)
    elif len(raw) * 4096 <= limit:
        size = len(stream.read_bytes())
    else:
        size = limit + 1
    if size > limit:
        raise refused(path, f"a stream of the PDF (object {stream.objgen[0]}) decodes to more than pdf_stream_bytes",
                      f"at most {limit:,} bytes")


def _inflated_size(raw: bytes, limit: int) -> int:
    """The size ``raw`` inflates to (zlib), stopping as soon as it passes ``limit``; a damaged
    stream counts what could be inflated, as a PDF reader shows what it can."""
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= limit:
            size += len(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def _first_line(text: str) -> str:
    """qpdf's message without the name it gives the in-memory copy (``stream <_io.BytesIO ...>``)."""
    line = text.splitlines()[0] if text else "damaged"
    return re.sub(r"^stream <[^>]*>:?\s*", "", line)


# ---------------------------------------------------------------- HTML
def charset(name: str, path: Path) -> str:
    """Python's name of a declared charset, for the charsets a browser reads and only those: the
    WHATWG Encoding Standard's labels, as ``webencodings`` maps them (euc-kr and ks_c_5601-1987
    are cp949, latin1 is cp1252, as browsers read them). An allow-list, so nothing but a plain
    text codec can be chosen, each decoding in one pass: a codec Python knows that is no such
    charset is refused (rot13, base64, zlib are bytes-to-bytes; punycode decodes in quadratic
    time; idna and the escape codecs are text transforms; johab, cp037...: no browser reads them),
    and so are the labels browsers refuse (iso-2022-kr, hz-gb-2312: the "replacement" encoding).
    A declared UTF-16 is UTF-8, as the standard's prescan says (the declaration was read as
    ASCII); a label nobody knows is ignored (UTF-8), as a browser ignores it."""
    import webencodings

    encoding = webencodings.lookup(name)
    if encoding is None or encoding.name == "replacement":
        if encoding is None and not _python_codec(name):
            return "utf-8-sig"
        raise DataError(f"refused: the page declares charset={name}, which is not a character set browsers read",
                        Location.of(str(path)), hint="save the page as UTF-8 (or its real charset) and import it again")
    if encoding.name in ("utf-16be", "utf-16le", "utf-8"):
        return "utf-8-sig"
    return "cp1252" if encoding.name == "x-user-defined" else str(encoding.codec_info.name)


def _python_codec(name: str) -> bool:
    """Whether Python knows ``name`` as a codec (of any kind)."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def check_html(data: bytes, path: Path, limits: Limits) -> None:
    """Refuse a page larger than ``html_bytes`` (the import cap is for PDFs with images; a page's
    text is far smaller)."""
    if len(data) > limits.html_bytes:
        raise refused(path, "the page is larger than html_bytes", f"at most {limits.html_bytes:,} bytes")


def check_depth(html: str, path: Path, limits: Limits) -> None:
    """Refuse a page whose elements nest deeper than ``nesting_depth``: the extractor walks the
    tree recursively. Counted in one pass over lxml's parse events (linear in the page)."""
    from lxml import etree

    parser = etree.HTMLPullParser(events=("start", "end"), no_network=True, huge_tree=False)
    depth = 0
    for start in range(0, len(html), _CHUNK):
        parser.feed(html[start:start + _CHUNK])
        for event, _ in parser.read_events():
            depth += 1 if event == "start" else -1
            if depth > limits.nesting_depth:
                raise refused(path, "the page's elements nest deeper than nesting_depth",
                              f"at most {limits.nesting_depth:,} levels")
