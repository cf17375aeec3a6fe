"""Fixtures shared by several test modules."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
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
