"""The bounded runner: a task in a child process, stopped at its limit, every failure a message."""

from __future__ import annotations

import os
import time

import pytest

from wreport.build.runner import STAGE, WorkerTask, run_one, run_tasks
from wreport.errors import RenderError, TemplateError, WreportError


def sleep_forever(report):
    report(STAGE, "laying out the PDF")
    while True:
        time.sleep(0.05)


def loop_forever(report):
    while True:
        pass


def answer(value, report):
    report("made", value)
    return value * 2


def fail(message, report):
    raise TemplateError(message)


def die(report):
    os._exit(3)


def exhaust(report):
    raise MemoryError


def recurse(report):
    def deeper(n):
        return deeper(n + 1)
    return deeper(0)


def unpicklable(report):
    return lambda: None


def task(fn, *args, seconds=5.0):
    return WorkerTask(fn, args, seconds, "brief (en)", "templates/brief/en.md.j2")


def test_a_task_that_never_returns_is_stopped_at_its_limit_and_says_what_it_was_doing():
    start = time.monotonic()
    with pytest.raises(RenderError) as raised:
        run_one(task(sleep_forever, seconds=0.5))
    assert time.monotonic() - start < 5
    assert str(raised.value).startswith("templates/brief/en.md.j2: brief (en): stopped at the time limit of 0.5 s "
                                        "for one edition, while laying out the PDF")


def test_a_busy_loop_in_the_template_stage_is_a_template_error():
    with pytest.raises(TemplateError, match="while rendering the template"):
        run_one(task(loop_forever, seconds=0.5))


def test_results_and_reports_come_back_in_task_order_whatever_the_start_order():
    seen = []
    results = run_tasks([task(answer, n) for n in range(4)], 2, lambda i, kind, value: seen.append((i, value)),
                        start_order=[3, 2, 1, 0])
    assert results == [0, 2, 4, 6] and sorted(seen) == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_the_first_failure_in_task_order_is_raised_and_collected_ones_are_returned():
    tasks = [task(answer, 1), task(fail, "second"), task(fail, "third")]
    with pytest.raises(TemplateError, match="second"):
        run_tasks(tasks, 2, start_order=[2, 1, 0])
    results = run_tasks(tasks, 2, stop_on_error=False)
    assert results[0] == 2 and [str(r) for r in results[1:]] == ["second", "third"]


@pytest.mark.parametrize("fn, words", [
    (die, "brief (en): the worker process exited with status 3 while rendering the template"),
    (exhaust, "brief (en): ran out of memory while rendering the template"),
    (recurse, "brief (en): nested too deeply while rendering the template"),
    (unpicklable, "brief (en): cannot hand back the result"),
])
def test_every_way_a_worker_fails_is_a_message(fn, words):
    with pytest.raises(WreportError) as raised:
        run_one(task(fn))
    assert words in str(raised.value)


def report_then_wait(path, report):
    report("big", "x" * 1_000_000)  # more than a pipe holds: the parent must read while it works
    report("small", 1)
    with open(path, "w") as f:
        f.write("sent")
    while True:
        time.sleep(0.05)


def test_run_beside_hands_over_the_reports_sent_while_working_and_stops_the_child(tmp_path):
    from wreport.build.runner import run_beside

    flag = tmp_path / "sent"
    seen = []

    def work():
        deadline = time.monotonic() + 10
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not seen  # reports are handed over after the work, in this thread

    start = time.monotonic()
    run_beside(task(report_then_wait, str(flag), seconds=30), work, lambda kind, value: seen.append((kind, value)))
    assert time.monotonic() - start < 10  # stopped when the work was done, not at its limit
    assert [kind for kind, _ in seen] == ["big", "small"] and len(seen[0][1]) == 1_000_000


def test_run_beside_stops_the_child_when_the_work_fails():
    from wreport.build.runner import run_beside

    def work():
        raise ValueError("import failed")

    start = time.monotonic()
    with pytest.raises(ValueError):
        run_beside(task(sleep_forever, seconds=30), work, lambda kind, value: None)
    assert time.monotonic() - start < 10


def read_handed(box, report):
    return box.get("handed")


def hand_over(report):
    time.sleep(0.2)
    report("handed", 7)
    return 1


def test_a_task_after_another_starts_once_it_succeeded_with_what_it_reported():
    box: dict = {}
    results = run_tasks([task(read_handed, box), task(hand_over), task(answer, 5)], 2,
                        lambda i, kind, value: box.update({kind: value}) if kind == "handed" else None,
                        start_order=[0, 1, 2], after={0: 1})
    assert results == [7, 1, 10]  # task 0 was forked after task 1 had reported, though asked first


def test_a_task_after_a_failed_one_does_not_run_and_has_its_error():
    results = run_tasks([task(fail, "first"), task(answer, 1)], 2, stop_on_error=False, after={1: 0})
    assert [str(r) for r in results] == ["first", "first"]
