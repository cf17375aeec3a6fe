"""Charts: inline SVG fit for HTML and tagged PDF, PNG for DOCX, Korean glyphs, repeatable bytes."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import warnings
from dataclasses import replace

import pytest
from lxml import etree
from PIL import Image
from sample_documents import export_chart

from wreport.errors import RenderError
from wreport.render.charts import alt_text, figure_alt, render_png, render_svg
from wreport.render.document import ChartSpec, Figure, Text

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def test_svg_carries_its_alt_text_as_title_and_no_fixed_size():
    root = parse(render_svg(export_chart("ko"), "ko", title="수출이 늘었다"))
    assert root.tag == f"{SVG}svg"
    assert root[0].tag == f"{SVG}title" and root[0].text == "수출이 늘었다"
    assert root.get("role") == "img"
    assert root.get("width") is None and root.get("viewBox")


def test_title_defaults_to_the_spec_title():
    assert parse(render_svg(export_chart("en"), "en"))[0].text == "Wonju medical-device exports"


def test_value_labels_and_categories_are_drawn():
    # Text is drawn as glyph paths; matplotlib writes each string as a comment before its glyphs.
    svg = render_svg(export_chart("ko"), "ko")
    for text in ("4억 3,500만 달러", "3억 1,000만 달러", "2016년", "단위: 억 달러"):
        assert f"<!-- {text} -->" in svg


def test_korean_is_set_in_the_bundled_nanum_gothic_without_missing_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = render_svg(export_chart("ko"), "ko")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    glyph_ids = re.findall(r'<path id="chart-([^"]+)"', svg)
    assert any(gid.startswith("NanumGothic-") for gid in glyph_ids)
    assert not any(gid.startswith("DejaVu") for gid in glyph_ids)


def test_ids_are_prefixed_and_every_reference_resolves():
    svg = render_svg(export_chart("ko"), "ko", id_prefix="fig7-")
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    assert ids and all(i.startswith("fig7-") for i in ids)
    references = re.findall(r'url\(#([^)]+)\)', svg) + re.findall(r'href="#([^"]+)"', svg)
    assert references and set(references) <= ids


def test_no_style_or_rdf_leaks_into_the_page():
    svg = render_svg(export_chart("en"), "en")
    assert "<style" not in svg and "style=" not in svg
    assert "rdf:" not in svg and "<?xml" not in svg and "DOCTYPE" not in svg


def test_line_chart_with_two_series_has_a_legend():
    spec = ChartSpec(kind="line", title="Exports", categories=["2015", "2016"],
                     series=[("Wonju", [390, 435]), ("Gangwon", [420, 470])], unit_label="USD million")
    svg = render_svg(spec, "en")
    assert "<!-- Wonju -->" in svg and "<!-- Gangwon -->" in svg
    assert "<!-- 400 -->" in svg  # y axis labelled (no value labels): Babel-formatted ticks


def test_svg_and_png_are_repeatable():
    spec = export_chart("ko")
    assert render_svg(spec, "ko") == render_svg(spec, "ko")
    assert render_png(spec, "ko", dpi=72) == render_png(spec, "ko", dpi=72)


def test_svg_is_identical_across_processes_with_different_hash_seeds():
    code = ("import sys; sys.path.insert(0, 'tests'); from sample_documents import export_chart; "
            "from wreport.render.charts import render_svg; sys.stdout.write(render_svg(export_chart('ko'), 'ko'))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1 and render_svg(export_chart("ko"), "ko") in outputs


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, offset = [], 8
    while offset < len(data):
        (length,), kind = struct.unpack(">I", data[offset:offset + 4]), data[offset + 4:offset + 8]
        chunks.append((kind, data[offset + 8:offset + 8 + length]))
        offset += 12 + length
    return chunks


def test_png_has_the_asked_resolution_and_no_software_stamp():
    data = render_png(export_chart("ko"), "ko", dpi=100)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks = dict(png_chunks(data))
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert (width, height) == (630, 260)
    texts = b"".join(body for kind, body in png_chunks(data) if kind in (b"tEXt", b"iTXt"))
    assert b"Software" not in texts and b"matplotlib" not in texts
    colours = dict((rgb, n) for n, rgb in Image.open(io.BytesIO(data)).convert("RGB").getcolors(width * height))
    assert colours[(0x1D, 0x4E, 0x89)] > 1000  # the bars, in the one accent colour (#1d4e89)
    assert colours[(255, 255, 255)] > width * height // 2  # on a white page


def test_rendering_leaves_matplotlib_settings_alone():
    import matplotlib

    before = dict(matplotlib.rcParams)
    render_svg(export_chart("ko"), "ko")
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("spec, message", [
    (ChartSpec(kind="pie", title="Share", categories=["a"], series=[("s", [1])]), "unknown kind 'pie'"),
    (ChartSpec(kind="bar", title="Exports", categories=["2015", "2016"], series=[("s", [1])]),
     "series 's' has 1 values for 2 categories"),
    (ChartSpec(kind="bar", title="Exports", categories=["2016"], series=[("s", [1])],
               value_labels=[["1", "2"]]), "series 's' has 2 value labels for 1 values"),
    (ChartSpec(kind="bar", title="Exports", categories=[], series=[]), "at least one category"),
])
def test_a_spec_that_does_not_fit_is_refused_with_the_chart_named(spec, message):
    with pytest.raises(RenderError) as raised:
        render_svg(spec, "en")
    assert f"chart {spec.title!r}" in str(raised.value) and message in str(raised.value)


# ---------------------------------------------------------------- alt text
def test_alt_text_reads_out_the_data_with_each_value_s_status():
    spec = ChartSpec(kind="bar", title="Sales", categories=["2001", "2006", "2007 (forecast)"],
                     series=[("Sales", [286.0, 1536.0, 2500.0])],
                     points=[("2001", "actual", "KRW 28.6 billion"), ("2006", "actual", "KRW 153.6 billion"),
                             ("2007", "forecast", "KRW 250 billion")])
    assert alt_text(spec, "en") == ("Bar chart: 2001 KRW 28.6 billion; 2006 KRW 153.6 billion; "
                                    "2007, forecast, KRW 250 billion")
    korean = replace(spec, kind="line", points=[("2005년", "target", "990억 원"), ("2006년", "estimate", "2,089억 원")])
    assert alt_text(korean, "ko") == "꺾은선그래프: 2005년, 목표, 990억 원; 2006년, 추정, 2,089억 원"


def test_a_figure_without_data_points_falls_back_to_its_alt_then_its_caption():
    spec = ChartSpec(kind="bar", title="Sales", categories=["a"], series=[("s", [1.0])])
    assert alt_text(spec, "en") == ""
    assert figure_alt(Figure(chart=spec, caption=[Text("Caption")], alt="Given"), "en") == "Given"
    assert figure_alt(Figure(chart=spec, caption=[Text("Caption")]), "en") == "Caption"
    assert figure_alt(Figure(chart=spec, caption=[]), "en") == "Sales"
