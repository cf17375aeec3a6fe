"""Words of a PDF with where they sit, read with pypdfium2 (a PyPI wheel): the tests need no
poppler-utils (pdftotext -bbox) on the machine."""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader


@dataclass(frozen=True)
class Word:
    page: int
    page_width: float
    x0: float  # points from the page's left edge
    x1: float
    text: str


def pdf_words(data: bytes) -> list[Word]:
    """Every whitespace-delimited word of ``data``, page by page in the text's order."""
    words: list[Word] = []
    document = pdfium.PdfDocument(data)
    try:
        for number in range(len(document)):
            page = document[number]
            width = page.get_width()
            text_page = page.get_textpage()
            chars: list[tuple[str, float, float]] = []
            for index in range(text_page.count_chars()):
                char = text_page.get_text_range(index, 1)
                if char.strip() and char != "\u2060":
                    left, _, right, _ = text_page.get_charbox(index)
                    chars.append((char, left, right))
                elif chars:
                    words.append(Word(number, width, chars[0][1], max(c[2] for c in chars), "".join(c[0] for c in chars)))
                    chars = []
            if chars:
                words.append(Word(number, width, chars[0][1], max(c[2] for c in chars), "".join(c[0] for c in chars)))
    finally:
        document.close()
    return words


@dataclass(frozen=True)
class Char:
    text: str
    left: float
    right: float
    size: float  # the height of its loose box: the font size, near enough


def pdf_chars(data: bytes, page: int = 0) -> list[Char]:
    """The characters of one page in the text's order (generated spaces included)."""
    document = pdfium.PdfDocument(data)
    try:
        text_page = document[page].get_textpage()
        chars = []
        for index in range(text_page.count_chars()):
            left, bottom, right, top = text_page.get_charbox(index, loose=True)
            chars.append(Char(text_page.get_text_range(index, 1), left, right, top - bottom))
        return chars
    finally:
        document.close()


def pdf_fonts(reader: PdfReader) -> set[str]:
    """The base names of the fonts a PDF's pages use, without subset prefixes (ABCDEF+)."""
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"])[1:]))
    return names


def actual_text(obj) -> str | None:
    """The /ActualText of a marked-content sequence around a page object (the innermost), if any:
    what a reader takes instead of the object's glyphs."""
    found = None
    for index in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, index)
        length = ctypes.c_ulong(0)
        if not pdfium_c.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", None, 0, ctypes.byref(length)):
            continue
        buffer = ctypes.create_string_buffer(length.value)
        pdfium_c.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                                     length.value, ctypes.byref(length))
        found = buffer.raw[:max(length.value - 2, 0)].decode("utf-16-le")
    return found


def marked_texts(data: bytes) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID), as pdfium reads it, with
    any /ActualText inside it in place of the glyphs it covers: what a screen reader gets for
    each leaf of the structure tree."""
    texts: dict[tuple[int, int], str] = {}
    document = pdfium.PdfDocument(data)
    try:
        for number in range(len(document)):
            page = document[number]
            text_page = page.get_textpage()
            for obj in page.get_objects(max_depth=8):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid < 0:
                    continue
                size = pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw, None, 0)  # bytes, with a NUL
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw,
                                             ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
                key = (number, mcid)
                text = actual_text(obj)
                if text is None:
                    # pdfium gives a hyphen it takes for the layout's, at a line end, as U+0002
                    text = buffer.raw[:max(size - 2, 0)].decode("utf-16-le").replace("\x02", "-")
                texts[key] = texts.get(key, "") + text
    finally:
        document.close()
    return texts
