"""The schemas as documentation: docs/config.md is what tools/config_doc.py makes from them, and
the examples it shows are accepted by the loader."""

from __future__ import annotations

import sys
from pathlib import Path

from wreport.inputs.schemas import AudienceConfig, EditionTable, ProjectConfig, parse_toml, validate

ROOT = Path(__file__).resolve().parents[2]


def _config_doc():  # the tools/ script, imported as the docx reference test imports its own
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import config_doc
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return config_doc


def test_docs_config_is_what_the_script_makes() -> None:
    assert (ROOT / "docs/config.md").read_text(encoding="utf-8") == _config_doc().render(), (
        "run .venv/bin/python tools/config_doc.py and commit docs/config.md")


def test_every_key_is_on_the_page_with_an_example_the_loader_accepts() -> None:
    page = (ROOT / "docs/config.md").read_text(encoding="utf-8")
    for model in (*(info.annotation for info in ProjectConfig.model_fields.values()), AudienceConfig, EditionTable):
        for key in model.model_fields:  # type: ignore[union-attr]
            assert f"| `{key}` |" in page, key
    files: dict[str, list[str]] = {"wreport.toml": [], "audience.toml": []}
    current = files["wreport.toml"]
    for line in page.splitlines():
        if line == "## audience.toml":
            current = files["audience.toml"]
        elif line.startswith("### ["):
            current.append(line[4:].replace("[ko] and [en]", "[en]"))
        elif line.startswith("| `") and " = " in line:
            current.append(line.split(" | ")[3].strip("`"))  # the example column
    assert len(files["wreport.toml"]) == 4 + 20 and len(files["audience.toml"]) == 1 + 4 + 5  # tables and keys
    for name, model in (("wreport.toml", ProjectConfig), ("audience.toml", AudienceConfig)):
        text = "\n".join(files[name])
        parsed = parse_toml(text, name)
        entry, problems = validate(model, parsed.data, parsed, name)
        assert problems == [] and entry is not None, (text, problems)
