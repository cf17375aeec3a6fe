"""The build's summary table and live display."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from wreport.build.editions import Output
from wreport.build.progress import BuildProgress, summary


def render(table) -> str:
    console = Console(file=io.StringIO(), width=120)
    console.print(table)
    return console.file.getvalue()


OUTPUTS = [Output(Path("/o/a/a.ko.pdf"), "a", "ko", "pdf", 45_042, 3, "built", 0.5),
           Output(Path("/o/a/a.ko.docx"), "a", "ko", "docx", 23_724, None, "up to date")]
SHOWN = {output.path: f"out/a/{output.path.name}" for output in OUTPUTS}


def test_summary_lists_file_pages_size_and_status_with_a_count():
    text = render(summary(OUTPUTS, SHOWN, 1.23))
    assert "│ out/a/a.ko.pdf  │     3 │ 45.0 kB │ built      │" in text
    assert "│ out/a/a.ko.docx │       │ 23.7 kB │ up to date │" in text
    assert "2 outputs: 1 built, 1 up to date, in 1.2 s" in text
    assert "render" not in text
    html = Output(Path("/o/a/a.ko.html"), "a", "ko", "html", 9_000, None, "built", 0.1)
    shown = {**SHOWN, html.path: "out/a/a.ko.html"}
    assert "3 outputs: 2 built, 1 up to date, in 0.5 s" in render(summary([*OUTPUTS, html], shown, 0.5))


def test_verbose_summary_adds_render_time():
    assert "0.50 s" in render(summary(OUTPUTS, SHOWN, 1.0, verbose=True))


def test_live_display_on_a_terminal_counts_ready_outputs():
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    tasks = [type("T", (), {"path": output.path})() for output in OUTPUTS]
    with BuildProgress(tasks, SHOWN, console=console) as display:
        display.ready(OUTPUTS[0])
        assert "building: 1 of 2 outputs ready" in stream.getvalue()
        assert "built in 0.5 s" in stream.getvalue()


def test_no_display_when_not_a_terminal():
    stream = io.StringIO()
    with BuildProgress([], {}, console=Console(file=stream)) as display:
        pass
    assert stream.getvalue() == "" and not display.live
