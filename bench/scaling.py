"""How the time of each scan of input text grows with its input: linear means ~10x per 10x.

    .venv/bin/python bench/scaling.py [--sizes 1,10,100] [--repeat 3] [--only NAME...]

Each scan wreport runs over text someone else wrote is timed in this process on inputs of size
n and 10n (and 100n where that stays quick), built here from the project's own material: the
five real sources repeated, one sentence dense with figures, an HTML page of the sources in the
charset it declares, a build record with many entries, a template with many loading tags. The
printed ratio is each size's time over the first size's; a scan that is linear in its input
shows ~10 and ~100, a quadratic one ~100 and ~10,000. Each time is the best of three runs (the
caches a scan keeps between calls are emptied first). Not a timed test: on two shared cores the
times vary, the ratios much less. bench/README.md records a run.
"""

from __future__ import annotations

import argparse
import codecs
import encodings
import json
import pkgutil
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REAL_SOURCES = sorted((ROOT / "seeds" / "sources").glob("*.txt"))

#: A case: for a size factor k, a function doing the scan once (setup done outside it).
Case = Callable[[int, Path], Callable[[], object]]


def base_text() -> str:
    """The five real sources, one after the other (45 KB)."""
    return "\n\n".join(path.read_text(encoding="utf-8") for path in REAL_SOURCES)


def clear_caches() -> None:
    """Empty the caches the scans keep per text, so each run pays for the whole scan."""
    from wreport.curation.mentions import mentions_of
    from wreport.inputs.text import quote_key, spaceless

    mentions_of.cache_clear()
    spaceless.cache_clear()
    quote_key.cache_clear()


def best_of(run: Callable[[], object], repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# ---------------------------------------------------------------- material
def dense_sentence(figures: int) -> str:
    """One sentence holding ``figures`` amounts, as a statistical annex run together writes them."""
    return "연도별 매출은 " + ", ".join(f"{1000 + i % 9000}억원" for i in range(figures)) + "이다.\n"


def scaled_project(k: int, work: Path) -> Path:
    """A copy of this project whose every source text is the real one repeated ``k`` times (every
    fact's and claim's quote is then found k times, and every figure is k figures)."""
    target = work / f"project-{k}"
    if target.exists():
        return target
    target.mkdir()
    for name in ("wreport.toml", "seeds", "glossary", "templates"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
    for path in (target / "seeds" / "sources").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        path.write_text("\n\n".join([text] * k), encoding="utf-8")
    (target / "wreport.toml").write_text((ROOT / "wreport.toml").read_text(encoding="utf-8")
                                         + "\n[limits]\nsource_bytes = 100000000\nfile_bytes = 100000000\n", encoding="utf-8")
    return target


def loaded(k: int, work: Path) -> tuple[object, object]:
    from wreport.data.facts import load_facts
    from wreport.inputs.project import load_project

    project = load_project(scaled_project(k, work))
    return project, load_facts(project)


# ---------------------------------------------------------------- the cases
def case_dense_mentions(k: int, work: Path) -> Callable[[], object]:
    from wreport.curation.mentions import find_mentions

    text = dense_sentence(1000 * k)
    return lambda: find_mentions("dense", text)


def case_source_mentions(k: int, work: Path) -> Callable[[], object]:
    from wreport.curation.mentions import find_mentions

    text = "\n\n".join([base_text()] * k)
    return lambda: find_mentions("sources", text)


def case_load_quotes(k: int, work: Path) -> Callable[[], object]:
    from wreport.data.facts import load_facts
    from wreport.inputs.project import load_project

    project = load_project(scaled_project(k, work))
    return lambda: load_facts(project)


def case_values(k: int, work: Path) -> Callable[[], object]:
    from wreport.curation.values import value_problems

    project, fact_set = loaded(k, work)
    return lambda: value_problems(project, fact_set)  # type: ignore[arg-type]


def case_coverage(k: int, work: Path) -> Callable[[], object]:
    from wreport.curation.coverage import coverage

    project, fact_set = loaded(k, work)
    return lambda: coverage(project, fact_set)  # type: ignore[arg-type]


def case_dense_coverage(k: int, work: Path) -> Callable[[], object]:
    """The red team's case: a source with thousands of figures in one sentence, through coverage
    and the value check, as ``wreport check`` runs them."""
    from wreport.curation.coverage import coverage
    from wreport.curation.values import value_problems
    from wreport.data.facts import load_facts
    from wreport.inputs.project import load_project

    root = scaled_project(1, work).parent / f"dense-{k}"
    if not root.exists():
        shutil.copytree(scaled_project(1, work), root)
        first = sorted((root / "seeds" / "sources").glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + dense_sentence(1000 * k), encoding="utf-8")
    project = load_project(root)
    fact_set = load_facts(project)
    return lambda: (value_problems(project, fact_set), coverage(project, fact_set))


def annex_project(k: int, work: Path) -> Path:
    """A copy of this project with one more source, an annex of 200·k lines, each a figure that
    one fact quotes (a long source, fully curated: facts and text grow together)."""
    root = scaled_project(1, work).parent / f"annex-{k}"
    if root.exists():
        return root
    shutil.copytree(scaled_project(1, work), root)
    lines = [f"{i}번 사업장의 작년 매출은 {1000 + i}억원이다." for i in range(200 * k)]
    (root / "seeds" / "sources" / "annex.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (root / "seeds" / "sources.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n  - id: annex\n    title: "부록"\n    title_en: "Annex"\n    publisher: "원주시"\n'
                       '    publisher_en: "Wonju City"\n    date: "2017"\n    date_basis: "inferred: bench"\n'
                       "    language: ko\n    file: annex.txt\n")
    facts = root / "seeds" / "facts.yaml"
    added = "".join(f'\n  - id: annex_sales_{i}\n    value: "{(1000 + i) * 10**8}"\n    unit: KRW\n'
                    '    as_of: "2016"\n    approx: none\n    status: actual\n'
                    f'    label: {{ko: 매출 {i}, en: sales {i}}}\n    source: annex\n    quote: "{line}"\n'
                    for i, line in enumerate(lines))
    head, _, tail = facts.read_text(encoding="utf-8").partition("\nconflicts:")
    facts.write_text(head + added + "\nconflicts:" + tail, encoding="utf-8")
    return root


def case_annex(k: int, work: Path) -> Callable[[], object]:
    """``check``'s data half on the annex: every quote found (load), each value against its
    quote, coverage."""
    from wreport.curation.coverage import coverage
    from wreport.curation.values import value_problems
    from wreport.data.facts import load_facts
    from wreport.inputs.project import load_project

    project = load_project(annex_project(k, work))

    def run() -> object:
        fact_set = load_facts(project)
        return value_problems(project, fact_set), coverage(project, fact_set)
    return run


def case_import_text(k: int, work: Path) -> Callable[[], object]:
    """``sources add`` of a text file: cleaning and the stated-date search (runs of spaces after
    입력, as a page's form fields leave them)."""
    from wreport.curation.importing import extract

    path = work / f"import-{k}.txt"
    path.write_text(("입력" + " " * 300 + "\n") * 10 * k + "\n\n".join([base_text()] * k)
                    + "\n입력 : 2007-12-10\n", encoding="utf-8")
    return lambda: extract(path)


def case_import_html(k: int, work: Path) -> Callable[[], object]:
    """``sources add`` of an HTML page declaring euc-kr: decoding, nesting count, extraction."""
    from wreport.curation.importing import extract

    path = work / f"import-{k}.html"
    body = "".join(f"<p>{line}</p>\n" for line in "\n\n".join([base_text()] * k).splitlines() if line.strip())
    page = f'<html><head><meta charset="euc-kr"><title>t</title></head><body><article>{body}</article></body></html>'
    path.write_bytes(page.encode("cp949", errors="replace"))
    return lambda: extract(path)


def case_record_read(k: int, work: Path) -> Callable[[], object]:
    """A build record of 2,000·k outputs (of removed audiences, their files absent) and as many
    template lists: read, then its orphans looked for, as ``build`` does."""
    from wreport.build.cache import CACHE_NAME, CACHE_VERSION, BuildRecord

    out = work / f"out-{k}"
    out.mkdir(exist_ok=True)
    entry = {"key": "0" * 64, "sha256": "0" * 64, "size": 1, "pages": None}
    record = {"version": CACHE_VERSION,
              "outputs": {f"gone-{i % 50}/brief-{i}.en.pdf": entry for i in range(2000 * k)},
              "templates": {f"{i:064x}": ["_shared/macros.md.j2", None] for i in range(2000 * k)}}
    (out / CACHE_NAME).write_text(json.dumps(record), encoding="utf-8")

    def run() -> object:
        loaded_record = BuildRecord(out)
        return loaded_record.remove_orphans(["partner-brief", "policy-brief"])
    return run


def case_record_templates(k: int, work: Path) -> Callable[[], object]:
    """A template with 300·k loading tags (runs of spaces inside each, and one of 2,000·k spaces)
    whose recorded list the build checks against a scan of the template before believing it."""
    import hashlib

    from wreport.build.cache import Hasher

    root = scaled_project(1, work)
    path = root / "templates" / "_shared" / f"many-{k}.md.j2"
    tag = '{%  include   "_shared/macros.md.j2"' + " " * 40 + "ignore missing" + " " * 40 + "%}\n"
    path.write_text(tag * 300 * k + '{% from "_shared/macros.md.j2"' + " " * 2000 * k + "import cite %}\n",
                    encoding="utf-8")
    known = {hashlib.sha256(path.read_bytes()).hexdigest(): ["_shared/macros.md.j2"]}
    return lambda: Hasher(root, dict(known)).referenced(path)


def case_template_parse(k: int, work: Path) -> Callable[[], object]:
    """The same template without a record: Jinja parses it to find what it loads."""
    from wreport.build.cache import Hasher

    case_record_templates(k, work)
    root = scaled_project(1, work)
    path = root / "templates" / "_shared" / f"many-{k}.md.j2"
    return lambda: Hasher(root).referenced(path)


def case_check_template(k: int, work: Path) -> Callable[[], object]:
    """``wreport check --audience partner-brief`` with both editions' bodies written out k times:
    rendering, figures in both editions, forbidden variants, look-alikes, sections, support."""
    from wreport.inputs.project import load_project
    from wreport.qa.checks import run_checks

    root = scaled_project(1, work).parent / f"long-{k}"
    if not root.exists():
        shutil.copytree(scaled_project(1, work), root)
        for lang in ("ko", "en"):
            path = root / "templates" / "partner-brief" / f"{lang}.md.j2"
            head, _, body = path.read_text(encoding="utf-8").partition("-%}\n")
            path.write_text(f"{head}-%}}\n" + body * k, encoding="utf-8")
    project = load_project(root)
    return lambda: run_checks(project, ["partner-brief"])


CASES: dict[str, tuple[str, Case]] = {
    "dense-mentions": ("figures of one sentence, 1,000·k (facts candidates)", case_dense_mentions),
    "mentions": ("the real sources ×k, 45 KB·k (facts candidates)", case_source_mentions),
    "quotes": ("facts' and claims' quotes in sources ×k (load: facts, claims)", case_load_quotes),
    "values": ("each fact's value in its quote, sources ×k (check: ValueNotInQuote)", case_values),
    "coverage": ("coverage with set-aside contexts, sources ×k (facts coverage)", case_coverage),
    "dense-check": ("1,000·k figures in one sentence of a source (check: values + coverage)", case_dense_coverage),
    "check-template": ("check of an audience whose templates are written out k times (4 KB·k)", case_check_template),
    "annex": ("an annex of 200·k lines and the 200·k facts quoting them (load, values, coverage)", case_annex),
    "import-text": ("sources add of a text, 45 KB·k (cleaning, stated date)", case_import_text),
    "import-html": ("sources add of an euc-kr HTML page, 60 KB·k", case_import_html),
    "record": ("build record of 2,000·k outputs and template lists (read, orphans)", case_record_read),
    "record-templates": ("a recorded template list checked against 300·k loading tags", case_record_templates),
    "template-parse": ("the same template parsed by Jinja (no record, or one not believed)", case_template_parse),
}


def charset_ratios() -> list[tuple[str, list[float]]]:
    """Each codec ``documents.charset`` lets a page choose (asked with every WHATWG label and every
    codec Python ships), decoding the real sources ×10 (450 KB) written in it, what it cannot
    write replaced, then 10 times that (4.5 MB: an HTML page may have at most ``html_bytes``, 10 MB).
    Small inputs are too quick to time apart from the processor's caches."""
    import webencodings

    from wreport.curation.documents import charset
    from wreport.errors import WreportError

    names = {module.name.replace("_", "-") for module in pkgutil.iter_modules(encodings.__path__)} - {"aliases"}
    accepted = set()
    for name in sorted(names | set(webencodings.LABELS)):
        try:
            accepted.add(charset(name, Path("page.html")))
        except WreportError:
            continue
    results = []
    for codec in sorted(accepted):
        data = (base_text() * 10).encode(codec, errors="replace")
        times = [best_of(lambda chunk=data * k, name=codec: chunk.decode(name, errors="replace")) for k in (1, 10)]
        results.append((codecs.lookup(codec).name, times))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="size factors, the first the base (default 1,10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scan, the best kept (default 3)")
    parser.add_argument("--only", nargs="*", help=f"cases to run ({', '.join(CASES)}, charsets)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    chosen = args.only or [*CASES, "charsets"]
    print(f"| scan | {' | '.join(f'×{k}' for k in sizes)} | ratios |")
    print(f"| --- | {' | '.join('---:' for _ in sizes)} | ---: |")
    with tempfile.TemporaryDirectory(prefix="wreport-scaling-") as folder:
        for name in chosen:
            if name == "charsets":
                continue
            what, case = CASES[name]
            times = [best_of(case(k, Path(folder)), args.repeat) for k in sizes]
            row(f"{what} [{name}]", times)
    if "charsets" in chosen:
        results = charset_ratios()
        slowest = max(results, key=lambda item: item[1][-1])
        row(f"decoding 450 KB·k in each of the {len(results)} charsets accepted, the slowest: {slowest[0]} "
            "(the rest take under 5 ms at ×1, too quick to time apart from the caches) [charsets]", slowest[1], sizes)


def row(what: str, times: list[float], sizes: list[int] | None = None) -> None:
    """One line of the table: the times at each size (blank where not run) and their ratios."""
    ratios = " / ".join(f"{t / times[0]:.1f}" for t in times[1:])
    cells = [f"{t:.4f} s" for t in times] + [""] * (len(sizes or times) - len(times))
    print(f"| {what} | {' | '.join(cells)} | {ratios} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
