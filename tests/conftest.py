"""Fixtures shared by several test modules."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Iterator

import pytest

SECRET = b"secret from the network"


@dataclass
class Loopback:
    """A server on 127.0.0.1: its base URL and the path of every request it received."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """An HTTP server on the loopback address that records each request, so a test can show that
    nothing (WeasyPrint, a template) reached the network."""
    record = Loopback(url="")

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            record.requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SECRET)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    record.url = f"http://127.0.0.1:{server.server_port}"
    yield record
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def without_korean_fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose fontconfig sees DejaVu only (no Korean font, no NanumGothic)."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    listing = subprocess.run(["fc-list", ":", "file"], capture_output=True, text=True, check=True).stdout
    dejavu = sorted({str(Path(line.split(":")[0]).parent) for line in listing.splitlines() if "dejavu" in line.lower()})
    folder = tmp_path_factory.mktemp("fonts")
    dirs = "".join(f"<dir>{d}</dir>" for d in dejavu)
    (folder / "fonts.conf").write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                                       f"<fontconfig>{dirs}<cachedir>{folder}/cache</cachedir></fontconfig>")
    env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf"), "HOME": str(folder)}
    korean = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, env=env, check=True).stdout
    assert korean.strip() == "", f"a Korean font is still visible: {korean.splitlines()[0]}"
    return env


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with its HTML built once by the real CLI, for hostile-input tests to copy."""
    import sys

    from mini_project import copy_mini

    root = copy_mini(tmp_path_factory.mktemp("built"))
    wreport = Path(sys.executable).parent / "wreport"
    result = subprocess.run([str(wreport), "--project", str(root), "build", "--format", "html"],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    return root
