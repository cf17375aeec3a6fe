"""Atomic, durable writes (inputs/files.py): what a user relies on after a crash or a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wreport.errors import DataError, RenderError
from wreport.inputs.files import write_atomic


def test_the_file_and_its_folder_are_flushed_to_disk_before_the_write_returns(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    write_atomic(tmp_path / "brief.pdf", b"%PDF-1.7")
    assert len(synced) == 2
    assert Path(synced[0]).parent == tmp_path and Path(synced[0]).name.startswith(".brief.pdf.")
    assert synced[1] == str(tmp_path)
    assert (tmp_path / "brief.pdf").read_bytes() == b"%PDF-1.7"


def test_a_failed_check_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "sources.yaml"
    target.write_text("sources:\n", encoding="utf-8")

    def refuse(temp: Path) -> None:
        assert temp.read_text(encoding="utf-8") == "sources: [broken\n"
        raise DataError("the new manifest entry does not load")

    with pytest.raises(DataError, match="does not load"):
        write_atomic(target, "sources: [broken\n", check=refuse)
    assert target.read_text(encoding="utf-8") == "sources:\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml"]


def test_exclusive_never_replaces_an_existing_file(tmp_path):
    target = tmp_path / "source.txt"
    target.write_bytes(b"the curated text")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"another text", exclusive=True)
    assert target.read_bytes() == b"the curated text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.txt"]


def test_a_missing_folder_is_a_message_naming_the_path(tmp_path):
    with pytest.raises(RenderError, match="cannot write here") as caught:
        write_atomic(tmp_path / "no" / "brief.docx", b"PK")
    assert "brief.docx" in str(caught.value)
