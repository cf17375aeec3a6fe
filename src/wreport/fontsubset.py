"""The bundled fonts cut down to the characters a page uses, as WOFF2 for an HTML page to embed.

NanumGothic holds some 11,000 Hangul syllables (about 2 MB); a brief uses under a thousand of
them. fontTools' subsetter keeps the glyphs of the given text (and the layout features that
shape it), and WOFF2 (Brotli) compresses the result, so a page carries its own Korean font in
tens of kilobytes and shows Hangul on a machine with no Korean font. The output is the same for
the same text: the font's timestamp is not rewritten.
"""

from __future__ import annotations

import base64
import io
from importlib import resources

FONTS = {"regular": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}


def subset_woff2(font_file: str, text: str) -> bytes:
    """The package font ``font_file`` (e.g. NanumGothic.ttf) reduced to ``text``'s characters, as WOFF2."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    data = resources.files("wreport").joinpath("fonts", font_file).read_bytes()
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the names, the licence and its URL among them (OFL)
    options.notdef_outline = True
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # VTT hinting sources: not for browsers
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + " ")
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def font_face_css(family: str, text: str) -> str:
    """``@font-face`` rules embedding the regular and bold NanumGothic, subset to ``text``, as data URLs."""
    rules = []
    for weight, name in (("normal", FONTS["regular"]), ("bold", FONTS["bold"])):
        encoded = base64.b64encode(subset_woff2(name, text)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
                     f'src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}')
    return "\n".join(rules)
