"""One exception family for everything a user can get wrong.

Every error carries a user-facing message and, where there is one, the file and line it is about,
so the CLI can print ``file:line: message`` and exit non-zero without a traceback. Loaders collect
every problem in a file before failing (a user fixing ten typos should not run the tool ten times):
they raise :class:`ProblemsError`, which holds the individual errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line (1-based) and column."""

    file: str
    line: int | None = None
    column: int | None = None

    @classmethod
    def of(cls, file: Path | str, line: int | None = None, column: int | None = None) -> "Location":
        return cls(str(file), line, column)

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class WreportError(Exception):
    """Base of every error wreport reports to a user.

    ``message`` says what is wrong in the user's terms; ``hint`` what to do about it. ``check`` is
    the QA check id (``QuoteNotFound``, ``UnknownFact``...; docs/checks.md) when the problem is one
    ``wreport check`` reports by name, set where the problem is found so no one parses messages.
    """

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None,
                 check: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.check = check

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ConfigError(WreportError):
    """The project folder or its wreport.toml / audience.toml is missing or malformed."""


class DataError(WreportError):
    """A fact, source or glossary file is malformed or inconsistent."""


class FormatError(WreportError):
    """A value cannot be written in the house style (negative count, too large, bad unit...)."""


class TemplateError(WreportError):
    """A template fails to parse or render (syntax, unknown fact/term, sandbox violation)."""


class RenderError(WreportError):
    """Writing a PDF, DOCX or HTML output failed."""


class ProblemsError(WreportError):
    """Several problems found in one pass; ``problems`` holds each of them."""

    def __init__(self, problems: list[WreportError], summary: str | None = None):
        self.problems = list(problems)
        count = len(self.problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head)

    def __str__(self) -> str:
        lines = [self.message + ":"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


def raise_if_any(problems: list[WreportError], summary: str | None = None) -> None:
    """Raise the collected problems as one error; a single problem is raised as itself."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemsError(problems, summary)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known choices, or None when nothing is close: most unknown ids
    in a message are typos, and the fix is usually one of these."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else None


def renamed(error: WreportError, temporary: str, shown: str) -> WreportError:
    """``error`` with the file ``temporary`` called ``shown`` in its location, its message and
    every problem it holds, in place. A file is checked as a temporary copy before it replaces
    the user's (write_atomic's ``check``); the problems are the user's file's, and the copy is
    gone by the time the message is read."""
    problems = error.problems if isinstance(error, ProblemsError) else []
    for each in [error, *problems]:
        if each.location is not None and each.location.file == temporary:
            each.location = Location(shown, each.location.line, each.location.column)
        each.message = each.message.replace(temporary, shown)
        each.args = (each.message,)
    return error


def would_not_load(error: WreportError, temporary: str, shown: str, change: str) -> DataError:
    """The one message for a checked write refused: ``change`` (``with the new entry added at line
    23``), the user's file ``shown`` would not load, and why, at the line of the first problem
    (a line of the new text), never naming the temporary copy the check read."""
    problem = renamed(error, temporary, shown)
    first = problem.problems[0] if isinstance(problem, ProblemsError) and problem.problems else problem
    more = f" (and {len(problem.problems) - 1} more)" if isinstance(problem, ProblemsError) else ""
    return DataError(f"{change}, {shown} would not load: {first.message}{more}", first.location or Location.of(shown),
                     hint=f"{first.hint + '; ' if first.hint else ''}nothing was changed")
