"""The redline DOCX: native tracked changes a reader can accept or reject, in the ordinary DOCX's
styles. The edits compared are listed in tests/released_mini.py."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from libreoffice import SOFFICE, Writer, paragraphs

from wreport.releases.record import load_release, load_snapshot
from wreport.releases.writing import working_snapshots
from wreport.writers.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _revisions(path: Path) -> list[tuple[str, str, str]]:
    """(kind, text, parent tag) of every w:ins/w:del, read with python-docx's reader."""
    body = docx.Document(str(path)).element
    out = []
    for mark in body.iter(f"{W}ins", f"{W}del"):
        parent = mark.getparent().tag.split("}")[1]
        text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
        out.append((mark.tag.split("}")[1], text, parent))
    return out


def test_changed_words_are_tracked_word_by_word_with_author_and_date(diffed):
    found = _revisions(diffed.file("brief.redline.en.docx"))
    assert ("del", "national ", "p") in found and ("ins", "Korea's ", "p") in found
    assert found.count(("del", "153.6 ", "p")) == 2  # the overview paragraph and the 2006 table cell
    assert found.count(("ins", "153.7 ", "p")) == 2
    assert ("del", "437.1%", "p") in found and ("ins", "437.4%", "p") in found
    body = docx.Document(str(diffed.file("brief.redline.en.docx"))).element
    marks = list(body.iter(f"{W}ins", f"{W}del"))
    assert {m.get(f"{W}author") for m in marks} == {"wreport diff r1"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m.get(f"{W}date")) for m in marks)
    assert len({m.get(f"{W}id") for m in marks}) == len(marks)
    deleted = [m for m in marks if m.tag == f"{W}del" and m.getparent().tag == f"{W}p"]
    assert deleted and all(not list(m.iter(f"{W}t")) for m in deleted)


def test_korean_words_keep_their_particles_and_units(diffed):
    found = _revisions(diffed.file("brief.redline.ko.docx"))
    assert ("del", "1,536억 ", "p") in found and ("ins", "1,537억 ", "p") in found
    assert ("ins", "금액은 경상 원화 기준이다.", "p") in found


def test_added_and_removed_paragraphs_carry_their_paragraph_mark(diffed):
    body = docx.Document(str(diffed.file("brief.redline.en.docx"))).element
    marked = {}
    for paragraph in body.iter(f"{W}p"):
        mark = paragraph.find(f"{W}pPr/{W}rPr/{W}ins")
        mark = mark if mark is not None else paragraph.find(f"{W}pPr/{W}rPr/{W}del")
        if mark is not None:
            text = "".join(t.text or "" for t in paragraph.iter(f"{W}t", f"{W}delText"))
            marked[text] = mark.tag.split("}")[1]
    assert marked == {"Figures are in current won.": "ins",
                      "The mini-clusters are run by Korea Industrial Complex Corporation (KICOX); "
                      "KICOX reports yearly.": "del"}


def test_a_removed_table_row_is_put_back_deleted_as_a_whole(diffed):
    body = docx.Document(str(diffed.file("brief.redline.en.docx"))).element
    rows = {"".join(t.text or "" for t in row.iter(f"{W}t", f"{W}delText")): row.find(f"{W}trPr/{W}del")
            for row in body.iter(f"{W}tr")}
    assert [text for text, mark in rows.items() if mark is not None] == ["2007KRW 250 billion1"]


def _same_font(xml: bytes) -> bytes:
    """The part with its embedded subset's name made generic: each file's subset is named after
    its characters (WreportGothic-<hash>), and a redline also shows the deleted words."""
    return re.sub(rb"WreportGothic-[0-9a-f]{10}", b"WreportGothic", xml)


def test_the_redline_has_the_ordinary_docx_styles_fonts_and_notes(diffed):
    new = working_snapshots(diffed.project, ["brief"])["brief"]
    ordinary = render_docx(new.trees["en"])
    with zipfile.ZipFile(diffed.file("brief.redline.en.docx")) as red, zipfile.ZipFile(io.BytesIO(ordinary)) as plain:
        for part in ("word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/fontTable.xml"):
            assert _same_font(red.read(part)) == _same_font(plain.read(part)), part
        assert any(name.startswith("word/fonts/") for name in red.namelist())
    notes = paragraphs(diffed.file("brief.redline.en.docx"), "word/footnotes.xml")
    assert notes[-1].strip() == ("The Electronic Times, “[Visiting the industrial-complex innovation clusters] (10) "
                        "The Wonju innovation cluster”, March 2006 (date inferred)")  # its date_basis is inferred


@pytest.fixture(scope="module")
def writer():
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
    home = Path(tempfile.mkdtemp(prefix="redline-soffice-"))
    try:
        yield Writer(home), home
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_accepting_all_gives_the_new_edition_and_rejecting_all_the_old(diffed, writer, lang):
    office, home = writer
    old = load_snapshot(load_release(diffed.project, "r1"), "brief", diffed.project)
    new = working_snapshots(diffed.project, ["brief"])["brief"]
    redline = diffed.file(f"brief.redline.{lang}.docx")
    for how, tree in (("Accept", new.trees[lang]), ("Reject", old.trees[lang])):
        expected = home / f"{how}.{lang}.plain.docx"
        expected.write_bytes(render_docx(tree))
        got = office.settle(redline, how, home / f"{how}.{lang}.got.docx")
        for part in ("word/document.xml", "word/footnotes.xml"):
            assert paragraphs(got, part) == paragraphs(expected, part), (how, part)
    accepted = paragraphs(home / f"Accept.{lang}.got.docx")
    rejected = paragraphs(home / f"Reject.{lang}.got.docx")
    first, second = {"en": ("KRW 153.7 billion", "KRW 153.6 billion"), "ko": ("1,537억 원", "1,536억 원")}[lang]
    assert any(first in p for p in accepted) and not any(second in p for p in accepted)
    assert any(second in p for p in rejected) and not any(first in p for p in rejected)


def test_a_removed_quote_is_put_back_as_a_quote(diffed):
    """The closing quote removed after r1 comes back deleted in the quote's own style (Block Text), as the
    ordinary DOCX of r1 showed it, not as a body paragraph."""
    for lang, start in (("en", "The mini-clusters are run by"), ("ko", "한국산업단지공단과")):
        body = docx.Document(str(diffed.file(f"brief.redline.{lang}.docx"))).element
        styles = {"".join(t.text or "" for t in p.iter(f"{W}delText")): p.find(f"{W}pPr/{W}pStyle")
                  for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}del") is not None}
        removed = [text for text in styles if text.startswith(start)]
        assert len(removed) == 1, styles.keys()
        assert styles[removed[0]].get(f"{W}val") == "BlockText"  # "Block Text", the quote style
