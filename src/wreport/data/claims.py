"""The claim set: statements without a figure, each resting on a verbatim quote of a source.

A fact carries a number; much of a brief carries none ("the city and a university built the
cluster", "the park was planned for 2018"), and those sentences need a source as much as the
figures do. ``seeds/claims.yaml`` (``[paths] claims``) holds them: an id, the source id, the quote
as the source writes it (checked in the source text exactly as facts' quotes are), one line in
each language saying what the claim asserts, and where it matters a date, a status (done,
planned, forecast) and a scope (who or what it is about). Templates cite a claim with
``claim("id")``. A project without the file has no claims. docs/facts.md describes the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wreport.errors import WreportError, did_you_mean
from wreport.inputs.records import FileProblems, by_id, check_top_keys, entries_under, read_yaml, validated_entry
from wreport.inputs.schemas import ClaimEntry
from wreport.inputs.text import holds_quote

if TYPE_CHECKING:
    from wreport.data.facts import Source
    from wreport.inputs.project import Project


@dataclass(frozen=True)
class Claim:
    """One claim as loaded: plain, public fields (the review and any sign-off record read them)."""

    id: str
    source: str
    quote: str
    what_ko: str
    what_en: str
    date: str | None = None  # as written: 2007-12, 2017
    status: str | None = None  # done, planned or forecast
    scope: str | None = None
    line: int | None = None

    def what(self, lang: str) -> str:
        """What the claim asserts, in the edition's language."""
        return self.what_ko if lang == "ko" else self.what_en


def load_claims(project: Project, sources: dict[str, Source] | None, problems: list[WreportError]) -> dict[str, Claim]:
    """Every claim of the project's claims file, keyed by id in file order; each problem (schema,
    unknown source, quote not in its source, repeated id) is added to ``problems`` at its line.

    ``sources`` is None when sources.yaml did not load: quotes cannot be checked then. A project
    without the file has no claims (it is optional; wreport init writes an empty one)."""
    if not project.claims_file.exists():
        return {}
    report = FileProblems(project.relative(project.claims_file), problems)
    parsed = read_yaml(project, project.claims_file, report)
    if parsed is None or parsed.data is None:
        return {}
    check_top_keys(parsed, ("claims",), report)
    entries = entries_under(parsed, "claims", report)
    return by_id((_parse_claim(index, raw, sources, report) for index, raw in entries), "claim", report)


def _parse_claim(index: int, raw: dict[str, Any], sources: dict[str, Source] | None,
                 report: FileProblems) -> Claim | None:
    """One claim: its schema, then its source and quote (as a fact's are checked)."""
    what = f"claim '{raw.get('id', '?')}'"
    entry = validated_entry(ClaimEntry, "claims", index, raw, what, report)
    if entry is None:
        return None
    line = report.line("claims", index)
    if sources is not None:
        source = sources.get(entry.source)
        if source is None:
            report.add(f"{what}: unknown source '{entry.source}'", report.line("claims", index, "source"),
                       hint=did_you_mean(entry.source, sources) or f"sources: {', '.join(sources)}",
                       check="UnknownSource")
        elif not holds_quote(source.text, entry.quote):
            report.add(f"{what}: quote not found in source '{source.id}' ({source.file.name})",
                       report.line("claims", index, "quote"),
                       hint="copy the words exactly from the source text (spacing may differ)", check="QuoteNotFound")
    return Claim(id=entry.id, source=entry.source, quote=entry.quote, what_ko=entry.ko, what_en=entry.en,
                 date=entry.date, status=entry.status, scope=entry.scope, line=line)
