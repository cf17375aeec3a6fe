"""The ``wreport`` command line: thin wrappers over the pipeline modules.

Heavy libraries (WeasyPrint, python-docx, matplotlib) are imported inside the commands that need
them, so ``wreport --help`` and quick look-ups answer at once. Every :class:`WreportError` becomes
a one-line (or one-per-problem) message and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from .errors import WreportError

app = typer.Typer(
    name="wreport",
    help="Build bilingual (Korean/English) policy briefs from a sourced fact set and a glossary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
facts_app = typer.Typer(help="List, show and export the sourced fact set.", no_args_is_help=True)
glossary_app = typer.Typer(help="List, look up and export the Korean-English glossary.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")
app.add_typer(glossary_app, name="glossary")


@dataclass
class Options:
    """Global options, shared by every command through the Typer context."""

    project: Optional[Path] = None
    debug: bool = False
    quiet: bool = False
    verbose: bool = False


@app.callback()
def _global_options(
    ctx: typer.Context,
    project: Optional[Path] = typer.Option(
        None, "--project", "-p", help="Project folder (holding wreport.toml). Default: the nearest one upward."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print more detail."),
) -> None:
    ctx.obj = Options(project=project, debug=debug, quiet=quiet, verbose=verbose)


def options(ctx: typer.Context) -> Options:
    """The global options of this invocation (defaults when a command is called directly)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Options) else Options()


def project_of(ctx: typer.Context):
    """Load the project the user pointed at (``--project``) or stands in."""
    from .project import load_project

    return load_project(options(ctx).project)


# ---------------------------------------------------------------- facts commands


# ---------------------------------------------------------------- glossary commands


# ---------------------------------------------------------------- format command
@app.command("format")
def format_command(
    ctx: typer.Context,
    value: str = typer.Argument(..., help="Exact value in the unit's base: won, dollars, m², pyeong, "
                                "percent points (10.9 = 10.9%) or a count."),
    unit: str = typer.Option(..., "--unit", "-u", help="KRW, USD, m2, pyeong, percent or count."),
    lang: str = typer.Option("both", "--lang", "-l", help="ko, en or both."),
    approx: Optional[str] = typer.Option(None, "--approx", help="about (약) or more-than (여)."),
    counted: Optional[str] = typer.Option(None, "--counted", help="Glossary id of the counted noun, e.g. companies."),
    no_group_commas: bool = typer.Option(False, "--no-group-commas",
                                         help="Korean: 4억 3500만 instead of 4억 3,500만."),
) -> None:
    """Print a value as the house style writes it, to check a figure before it goes in a brief.

    A negative value goes after the options and `--`: wreport format -u percent -- -3.2
    """
    from .errors import FormatError
    from .formatting import Style, format_quantity

    if lang not in ("ko", "en", "both"):
        raise FormatError(f"unknown language {lang!r}", hint="use ko, en or both")
    noun = None
    if counted is not None:
        from .glossary import load_glossary

        noun = load_glossary(project_of(ctx).glossary_file).counted_noun(counted)
    style = Style(myriad_group_commas=not no_group_commas)
    langs = ("ko", "en") if lang == "both" else (lang,)
    lines = [(code, format_quantity(value, unit, code, approx=approx, counted=noun, style=style)) for code in langs]
    for code, text in lines:
        typer.echo(f"{code}: {text}" if len(lines) > 1 else text)



# ---------------------------------------------------------------- build command


# ---------------------------------------------------------------- check command


# ---------------------------------------------------------------- new-audience / preview


def main() -> None:
    """Entry point: run the app, turning user errors into messages and exit status 1."""
    debug = "--debug" in sys.argv
    try:
        app()  # standalone mode: Typer/Click report usage errors themselves and exit
    except WreportError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
