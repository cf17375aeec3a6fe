"""`wreport init DIR`: a new project that builds and checks at once, tried through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

WREPORT = Path(sys.executable).with_name("wreport")


def wreport(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WREPORT), *args], check=False, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_init_then_build_and_check(tmp_path: Path) -> None:
    made = wreport(tmp_path, "init", "new-cluster", "--name", "Another cluster")
    assert made.returncode == 0, made.stderr
    root = tmp_path / "new-cluster"
    assert 'name = "Another cluster"' in (root / "wreport.toml").read_text(encoding="utf-8")
    added = wreport(root, "new-audience", "investor-brief")  # the starter needs no shared macros
    assert added.returncode == 0, added.stderr
    built = wreport(root, "build")
    assert built.returncode == 0, built.stderr
    checked = wreport(root, "check", "--strict")
    assert (checked.returncode, checked.stdout) == (0, "no problems found\n"), checked.stdout
    covered = wreport(root, "facts", "coverage")
    assert covered.returncode == 0 and covered.stdout.rstrip().endswith(" 0 open"), covered.stdout
    for audience in ("brief", "investor-brief"):
        for lang, figure in (("ko", "1건"), ("en", "1 source")):
            pdf = PdfReader(root / "out" / audience / f"{audience}.{lang}.pdf")
            text = "".join(page.extract_text() for page in pdf.pages)
            assert figure in text, text
            assert pdf.metadata.title == "Another cluster"  # init --name titles both editions


def test_init_never_writes_into_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = wreport(tmp_path, "init", "taken")
    assert refused.returncode == 1 and "not an empty folder" in refused.stderr
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left behind
    (tmp_path / "empty").mkdir()
    assert wreport(tmp_path, "init", "empty", "--name", 'Daegu "medical" cluster \\ 대구').returncode == 0
    listed = wreport(tmp_path / "empty", "facts", "list")
    assert listed.returncode == 0, listed.stderr
    titles = (tmp_path / "empty" / "templates" / "brief" / "audience.toml").read_text(encoding="utf-8")
    assert '[ko]\ntitle = "Daegu \\"medical\\" cluster \\\\ 대구"' in titles
    assert '[en]\ntitle = "Brief"' in titles  # a Korean name is no English title
    assert 'name = "Daegu \\"medical\\" cluster \\\\ 대구"' in (tmp_path / "empty" / "wreport.toml").read_text(
        encoding="utf-8")
