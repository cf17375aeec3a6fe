"""The command line as a user meets it: help everywhere, quiet and verbose, errors as one line,
a fast --help that loads no heavy library, shell completion, the build summary and the preview."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import typer
from mini_project import copy_mini, write_template
from typer.testing import CliRunner

from wreport.cli import app
from wreport.errors import WreportError

HEAVY = ("weasyprint", "docx", "matplotlib", "lxml", "markdown_it", "babel", "rich", "jinja2", "yaml", "pypdf")
WIDE = {"COLUMNS": "200"}  # rich tables fold long temporary paths at 80 columns


def wreport(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command, as a user runs it (a fresh process, real exit status and streams)."""
    command = [sys.executable, "-c", "from wreport.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**os.environ, **WIDE, **(env or {})},
                          timeout=120)


def all_commands() -> list[list[str]]:
    """Every command and sub-command path, e.g. ["glossary", "export"], read from the app itself."""
    paths: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, path + [name])

    walk(typer.main.get_command(app), [])
    return paths


# ---------------------------------------------------------------- help
@pytest.mark.parametrize("path", all_commands(), ids=lambda path: " ".join(path) or "wreport")
def test_every_command_and_option_has_help(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: wreport {' '.join(path)}".rstrip())
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    assert command.help and len(command.help.split()) >= 4, f"{path}: no description"
    for param in command.params:
        assert getattr(param, "help", None), f"{' '.join(path)}: {param.name} has no help"
        assert "<str>" not in str(param.metavar or ""), f"{param.name}: metavar"
    if getattr(command, "commands", None):  # a group lists its commands, each with a summary line
        limit = 78 - 6 - max(map(len, command.commands))  # as Click computes it for an 80-column terminal
        for name, sub in command.commands.items():
            summary = sub.get_short_help_str(limit=limit)
            assert summary and not summary.endswith("..."), f"{name}: summary cut short: {summary!r}"


def test_no_arguments_shows_the_help_and_dash_h_is_help():
    bare = CliRunner().invoke(app, [])
    assert "Commands:" in bare.output and "build" in bare.output and "preview" in bare.output
    assert CliRunner().invoke(app, ["-h"]).output == CliRunner().invoke(app, ["--help"]).output


def test_make_brief_shows_the_installation_as_it_goes(tmp_path):
    """The first `make brief` spends half a minute installing: it says so, and pip is not silenced."""
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(["make", "-n", "-C", str(root), f"VENV={tmp_path / 'venv'}", "brief"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    installs = [line for line in result.stdout.splitlines() if "pip install" in line]
    assert len(installs) == 2 and not any(re.search(r"\s-q\b|--quiet", line) for line in installs), installs
    assert "Installing wreport and its libraries" in result.stdout


def test_version_is_the_installed_one():
    from importlib.metadata import version

    result = wreport("--version")
    assert (result.returncode, result.stdout) == (0, f"wreport {version('wreport')}\n")
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{version("wreport")}"\n' in pyproject


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["preview", "--help"], ["facts", "--help"]])
def test_help_loads_no_heavy_library(args):
    code = ("import sys\nfrom wreport.cli import main\nsys.argv = ['wreport', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert "Usage: wreport" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "LOADED []"


def test_shell_completion_script_and_audience_names(tmp_path):
    root = copy_mini(tmp_path)
    script = wreport("--show-completion", "bash", env={"SHELL": "/bin/bash"})
    assert script.returncode == 0 and "_WREPORT_COMPLETE=complete_bash" in script.stdout
    command = [sys.executable, "-c", "from wreport.cli import main; main()"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=60, env={
        **os.environ, "_WREPORT_COMPLETE": "complete_bash", "COMP_WORDS": "wreport build --audience b",
        "COMP_CWORD": "3"})
    assert completed.stdout.split() == ["brief"]


# ---------------------------------------------------------------- build: summary, quiet, verbose
def test_build_says_when_check_would_fail_on_a_figure_typed_by_hand(tmp_path):
    root = copy_mini(tmp_path)
    clean = wreport("--project", str(root), "build", "--format", "html", "--lang", "en")
    assert clean.returncode == 0 and "run wreport check" not in clean.stdout, clean.stdout
    template = root / "templates/brief/en.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("## Sales\n", "## Sales\n\nSales rose 12% in "
                                                                   "2007 and 3.5 times since.\n"), encoding="utf-8")
    built = wreport("--project", str(root), "build", "--format", "html", "--lang", "en")
    assert built.returncode == 0, built.stderr  # built all the same
    assert built.stdout.splitlines()[-1] == "2 problems in the templates: run wreport check"  # 2007 is a warning


def test_build_prints_a_summary_table_then_up_to_date(tmp_path):
    root = copy_mini(tmp_path)
    first = wreport("--project", str(root), "build", "--format", "html,docx")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # no progress display when standard error is not a terminal
    rows = [line for line in first.stdout.splitlines() if "brief." in line]
    assert len(rows) == 4 and all(re.search(r"\d+(\.\d)? kB .*built", row) for row in rows), first.stdout
    assert "4 outputs: 4 built, 0 up to date" in first.stdout
    second = wreport("--project", str(root), "build", "--format", "html,docx")
    assert "4 outputs: 0 built, 4 up to date" in second.stdout
    assert second.stdout.count("up to date") == 5


def test_build_summary_shows_pdf_pages(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "build", "--lang", "en", "--format", "pdf")
    (row,) = [line for line in result.stdout.splitlines() if "brief.en.pdf" in line]
    assert re.search(r"│\s+3 │\s+[\d.]+ kB │ built", row), row


def test_quiet_build_prints_nothing(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "--quiet", "build", "--format", "html")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (root / "out" / "brief" / "brief.en.html").is_file()


def test_verbose_build_names_the_project_and_the_plan(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "--verbose", "build", "--format", "html", "--jobs", "1")
    assert f"project: {root.resolve() / 'wreport.toml'}" in result.stderr
    assert "2 outputs in " in result.stderr and "2 to build (1 process), 0 up to date" in result.stderr
    assert "render" in result.stdout  # the summary's render-time column


def test_force_rebuilds(tmp_path):
    root = copy_mini(tmp_path)
    wreport("--project", str(root), "build", "--format", "html")
    forced = wreport("--project", str(root), "build", "--format", "html", "--force")
    assert "2 outputs: 2 built, 0 up to date" in forced.stdout


# ---------------------------------------------------------------- errors: one clean line
@pytest.mark.parametrize("args, status, message", [
    (["build", "--audience", "nope"], 1, "error: no audience 'nope': templates/nope/audience.toml not found"),
    (["build", "--format", "epub"], 1, "error: unknown format: epub (use some of: html, pdf, docx)"),
    (["build", "--lang", "fr"], 1, "error: unknown language: fr"),
    (["build", "--out", "{root}/wreport.toml/out"], 1, "cannot create the output folder: Not a directory"),
    (["build", "--out", "{root}/wreport.toml"], 1, "wreport.toml is the project's configuration (wreport.toml); "
                                                   "outputs never overwrite inputs"),
    (["preview", "--lang", "fr"], 1, "error: audience 'brief' has no 'fr' edition (its languages: ko, en)"),
    (["preview", "--audience", "nope"], 1, "error: no audience 'nope'"),
    (["facts", "show", "nope"], 1, "error: seeds/facts.yaml: unknown fact 'nope'"),
    (["glossary", "lookup", "zzzz"], 1, "error: no glossary term matches 'zzzz'"),
    (["format", "12", "--unit", "XYZ"], 1, "error: unknown unit 'XYZ'"),
])
def test_errors_are_one_line_with_status_1(tmp_path, args, status, message):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), *[arg.format(root=root) for arg in args])
    assert result.returncode == status
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_a_template_error_during_a_build_is_exactly_one_line(tmp_path):
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "ok\n{{ nope( }}\n")
    result = wreport("--project", str(root), "build")
    assert result.returncode == 1
    assert result.stderr == "error: templates/brief/en.md.j2:2: syntax error: unexpected '}', expected ')'\n"


def test_on_a_terminal_the_progress_display_is_erased_before_the_error(tmp_path):
    """With standard error a terminal the live display shows, then clears its own rows: what is
    left on screen after the last erase is the error line alone, no blank line before it."""
    import pty

    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "ok\n{{ nope( }}\n")
    main, child = pty.openpty()
    command = [sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(root), "build"]
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=child, timeout=120,
                             env={**os.environ, **WIDE, "TERM": "xterm"})
    os.close(child)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child's end is closed and everything read
            break
        if not chunk:
            break
        screen += chunk
    os.close(main)
    assert process.returncode == 1
    assert b"waiting" in screen  # the display was shown
    last = screen.decode().rsplit("\x1b[2K", 1)[1]
    assert last == "error: templates/brief/en.md.j2:2: syntax error: unexpected '}', expected ')'\r\n"


@pytest.mark.parametrize("broken, text, expected", [
    ("glossary/terms.csv", "x,y\n",
     "error: glossary/terms.csv:{line}: expected 9 fields, found 2 (quote a field that contains a comma)\n"),
    ("wreport.toml", "[style\n", "error: wreport.toml:{line}: invalid TOML: Expected ']' at the end of a table "
                                  "declaration\n"),
])
def test_glossary_and_config_errors_name_the_file_relative_to_the_project(tmp_path, broken, text, expected):
    """Like facts and template errors: file:line from the project root, run from anywhere."""
    root = copy_mini(tmp_path)
    path = root / broken
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = wreport("--project", str(root), "glossary", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == expected.format(line=line)


def test_missing_project_is_one_line(tmp_path):
    result = wreport("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"error: no wreport.toml found in {tmp_path} or any folder above it "
                             "(run inside a wreport project or pass --project DIR)\n")


def test_usage_errors_exit_2_and_name_the_option(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "build", "--jobs", "0")
    assert result.returncode == 2
    assert "Invalid value for '--jobs'" in result.stderr and "Traceback" not in result.stderr


def test_debug_shows_the_traceback_of_a_worker_error(tmp_path):
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "{{ term('nope') }}\n")
    result = wreport("--project", str(root), "--debug", "build", "--format", "html,docx", "--jobs", "2")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "TemplateError: templates/brief/en.md.j2:1: unknown glossary term 'nope'" in result.stderr



@pytest.mark.parametrize("command", ["build", "check"])
def test_a_link_outside_the_allowed_schemes_is_refused_by_build_and_check(tmp_path, command):
    """Issue 23, build 7: an smb: link in a template stops `build` and `check` at the template's line,
    and `build` writes nothing."""
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "# Overview\n\nSee [the map](smb://host/share/map.exe).\n")
    result = wreport("--project", str(root), command)
    assert result.returncode == 1
    assert re.search(r"templates/brief/en\.md\.j2:3: (\[TemplateError\] )?link target 'smb://host/share/map\.exe' "
                     r"is not allowed", result.stdout + result.stderr)
    assert not (root / "out").exists()


# ---------------------------------------------------------------- preview
def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_preview_serves_rerenders_on_change_and_stops_on_ctrl_c(tmp_path):
    root = copy_mini(tmp_path)
    command = [sys.executable, "-c", "from wreport.cli import main; main()",
               "--project", str(root), "preview", "--lang", "en", "--port", "0"]
    # A background shell hands its children Ctrl-C ignored; the preview must get it as a user would.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        page = fetch(url + "pane/en")
        assert "<title>The Wonju Medical-Device Cluster</title>" in page and "75 companies" in page
        assert fetch(url + "version") == "1"
        template = root / "templates" / "brief" / "en.md.j2"
        template.write_text(template.read_text(encoding="utf-8") + "\nA sentence added while previewing.\n",
                            encoding="utf-8")
        deadline = time.monotonic() + 20
        while fetch(url + "version") == "1" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "A sentence added while previewing." in fetch(url + "pane/en")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "rendered brief (en), version 2" in err and err.rstrip().endswith("stopped")
    assert not (root / "out").exists()  # previewing writes nothing


def test_preview_stops_by_itself_after_the_time_asked(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "preview", "--port", "0", "--stop-after", "1")
    assert result.returncode == 0
    assert re.match(r"previewing brief \(ko, en\) at http://127\.0\.0\.1:\d+/ \(stops after 1 s, or Ctrl-C\)", result.stdout)
    assert result.stderr.rstrip().endswith("stopped")


def test_preview_port_in_use_is_one_line(tmp_path):
    import socket

    root = copy_mini(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = wreport("--project", str(root), "--quiet", "preview", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == (f"error: cannot serve on 127.0.0.1:{port}: Address already in use "
                             "(choose another port with --port (0 picks a free one))\n")


def test_facts_export_json_still_goes_to_stdout_when_quiet(tmp_path):
    root = copy_mini(tmp_path)
    result = wreport("--project", str(root), "--quiet", "facts", "export")
    assert result.returncode == 0 and json.loads(result.stdout)


def test_a_build_through_the_console_script_leaves_no_copy_of_the_fonts_behind(tmp_path):
    """main() freezes the heap before exiting (a quick teardown), having let WeasyPrint delete its fonts."""

    from mini_project import copy_mini

    root = copy_mini(tmp_path / "project")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    subprocess.run([sys.executable, "-c", "from wreport.cli import main; main()", "-q", "--project", str(root),
                    "build", "--format", "pdf"], check=True, env=env, capture_output=True)
    assert list((root / "out").rglob("*.pdf"))
    assert not [p.name for p in temp.iterdir() if p.name.startswith("weasyprint-")]


# ---------------------------------------------------------------- the last line of defence (issue 23)
def test_an_unforeseen_exception_is_one_line_and_debug_shows_the_traceback(tmp_path):
    # a wreport.toml that is a folder would be refused; a failure no check foresees is simulated by
    # a sitecustomize that breaks the format command, run through the real console entry point
    (tmp_path / "sitecustomize.py").write_text(
        "import wreport.data.formatting as f\n"
        "def broken(*a, **k):\n    raise RuntimeError('simulated bug')\n"
        "f.format_quantity = broken\n", encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path)}
    result = wreport("format", "3", "--unit", "count", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("internal error: RuntimeError: simulated bug; this is a bug in wreport, "
                                    "please report it"), result.stderr
    assert "Traceback" not in result.stderr
    debug = wreport("--debug", "format", "3", "--unit", "count", env=env)
    assert "Traceback" in debug.stderr and "RuntimeError: simulated bug" in debug.stderr


@pytest.mark.parametrize("case", ["link", "dangling", "long", "not-utf8", "unwritable"])
def test_init_on_a_hostile_target_is_one_message(tmp_path, case):
    """The red team's `init` targets: each a WreportError (never the last line of defence)."""
    (tmp_path / "real").mkdir()
    targets = {"link": tmp_path / "link", "dangling": tmp_path / "dangling", "long": tmp_path / ("a" * 250),
               "not-utf8": Path(os.fsdecode(bytes(tmp_path) + b"/n\xff\xfe")), "unwritable": Path("/proc/wreport-x")}
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    words = {"link": "is a symbolic link", "dangling": "is a symbolic link", "long": "250 bytes long",
             "not-utf8": "is not UTF-8 text", "unwritable": "cannot create the project"}
    result = CliRunner().invoke(app, ["init", str(targets[case])])
    assert isinstance(result.exception, WreportError), (type(result.exception), result.exception)
    assert words[case] in str(result.exception)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dangling", "link", "real"]
    assert list((tmp_path / "real").iterdir()) == []


@pytest.mark.parametrize(("escape", "what"), [("\\x01", "control character U+0001"),
                                              ("\\ud800", "lone surrogate U+D800"),
                                              ("\\u202e", "bidirectional control U+202E"),
                                              ("\\e[31m", "control character U+001B")])
def test_a_yaml_escape_in_a_fact_label_is_refused_at_its_line_in_facts_yaml(tmp_path, escape, what):
    root = copy_mini(tmp_path)
    facts = root / "seeds" / "facts.yaml"
    lines = facts.read_text(encoding="utf-8").splitlines()
    at = next(index for index, line in enumerate(lines) if line.strip().startswith("label:"))
    lines[at] = f'    label: {{ko: 입주기업 매출액, en: "sales in 2010 {escape}"}}'
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["facts", "export"], ["facts", "list"], ["review"], ["build", "--format", "html"]):
        result = CliRunner().invoke(app, ["--project", str(root), *command])
        assert isinstance(result.exception, WreportError), (type(result.exception), result.exception)
        assert f"seeds/facts.yaml:{at + 1}: {what} in a value" in str(result.exception)
        assert "macros" not in str(result.exception) and not (root / "out").exists()  # never blamed on a template
