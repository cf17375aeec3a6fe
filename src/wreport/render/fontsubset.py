"""Subsets of the bundled fonts, cut to the characters a document uses, for the files that carry them.

The bundled NanumGothic faces are 4.6 MB each. A DOCX or standalone HTML that carries its font
carries only the glyphs its text needs (fontTools' subsetter), as TrueType for the DOCX
(:func:`ttf_subset`, then obfuscated by :mod:`wreport.writers.ooxml`) and as WOFF2 for the HTML
(:func:`woff2_subset`, Brotli-compressed; :func:`font_face_css` wraps the two faces in
``@font-face`` rules with ``data:`` URLs).

Both drop the tables that only a font editor needs and that browsers' font sanitizers reject:
NanumGothic carries Visual TrueType's sources (``TSI0``-``TSI5``; Chrome refuses the whole font
for its zero-length ``TSI3``). Every name record is kept, so the subset still carries its
copyright notice and licence (OFL 1.1, fonts/OFL.txt).

Hinting is dropped: NanumGothic's TrueType instructions are more than half of a subset's bytes
(Korean brief, regular face: 221 KB hinted, 127 KB unhinted), and today's renderers (DirectWrite,
FreeType, Core Text) draw the outlines well without them, as web-font services serve them.

Subsets are deterministic: the ``head`` table keeps the original font's modification time (a
fontTools save would otherwise stamp it with the clock), so the same text gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import re
import string
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from wreport.errors import RenderError

# Tables no renderer reads: Visual TrueType's private sources (Chrome's sanitizer rejects TSI3 at
# zero length) plus fontTools' own default list (DSIG, EBDT, ...).
EDITOR_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5", "TSIB", "TSIC", "TSID", "TSIJ", "TSIP", "TSIS", "TSIV")
# Always in a subset: digits and punctuation (fields a word processor updates: PAGE, NUMPAGES,
# the contents' page numbers) and the Latin letters, so a word processor that updates a field or
# an editor who types a Latin word still finds the glyphs.
ALWAYS = string.ascii_letters + string.digits + string.punctuation + " \u00a0\u00b7"

REGULAR = "NanumGothic.ttf"
BOLD = "NanumGothicBold.ttf"

# Each font file's glyph names in glyph order, by path: see glyph_order.
_glyph_orders: dict[str, tuple[str, ...]] = {}


def bundled_font(name: str) -> Path:
    """The path of a font file bundled in ``wreport/fonts`` (REGULAR or BOLD)."""
    return Path(str(resources.files("wreport").joinpath("fonts", name)))


def ttf_subset(font_path: Path, text: str) -> bytes:
    """A TrueType font holding the glyphs of ``text`` (and :data:`ALWAYS`), for embedding in a DOCX."""
    return _subset(font_path, text, flavor=None)


def renamed(data: bytes, family: str) -> bytes:
    """The TrueType font ``data`` under another family name, its style (Regular, Bold) kept.

    A DOCX's embedded subset needs a name of its own: an office suite registers the embedded
    fonts of every file it opens under the names inside them and keeps the first one it saw, so
    two briefs whose subsets share a name draw the second in the first one's glyphs (boxes). The
    new name also keeps the OFL's Reserved Font Names (Nanum, NanumGothic, 나눔고딕) off a modified
    font (docs/docx.md). Only the naming records change: the family, full, unique and PostScript
    names (every platform and language), and the old CID findfont name is dropped; the copyright,
    trademark and licence records stay.
    """
    font = _read(data)
    table = font["name"]
    style = str(table.getDebugName(2) or "Regular")
    full = family if style == "Regular" else f"{family} {style}"
    postscript = re.sub(r"[^A-Za-z0-9-]", "", full.replace(" ", "-"))
    values = {1: family, 3: f"{postscript};wreport", 4: full, 6: postscript, 16: family}
    for record in table.names:
        if record.nameID in values:
            record.string = values[record.nameID]
    table.names = [record for record in table.names if record.nameID != 20]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def woff2_subset(font_path: Path, text: str) -> bytes:
    """A WOFF2 font holding the glyphs of ``text`` (and :data:`ALWAYS`), for a ``data:`` URL in HTML."""
    return _subset(font_path, text, flavor="woff2")


def font_face_css(family: str, text: str) -> str:
    """``@font-face`` rules for ``family``: the bundled NanumGothic regular (400) and bold (700) as
    WOFF2 subsets of ``text`` in ``data:`` URLs, for a page that must carry its own Korean font
    (the standalone brief, the review page)."""
    rules = []
    for weight, name in ((400, REGULAR), (700, BOLD)):
        encoded = base64.b64encode(woff2_subset(bundled_font(name), text)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
                     f'src: url("data:font/woff2;base64,{encoded}") format("woff2"); }}')
    return "\n".join(rules)


def glyph_order(font_path: Path | str) -> tuple[str, ...]:
    """The font's glyph names in glyph order, worked out once per font file and process.

    NanumGothic's ``post`` table holds no glyph names, so fontTools makes them up from the
    ``cmap`` (parsing it twice and naming 17,000 glyphs): about half of a subset's time, and the
    same for every subset of the face. A subset given these names is byte-identical to one that
    worked them out itself, since they are the names it would have made.
    """
    key = str(font_path)
    if key not in _glyph_orders:
        _glyph_orders[key] = tuple(_open(key).getGlyphOrder())
    return _glyph_orders[key]


def known_glyph_orders() -> dict[str, tuple[str, ...]]:
    """The glyph orders this process has worked out, by font path (to hand to another process)."""
    return dict(_glyph_orders)


def add_glyph_orders(orders: dict[str, tuple[str, ...]]) -> None:
    """Take glyph orders another process worked out (:func:`known_glyph_orders`) for the same files."""
    _glyph_orders.update(orders)


def _read(data: bytes) -> TTFont:
    """A font made by this module, read back to change a table; the rest is saved as it was."""
    try:
        return TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    except (OSError, ValueError, AssertionError) as exc:
        raise RenderError(f"cannot read back a font subset: {exc}") from None


def _open(font_path: str) -> TTFont:
    try:
        # recalcBBoxes=False: the subset keeps the whole font's bounds (head, hhea, maxp: a superset,
        # so still true) instead of expanding every glyph to measure it again, which was half the
        # time of a subset (0.15 s to 0.07 s a face); the glyphs' own data is the same either way.
        return TTFont(font_path, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    except (OSError, ValueError, AssertionError) as exc:
        raise RenderError(f"cannot read the font {font_path}: {exc}",
                          hint="reinstall wreport: the bundled fonts are part of the package") from None


def _subset(font_path: Path, text: str, *, flavor: str | None) -> bytes:
    """Subset one font file; the characters are sorted so the order of ``text`` does not matter."""
    characters = "".join(sorted(set(text + ALWAYS)))
    return _cached_subset(str(font_path), characters, flavor)


@lru_cache(maxsize=8)  # the editions of a build share most characters but rarely all
def _cached_subset(font_path: str, characters: str, flavor: str | None) -> bytes:
    font = _open(font_path)
    known = _glyph_orders.get(font_path)
    if known is None:
        _glyph_orders[font_path] = tuple(font.getGlyphOrder())
    else:
        font.setGlyphOrder(list(known))  # a copy: the subsetter replaces the font's order with the subset's
    options = subset.Options()
    options.drop_tables = [*options.drop_tables, *EDITOR_TABLES]
    options.name_IDs = ["*"]  # keep the copyright, licence and both languages' names
    options.name_languages = ["*"]
    options.name_legacy = True  # the Macintosh-platform records too
    options.notdef_outline = True
    options.hinting = False  # TrueType instructions are half a subset's size; renderers draw well without
    options.recalc_timestamp = False
    options.recalc_bounds = False
    options.flavor = flavor
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out)
    return out.getvalue()
