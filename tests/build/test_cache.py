"""What an output's key covers, and the record of what was built."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mini_project import add_audience, copy_mini, write_template

from wreport.build.cache import CACHE_NAME, BuildRecord, Hasher, data_files, package_files, template_files
from wreport.build.editions import build, prepare
from wreport.inputs.project import Project, load_project


def names(project, paths: list[Path]) -> list[str]:
    return [path.relative_to(project.root).as_posix() for path in paths]


def test_template_files_follow_imports_and_includes_from_the_edition_template(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    write_template(root, "brief/en.md.j2", '{% import "_shared/macros.md.j2" as m %}{% include "part.md.j2" %}\n')
    write_template(root, "brief/part.md.j2", '{% include "_shared/footer.md.j2" %}\n')
    write_template(root, "_shared/footer.md.j2", "footer\n")
    write_template(root, "_shared/unused.md.j2", "never loaded\n")
    files = names(project, template_files(project, root / "templates" / "brief", "en"))
    assert files == ["templates/_shared/footer.md.j2", "templates/_shared/macros.md.j2",
                     "templates/brief/audience.toml", "templates/brief/en.md.j2", "templates/brief/part.md.j2"]
    assert "templates/brief/ko.md.j2" not in files  # the Korean template is not an input of the English edition


def test_a_missing_template_is_listed_so_creating_it_changes_the_key(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    write_template(root, "brief/en.md.j2", '{% include "_shared/later.md.j2" %}\n')
    files = template_files(project, root / "templates" / "brief", "en")
    assert root / "templates" / "brief" / "_shared" / "later.md.j2" in files  # the loader looks here first
    hasher = Hasher(root)
    before = hasher.files(files)
    write_template(root, "brief/_shared/later.md.j2", "now here\n")
    assert Hasher(root).files(files) != before


def test_a_computed_template_name_or_a_syntax_error_counts_every_template(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    add_audience(root, "other", {"en": "other\n"})
    every = sorted(p for p in (root / "templates").rglob("*") if p.is_file())
    write_template(root, "brief/en.md.j2", '{% include lang + ".part.md.j2" %}\n')
    assert template_files(project, root / "templates" / "brief", "en") == every
    write_template(root, "brief/en.md.j2", "{% if %}\n")
    assert template_files(project, root / "templates" / "brief", "en") == every


def test_data_files_are_the_config_facts_claims_sources_and_glossary(tmp_path):
    project = load_project(copy_mini(tmp_path))
    assert names(project, data_files(project)) == [
        "wreport.toml", "seeds/facts.yaml", "seeds/claims.yaml", "seeds/sources.yaml", "seeds/sources/etnews.txt",
        "seeds/sources/fnnews.txt", "glossary/terms.csv"]


def test_a_source_text_in_a_subfolder_of_the_sources_is_an_input(tmp_path):
    root = copy_mini(tmp_path)
    project = load_project(root)
    nested = root / "seeds" / "sources" / "2008" / "kicox.txt"
    nested.parent.mkdir()
    nested.write_text("산업단지공단 자료\n", encoding="utf-8")
    assert "seeds/sources/2008/kicox.txt" in names(project, data_files(project))
    before = Hasher(root).files(data_files(project))
    nested.write_text("산업단지공단 자료 (고침)\n", encoding="utf-8")
    assert Hasher(root).files(data_files(project)) != before


def test_package_files_include_fonts_and_styles_but_not_bytecode():
    files = {path.name for path in package_files()}
    assert {"cli.py", "editions.py", "NanumGothic.ttf", "print.css", "reference.docx"} <= files
    assert not any(name.endswith(".pyc") for name in files)


def test_hashes_name_files_relative_to_the_project_so_a_moved_project_keeps_its_keys(tmp_path):
    first = copy_mini(tmp_path / "a")
    second = copy_mini(tmp_path / "b")
    assert Hasher(first).files(data_files(load_project(first))) == \
        Hasher(second).files(data_files(load_project(second)))


def test_record_knows_an_output_only_while_its_key_and_bytes_are_unchanged(tmp_path):
    out = tmp_path / "out"
    target = out / "a" / "a.en.html"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"<p>one</p>")
    record = BuildRecord(out)
    record.record(target, "key-1", b"<p>one</p>", None)
    record.save()
    again = BuildRecord(out)
    assert again.current(target, "key-1").size == 10
    assert again.current(target, "key-2") is None  # an input changed
    target.write_bytes(b"<p>two</p>")  # the same size, other bytes
    assert again.current(target, "key-1") is None  # the file is not what was written
    target.write_bytes(b"<p>edited by hand</p>")
    assert again.current(target, "key-1") is None
    target.unlink()
    assert again.current(target, "key-1") is None


def test_an_unreadable_record_is_an_empty_one(tmp_path):
    (tmp_path / CACHE_NAME).write_text("{not json", encoding="utf-8")
    assert BuildRecord(tmp_path).entries == {}


def test_an_unchanged_template_is_not_parsed_again_but_an_edited_one_is(tmp_path, monkeypatch):
    from wreport.build import cache

    root = copy_mini(tmp_path)
    project = load_project(root)
    build(project, formats=["html"])
    parsed = []
    real = cache._referenced
    monkeypatch.setattr(cache, "_referenced", lambda path: parsed.append(path.name) or real(path))
    assert all(task.current for task in prepare(project, formats=["html"]).tasks)
    assert parsed == []  # the record knew every template by its contents
    write_template(root, "brief/en.md.j2", '{% include "_shared/new.md.j2" %}\n')
    write_template(root, "_shared/new.md.j2", "new\n")
    tasks = {task.edition.lang: task for task in prepare(project, formats=["html"]).tasks}
    assert parsed == ["en.md.j2", "new.md.j2"]
    assert tasks["ko"].current is not None and tasks["en"].current is None


def built_mini(tmp_path: Path) -> tuple[Path, Project]:
    """A copy of the mini project with its HTML editions built (and recorded)."""
    root = copy_mini(tmp_path)
    project = load_project(root)
    build(project, formats=["html"])
    return root, project


def test_a_crafted_record_cannot_make_an_edited_partial_count_as_up_to_date(tmp_path):
    root, project = built_mini(tmp_path)
    out = project.out_dir
    html = out / "brief" / "brief.en.html"
    # The record is edited to say the English template loads nothing, and re-keyed so that every
    # output matches that claim (what anyone who can write to out/ can do).
    record = BuildRecord(out)
    record.templates[hashlib.sha256((root / "templates/brief/en.md.j2").read_bytes()).hexdigest()] = []
    record.save()
    for task in prepare(project, formats=["html"]).tasks:
        record.record(task.path, task.key, task.path.read_bytes(), None)
    record.save()
    macros = root / "templates" / "_shared" / "macros.md.j2"
    before = macros.read_text(encoding="utf-8")
    macros.write_text(before.replace("|:--|--:|", "|--:|--:|"), encoding="utf-8")  # the same size
    assert macros.stat().st_size == len(before.encode())
    stale = html.read_bytes()
    tasks = {task.edition.lang: task for task in prepare(project, formats=["html"]).tasks}
    assert tasks["en"].current is None  # the partial the English edition imports changed
    build(project, formats=["html"])
    assert html.read_bytes() != stale
    fresh = html.read_bytes()
    build(project, formats=["html"], force=True)
    assert html.read_bytes() == fresh  # what the build left is what a full build makes


def test_a_damaged_or_crafted_record_means_a_full_build_and_no_file_outside_out_is_touched(tmp_path):
    root, project = built_mini(tmp_path)
    out = project.out_dir
    facts = root / "seeds" / "facts.yaml"
    kept = facts.read_bytes()
    good = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    outside = {"key": "k", "sha256": hashlib.sha256(kept).hexdigest(), "size": len(kept), "pages": None}
    damaged = [
        "{not json", "[]", '{"version": 2, "outputs": {"brief/brief.en.html": {"key": 1}}, "templates": {}}',
        json.dumps({**good, "outputs": {**good["outputs"], "../seeds/facts.yaml": outside}}),
        json.dumps({**good, "outputs": {**good["outputs"], f"{root}/seeds/facts.yaml": outside}}),
        json.dumps({**good, "templates": {"x": [1]}}),
    ]
    for text in [*map(str.encode, damaged), b"\xff\xfe{"]:
        (out / CACHE_NAME).write_bytes(text)
        assert BuildRecord(out).entries == {}, text  # not trusted in part: ignored as a whole
        assert all(task.current is None for task in prepare(project, formats=["html"]).tasks), text
    (out / CACHE_NAME).write_text(damaged[3], encoding="utf-8")  # names a data file of the project
    build(project, formats=["html"])  # no traceback: a full build, and a sound record after it
    assert facts.read_bytes() == kept  # neither deleted as an orphan output nor overwritten
    assert all(task.current is not None for task in prepare(project, formats=["html"]).tasks)


def test_a_recorded_list_of_what_a_template_loads_is_believed_only_when_it_leaves_nothing_out(tmp_path):
    cases = [  # (template, what the record claims, what the template loads)
        ('{% include ["a.j2", "b.j2"] %}', ["a.j2"], ["a.j2", "b.j2"]),
        ("{%- include name -%}", [], [None]),
        ('{% from "m.j2" import x as y %}{% extends "base.j2" %}', ["base.j2"], ["m.j2", "base.j2"]),
        ('{# {% include "c.j2" %} #}', [], []),  # a comment: the scan doubts, the parser decides
        ('{{ "x" }}{%include"d.j2" ignore missing without context%}', ["d.j2"], ["d.j2"]),  # a true record
    ]
    for number, (text, claimed, loads) in enumerate(cases):
        path = tmp_path / f"t{number}.j2"
        path.write_text(text, encoding="utf-8")
        hasher = Hasher(tmp_path, {hashlib.sha256(text.encode()).hexdigest(): claimed})
        assert sorted(hasher.referenced(path), key=str) == sorted(loads, key=str), text


def test_a_loading_tag_with_long_runs_of_spaces_is_scanned_in_linear_time(tmp_path):
    """A recorded list is checked against the template's loading tags. A tag with 100,000 spaces
    where the names end (after the imported names, inside a list) made the scan try every split
    of the run: 7 s at 20,000 spaces, about three minutes at 100,000; one way through, it is
    milliseconds. Nothing is believed (the tags do not parse): every template counts."""
    import time

    spaces = " " * 100_000
    cases = ['{% from "m.j2" import x' + spaces + "! %}", '{% include ["a.j2", "b.j2"' + spaces + "! %}"]
    start = time.perf_counter()
    for number, text in enumerate(cases):
        path = tmp_path / f"t{number}.j2"
        path.write_text(text, encoding="utf-8")
        hasher = Hasher(tmp_path, {hashlib.sha256(text.encode()).hexdigest(): ["m.j2", "a.j2", "b.j2"]})
        assert hasher.referenced(path) == [None], text
    assert time.perf_counter() - start < 10  # quadratic would take minutes; linear takes milliseconds
