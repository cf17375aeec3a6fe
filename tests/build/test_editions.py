"""Building the fixture project end to end, and what a failed build leaves behind."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from mini_project import add_audience, copy_mini, write_template
from pypdf import PdfReader

from wreport.build.editions import build, output_path, plan
from wreport.errors import ConfigError, RenderError, TemplateError
from wreport.inputs import files as fileio
from wreport.inputs.project import load_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture project built once in every language and format (PDFs take a second each)."""
    root = copy_mini(tmp_path_factory.mktemp("built"))
    project = load_project(root)
    seen = []
    outputs = build(project, progress=seen.append)
    return project, outputs, seen


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    """Body paragraphs, table cells and footnotes (python-docx has no footnote API: read the part)."""
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(path) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    note_texts = ["".join(note.itertext()) for note in notes]
    return "\n".join([p.text for p in document.paragraphs] + cells + note_texts)


def test_build_writes_every_edition_and_format(built):
    project, outputs, seen = built
    out = project.root / "out" / "brief"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"brief.{lang}.{fmt}" for lang in ("ko", "en") for fmt in ("html", "pdf", "docx"))
    assert sorted(seen, key=outputs.index) == outputs  # told of each as it is ready, in any order
    for output in outputs:
        assert output.path == output_path(project.root / "out", "brief", output.lang, output.format)
        assert output.size == output.path.stat().st_size > 0
        assert (output.pages is not None) == (output.format == "pdf")
    pdfs = [o for o in outputs if o.format == "pdf"]
    assert all(o.pages == len(PdfReader(o.path).pages) >= 2 for o in pdfs)  # \newpage gives a second page


def test_english_outputs_contain_the_formatted_figures(built):
    project, _, _ = built
    out = project.root / "out" / "brief"
    expected = ["75 companies", "KRW 153.6 billion", "437.1%", "about USD 10 million",
                "about 330,600 m² (100,000 pyeong)", "Korea Industrial Complex Corporation (KICOX)",
                "The Financial News"]
    html = (out / "brief.en.html").read_text(encoding="utf-8")
    pdf = " ".join(pdf_text(out / "brief.en.pdf").split())
    word = docx_text(out / "brief.en.docx")
    for text in expected:
        assert text in html and text in pdf and text in word, text


def test_korean_outputs_contain_the_formatted_figures(built):
    project, _, _ = built
    out = project.root / "out" / "brief"
    expected = ["75개", "1,536억 원", "약 1,000만 달러", "10만 평(약 33만 600㎡)", "파이낸셜뉴스"]
    # the standalone HTML holds 75개 whole with an invisible U+2060 (docs/house-style.md, Korean line breaks)
    html = (out / "brief.ko.html").read_text(encoding="utf-8").replace("\u2060", "")
    word = docx_text(out / "brief.ko.docx")
    pdf = " ".join(pdf_text(out / "brief.ko.pdf").split())  # justified lines extract with double spaces
    for text in expected:
        assert text in html and text in pdf and text in word, text


def test_plan_narrows_to_requested_languages_and_formats(tmp_path):
    project = load_project(copy_mini(tmp_path))
    (edition,) = plan(project, langs=["en"], formats=["docx", "html"])
    assert (edition.audience.name, edition.lang, edition.formats) == ("brief", "en", ("html", "docx"))


def test_unknown_language_or_format_is_refused(tmp_path):
    project = load_project(copy_mini(tmp_path))
    with pytest.raises(ConfigError, match=r"unknown format: epub \(use some of: html, pdf, docx\)"):
        plan(project, formats=["epub"])
    with pytest.raises(ConfigError, match="unknown language: fr"):
        plan(project, langs=["fr"])


def test_nothing_to_build_is_an_error(tmp_path):
    root = copy_mini(tmp_path)
    add_audience(root, "probe", {"en": "x"})
    project = load_project(root)
    with pytest.raises(ConfigError, match="nothing to build: no audience has format docx"):
        plan(project, audiences=["probe"], formats=["docx"])


def test_html_build_to_chosen_folder_escapes_markup_from_facts(tmp_path):
    root = copy_mini(tmp_path)
    facts_file = root / "seeds" / "facts.yaml"
    facts_file.write_text(facts_file.read_text(encoding="utf-8").replace(
        "en: area of the Donghwa medical-device complex", 'en: "<script>alert(1)</script> *complex*"'),
        encoding="utf-8")
    (output,) = build(load_project(root), langs=["en"], formats=["html"], out_dir=tmp_path / "elsewhere")
    assert output.path == tmp_path / "elsewhere" / "brief" / "brief.en.html"
    html = output.path.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *complex*" in html


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_template_error_leaves_previous_outputs_untouched(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    build(project, formats=["html"])
    before = snapshot(root / "out" / "brief")
    template = root / "templates" / "brief" / "en.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n{{ fact('no_such_fact') }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"templates/brief/en\.md\.j2:\d+: unknown fact 'no_such_fact'"):
        build(project, formats=["html"])
    assert snapshot(root / "out" / "brief") == before  # the ko edition was not rewritten either


def test_failed_write_keeps_previous_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    root = copy_mini(tmp_path)
    project = load_project(root)
    write_template(root, "brief/en.md.j2", "# First version\n")
    build(project, formats=["html"])
    before = snapshot(root / "out" / "brief")
    write_template(root, "brief/en.md.j2", "# Second version\n")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("brief.en.html"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(fileio.os, "replace", failing_replace)
    with pytest.raises(RenderError, match=r"brief\.en\.html: cannot write: No space left on device"):
        build(project, formats=["html"])
    after = snapshot(root / "out" / "brief")
    assert after["brief.en.html"] == before["brief.en.html"]
    assert b"First version" in after["brief.en.html"]
    assert sorted(after) == ["brief.en.html", "brief.ko.html"]  # no .tmp file left


def test_cli_build_prints_written_paths(tmp_path):
    from typer.testing import CliRunner

    from wreport.cli import app

    root = copy_mini(tmp_path)
    result = CliRunner().invoke(app, ["--project", str(root), "build", "--lang", "en", "--format", "html,docx"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("out/brief/brief.en.html " in line and " built " in line for line in lines)
    assert any("out/brief/brief.en.docx " in line and " built " in line for line in lines)
    assert not (root / "out" / "brief" / "brief.ko.html").exists()
    assert docx.Document(io.BytesIO((root / "out/brief/brief.en.docx").read_bytes())).core_properties.title == \
        "The Wonju Medical-Device Cluster"


def test_cli_build_error_is_one_line_naming_the_template(tmp_path):
    import subprocess
    import sys

    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "ok\n{{ term('nope') }}\n")
    command = [sys.executable, "-c", "from wreport.cli import main; main()",
               "--project", str(root), "build", "--format", "html"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("error: templates/brief/en.md.j2:2: unknown glossary term 'nope'")
    assert "Traceback" not in result.stderr


def test_rebuilding_gives_byte_identical_outputs(built, tmp_path):
    project, outputs, _ = built
    again = build(project, out_dir=tmp_path / "again")
    assert [o.path.read_bytes() for o in again] == [o.path.read_bytes() for o in outputs]


# ---------------------------------------------------------------- parallel and incremental builds
def mtimes(outputs) -> dict[Path, int]:
    return {o.path: o.path.stat().st_mtime_ns for o in outputs}


def test_parallel_build_is_byte_identical_to_serial(tmp_path):
    project = load_project(copy_mini(tmp_path))
    serial = build(project, out_dir=tmp_path / "serial", jobs=1)
    parallel = build(project, out_dir=tmp_path / "parallel", jobs=2)
    assert [o.path.relative_to(tmp_path / "parallel") for o in parallel] == \
        [o.path.relative_to(tmp_path / "serial") for o in serial]
    assert {o.format for o in parallel} == {"html", "pdf", "docx"}
    for one, other in zip(serial, parallel, strict=True):
        assert one.path.read_bytes() == other.path.read_bytes(), one.path.name
        assert (one.size, one.pages) == (other.size, other.pages)


def test_documents_rendered_ahead_are_those_the_workers_would_render_and_failures_are_left_to_them(tmp_path):
    from wreport.build.editions import _document, _Job, _render_documents

    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "ok\n{{ term('nope') }}\n")
    project = load_project(root)
    jobs = [_Job(project, edition.audience, edition.lang, edition.formats, str(tmp_path)) for edition in plan(project)]
    reports = []
    _render_documents(jobs, lambda kind, value: reports.append((kind, value)))
    ko = next(job for job in jobs if job.lang == "ko")
    assert [kind for kind, _ in reports] == ["document", "glyph orders"]  # the mini brief makes a DOCX
    assert reports[0][1][:2] == ("brief", "ko") and reports[0][1][2] == _document(ko)


def test_a_docx_made_ahead_is_the_docx_its_worker_makes_and_only_one_needing_no_layout_or_chart_is():
    from dataclasses import replace

    from wreport.build.editions import _document, _docx_stands_alone, _Job, _render_documents, _render_docx
    from wreport.render.document import Figure

    project = load_project(Path(__file__).resolve().parents[2])  # the real briefs: charts, contents
    # A data key of its own: this process keeps the data it loaded by key (build._inputs).
    jobs = [_Job(project, e.audience, e.lang, e.formats, "the real briefs") for e in plan(project, formats=["docx"])]
    reports = []
    _render_documents(jobs, lambda kind, value: reports.append((kind, value)))
    ahead = {(value[0], value[1]): value[2] for kind, value in reports if kind == "made ahead"}
    assert set(ahead) == {("partner-brief", "en"), ("partner-brief", "ko")}  # no contents, no chart
    for job in jobs:
        document = _document(job)
        assert _docx_stands_alone(document) == ((job.audience.name, job.lang) in ahead)
        if (job.audience.name, job.lang) in ahead:
            layout = {"anything": 1}  # what its PDF would have handed over: unused without contents
            assert ahead[job.audience.name, job.lang].data == _render_docx(document, layout)[0]
            charted = replace(document, blocks=[*document.blocks, Figure(chart=None, caption=[])])
            assert not _docx_stands_alone(charted)


def test_an_edition_rendered_ahead_is_split_into_its_pdf_then_its_docx_when_workers_share_them(tmp_path):
    from dataclasses import replace

    from wreport.build.editions import _document, _Job, _split

    project = load_project(copy_mini(tmp_path))
    jobs = [_Job(project, edition.audience, edition.lang, edition.formats, str(tmp_path)) for edition in plan(project)]
    ahead = replace(jobs[0], document=_document(jobs[0]))
    groups = [(ahead, {}), (jobs[1], {})]
    units, after = _split(groups, 2)
    assert [(job.formats, edition) for job, edition in units] == [(("html", "pdf"), 0), (("docx",), 0),
                                                                 (jobs[1].formats, 1)]
    assert after == {1: 0} and units[1][0].document is ahead.document
    assert [(job.formats, edition) for job, edition in _split(groups, 1)[0]] == [(ahead.formats, 0), (jobs[1].formats, 1)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_error_in_a_worker_is_the_same_error(tmp_path, jobs):
    root = copy_mini(tmp_path)
    write_template(root, "brief/en.md.j2", "ok\n{{ term('nope') }}\n")
    with pytest.raises(TemplateError) as caught:
        build(load_project(root), formats=["html", "docx"], jobs=jobs)
    assert str(caught.value).startswith("templates/brief/en.md.j2:2: unknown glossary term 'nope'")
    assert not (root / "out").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_data_error_is_raised_once_whoever_loaded_the_data(tmp_path, jobs):
    from wreport.errors import WreportError

    root = copy_mini(tmp_path)
    facts = root / "seeds" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\nnot: [closed\n", encoding="utf-8")
    with pytest.raises(WreportError) as caught:
        build(load_project(root), formats=["html", "docx"], jobs=jobs)
    assert "facts.yaml" in str(caught.value)
    assert not (root / "out").exists()


def test_second_build_writes_nothing(tmp_path):
    project = load_project(copy_mini(tmp_path))
    first = build(project, formats=["html", "docx"])
    before = mtimes(first)
    seen = []
    second = build(project, formats=["html", "docx"], progress=seen.append)
    assert [o.status for o in second] == ["up to date"] * 4 and sorted(seen, key=second.index) == second
    assert [(o.path, o.size) for o in second] == [(o.path, o.size) for o in first]
    assert mtimes(second) == before
    cache = project.out_dir / ".wreport-cache.json"
    assert sorted(p.name for p in (project.out_dir / "brief").iterdir()) == sorted(o.path.name for o in first)
    assert cache.is_file()


def test_editing_a_fact_rebuilds_and_touching_files_does_not(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    build(project, formats=["html"])
    facts_file = root / "seeds" / "facts.yaml"
    os.utime(facts_file)  # a new time, the same contents
    assert {o.status for o in build(project, formats=["html"])} == {"up to date"}
    facts_file.write_text(facts_file.read_text(encoding="utf-8").replace(
        "en: area of the Donghwa medical-device complex", "en: site of the Donghwa complex"), encoding="utf-8")
    rebuilt = build(project, formats=["html"])
    assert {o.status for o in rebuilt} == {"built"}
    assert "site of the Donghwa complex" in (root / "out/brief/brief.en.html").read_text(encoding="utf-8")


def test_editing_one_template_rebuilds_only_its_edition(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    build(project, formats=["html", "docx"])
    template = root / "templates" / "brief" / "en.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    statuses = {(o.lang, o.format): o.status for o in build(project, formats=["html", "docx"])}
    assert statuses == {("ko", "html"): "up to date", ("ko", "docx"): "up to date",
                        ("en", "html"): "built", ("en", "docx"): "built"}


def test_an_output_changed_by_hand_is_rebuilt(tmp_path):
    project = load_project(copy_mini(tmp_path))
    (first, *_) = build(project, langs=["en"], formats=["html"])
    written = first.path.read_bytes()
    first.path.write_text("edited", encoding="utf-8")
    (again,) = build(project, langs=["en"], formats=["html"])
    assert again.status == "built" and again.path.read_bytes() == written
    # A figure changed by hand, same length: only the bytes' hash can tell (75 is the fixture's count)
    assert b"75 companies" in written
    again.path.write_bytes(written.replace(b"75 companies", b"76 companies", 1))
    (third,) = build(project, langs=["en"], formats=["html"])
    assert third.status == "built" and third.path.read_bytes() == written


def test_force_rebuilds_everything(tmp_path):
    project = load_project(copy_mini(tmp_path))
    first = build(project, formats=["html", "docx"])
    inodes = {o.path: o.path.stat().st_ino for o in first}  # each write renames a new file into place
    forced = build(project, formats=["html", "docx"], force=True)
    assert {o.status for o in forced} == {"built"}
    assert all(o.path.stat().st_ino != inodes[o.path] for o in forced)


def test_the_outputs_of_a_removed_audience_are_removed_with_it(tmp_path: Path) -> None:
    import shutil

    root = copy_mini(tmp_path)
    for name in ("annex", "appendix"):
        add_audience(root, name, {"en": f"# {name.title()}\n"})
    build(load_project(root), audiences=["annex", "appendix"])
    annex, appendix = root / "out/annex/annex.en.html", root / "out/appendix/appendix.en.html"
    assert annex.is_file() and appendix.is_file()
    appendix.write_text("edited by hand", encoding="utf-8")  # no longer the file the build made
    (root / "out/appendix/notes.txt").write_text("mine", encoding="utf-8")
    for name in ("annex", "appendix"):
        shutil.rmtree(root / "templates" / name)
    build(load_project(root), formats=["html"])
    assert not (root / "out/annex").exists()  # the file it made, and its folder, once empty
    assert appendix.read_text(encoding="utf-8") == "edited by hand" and (root / "out/appendix/notes.txt").exists()
    assert (root / "out/brief/brief.en.html").is_file()
    assert "annex" not in (root / "out/.wreport-cache.json").read_text(encoding="utf-8")
