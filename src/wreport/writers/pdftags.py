"""Finishing WeasyPrint's tagged PDF so a screen reader can use it (PDF/UA-1, ISO 14289-1).

WeasyPrint 70 writes a structure tree (H1-H3, P, L/LI, Table/TH/TD, Figure, Link, Caption) but
leaves gaps that the HTML and CSS it reads cannot close (docs/pdf.md lists what was measured):

* The running header and the footer's page numbers are marked content that no structure element
  reaches (upstream issue #1836): neither tagged content nor artifacts. They become
  ``/Artifact <</Type /Pagination>>``, and their ParentTree entries go.
* ``leader()`` writes the contents page's dots as text, one marked-content sequence per dot
  (2,601 on the Korean policy brief's first page), nested two links deep below the entry's link
  (the ``::after`` box, then the leader box). Those become ``/Artifact <</Type /Layout>>``.
* ``<header>``, ``<nav>``, ``<figure>``, ``<strong>``, ``<time>``, the footnote area ... are
  /NonStruct. A NonStruct that holds block structure becomes /Div, any other /Span, so no
  heading, paragraph, list, table or figure sits inside a NonStruct.
* TH cells get /Scope (Column in the table head, Row elsewhere), and the StructTreeRoot an
  /IDTree for the IDs that TD /Headers point at.
* A page's footnote area (a /NonStruct of the ``<small>`` notes, also /NonStruct, right under
  /Document) becomes a /Div of /Note elements, each with an /ID.
* A Figure's /BBox is in CSS pixels from the top of the page; it becomes PDF points on the page.
* A passage in the other language (English in the Korean edition, Korean in the English one)
  gets that language's /Lang. WeasyPrint copies no ``lang`` into the tree, but it tags an HTML
  ``<span>`` /Span, and the HTML writer makes a ``<span>`` for such a passage and for nothing
  else; so every /Span that an element made (its kids are structure elements, where the /Span
  WeasyPrint wraps each piece of text in holds marked content) is one. This runs before
  NonStruct elements are named, some of them /Span.
* A paragraph, list, list item or table broken over a page is one element per page; the pieces,
  which the layout names (``continued``, from writers/pdf.py), become one element
  (:func:`merge_fragments`), and a table head repeated on the next page an artifact.
* The entries of the list of notes at the end hold a /Note each, so that every footnote marker,
  not only a note's first, is a Link to a Note.
* A word cut at a line-end hyphen reads whole, through /ActualText (:func:`whole_words`).
* The XMP says ``pdfuaid:part=1`` (with the PDF/A extension schema that declares it).

Deterministic: the same input PDF gives the same bytes (no clock, object order kept, the file
/ID recomputed from the content by qpdf).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Collection, Iterator, Sequence

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name, String

from wreport.errors import RenderError

PX_TO_PT = 0.75  # WeasyPrint draws in CSS pixels (1/96 in) scaled to points (1/72 in)
BLOCK_TAGS = {"/Div", "/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/L", "/LI", "/LBody",
              "/Table", "/Figure", "/Caption", "/Sect", "/Part", "/BlockQuote", "/TOC"}
# A tagged sequence as WeasyPrint (pydyf) writes it: "/Span\n<</MCID 12>>\nBDC". Edited in the bytes,
# because parsing and rewriting every operator of a page took 0.7 s a brief; a count check makes a
# change in that format fail loudly rather than leave content untagged.
_MARKED = re.compile(rb"/(\w+)\n<</MCID (\d+)>>\nBDC")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_UA_EXTENSION = f"""<rdf:Description xmlns:rdf="{RDF}" rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{PDFUAID}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""
_UA_PART = f'<rdf:Description xmlns:rdf="{RDF}" xmlns:pdfuaid="{PDFUAID}" rdf:about=""><pdfuaid:part>1</pdfuaid:part></rdf:Description>'


def kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    """An element's /K as a list (it may be missing, one object, or an array)."""
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def struct_elements(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under ``root``, parents before children, in reading order."""
    stack = list(reversed(kids(root)))
    while stack:
        node = stack.pop()
        if isinstance(node, Dictionary) and node.get("/Type") != "/OBJR" and "/S" in node:
            yield node
            stack.extend(reversed(kids(node)))


def finish_tags(data: bytes, *, lang: str, other_lang: str | None = None, declare_ua: bool = True,
                continued: Sequence[Sequence[Continued]] = (), words: Collection[str] = ()) -> bytes:
    """The tagged PDF ``data`` with the gaps above closed; ``lang`` is the edition's language,
    ``other_lang`` that of its ``<span>`` passages (none: they keep the edition's); ``continued``
    says, page by page, which block elements go on from the page before (see
    :func:`merge_fragments`); ``words`` are the words of the source text, lower case, to tell a
    hyphen the layout added from one the text has (:func:`whole_words`).

    An untagged PDF (no /StructTreeRoot) is returned unchanged.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        tree = pdf.Root.StructTreeRoot
        document = kids(tree)[0]
        _footnotes(document)
        merge_fragments(pdf, tree, continued)
        elements = list(struct_elements(tree))
        _artifact_untagged_content(pdf, tree, elements)
        _whole_links(tree, elements)
        elements = list(struct_elements(tree))
        elements += _number_notes(pdf, tree, elements)
        if words:
            whole_words(pdf, words)
        if other_lang:
            _other_language(elements, other_lang)
        _name_nonstruct(elements)
        _table_headers(tree, elements)
        _figure_boxes(elements)
        document.Lang = String(lang)
        if declare_ua:
            _declare_ua(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _mcids(element: pikepdf.Object) -> list[int]:
    """The marked-content ids among an element's kids."""
    return [int(kid) for kid in kids(element) if isinstance(kid, int)]


Place = tuple[tuple[int, int], int]  # (page object id, MCID): one tagged sequence


def _places(element: pikepdf.Object) -> Iterator[Place]:
    """The tagged sequences an element holds itself: its MCIDs (on its /Pg) and its marked-content
    references (/MCR, each with its own /Pg)."""
    for kid in kids(element):
        if isinstance(kid, int) and "/Pg" in element:
            yield element.Pg.objgen, int(kid)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
            yield kid.Pg.objgen, int(kid.MCID)


def _leader_mcids(elements: list[pikepdf.Dictionary]) -> set[Place]:
    """The dots ``leader()`` wrote: the marked content of a Link nested in a Link nested in a Link
    (entry link, its ``::after`` box, the leader box)."""
    leaders: set[Place] = set()
    for element in elements:
        if element.S != "/Link" or "/P" not in element or element.P.get("/S") != "/Link":
            continue
        grandparent = element.P.get("/P")
        if grandparent is not None and grandparent.get("/S") == "/Link":
            leaders.update((element.Pg.objgen, mcid) for mcid in _mcids(element))
    return leaders


def _artifact_untagged_content(pdf: pikepdf.Pdf, tree: pikepdf.Object,
                               elements: list[pikepdf.Dictionary]) -> None:
    """Marked content no structure element reaches (the page margins) becomes a pagination
    artifact, and the leader dots a layout artifact; both leave the ParentTree and the tree."""
    reached = {place for element in elements for place in _places(element)}
    leaders = _leader_mcids(elements)
    for element in elements:  # the leader Links keep their link annotation, lose the dots
        if element.S == "/Link" and any((element.Pg.objgen, mcid) in leaders for mcid in _mcids(element)):
            element.K = Array([kid for kid in kids(element) if not isinstance(kid, int)])
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    null = pikepdf.Object.parse(b"null")
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents:
            continue
        mapping = parents[int(key)]
        page.contents_coalesce()
        content, count, gone = _artifacts_in_page(page.obj.Contents.read_bytes(), page.obj.objgen, reached, leaders)
        if count != len(mapping):
            raise RenderError(f"the PDF's page {page.index + 1} has {count} tagged sequences where its "
                              f"structure tree maps {len(mapping)}",
                              hint="WeasyPrint's output changed; writers/pdftags.py needs a look")
        if gone:
            page.obj.Contents.write(content)
            for mcid in gone:
                mapping[mcid] = null


def _artifacts_in_page(content: bytes, page: tuple[int, int], reached: set[Place],
                       leaders: set[Place]) -> tuple[bytes, int, list[int]]:
    """One page's content with its leader dots and unreached sequences made artifacts: the new
    content, how many tagged sequences it had, and the MCIDs that became artifacts."""
    gone: list[int] = []

    def artifact(found: re.Match[bytes]) -> bytes:
        mcid = int(found.group(2))
        if (page, mcid) in leaders:
            gone.append(mcid)
            return b"/Artifact\n<</Type /Layout>>\nBDC"
        if (page, mcid) not in reached:
            gone.append(mcid)
            return b"/Artifact\n<</Type /Pagination>>\nBDC"
        return found.group(0)

    new, count = _MARKED.subn(artifact, content)
    return new, count, gone


Continued = tuple[str, int]  # (HTML tag, depth among the elements continued on a page)
# The element WeasyPrint makes for each HTML tag that can break over a page (a footnote <small>
# is a /Note once _footnotes has named it). A /Part (<main>) stays one per page: it only leads
# to the fragments inside it.
FRAGMENT_TAGS = {"main": "/Part", "section": "/Sect", "article": "/Art", "div": "/Div", "blockquote": "/BlockQuote",
                 "p": "/P", "ul": "/L", "ol": "/L", "dl": "/L", "li": "/LI", "dt": "/LI", "dd": "/LI",
                 "table": "/Table", "tbody": "/TBody", "tr": "/TR", "td": "/TD", "th": "/TH", "small": "/Note",
                 "figure": "/NonStruct", "header": "/NonStruct", "nav": "/NonStruct", "pre": "/NonStruct"}
_PER_PAGE = "/Part"


def merge_fragments(pdf: pikepdf.Pdf, tree: pikepdf.Object, continued: Sequence[Sequence[Continued]]) -> None:
    """One structure element for a block that crosses a page.

    WeasyPrint tags page by page, so a paragraph, list or table broken over a page is two
    elements. ``continued[n]`` lists the HTML elements that page ``n`` continues from page
    ``n - 1``, as the layout knows them (the same element has boxes on both pages), outermost
    first, each with its depth among them. The element a depth-0 entry names is the last such
    element of page ``n - 1`` and the first of page ``n`` (not counting one inside another of its
    kind); a deeper entry is looked for inside the pair found for the entry above it. The second
    of each pair gives its kids to the first (:func:`_join`). An entry whose element is not
    found where it must be leaves its pair, and those below, as they were.
    """
    pages = [page.obj for page in pdf.pages]
    document = kids(tree)[0]
    parents = _parent_tree(tree)
    pairs = [pair for number, entries in enumerate(continued) if 0 < number < len(pages) and entries
             for pair in _fragment_pairs(document, pages[number - 1], pages[number], entries)]
    joined: dict[tuple[int, int], pikepdf.Dictionary] = {}  # an element given to another: which
    for first, second in pairs:  # all found first, in the tree as WeasyPrint made it
        first = joined.get(first.objgen, first)  # a block over three pages: its middle part went
        if first.S != _PER_PAGE:
            _join(first, second, parents)
            joined[second.objgen] = first


def _fragment_pairs(document: pikepdf.Object, before: pikepdf.Object, after: pikepdf.Object,
                    entries: Sequence[Continued]) -> list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]]:
    """The (page before, page after) element pairs ``entries`` name, outermost first."""
    pairs: list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]] = []
    found: dict[int, tuple[pikepdf.Object, pikepdf.Object]] = {0: (document, document)}
    for tag, depth in entries:
        containers, kind = found.get(depth), FRAGMENT_TAGS.get(tag)
        for deeper in [level for level in found if level > depth]:
            del found[deeper]
        if containers is None or kind is None:
            continue
        firsts, seconds = _outermost(containers[0], kind, before), _outermost(containers[1], kind, after)
        if firsts and seconds:
            pairs.append((firsts[-1], seconds[0]))
            found[depth + 1] = pairs[-1]
    return pairs


def _outermost(container: pikepdf.Object, kind: str, page: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """The elements of /S ``kind`` on ``page`` below ``container`` that are not inside another of
    their kind, in reading order. WeasyPrint tags page by page, so an element of another page
    holds none of ``page``'s, and is not looked into."""
    found: list[pikepdf.Dictionary] = []
    stack = list(reversed(kids(container)))
    while stack:
        node = stack.pop()
        if not isinstance(node, Dictionary) or "/S" not in node or "/Pg" not in node or node.Pg.objgen != page.objgen:
            continue
        if node.S == kind:
            found.append(node)
        else:
            stack.extend(reversed(kids(node)))
    return found


def _join(first: pikepdf.Dictionary, second: pikepdf.Dictionary, parents: _ParentTree) -> None:
    """``second`` (the part of an element on the next page) ends: its kids go to ``first``.

    A table's second part repeats the table head; that copy leaves the tree (its marked content
    becomes a pagination artifact, :func:`_artifact_untagged_content`), and the cells below it
    name the first head's cells as their /Headers. A list item's two bodies are one.
    """
    if first.S == "/Table":
        _drop_repeated_head(first, second)
    first.K = Array([*kids(first), *_adopted(second, first, parents)])
    _detach(second)
    if first.S == "/LI":
        bodies = [kid for kid in kids(first) if isinstance(kid, Dictionary) and kid.get("/S") == "/LBody"]
        for body in bodies[1:]:
            _join(bodies[0], body, parents)


def _drop_repeated_head(first: pikepdf.Dictionary, second: pikepdf.Dictionary) -> None:
    """Take the repeated /THead out of ``second``, pointing its cells' readers at ``first``'s."""
    def head_cells(table: pikepdf.Object) -> list[pikepdf.Dictionary]:
        heads = [kid for kid in kids(table) if isinstance(kid, Dictionary) and kid.get("/S") == "/THead"]
        return [cell for head in heads[:1] for cell in struct_elements(head) if cell.S == "/TH" and "/ID" in cell]

    repeated, original = head_cells(second), head_cells(first)
    if not repeated or len(repeated) != len(original):
        return
    renamed = {bytes(copy.ID): cell.ID for copy, cell in zip(repeated, original, strict=True)}
    for cell in struct_elements(second):
        headers = cell.get("/A", Dictionary()).get("/Headers") if cell.S == "/TD" else None
        if isinstance(headers, Array):
            cell.A.Headers = Array([renamed.get(bytes(key), key) for key in headers])
    _detach(repeated[0].P.P)


def _detach(element: pikepdf.Object) -> None:
    """Take ``element`` out of its parent's kids; a parent left empty (below /Document) goes too."""
    for _ in range(64):  # bounded: a structure tree is shallow
        parent = element.P
        parent.K = Array([kid for kid in kids(parent)
                          if not (isinstance(kid, Dictionary) and kid.is_indirect and kid.objgen == element.objgen)])
        if kids(parent) or parent.get("/S") in (None, "/Document"):
            return
        element = parent


# A text leaf as WeasyPrint writes it: "/Span\n<</MCID 5>>\nBDC\n...BT ... /F1 13.3 Tf [<004a>0<004f>0] TJ ET\nEMC".
_LEAF = re.compile(rb"/Span\n<</MCID (\d+)>>\nBDC\n")
_LAST_GLYPH = re.compile(rb".*<([0-9a-fA-F]{4})>", re.S)
_ADJUSTMENT = re.compile(rb"-?[\d.]*")  # the kerning after a glyph in a TJ array
_GLYPH_OR_FONT = re.compile(rb"<([0-9a-fA-F]{4})>|/([^\s/]+) [\d.]+ Tf")
_WORD_END = re.compile(r"([^\W\d_]+)-$")
_WORD_START = re.compile(r"^([^\W\d_]+)")
Wrap = tuple[int, int, int, str]  # (MCID, first glyph, last glyph, the text they stand for)


def whole_words(pdf: pikepdf.Pdf, words: Collection[str]) -> None:
    """A word cut at a hyphen at a line end reads whole.

    "Univer-" ends one line and "sity" begins the next: a screen reader said "Univer- sity", and
    pdfium and poppler, which take a hyphen at a line end for the layout's, read the text's own
    "disease-" + "specific" as "diseasespecific". Now the hyphen glyph stands for the rest of the
    word (``/ActualText (sity)``, or ``(-specific)`` where the text has the hyphen), and the rest
    of the word on the next line for nothing (``/ActualText ()``), each in a marked-content
    sequence around those glyphs inside the line's own: the first line reads "University" or
    "disease-specific", and the page is drawn as before. (A soft hyphen as the hyphen's
    ActualText, ISO 32000-1 14.8.2.2.3, was tried: poppler's pdftotext then stopped joining.)
    The hyphen is the layout's when the word without it is a word of the source text
    (``words``). Leaves are paired within one block, in the structure tree's order, so a word
    broken over a page (its paragraph one element, :func:`merge_fragments`) is found too.
    """
    pages = {page.objgen: page for page in (p.obj for p in pdf.pages)}
    texts = _LeafTexts(pages)
    wraps: dict[tuple[int, int], list[Wrap]] = {}
    for (here, block), (after, next_block) in itertools.pairwise(_leaves_by_block(pdf.Root.StructTreeRoot)):
        left = _WORD_END.search(texts.text(here)) if block == next_block and texts.ends_in_hyphen(here) else None
        right = _WORD_START.match(texts.text(after)) if left else None
        if left is None or right is None:
            continue
        rest, last = texts.glyphs_for(after, len(right.group(1))), texts.glyph_count(here) - 1
        if rest is not None:
            hyphen = "" if (left.group(1) + right.group(1)).lower() in words else "-"
            wraps.setdefault(here[0], []).append((here[1], last, last, hyphen + right.group(1)))
            wraps.setdefault(after[0], []).append((after[1], 0, rest, ""))
    for page, page_wraps in wraps.items():
        content = texts.wrapped(page, page_wraps)
        if content is not None:
            pages[page].Contents.write(content)


_TEXT_BLOCKS = BLOCK_TAGS | {"/TD", "/TH", "/Note", "/Lbl"}


def _leaves_by_block(tree: pikepdf.Object) -> list[tuple[Place, tuple[int, int]]]:
    """Every tagged sequence in reading order, with the nearest block holding it (one pass over
    each element's kids: pikepdf's look-ups are what this costs)."""
    leaves: list[tuple[Place, tuple[int, int]]] = []
    stack: list[tuple[pikepdf.Object, tuple[int, int]]] = [(kid, (0, 0)) for kid in reversed(kids(tree))]
    while stack:
        node, block = stack.pop()
        block = node.objgen if node.S in _TEXT_BLOCKS else block
        below = []
        for kid in kids(node):
            if isinstance(kid, int):
                leaves.append(((node.Pg.objgen, int(kid)), block))
            elif isinstance(kid, Dictionary):
                kind = kid.get("/Type")
                if kind == "/MCR":
                    leaves.append(((kid.Pg.objgen, int(kid.MCID)), block))
                elif kind != "/OBJR":
                    below.append(kid)
        stack.extend((kid, block) for kid in reversed(below))
    return leaves


class _LeafTexts:
    """The text of WeasyPrint's text leaves, page by page, read through each font's ToUnicode
    map (pikepdf decodes no text; pdfium does, but reads every page's objects and cannot say
    where in the content stream a glyph is, which is what is edited here)."""

    def __init__(self, pages: dict[tuple[int, int], pikepdf.Dictionary]) -> None:
        self.pages = pages
        self.leaves: dict[tuple[int, int], dict[int, tuple[int, int]]] = {}
        self.contents: dict[tuple[int, int], bytes] = {}
        self.glyphs: dict[Place, list[tuple[re.Match[bytes], str]]] = {}
        self.maps: dict[tuple[int, int], dict[bytes, str]] = {}
        self.hyphens: dict[tuple[int, int], set[bytes]] = {}  # per page: the glyph codes of "-"

    def _leaves(self, page: tuple[int, int]) -> dict[int, tuple[int, int]]:
        """Where each text leaf's body (between its BDC and EMC) is in the page's content."""
        if page not in self.leaves:
            content = self.contents[page] = self.pages[page].Contents.read_bytes()
            self.leaves[page] = {int(found.group(1)): (found.end(), content.find(b"\nEMC", found.end()))
                                 for found in _LEAF.finditer(content)}
        return self.leaves[page]

    def _body(self, place: Place) -> bytes:
        start, end = self._leaves(place[0]).get(place[1], (0, 0))
        return self.contents[place[0]][start:end] if end > start else b""

    def _glyphs(self, place: Place) -> list[tuple[re.Match[bytes], str]]:
        """Each glyph of a leaf (its match in the content) with the text it stands for."""
        if place in self.glyphs:
            return self.glyphs[place]
        body = self._body(place)
        glyphs: list[tuple[re.Match[bytes], str]] = []
        if b"BDC" not in body and b"BMC" not in body:
            fonts = self.pages[place[0]].get("/Resources", Dictionary()).get("/Font", Dictionary())
            unicode: dict[bytes, str] = {}
            for token in _GLYPH_OR_FONT.finditer(body):
                if token.group(2) is not None:
                    unicode = self._unicode(fonts.get("/" + token.group(2).decode("latin-1")))
                else:
                    glyphs.append((token, unicode.get(token.group(1).lower(), "")))
        self.glyphs[place] = glyphs
        return glyphs

    def ends_in_hyphen(self, place: Place) -> bool:
        """Whether a leaf's last glyph is a hyphen (read without decoding the leaf: most are not)."""
        last = _LAST_GLYPH.search(self._body(place)[-96:])
        if last is None:
            return False
        if place[0] not in self.hyphens:
            fonts = self.pages[place[0]].get("/Resources", Dictionary()).get("/Font", Dictionary())
            self.hyphens[place[0]] = {code for font in fonts.values()
                                      for code, text in self._unicode(font).items() if text == "-"}
        return last.group(1).lower() in self.hyphens[place[0]]

    def text(self, place: Place) -> str:
        return "".join(text for _, text in self._glyphs(place))

    def glyph_count(self, place: Place) -> int:
        return len(self._glyphs(place))

    def glyphs_for(self, place: Place, length: int) -> int | None:
        """The index of the glyph that ends the leaf's first ``length`` characters, if one does."""
        count = 0
        for index, (_, text) in enumerate(self._glyphs(place)):
            count += len(text)
            if count == length:
                return index
        return None

    def _unicode(self, font: pikepdf.Object | None) -> dict[bytes, str]:
        """A font's glyph codes (4 hex digits, lower case) to their text, from its ToUnicode CMap
        (WeasyPrint writes ``bfchar`` entries only; a code it does not list reads as nothing)."""
        if not isinstance(font, Dictionary) or "/ToUnicode" not in font:
            return {}
        if font.objgen not in self.maps:
            cmap = font.ToUnicode.read_bytes()
            pairs = re.findall(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", b"".join(
                re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)))
            self.maps[font.objgen] = {code.lower(): bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
                                      for code, text in pairs}
        return self.maps[font.objgen]

    def wrapped(self, page: tuple[int, int], wraps: list[Wrap]) -> bytes | None:
        """The page's content with each run of glyphs in ``wraps`` in its own marked-content
        sequence with that ActualText; a run's TJ array is cut before and after it (the
        positions stay: each glyph keeps the adjustment after it). None if a run is not within
        one TJ array (then nothing on the page is changed)."""
        content = self.contents[page]
        cuts: list[tuple[int, bytes]] = []
        for mcid, first, last, text in wraps:
            glyphs = self._glyphs((page, mcid))
            offset = self._leaves(page)[mcid][0]
            start, end = offset + glyphs[first][0].start(), offset + glyphs[last][0].end()
            end += len(_ADJUSTMENT.match(content, end).group(0))  # type: ignore[union-attr]  # matches ""
            if b"TJ" in content[start:end]:
                return None
            actual = _text_string(text)
            cuts += [(start, b"] TJ\n/Span <</ActualText " + actual + b">> BDC\n["), (end, b"] TJ\nEMC\n[")]
        for position, insert in sorted(cuts, reverse=True):
            content = content[:position] + insert + content[position:]
        return content


def _text_string(text: str) -> bytes:
    """``text`` as a PDF text string: literal when it is printable ASCII (PDFDocEncoding), else
    UTF-16BE with its byte order mark."""
    if all(" " <= character <= "~" for character in text):
        return b"(" + re.sub(rb"([()\\])", rb"\\\1", text.encode("ascii")) + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _whole_links(tree: pikepdf.Object, elements: list[pikepdf.Dictionary]) -> None:
    """Each link is one /Link element holding all its annotations (PDF/UA 7.18.5).

    WeasyPrint gives each inline box of an ``<a>`` its own annotation and element: a contents
    entry was three nested Links (the text, its ``::after`` box, the leader), and the annotation of
    a ``<span>`` inside a link (IoT in the Korean contents) sat in that /Span, which veraPDF's
    rule 7.18.5-1 fails. A Link inside a Link gives its kids to its parent; an annotation below a
    Link but outside it moves to that Link. The ParentTree follows each move.
    """
    parents = _parent_tree(tree)
    for element in reversed(elements):  # children first: a Link in a Link in a Link folds twice
        if element.S == "/Link" and _link_above(element) is not None:
            _fold_into_parent(element, parents)
    for link in (e for e in struct_elements(tree) if e.S == "/Link" and _link_above(e) is None):
        for inner in [e for e in struct_elements(link) if e.S != "/Link"]:
            annotations = [kid for kid in kids(inner) if _is_annotation(kid)]
            if annotations:
                inner.K = Array([kid for kid in kids(inner) if not _is_annotation(kid)])
                link.K = Array([*annotations, *kids(link)])
                for objr in annotations:
                    parents[int(objr.Obj.StructParent)] = link


def _is_annotation(kid: pikepdf.Object) -> bool:
    """Whether a structure element's kid is an object reference (/OBJR: an annotation)."""
    return isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR"


def _link_above(element: pikepdf.Dictionary) -> pikepdf.Dictionary | None:
    """The nearest /Link among ``element``'s ancestors, if any."""
    above = element.get("/P")
    for _ in range(64):  # a structure tree is shallow; a cycle in a broken file ends here
        if not isinstance(above, Dictionary) or "/S" not in above:
            return None
        if above.S == "/Link":
            return above
        above = above.get("/P")
    return None


def _fold_into_parent(element: pikepdf.Dictionary, parents: _ParentTree) -> None:
    """Replace ``element`` in its parent's kids by its own kids, re-parented (marked content that
    sits on another page than the parent's becomes a marked-content reference)."""
    parent = element.P
    moved = _adopted(element, parent, parents)
    new = Array()
    for kid in kids(parent):
        if isinstance(kid, Dictionary) and kid.is_indirect and kid.objgen == element.objgen:
            new.extend(moved)
        else:
            new.append(kid)
    parent.K = new


def _adopted(element: pikepdf.Object, parent: pikepdf.Object, parents: _ParentTree) -> Array:
    """``element``'s kids made ``parent``'s, the ParentTree following (an MCID on another page
    than the parent's becomes a marked-content reference, which carries its page)."""
    moved = Array()
    for kid in kids(element):
        if isinstance(kid, int):
            page = element.Pg
            parents.set_mcid(page, int(kid), parent)
            same_page = "/Pg" in parent and parent.Pg.objgen == page.objgen
            moved.append(kid if same_page else Dictionary(Type=Name.MCR, Pg=page, MCID=int(kid)))
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
            parents.set_mcid(kid.Pg, int(kid.MCID), parent)
            moved.append(kid)
        elif _is_annotation(kid):
            parents[int(kid.Obj.StructParent)] = parent
            moved.append(kid)
        else:
            if isinstance(kid, Dictionary) and "/S" in kid:
                kid.P = parent
            moved.append(kid)
    return moved


class _ParentTree:
    """The StructTreeRoot's /ParentTree number tree (a flat /Nums array, as WeasyPrint writes
    it), to re-point a marked-content sequence or an annotation at its new parent element."""

    def __init__(self, nums: pikepdf.Object) -> None:
        self.nums = nums
        self.index = {int(nums[i]): i + 1 for i in range(0, len(nums), 2)}

    def __setitem__(self, key: int, element: pikepdf.Object) -> None:
        if key in self.index:
            self.nums[self.index[key]] = element

    def set_mcid(self, page: pikepdf.Object, mcid: int, element: pikepdf.Object) -> None:
        key = page.get("/StructParents")
        if key is not None and int(key) in self.index:
            self.nums[self.index[int(key)]][mcid] = element


def _parent_tree(tree: pikepdf.Object) -> _ParentTree:
    return _ParentTree(tree.ParentTree.Nums)


def _footnotes(document: pikepdf.Object) -> None:
    """A page's footnote area is a /NonStruct right under /Document holding only the
    ``float: footnote`` notes (``<small>``, /NonStruct too, each holding text); it becomes a /Div
    and each note a /Note, as PDF/UA asks of footnotes (their /ID comes once a note broken over
    two pages is one, :func:`_number_notes`)."""
    for area in kids(document):
        if not isinstance(area, Dictionary) or area.get("/S") != "/NonStruct":
            continue
        notes = [kid for kid in kids(area) if isinstance(kid, Dictionary) and "/S" in kid]
        if not notes or any(note.S != "/NonStruct" or not _holds_text(note) for note in notes):
            continue
        area.S = Name.Div
        for note in notes:
            note.S = Name.Note


def _number_notes(pdf: pikepdf.Pdf, tree: pikepdf.Object, elements: list[pikepdf.Dictionary]) -> list[pikepdf.Dictionary]:
    """Every footnote /Note gets the /ID ``note-N``; and every entry of the list of notes at the
    end (the HTML writer's one ``<section>``, a /Sect holding a list) gets a /Note ``endnote-N``
    inside its list item's body, holding what the body held: a repeated marker is a link to
    that entry, so every marker is a link to a Note. N counts in document order, which is the
    notes' numbering (the HTML writer lists every note, in order). Returns the new /Note elements."""
    footnotes = [element for element in elements if element.S == "/Note"]
    for number, note in enumerate(footnotes, start=1):
        note.ID = String(f"note-{number}")
    parents = _parent_tree(tree)
    bodies = [body for section in elements if section.S == "/Sect" for body in struct_elements(section)
              if body.S == "/LBody"]
    added = []
    for number, body in enumerate(bodies, start=1):
        note = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Note, P=body, Pg=body.Pg,
                                            ID=String(f"endnote-{number}")))
        note.K = _adopted(body, note, parents)
        body.K = Array([note])
        added.append(note)
    return added  # (the new elements, for the steps after)


def _holds_text(element: pikepdf.Object) -> bool:
    """Whether ``element`` holds some /Span WeasyPrint wraps a piece of text in (and no block)."""
    found = False
    for kid in kids(element):
        if not isinstance(kid, Dictionary) or "/S" not in kid:
            continue
        if kid.S in BLOCK_TAGS:
            return False
        found = found or (kid.S == "/Span" and bool(_mcids(kid))) or _holds_text(kid)
    return found


def _other_language(elements: list[pikepdf.Dictionary], other_lang: str) -> None:
    """Every /Span an HTML ``<span>`` made, which is a passage in the other language (see the
    module's docstring), gets that language's /Lang: a screen reader switches voice there."""
    for element in elements:
        if element.S == "/Span" and any(isinstance(kid, Dictionary) and "/S" in kid for kid in kids(element)):
            element.Lang = String(other_lang)


def _name_nonstruct(elements: list[pikepdf.Dictionary]) -> None:
    """/NonStruct becomes /Div when it holds block structure, else /Span (children first, so a
    NonStruct around a NonStruct around a paragraph is seen as a block)."""
    for element in reversed(elements):
        if element.S == "/NonStruct":
            holds_blocks = any(isinstance(kid, Dictionary) and kid.get("/S") in BLOCK_TAGS for kid in kids(element))
            element.S = Name.Div if holds_blocks else Name.Span


def _table_headers(tree: pikepdf.Object, elements: list[pikepdf.Dictionary]) -> None:
    """TH gets /Scope; every /ID (table headers, notes) is listed in the root's /IDTree."""
    ids: dict[bytes, pikepdf.Object] = {}
    for element in elements:
        if element.S == "/TH":
            in_head = "/P" in element and element.P.get("/P", Dictionary()).get("/S") == "/THead"
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = Dictionary(O=Name.Table)
                element.A = attributes
            attributes.Scope = Name.Column if in_head else Name.Row
        if "/ID" in element:
            ids[bytes(element.ID)] = element
    if ids:
        names = Array()
        for key in sorted(ids):
            names.append(String(key))
            names.append(ids[key])
        tree.IDTree = Dictionary(Names=names)


def _figure_boxes(elements: list[pikepdf.Dictionary]) -> None:
    """A Figure's /BBox from WeasyPrint's CSS pixels (origin top left) to PDF points."""
    for element in elements:
        attributes = element.get("/A")
        if element.S != "/Figure" or not isinstance(attributes, Dictionary) or "/BBox" not in attributes:
            continue
        x1, y1, x2, y2 = (float(v) for v in attributes.BBox)
        height = float(element.Pg.MediaBox[3])
        box = [x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT]
        attributes.BBox = Array([round(v, 3) for v in box])


def _declare_ua(pdf: pikepdf.Pdf) -> None:
    """Add ``pdfuaid:part=1`` (and, for PDF/A, the extension schema declaring it) to the XMP."""
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return
    raw = stream.read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    start, end = raw.index(b"<x:xmpmeta"), raw.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    xmpmeta = etree.fromstring(raw[start:end], parser)
    rdf = xmpmeta.find(f"{{{RDF}}}RDF")
    if rdf is None or xmpmeta.find(f".//{{{PDFUAID}}}part") is not None:
        return
    rdf.append(etree.fromstring(_UA_EXTENSION))
    rdf.append(etree.fromstring(_UA_PART))
    body = etree.tostring(xmpmeta, encoding="utf-8")
    stream.write(raw[:start] + body + raw[end:])
