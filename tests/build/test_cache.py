"""What an output's key covers, and the record of what was built."""

from __future__ import annotations

from pathlib import Path

from mini_project import add_audience, copy_mini, write_template

from wreport.build.cache import CACHE_NAME, BuildRecord, Hasher, data_files, package_files, template_files
from wreport.inputs.project import load_project


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
    from wreport.build.editions import build, prepare

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
