"""The ``wreport`` command line: thin wrappers over the pipeline modules.

Heavy libraries (WeasyPrint, python-docx, matplotlib) are imported inside the commands that need
them, so ``wreport --help`` and quick look-ups answer at once. Every :class:`WreportError` becomes
a one-line (or one-per-problem) message and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from wreport.errors import WreportError

if TYPE_CHECKING:  # the modules below are imported where a command needs them (fast --help)
    from collections.abc import Iterable

    from wreport.curation.coverage import Status
    from wreport.data.facts import FactSet
    from wreport.data.formatting import Style
    from wreport.data.glossary import Glossary, Term
    from wreport.inputs.project import Project

# Plain (Click) help rather than Rich's: Rich's help formatter loads Rich and markdown-it-py,
# which would triple the time `wreport --help` takes. -h works as --help everywhere.
_PLAIN: dict[str, Any] = {"rich_markup_mode": None, "no_args_is_help": True,
          "context_settings": {"help_option_names": ["-h", "--help"]}}
app = typer.Typer(
    name="wreport",
    help="Build bilingual (Korean/English) policy briefs from a sourced fact set and a glossary.",
    epilog="Start with `wreport build`; `wreport COMMAND --help` explains each command. "
           "Shell completion: `wreport --install-completion`.",
    pretty_exceptions_enable=False,
    **_PLAIN,
)
facts_app = typer.Typer(help="List, show and export the sourced fact set.", **_PLAIN)
glossary_app = typer.Typer(help="List, look up and export the Korean-English glossary.", **_PLAIN)
sources_app = typer.Typer(help="List, import (PDF, HTML, DOCX) and remove sources.", **_PLAIN)
app.add_typer(facts_app, name="facts")
app.add_typer(sources_app, name="sources")
app.add_typer(glossary_app, name="glossary")


@dataclass
class Options:
    """Global options, shared by every command through the Typer context."""

    project: Optional[Path] = None
    debug: bool = False
    quiet: bool = False
    verbose: bool = False


def _print_version(value: bool) -> None:
    """``wreport --version``: the installed distribution's version (pyproject.toml), then exit."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("wreport")
        except PackageNotFoundError:  # run from a source tree that is not installed
            from wreport import __version__ as shown
        typer.echo(f"wreport {shown}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    project: Optional[Path] = typer.Option(
        None, "--project", "-p", metavar="DIR",
        help="Project folder (holding wreport.toml). Default: the nearest one upward."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an error (to report a bug)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and what a command was asked "
                               "to print (no progress, no summaries). Wins over --verbose."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also print the project used, what a build "
                                 "will do and how long each output took (on standard error)."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print wreport's version and exit."),
) -> None:
    ctx.obj = Options(project=project, debug=debug, quiet=quiet, verbose=verbose)


def options(ctx: typer.Context) -> Options:
    """The global options of this invocation (defaults when a command is called directly)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Options) else Options()


def project_of(ctx: typer.Context) -> Project:
    """Load the project the user pointed at (``--project``) or stands in."""
    from wreport.inputs.project import load_project

    project = load_project(options(ctx).project)
    _say(ctx, f"project: {project.root / 'wreport.toml'}")
    return project


# ---------------------------------------------------------------- facts commands
def _facts(ctx: typer.Context) -> tuple[FactSet, Glossary, Style]:
    """The project's fact set (counted nouns checked against its glossary), the glossary, and
    the project's house-style options, which every rendering of a fact needs together."""
    from wreport.data.facts import load_project_data

    return load_project_data(project_of(ctx))


@facts_app.command("list", short_help="List every fact in both languages.")
def facts_list(ctx: typer.Context) -> None:
    """List every fact with its Korean and English rendering, period or date, status and source."""
    from rich.console import Console
    from rich.table import Table

    fact_set, glossary, style = _facts(ctx)
    table = Table(title=f"{len(fact_set)} facts", title_justify="left")
    for column in ("id", "ko", "en", "period / as of", "status", "source"):
        table.add_column(column, overflow="fold")
    for fact in fact_set:
        table.add_row(fact.id, fact.formatted("ko", glossary, style), fact.formatted("en", glossary, style),
                      fact.when, fact.status, fact.source or f"derived: {fact.derived}")
    Console().print(table)


@facts_app.command("show", short_help="Show one fact, its source and quote.")
def facts_show(ctx: typer.Context, fact_id: str = typer.Argument(..., metavar="ID", help="The fact's id.")) -> None:
    """Show one fact: every field, both renderings, its quote and source, derivation and conflicts."""
    fact_set, glossary, style = _facts(ctx)
    fact = fact_set.get(fact_id)
    rows = [
        ("id", fact.id), ("label (ko)", fact.label_ko), ("label (en)", fact.label_en),
        ("ko", fact.formatted("ko", glossary, style)), ("en", fact.formatted("en", glossary, style)),
        ("value", f"{fact.value} {fact.unit}" + (f" ({fact.counted})" if fact.counted else "")),
        ("period" if fact.period else "as of", fact.when), ("approx", fact.approx), ("status", fact.status),
    ]
    if fact.source:
        source = fact_set.sources[fact.source]
        rows += [("source", f"{source.id}: {source.title} ({source.title_en}), {source.publisher}, {source.date}"),
                 ("quote", fact.quote or "")]
    if fact.derived:
        inputs = ", ".join(f"{i} = {fact_set.get(i).value}" for i in fact.derived.inputs)
        rows += [("derived", f"{fact.derived}: {inputs}"),
                 ("sources", ", ".join(s.id for s in fact_set.provenance(fact.id)))]
    if fact.note:
        rows.append(("note", fact.note))
    rows += [("conflict", f"{c.id}: {c.note}") for c in fact_set.conflicts_of(fact.id)]
    rows.append(("defined at", f"{fact_set.facts_file}:{fact.line}"))
    from wreport.inputs.text import printable

    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        typer.echo(printable(f"{name:<{width}}  {text}"))


@facts_app.command("export", short_help="Print the facts as JSON or CSV.")
def facts_export(
    ctx: typer.Context,
    fmt: str = typer.Option("json", "--format", "-f", metavar="FORMAT", help="json (an array of objects) or csv."),
) -> None:
    """Print the fact set as JSON or CSV (values as exact decimal strings) for other tools."""
    from wreport.data.facts import export_csv, export_json
    from wreport.errors import DataError

    if fmt not in ("json", "csv"):
        raise DataError(f"unknown export format {fmt!r}", hint="use json or csv")
    fact_set, _, _ = _facts(ctx)
    typer.echo(export_json(fact_set) if fmt == "json" else export_csv(fact_set), nl=False)


@facts_app.command("conflicts", short_help="List where the sources disagree.")
def facts_conflicts(ctx: typer.Context) -> None:
    """List the recorded conflicts: the facts that disagree, side by side, and the curator's note."""
    import textwrap

    fact_set, glossary, style = _facts(ctx)
    for conflict in fact_set.conflicts:
        typer.echo(conflict.id)
        for fact in map(fact_set.get, conflict.facts):
            typer.echo(f"  {fact.id}: {fact.formatted('ko', glossary, style)} | "
                       f"{fact.formatted('en', glossary, style)} ({fact.when}, {fact.source or 'derived'})")
        typer.echo(textwrap.fill(conflict.note, width=100, initial_indent="  note: ", subsequent_indent="        "))
        typer.echo("")
    typer.echo(f"{len(fact_set.conflicts)} conflicts recorded")



# ---------------------------------------------------------------- curation: candidates, coverage
def _coverage(ctx: typer.Context, source_ids: Optional[list[str]]) -> tuple[list[Status], FactSet, Glossary]:
    """Every mention of the chosen sources with what covers it, and the loaded fact set and glossary."""
    from wreport.curation.coverage import coverage

    fact_set, glossary, _ = _facts(ctx)
    return coverage(project_of(ctx), fact_set, source_ids or None), fact_set, glossary


@facts_app.command("candidates", short_help="List every figure in the sources, and the fact quoting it.")
def facts_candidates(
    ctx: typer.Context,
    source_ids: Optional[list[str]] = typer.Argument(None, metavar="[SOURCE_ID...]",
                                                     help="Sources to read. Default: all."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                            help="text, json (an array of objects) or yaml (draft facts for the open ones)."),
) -> None:
    """List every quantitative mention in the sources (amount, unit, counter, approximation, sentence)
    with the fact whose quote covers it; --format yaml prints draft facts for those still open."""
    from wreport.curation.report import candidates_json, candidates_text, candidates_yaml
    from wreport.errors import DataError

    if fmt not in ("text", "json", "yaml"):
        raise DataError(f"unknown format {fmt!r}", hint="use text, json or yaml")
    statuses, fact_set, glossary = _coverage(ctx, source_ids)
    if fmt == "json":
        typer.echo(candidates_json(statuses), nl=False)
    elif fmt == "yaml":
        texts = {source_id: source.text for source_id, source in fact_set.sources.items()}
        typer.echo(candidates_yaml(statuses, texts, glossary), nl=False)
    else:
        typer.echo(candidates_text(statuses), nl=False)


@facts_app.command("coverage", short_help="Count covered, set-aside and open figures per source.")
def facts_coverage(
    ctx: typer.Context,
    source_ids: Optional[list[str]] = typer.Argument(None, metavar="[SOURCE_ID...]",
                                                     help="Sources to count. Default: all."),
) -> None:
    """Per source: mentions covered by a fact, set aside (set-aside.yaml) and still open; each open
    one is listed with its sentence. Exits 1 while any is open."""
    from wreport.curation.report import coverage_text

    statuses, _, _ = _coverage(ctx, source_ids)
    typer.echo(coverage_text(statuses), nl=False)
    if any(status.is_open for status in statuses):
        raise typer.Exit(1)


@facts_app.command("set-aside", short_help="Set aside a source's open figures with one reason.")
def facts_set_aside(
    ctx: typer.Context,
    source_id: str = typer.Argument(..., metavar="SOURCE_ID", help="The source whose figures to set aside."),
    reason: str = typer.Option(..., "--reason", "-r", metavar="REASON", help="unused (relevant, not used in this "
                               "brief), out-of-scope, navigation, repeat or not-a-figure."),
    lines: Optional[str] = typer.Option(None, "--lines", metavar="A-B", help="Only the figures on these lines of "
                                        "the source text (12-40, or 12). Default: the whole source."),
    text: Optional[str] = typer.Option(None, "--text", metavar="T", help="Only the mention written so, as "
                                       "`facts candidates` prints it (4억3500만달러)."),
    note: Optional[str] = typer.Option(None, "--note", metavar="N", help="Why, in your words (kept in the entry)."),
) -> None:
    """Add one entry to set-aside.yaml that sets aside every figure of SOURCE_ID no fact covers yet
    (or those on --lines, or those written as --text), with one reason. The file is checked before
    it replaces the old one; an entry that would set aside nothing is refused."""
    from wreport.curation.setting_aside import add_set_aside

    fact_set, _, _ = _facts(ctx)
    given = {"source": source_id, "text": text, "lines": lines, "reason": reason, "note": note}
    count = add_set_aside(project_of(ctx), fact_set, {k: v for k, v in given.items() if v is not None})
    if not options(ctx).quiet:
        typer.echo(f"set aside {count} figure{'s' if count != 1 else ''} of '{source_id}' ({reason})")


@sources_app.command("add", short_help="Import a PDF, HTML page, DOCX or text file as a source.")
def sources_add(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The document to import (.pdf, .html, .docx, .txt)."),
    source_id: Optional[str] = typer.Option(None, "--id", metavar="ID", help="Source id (lower-case, digits, "
                                            "hyphens). Default: from the English title and year."),
    title: Optional[str] = typer.Option(None, "--title", metavar="T", help="Title in the source's language. "
                                        "Default: the document's own, else its first line."),
    title_en: Optional[str] = typer.Option(None, "--title-en", metavar="T", help="English title (needed for a Korean "
                                           "document; an English one's title is used as it is)."),
    publisher: Optional[str] = typer.Option(None, "--publisher", metavar="P", help="Publisher. Default: the "
                                            "page's site name, if it has one."),
    publisher_en: Optional[str] = typer.Option(None, "--publisher-en", metavar="P", help="The publisher's English "
                                               "name (needed when the publisher is Korean: the English edition "
                                               "prints it)."),
    date: Optional[str] = typer.Option(None, "--date", metavar="D", help="Date: YYYY-MM-DD, YYYY-MM or YYYY. "
                                       "Default: one stated in the text or the document's metadata."),
) -> None:
    """Extract FILE's text into the sources folder, keep the original beside it, and add its entry
    to sources.yaml (checked by the loader first; nothing is written if it does not load).

    A Korean source needs its English title and, for a Korean publisher, the publisher's English
    name: in a terminal wreport asks for them, elsewhere it refuses without them. A generic title
    (Word Document, Microsoft Word - ...) or page furniture is never taken from the document.
    """
    from wreport.curation.importing import add_source

    project = project_of(ctx)
    added = add_source(project, file, source_id=source_id, title=title, title_en=title_en, publisher=publisher,
                       publisher_en=publisher_en, date=date, ask=_ask if sys.stdin.isatty() else None,
                       say=lambda note: _note(ctx, note))
    if not options(ctx).quiet:
        typer.echo(f"added source '{added.id}': {_shown(added.text_file)} (original: {added.original_file.name})\n"
                   f"{added.entry}"
                   f"next: wreport facts candidates {added.id} --format yaml")


@sources_app.command("list", short_help="List the sources: id, date, publisher, title, facts citing each.")
def sources_list(ctx: typer.Context) -> None:
    """List every source in sources.yaml, one a line (for reading and for scripts): id, date,
    language, how many facts quote it, then the English publisher and title and the text file."""
    from wreport.curation.journal import recovered

    with recovered(project_of(ctx)) as note:
        if note:
            _note(ctx, note)
    fact_set, _, _ = _facts(ctx)
    width = max((len(source_id) for source_id in fact_set.sources), default=2)
    for source in fact_set.sources.values():
        cited = sum(1 for fact in fact_set if fact.source == source.id)
        typer.echo(f"{source.id:<{width}}  {source.date!s:<10}  {source.language}  {cited:>3} facts  "
                   f"{source.publisher_en or source.publisher}: {source.title_en} ({source.file.name})")
    if not options(ctx).quiet:
        typer.echo(f"{len(fact_set.sources)} sources")


@sources_app.command("remove", short_help="Remove a source no fact cites: its entry, text and original.")
def sources_remove(ctx: typer.Context, source_id: str = typer.Argument(..., metavar="ID", help="The source's id.")) -> None:
    """Remove source ID: its entry in sources.yaml (written atomically first), then its text and its
    original in the sources folder. Refused, naming them, while a fact or a set-aside entry cites it.
    If an earlier remove stopped midway, running it again deletes the files left behind."""
    from wreport.curation.manifest import remove_source

    removed = remove_source(project_of(ctx), source_id, say=lambda note: _note(ctx, note))
    if not options(ctx).quiet:
        what = ["its entry in sources.yaml"] if removed.entry_removed else []
        what += [_shown(path) for path in removed.files]
        typer.echo(f"removed source '{removed.id}': {', '.join(what) or 'nothing left to remove'}")


def _note(ctx: typer.Context, message: str) -> None:
    """Something a command did besides its work (an interrupted import finished or undone), on
    standard error, unless -q."""
    if not options(ctx).quiet:
        typer.echo(_printable(f"note: {message}"), err=True)


def _ask(name: str, prompt: str) -> str:
    """Ask the user in the terminal for a field ``sources add`` needs (the English title or publisher)."""
    return str(typer.prompt(f"{prompt} ({name})"))


# ---------------------------------------------------------------- glossary commands
def _glossary(ctx: typer.Context) -> Glossary:
    """The project's glossary, loaded and checked."""
    from wreport.data.glossary import project_glossary

    return project_glossary(project_of(ctx))


def _print_terms(terms: Iterable[Term], title: str) -> None:
    """Terms as a rich table: id, Korean, English, abbreviation, kind."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("id", "Korean", "English", "abbr", "kind"):
        table.add_column(column, overflow="fold")
    for term in terms:
        english = f"{term.en} / {term.en_plural}" if term.en_plural else term.en
        table.add_row(term.id, term.ko, english, term.abbr, term.kind)
    Console().print(table)


@glossary_app.command("list")
def glossary_list(
    ctx: typer.Context,
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND",
                                       help="Only terms of this kind, e.g. organisation."),
) -> None:
    """List the glossary's terms (all, or one kind)."""
    glossary = _glossary(ctx)
    terms = glossary.of_kind(kind) if kind else list(glossary)
    _print_terms(terms, f"{len(terms)} term{'s' if len(terms) != 1 else ''}")


@glossary_app.command("lookup", short_help="Find terms by name, abbreviation or id.")
def glossary_lookup(
    ctx: typer.Context,
    text: str = typer.Argument(..., metavar="TEXT", help="Part of a Korean or English name, an abbreviation or an id."),
) -> None:
    """Find terms by Korean or English name, abbreviation, id or forbidden variant."""
    from wreport.errors import DataError

    glossary = _glossary(ctx)
    terms = glossary.lookup(text)
    if not terms:
        raise DataError(f"no glossary term matches {text!r}",
                        hint="try part of the Korean or English name, or `wreport glossary list`")
    _print_terms(terms, f"{len(terms)} match{'es' if len(terms) != 1 else ''} for {text!r}")
    for term in terms:
        if any(text.casefold() == variant.casefold() for variant in term.forbidden):
            typer.echo(f"{text!r} is a forbidden variant: write {term.en!r}")


@glossary_app.command("export", short_help="Export the glossary as CSV or TBX (for translators).")
def glossary_export(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", "-f", metavar="FORMAT", help="csv or tbx (TBX-Basic, ISO 30042:2019)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write to FILE instead of standard output."),
) -> None:
    """Export the glossary as CSV or TBX for translators and their tools."""
    from wreport.data.glossary import export_csv, export_tbx, project_glossary
    from wreport.errors import DataError

    if fmt not in ("csv", "tbx"):
        raise DataError(f"unknown export format {fmt!r}", hint="use csv or tbx")
    project = project_of(ctx)
    if output is not None:
        from wreport.inputs.boundary import refuse_inputs

        refuse_inputs(project, output, "--output")
    glossary = project_glossary(project)
    data = export_csv(glossary).encode("utf-8") if fmt == "csv" else export_tbx(glossary)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from wreport.inputs.files import write_atomic

    write_atomic(output, data)
    if not options(ctx).quiet:
        typer.echo(f"wrote {output} ({len(glossary)} terms)", err=True)



# ---------------------------------------------------------------- format command
@app.command("format", short_help="Print a value in the house style (ko and en).")
def format_command(
    ctx: typer.Context,
    value: str = typer.Argument(..., metavar="VALUE", help="Exact value in the unit's base: won, dollars, m², pyeong, "
                                "percent points (10.9 = 10.9%) or a count."),
    unit: str = typer.Option(..., "--unit", "-u", metavar="UNIT", help="KRW, USD, m2, pyeong, percent or count."),
    lang: str = typer.Option("both", "--lang", "-l", metavar="LANG", help="ko, en or both."),
    approx: Optional[str] = typer.Option(None, "--approx", metavar="WORD", help="about (약), more-than (여), at-least (이상), less-than (미만) or over (넘게)."),
    counted: Optional[str] = typer.Option(None, "--counted", metavar="ID",
                                          help="Glossary id of the counted noun, e.g. companies."),
    no_group_commas: bool = typer.Option(False, "--no-group-commas",
                                         help="Korean: 4억 3500만 instead of 4억 3,500만."),
) -> None:
    """Print a value as the house style writes it, to check a figure before it goes in a brief.

    A negative value goes after the options and `--`: wreport format -u percent -- -3.2
    """
    from wreport.data.formatting import Style, format_quantity
    from wreport.errors import FormatError

    if lang not in ("ko", "en", "both"):
        raise FormatError(f"unknown language {lang!r}", hint="use ko, en or both")
    noun = None
    if counted is not None:
        from wreport.data.glossary import project_glossary

        noun = project_glossary(project_of(ctx)).counted_noun(counted)
    style = Style(myriad_group_commas=not no_group_commas)
    langs = ("ko", "en") if lang == "both" else (lang,)
    lines = [(code, format_quantity(value, unit, code, approx=approx, counted=noun, style=style)) for code in langs]
    for code, text in lines:
        typer.echo(f"{code}: {text}" if len(lines) > 1 else text)



# ---------------------------------------------------------------- build command
def _split(value: Optional[str]) -> Optional[list[str]]:
    """A comma-separated option as a list ("ko,en" -> ["ko", "en"]); None when not given."""
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is below it, else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _complete_audience(incomplete: str) -> list[str]:
    """Shell completion for --audience: the audiences of the project in the working folder."""
    try:
        from wreport.inputs.project import load_project
        from wreport.render.templating import list_audiences

        return [name for name in list_audiences(load_project()) if name.startswith(incomplete)]
    except WreportError:
        return []


def _say(ctx: typer.Context, message: str) -> None:
    """A detail for --verbose, on standard error so standard output stays the command's result."""
    if options(ctx).verbose and not options(ctx).quiet:
        typer.echo(message, err=True)


@app.command("build", short_help="Render and write the briefs (PDF, DOCX, HTML).")
def build_command(
    ctx: typer.Context,
    audience: Optional[list[str]] = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                 autocompletion=_complete_audience,
                                                 help="Build this audience (repeat for more). Default: all."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", metavar="LANGS", help="Languages, comma-separated: "
                                       "ko,en. Default: each audience's own."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", metavar="FORMATS", help="Formats, comma-separated: "
                                      "pdf,docx,html. Default: each audience's own."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Output folder. Default: the project's out/."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="Render in up to N worker processes. Default (and most): one per CPU "
                                            "core; 1 renders one edition at a time."),
    force: bool = typer.Option(False, "--force", help="Rebuild every output, even those that are up to date."),
) -> None:
    """Render every edition (audience x language) and write its PDF, DOCX and HTML files.

    Outputs whose inputs (templates, facts, sources, glossary, wreport.toml, the tool itself) have
    not changed since they were written are left alone; --force rebuilds them. Nothing is written
    unless every output renders, so an error leaves the previous outputs as they were.
    """
    import time

    from rich.console import Console

    from wreport.build.editions import prepare, run
    from wreport.build.progress import BuildProgress, summary

    opts = options(ctx)
    start = time.perf_counter()
    project = project_of(ctx)
    plan = prepare(project, audiences=audience or None, langs=_split(lang), formats=_split(fmt),
                   out_dir=out, force=force)
    shown = {task.path: _shown(task.path) for task in plan.tasks}
    workers = plan.workers(jobs)
    _say(ctx, f"{len(plan.tasks)} outputs in {_shown(plan.out_dir)}: {len(plan.pending)} to build "
              f"({workers} process{'es' if workers > 1 else ''}), {len(plan.tasks) - len(plan.pending)} up to date")
    if opts.quiet:
        run(plan, jobs=jobs)
        return
    with BuildProgress(plan.tasks, shown) as display:
        outputs = run(plan, jobs=jobs, progress=display.ready)
    Console().print(summary(outputs, shown, time.perf_counter() - start, verbose=opts.verbose))
    from wreport.qa.checks import template_problems

    problems = template_problems(project, dict.fromkeys(task.edition.audience.name for task in plan.tasks))
    if problems:  # e.g. a figure typed by hand: built all the same, but check would fail
        typer.echo(f"{problems} problem{'s' if problems != 1 else ''} in the templates: run wreport check")


# ---------------------------------------------------------------- check command
@app.command("check", short_help="Check data, templates and editions (bilingual QA).")
def check_command(
    ctx: typer.Context,
    audience: Optional[list[str]] = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                 autocompletion=_complete_audience,
                                                 help="Check this audience (repeat for more). Default: all."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text (grouped by file) or json."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    since: Optional[str] = typer.Option(None, "--since", metavar="RELEASE",
                                        help="Also report changes made in one edition only since this release "
                                             "(ChangeParity; docs/releases.md)."),
    signed_off: bool = typer.Option(False, "--signed-off", help="Also fail on every segment not approved, or "
                                                                "changed since (wreport review approve)."),
) -> None:
    """Check the data, the templates and both built editions; exit 1 if anything is wrong.

    Every problem is listed (not just the first), as file:line: [CheckId] message (hint).
    Warnings alone exit 0 unless --strict. docs/checks.md explains each check.
    """
    from wreport.errors import ConfigError
    from wreport.qa.checks import ERROR, Finding, format_json, format_text, has_errors, run_checks

    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown report format {fmt!r}", hint="use text or json")
    project = project_of(ctx)
    findings = run_checks(project, audiences=audience or None, strict=strict, signed_off=signed_off)
    if since is not None:
        from wreport.releases.writing import since_findings

        found = since_findings(project, since, audience or None)
        findings += [Finding(f.check, ERROR, f.location, f.message, f.hint) if strict else f for f in found]
    typer.echo(format_json(findings) if fmt == "json" else format_text(findings), nl=False)
    if has_errors(findings):
        raise typer.Exit(1)


# ---------------------------------------------------------------- review command
review_app = typer.Typer(help="Write the bilingual review (HTML, DOCX, JSON); record sign-off.",
                         **{**_PLAIN, "no_args_is_help": False})
app.add_typer(review_app, name="review", short_help="Write the bilingual review page and DOCX; sign segments off.")


@review_app.callback(invoke_without_command=True)
def review_command(
    ctx: typer.Context,
    audience: Optional[list[str]] = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                 autocompletion=_complete_audience,
                                                 help="Review this audience (repeat for more). Default: all."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Output folder. Default: the project's out/."),
    fmt: Optional[list[str]] = typer.Option(None, "--format", "-f", metavar="FORMAT",
                                            help="html, docx or json (repeat for more). Default: html and docx."),
    status: Optional[list[str]] = typer.Option(None, "--status", metavar="STATE",
                                               help="Only segments approved, changed (since approval) or "
                                                    "unapproved (repeat for more). Default: all."),
) -> None:
    """Write OUT/AUDIENCE/AUDIENCE.review.html and .review.docx (or .review.json): the Korean and
    English editions aligned segment by segment, each figure beside its fact, source and verbatim
    quote, the differences `wreport check` reports, and each segment's sign-off state.
    `wreport review approve` records a sign-off. docs/review.md says how to review."""
    if ctx.invoked_subcommand is not None:
        return
    import time

    from rich.console import Console

    from wreport.build.editions import Output
    from wreport.build.progress import summary
    from wreport.errors import ConfigError
    from wreport.review.signoff import STATES
    from wreport.review.writing import REVIEW_FORMATS, write_reviews

    formats = tuple(dict.fromkeys(fmt or ("html", "docx")))
    for name, given, known in (("format", formats, REVIEW_FORMATS), ("--status", status or (), STATES)):
        if unknown := [g for g in given if g not in known]:
            raise ConfigError(f"unknown {name} {unknown[0]!r}", hint=f"use {', '.join(known)}")
    opts = options(ctx)
    start = time.perf_counter()
    project = project_of(ctx)

    def made(output: Output) -> None:
        if not opts.quiet:
            typer.echo(f"made {_shown(output.path)} in {output.seconds:.1f} s", err=True)

    outputs = write_reviews(project, audience or None, out, progress=made, formats=formats,
                            status=tuple(status or ()))
    if not opts.quiet:
        Console().print(summary(outputs, {o.path: _shown(o.path) for o in outputs}, time.perf_counter() - start,
                                verbose=opts.verbose))


@review_app.command("approve", short_help="Record that a reviewer approved segments as they stand.")
def review_approve(
    ctx: typer.Context,
    audience: str = typer.Option(..., "--audience", "-a", metavar="NAME", autocompletion=_complete_audience,
                                 help="The audience whose segments are approved."),
    by: str = typer.Option(..., "--by", metavar="NAME", help="Who approves (recorded with each segment)."),
    segment: Optional[list[str]] = typer.Option(None, "--segment", "-s", metavar="ID",
                                                help="A segment id as the review shows it, e.g. s4-2-p3 "
                                                     "(repeat for more)."),
    every: bool = typer.Option(False, "--all", help="Approve every segment of the audience."),
) -> None:
    """Record in signoff/AUDIENCE.yaml that NAME approved these segments as they stand now: a hash
    of both editions' text and of every fact and glossary row each one uses. A segment stays
    approved until any of that changes (`wreport review --status changed` lists them;
    `wreport check --signed-off` fails on them)."""
    from wreport.data.facts import load_project_data
    from wreport.errors import ConfigError
    from wreport.review.model import prepare_review
    from wreport.review.signoff import approve, record_path

    if bool(segment) == every:
        raise ConfigError("name the segments to approve with --segment ID, or approve them all with --all")
    project = project_of(ctx)
    facts, glossary = load_project_data(project)[:2]
    pairs = prepare_review(project, audience, facts, glossary).pairs
    approved = approve(project, audience, pairs, facts, glossary, by, None if every else list(segment or ()))
    _say(ctx, f"{by.strip()} approved {len(approved)} segment{'s' if len(approved) != 1 else ''} of {audience} "
              f"in {_shown(record_path(project, audience))}")


# ---------------------------------------------------------------- releases
@app.command("release", short_help="Record what is sent: the editions, review data and output digests.")
def release_command(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, metavar="NAME",
                                         help="The release's name: lower case, digits, . _ - (e.g. 2026-12-partner)."),
    audience: Optional[list[str]] = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                 autocompletion=_complete_audience,
                                                 help="Record this audience (repeat for more). Default: all."),
    list_them: bool = typer.Option(False, "--list", help="List the releases with their dates."),
) -> None:
    """Record release NAME in releases/NAME/: each edition's document tree, the review data
    (segments, facts with values and sources) and the built outputs' digests, as text for version
    control. Refused while `wreport check` finds errors, and when NAME exists. docs/releases.md."""
    from wreport.build.editions import Output
    from wreport.errors import ConfigError
    from wreport.releases.record import list_releases, refuse_existing
    from wreport.releases.writing import make_release

    project = project_of(ctx)
    if list_them:
        for release in list_releases(project):
            manifest = release.manifest
            typer.echo(f"{release.name}\t{manifest.created}\t{', '.join(manifest.audiences)}")
        return
    if name is None:
        raise ConfigError("name the release (wreport release NAME), or list them with --list")
    quiet = options(ctx).quiet
    refuse_existing(project, name)  # an unsafe or taken name is refused before any work

    def say(line: str) -> None:
        if not quiet:
            typer.echo(f"release {name}: {line}", err=True)

    def ready(output: Output) -> None:
        say(f"  {project.relative(output.path)} {output.status}")

    folder = make_release(project, name, audience or None, say=say, progress=ready)
    if not quiet:
        typer.echo(f"recorded release {name} in {_shown(folder)}: commit it with the project")


@app.command("diff", short_help="What changed since a release: redline DOCX, change page, summary.")
def diff_command(
    ctx: typer.Context,
    since: str = typer.Option(..., "--from", metavar="RELEASE", help="The release sent."),
    until: Optional[str] = typer.Option(None, "--to", metavar="RELEASE",
                                        help="A later release. Default: the working project."),
    audience: Optional[list[str]] = typer.Option(None, "--audience", "-a", metavar="NAME",
                                                 autocompletion=_complete_audience,
                                                 help="Compare this audience (repeat for more). Default: all."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Output folder. Default: the project's out/."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="Summary as text or json."),
) -> None:
    """Write OUT/AUDIENCE/AUDIENCE.redline.ko.docx and .redline.en.docx (tracked changes to accept
    or reject), .changes.html (both editions aligned, changed figures with their sources) and
    .changes.json; print the summary, with each change made in one edition only (ChangeParity)."""
    import json

    from wreport.errors import ConfigError
    from wreport.releases.writing import WORKING, terminal_summary, write_diff

    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown summary format {fmt!r}", hint="use text or json")
    result = write_diff(project_of(ctx), since, until, audience or None, out)
    if fmt == "json":
        typer.echo(json.dumps(result.summary(since, until or WORKING), ensure_ascii=False, indent=1))
    elif not options(ctx).quiet:
        typer.echo(terminal_summary(result, _shown), nl=False)


# ---------------------------------------------------------------- new-audience / preview
@app.command("new-audience", short_help="Create a new audience folder that builds at once.")
def new_audience_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Folder name of the new audience, e.g. investor-brief."),
    source: Optional[str] = typer.Option(None, "--from", metavar="AUDIENCE", autocompletion=_complete_audience,
                                         help="Copy this audience (e.g. policy-brief). Default: a small starter "
                                         "using one fact and one term (and the fact_table macro, when the project's "
                                         "templates/_shared/macros.md.j2 has one; an init project has none)."),
) -> None:
    """Create templates/NAME/ (audience.toml, ko.md.j2, en.md.j2) that builds at once; never overwrites.
    The starter's titles are the project's name (wreport.toml)."""
    from wreport.scaffold.audience import new_audience

    facts, glossary, _ = _facts(ctx)
    project = project_of(ctx)
    folder = new_audience(project, name, facts, glossary, source)
    if not options(ctx).quiet:
        typer.echo(f"created {_shown(folder)}/ (audience.toml, ko.md.j2, en.md.j2)\n"
                   f"build it with: wreport build --audience {name}")


@app.command("init", short_help="Create a new project (one source, fact, term, audience) that builds.")
def init_command(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., metavar="DIR", help="The new project's folder (new or empty)."),
    name: Optional[str] = typer.Option(None, "--name", metavar="NAME", help="Project name. Default: DIR's name."),
) -> None:
    """Create DIR with wreport.toml, one source, one fact, a glossary and one audience, ready to
    build and check; README "From an empty folder to a first brief" says what to do next."""
    from wreport.scaffold.project import init_project

    root = init_project(folder, name)
    if not options(ctx).quiet:
        typer.echo(f"created {_shown(root)}/ (wreport.toml, seeds/, glossary/, templates/brief/)\n"
                   f"next: cd {_shown(root)} && wreport build && wreport check")


@app.command("preview", short_help="Serve an audience's editions side by side, repainted as you save.")
def preview_command(
    ctx: typer.Context,
    audience: Optional[str] = typer.Option(None, "--audience", "-a", metavar="NAME", autocompletion=_complete_audience,
                                           help="The audience to preview. Default: the first in "
                                           "wreport.toml's [project] audiences, else alphabetically."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", metavar="LANG",
                                       help="Show only this edition (ko or en). Default: every edition, side by side."),
    paged: bool = typer.Option(False, "--paged", help="Also show the printed pages (the PDF's layout), laid out "
                                                      "in the background after each HTML update."),
    review: bool = typer.Option(False, "--review", help="Show the review page instead (both editions aligned, "
                                                        "each figure beside its fact and quote), made again on "
                                                        "every change to either."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, metavar="PORT",
                             help="Port on 127.0.0.1 (0 picks a free one)."),
    stop_after: Optional[float] = typer.Option(None, "--stop-after", min=0, metavar="SECONDS",
                                               help="Stop by itself after SECONDS. Default: run until Ctrl-C."),
) -> None:
    """Serve an audience's editions on http://127.0.0.1:PORT/ and render them again whenever a
    template or data file is saved; the open page repaints the editions that changed. Ctrl-C
    stops. Nothing is written to out/."""
    from wreport.errors import ConfigError
    from wreport.preview.server import Preview, choose, serve

    opts = options(ctx)
    project = project_of(ctx)
    if review and lang is not None:
        raise ConfigError("--review shows both editions: leave out --lang")
    chosen, lang = choose(project, audience, lang)
    what = "review page" if review else lang or ", ".join(chosen.languages)
    shown = f"{chosen.name} ({what}{', printed pages' if paged else ''})"

    def say(message: str) -> None:
        if message.startswith("error:") or not opts.quiet:
            typer.echo(message, err=True)

    def ready(url: str) -> None:
        until = f"stops after {stop_after:g} s, or Ctrl-C" if stop_after is not None else "Ctrl-C stops"
        typer.echo(f"previewing {shown} at {url} ({until})")

    from wreport.inputs.project import render_seconds

    preview = Preview(project, chosen.name, lang, view="review" if review else "editions", paged=paged, say=say,
                      limit=render_seconds(project))
    serve(preview, port, on_ready=ready, stop_after=stop_after,
          log=(lambda line: typer.echo(line, err=True)) if opts.verbose and not opts.quiet else None)
    say("stopped")


def main() -> None:
    """Entry point: run the app, turning user errors into messages and exit status 1."""
    debug = "--debug" in sys.argv
    try:
        # standalone mode: Typer/Click report usage errors themselves and exit. The program is
        # "wreport" however it was started (python -m, a test), so help and completion say so.
        app(prog_name="wreport")
    except WreportError as exc:
        if debug:
            raise
        typer.echo(_printable(f"error: {exc}"), err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: a failure no check foresaw is a bug
        if debug:
            raise
        typer.echo(_printable(internal_error(exc)), err=True)
        sys.exit(2)
    finally:
        _before_exit()


def internal_error(exc: BaseException) -> str:
    """The one line a user sees for an exception wreport did not foresee: what it was and where
    to take it, instead of a traceback (``--debug`` shows that). tests/test_cli.py checks that no
    hostile input of docs/security.md reaches it."""
    first = str(exc).splitlines()[0][:300] if str(exc) else ""
    return (f"internal error: {type(exc).__name__}{': ' + first if first else ''}; this is a bug in wreport, "
            "please report it with the command you ran (run it again with --debug to see the traceback)")


def _printable(message: str) -> str:
    """A message safe for the terminal (text.printable): it may quote what an input holds."""
    from wreport.inputs.text import printable

    return printable(message)


def _before_exit() -> None:
    """The process is about to exit: have WeasyPrint delete its copy of the fonts now, then
    freeze the heap, so that the interpreter's teardown does not collect the libraries' objects
    one by one. With WeasyPrint and matplotlib loaded that teardown took about 0.4 s after a
    build's work was done (bench/README.md). Only here, in the console script, which exits next:
    the tests call ``app`` and go on running."""
    import gc

    pdf = sys.modules.get("wreport.writers.pdf")
    if pdf is not None:
        pdf.release_font_config()
    gc.freeze()
