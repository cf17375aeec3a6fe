"""The bounds on an imported document (curation/documents.py): each hostile document, made small
here, is refused with one message naming the file and the limit, and the project is unchanged."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import hostile
import pytest
from mini_project import copy_mini
from typer.testing import CliRunner

from wreport.cli import app
from wreport.curation import documents
from wreport.curation.importing import extract
from wreport.errors import DataError, WreportError
from wreport.inputs.schemas import Limits


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _refused(root: Path, document: Path, *words: str) -> str:
    """`sources add` on ``document``: exit 1, one WreportError naming the file (no other exception,
    which the CLI's last line of defence would report as an internal error), nothing changed."""
    before = _tree(root)
    result = CliRunner().invoke(app, ["--project", str(root), "sources", "add", str(document), "--id", "probe",
                                      "--title-en", "Probe", "--publisher", "P", "--date", "2024"])
    assert isinstance(result.exception, WreportError), (type(result.exception), result.exception, result.output)
    message = str(result.exception)
    assert message.startswith(str(document)), message
    for word in words:
        assert word in message, message
    assert _tree(root) == before
    return message


# The red team's documents: each was a traceback before (issue 23).
@pytest.mark.parametrize(("name", "make", "words"), [
    ("encrypted.docx", hostile.encrypted_docx, ("word/document.xml is encrypted",)),
    ("deflate64.docx", hostile.deflate64_docx, ("compressed with method 9",)),
    ("corrupt.docx", hostile.corrupt_docx, ("cannot read the DOCX", "damaged")),
    ("loop.pdf", hostile.loop_pdf, ("cannot read the PDF", "Loop detected in /Pages")),
    ("rot13.html", lambda: hostile.html_page("rot13"), ("charset=rot13, which is not a character set",)),
    ("base64.html", lambda: hostile.html_page("base64"), ("charset=base64",)),
    ("punycode.html", lambda: hostile.html_page("punycode"), ("charset=punycode",)),
    ("escape.html", lambda: hostile.html_page("unicode_escape"), ("charset=unicode_escape",)),
    ("span.docx", lambda: hostile.spanning_docx(2_000_000_000),
     ("a table cell spans 2,000,000,000 columns", "table_columns allows at most 1,000")),
])
def test_a_hostile_document_is_one_message_and_changes_nothing(tmp_path: Path, name: str, make, words) -> None:
    root = copy_mini(tmp_path)
    document = tmp_path / name
    document.write_bytes(make())
    _refused(root, document, *words)


def test_each_bound_is_a_limit_named_in_the_message(tmp_path: Path) -> None:
    small = Limits(import_bytes=100_000, unpacked_bytes=2_000_000, pdf_pages=2, pdf_stream_bytes=1_000_000,
                   html_bytes=5_000, nesting_depth=50)
    cases = {
        "bomb.docx": (lambda path: hostile.bomb_docx(path, 3 << 20), "unpacked_bytes (at word/document.xml); at most "
                      "2,000,000 bytes in all"),
        "pages.pdf": (lambda path: path.write_bytes(hostile.pdf_bytes(pages=3)), "the PDF has 3 pages; pdf_pages "
                      "allows at most 2"),
        "stream.pdf": (lambda path: path.write_bytes(hostile.pdf_bytes(stream=2 << 20)),
                       "decodes to more than pdf_stream_bytes; at most 1,000,000 bytes"),
        "large.html": (lambda path: path.write_bytes(hostile.html_page() + b" " * 5_000), "larger than html_bytes"),
        "deep.html": (lambda path: path.write_bytes(hostile.html_page(depth=60)), "deeper than nesting_depth; "
                      "at most 50 levels"),
        "large.txt": (lambda path: path.write_bytes(b"x" * 100_001), "larger than import_bytes"),
    }
    for name, (make, words) in cases.items():
        make(tmp_path / name)
        with pytest.raises(DataError) as caught:
            extract(tmp_path / name, small)
        assert str(caught.value).startswith(f"{tmp_path / name}: refused: "), caught.value
        assert words in str(caught.value)
    # the same documents within the limits are read
    assert "120개" in extract(tmp_path / "deep.html", Limits()).text
    assert extract(tmp_path / "bomb.docx", Limits()).text == hostile.SENTENCE + "\n"


def test_a_cell_merged_down_thousands_of_rows_is_read_once_in_linear_time(tmp_path: Path) -> None:
    # python-docx's row.cells follows a vertical merge up row by row: 3,000 rows ran past 120 s
    document = tmp_path / "merged.docx"
    document.write_bytes(hostile.merged_docx(3_000))
    assert extract(document).text == f"{hostile.SENTENCE}\n\n입주기업 120개\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
def test_a_zip_bomb_is_refused_within_the_memory_ceiling(tmp_path: Path) -> None:
    """A DOCX of a few hundred kilobytes whose main part unpacks to 200 MB of empty paragraphs
    (millions of elements for python-docx) is refused under the documented 1 GB of address
    space (docs/limits.md), as `ulimit -v 1000000` would allow."""
    root = copy_mini(tmp_path)
    bomb = hostile.bomb_docx(tmp_path / "bomb.docx", 200 << 20, filler=b"<w:p/>")
    ceiling = 1_000_000 * 1024

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))

    before = _tree(root)
    result = subprocess.run([sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(root),
                             "sources", "add", str(bomb), "--publisher", "P", "--date", "2024", "--title-en", "T"],
                            capture_output=True, text=True, preexec_fn=limit, timeout=300,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"error: {bomb}: refused: its parts unpack to more than unpacked_bytes"), \
        result.stderr
    assert _tree(root) == before


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    """Opening a named pipe for reading waits for a writer: `sources add pipe.txt` hung for ever."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    command = [sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(copy_mini(tmp_path)),
               "sources", "add", str(pipe), "--title-en", "A pipe", "--publisher", "P", "--date", "2020"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stderr) == (1, f"error: {pipe}: not a file (give the path of the document "
                                                     "to import)\n")


@pytest.mark.parametrize(("declared", "codec"), [
    ("euc-kr", "cp949"), ("EUC-KR", "cp949"), ("ks_c_5601-1987", "cp949"), ("windows-949", "cp949"),
    ("utf-8", "utf-8-sig"), ("utf8", "utf-8-sig"), ("latin1", "cp1252"), ("iso-8859-1", "cp1252"),
    ("shift_jis", "cp932"), ("gb2312", "gbk"), ("big5", "big5hkscs"), ("koi8-r", "koi8-r"),
    ("utf-16", "utf-8-sig"),  # read as ASCII, so not UTF-16: UTF-8, as a browser's prescan says
    ("no-such-charset", "utf-8-sig"),  # a browser ignores a label it does not know
])
def test_a_declared_charset_is_read_as_a_browser_reads_it(declared: str, codec: str) -> None:
    assert documents.charset(declared.lower(), Path("page.html")) == codec


@pytest.mark.parametrize("declared", ["rot13", "base64", "zlib", "hex", "uu", "punycode", "idna", "unicode_escape",
                                      "raw_unicode_escape", "utf-7", "undefined", "johab", "cp037", "palmos",
                                      "iso-2022-kr", "hz-gb-2312", "replacement", "charmap", "utf-32"])
def test_only_the_charsets_browsers_read_are_allowed(declared: str) -> None:
    """An allow-list (the WHATWG Encoding Standard's labels), not a list of codecs to refuse: a
    codec Python knows that no browser reads, and the labels browsers refuse, are refused."""
    with pytest.raises(WreportError, match=f"charset={declared}, which is not a character set browsers read"):
        documents.charset(declared, Path("page.html"))
