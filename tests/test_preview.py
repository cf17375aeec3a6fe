"""The preview: one edition rendered in memory, re-rendered on change, served on loopback."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from mini_project import copy_mini, write_template
from wreport.errors import ConfigError
from wreport.preview import Preview, choose, serve
from wreport.project import load_project


def test_choose_defaults_to_the_first_audience_and_its_first_language(tmp_path):
    project = load_project(copy_mini(tmp_path))
    audience, lang = choose(project, None, None)
    assert (audience.name, lang) == ("brief", "ko")
    with pytest.raises(ConfigError, match="audience 'brief' has no 'fr' edition"):
        choose(project, "brief", "fr")


def test_refresh_renders_only_on_change_and_shows_errors_on_the_page(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    said = []
    preview = Preview(project, *choose(project, "brief", "en"), say=said.append)
    assert preview.refresh() and preview.page.version == 1 and preview.page.status == 200
    assert b"75 companies" in preview.page.body
    assert not preview.refresh()  # nothing changed: no re-render
    write_template(root, "brief/en.md.j2", "{{ fact('nope') }}\n")
    assert preview.refresh() and preview.page.status == 500
    assert b"unknown fact &#x27;nope&#x27;" in preview.page.body
    assert said[-1].startswith("error: templates/brief/en.md.j2:1: unknown fact 'nope'")
    write_template(root, "brief/en.md.j2", "# Fixed\n")
    assert preview.refresh() and preview.page.status == 200 and preview.page.version == 3
    assert b"Fixed" in preview.page.body
    assert not (root / "out").exists()


def test_serve_answers_on_loopback_and_stops(tmp_path):
    project = load_project(copy_mini(tmp_path))
    preview = Preview(project, *choose(project, "brief", "en"), say=lambda _: None)
    stop, urls = threading.Event(), []
    thread = threading.Thread(target=serve, args=(preview, 0, stop), kwargs={"on_ready": urls.append})
    thread.start()
    try:
        while not urls and thread.is_alive():
            thread.join(0.05)
        with urllib.request.urlopen(urls[0], timeout=10) as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert b"The Wonju Medical-Device Cluster" in response.read()
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(urls[0] + "etc/passwd", timeout=10)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert urls[0].startswith("http://127.0.0.1:")
