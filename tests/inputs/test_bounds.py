"""Bounded work and outputs that never hurt inputs, through the real command line (issue 11).

Every case runs the installed ``wreport`` on a copy of the fixture project that has already been
built once (HTML), and asserts what a user would check: the message, the exit status, that the
previous outputs and the inputs are byte for byte as they were, and that a file outside the copy
whose contents must never appear did not appear anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from mini_project import copy_mini
from project_edits import (
    EN,
    WREPORT,
    append,
    edit,
    pdf_text,
    snapshot,
    squashed,
    words_off_the_page,
)

SECRET = "outside-the-project: must never be read"
INPUTS = ("wreport.toml", "seeds", "glossary", "templates")


@pytest.fixture
def project(built_mini: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project, with a secret file beside it."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    return root


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WREPORT), "--project", str(root), *args], capture_output=True, text=True, check=False,
                          timeout=300, env=env)


def everything(root: Path) -> dict[str, bytes]:
    """Every input and output file of the project (hidden ones included), with its bytes."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink()}


def refused(root: Path, *args: str, words: str, env: dict[str, str] | None = None,
            changes: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a command that must fail: one clear message, exit 1, nothing changed, nothing leaked."""
    before = everything(root)
    result = run(root, *args, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert words in output, (words, output)
    if not changes:
        assert everything(root) == before
    assert SECRET not in output
    return result


def limit(root: Path, seconds: float) -> None:
    append(root, "wreport.toml", f"\n[limits]\nrender_seconds = {seconds}\n")


def template(root: Path, body: str) -> None:
    """Put ``body`` into the English template, after the Sales heading (line 8)."""
    edit(root, EN, "## Sales\n", f"## Sales\n{body}\n")


# ---------------------------------------------------------------- the time limit
# Independent of machine load: an honest edition of the fixture costs about 0.6 s of CPU, some
# 5 s of wall-clock time on a two-core machine with a load of 10, far under LIMIT; the endless
# loop is 10**10 iterations, a quarter of an hour at the 10**7 a second Jinja reaches at best, far
# over it. Only the English edition holds the loop, so the Korean one must never be stopped.
LIMIT = 20
NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.mark.parametrize("command", [("build", "--format", "html"), ("build", "--format", "html", "--jobs", "1"),
                                     ("check",)], ids=["build", "build --jobs 1", "check"])
def test_a_loop_that_never_ends_is_stopped_at_the_time_limit(project, command):
    limit(project, LIMIT)
    before = snapshot(project / "out")
    template(project, NESTED_LOOPS)
    result = refused(project, *command, words=f"brief (en): stopped at the time limit of {LIMIT} s for one edition, "
                                              "while rendering the template", changes=True)
    output = result.stdout + result.stderr
    assert f"{EN}:" in output and "render_seconds" in output
    assert "brief (ko)" not in output  # the honest edition finished well within the limit
    assert snapshot(project / "out") == before  # every output as it was


@pytest.mark.parametrize("value, words", [
    ('"fast"', "'render_seconds' must be a whole number, not 'fast'"),
    ("0", "'render_seconds': input should be greater than or equal to 1"),
    ("-5", "'render_seconds': input should be greater than or equal to 1"),
    ("true", "'render_seconds' must be a whole number, not True"),
])
def test_a_bad_time_limit_is_a_message(project, value, words):
    append(project, "wreport.toml", f"\n[limits]\nrender_seconds = {value}\n")
    line = (project / "wreport.toml").read_text(encoding="utf-8").splitlines().index(f"render_seconds = {value}") + 1
    refused(project, "build", "--force", "--format", "html", words=f"wreport.toml:{line}: {words}")


# ---------------------------------------------------------------- sizes
GROWTH = [
    ("~ in a loop", "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
     "joining texts with ~ would make a text of 1,048,576 characters; a template may build at most 1,000,000"),
    ("+ in a loop", "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
     "adding texts with + would make a text of 1,048,576 characters"),
    ("a set block in a loop",
     "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x %}{{ ns.x }}{{ ns.x }}{% endset %}{% endfor %}",
     "a text of 1,048,576 characters"),
    ("the join filter", "{{ (['x' * 100000] * 100000) | join }}",
     "join would make a text of 10,000,000,000 characters"),
    ("str.join", "{{ ''.join(['x' * 100000] * 100000) }}", "join would make a text of 10,000,000,000 characters"),
    ("the replace filter", "{{ ('a' * 100000) | replace('a', 'a' * 1000) }}",
     "replace would make a text of 100,000,000 characters"),
    ("str.replace", "{{ ('a' * 100000).replace('a', 'a' * 1000) }}",
     "replace would make a text of 100,000,000 characters"),
    ("str.ljust", "{{ 'a'.ljust(1000000000) }}", "ljust width 1,000,000,000 is too large"),
    ("adding lists", "{% set ns = namespace(x=[1]) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
     "adding lists with + would make 131,072 items"),
    ("a loop printing bounded pieces", "{% for i in range(100) %}{{ 'x' * 100000 }}{% endfor %}",
     "the edition's text passed 5,000,000 characters"),
    ("a macro calling itself", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RecursionError"),
]


@pytest.mark.parametrize("body, words", [case[1:] for case in GROWTH], ids=[case[0] for case in GROWTH])
def test_a_text_that_grows_without_bound_is_refused_at_its_line(project, body, words):
    template(project, body)
    result = refused(project, "build", "--format", "html", words=words)
    assert f"error: {EN}:8: " in result.stderr


# ---------------------------------------------------------------- characters no format can hold
@pytest.mark.parametrize("literal, what", [("\\x01", "control character U+0001"),
                                           ("\\x1b[31m", "control character U+001B"),
                                           ("\\ud800", "lone surrogate U+D800"), ("\\uffff", "noncharacter U+FFFF"),
                                           ("\\u202e", "bidirectional control U+202E")])
def test_a_control_character_from_a_template_is_a_message_at_its_line(project, literal, what):
    template(project, f'{{{{ "a{literal}b" }}}}')
    result = refused(project, "build", "--format", "docx", words=f"{what} in the edition's text")
    assert f"error: {EN}:8: " in result.stderr


def test_a_control_character_in_the_glossary_stops_the_tbx_export_with_its_line(project):
    # Refused where the glossary is read (inputs.py), at its line and column, before any export;
    # the TBX writer's own check (export_tbx) stays for terms built in code.
    append(project, "glossary/terms.csv", "seoul,서울,Se\x01oul,,place,,,,\n")
    refused(project, "glossary", "export", "--format", "tbx", words="glossary/terms.csv:7:12: control "
                                                                     "character U+0001 in the text")


# ---------------------------------------------------------------- outputs never touch inputs
@pytest.mark.parametrize("args, words", [
    (("glossary", "export", "--format", "tbx", "--output", "glossary/terms.csv"),
     "--output glossary/terms.csv is the project's glossary"),
    (("glossary", "export", "--output", "wreport.toml"), "--output wreport.toml is the project's configuration"),
    (("glossary", "export", "--output", "templates/brief/terms.csv"),
     "--output templates/brief/terms.csv lies inside the project's templates folder (templates)"),
    (("glossary", "export", "--output", "seeds/facts.yaml"), "is the project's facts"),
    (("glossary", "export", "--output", "seeds/sources.yaml"), "is the project's sources manifest"),
    (("build", "--format", "html", "--out", "templates"), "--out templates is the project's templates folder"),
    (("build", "--format", "html", "--out", "templates/brief"), "lies inside the project's templates folder"),
    (("build", "--format", "html", "--out", "seeds/sources"), "is the project's sources folder"),
    (("build", "--format", "html", "--out", "glossary/terms.csv"), "is the project's glossary"),
], ids=["tbx over the glossary", "csv over wreport.toml", "csv into templates", "over the facts",
        "over sources.yaml", "build into templates", "build into an audience", "build into sources",
        "build onto the glossary"])
def test_an_output_that_is_or_lies_inside_an_input_is_refused(project, monkeypatch, args, words):
    monkeypatch.chdir(project)
    result = refused(project, *args, words=words)
    assert "outputs never overwrite inputs" in result.stderr


def test_an_output_folder_reached_through_a_symlink_is_refused(project):
    (project / "elsewhere").symlink_to(project / "templates")
    refused(project, "build", "--format", "html", "--out", str(project / "elsewhere" / "x"),
            words="lies inside the project's templates folder (templates)")


def test_paths_out_in_wreport_toml_may_not_point_into_the_templates(project):
    append(project, "wreport.toml", '\n[paths]\nout = "templates/brief"\n')
    refused(project, "build", "--format", "html", words="the output folder ([paths] out)")


def test_an_output_that_would_land_in_an_input_folder_is_refused(project):
    """An audience called "sources" built into seeds/ would write into the sources folder; seeds/
    itself, holding the curated files (set-aside.yaml, claims, sign-offs), is refused as a whole,
    and set-aside.yaml by name (issue 23: `glossary export -o seeds/set-aside.yaml` replaced it)."""
    shutil.copytree(project / "templates" / "brief", project / "templates" / "sources")
    refused(project, "build", "--format", "html", "--out", str(project / "seeds"),
            words="is the project's data folder (seeds)")
    refused(project, "glossary", "export", "-o", str(project / "seeds" / "set-aside.yaml"),
            words="is the project's set-aside figures (seeds/set-aside.yaml)")
    refused(project, "review", "--out", str(project / "templates"), words="is the project's templates folder")


# ---------------------------------------------------------------- CSV exports
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_glossary_csv_export_neutralises_formula_cells(project, start):
    formula = f"{start}SUM(A1:A2)*cmd|' /C calc'!A0"
    edit(project, "glossary/terms.csv", "wonju_city,원주시,Wonju City,,organisation,,,,",
         f'wonju_city,원주시,Wonju City,,organisation,,,"{formula}",')
    result = run(project, "glossary", "export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout, newline=""))}
    assert rows["wonju_city"]["notes"] == "'" + formula
    cells = [cell for row in rows.values() for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize("start", ["\t", "\r", "=", "+", "-", "@"], ids=["tab", "CR", "=", "+", "-", "@"])
def test_every_formula_start_is_neutralised_but_plain_numbers_are_not(start):
    """The glossary loader strips a leading tab or CR, so those are checked on the cell itself."""
    from wreport.inputs.boundary import spreadsheet_safe

    assert spreadsheet_safe(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert [spreadsheet_safe(v) for v in ("-3.2", "+7", "12", "Wonju", 4)] == ["-3.2", "+7", "12", "Wonju", 4]


def test_facts_csv_export_neutralises_formula_cells_but_keeps_numbers(project):
    edit(project, "seeds/facts.yaml", "en: sales of cluster firms}", "en: '=1+1'}")
    edit(project, "seeds/facts.yaml", "en: forecast sales of cluster firms}", "en: '@SUM(A1:A2)'}")
    result = run(project, "facts", "export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    labels = {row["label_en"] for row in rows}
    assert {"'=1+1", "'@SUM(A1:A2)"} <= labels and "=1+1" not in labels
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "@", "\t", "\r")]


# ---------------------------------------------------------------- what a killed build leaves
def test_a_build_removes_the_temporary_files_a_killed_build_left(project):
    out = project / "out"
    stale = [out / "brief" / ".brief.en.html.k1ll3d.tmp", out / "..wreport-cache.json.x9y8z7.tmp"]  # write_atomic: ".NAME.*.tmp"
    for path in stale:
        path.write_bytes(b"half a file")
    mine = out / "brief" / ".notes.tmp"
    mine.write_text("the user's own file")
    edit(project, EN, "# Overview", "# Overview again")
    result = run(project, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert [path.name for path in stale if path.exists()] == []
    assert mine.read_text() == "the user's own file"


# ---------------------------------------------------------------- the build record
CACHES = {
    "truncated": lambda good: good[: len(good) // 2],
    "not JSON": lambda good: b"\x00\xff binary \x89PNG",
    "not UTF-8": lambda good: good.replace(b'"version"', b'"\xff\xfe"'),
    "a list": lambda good: b"[1, 2, 3]",
    "outputs a list": lambda good: json.dumps({"version": 2, "outputs": [], "templates": {}}).encode(),
    "size a string": lambda good: good.replace(b'"size": ', b'"size": "x", "was": '),
    "template names numbers": lambda good: json.dumps({**json.loads(good), "templates": {
        k: [1, 2] for k in json.loads(good)["templates"]}}).encode(),
    "nested 100,000 deep": lambda good: b"[" * 100_000 + b"]" * 100_000,
    "huge": lambda good: b'{"version": 2, "pad": "' + b"x" * 17_000_000 + b'"}',
}


@pytest.mark.parametrize("spoil", list(CACHES.values()), ids=list(CACHES))
def test_a_cache_that_cannot_be_trusted_is_treated_as_empty(project, spoil):
    cache = project / "out" / ".wreport-cache.json"
    cache.write_bytes(spoil(cache.read_bytes()))
    result = run(project, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "built" in result.stdout
    record = json.loads(cache.read_text(encoding="utf-8"))  # replaced by a good one
    assert sorted(record["outputs"]) == ["brief/brief.en.html", "brief/brief.ko.html"]
    again = run(project, "build", "--format", "html")
    assert "2 up to date" in again.stdout, again.stdout


def test_an_output_whose_template_changed_during_the_render_is_not_marked_up_to_date(tmp_path):
    """Edited during the build, then put back: the output is not up to date with either text."""
    from wreport.build.editions import build
    from wreport.inputs.project import load_project

    root = copy_mini(tmp_path)
    project = load_project(root)
    template = root / EN
    original = template.read_text(encoding="utf-8")

    def edit_while_building(output):
        if output.lang == "en":
            template.write_text(original.replace("# Overview", "# Overview, edited"), encoding="utf-8")

    build(project, formats=["html"], langs=["en"], progress=edit_while_building)
    template.write_text(original, encoding="utf-8")
    again = build(project, formats=["html"], langs=["en"])
    assert [output.status for output in again] == ["built"]


# ---------------------------------------------------------------- a full disk
FULL_DISK = """
import errno, tempfile
def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")
tempfile.{name} = full
"""


@pytest.mark.parametrize("name, args, words", [
    ("mkdtemp", ("build", "--format", "pdf", "--lang", "en"),
     "brief (en): No space left on device while laying out the PDF"),
    ("mkstemp", ("build", "--format", "html", "--force"), "cannot write here: No space left on device"),
], ids=["temporary folder full while rendering", "output folder full while writing"])
def test_a_full_disk_is_a_message(project, tmp_path, name, args, words):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FULL_DISK.format(name=name))
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(hooks), "HOME": str(tmp_path)}
    refused(project, *args, words=words, env=env)


# ---------------------------------------------------------------- checks see what a reader sees
@pytest.mark.parametrize("written", ["Korea Industrial Complex Agen\u00adcy", "Korea Industrial\u00a0Complex Agency",
                                     "Korea Indus\u200btrial Complex Agency", "Korea Industrial Complex\u202fAgency",
                                     "Ｋｏｒｅａ Industrial Complex Agency"],
                         ids=["soft hyphen", "no-break space", "zero-width space", "narrow no-break space",
                              "full-width letters"])
def test_a_forbidden_name_hidden_by_invisible_or_compatibility_characters_is_found(project, written):
    edit(project, EN, "reports yearly.", f"reports yearly, as the {written} did.")
    refused(project, "check", words="[ForbiddenVariant] forbidden variant 'Korea Industrial Complex Agency'",
            changes=True)


@pytest.mark.parametrize("written, seen", [("ㅇㅋ", "ᄋᄏ"), ("\uffa1\uffa4", "ᄀᄂ"), ("\u1100\u1161", "가")],
                         ids=["compatibility jamo", "half-width jamo", "conjoining jamo"])
def test_hangul_jamo_in_the_english_edition_count_as_korean(project, written, seen):
    edit(project, EN, "reports yearly.", f"reports yearly ({written}).")
    refused(project, "check", words=f"[Untranslated] Korean text '{seen}' in the brief/en edition", changes=True)


# ---------------------------------------------------------------- long unbreakable runs
def test_a_twenty_thousand_character_word_lays_out_within_the_limit(project):
    """Laid out in linear time it takes about a second; before, 10 to 30 s (docs/limits.md)."""
    limit(project, 30)
    word = "Unbreakable" * 1_818
    edit(project, EN, "reports yearly.", f"reports yearly. {word}")
    result = run(project, "build", "--format", "pdf", "--lang", "en")
    assert result.returncode == 0, result.stderr

    pdf = project / "out" / "brief" / "brief.en.pdf"
    text = squashed(re.sub("[\u00ad\u200b]|-\n", "", pdf_text(pdf.read_bytes())))
    # every "Unbreakable" is there but those a page break cut (page footers and notes sit between)
    assert len(re.findall("Unbreakable", text)) >= 1_818 - 20
    assert words_off_the_page(pdf) == []


def test_break_long_runs_adds_zero_width_spaces_only_to_long_runs():
    from wreport.writers.html import break_long_runs

    long_en, long_ko = "a" * 150, "가" * 70
    short = "industry-academia-research-government 원주의료기기테크노밸리는"
    assert break_long_runs([short]) == [short]
    en, ko = break_long_runs([long_en[:100], long_en[100:] + " " + long_ko])
    assert (en + ko).replace("\u00ad\u200b", "").replace("\u200b", "") == long_en + " " + long_ko
    assert [len(piece) for piece in (en + ko).split(" ")[0].split("\u00ad\u200b")] == [60, 60, 30]
    assert [len(piece) for piece in ko.split(" ")[1].split("\u200b")] == [30, 30, 10]
