"""Hostile documents, made small at test time, for the import's bounds (docs/security.md).

Each builder returns bytes (or writes a file) that a careless reader would turn into a traceback,
gigabytes of memory or minutes of work; what they hold is written here by hand, not taken from
wreport.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

SENTENCE = "원주 의료기기 업체들은 지난해 5억 2000만 달러를 수출했고 입주기업은 120개로 늘었다."


def docx_bytes(table: str = "") -> bytes:
    """A DOCX (python-docx's default template) holding SENTENCE, and ``table`` (WordprocessingML
    of a <w:tbl>) after it when given."""
    import docx
    from lxml import etree

    document = docx.Document()
    document.add_paragraph(SENTENCE)
    if table:
        namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        document.element.body.insert(1, etree.fromstring(table.replace("<w:tbl>", f"<w:tbl {namespace}>", 1)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _patch_member(data: bytes, name: str, offset_local: int, offset_central: int, value: int, size: int) -> bytes:
    """``data`` with a field of member ``name`` set to ``value`` in its local and central headers."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched[info.header_offset + offset_local:info.header_offset + offset_local + size] = value.to_bytes(size, "little")
    at = patched.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(patched[at + 28:at + 30], "little")
        if patched[at + 46:at + 46 + length] == name.encode():
            patched[at + offset_central:at + offset_central + size] = value.to_bytes(size, "little")
        at = patched.find(b"PK\x01\x02", at + 1)
    return bytes(patched)


def encrypted_docx() -> bytes:
    """The main part flagged as encrypted (general purpose bit 0), as a password-protected ZIP is."""
    data = docx_bytes()
    flags = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").flag_bits | 1
    return _patch_member(data, "word/document.xml", 6, 8, flags, 2)


def deflate64_docx() -> bytes:
    """The main part declaring compression method 9 (deflate64), which Python's zipfile cannot read."""
    return _patch_member(docx_bytes(), "word/document.xml", 8, 10, 9, 2)


def corrupt_docx() -> bytes:
    """A DOCX with 200 bytes in the middle of a compressed part flipped (its CRC no longer matches)."""
    data = bytearray(docx_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + 20
    for index in range(start, start + min(200, info.compress_size - 40)):
        data[index] ^= 0x55
    return bytes(data)


def spanning_docx(span: int) -> bytes:
    """A one-cell table whose cell spans ``span`` columns (a few bytes of XML)."""
    return docx_bytes(f'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>'
                      f'입주기업 120개</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')


def merged_docx(rows: int) -> bytes:
    """A one-column table whose one cell is merged down ``rows`` rows (vMerge restart, then continue)."""
    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>입주기업 120개</w:t></w:r></w:p></w:tc></w:tr>'
    rest = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>' * (rows - 1)
    return docx_bytes(f"<w:tbl>{first}{rest}</w:tbl>")


def bomb_docx(path: Path, unpacked: int, filler: bytes = b"") -> Path:
    """A DOCX whose main part unpacks to about ``unpacked`` bytes yet takes a few hundred
    kilobytes: a comment of spaces, or ``filler`` (an element) repeated at the start of the body;
    written a megabyte at a time, never held whole."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                package.writestr(member.filename, source.read(member))
                continue
            body = source.read(member)
            cut = body.index(b"<w:body>") + (len(b"<w:body>") if filler else 0)
            with package.open("word/document.xml", "w", force_zip64=True) as out:
                out.write(body[:cut] + (b"" if filler else b"<!--"))
                chunk = (filler or b" ") * ((1 << 20) // len(filler or b" "))
                for _ in range(unpacked // len(chunk)):
                    out.write(chunk)
                out.write((b"" if filler else b"-->") + body[cut:])
    return path


def loop_pdf() -> bytes:
    """A PDF whose page tree lists itself among its kids."""
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def pdf_bytes(pages: int = 1, stream: int = 0) -> bytes:
    """A PDF of ``pages`` blank pages; with ``stream``, the first page's content stream inflates to
    that many bytes (spaces, compressed with FlateDecode)."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    if stream:
        squeezer = zlib.compressobj(9)
        raw = b"".join(squeezer.compress(b" " * (1 << 20)) for _ in range(stream >> 20)) + squeezer.flush()
        pdf.pages[0].obj.Contents = pikepdf.Stream(pdf, raw, Filter=pikepdf.Name.FlateDecode)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def html_page(charset: str = "utf-8", depth: int = 0) -> bytes:
    """A page declaring ``charset`` (its body ASCII and Korean, in UTF-8), nested ``depth`` <div>s deep."""
    body = "<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth
    return (f'<html><head><meta charset="{charset}"><title>Wonju</title></head><body>{body}</body></html>'
            ).encode("utf-8")
