"""Running the installed command on a copied project and editing its files, as a user would,
for the tests that break a project on purpose and read what the outputs then show."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
from lxml import etree
from pdf_layout import pdf_words
from pypdf import PdfReader

WREPORT = Path(sys.executable).parent / "wreport"
EN = "templates/brief/en.md.j2"
KO = "templates/brief/ko.md.j2"
FACTS = "seeds/facts.yaml"


def wreport(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the installed command on a project, as a user would."""
    return subprocess.run([str(WREPORT), "--project", str(root), *args], capture_output=True, text=True,
                          timeout=300)


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(path: Path) -> str:
    """Paragraphs, table cells and footnotes of a DOCX."""
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        notes = etree.fromstring(archive.read("word/footnotes.xml")) if "word/footnotes.xml" in names else []
    return "\n".join([p.text for p in document.paragraphs] + cells + ["".join(n.itertext()) for n in notes])


def words_off_the_page(pdf: Path) -> list[str]:
    """Words whose box ends beyond the right edge of their page."""
    return [word.text for word in pdf_words(pdf.read_bytes()) if word.x1 > word.page_width]


def squashed(text: str) -> str:
    """Text without whitespace or word joiners: PDF extraction breaks and spaces lines its own way."""
    return re.sub(r"[\s\u2060]+", "", text)


