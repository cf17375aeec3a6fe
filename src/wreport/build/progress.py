"""What ``wreport build`` shows: a live row per output while building, then a summary table.

The live display goes to standard error and disappears when the build ends (it is not shown at
all when standard error is not a terminal); the summary goes to standard output, so it can be piped
or kept in a log. The display is refreshed from the calling thread as outputs become ready,
never from a timer thread: the build forks worker processes, and forking while another thread
holds a lock can deadlock the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from rich.console import Console
from rich.filesize import decimal
from rich.progress import Progress, TaskID, TextColumn
from rich.table import Table

from wreport.build.editions import BUILT, Output, OutputTask


class BuildProgress:
    """A heading counting the outputs that are ready, then one row per planned output: "waiting",
    then "built in 1.2 s" or "up to date". Use as a context manager; :meth:`ready` is the
    ``progress`` callback of :func:`wreport.build.editions.run`."""

    def __init__(self, tasks: Sequence[OutputTask], shown: dict[Path, str], console: Console | None = None):
        self.progress = Progress(TextColumn("{task.fields[mark]} {task.description}"),
                                 TextColumn("{task.fields[state]}"),
                                 console=console or Console(stderr=True), auto_refresh=False, transient=True)
        self.live = self.progress.console.is_terminal  # a log or a pipe gets no display, not even a blank line
        self.count = len(tasks)
        self.heading = self.progress.add_task("", total=self.count, mark="", state="")
        self.rows: dict[Path, TaskID] = {}
        for task in tasks:
            self.rows[task.path] = self.progress.add_task(shown[task.path], total=1, mark=" ", state="waiting")
        self._show_count()

    def __enter__(self) -> "BuildProgress":
        if self.live:
            self.progress.start()
            self.progress.refresh()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.live:
            self.progress.stop()

    def ready(self, output: Output) -> None:
        state = f"built in {output.seconds:.1f} s" if output.status == BUILT else output.status
        self.progress.update(self.rows[output.path], completed=1, mark="✓", state=state)
        self.progress.advance(self.heading)
        self._show_count()
        if self.live:
            self.progress.refresh()

    def _show_count(self) -> None:
        done = int(self.progress.tasks[self.heading].completed)
        self.progress.update(self.heading, description=f"building: {done} of {self.count} outputs ready")


def summary(outputs: Iterable[Output], shown: dict[Path, str], seconds: float, *, verbose: bool = False) -> Table:
    """The table of outputs: file, pages, size, status (and render time with ``verbose``),
    with a caption counting what was built and what was already up to date."""
    outputs = list(outputs)
    table = Table(title_justify="left", caption_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("pages", justify="right")
    table.add_column("size", justify="right")
    table.add_column("status")
    if verbose:
        table.add_column("render", justify="right")
    for output in outputs:
        row = [shown[output.path], str(output.pages) if output.pages else "", decimal(output.size), output.status]
        if verbose:
            row.append(f"{output.seconds:.2f} s" if output.status == BUILT else "")
        table.add_row(*row)
    built = sum(output.status == BUILT for output in outputs)
    table.caption = (f"{len(outputs)} output{'s' if len(outputs) != 1 else ''}: {built} built, "
                     f"{len(outputs) - built} up to date, in {seconds:.1f} s")
    return table
