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
* The XMP says ``pdfuaid:part=1`` (with the PDF/A extension schema that declares it).

Deterministic: the same input PDF gives the same bytes (no clock, object order kept, the file
/ID recomputed from the content by qpdf).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

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


def finish_tags(data: bytes, *, lang: str, other_lang: str | None = None, declare_ua: bool = True) -> bytes:
    """The tagged PDF ``data`` with the gaps above closed; ``lang`` is the edition's language,
    ``other_lang`` that of its ``<span>`` passages (none: they keep the edition's).

    An untagged PDF (no /StructTreeRoot) is returned unchanged.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        tree = pdf.Root.StructTreeRoot
        document = kids(tree)[0]
        elements = list(struct_elements(tree))
        _artifact_untagged_content(pdf, tree, elements)
        _whole_links(tree, elements)
        elements = list(struct_elements(tree))
        _footnotes(document)
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
    reached = {(element.Pg.objgen, mcid) for element in elements if "/Pg" in element for mcid in _mcids(element)}
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
    moved = Array()
    for kid in kids(element):
        if isinstance(kid, int):
            page = element.Pg
            parents.set_mcid(page, int(kid), parent)
            same_page = "/Pg" in parent and parent.Pg.objgen == page.objgen
            moved.append(kid if same_page else Dictionary(Type=Name.MCR, Pg=page, MCID=int(kid)))
        elif _is_annotation(kid):
            parents[int(kid.Obj.StructParent)] = parent
            moved.append(kid)
        else:
            if isinstance(kid, Dictionary) and "/S" in kid:
                kid.P = parent
            moved.append(kid)
    new = Array()
    for kid in kids(parent):
        if isinstance(kid, Dictionary) and kid.is_indirect and kid.objgen == element.objgen:
            new.extend(moved)
        else:
            new.append(kid)
    parent.K = new


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
    and each note a /Note with an /ID, as PDF/UA asks of footnotes."""
    number = 0
    for area in kids(document):
        if not isinstance(area, Dictionary) or area.get("/S") != "/NonStruct":
            continue
        notes = [kid for kid in kids(area) if isinstance(kid, Dictionary) and "/S" in kid]
        if not notes or any(note.S != "/NonStruct" or not _holds_text(note) for note in notes):
            continue
        area.S = Name.Div
        for note in notes:
            number += 1
            note.S = Name.Note
            note.ID = String(f"note-{number}")


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
