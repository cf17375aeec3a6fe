"""`wreport new-audience`: a new audience folder that builds at once, and never overwrites one.

Also checks the README's "Writing a template" example: it is built exactly as printed there, so
the guide cannot drift from what the helpers really do.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from real_project import ROOT, copy_project, load

from wreport.build.editions import build
from wreport.errors import ConfigError
from wreport.render.templating import load_audience, render_edition
from wreport.scaffold.audience import new_audience


@pytest.fixture()
def project_root(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def html_text(path: Path) -> str:
    """The visible text of a built HTML file, tags removed and whitespace folded, without the
    invisible word joiners that keep a Korean word on one line (a browser's find reads across them:
    docs/house-style.md, "Korean line breaks")."""
    text = re.sub(r"<style.*?</style>|<[^>]+>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(text.replace("\u2060", "").split())


def test_starter_builds_html_in_both_languages(project_root: Path, tmp_path: Path) -> None:
    project, facts, glossary = load(project_root)
    folder = new_audience(project, "investor-brief", facts, glossary)

    assert sorted(p.name for p in folder.iterdir()) == ["audience.toml", "en.md.j2", "ko.md.j2"]
    outputs = build(project, audiences=["investor-brief"], formats=["html"], out_dir=tmp_path / "out")
    assert sorted((o.lang, o.format) for o in outputs) == [("en", "html"), ("ko", "html")]
    # The starter shows the first fact and the first term, written here from seeds/facts.yaml
    # ("조성 추진 10년 만에") and glossary/terms.csv (mocie) as the house style prints them.
    shown = {"ko": ("10년", "산업자원부"), "en": ("10 years", "Ministry of Commerce, Industry and Energy")}
    for output in outputs:
        text = html_text(output.path)
        figure, term = shown[output.lang]
        assert figure in text and term in text, output.lang
        assert "Wonju medical-device cluster" in text  # the title: the project's name (wreport.toml)


def test_copy_of_an_audience_renders_like_its_source(project_root: Path) -> None:
    project, facts, glossary = load(project_root)
    new_audience(project, "partner-copy", facts, glossary, source="partner-brief")

    assert load_audience(project, "partner-copy").languages == load_audience(project, "partner-brief").languages
    for lang in ("ko", "en"):
        copy = render_edition(project, "partner-copy", lang, facts, glossary)
        original = render_edition(project, "partner-brief", lang, facts, glossary)
        assert copy.markdown == original.markdown
    assert (project.templates_dir / "partner-copy" / "audience.toml").read_text(encoding="utf-8").startswith(
        "# Copied from the 'partner-brief' audience")


def test_existing_folder_is_refused_and_left_alone(project_root: Path) -> None:
    project, facts, glossary = load(project_root)
    before = (project.templates_dir / "policy-brief" / "en.md.j2").read_text(encoding="utf-8")

    with pytest.raises(ConfigError, match=r"templates/policy-brief already exists"):
        new_audience(project, "policy-brief", facts, glossary)
    assert (project.templates_dir / "policy-brief" / "en.md.j2").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("name", ["Investor", "investor_brief", "_shared", "../escape", "a b", "", "-x",
                                  "x--y", "9lives", "x" * 41])
def test_invalid_names_are_refused(project_root: Path, name: str) -> None:
    project, facts, glossary = load(project_root)
    with pytest.raises(ConfigError, match="invalid audience name"):
        new_audience(project, name, facts, glossary)
    assert not any(p.name.startswith(".") for p in project.templates_dir.iterdir())  # no staging left


def test_unknown_source_names_the_known_audiences(project_root: Path) -> None:
    project, facts, glossary = load(project_root)
    with pytest.raises(ConfigError, match=r"no audience 'nope'.*policy-brief"):
        new_audience(project, "x", facts, glossary, source="nope")
    assert not (project.templates_dir / "x").exists()


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from wreport.cli import main; main()", "--project", str(root),
                           *args], capture_output=True, text=True)


def test_cli_creates_then_refuses(project_root: Path) -> None:
    first = run_cli(project_root, "new-audience", "ministry-note", "--from", "policy-brief")
    assert first.returncode == 0, first.stderr
    assert "ministry-note" in first.stdout and "wreport build --audience ministry-note" in first.stdout

    again = run_cli(project_root, "new-audience", "ministry-note")
    assert again.returncode == 1
    assert again.stderr.strip() == ("error: templates/ministry-note already exists; wreport never overwrites an "
                                    "audience (choose another name, or remove that folder first)")
    assert "Traceback" not in again.stderr


# ---------------------------------------------------------------- the README's example
def readme_example() -> str:
    """The ```jinja block of the README's "Writing a template" section, exactly as printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a template", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```jinja\n(.*?)```", section, re.S).group(1)


def test_readme_example_builds_as_printed(project_root: Path, tmp_path: Path) -> None:
    project, facts, glossary = load(project_root)
    folder = new_audience(project, "readme-example", facts, glossary)
    (folder / "en.md.j2").write_text(readme_example(), encoding="utf-8")

    [output] = build(project, audiences=["readme-example"], langs=["en"], formats=["html"],
                     out_dir=tmp_path / "out")
    text = html_text(output.path)
    # What the README says the example prints.
    assert "At the end of June 2007, 75 companies were making medical devices in Wonju" in text
    assert "Wonju Medical Industry Techno Valley (WMIT)" in text
    for figure in ("KRW 609.8 billion", "USD 435 million", "14.9%"):
        assert figure in text


def test_starter_builds_in_a_project_without_the_shared_table(tmp_path: Path) -> None:
    """Another project's _shared/macros.md.j2 has no fact_table: the starter then does without it."""
    from mini_project import copy_mini

    project, facts, glossary = load(copy_mini(tmp_path))
    folder = new_audience(project, "starter", facts, glossary)

    assert "fact_table" not in (folder / "en.md.j2").read_text(encoding="utf-8")
    outputs = build(project, audiences=["starter"], formats=["html"], out_dir=tmp_path / "out")
    shown = {"ko": "286억 원", "en": "KRW 28.6 billion"}  # the fixture's first fact: "지난 2001년 286억원에서"
    assert sorted(output.lang for output in outputs) == ["en", "ko"]
    for output in outputs:
        assert shown[output.lang] in html_text(output.path)
