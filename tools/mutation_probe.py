"""How sharp the tests are: apply one-line bugs to src/, one at a time, and see whether the tests
meant to catch each one fail.

Run from the repository root with the project's venv (not run by CI; it takes minutes):

    .venv/bin/python tools/mutation_probe.py            # every mutation
    .venv/bin/python tools/mutation_probe.py 3 17       # some, by number (E1..E5: the issue's examples)
    .venv/bin/python tools/mutation_probe.py --list

Each mutation replaces one exact line fragment, which must occur exactly once in its file, runs
only the named test files (``-x -p no:cacheprovider``, no bytecode written, so a mutant never
survives in ``__pycache__``), then puts the file back byte for byte with its old time. A run
refuses to start on a file with uncommitted changes. The result is one line per mutation:
``caught`` (a test failed), ``MISSED`` (every test passed) or ``error`` (pytest could not run).
The record of the last full run is in docs/architecture.md, "How sharp the tests are".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "wreport"
TIMEOUT = 900  # seconds for one mutation's tests: a mutant that hangs counts as caught


@dataclass(frozen=True)
class Mutation:
    """One one-line bug: in ``file`` (under src/wreport), ``old`` becomes ``new``; ``tests`` run."""

    key: str
    what: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


M = Mutation
EXAMPLES = [  # the five of issue 18
    M("E1", "an output is up to date when only its size matches", "build/cache.py",
      "len(data) == entry.size and hashlib.sha256(data).hexdigest() == entry.sha256", "len(data) == entry.size",
      ("tests/build/test_cache.py", "tests/build/test_editions.py")),
    M("E2", "source texts in subfolders are left out of the build cache", "build/cache.py",
      'sources_folder.rglob("*")', 'sources_folder.glob("*")', ("tests/build/test_cache.py",)),
    M("E3", "a derived sum of a single fact is accepted", "inputs/schemas.py",
      'if len(inputs) < 2 if op == "sum"', 'if len(inputs) < 1 if op == "sum"', ("tests/data/test_facts.py",)),
    M("E4", "a Korean document with many Latin letters is imported as English", "curation/importing.py",
      "korean / len(words) > 0.2", "korean / len(words) > 0.5", ("tests/curation/test_importing.py",)),
    M("E5", "exactly a million is written out in full", "data/formatting.py",
      "if abs(number) >= scale:", "if abs(number) > scale:", ("tests/data/test_formatting.py",)),
]
# The mirror test file of each module (and the cross-cutting ones where the bug shows there).
READING, BOUNDS = "tests/inputs/test_reading.py", "tests/inputs/test_bounds.py"
FORMATTING, FACTS, GLOSSARY = "tests/data/test_formatting.py", "tests/data/test_facts.py", "tests/data/test_glossary.py"
MENTIONS, COVERAGE = "tests/curation/test_mentions.py", "tests/curation/test_coverage.py"
MARKDOWN, TEMPLATING = "tests/render/test_markdown.py", "tests/render/test_templating.py"
EDITIONS, CHECKS = "tests/build/test_editions.py", "tests/qa/test_checks.py"
BRIEFS, CLI = "tests/test_briefs.py", "tests/test_cli.py"
MUTATIONS = [
    M("1", "a bad byte's column is off by one", "inputs/reading.py",
      'column = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1',
      'column = len(data[start:exc.start].decode("utf-8", errors="replace"))', (READING,)),
    M("2", "a CSV cell starting with @ is not defused", "inputs/boundary.py",
      'FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")', 'FORMULA_START = ("=", "+", "-", "\\t", "\\r")',
      (f"{BOUNDS}::test_every_formula_start_is_neutralised_but_plain_numbers_are_not",
       f"{BOUNDS}::test_glossary_csv_export_neutralises_formula_cells")),
    M("3", "look-ups become case-sensitive", "inputs/text.py",
      'reader_text(text)).casefold()', 'reader_text(text))', (GLOSSARY, FACTS)),
    M("4", "a file of exactly the size cap is refused", "inputs/reading.py",
      "    if info.st_size > limit:", "    if info.st_size >= limit:",
      (f"{READING}::test_a_file_of_exactly_the_cap_is_read_and_one_byte_more_is_refused", READING)),
    M("5", "a word ending in ㄹ takes 으로 (서울으로)", "data/josa.py",
      "_RIEUL_INDEX = 8", "_RIEUL_INDEX = 7", ("tests/data/test_josa.py",)),
    M("6", "zero takes the singular (0 company)", "data/formatting.py",
      "counted.en_singular if number == 1 else", "counted.en_singular if number <= 1 else", (FORMATTING,)),
    M("7", "the m² beside a pyeong figure keeps 3 significant figures, not 4", "data/formatting.py",
      "M2_SIGNIFICANT_DIGITS = 4", "M2_SIGNIFICANT_DIGITS = 3", (FORMATTING,)),
    M("8", "glossary look-up lists exact matches last", "data/glossary.py",
      "key=lambda term: (not exact(term), len(term.en))", "key=lambda term: (exact(term), len(term.en))", (GLOSSARY,)),
    M("9", "천 counts as a hundred in a source's amount (4천 632)", "curation/mentions.py",
      "return _plain(thousands) * 1000 +", "return _plain(thousands) * 100 +", (MENTIONS,)),
    M("10", "여 (380여명) read as 'about' instead of 'more than'", "curation/mentions.py",
      '    if match.group("yeo"):\n        return "more-than"', '    if match.group("yeo"):\n        return "about"',
      (MENTIONS,)),
    M("11", "a quote covers every figure it spans, not only those its fact's value agrees with", "curation/coverage.py",
      "            if agrees(fact, mention):", "            if fact.source == source_id:", (COVERAGE,)),
    M("12", "footnotes numbered from 0", "render/markdown.py",
      'number=int(note.meta["id"]) + 1', 'number=int(note.meta["id"])', (MARKDOWN, "tests/writers/test_html.py")),
    M("13", "a line break joins words in the text the checks compare", "render/document.py",
      '_READER_TEXT = _InlineText(" ")', '_READER_TEXT = _InlineText("")', ("tests/render/test_document.py", MARKDOWN, "tests/review/test_align.py", CHECKS)),
    M("14", "an abbreviation is spelt out at every use, not the first only", "render/templating.py",
      "self.introduced.add(term.id)", "self.introduced.discard(term.id)", (TEMPLATING,)),
    M("15", "English source notes give the Korean title", "render/templating.py",
      "title = source.title_en if english else source.title", "title = source.title", (TEMPLATING, BRIEFS)),
    M("16", "a repeated text is bounded by the count alone ('abc' * 50000 passes)", "render/sandbox.py",
      "and len(sequence) * count > MAX_SIZE:", "and count > MAX_SIZE:", (TEMPLATING, f"{BOUNDS}::test_a_text_that_grows_without_bound_is_refused_at_its_line")),
    M("17", "the HTML contents list drops second-level headings", "writers/html.py",
      "            if heading.level <= 2:", "            if heading.level < 2:", ("tests/writers/test_html.py",)),
    M("18", "DOCX numbered and bulleted lists swapped", "writers/docx.py",
      'style = "List Number" if block.ordered else "List Bullet"',
      'style = "List Bullet" if block.ordered else "List Number"', ("tests/writers/test_docx.py",)),
    M("19", "WeasyPrint may read any local file, not only the allowed folders", "writers/pdf.py",
      "if path.is_file() and any(path.is_relative_to(root) for root in self.roots):", "if path.is_file():",
      ("tests/writers/test_pdf.py",)),
    M("20", "--force is ignored", "build/editions.py",
      "entry = None if force else record.current(path, key)", "entry = record.current(path, key)",
      (EDITIONS, CLI)),
    M("21", "of several failed editions the last is reported, not the first", "build/runner.py",
      "raise outcomes.errors[min(outcomes.errors)]", "raise outcomes.errors[max(outcomes.errors)]", ("tests/build/test_runner.py", EDITIONS)),
    M("22", "the build summary counts outputs up to date as the built ones", "build/progress.py",
      "{len(outputs) - built} up to date", "{built} up to date", ("tests/build/test_progress.py",)),
    M("23", "a quote in its source sentence loses its last character", "review/model.py",
      "positions[at + len(wanted) - 1] + 1", "positions[at + len(wanted) - 1]", ("tests/review/test_model.py",)),
    M("24", "a segment in one edition only is said to be in the other", "review/align.py",
      'side = "Korean" if pair.ko else "English"', 'side = "Korean" if pair.en else "English"',
      ("tests/review/test_align.py", CHECKS)),
    M("25", "a hand-typed number's column is off by one", "qa/checks.py",
      "yield number, found.start() + 1, found.group()", "yield number, found.start(), found.group()", (CHECKS,)),
    M("26", "a forbidden English name in other capitals is not found", "qa/checks.py",
      'return re.compile(rf"(?<![\\w-]){words}(?![\\w-])", re.IGNORECASE)',
      'return re.compile(rf"(?<![\\w-]){words}(?![\\w-])")', (CHECKS,)),
    M("27", "a new audience's starter shows a counted noun as its term", "scaffold/audience.py",
      "term = next((t for t in glossary.terms if not t.is_counted_noun), None)",
      "term = next((t for t in glossary.terms if t.is_counted_noun), None)", ("tests/scaffold/test_audience.py",)),
    M("28", "wreport init writes into a folder that is not empty", "scaffold/project.py",
      "if target.exists() and (not target.is_dir() or any(target.iterdir())):",
      "if target.exists() and not target.is_dir():", ("tests/scaffold/test_project.py",)),
    M("29", "the preview does not repaint when a source text changes", "preview/server.py",
      "return path in files or path.is_relative_to(templates) or path.is_relative_to(sources)",
      "return path in files or path.is_relative_to(templates)",
      ("tests/preview/test_server.py::test_what_the_preview_watches_source_texts_included", "tests/preview")),
    M("30", "sources coverage exits 0 while some mentions are still open", "cli.py",
      "if any(status.is_open for status in statuses):", "if all(status.is_open for status in statuses):",
      (COVERAGE, CLI)),
]


def run_tests(tests: tuple[str, ...]) -> tuple[str, str]:
    """'caught', 'MISSED' or 'error' for one pytest run over ``tests``, and the test that failed."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-rf", "-p", "no:cacheprovider", *tests]
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                                check=False, start_new_session=True)
    except subprocess.TimeoutExpired:
        return "caught", f"(timed out after {TIMEOUT} s)"
    failed = re.search(r"^FAILED (\S+)", result.stdout, re.MULTILINE)
    return {0: "MISSED", 1: "caught"}.get(result.returncode, "error"), failed.group(1) if failed else ""


def probe(mutation: Mutation) -> tuple[str, str, float]:
    """Apply one mutation, run its tests, restore the file exactly; the outcome, the failed test
    and the seconds."""
    path = SRC / mutation.file
    if subprocess.run(["git", "diff", "--quiet", "--", str(path)], cwd=ROOT, check=False).returncode != 0:
        raise SystemExit(f"{path}: uncommitted changes; commit or stash them first")
    original = path.read_bytes()
    times = path.stat()
    text = original.decode("utf-8")
    if text.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.key}: {mutation.old!r} occurs {text.count(mutation.old)} times in {path}")
    start = time.monotonic()
    try:
        path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
        outcome, failed = run_tests(mutation.tests)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    return outcome, failed, time.monotonic() - start


def main(argv: list[str]) -> int:
    """Probe the chosen mutations (all by default) and print one line each, then the count."""
    # Stopped with SIGTERM, the probe still puts the mutated file back (the ``finally`` above)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    every = {m.key: m for m in [*EXAMPLES, *MUTATIONS]}
    if argv == ["--list"]:
        for m in every.values():
            print(f"{m.key:>3}  {m.file}: {m.what}")
        return 0
    chosen = [every[key] for key in argv] if argv else list(every.values())
    missed = 0
    for mutation in chosen:
        outcome, failed, seconds = probe(mutation)
        missed += outcome != "caught"
        print(f"{mutation.key:>3} {outcome:<6} {seconds:5.0f} s  {mutation.file}: {mutation.what}  {failed}", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
