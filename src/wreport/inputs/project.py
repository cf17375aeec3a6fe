"""The project folder: where facts, glossary and templates live, found from wreport.toml.

Commands work on the nearest folder upward holding ``wreport.toml`` (like git finds ``.git``),
or on ``--project DIR``, so a team can keep its own data and templates in a folder of its own and
build them with the installed tool.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wreport.errors import ConfigError, Location, WreportError, raise_if_any
from wreport.inputs import reading as inputs
from wreport.inputs.schemas import Limits, Parsed, PathsTable, ProjectConfig, parse_toml, validate

CONFIG_NAME = "wreport.toml"

_INPUT_PATHS = ("sources", "facts", "claims", "glossary", "templates", "signoff")  # ``out`` is an output: bounds checks it


@dataclass(frozen=True)
class Project:
    """A resolved project: its root folder, configured paths and style options."""

    root: Path
    name: str
    paths: dict[str, Path]
    myriad_group_commas: bool = True
    config: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    limits: Limits = field(default_factory=Limits)
    audiences: tuple[str, ...] = ()  # [project] audiences: the order to list them in (first: preview's)

    @property
    def sources_file(self) -> Path:
        return self.paths["sources"]

    @property
    def facts_file(self) -> Path:
        return self.paths["facts"]

    @property
    def claims_file(self) -> Path:
        return self.paths["claims"]

    @property
    def glossary_file(self) -> Path:
        return self.paths["glossary"]

    @property
    def templates_dir(self) -> Path:
        return self.paths["templates"]

    @property
    def signoff_dir(self) -> Path:
        """Where each audience's sign-off record lives (``signoff/<audience>.yaml``)."""
        return self.paths["signoff"]

    @property
    def out_dir(self) -> Path:
        return self.paths["out"]

    def read_text(self, path: Path, error: inputs.ErrorClass = ConfigError, limit: int | None = None) -> str:
        """An input file's text through :mod:`wreport.inputs.reading`, confined to this project and
        capped at ``[limits] file_bytes`` unless another ``limit`` is given."""
        return inputs.read_text(path, self.root, self.relative(path), limit or self.limits.file_bytes, error)

    def relative(self, path: Path | str) -> str:
        """A path as users see it in messages: relative to the project root when inside it."""
        path = Path(path)
        for candidate in (path, path.resolve()):  # a link is named as written, not where it leads
            try:
                return str(candidate.relative_to(self.root))
            except ValueError:
                pass
        return str(path)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding wreport.toml, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def read_toml(path: Path, shown: str | None = None, root: Path | None = None,
              limit: int = inputs.FILE_BYTES) -> Parsed:
    """A TOML file read through :mod:`wreport.inputs.reading` (inside ``root``, default: its own folder)
    and parsed with each key's line; a syntax error is a ConfigError at its line."""
    shown = shown or str(path)
    text = inputs.read_text(path, root or path.parent, shown, limit, ConfigError)
    return parse_toml(text, shown)


def load_project(explicit: Path | None = None, start: Path | None = None) -> Project:
    """Find and read the project's configuration.

    ``explicit`` (from ``--project``) must itself hold wreport.toml; otherwise the search starts at
    ``start`` (default: the working directory) and walks upward. Every problem in wreport.toml
    (unknown tables and keys, wrong types, input paths outside the project) is reported at once.
    """
    if explicit is not None:
        root = explicit.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError(
                f"no {CONFIG_NAME} in {explicit}",
                hint="pass the folder that holds the project's wreport.toml",
            )
    else:
        found = find_root(start or Path.cwd())
        if found is None:
            raise ConfigError(
                f"no {CONFIG_NAME} found in {start or Path.cwd()} or any folder above it",
                hint="run inside a wreport project or pass --project DIR",
            )
        root = found
    # messages name wreport.toml as the other files: from the root
    parsed = read_toml(root / CONFIG_NAME, CONFIG_NAME, root)
    config, problems = validate(ProjectConfig, parsed.data, parsed, CONFIG_NAME)
    problems += _outside_paths(root, parsed)
    raise_if_any(problems, f"{len(problems)} problems in {CONFIG_NAME}")
    assert config is not None
    paths = {key: root / getattr(config.paths, key) for key in PathsTable.model_fields}
    return Project(root=root, name=config.project.name or root.name, paths=paths,
                   myriad_group_commas=config.style.myriad_group_commas, config=parsed.data, limits=config.limits,
                   audiences=tuple(config.project.audiences))


def _outside_paths(root: Path, parsed: Parsed) -> list[WreportError]:
    """An input path in [paths] that leads outside the project folder (``..``, absolute), checked
    on the file as written so it is reported with the schema's problems."""
    table = parsed.data.get("paths")
    written = {key: value for key, value in table.items() if key in _INPUT_PATHS and isinstance(value, str)} \
        if isinstance(table, dict) else {}
    return [ConfigError(f"[paths] {key} = {value!r} leads outside the project folder",
                        Location.of(CONFIG_NAME, parsed.line_of(("paths", key))),
                        hint="inputs are read from inside the project only; copy them in")
            for key, value in written.items() if not _written_inside(root, value)]


def _written_inside(root: Path, written: str) -> bool:
    """Whether a path as written (``..`` and absolute paths, not symlinks: the reads check those,
    naming the file) stays in the project folder."""
    return Path(os.path.normpath(root / written)).is_relative_to(root)


# ---------------------------------------------------------------- [limits]
def render_seconds(project: Project) -> float:
    """``[limits] render_seconds``: the wall-clock seconds one edition may take to render (the
    schema, schemas.Limits, has checked it: a whole number from 1 to 86400)."""
    return float(project.limits.render_seconds)
