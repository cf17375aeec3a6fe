"""The project folder is a boundary (inputs.py, schemas.py): hostile and broken inputs through the
real command line, on a copy of the fixture project that has been built once.

Each case breaks one input, runs ``wreport build`` and ``wreport check``, and asserts what a user
sees: exit status 1, one message naming the file (and line, where there is one), no traceback,
the previous outputs byte-identical, and nothing of a file outside the copy in any output (that
file holds a unique marker, and the breakages point symlinks and paths at it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

WREPORT = Path(sys.executable).parent / "wreport"
MARKER = f"OUTSIDE-{uuid.uuid4().hex}"
EN = "templates/brief/en.md.j2"
KO = "templates/brief/ko.md.j2"
MACROS = "templates/_shared/macros.md.j2"
AUDIENCE = "templates/brief/audience.toml"
FACTS = "seeds/facts.yaml"
SOURCES = "seeds/sources.yaml"
GLOSSARY = "glossary/terms.csv"
CONFIG = "wreport.toml"


@pytest.fixture
def case(tmp_path: Path, built_mini: Path) -> tuple[Path, Path]:
    """A fresh copy of the built project, and beside it a folder ``outside`` holding the marker."""
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{MARKER}\n", encoding="utf-8")
    (outside / "secret.md.j2").write_text(f"# {MARKER}\n", encoding="utf-8")
    return root, outside


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WREPORT), "--project", str(root), *args], check=False, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "250"})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def place(root: Path, relative: str, text: str | bytes) -> str:
    """Where ``text`` first is in a file of the copy, found independently of wreport: ``file:line``,
    or for bytes (a bad byte, a control character) ``file:line:column``, columns in characters."""
    data = (root / relative).read_bytes()
    start = data.index(text if isinstance(text, bytes) else text.encode("utf-8"))
    line = data[:start].count(b"\n") + 1
    if isinstance(text, str):
        return f"{relative}:{line}"
    line_start = data.rfind(b"\n", 0, start) + 1
    return f"{relative}:{line}:{len(data[line_start:start].decode('utf-8', errors='replace')) + 1}"


# ---------------------------------------------------------------- breakages
def replace(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, relative)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_bytes(root: Path, relative: str, old: bytes, new: bytes) -> None:
    path = root / relative
    data = path.read_bytes()
    assert old in data, (old, relative)
    path.write_bytes(data.replace(old, new, 1))


def link(root: Path, relative: str, target: Path | str) -> None:
    path = root / relative
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.symlink_to(target)


def fifo(root: Path, relative: str) -> None:
    path = root / relative
    path.unlink()
    os.mkfifo(path)


def append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def outside_audience(outside: Path) -> Path:
    """A complete audience folder outside the project, its templates printing the marker."""
    folder = outside / "brief"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "templates" / "brief", folder)
    for lang in ("ko", "en"):
        (folder / f"{lang}.md.j2").write_text(f"# {MARKER}\n", encoding="utf-8")
    return folder


Breakage = Callable[[Path, Path], None]
# (id, breakage, where: (file, text on the line named, or None for the file alone), words)
Where = tuple[str, str | bytes | None]
CASES: list[tuple[str, Breakage, Where, str]] = [
    # ---- symlinks and paths that lead outside the project
    ("template is a symlink outside",
     lambda r, o: link(r, EN, o / "secret.md.j2"), (EN, None), "leads outside the project folder"),
    ("shared macro file is a symlink outside",
     lambda r, o: link(r, MACROS, o / "secret.md.j2"), (MACROS, None), "leads outside the project folder"),
    ("included partial is a symlink outside",
     lambda r, o: (link(r, "templates/_shared/part.md.j2", o / "secret.md.j2"),
                   replace(r, EN, "## Sales\n", '## Sales\n{% include "_shared/part.md.j2" %}\n')),
     ("templates/_shared/part.md.j2", None), "leads outside the project folder"),
    ("audience folder is a symlink outside",
     lambda r, o: link(r, "templates/brief", outside_audience(o)), ("templates/brief", None),
     "leads outside the project folder"),
    ("audience.toml is a symlink outside",
     lambda r, o: (shutil.copy(r / AUDIENCE, o / "audience.toml"), link(r, AUDIENCE, o / "audience.toml")),
     (AUDIENCE, None), "leads outside the project folder"),
    ("source text is a symlink outside",
     lambda r, o: link(r, "seeds/sources/fnnews.txt", o / "secret.txt"), (SOURCES, "file: fnnews.txt"),
     "source file 'fnnews.txt': refused: the path leads outside the project folder"),
    ("sources folder is a symlink outside",
     lambda r, o: (shutil.copytree(r / "seeds/sources", o / "sources"), link(r, "seeds/sources", o / "sources")),
     (SOURCES, "file: fnnews.txt"), "leads outside the project folder"),
    ("source file: with ../../.. in sources.yaml",
     lambda r, o: replace(r, SOURCES, "file: fnnews.txt", "file: ../../../outside/secret.txt"),
     (SOURCES, "file: ../../../outside/secret.txt"), "must be a path inside the sources/ folder"),
    ("source file: an absolute path",
     lambda r, o: replace(r, SOURCES, "file: fnnews.txt", f"file: {o / 'secret.txt'}"),
     (SOURCES, "file: /"), "must be a path inside the sources/ folder"),
    ("glossary is a symlink outside",
     lambda r, o: (shutil.copy(r / GLOSSARY, o / "terms.csv"), link(r, GLOSSARY, o / "terms.csv")),
     (GLOSSARY, None), "leads outside the project folder"),
    ("facts.yaml is a symlink outside",
     lambda r, o: (shutil.copy(r / FACTS, o / "facts.yaml"), link(r, FACTS, o / "facts.yaml")),
     (FACTS, None), "leads outside the project folder"),
    ("wreport.toml is a symlink outside",
     lambda r, o: ((o / "wreport.toml").write_text(f'[project]\nname = "{MARKER}"\n'), link(r, CONFIG, o / "wreport.toml")),
     (CONFIG, None), "leads outside the project folder"),
    ("[paths] facts outside the project",
     lambda r, o: append(r, CONFIG, '\n[paths]\nfacts = "../outside/facts.yaml"\n'),
     (CONFIG, 'facts = "../outside/facts.yaml"'), "[paths] facts = '../outside/facts.yaml' leads outside"),
    ("source text is a symlink to /dev/zero",
     lambda r, o: link(r, "seeds/sources/fnnews.txt", "/dev/zero"), (SOURCES, "file: fnnews.txt"),
     "leads outside the project folder"),
    # ---- not regular files
    ("source text is a FIFO",
     lambda r, o: fifo(r, "seeds/sources/fnnews.txt"), (SOURCES, "file: fnnews.txt"),
     "refused: a FIFO (named pipe), not a regular file"),
    ("template is a FIFO",
     lambda r, o: fifo(r, EN), (EN, None), "refused: a FIFO (named pipe), not a regular file"),
    ("facts.yaml is a FIFO",
     lambda r, o: fifo(r, FACTS), (FACTS, None), "refused: a FIFO (named pipe), not a regular file"),
    ("audience.toml is a FIFO",
     lambda r, o: fifo(r, AUDIENCE), (AUDIENCE, None), "refused: a FIFO (named pipe), not a regular file"),
    ("glossary is a folder",
     lambda r, o: ((r / GLOSSARY).unlink(), (r / GLOSSARY).mkdir()), (GLOSSARY, None),
     "refused: a folder, not a regular file"),
    # ---- size caps
    ("facts.yaml over [limits] file_bytes",
     lambda r, o: append(r, CONFIG, "\n[limits]\nfile_bytes = 1000\n"), (FACTS, None),
     "refused: the file is larger than 1,000 bytes"),
    ("source text over [limits] source_bytes",
     lambda r, o: (append(r, CONFIG, "\n[limits]\nsource_bytes = 1000\n"),
                   append(r, "seeds/sources/fnnews.txt", "가" * 1000)),
     (SOURCES, "file: fnnews.txt"), "refused: the file is larger than 1,000 bytes"),
    # ---- encoding and control characters
    ("invalid UTF-8 in a template",
     lambda r, o: replace_bytes(r, EN, b"## Sales\n", b"## Sales\n\xff\xfe\n"), (EN, b"\xff"),
     "not UTF-8 text: byte 0xff"),
    ("invalid UTF-8 in wreport.toml",
     lambda r, o: replace_bytes(r, CONFIG, b'name = "mini"', b'name = "mi\xc3ni"'), (CONFIG, b"\xc3n"),
     "not UTF-8 text: byte 0xc3"),
    ("invalid UTF-8 in audience.toml",
     lambda r, o: replace_bytes(r, AUDIENCE, b'subtitle = "A test brief"', b'subtitle = "A test \xe9brief"'),
     (AUDIENCE, b"\xe9"), "not UTF-8 text: byte 0xe9"),
    ("invalid UTF-8 in facts.yaml",
     lambda r, o: replace_bytes(r, FACTS, b"en: sales of cluster firms}", b"en: sales of cl\x80uster firms}"),
     (FACTS, b"\x80"), "not UTF-8 text: byte 0x80"),
    ("invalid UTF-8 in a source text",
     lambda r, o: replace_bytes(r, "seeds/sources/fnnews.txt", "억".encode(), b"\xea\xb0"),
     (SOURCES, "file: fnnews.txt"), "source file 'fnnews.txt': not UTF-8 text"),
    ("control character in a template",
     lambda r, o: replace(r, EN, "## Sales\n", "## Sa\x07les\n"), (EN, b"\x07"), "control character U+0007"),
    ("control character in the glossary",
     lambda r, o: replace(r, GLOSSARY, "Wonju Medical Industry", "Wonju\x0cMedical Industry"),
     (GLOSSARY, b"\x0c"), "control character U+000C"),
    ("C1 control (NEL) in a fact label",
     lambda r, o: replace(r, FACTS, "en: sales of cluster firms}", "en: sales of\x85cluster firms}"),
     (FACTS, "\x85".encode()), "control character U+0085"),
    ("NUL in audience.toml",
     lambda r, o: replace(r, AUDIENCE, 'author = "wreport tests"', 'author = "wreport\x00tests"'),
     (AUDIENCE, b"\x00"), "control character U+0000"),
    # ---- schemas: unknown keys, types, shapes
    ("unknown table [styel] in wreport.toml",
     lambda r, o: append(r, CONFIG, "\n[styel]\nmyriad_group_commas = false\n"), (CONFIG, "[styel]"),
     "unknown table [styel] (did you mean [style]?)"),
    ("unknown key in [paths]",
     lambda r, o: append(r, CONFIG, '\n[paths]\nfacst = "seeds/facts.yaml"\n'), (CONFIG, "facst ="),
     "unknown key 'facst' (did you mean 'facts'?)"),
    ("[limits] render_seconds as text",
     lambda r, o: append(r, CONFIG, '\n[limits]\nrender_seconds = "60"\n'), (CONFIG, "render_seconds"),
     "'render_seconds' must be a whole number, not '60'"),
    ("[style] myriad_group_commas as text",
     lambda r, o: append(r, CONFIG, '\n[style]\nmyriad_group_commas = "yes"\n'), (CONFIG, "myriad_group_commas"),
     "'myriad_group_commas' must be true or false, not 'yes'"),
    ("misspelt key in audience.toml",
     lambda r, o: replace(r, AUDIENCE, "formats = ", "fromats = "), (AUDIENCE, "fromats"),
     "unknown key 'fromats' (did you mean 'formats'?)"),
    ("quoted date in audience.toml",
     lambda r, o: replace(r, AUDIENCE, "date = 2007-12-10", 'date = "2007-12-10"'), (AUDIENCE, "date ="),
     "'date' must be a date, not '2007-12-10'"),
    ("unquoted comma cuts a label in a flow mapping",
     lambda r, o: replace(r, FACTS, "en: sales of cluster firms}", "en: sales (Ministry of Commerce, Industry)}"),
     (FACTS, "Ministry of Commerce"), "fact 'sales_2001': label: unknown field 'Industry)'"),
    ("fullwidth digits in as_of",
     lambda r, o: replace(r, FACTS, 'as_of: "2007-06-30"', 'as_of: "２００７-06-30"'), (FACTS, "２００７"),
     "'２００７-06-30' is not a date"),
    ("Arabic-Indic digits in a period",
     lambda r, o: replace(r, FACTS, 'period: "2001"', 'period: "٢٠٠١"'), (FACTS, "٢٠٠١"),
     "period '٢٠٠١' is not a year or a year range"),
    ("Devanagari digits in a source date",
     lambda r, o: replace(r, SOURCES, 'date: "2006-03"', 'date: "२००६-03"'), (SOURCES, "२००६"),
     "'२००६-03' is not a date"),
    ("4,400-digit decimal",
     lambda r, o: replace(r, FACTS, 'value: "28_600_000_000"', f'value: "{"9" * 4400}"'), (FACTS, "9999"),
     "fact 'sales_2001': value has 4,400 digits; at most 28 are allowed"),
    ("300-deep YAML",
     lambda r, o: replace(r, FACTS, "    status: actual\n", "    status: actual\n    note: " + "[" * 300 + "]" * 300 + "\n"),
     (FACTS, "[[["), "refused YAML: nested more than 32 levels deep"),
    ("YAML alias bomb",
     lambda r, o: replace(r, FACTS, "facts:\n", "bomb: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
                          "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nfacts:\n"),
     (FACTS, "bomb:"), "refused YAML: anchor &a refused"),
    ("YAML python tag",
     lambda r, o: replace(r, FACTS, "    status: actual\n", "    status: actual\n    note: !!python/object/apply:os.system [ls]\n"),
     (FACTS, "!!python"), "YAML tag tag:yaml.org,2002:python/object/apply:os.system refused"),
    ("misspelt top-level key in facts.yaml",
     lambda r, o: append(r, FACTS, "conflict:\n  - id: c\n    facts: [sales_2001, sales_2006]\n    note: x\n"),
     (FACTS, "conflict:"), "unknown top-level key 'conflict' (did you mean 'conflicts'?)"),
    ("misspelt field in sources.yaml",
     lambda r, o: replace(r, SOURCES, "    date_basis: stated in text\n", "    date_bassis: stated in text\n"),
     (SOURCES, "date_bassis"), "source 'fnnews-2007': unknown field 'date_bassis' (did you mean 'date_basis'?)"),
    ("non-ASCII digits through the date filter",
     lambda r, o: replace(r, EN, "## Sales\n", '## Sales\n{{ "٢٠٠٧" | date }}\n'), (EN, "٢٠٠٧"),
     "'٢٠٠٧' is not a date"),
]


@pytest.mark.parametrize("breakage, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_with_a_message_and_nothing_changes(case, breakage, where, words):
    root, outside = case
    before = snapshot(root / "out")
    breakage(root, outside)
    relative, text = where
    location = relative if text is None else place(root, relative, text)
    for command in (("build", "--format", "html"), ("check",)):
        result = run(root, *command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, (command, output)
        assert "Traceback" not in output, output
        assert re.search(rf"(^|\s){re.escape(location)}[:\s]", output), (command, location, output)
        assert words in output, (command, words, output)
        assert MARKER not in output
    assert snapshot(root / "out") == before
    assert not any(MARKER.encode() in data for data in snapshot(root / "out").values())


# ---------------------------------------------------------------- what is accepted, made right
def test_a_bom_before_a_template_keeps_its_first_heading_a_heading(case):
    root, _ = case
    path = root / EN
    first, rest = path.read_bytes().split(b"\n", 1)
    assert rest.startswith(b"# Overview\n")
    path.write_bytes(b"\xef\xbb\xbf# Overview\n" + first + b"\n" + rest.split(b"\n", 1)[1])  # heading on line 1
    result = run(root, "build", "--format", "html", "--lang", "en")
    assert result.returncode == 0, result.stderr
    html = (root / "out" / "brief" / "brief.en.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Overview</h1>", html), html[:2000]
    assert "\ufeff" not in html


def test_nfd_hangul_in_the_glossary_is_read_as_nfc(case):
    import unicodedata

    root, _ = case
    nfc = "원주의료기기테크노밸리"
    replace(root, GLOSSARY, nfc, unicodedata.normalize("NFD", nfc))
    assert unicodedata.normalize("NFD", nfc) in (root / GLOSSARY).read_text(encoding="utf-8")
    result = run(root, "glossary", "lookup", nfc)
    assert result.returncode == 0, result.stderr
    assert "Wonju Medical Industry Techno Valley" in result.stdout
    result = run(root, "build", "--format", "html", "--lang", "ko")
    assert result.returncode == 0, result.stderr
    html = (root / "out" / "brief" / "brief.ko.html").read_text(encoding="utf-8")
    assert nfc in html and unicodedata.normalize("NFD", nfc) not in html


def test_an_alias_of_a_text_is_refused_too(case):
    """Aliases are refused in data even when they only repeat a note: the first anchor is named at its line."""
    root, _ = case
    replace(root, FACTS, "    status: actual\n", "    status: actual\n    note: &n a shared note\n")
    replace(root, FACTS, "  - id: sales_2006\n", "  - id: sales_2006\n    note: *n\n")
    result = run(root, "check")
    line = next(number for number, text in enumerate((root / FACTS).read_text(encoding="utf-8").splitlines(), 1)
                if "&n" in text)
    assert result.returncode == 1
    assert f"{FACTS}:{line}" in result.stderr + result.stdout and "anchor &n refused" in result.stderr + result.stdout


def test_limits_are_typed_attributes_of_the_project(case):
    from wreport.inputs.project import load_project

    root, _ = case
    append(root, CONFIG, "\n[limits]\nrender_seconds = 5\nfile_bytes = 50000\n")
    project = load_project(root)
    assert (project.limits.render_seconds, project.limits.file_bytes, project.limits.source_bytes) == (5, 50_000, 10_000_000)
    assert load_project(Path(__file__).resolve().parents[2]).limits.render_seconds == 60


def test_every_problem_in_wreport_toml_is_reported_at_once(case):
    root, _ = case
    append(root, CONFIG, '\n[styel]\nx = 1\n[limits]\nrender_seconds = 0\n[paths]\nglossary = "/etc/passwd"\n')
    result = run(root, "check")
    assert result.returncode == 1
    assert "3 problems in wreport.toml" in result.stderr, result.stderr
    for words in ("unknown table [styel]", "'render_seconds': input should be greater than or equal to 1",
                  "[paths] glossary = '/etc/passwd' leads outside the project folder"):
        assert words in result.stderr


def test_the_schema_lists_match_the_modules_that_use_them():
    from wreport.data import formatting, glossary
    from wreport.inputs import schemas
    from wreport.render import templating
    from wreport.render.document import UI_LABELS

    assert schemas.LANGUAGES == tuple(UI_LABELS) == templating.LANGUAGES
    assert schemas.UNITS == formatting.UNITS
    assert "counted-noun" in schemas.KINDS and glossary.COUNTED_NOUN == "counted-noun"


def test_toml_line_index_skips_strings_arrays_and_comments():
    from wreport.inputs.schemas import toml_lines

    text = ('title = """\nfake = 1\n"""  # a = 2\nlist = [\n  "x = 3",\n]\n[en]\n"quoted key" = 1\n'
            "[[items]]\nname = 'a'\n[[items]]\nname = 'b'\n")
    lines = toml_lines(text)
    assert lines[("title",)] == 1 and ("fake",) not in lines and ("a",) not in lines
    assert lines[("list",)] == 4 and lines[("en",)] == 7 and lines[("en", "quoted key")] == 8
    assert lines[("items", 0, "name")] == 10 and lines[("items", 1, "name")] == 12


def test_a_device_inside_the_project_is_refused_before_it_is_read(tmp_path):
    """/dev/zero's twin (char device 1:5) inside the project: refused by type, not read to exhaustion."""
    import stat

    from wreport.errors import DataError
    from wreport.inputs.reading import read_text

    device = tmp_path / "zero"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    with pytest.raises(DataError, match=r"^zero: refused: a device, not a regular file"):
        read_text(device, tmp_path, "zero")


def test_yaml_node_count_is_bounded(monkeypatch):
    from wreport.inputs import schemas

    monkeypatch.setattr(schemas, "YAML_MAX_NODES", 10)
    parsed, problems = schemas.parse_yaml("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n", "f.yaml")
    assert parsed is None and [str(p) for p in problems] == ["f.yaml:1: refused YAML: more than 10 values in one file"]


def test_a_file_of_exactly_the_cap_is_read_and_one_byte_more_is_refused(tmp_path):
    from wreport.errors import DataError
    from wreport.inputs.reading import read_text

    path = tmp_path / "facts.yaml"
    path.write_bytes(b"x" * 999 + b"\n")  # 1,000 bytes: the cap itself is allowed
    assert read_text(path, tmp_path, "seeds/facts.yaml", 1000) == "x" * 999 + "\n"
    path.write_bytes(b"x" * 1000 + b"\n")
    with pytest.raises(DataError, match="refused: the file is larger than 1,000 bytes") as refused:
        read_text(path, tmp_path, "seeds/facts.yaml", 1000)
    assert str(refused.value).startswith("seeds/facts.yaml: ")
