"""The preview, through the real command on a copy of the project: editions side by side,
re-rendered when a file is saved, pushed to the page by server-sent events, loopback only, and
never stopped by a broken input. Each server is bounded (--stop-after) and stopped by the test."""

from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
from mini_project import add_audience, copy_mini, write_template

from wreport.errors import ConfigError, RenderError
from wreport.inputs.project import load_project
from wreport.preview.render import Request, Runner
from wreport.preview.server import choose, watched

ADDED = "A sentence added while previewing."


@contextmanager
def previewing(root: Path, *args: str, stderr: list[str] | None = None) -> Iterator[str]:
    """``wreport preview`` on a free port, stopped (Ctrl-C) when the block ends; yields its URL.
    What it printed on standard error is appended to ``stderr`` once it has stopped."""
    command = [sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(root),
               "preview", "--port", "0", "--stop-after", "120", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"no URL in {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
        yield found.group(0)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=20)
            if stderr is not None:
                stderr.append(errors)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    assert process.returncode == 0


def get(url: str, host: str | None = None) -> tuple[int, bytes]:
    """Status and body of a GET (``host``: the Host header to send instead of the URL's)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def text(url: str) -> str:
    return get(url)[1].decode("utf-8")


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the preview did not change in time"
        time.sleep(0.05)


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_choose_defaults_to_the_first_audience_and_every_language(tmp_path):
    project = load_project(copy_mini(tmp_path))
    audience, lang = choose(project, None, None)
    assert (audience.name, lang) == ("brief", None)
    with pytest.raises(ConfigError, match="audience 'brief' has no 'fr' edition"):
        choose(project, "brief", "fr")


def test_a_template_edit_serves_a_new_version_with_the_new_text_and_leaves_the_other_edition(tmp_path):
    root = copy_mini(tmp_path)
    with previewing(root) as url:
        shell = text(url)
        assert 'id="pane-ko"' in shell and 'id="pane-en"' in shell  # side by side
        assert text(url + "version") == "1"
        english, korean = get(url + "pane/en"), get(url + "pane/ko")
        assert english[0] == 200 and b"75 companies" in english[1] and b"75" in korean[1]
        append(root / "templates" / "brief" / "en.md.j2", ADDED)
        wait_for(lambda: text(url + "version") == "2")
        assert ADDED in text(url + "pane/en")
        assert get(url + "pane/ko") == korean
    assert not (root / "out").exists()  # previewing writes nothing


def test_only_requests_for_loopback_names_are_answered(tmp_path):
    with previewing(copy_mini(tmp_path), "--lang", "en") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        assert get(url + "version", host=f"localhost:{port}") == (200, b"1")
        for host in (f"attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.attacker.example:{port}"):
            status, body = get(url, host=host)
            assert status == 403 and b"75 companies" not in body, host


def test_errors_show_on_the_page_and_the_server_keeps_serving(tmp_path):
    root = copy_mini(tmp_path)
    with previewing(root) as url:
        write_template(root, "brief/en.md.j2", "# Heading\n\n{{ fact('nope') }}\n")
        wait_for(lambda: text(url + "version") == "2")
        status, body = get(url + "pane/en")
        assert status == 500 and b"templates/brief/en.md.j2:3: unknown fact &#x27;nope&#x27;" in body
        assert get(url + "pane/ko")[0] == 200  # the other edition is still shown
        assert "unknown fact" in text(url)  # and the error is listed in the page's header
        # Not a WreportError: audience.toml that is not UTF-8 (the TOML reader raises UnicodeDecodeError).
        audience = root / "templates" / "brief" / "audience.toml"
        good = audience.read_bytes()
        audience.write_bytes(b"\xff\xfe" + good)
        wait_for(lambda: text(url + "version") == "3")
        assert "codec can&#x27;t decode" in text(url + "pane/error") or "UTF-8" in text(url + "pane/error")
        audience.write_bytes(good)
        write_template(root, "brief/en.md.j2", f"# Fixed\n\n{ADDED}\n")
        wait_for(lambda: ADDED in text(url + "pane/en"))
        assert get(url + "pane/en")[0] == 200


def test_an_event_stream_client_receives_each_new_version(tmp_path):
    root = copy_mini(tmp_path)
    with previewing(root) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/events")
            response = connection.getresponse()
            assert response.getheader("Content-Type") == "text/event-stream"
            first = next_event(response)
            assert first["version"] == 1 and set(first["panes"]) == {"ko", "en"}
            append(root / "templates" / "brief" / "en.md.j2", ADDED)
            second = next_event(response)
            assert second["version"] == 2 and second["errors"] == []
            assert second["panes"]["en"] != first["panes"]["en"] and second["panes"]["ko"] == first["panes"]["ko"]
            assert text(url + "version") == "2"
        finally:
            connection.close()


def test_the_preview_follows_folders_removed_and_made_again(tmp_path):
    """A branch switch deletes a folder and writes a new one: the operating system's watch on
    the old folder reports nothing more, so the preview must watch the new one."""
    root = copy_mini(tmp_path)
    saved = tmp_path / "saved"
    with previewing(root, "--lang", "en") as url:
        for folder in ("templates", "seeds"):
            shutil.copytree(root / folder, saved / folder)
            shutil.rmtree(root / folder)
            wait_for(lambda: get(url + "pane/en")[0] != 200)  # the error is shown
            shutil.copytree(saved / folder, root / folder)
            wait_for(lambda: get(url + "pane/en")[0] == 200)
        append(root / "templates" / "brief" / "en.md.j2", ADDED)  # in the new templates folder
        wait_for(lambda: ADDED in text(url + "pane/en"))
        facts = root / "seeds" / "facts.yaml"  # in the new seeds folder
        facts.write_text(facts.read_text(encoding="utf-8").replace("area of the Donghwa medical-device complex",
                                                                   "floor area of the Donghwa site"), encoding="utf-8")
        wait_for(lambda: "floor area of the Donghwa site" in text(url + "pane/en"))


def test_a_folder_replaced_by_a_link_out_of_the_project_is_not_watched(tmp_path):
    """The render refuses a templates folder leading outside; the watch must not follow it there
    either (a link to / would have it watch the whole machine)."""
    from wreport.preview.server import _watch

    root, outside = copy_mini(tmp_path / "project"), tmp_path / "outside"
    outside.mkdir()
    templates, elsewhere = root / "templates", root / "elsewhere"
    shutil.move(templates, elsewhere)
    templates.symlink_to(outside, target_is_directory=True)
    changed, stop = threading.Event(), threading.Event()
    watcher = threading.Thread(target=_watch, args=([templates], True, lambda _: True, root.resolve(), changed, stop))
    watcher.start()
    try:
        time.sleep(0.5)
        (outside / "en.md.j2").write_text("outside\n", encoding="utf-8")
        assert not changed.wait(1.0)
        templates.unlink()
        templates.symlink_to(elsewhere, target_is_directory=True)  # a link inside the project is followed
        assert changed.wait(5.0)  # the folder changed: render again
        changed.clear()
        time.sleep(0.5)
        append(elsewhere / "brief" / "en.md.j2", ADDED)
        assert changed.wait(5.0)
    finally:
        stop.set()
        watcher.join(5)


def test_a_client_dropping_its_request_ends_it_quietly(tmp_path):
    """A closed tab or a reload mid-answer resets the connection: no traceback, and the server
    goes on answering."""
    errors: list[str] = []
    with previewing(copy_mini(tmp_path), "--lang", "en", stderr=errors) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        for sent in (b"GET /pane/en HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port,  # whole, answer unread
                     b"GET /pane/en HTTP/1.1\r\nHo"):  # cut off in its headers
            for _ in range(5):
                client = socket.create_connection(("127.0.0.1", port), timeout=10)
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close: reset
                client.sendall(sent)
                time.sleep(0.05)
                client.close()
        time.sleep(0.5)
        assert get(url + "version") == (200, b"1")
    assert "Traceback" not in errors[0] and "Error" not in errors[0], errors[0]


def next_event(response: http.client.HTTPResponse) -> dict:
    """The data of the next event on a server-sent event stream (comments and retry lines skipped)."""
    while True:
        line = response.readline().decode("utf-8")
        assert line, "the event stream ended"
        if line.startswith("data: "):
            return json.loads(line[len("data: "):])


def test_paged_shows_the_printed_pages_as_a4_page_images(tmp_path):
    root = copy_mini(tmp_path)
    with previewing(root, "--lang", "en", "--paged") as url:
        assert text(url + "version") == "1"  # the HTML first
        wait_for(lambda: get(url + "pane/en-pages")[0] == 200, 90)
        pages = re.findall(r'src="data:image/png;base64,([^"]+)"', text(url + "pane/en-pages"))
        assert pages
        width, height = struct.unpack(">II", base64.b64decode(pages[0])[16:24])  # the PNG's IHDR
        assert abs(height / width - 297 / 210) < 0.01  # an A4 page, as print.css lays it out
        assert 'id="pane-en"' in text(url) and 'id="pane-en-pages"' in text(url)


def test_a_render_that_overruns_the_limit_is_stopped_and_the_next_one_works(tmp_path):
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "{% for i in range(100000) %}{% for j in range(100000) %}"
                                           "{% endfor %}{% endfor %}\n")
    runner = Runner(limit=20)  # far above an honest render, even a new worker's on a loaded machine
    try:
        with pytest.raises(RenderError, match=r"rendering brief \(en\) from templates/brief/en.md.j2 took longer than 20 s and was stopped"):
            runner.render(Request(root, "editions", "brief", "en"))
        write_template(root, "brief/en.md.j2", f"# Fixed\n\n{ADDED}\n")
        panes = runner.render(Request(root, "editions", "brief", "en"))
        assert [pane.name for pane in panes] == ["en"] and ADDED.encode() in panes[0].body
    finally:
        runner.close()


def test_the_worker_keeps_what_a_change_does_not_touch(tmp_path):
    """A template edit re-renders its own edition only and does not load the data again; a data
    edit does, and redraws the chart whose figure changed."""
    from wreport.preview.render import Session, editions_view

    root = copy_mini(tmp_path)
    session = Session(root)

    def render() -> dict[str, bytes]:
        return {name: body() for name, _, _, body in editions_view(session, Request(root, "editions", "brief"))}

    first = render()
    data = list(session.data.items.values())
    append(root / "templates" / "brief" / "en.md.j2", ADDED)
    second = render()
    assert ADDED.encode() in second["en"] and second["ko"] is first["ko"]  # the very same bytes, not re-rendered
    assert list(session.data.items.values()) == data and data[0] is list(session.data.items.values())[0]
    facts = root / "seeds" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        'value: "250_000_000_000"\n    unit: KRW\n    period: "2007"',
        'value: "260_000_000_000"\n    unit: KRW\n    period: "2007"'), encoding="utf-8")
    third = render()
    assert len(session.data.items) == 2 and third["ko"] != second["ko"] and third["en"] != second["en"]
    korean = third["ko"].decode()
    assert "2,600억 원" in korean and "2,500억 원" not in korean

    def chart(page: bytes) -> bytes:
        return page[page.index(b"<svg"):page.index(b"</svg>")]

    assert chart(third["ko"]) != chart(second["ko"])  # redrawn, not the chart kept from before


def test_a_worker_that_dies_while_rendering_is_reported_and_replaced(tmp_path):
    import threading

    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "{% for i in range(100000) %}{% for j in range(100000) %}"
                                           "{% endfor %}{% endfor %}\n")
    runner = Runner(limit=60)

    def kill_the_worker() -> None:  # as the system's out-of-memory killer would
        time.sleep(2)
        if runner._process is not None:
            runner._process.kill()

    try:
        killer = threading.Thread(target=kill_the_worker)
        killer.start()
        with pytest.raises(RenderError, match="the preview's worker process stopped while rendering brief"):
            runner.render(Request(root, "editions", "brief", "en"))
        killer.join()
        write_template(root, "brief/en.md.j2", f"# Fixed\n\n{ADDED}\n")
        assert ADDED.encode() in runner.render(Request(root, "editions", "brief", "en"))[0].body
    finally:
        runner.close()


CHROMIUM = Path("/usr/bin/chromium")


def test_the_open_page_repaints_the_changed_pane_in_place_keeping_its_scroll(tmp_path):
    """In headless Chromium: a save repaints the English pane (same frame, same scroll
    position) and leaves the Korean one alone; an error shows in the pane and the header."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    root = copy_mini(tmp_path)
    template = root / "templates" / "brief" / "en.md.j2"
    original = template.read_text(encoding="utf-8")
    with previewing(root) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 500})
            page.goto(url)
            english, korean = page.frame_locator("#pane-en"), page.frame_locator("#pane-ko")
            assert "75 companies" in english.locator("body").inner_text()
            page.evaluate("() => { const w = document.getElementById('pane-en').contentWindow;"
                          " w.document.body.style.paddingBottom = '2000px'; w.scrollTo(0, 300);"
                          " document.getElementById('pane-ko').contentDocument.body.dataset.mark = 'kept'; }")
            template.write_text(original + f"\n{ADDED}\n", encoding="utf-8")
            english.locator(f"text={ADDED}").wait_for(timeout=20_000)
            assert page.evaluate("() => document.getElementById('pane-en').contentWindow.scrollY") == 300
            assert page.evaluate("() => document.getElementById('pane-ko').contentDocument.body.dataset.mark") == "kept"
            assert page.evaluate("() => document.body.dataset.version") == "2"
            template.write_text("{{ fact('nope') }}\n", encoding="utf-8")
            english.locator("text=unknown fact 'nope'").wait_for(timeout=20_000)
            assert "unknown fact 'nope'" in page.locator("#errors").inner_text()
            assert "75" in korean.locator("body").inner_text()
        finally:
            browser.close()


def test_review_serves_the_review_page_and_follows_either_template(tmp_path):
    root = copy_mini(tmp_path)
    with previewing(root, "--review") as url:
        assert 'id="pane-review"' in text(url) and 'id="pane-en"' not in text(url)
        review = text(url + "pane/review")
        assert "75 companies" in review and "75개" in review  # both editions, aligned on one page
        append(root / "templates" / "brief" / "en.md.j2", ADDED)
        wait_for(lambda: text(url + "version") == "2")
        assert ADDED in text(url + "pane/review")
        append(root / "templates" / "brief" / "ko.md.j2", "미리 보기 중에 덧붙인 문장.")
        wait_for(lambda: text(url + "version") == "3")
        assert "미리 보기 중에 덧붙인 문장." in text(url + "pane/review")


def test_review_and_lang_together_are_refused(tmp_path):
    command = [sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(copy_mini(tmp_path)),
               "preview", "--review", "--lang", "en", "--port", "0", "--stop-after", "5"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "error: --review shows both editions: leave out --lang" in result.stderr



def test_the_review_pane_shows_each_sign_off_and_follows_an_approval(tmp_path):
    """A reviewer approving in another terminal sees the row turn approved in the open preview,
    as `wreport review` would write it."""
    def states() -> dict[str, str]:
        rows = re.findall(r'<tr[^>]*\bid="([^"]+)"[^>]*\bdata-signoff="(\w+)"', text(url + "pane/review"))
        return dict(rows)

    root = copy_mini(tmp_path)
    with previewing(root, "--review") as url:
        before = states()
        assert len(before) > 1 and set(before.values()) == {"unapproved"}
        approve = subprocess.run([sys.executable, "-c", "from wreport.cli import main; main()", "--project",
                                  str(root), "review", "approve", "-a", "brief", "--by", "Lee", "--segment", "s1-h1"],
                                 capture_output=True, text=True, timeout=120)
        assert approve.returncode == 0, approve.stderr
        wait_for(lambda: states().get("s1-h1") == "approved")
        assert states() == {**before, "s1-h1": "approved"}

def test_what_the_preview_watches_source_texts_included(tmp_path):
    root = copy_mini(tmp_path).resolve()
    deep, _, counts = watched(load_project(root))
    assert sorted(deep) == [root / "seeds" / "sources", root / "templates"]  # with their subfolders
    for changed in ("seeds/sources/etnews.txt", "seeds/sources/2008/kicox.txt", "seeds/facts.yaml",
                    "seeds/sources.yaml", "glossary/terms.csv", "wreport.toml", "templates/brief/en.md.j2",
                    "templates/_shared/macros.md.j2", "signoff/brief.yaml"):
        assert counts(root / changed), changed
    for ignored in ("seeds/notes.md", "out/brief/brief.en.html", "glossary/terms.csv~"):
        assert not counts(root / ignored), ignored


def test_without_audience_the_preview_shows_the_first_in_wreport_toml(tmp_path: Path) -> None:
    from wreport.preview.server import choose

    root = copy_mini(tmp_path)
    add_audience(root, "annex", {"en": "# Annex\n"})
    assert choose(load_project(root), None, None)[0].name == "annex"  # none listed: alphabetically
    config = root / "wreport.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "mini"', 'name = "mini"\naudiences = ["brief"]'),
                      encoding="utf-8")
    assert choose(load_project(root), None, None)[0].name == "brief"
    assert choose(load_project(root), "annex", None)[0].name == "annex"
