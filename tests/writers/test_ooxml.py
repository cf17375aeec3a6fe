"""The low-level DOCX layer: schema order, font obfuscation and embedding, as a reader of the file sees them."""

from __future__ import annotations

import io
import random
import re
import zipfile

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from fontTools.ttLib import TTFont
from sample_documents import sample_document

from wreport.render.document import Document, Paragraph, Text
from wreport.writers import ooxml
from wreport.writers.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def local(tag: str) -> str:
    prefix, name = tag.split(":")
    return qn(tag) if prefix != "sl" else name


def test_settings_land_in_schema_order_whatever_the_insertion_order():
    tags = [tag for tag in ooxml.SETTINGS_ORDER if tag.startswith("w:")]
    shuffled = tags[:]
    random.Random(12).shuffle(shuffled)
    settings = parse_xml(f"<w:settings {nsdecls('w')}/>")
    for tag in shuffled:
        ooxml.set_setting(settings, ooxml.element(tag))
    assert [child.tag for child in settings] == [qn(tag) for tag in tags]
    ooxml.set_setting(settings, ooxml.element("w:zoom", w_percent="90"))  # replaces, never duplicates
    assert len(settings.findall(qn("w:zoom"))) == 1


def test_settings_order_agrees_with_python_docx():
    """python-docx knows where w:evenAndOddHeaders goes (its CT_Settings): ours must agree."""
    word = docx.Document()
    settings = word.settings.element
    for child in list(settings):
        settings.remove(child)
    for tag in ooxml.SETTINGS_ORDER:
        if tag.startswith("w:") and tag != "w:evenAndOddHeaders":
            ooxml.set_setting(settings, ooxml.element(tag))
    settings.get_or_add_evenAndOddHeaders()
    order = [child.tag for child in settings]
    here = order.index(qn("w:evenAndOddHeaders"))
    assert order[here - 1] == qn("w:defaultTableStyle") and order[here + 1] == qn("w:bookFoldRevPrinting")


def deobfuscate(data: bytes, guid: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1, written out independently: key byte i is hex pair 15 - i of the GUID."""
    hex_digits = guid.replace("{", "").replace("}", "").replace("-", "")
    pairs = [int(hex_digits[2 * i:2 * i + 2], 16) for i in range(16)]
    out = bytearray(data)
    for i in range(32):
        out[i] ^= pairs[15 - i % 16]
    return bytes(out)


def test_obfuscation_follows_the_spec_and_is_its_own_inverse():
    font = bytes(range(64))
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    hidden = ooxml.obfuscate(font, key)
    assert hidden[0] == 0x00 ^ 0xFF and hidden[15] == 15 ^ 0x00 and hidden[16] == 16 ^ 0xFF
    assert hidden[32:] == font[32:]
    assert deobfuscate(hidden, key) == font
    assert ooxml.obfuscate(hidden, key) == font


def embedded_fonts(data: bytes) -> dict[str, TTFont]:
    """The fonts a DOCX embeds, by face element, recovered the way Word or LibreOffice recovers them."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        table = parse_xml(package.read("word/fontTable.xml"))
        rels = parse_xml(package.read("word/_rels/fontTable.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found = {}
        for entry in table.iter(f"{W}font"):
            for face in entry:
                if face.tag in (f"{W}embedRegular", f"{W}embedBold"):
                    blob = package.read("word/" + targets[face.get(f"{R}id")])
                    key = face.get(f"{W}fontKey")
                    assert blob[:4] != b"\x00\x01\x00\x00", "the part is not obfuscated"
                    found[f"{entry.get(f'{W}name')} {face.tag[len(W):]}"] = TTFont(io.BytesIO(deobfuscate(blob, key)))
        return found


def document_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(node.text or "" for name in package.namelist() if name.endswith(".xml")
                       for node in parse_xml(package.read(name)).iter(f"{W}t"))


def test_docx_embeds_nanum_gothic_regular_and_bold_subset_to_its_text():
    data = render_docx(sample_document("ko"))
    fonts = embedded_fonts(data)
    family = next(iter(fonts)).split()[0]
    assert re.fullmatch(r"WreportGothic-[0-9a-f]{10}", family)  # a name of this subset's own (issue 20)
    assert set(fonts) == {f"{family} embedRegular", f"{family} embedBold"}
    used = {ord(char) for char in document_text(data)} - {0x202F}  # NanumGothic has no U+202F
    for name, font in fonts.items():
        assert font["name"].getDebugName(1) == family, name  # the name the styles ask for is the font's own
        assert font["name"].getDebugName(4) == (family if "Regular" in name else f"{family} Bold")
        cmap = font.getBestCmap()
        assert used <= set(cmap), f"{name} lacks {sorted(chr(c) for c in used - set(cmap))}"
        assert len(cmap) < 1500, f"{name} is not a subset ({len(cmap)} characters)"
        assert not {"TSI0", "TSI1", "TSI2", "TSI3", "TSI5"} & set(font.keys())
        assert ord("뷁") not in cmap  # a syllable the text does not use


RESERVED = ("Nanum", "나눔")  # the OFL's Reserved Font Names (fonts/OFL.txt): Nanum, NanumGothic, ...


def test_embedded_subsets_are_renamed_without_the_reserved_font_names_and_keep_the_notices():
    """A subset is a Modified Version under the OFL: its names may not use the Reserved Font Names;
    the copyright and trademark notices stay."""
    for name, font in embedded_fonts(render_docx(sample_document("ko"))).items():
        records = font["name"].names
        for record in records:
            if record.nameID in (1, 3, 4, 6, 16, 20, 21):
                assert not any(word in record.toUnicode() for word in RESERVED), (name, record.nameID, record.toUnicode())
        assert "NHN Corporation" in font["name"].getDebugName(0), name  # the copyright notice
        assert "NanumGothic" in font["name"].getDebugName(7), name  # the trademark notice, unchanged


def test_every_font_reference_names_the_embedded_subset_and_each_text_has_its_own():
    """The styles, runs, numbering and font table all name the subset; another text, another name."""
    names = set()
    for lang in ("ko", "en"):
        data = render_docx(sample_document(lang))
        family = next(iter(embedded_fonts(data))).split()[0]
        names.add(family)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for part in package.namelist():
                if part.startswith("word/") and part.endswith(".xml") and "theme" not in part:
                    xml = package.read(part).decode("utf-8")
                    assert "NanumGothic" not in xml, part
                    if part in ("word/styles.xml", "word/fontTable.xml"):
                        assert f'"{family}"' in xml, part
        assert render_docx(sample_document(lang)) == data  # the name is the same on a rebuild
    assert len(names) == 2


def test_a_redlines_deleted_text_is_in_the_embedded_subset():
    """Word shows deleted text struck through, so its syllables must be in the font the file carries."""
    doc = Document(lang="ko", title="T", blocks=[Paragraph([Text("남은 글"), Text("뷁뷀", change="del")])])
    data = render_docx(doc, revisions=ooxml.Revisions("wreport", "2026-12-05T00:00:00Z"))
    for name, font in embedded_fonts(data).items():
        assert {ord("뷁"), ord("뷀")} <= set(font.getBestCmap()), name


def test_settings_declare_embedded_subset_fonts_in_schema_position():
    word = docx.Document(io.BytesIO(render_docx(sample_document("en"))))
    tags = [child.tag for child in word.settings.element]
    embed, subset = tags.index(qn("w:embedTrueTypeFonts")), tags.index(qn("w:saveSubsetFonts"))
    assert tags.index(qn("w:zoom")) < embed < subset < tags.index(qn("w:defaultTabStop"))


def test_font_keys_come_from_the_font_so_rebuilds_are_identical():
    first, second = render_docx(sample_document("ko")), render_docx(sample_document("ko"))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        table = package.read("word/fontTable.xml").decode()
    assert table.count("w:fontKey=") == 2


def test_revisions_wrap_runs_with_author_date_and_ids_of_their_own():
    revisions = ooxml.Revisions("wreport diff r1", "2026-12-05T09:30:00Z")
    deleted = revisions.wrap(ooxml.run(text="national "), "del")
    field = [revisions.wrap(run, "del") for run in ooxml.field_runs(" PAGE ", "3")]
    inserted = revisions.wrap(ooxml.run(text="Korea's "), "ins")
    marks = [deleted, *field, inserted]
    assert [m.tag for m in marks] == [qn("w:del")] * 6 + [qn("w:ins")]
    assert {(m.get(qn("w:author")), m.get(qn("w:date"))) for m in marks} == {("wreport diff r1", "2026-12-05T09:30:00Z")}
    assert len({m.get(qn("w:id")) for m in marks}) == 7
    assert [t.text for t in deleted.iter(qn("w:delText"))] == ["national "] and not list(deleted.iter(qn("w:t")))
    assert [t.text for m in field for t in m.iter(qn("w:delInstrText"))] == [" PAGE "]
    assert [t.text for t in inserted.iter(qn("w:t"))] == ["Korea's "]


def test_a_tracked_paragraph_mark_goes_in_the_paragraph_properties_before_a_section():
    paragraph = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Normal"/><w:sectPr/></w:pPr></w:p>')
    ooxml.Revisions("a", "2026-12-05T09:30:00Z").mark_paragraph(paragraph, "ins")
    assert [child.tag for child in paragraph.find(qn("w:pPr"))] == [qn("w:pStyle"), qn("w:rPr"), qn("w:sectPr")]
    assert paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}").get(qn("w:author")) == "a"
