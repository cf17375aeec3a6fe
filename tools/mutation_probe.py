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
MUTATIONS: list[Mutation] = []


def run_tests(tests: tuple[str, ...]) -> str:
    """'caught', 'MISSED' or 'error' for one pytest run over ``tests``."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return "caught"
    return {0: "MISSED", 1: "caught"}.get(result.returncode, "error")


def probe(mutation: Mutation) -> tuple[str, float]:
    """Apply one mutation, run its tests, restore the file exactly; the outcome and seconds."""
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
        outcome = run_tests(mutation.tests)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    return outcome, time.monotonic() - start


def main(argv: list[str]) -> int:
    """Probe the chosen mutations (all by default) and print one line each, then the count."""
    every = {m.key: m for m in [*EXAMPLES, *MUTATIONS]}
    if argv == ["--list"]:
        for m in every.values():
            print(f"{m.key:>3}  {m.file}: {m.what}")
        return 0
    chosen = [every[key] for key in argv] if argv else list(every.values())
    missed = 0
    for mutation in chosen:
        outcome, seconds = probe(mutation)
        missed += outcome != "caught"
        print(f"{mutation.key:>3} {outcome:<6} {seconds:5.0f} s  {mutation.file}: {mutation.what}", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
