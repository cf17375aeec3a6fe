"""Bounded work: each edition is rendered in a worker process that is stopped at its time limit.

A template is data someone else wrote, and a Jinja loop cannot be interrupted from inside: a
``{% for %}`` over ``range(10**9)`` never returns to Python code that could check a clock. So the
work that runs a template (and the writers after it) runs in a child process, one per task, and
the parent stops it (SIGKILL) when its wall-clock limit, ``[limits] render_seconds`` in
wreport.toml, has passed. The build and ``wreport check`` use this runner; the preview keeps one
long-lived worker of its own (``preview_render.py``), stopped at the same limit.

On Linux the children are forked, so they start in a few milliseconds with everything the parent
has imported and loaded; elsewhere they are spawned (a fresh interpreter per task, slower but
safe). A child reports back through a pipe: what it is doing (for the message if it is stopped),
partial results (for a progress display) and its result or error. What can go wrong in a child
becomes a :class:`WreportError` in the parent naming the task: its own errors as they are, running
out of memory, nesting too deep, a full disk, the process dying, or the time limit.
"""

from __future__ import annotations

import errno
import multiprocessing
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from wreport.errors import Location, RenderError, TemplateError, WreportError

# Report kinds a task may send with its ``report`` callable; other kinds go to ``on_report``.
STAGE = "stage"
TEMPLATE_STAGE = "rendering the template"


@dataclass(frozen=True)
class WorkerTask:
    """One piece of bounded work: ``fn(*args, report)`` in a child, within ``seconds``.

    ``what`` names it in messages ("policy-brief (en)") and ``template`` is where a user would
    look (the edition's template, relative to the project). ``fn`` and ``args`` must be picklable
    where children are spawned; ``fn`` returns a picklable result.
    """

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    seconds: float
    what: str
    template: str


@dataclass
class _Running:
    index: int
    task: WorkerTask
    process: Any  # multiprocessing.process.BaseProcess
    connection: Connection
    deadline: float
    stage: str = TEMPLATE_STAGE


@dataclass
class _Outcomes:
    results: dict[int, Any] = field(default_factory=dict)
    errors: dict[int, WreportError] = field(default_factory=dict)


def context() -> Any:
    """How children start: forked on Linux (cheap, inherits what is loaded), spawned elsewhere,
    where forking is unsafe (macOS) or absent (Windows)."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def run_tasks(tasks: Sequence[WorkerTask], workers: int, on_report: Callable[[int, str, Any], None] | None = None,
              *, stop_on_error: bool = True, start_order: Sequence[int] | None = None,
              after: Mapping[int, int] | None = None) -> list[Any]:
    """Run every task in at most ``workers`` children at once; each result (or, without
    ``stop_on_error``, each task's :class:`WreportError`) in task order. ``on_report`` is told
    of each report a task sends (its index, kind, value); ``start_order`` is the order in which
    to start them (default: task order), e.g. the longest first. ``after`` maps a task to one it
    must wait for: it starts once that one has succeeded (so what ``on_report`` was told by then
    can be in its arguments), the next in ``start_order`` that is ready when a worker is free;
    if that one fails, it does not run and has the same error.

    With ``stop_on_error`` no further task starts once one has failed, the running ones finish
    (each within its own limit), and the first failure in task order is raised, so the error
    reported does not depend on which child was faster.
    """
    outcomes = _Outcomes()
    queue = list(start_order) if start_order is not None else list(range(len(tasks)))
    running: dict[Connection, _Running] = {}
    ctx = context()
    waits = dict(after or {})
    try:
        while queue or running:
            _fail_waiting(queue, waits, outcomes)
            if not (stop_on_error and outcomes.errors):
                _start_ready(ctx, tasks, queue, waits, outcomes, running, max(1, workers))
            if not running:
                break
            _collect(running, outcomes, on_report)
    finally:
        for job in running.values():
            _stop(job, kill=True)
    if stop_on_error and outcomes.errors:
        raise outcomes.errors[min(outcomes.errors)]
    return [outcomes.errors.get(index, outcomes.results.get(index)) for index in range(len(tasks))]


def _fail_waiting(queue: list[int], waits: dict[int, int], outcomes: _Outcomes) -> None:
    """A queued task whose prerequisite failed does not run: it has the same error."""
    for index in [index for index in queue if waits.get(index) in outcomes.errors]:
        queue.remove(index)
        outcomes.errors[index] = outcomes.errors[waits[index]]


def _start_ready(ctx: Any, tasks: Sequence[WorkerTask], queue: list[int], waits: dict[int, int],
                 outcomes: _Outcomes, running: dict[Connection, _Running], workers: int) -> None:
    """Start queued tasks, in queue order, while a worker is free and one is ready (it waits for
    nothing, or what it waits for has succeeded)."""
    while len(running) < workers:
        ready = [index for index in queue if index not in waits or waits[index] in outcomes.results]
        if not ready:
            return
        queue.remove(ready[0])
        job = _start(ctx, ready[0], tasks[ready[0]])
        running[job.connection] = job


def _collect(running: dict[Connection, _Running], outcomes: _Outcomes,
             on_report: Callable[[int, str, Any], None] | None) -> None:
    """Wait until a child reports or the nearest time limit; take in what was sent, and stop
    every child whose limit has passed (its error says so)."""
    timeout = max(0.0, min(job.deadline for job in running.values()) - time.monotonic())
    for connection in wait(list(running), timeout):
        job = running[connection]  # type: ignore[index]
        if _receive(job, outcomes, on_report):
            _stop(running.pop(job.connection), kill=False)
    now = time.monotonic()
    for job in [job for job in running.values() if now >= job.deadline]:
        _stop(running.pop(job.connection), kill=True)
        outcomes.errors[job.index] = timed_out(job.task, job.stage)


def run_one(task: WorkerTask, on_report: Callable[[str, Any], None] | None = None) -> Any:
    """One task in one child: its result, or its error raised."""
    forward = (lambda _, kind, value: on_report(kind, value)) if on_report is not None else None
    return run_tasks([task], 1, forward)[0]


def run_beside(task: WorkerTask, work: Callable[[], None], on_report: Callable[[str, Any], None]) -> None:
    """Run ``task`` in a child while this process does ``work``, then stop the child: for a task
    that is only a head start (work that later tasks would otherwise do themselves). Each report
    the child sent before it was stopped goes to ``on_report``, in this process's main thread,
    after ``work``; what it was still doing, its result and any error are dropped, since the tasks it would have
    saved work for still do that work, and report its errors, in the usual way.

    The child's reports are read as they come, by a thread, so a report larger than the pipe's
    buffer (a whole document) does not hold the child up until ``work`` is done.
    """
    import threading

    job = _start(context(), 0, task)
    received: list[tuple[str, Any]] = []

    def read() -> None:
        try:
            while True:
                kind, *payload = job.connection.recv()
                if kind != "report":
                    return
                received.append((payload[0], payload[1]))
        except (EOFError, OSError):  # the child finished, or was stopped mid-message
            return

    reader = threading.Thread(target=read, name=f"reports of {task.what}", daemon=True)
    reader.start()
    try:
        work()
    finally:
        if job.process.is_alive():
            job.process.kill()
        job.process.join()
        reader.join()
        job.connection.close()
    for kind, value in received:
        on_report(kind, value)


def timed_out(task: WorkerTask, stage: str) -> WreportError:
    """The message for a task stopped at its limit: which edition, which template, doing what."""
    kind = TemplateError if stage == TEMPLATE_STAGE else RenderError
    return kind(f"{task.what}: stopped at the time limit of {task.seconds:g} s for one edition, while {stage}",
                Location.of(task.template),
                hint="a loop that never ends? If the edition is simply long, raise [limits] render_seconds "
                     "in wreport.toml (docs/limits.md)")


# ---------------------------------------------------------------- the parent's side
def _start(ctx: Any, index: int, task: WorkerTask) -> _Running:
    mine, theirs = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(task, theirs), daemon=True, name=f"wreport: {task.what}")
    process.start()
    theirs.close()
    return _Running(index, task, process, mine, time.monotonic() + task.seconds)


def _receive(job: _Running, outcomes: _Outcomes, on_report: Callable[[int, str, Any], None] | None) -> bool:
    """Handle one message from a child; True when the child is finished (result, error or death)."""
    try:
        kind, *payload = job.connection.recv()
    except (EOFError, OSError):
        job.process.join(5)
        outcomes.errors[job.index] = _died(job)
        return True
    if kind == "result":
        outcomes.results[job.index] = payload[0]
        return True
    if kind == "error":
        outcomes.errors[job.index] = payload[0]
        return True
    report, value = payload
    if report == STAGE:
        job.stage = value
    elif on_report is not None:
        on_report(job.index, report, value)
    return False


def _died(job: _Running) -> WreportError:
    code = job.process.exitcode
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with status {code}"
    hint = "signal 9 is often the system running out of memory" if code == -9 else "run again with --debug"
    return RenderError(f"{job.task.what}: the worker process {how} while {job.stage}",
                       Location.of(job.task.template), hint=hint)


def _stop(job: _Running, *, kill: bool) -> None:
    if kill and job.process.is_alive():
        job.process.kill()
    job.process.join()
    job.connection.close()


# ---------------------------------------------------------------- the child's side
def _child(task: WorkerTask, connection: Connection) -> None:
    """Run the task and send its result or error; Ctrl-C is the parent's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stage = [TEMPLATE_STAGE]

    def report(kind: str, value: Any) -> None:
        if kind == STAGE:
            stage[0] = value
        connection.send(("report", kind, value))

    try:
        message: tuple[Any, ...] = ("result", task.fn(*task.args, report))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent as a message
        message = ("error", as_message(exc, task, stage[0]))
    try:
        connection.send(message)
    except Exception as exc:  # noqa: BLE001 - a result that does not pickle is a bug, reported plainly
        connection.send(("error", RenderError(f"{task.what}: cannot hand back the result: {exc}")))
    connection.close()


def as_message(exc: BaseException, task: WorkerTask, stage: str) -> WreportError:
    """An exception raised by a task as the WreportError a user is shown."""
    where = Location.of(task.template)
    if isinstance(exc, WreportError):
        return exc
    if isinstance(exc, MemoryError):
        return RenderError(f"{task.what}: ran out of memory while {stage}", where,
                           hint="does the template build a huge text or table?")
    if isinstance(exc, RecursionError):
        return RenderError(f"{task.what}: nested too deeply while {stage}", where,
                           hint="a list, quote or macro nested hundreds of levels deep?")
    if isinstance(exc, OSError):
        target = f" ({exc.filename})" if exc.filename else ""
        hint = ("free some space, or point TMPDIR at a folder with room" if exc.errno == errno.ENOSPC
                else "check the folder's permissions and free space")
        return RenderError(f"{task.what}: {exc.strerror or exc}{target} while {stage}", where, hint=hint)
    detail = ""
    if "--debug" in sys.argv:  # the child's traceback, which the parent cannot re-raise
        import traceback

        detail = "\n" + "".join(traceback.format_exception(exc))
    return RenderError(f"{task.what}: unexpected {type(exc).__name__} while {stage}: {exc}{detail}", where,
                       hint="this is a bug in wreport; please report it with the input that caused it")
