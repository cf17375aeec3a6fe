"""The Korean-English glossary: one agreed English name per Korean term, checked and exportable.

The glossary lives in ``glossary/terms.csv`` so that translators and reviewers can edit it in a
spreadsheet. Templates name terms by a stable id (``term('wmit')``), facts name their counted
noun by id (``counted: companies``), and the QA checks look for the forbidden English variants,
so the whole English edition says "Wonju Medical Industry Techno Valley" and never a near miss.

Loading collects every problem in the file (CSV syntax, empty fields, duplicates, a Korean term
with two English names, unknown kinds, counted nouns without their forms, a forbidden variant
that is some term's agreed name) and reports them together, each with its physical line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from wreport.data.formatting import CountedNoun
from wreport.errors import DataError, Location, WreportError, did_you_mean, raise_if_any
from wreport.inputs import reading as inputs
from wreport.inputs.boundary import spreadsheet_safe
from wreport.inputs.project import Project
from wreport.inputs.records import FileProblems
from wreport.inputs.schemas import KINDS, Parsed, TermRow, Wording, validate
from wreport.inputs.text import UNSAFE, mixed_script_words, search_key, unsafe_name

if TYPE_CHECKING:
    from lxml import etree

COLUMNS = ("id", "ko", "en", "abbr", "kind", "en_plural", "ko_counter", "notes", "forbidden")

# What a term names (schemas.KINDS; documented in docs/glossary.md): organisation (ministries,
# agencies, universities, companies, newspapers), place (provinces, cities, districts, industrial
# complexes, science parks abroad), programme (government or WMIT programmes, projects and
# schemes), policy-term (mini-cluster, 산학연관, OEM), product-category (kinds of device and
# industry), counted-noun (what a count counts: 75개 / 75 companies), event (trade fairs,
# ceremonies, named days), facility (buildings and sites run as one facility), person-title.
COUNTED_NOUN = "counted-noun"
VARIANT_SEPARATOR = "|"



@dataclass(frozen=True, kw_only=True)
class Term:
    """One glossary row: a Korean term, its agreed English name, and how to use it."""

    id: str
    ko: str
    en: str
    abbr: str = ""
    kind: str
    en_plural: str = ""
    ko_counter: str = ""
    notes: str = ""
    forbidden: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)

    @property
    def is_counted_noun(self) -> bool:
        return self.kind == COUNTED_NOUN


def _korean_key(text: str) -> str:
    """The Korean term as compared for identity: spacing differences do not make a new term."""
    return re.sub(r"\s+", "", text)


class Glossary:
    """The loaded glossary: terms in file order, found by id or Korean term."""

    def __init__(self, terms: Sequence[Term], source: Path | str | None = None):
        self.terms: tuple[Term, ...] = tuple(terms)
        self.source = source
        self._by_id = {term.id: term for term in self.terms}
        self._by_korean = {_korean_key(term.ko): term for term in self.terms}

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def _location(self) -> Location | None:
        return Location.of(self.source) if self.source else None

    def get(self, key_or_korean: str) -> Term:
        """The term with this id, or with exactly this Korean term (spacing aside).

        Raises DataError naming the glossary file, with the closest ids or Korean terms as a hint.
        """
        term = self._by_id.get(key_or_korean) or self._by_korean.get(_korean_key(key_or_korean))
        if term is not None:
            return term
        hint = did_you_mean(key_or_korean, [*self._by_id, *(t.ko for t in self.terms)])
        raise DataError(f"unknown glossary term {key_or_korean!r}", self._location(),
                        hint=hint or "see `wreport glossary list`, or add the term to the glossary",
                        check="UnknownTerm")

    def lookup(self, text: str) -> list[Term]:
        """Terms whose Korean or English name contains ``text``, in either language.

        Case, spacing, hyphens and middle dots are ignored, and the words of ``text`` may be
        apart in the name ("연세대 원주캠퍼스" finds 연세대학교 원주캠퍼스). An abbreviation, id
        or forbidden variant matches when equal to ``text``, so a reviewer who types "Kangwon
        Province" finds the term it should have been. Exact matches come first, then shorter names.
        """
        query = search_key(text)
        if not query:
            return []
        words = [search_key(word) for word in text.split()]

        def exact(term: Term) -> bool:
            names = (term.ko, term.en, term.abbr, term.id, *term.forbidden)
            return any(query == search_key(name) for name in names if name)

        def contains(name: str) -> bool:
            key = search_key(name)
            return query in key or all(word in key for word in words)

        found = [term for term in self.terms if exact(term) or contains(term.ko) or contains(term.en)]
        return sorted(found, key=lambda term: (not exact(term), len(term.en)))

    def of_kind(self, kind: str) -> list[Term]:
        """The terms of one kind, in file order; an unknown kind is a DataError."""
        if kind not in KINDS:
            raise DataError(f"unknown kind {kind!r}", hint=did_you_mean(kind, KINDS)
                            or f"kinds: {', '.join(KINDS)}")
        return [term for term in self.terms if term.kind == kind]

    def counted_noun(self, key: str) -> CountedNoun:
        """The Korean counter and English noun forms of a counted noun, for formatting counts."""
        term = self.get(key)
        if not term.is_counted_noun:
            raise DataError(f"glossary term {key!r} is of kind {term.kind!r}, not a counted noun", term.location,
                            hint=did_you_mean(key, [t.id for t in self.terms if t.is_counted_noun]))
        return CountedNoun(term.ko_counter, term.en, term.en_plural)

    def forbidden_variants(self) -> dict[str, Term]:
        """Each English variant that must not be used, mapped to the term to use instead."""
        return {variant: term for term in self.terms for variant in term.forbidden}


# ---------------------------------------------------------------- loading
def _read_text(path: Path, shown: str, root: Path | None, limit: int) -> str:
    """The file's text through the inputs module (inside ``root``, default: its own folder;
    regular, capped, strict UTF-8, NFC); a BOM, as spreadsheets write it, is dropped there."""
    try:
        return inputs.read_text(path, root or path.parent, shown, limit, DataError)
    except DataError as exc:
        if exc.message == "file not found":
            raise DataError("glossary file not found", exc.location,
                            hint="create it or set [paths] glossary in wreport.toml") from None
        if exc.message.startswith("not UTF-8"):
            exc.hint = "save the spreadsheet as CSV UTF-8"
        raise


def _records(text: str, problems: FileProblems) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on; syntax errors go to ``problems``.

    A quoted field may span lines, so the start line is one past where the previous record
    ended (``reader.line_num`` counts physical lines read so far).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = iter(reader)
    ended = 0
    while True:
        start = ended + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                problems.add(f"unclosed quote: the quoted field opened on this line runs to the end "
                             f"of the file (line {reader.line_num})", start,
                             hint='close the field with " (write "" for a quote inside it)')
                return
            problems.add(f"CSV syntax: {exc}", start, hint='quote a field containing " or , and '
                         'double any quote inside it')
            ended = reader.line_num
            continue
        ended = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row


def _header(row: list[str], line: int, problems: FileProblems) -> list[str] | None:
    """The column names in file order (any order is fine), or None when the rows cannot be read."""
    names = [cell.strip() for cell in row]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    for name in unknown:
        problems.add(f"unknown column {name!r}", line, hint=did_you_mean(name, COLUMNS)
                     or f"columns: {','.join(COLUMNS)}")
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.add(f"column {name!r} appears twice in the header", line)
    if missing or len(set(names)) < len(names):
        problems.add(f"missing column(s) in header: {', '.join(missing)}", line,
                     hint=f"the header is {','.join(COLUMNS)}")
        return None
    return names


def _term(values: dict[str, str], path: Path | str, line: int, problems: FileProblems) -> Term | None:
    """One row as a Term: its cells checked by the row schema (schemas.TermRow), then the forms a
    counted noun needs."""
    row, errors = validate(TermRow, values, Parsed(values, {(): line}), str(path), error=DataError,
                           wording=Wording("column"))
    problems.problems.extend(errors)
    if values["kind"] == COUNTED_NOUN:
        for name in ("en_plural", "ko_counter"):
            if not values[name]:
                problems.add(f"counted noun {values['id']!r} has no {name}", line,
                             hint="counts need the Korean counter (개, 명, 건) and the English plural")
    if row is None:
        return None
    _check_scripts(row, line, problems)
    forbidden = tuple(v.strip() for v in row.forbidden.split(VARIANT_SEPARATOR) if v.strip())
    return Term(id=row.id, ko=row.ko, en=row.en, kind=row.kind, abbr=row.abbr, en_plural=row.en_plural,
                ko_counter=row.ko_counter, notes=row.notes, forbidden=forbidden, location=Location.of(path, line))


def _check_scripts(row: TermRow, line: int, problems: FileProblems) -> None:
    """Agreed names that mix scripts (UTS #39, through ICU: text.mixed_script_words): a
    Cyrillic Е or a Cherokee Ꮃ in "Wonju Medical..." reads as the Latin name in the brief but is
    another name to every search, check and translation tool, so the row is refused. Hangul, Han
    and Latin together are the Korean mix and allowed (U-헬스). A name in one script written
    with compatibility forms (ＫＩＣＯＸ, 𝐖𝐨𝐧𝐣𝐮: UTS #39 identifiers are NFKC) is refused too."""
    for column in ("ko", "en", "abbr", "en_plural"):
        name = getattr(row, column)
        if unicodedata.normalize("NFKC", name) != name:  # one script, but not the letters people type
            problems.add(f"{column} name {name!r} is written in compatibility forms (full-width, mathematical "
                         f"or small letters, ligatures): it reads as {unicodedata.normalize('NFKC', name)!r}",
                         line, hint=f"write {unicodedata.normalize('NFKC', name)!r}", check="MixedScript")
        for word in mixed_script_words(name):
            problems.add(f"{column} name {name!r} mixes scripts in {word!r}", line,
                         hint="write the name in one script: a letter of another script (Cyrillic, Greek, "
                              "Armenian, Cherokee...) looks like a Latin one here",
                         check="MixedScript")


def _check_consistency(terms: list[Term], problems: FileProblems) -> None:
    """Problems between rows: duplicate ids and rows, two English names, forbidden agreed names."""
    by_id: dict[str, Term] = {}
    by_korean: dict[str, Term] = {}
    agreed: dict[str, Term] = {}
    for term in terms:
        line = term.location.line if term.location else None
        first = by_id.setdefault(term.id, term)
        if first is not term:
            problems.add(f"duplicate id {term.id!r} (first on line {_line_of(first)})", line,
                         check="DuplicateTerm")
        first = by_korean.setdefault(_korean_key(term.ko), term)
        if first is not term and first.en.casefold() == term.en.casefold():
            problems.add(f"duplicate row: {term.ko} = {term.en} is already on line {_line_of(first)}",
                         line, hint="delete one of the rows", check="DuplicateTerm")
        elif first is not term:
            problems.add(f"Korean term {term.ko!r} has two English names: {term.en!r} here, "
                         f"{first.en!r} on line {_line_of(first)}", line,
                         hint="agree on one English name; list the other under forbidden",
                         check="InconsistentTranslation")
        for name in (term.en, term.abbr):
            if name:
                agreed.setdefault(name.casefold(), term)
    for term in terms:
        line = term.location.line if term.location else None
        for variant in term.forbidden:
            owner = agreed.get(variant.casefold())
            if owner is term:
                problems.add(f"forbidden variant {variant!r} is this term's own agreed name", line,
                             check="ForbiddenVariant")
            elif owner is not None:
                problems.add(f"forbidden variant {variant!r} is the agreed name of {owner.id!r} "
                             f"(line {_line_of(owner)})", line,
                             hint="a name cannot be both agreed and forbidden", check="ForbiddenVariant")


def _line_of(term: Term) -> int | None:
    """The glossary line a term was read from, for messages that point at another row."""
    return term.location.line if term.location else None


def parse_glossary(text: str, path: Path | str) -> Glossary:
    """Parse and check glossary CSV text; ``path`` is only used to name the file in messages."""
    problems = FileProblems(str(path), [])
    records = _records(text, problems)
    first = next(records, None)
    if first is None:
        problems.add("empty glossary: no header row", 1, hint=f"the header is {','.join(COLUMNS)}")
        problems.raise_if_any()
        raise AssertionError("unreachable: a problem was just added")
    header = _header(first[1], first[0], problems)
    terms: list[Term] = []
    for line, row in records:
        if header is None:
            continue  # already reported; still drain the reader for CSV syntax problems
        if len(row) != len(header):
            problems.add(f"expected {len(header)} fields, found {len(row)}", line,
                         hint="quote a field that contains a comma")
            continue
        values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        term = _term(values, path, line, problems)
        if term is not None:
            terms.append(term)
    _check_consistency(terms, problems)
    problems.raise_if_any()
    return Glossary(terms, path)


def load_glossary(path: Path | str, shown: str | None = None, root: Path | None = None,
                  limit: int = inputs.FILE_BYTES) -> Glossary:
    """Read and check the glossary CSV; every problem is reported at once (ProblemsError).

    ``shown`` names the file in messages; :func:`project_glossary` passes the project-relative
    path, so glossary messages read like the facts' and templates' (glossary/terms.csv:4), and the
    project root, outside which nothing is read.
    """
    path = Path(path)
    shown = shown or str(path)
    return parse_glossary(_read_text(path, shown, root, limit), shown)


def project_glossary(project: Project) -> Glossary:
    """The project's glossary, with messages naming it relative to the project root."""
    return load_glossary(project.glossary_file, project.relative(project.glossary_file), project.root,
                         project.limits.file_bytes)


# ---------------------------------------------------------------- exports
def export_csv(glossary: Glossary) -> str:
    """The glossary as CSV in the canonical column order (loads back to the same terms). A cell a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) gains a leading apostrophe
    (:func:`wreport.inputs.boundary.spreadsheet_safe`), so opening the export cannot run anything."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for term in glossary:
        writer.writerow([spreadsheet_safe(cell) for cell in (
            term.id, term.ko, term.en, term.abbr, term.kind, term.en_plural, term.ko_counter, term.notes,
            VARIANT_SEPARATOR.join(term.forbidden))])
    return out.getvalue()


TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TBX_BASIC_SCHEMAS = (
    ("https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
     "TBXcoreStructV03_TBX-Basic_integrated.rng", "http://relaxng.org/ns/structure/1.0"),
    ("https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch",
     "http://purl.oclc.org/dsdl/schematron"),
)
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"


def export_tbx(glossary: Glossary, title: str = "wreport Korean-English glossary") -> bytes:
    """The glossary as TBX-Basic (TBX v3, ISO 30042:2019, DCA style) for CAT tools and termbases.

    One conceptEntry per term with a Korean and an English langSec. The agreed names are
    preferred terms, an abbreviation is an admitted term of termType abbreviation, and each
    forbidden variant is a deprecated term, so a translation tool flags it.
    """
    from lxml import etree

    _refuse_control_characters(glossary)
    root = etree.Element(f"{{{TBX_NAMESPACE}}}tbx", nsmap={None: TBX_NAMESPACE},  # type: ignore[dict-item]  # lxml-stubs: the default namespace's key is None
                         attrib={"type": "TBX-Basic", "style": "dca", _XML_LANG: "en"})
    tree = etree.ElementTree(root)
    for href, schema_ns in _TBX_BASIC_SCHEMAS:
        root.addprevious(etree.ProcessingInstruction(
            "xml-model", f'href="{href}" type="application/xml" schematypens="{schema_ns}"'))

    def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{TBX_NAMESPACE}}}{tag}", attrib)
        element.text = text
        return element

    file_desc = sub(sub(root, "tbxHeader"), "fileDesc")
    sub(sub(file_desc, "titleStmt"), "title", title)
    source = Path(glossary.source).name if glossary.source else "the glossary"
    sub(sub(file_desc, "sourceDesc"), "p", f"Exported by wreport from {source}.")
    body = sub(sub(root, "text"), "body")
    for term in glossary:
        _concept_entry(term, body, sub)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _refuse_control_characters(glossary: Glossary) -> None:
    """A DataError for every term holding a character XML cannot carry (lxml would raise)."""
    problems: list[WreportError] = []
    for term in glossary:
        for name in COLUMNS:
            value = getattr(term, name)
            text = VARIANT_SEPARATOR.join(value) if isinstance(value, tuple) else str(value)
            if found := UNSAFE.search(text):
                problems.append(DataError(f"term {term.id!r}: {unsafe_name(found.group())} in "
                                          f"{name!r} cannot go into TBX (XML)", term.location,
                                          hint="remove it from the glossary"))
    raise_if_any(problems, "the glossary cannot be exported as TBX")


def _concept_entry(term: Term, body: etree._Element, sub: Callable[..., etree._Element]) -> None:
    """One term as a conceptEntry: notes on the concept, a Korean and an English langSec."""
    entry = sub(body, "conceptEntry", id=term.id)
    sub(entry, "note", f"kind: {term.kind}")
    if term.notes:
        sub(entry, "note", term.notes)

    def term_sec(lang_sec: etree._Element, text: str, status: str, term_type: str | None = None,
                 note: str | None = None) -> None:
        sec = sub(lang_sec, "termSec")
        sub(sec, "term", text)
        sub(sec, "termNote", "noun", type="partOfSpeech")
        sub(sec, "termNote", status, type="administrativeStatus")
        if term_type:
            sub(sec, "termNote", term_type, type="termType")
        if note:
            sub(sec, "note", note)

    korean = sub(entry, "langSec", **{_XML_LANG: "ko"})
    term_sec(korean, term.ko, PREFERRED, note=f"counter: {term.ko_counter}" if term.ko_counter else None)
    english = sub(entry, "langSec", **{_XML_LANG: "en"})
    term_sec(english, term.en, PREFERRED, "fullForm" if term.abbr else None,
             note=f"plural: {term.en_plural}" if term.en_plural else None)
    if term.abbr:
        term_sec(english, term.abbr, ADMITTED, "abbreviation")
    for variant in term.forbidden:
        term_sec(english, variant, DEPRECATED, note=f"do not use; write {term.en}")
