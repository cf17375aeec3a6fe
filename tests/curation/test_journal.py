"""An interrupted `sources add` is finished or undone by the next command: a real `wreport
sources add` process is killed (SIGKILL) at every file-system step it takes, and the retry must
then succeed (or find the import complete), leaving exactly one entry, the two files, and no
journal or temporary file behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from mini_project import copy_mini

from wreport.curation.importing import add_source
from wreport.curation.journal import recovered
from wreport.curation.manifest import remove_source
from wreport.errors import DataError
from wreport.inputs.project import load_project

DOCUMENT = "원주 의료기기 업체들의 매출은 100억원으로 늘었다.\n"
SOURCE_ID = "test-2020-report"
OPTIONS = {"source_id": SOURCE_ID, "title": "원주 보고서", "title_en": "A Wonju report", "publisher": "Test",
           "date": "2020"}
ARGS = ["--id", SOURCE_ID, "--title", "원주 보고서", "--title-en", "A Wonju report", "--publisher", "Test",
        "--date", "2020"]
#: Runs the real CLI, killing itself (SIGKILL: no clean-up runs) just before its N-th call to
#: one of the file-system steps an atomic write takes.
KILLER = """
import os, signal, sys
stop, count = int(sys.argv[1]), [0]
def hook(name):
    real = getattr(os, name)
    def step(*args, **kwargs):
        count[0] += 1
        if count[0] == stop:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(os, name, step)
for name in ("fsync", "link", "replace", "unlink"):
    hook(name)
sys.argv = ["wreport", *sys.argv[2:]]
from wreport.cli import main
main()
"""


def _leftovers(root: Path) -> list[str]:
    """Files an import may leave: the journal and write_atomic's temporary files."""
    seeds = root / "seeds"
    return sorted(str(p.relative_to(root)) for p in seeds.rglob(".*") if p.is_file())


def test_an_import_killed_at_any_step_is_undone_or_finished_by_the_retry(tmp_path: Path) -> None:
    document = tmp_path / "report.txt"
    document.write_text(DOCUMENT, encoding="utf-8")
    outcomes = set()
    for step in range(1, 40):
        root = copy_mini(tmp_path / str(step))
        before = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
        killed = subprocess.run([sys.executable, "-c", KILLER, str(step), "--project", str(root), "sources", "add",
                                 str(document), *ARGS], capture_output=True, text=True, timeout=60)
        if killed.returncode == 0:  # past the last step: the import ran to its end
            assert step > 10 and _leftovers(root) == []
            break
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
        assert manifest == before or f"- id: {SOURCE_ID}\n" in manifest  # old or new, never half-written
        pending = (root / "seeds/.wreport-import.yaml").exists()  # killed between the journal and its removal
        notes: list[str] = []
        if manifest == before:
            add_source(load_project(root), document, say=notes.append, **OPTIONS)
            outcomes.add("undone" if pending else "clean")
            assert len(notes) == pending, (step, notes)
            assert not pending or notes[0].startswith(f"an interrupted import of '{SOURCE_ID}' was undone ("), notes
        else:
            with pytest.raises(DataError, match="already in seeds/sources.yaml"):
                add_source(load_project(root), document, say=notes.append, **OPTIONS)
            outcomes.add("finished" if pending else "complete")
            assert notes == [f"an interrupted import of '{SOURCE_ID}' had written its entry in "
                             "seeds/sources.yaml: finished"] * pending, (step, notes)
        manifest = (root / "seeds/sources.yaml").read_text(encoding="utf-8")
        assert manifest.count(f"- id: {SOURCE_ID}\n") == 1, step
        assert (root / f"seeds/sources/{SOURCE_ID}.txt").read_text(encoding="utf-8") == DOCUMENT, step
        assert (root / f"seeds/sources/{SOURCE_ID}.original.txt").read_bytes() == document.read_bytes(), step
        assert _leftovers(root) == [], step
    else:
        pytest.fail("the import never ran to its end")
    assert outcomes == {"clean", "undone", "finished", "complete"}  # every kind of interruption was met


def _journal(root: Path, files: dict[str, bytes], source_id: str = SOURCE_ID) -> Path:
    """A journal as an import killed after writing ``files`` would leave, with those files."""
    for name, data in files.items():
        (root / "seeds/sources" / name).write_bytes(data)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    path = root / "seeds/.wreport-import.yaml"
    path.write_text(json.dumps({"id": source_id, "files": digests}), encoding="utf-8")
    return path


def test_sources_list_undoes_an_interrupted_import_and_says_so(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    journal = _journal(root, {f"{SOURCE_ID}.txt": b"text", f"{SOURCE_ID}.original.pdf": b"%PDF-"})
    (root / "seeds/.sources.yaml.abc123.tmp").write_text("half a manifest", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(root),
                             "sources", "list"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"note: an interrupted import of '{SOURCE_ID}' was undone ({SOURCE_ID}.txt, "
                             f"{SOURCE_ID}.original.pdf); sources.yaml never had its entry\n")
    assert "2 sources" in result.stdout
    assert not journal.exists() and _leftovers(root) == []
    assert sorted(p.name for p in (root / "seeds/sources").iterdir()) == ["etnews.txt", "fnnews.txt"]


def test_a_file_changed_since_the_import_is_kept(tmp_path: Path) -> None:
    """The journal's digests: a file of that name holding anything else is the user's now."""
    root = copy_mini(tmp_path)
    _journal(root, {f"{SOURCE_ID}.txt": b"text"})
    (root / f"seeds/sources/{SOURCE_ID}.txt").write_bytes(b"the curator's own text")
    with recovered(load_project(root)) as note:
        assert note == (f"an interrupted import of '{SOURCE_ID}' was undone (nothing was written yet); "
                        "sources.yaml never had its entry")
    assert (root / f"seeds/sources/{SOURCE_ID}.txt").read_bytes() == b"the curator's own text"


@pytest.mark.parametrize("journal, complaint", [
    ({"id": "x-1", "files": {"../facts.yaml": "0" * 64}}, "not a file an import writes"),
    ({"id": "x-1", "files": {"fnnews.txt": "0" * 64}}, "names files of another source"),
    ({"id": "x-1", "files": {"etnews.original.txt": "0" * 64}}, "names files of another source"),
    ({"id": "x-1", "files": {"x-1.txt": "not a digest"}}, "not a SHA-256 digest"),
    ({"id": "x-1", "files": {}, "run": "rm -rf"}, "unknown"),
    ("- a list", "must be a table"),
])
def test_a_crafted_journal_deletes_nothing_and_is_named(tmp_path: Path, journal: object, complaint: str) -> None:
    root = copy_mini(tmp_path)
    (root / "seeds/.wreport-import.yaml").write_text(journal if isinstance(journal, str) else json.dumps(journal),
                                                     encoding="utf-8")
    before = sorted(p.name for p in (root / "seeds").rglob("*"))
    with pytest.raises(DataError, match="seeds/.wreport-import.yaml") as caught:
        remove_source(load_project(root), "etnews-2006")
    assert complaint in str(caught.value)
    assert sorted(p.name for p in (root / "seeds").rglob("*")) == before


@pytest.mark.parametrize("make, complaint", [
    (lambda path: path.mkdir(), "a folder, not a regular file"),
    (lambda path: os.mkfifo(path), "a FIFO (named pipe), not a regular file"),
    (lambda path: path.symlink_to("/etc/passwd"), "the path leads outside the project folder"),
    (lambda path: path.write_text("#" * 5_000), "larger than 4,000 bytes"),
])
def test_a_journal_that_is_no_journal_file_is_refused_not_waited_on(tmp_path: Path, make, complaint: str) -> None:
    root = copy_mini(tmp_path)
    make(root / "seeds/.wreport-import.yaml")
    with pytest.raises(DataError, match="seeds/.wreport-import.yaml") as caught:
        remove_source(load_project(root), "etnews-2006")
    assert complaint in str(caught.value) and "it records an import that was cut short" in str(caught.value)
    assert (root / "seeds/sources/etnews.txt").exists()
