"""Charts from a :class:`~wreport.render.document.ChartSpec`: SVG for the HTML/PDF, PNG for the DOCX.

matplotlib is imported only when a chart is drawn (it costs most of a second) and is used through
its object API with explicit canvases, never pyplot, so no global backend or figure state is
touched. Labels are set in the bundled NanumGothic, so Hangul renders the same on every machine;
glyphs are drawn as paths in the SVG, so the PDF does not depend on how WeasyPrint resolves fonts
inside SVG. Output is deterministic: a fixed ``svg.hashsalt`` and no date or software stamps, so
two builds of the same brief are byte-identical.
"""

from __future__ import annotations

import io
from importlib import resources
from typing import TYPE_CHECKING, Any

from wreport.errors import RenderError
from wreport.render.document import UI_LABELS, ChartSpec, Figure, plain_text

if TYPE_CHECKING:
    from lxml.etree import _Element
    from matplotlib.figure import Figure as MatplotlibFigure
    from matplotlib.typing import RcKeyType

# The palette of print.css: one accent, then greys and paler blues for further series.
ACCENT = "#1d4e89"
SERIES_COLOURS = [ACCENT, "#8fb0d3", "#5b6570", "#c5cdd6"]
TEXT = "#1b1f24"
MUTED = "#5b6570"
RULE = "#c5cdd6"

FIGURE_SIZE = (6.3, 2.6)  # inches: the text width of an A4 page with print.css's margins
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_font_family: str | None = None


def _register_fonts() -> str:
    """Add the bundled NanumGothic to matplotlib once per process; return its family name."""
    global _font_family
    if _font_family is None:
        from matplotlib import font_manager

        fonts = resources.files("wreport").joinpath("fonts")
        for name in ("NanumGothic.ttf", "NanumGothicBold.ttf"):
            font_manager.fontManager.addfont(str(fonts.joinpath(name)))
        _font_family = font_manager.FontProperties(fname=str(fonts.joinpath("NanumGothic.ttf"))).get_name()
    return _font_family


def _style(family: str) -> dict[RcKeyType, Any]:
    """rcParams for one render: the house look, and the settings that make output repeatable."""
    return {
        "font.family": family,
        "font.size": 8.5,
        "axes.unicode_minus": False,  # NanumGothic has no U+2212; a hyphen-minus reads the same
        "svg.hashsalt": "wreport",
        "svg.fonttype": "path",
        "text.color": TEXT,
        "axes.edgecolor": RULE,
        "axes.labelcolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }


def _check(spec: ChartSpec) -> None:
    """Reject a spec that would draw a wrong chart, naming the chart and what does not fit."""
    where = f"chart {spec.title!r}"
    if spec.kind not in ("bar", "line"):
        raise RenderError(f"{where}: unknown kind {spec.kind!r}", hint="use 'bar' or 'line'")
    if not spec.categories or not spec.series:
        raise RenderError(f"{where}: needs at least one category and one series")
    for label, values in spec.series:
        if len(values) != len(spec.categories):
            raise RenderError(f"{where}: series {label!r} has {len(values)} values "
                              f"for {len(spec.categories)} categories")
    if spec.value_labels and len(spec.value_labels) != len(spec.series):
        raise RenderError(f"{where}: {len(spec.value_labels)} lists of value labels "
                          f"for {len(spec.series)} series")
    for labels, (label, values) in zip(spec.value_labels, spec.series, strict=False):
        if len(labels) != len(values):
            raise RenderError(f"{where}: series {label!r} has {len(labels)} value labels "
                              f"for {len(values)} values")


def _draw(spec: ChartSpec, lang: str) -> MatplotlibFigure:
    """The chart as a matplotlib Figure (not yet saved)."""
    from babel.numbers import format_decimal
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=FIGURE_SIZE)
    axes = figure.add_subplot()
    positions = list(range(len(spec.categories)))
    count = len(spec.series)
    width = 0.72 / count
    for index, (label, values) in enumerate(spec.series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        labels = spec.value_labels[index] if spec.value_labels else None
        if spec.kind == "bar":
            offset = (index - (count - 1) / 2) * width
            bars = axes.bar([p + offset for p in positions], values, width * 0.92, label=label,
                            color=colour, zorder=2)
            if labels:
                axes.bar_label(bars, labels=labels, padding=2, fontsize=7.5, color=TEXT)
        else:
            axes.plot(positions, values, marker="o", markersize=3.5, linewidth=1.6, label=label,
                      color=colour, zorder=2)
            for x, y, text in zip(positions, values, labels or [], strict=False):
                axes.annotate(text, (x, y), textcoords="offset points", xytext=(0, 5),
                              ha="center", fontsize=7.5, color=TEXT)
    axes.set_xticks(positions, spec.categories)
    axes.tick_params(axis="both", length=0, pad=4)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.yaxis.grid(True, color=RULE, linewidth=0.5, zorder=0)
    axes.set_axisbelow(True)
    axes.margins(y=0.18)
    if spec.kind == "bar":
        axes.set_ylim(bottom=0)
    if spec.value_labels:
        axes.set_yticklabels([])  # the bars carry their own (house-style) numbers
    else:
        locale = "ko_KR" if lang == "ko" else "en_US"
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal(v, locale=locale)))
    if spec.unit_label:
        axes.text(0, 1.04, spec.unit_label, transform=axes.transAxes, ha="left", va="bottom",
                  fontsize=7.5, color=MUTED)
    if count > 1:
        axes.legend(loc="upper right", bbox_to_anchor=(1, 1.12), ncols=count, frameon=False,
                    fontsize=7.5)
    figure.tight_layout(pad=0.4)
    return figure


def _save(spec: ChartSpec, lang: str, fmt: str, **kwargs: Any) -> bytes:
    """Draw and save under the house rcParams, leaving matplotlib's globals as they were."""
    import matplotlib

    _check(spec)
    family = _register_fonts()
    with matplotlib.rc_context(_style(family)):
        figure = _draw(spec, lang)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def _inline_svg(svg: bytes, title: str, id_prefix: str) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no prolog or RDF, a <title>, unique ids.

    The ``<title>`` is what a tagged PDF uses as the figure's /Alt. Every chart reuses the same
    glyph and clip-path ids, so several charts on one page would clash: ``id_prefix`` keeps them
    apart.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(svg, parser)
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter(etree.Element):  # elements only, not comments
        if "id" in element.attrib:
            element.set("id", id_prefix + element.get("id", ""))
        if element.get(href, "").startswith("#"):
            element.set(href, "#" + id_prefix + element.get(href, "")[1:])
        _style_to_attributes(element)
        for name in ("clip-path", "mask", "fill"):
            value = element.get(name)
            if value and "url(#" in value:
                element.set(name, value.replace("url(#", "url(#" + id_prefix))
    for element in root.findall(f"{{{SVG_NS}}}metadata") + root.findall(f".//{{{SVG_NS}}}style"):
        element.getparent().remove(element)  # RDF boilerplate; a <style> would leak into the page
    root.set("stroke-linejoin", "round")  # what the removed <style> said, as inherited attributes
    root.set("stroke-linecap", "butt")
    title_element = etree.Element(f"{{{SVG_NS}}}title")
    title_element.text = title
    root.insert(0, title_element)
    root.set("role", "img")
    # Size comes from CSS (the figure's width); the viewBox keeps the proportions.
    for name in ("width", "height"):
        root.attrib.pop(name, "")
    return etree.tostring(root, encoding="unicode")


def _style_to_attributes(element: _Element) -> None:
    """Turn ``style="fill: #fff; stroke: none"`` into SVG presentation attributes.

    Same drawing, but inline in HTML a ``style`` attribute is also read as HTML CSS, where
    WeasyPrint warns about every SVG property in it.
    """
    style = element.get("style", "")
    element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip() and name.strip() not in element.attrib:
            element.set(name.strip(), value.strip())


_SVGS: dict[str, str] = {}  # this process's charts by what they show (the live preview redraws often)
_SVGS_KEPT = 64


def render_svg(spec: ChartSpec, lang: str, *, title: str | None = None, id_prefix: str = "chart-") -> str:
    """The chart as an inline ``<svg>`` element; ``title`` (default: the spec's) is its alt text.

    Drawing is a matplotlib figure each time (about 0.07 s), so a chart already drawn in this
    process with the same spec, language, title and ids is reused: the preview re-renders an
    edition on every save, and most saves change no chart."""
    key = repr((spec, lang, title, id_prefix))
    if key not in _SVGS:
        if len(_SVGS) >= _SVGS_KEPT:
            _SVGS.clear()
        svg = _save(spec, lang, "svg", metadata={"Date": None, "Creator": None})
        _SVGS[key] = _inline_svg(svg, title or spec.title, id_prefix)
    return _SVGS[key]


def render_png(spec: ChartSpec, lang: str, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (for the DOCX), at ``dpi`` dots per inch."""
    return _save(spec, lang, "png", dpi=dpi, metadata={"Software": None})


def alt_text(spec: ChartSpec, lang: str) -> str:
    """The chart's data as a sentence a screen reader can read, from its facts through the
    formatter: "Bar chart: 2001 KRW 28.6 billion; 2006 KRW 153.6 billion; 2007, forecast, KRW 250
    billion" / "막대그래프: 2001년 286억 원; ...". Empty when the spec carries no points.

    The one alt text of a chart: the PDF's /Alt (through the SVG ``<title>``), the HTML's and the
    DOCX's (``docPr descr``).
    """
    if not spec.points:
        return ""
    words = UI_LABELS.get(lang, UI_LABELS["en"])
    spoken = []
    for when, status, value in spec.points:
        qualifier = f", {words[status]}," if status in ("estimate", "forecast", "target") else ""
        spoken.append(f"{when}{qualifier} {value}")
    return f"{words.get(spec.kind, spec.kind)}: " + "; ".join(spoken)


def figure_alt(figure: Figure, lang: str) -> str:
    """A figure's alt text: its chart's data, else the alt the template gave, its caption, or
    the chart's title."""
    return alt_text(figure.chart, lang) or figure.alt or plain_text(figure.caption) or figure.chart.title
