"""Write ``docs/config.md``: every key of ``wreport.toml`` and ``audience.toml``, from the schemas.

Run ``.venv/bin/python tools/config_doc.py`` after changing a schema in
``src/wreport/inputs/schemas.py``; commit both (``tests/inputs/test_schemas_doc.py`` checks that the
committed page is what this script makes, so the page cannot drift from what the loader accepts).

Each key's type, default and example come from its pydantic field: the annotation, the default,
``description`` and ``examples`` (else the default is the example).
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from wreport.inputs import schemas  # noqa: E402  (after the path above)

TARGET = ROOT / "docs" / "config.md"
INTRO = """\
# Configuration reference: `wreport.toml` and `audience.toml`

Generated from the schemas in `src/wreport/inputs/schemas.py` by `tools/config_doc.py`; do not
edit by hand (a test checks the two agree). Unknown keys are errors with a did-you-mean; every
value is checked against its type (docs/inputs.md). Paths are relative to `wreport.toml` and must
stay inside the project folder.
"""


def toml_value(value: Any) -> str:
    """A value as TOML writes it: strings quoted, booleans lower-case, dates bare, lists in brackets."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, datetime.date)):
        return f"{value:_}" if isinstance(value, int) and value >= 10_000 else str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def type_name(info: FieldInfo) -> str:
    """The key's type in the words of a TOML file, with its bounds."""
    annotation = info.annotation
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if get_origin(annotation) is list:
        return "list of text"
    names = {str: "text", bool: "true or false", int: "integer", datetime.date: "date (unquoted)"}
    name = names.get(annotation, "table") if isinstance(annotation, type) else "text"
    bounds = [f"{'≥' if hasattr(m, 'ge') else '≤'} {toml_value(getattr(m, 'ge', getattr(m, 'le', None)))}"
              for m in info.metadata if hasattr(m, "ge") or hasattr(m, "le")]
    return f"{name}, {', '.join(bounds)}" if bounds else name


def row(key: str, info: FieldInfo) -> str:
    """One key: name, type, default, example, meaning."""
    default = "required" if info.is_required() else (
        "none" if info.default is None else f"`{toml_value(info.get_default(call_default_factory=True))}`")
    example = info.examples[0] if info.examples else (None if info.is_required() else info.get_default())
    shown = f"`{key} = {toml_value(example)}`" if example not in (None, "", []) else ""
    return f"| `{key}` | {type_name(info)} | {default} | {shown} | {(info.description or '').replace('|', '/')} |"


def table_section(title: str, model: type[BaseModel]) -> list[str]:
    """A heading, the model's docstring and a row per plain key (tables have their own section)."""
    about = re.sub(r"^``[^`]+``:\s*", "", " ".join((model.__doc__ or "").split()))
    lines = [f"### {title}", "", about[:1].upper() + about[1:], "",
             "| key | type | default | example | meaning |", "| --- | --- | --- | --- | --- |"]
    for key, info in model.model_fields.items():
        lines.append(row(key, info))
    return [*lines, ""]


def render() -> str:
    """The whole page."""
    lines = [INTRO, "## wreport.toml", "", "At the project's root. Every table and key is optional.", ""]
    for key, info in schemas.ProjectConfig.model_fields.items():
        model = info.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel), key
        lines += table_section(f"[{key}]", model)
    lines += ["## audience.toml", "", "In each audience's folder, `templates/<audience>/audience.toml`.", ""]
    lines += table_section("top level", schemas.AudienceConfig)
    lines += table_section("[ko] and [en]", schemas.EditionTable)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    from wreport.inputs.files import write_atomic

    write_atomic(TARGET, render())
    print(f"wrote {TARGET.relative_to(ROOT)}")
