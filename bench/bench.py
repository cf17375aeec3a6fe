"""Measure wreport's build against what its libraries alone need, in one run.

    .venv/bin/python bench/bench.py [--project DIR] [--runs N] [--profile]

Writes bench/results.md and prints the same table. Measures, with the real `wreport` command in
fresh processes:

* the full build (every audience x ko, en x pdf, docx) into a fresh folder with --force (cold),
  with the default parallel jobs and with --jobs 1;
* the floor, in a fresh process: WeasyPrint alone laying out the same HTML the build hands it
  (``HTML(string).write_pdf`` with the same print and font stylesheets, the same PDF/A-3a
  variant), plus python-docx alone loading each built DOCX and saving it; imports excluded;
* a rebuild with nothing changed, as a ratio to the cold build;
* ``wreport --help`` against ``python -c pass`` (medians);
* the size of each PDF.

Bytecode: this machine sets PYTHONDONTWRITEBYTECODE=1, so the editable package would be compiled
from source on every run. Installing with pip compiles it once; the bench does the same first
(``compileall``), so the numbers are those a user sees.

``--profile`` also runs one serial in-process build under cProfile and prints where time goes.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The console script users run (next to this Python), else the same entry point through -c.
_SCRIPT = Path(sys.executable).parent / "wreport"
WREPORT = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-c", "from wreport.cli import main; main()"]
FORMATS = "pdf,docx"
TARGETS = {"build": 1.3, "nochange": 0.1, "help": 1.3, "pdf_kb": 500}  # help: x `python -c "import typer"`


def timed(command: list[str], **kwargs) -> float:
    """Wall time of one run of ``command``; a failure stops the bench with its output."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return elapsed


def median_of(command: list[str], runs: int, **kwargs) -> float:
    return statistics.median(timed(command, **kwargs) for _ in range(runs))


def build_command(project: Path, out: Path, *extra: str) -> list[str]:
    return [*WREPORT, "--quiet", "--project", str(project), "build", "--format", FORMATS, "--out", str(out), *extra]


def cold_build(project: Path, out: Path, *extra: str) -> float:
    """Wall time of one forced build into a fresh folder."""
    return timed(build_command(project, out, "--force", *extra))


def floor(project: Path, out: Path) -> dict:
    """Run :func:`floor_worker` in a fresh process (imports and font set-up as cold as the build's)."""
    command = [sys.executable, __file__, "--floor-worker", str(project), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def floor_worker(project_dir: Path, out: Path) -> None:
    """Print, as JSON, the seconds WeasyPrint and python-docx alone take for this project's editions.

    The HTML is made by wreport (untimed), exactly as the PDF writer makes it; then only the
    library calls are timed.
    """
    start = time.perf_counter()
    import docx
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    imports = time.perf_counter() - start
    from wreport.build.editions import plan
    from wreport.data.facts import load_facts
    from wreport.data.glossary import load_glossary
    from wreport.inputs.project import load_project
    from wreport.render.templating import render_edition
    from wreport.writers.html import render_html, stylesheet_text
    from wreport.writers.pdf import STYLES_DIR

    project = load_project(project_dir)
    glossary = load_glossary(project.glossary_file)
    facts = load_facts(project, glossary)
    editions = [(e.audience.name, e.lang) for e in plan(project, formats=["pdf", "docx"])]
    pages = {f"{name}.{lang}": render_html(render_edition(project, name, lang, facts, glossary).document)
             for name, lang in editions}
    styles_url = STYLES_DIR.as_uri() + "/"
    fonts = FontConfiguration()
    pdf, word = {}, {}
    for key, html in pages.items():
        begin = time.perf_counter()
        sheets = [CSS(string=stylesheet_text(name), base_url=styles_url, font_config=fonts)
                  for name in ("fonts.css", "print.css")]
        HTML(string=html, base_url=styles_url).write_pdf(stylesheets=sheets, font_config=fonts,
                                                          pdf_variant="pdf/a-3a")
        pdf[key] = time.perf_counter() - begin
    for name, lang in editions:
        begin = time.perf_counter()
        docx.Document(str(out / name / f"{name}.{lang}.docx")).save(io.BytesIO())
        word[f"{name}.{lang}"] = time.perf_counter() - begin
    print(json.dumps({"imports": imports, "pdf": pdf, "docx": word}))


def profile(project_dir: Path, scratch: Path) -> None:
    """One serial in-process cold build under cProfile: the 25 most expensive calls."""
    import cProfile
    import pstats

    from wreport.build.editions import build
    from wreport.inputs.project import load_project

    project = load_project(project_dir)
    profiler = cProfile.Profile()
    profiler.runcall(build, project, formats=FORMATS.split(","), out_dir=scratch / "profile", jobs=1, force=True)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average {load:.2f} at the start")


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "**missed**"


def report(results: dict) -> str:
    """results.md: the measurements, the targets, and whether each was met."""
    r = results
    floor_total = r["floor_pdf"] + r["floor_docx"]
    build_ratio = r["cold"] / floor_total
    serial_ratio = r["cold_serial"] / floor_total
    nochange_ratio = r["nochange"] / r["cold"]
    help_ratio = r["help"] / r["typer"]  # Typer is the CLI: its import is the floor
    lines = [
        "# wreport benchmark results",
        "",
        f"- date: {r['date']}",
        f"- machine: {r['machine']}",
        f"- command: `{r['command']}`",
        f"- project: {r['project']} ({r['outputs']} outputs: {r['editions']} editions x pdf, docx); "
        f"median (min–max) of {r['runs']} interleaved runs unless said",
        "",
        "| measure | value | ratio | target | |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| full build, cold (`--force`, fresh folder, {r['jobs']} jobs) | {r['cold']:.2f} s "
        f"({r['cold_range'][0]:.2f}–{r['cold_range'][1]:.2f}) | "
        f"{build_ratio:.2f}x floor | <= {TARGETS['build']}x | {verdict(build_ratio, TARGETS['build'])} |",
        f"| full build, cold, `--jobs 1` | {r['cold_serial']:.2f} s | {serial_ratio:.2f}x floor | | |",
        f"| floor: WeasyPrint alone ({r['editions']} PDFs) + python-docx alone (load + save {r['editions']} DOCX) | "
        f"{floor_total:.2f} s ({r['floor_range'][0]:.2f}–{r['floor_range'][1]:.2f}) | | | |",
        f"| &nbsp;&nbsp;WeasyPrint `HTML(string).write_pdf` | {r['floor_pdf']:.2f} s | | | |",
        f"| &nbsp;&nbsp;python-docx `Document(path).save()` | {r['floor_docx']:.2f} s | | | |",
        f"| &nbsp;&nbsp;(their imports, not in the floor) | {r['floor_imports']:.2f} s | | | |",
        f"| floor with the imports (what any process rendering with them pays) | "
        f"{floor_total + r['floor_imports']:.2f} s | build: {r['cold'] / (floor_total + r['floor_imports']):.2f}x | | |",
        f"| rebuild, nothing changed | {r['nochange']:.3f} s | {nochange_ratio:.3f}x cold | "
        f"<= {TARGETS['nochange']}x | {verdict(nochange_ratio, TARGETS['nochange'])} |",
        f"| `wreport --help` (median of {r['help_runs']}) | {1000 * r['help']:.0f} ms | "
        f"{help_ratio:.2f}x `python -c 'import typer'` ({1000 * r['typer']:.0f} ms) | <= {TARGETS['help']}x | "
        f"{verdict(help_ratio, TARGETS['help'])} |",
        f"| &nbsp;&nbsp;`python -c pass` (the interpreter alone) | {1000 * r['python']:.0f} ms | "
        f"help: {r['help'] / r['python']:.1f}x | | |",
    ]
    for name, size in sorted(r["pdf_sizes"].items()):
        kb = size / 1000
        lines.append(f"| PDF size {name} | {kb:.0f} KB | | <= {TARGETS['pdf_kb']} KB | {verdict(kb, TARGETS['pdf_kb'])} |")
    lines += ["", "Per edition, floor seconds (WeasyPrint / python-docx):", ""]
    for key in sorted(r["floor"]["pdf"]):
        lines.append(f"- {key}: {r['floor']['pdf'][key]:.2f} / {r['floor']['docx'][key]:.3f}")
    return "\n".join(lines) + "\n"


def update_readme(text: str) -> None:
    """Put the results table (the report without its title) between bench/README.md's markers."""
    between_markers("results", text.split("\n", 2)[2])  # without "# wreport benchmark results" and the blank line


def between_markers(name: str, body: str) -> None:
    """Replace what stands between bench/README.md's ``<!-- name -->`` and ``<!-- /name -->``."""
    readme = HERE / "README.md"
    start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    current = readme.read_text(encoding="utf-8")
    if start in current and end in current:
        before, rest = current.split(start, 1)
        readme.write_text(before + start + body + rest[rest.index(end):], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="project folder (default: this checkout)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build measure (median)")
    parser.add_argument("--profile", action="store_true", help="also profile one serial build")
    parser.add_argument("--floor-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_worker:
        floor_worker(*args.floor_worker)
        return
    compileall.compile_dir(str(ROOT / "src" / "wreport"), quiet=1)
    project = args.project.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="wreport-bench-"))
    try:
        started = machine()
        # Interleaved, so that whatever else the machine is doing weighs on each measure alike.
        cold, serial, floors = [], [], []
        for run in range(args.runs):
            out = scratch / f"cold-{run}"
            cold.append(cold_build(project, out))
            serial.append(cold_build(project, scratch / f"serial-{run}", "--jobs", "1"))
            floors.append(floor(project, out))
        nochange = median_of(build_command(project, out), args.runs * 3)
        totals = [sum(f["pdf"].values()) + sum(f["docx"].values()) for f in floors]
        measured = floors[totals.index(statistics.median_low(totals))]
        help_runs = 21
        python = median_of([sys.executable, "-c", "pass"], help_runs)
        typer_alone = median_of([sys.executable, "-c", "import typer"], help_runs)
        help_time = median_of([*WREPORT, "--help"], help_runs)
        pdfs = {p.name: p.stat().st_size for p in sorted(out.rglob("*.pdf"))}
        results = {
            "date": datetime.date.today().isoformat(), "machine": started, "runs": args.runs,
            "command": f"{Path(sys.executable).name} bench/bench.py --runs {args.runs}",
            "project": project.name, "outputs": 2 * len(pdfs), "editions": len(pdfs),
            "jobs": min(os.cpu_count() or 1, len(pdfs)),
            "cold": statistics.median(cold), "cold_range": (min(cold), max(cold)),
            "cold_serial": statistics.median(serial), "floor_range": (min(totals), max(totals)),
            "nochange": nochange,
            "floor": measured, "floor_pdf": sum(measured["pdf"].values()),
            "floor_docx": sum(measured["docx"].values()), "floor_imports": measured["imports"],
            "python": python, "typer": typer_alone, "help": help_time, "help_runs": help_runs, "pdf_sizes": pdfs,
        }
        text = report(results)
        (HERE / "results.md").write_text(text, encoding="utf-8")
        update_readme(text)
        print(text)
        if args.profile:
            profile(project, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
