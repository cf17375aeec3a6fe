"""Measure the live preview: save -> new version served, and save -> page repainted in Chromium.

    .venv/bin/python bench/preview.py [--saves N] [--project DIR] [--no-browser]

For each audience, on a copy of the project, runs the real ``wreport preview`` (both editions,
side by side) and saves the English template N times (plus two warm-up saves, not counted), each
time with a new sentence at its end, a fraction of a second apart:

* save -> served: from just before the write to the arrival of the new version's server-sent
  event at a client (a plain HTTP connection to ``/events`` in this process);
* save -> repainted: from just before the write to the first animation frame after the one in
  which headless Chromium's page shows the new sentence in the English pane (checked every frame
  in the page; Playwright drives the system Chromium, /usr/bin/chromium, or --chromium PATH).

Both clocks are the machine's wall clock (``time.time()`` here, ``performance.timeOrigin +
performance.now()`` in the page). Prints a table and puts it between the ``<!-- preview -->``
markers of bench/README.md. Needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import between_markers  # bench/bench.py, beside this file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARTS = ("wreport.toml", "seeds", "glossary", "templates")
TARGETS = {"partner-brief": (50, 100), "policy-brief": (150, 200)}  # ms: served, repainted (medians)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# In the page: from the frame in which the English pane shows the marker, the time of the next frame.
WATCH_FOR = """marker => { window.__repainted = null;
  const look = () => { const doc = document.getElementById("pane-en").contentDocument;
    if (doc && doc.body && doc.body.innerText.includes(marker))
      requestAnimationFrame(() => { window.__repainted = performance.timeOrigin + performance.now(); });
    else requestAnimationFrame(look); };
  requestAnimationFrame(look); }"""


class Events:
    """A client of the preview's event stream, noting when each version arrives (wall clock)."""

    def __init__(self, port: int):
        self.arrived: dict[int, float] = {}
        self.changed = threading.Condition()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8")
                if line.startswith("data: "):
                    now = time.time()
                    with self.changed:
                        self.arrived[json.loads(line[6:])["version"]] = now
                        self.changed.notify_all()
        except (OSError, ValueError):
            pass

    def wait(self, version: int, seconds: float = 30) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: version in self.arrived, seconds):
                sys.exit(f"version {version} never arrived")
            return self.arrived[version]


def copy_project(source: Path, scratch: Path) -> Path:
    root = scratch / "project"
    root.mkdir()
    for part in PARTS:
        (shutil.copytree if (source / part).is_dir() else shutil.copy2)(source / part, root / part)
    return root


def measure(project: Path, audience: str, saves: int, browser: object | None) -> dict[str, list[float]]:
    """Save the audience's English template ``saves`` times; the milliseconds to served and repainted."""
    command = [sys.executable, "-c", "from wreport.cli import main; main()", "--quiet", "--project", str(project),
               "preview", "--audience", audience, "--port", "0", "--stop-after", "600"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    page = None
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            sys.exit(f"the preview did not start: {line}{process.stderr.read() if process.stderr else ''}")
        url, events = found.group(0), Events(int(found.group(1)))
        events.wait(1)
        if browser is not None:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
            page.goto(url)
            page.wait_for_function("() => document.body.dataset.version === '1'")
        template = project / "templates" / audience / "en.md.j2"
        original = template.read_text(encoding="utf-8")
        served: list[float] = []
        repainted: list[float] = []
        for number in range(saves + 2):
            marker = f"Benchmark sentence number {number}."
            if page is not None:
                page.evaluate(WATCH_FOR, marker)
            start = time.time()
            template.write_text(f"{original}\n{marker}\n", encoding="utf-8")
            arrived = events.wait(number + 2)
            if page is not None:
                page.wait_for_function("() => window.__repainted !== null", timeout=30_000)
                painted = page.evaluate("() => window.__repainted") / 1000
            if number >= 2:  # the first two warm the caches (and Chromium) up
                served.append(1000 * (arrived - start))
                if page is not None:
                    repainted.append(1000 * (painted - start))
            time.sleep(0.4)
        return {"served": served, "repainted": repainted}
    finally:
        if page is not None:
            page.close()
        process.terminate()
        process.communicate(timeout=30)


def summary(values: list[float]) -> str:
    if not values:
        return "not measured"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(values):.0f} ms / {p90:.0f} ms"


def report(results: dict[str, dict[str, list[float]]], command: str, saves: int) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [(f"- date: {datetime.date.today().isoformat()}; {os.cpu_count()} cores, {platform.system()}, "
              f"Python {platform.python_version()}; load average {load:.2f} at the end"),
             f"- command: `{command}`",
             f"- {saves} saves of the English template per audience (after 2 warm-up saves), both editions shown",
             "",
             "| audience | save -> served: median / 90th pct | target | save -> repainted: median / 90th pct | target |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for audience, measured in results.items():
        served_target, paint_target = TARGETS.get(audience, (None, None))
        served_ok = served_target is not None and statistics.median(measured["served"]) <= served_target
        painted_ok = (paint_target is not None and measured["repainted"]
                      and statistics.median(measured["repainted"]) <= paint_target)
        painted = ("met" if painted_ok else "**missed**") if measured["repainted"] else ""
        lines.append(f"| {audience} | {summary(measured['served'])} | <= {served_target} ms "
                     f"{'met' if served_ok else '**missed**'} | {summary(measured['repainted'])} | "
                     f"<= {paint_target} ms {painted} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="project folder (default: this checkout)")
    parser.add_argument("--saves", type=int, default=12, help="measured saves per audience (default 12)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive")
    parser.add_argument("--no-browser", action="store_true", help="measure save -> served only")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wreport-bench-preview-"))
    results: dict[str, dict[str, list[float]]] = {}
    try:
        project = copy_project(args.project.resolve(), scratch)
        if args.no_browser:
            for audience in TARGETS:
                results[audience] = measure(project, audience, args.saves, None)
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                try:
                    for audience in TARGETS:
                        results[audience] = measure(project, audience, args.saves, browser)
                finally:
                    browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    command = " ".join(["python bench/preview.py", *sys.argv[1:]])
    text = report(results, command, args.saves)
    between_markers("preview", text)
    print(text)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
