"""The project folder: where facts, glossary and templates live, found from wreport.toml.

Commands work on the nearest folder upward holding ``wreport.toml`` (like git finds ``.git``),
or on ``--project DIR``, so a team can keep its own data and templates in a folder of its own and
build them with the installed tool.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location

CONFIG_NAME = "wreport.toml"

_DEFAULT_PATHS = {
    "sources": "seeds/sources.yaml",
    "facts": "seeds/facts.yaml",
    "glossary": "glossary/terms.csv",
    "templates": "templates",
    "out": "out",
}


@dataclass(frozen=True)
class Project:
    """A resolved project: its root folder, configured paths and style options."""

    root: Path
    name: str
    paths: dict[str, Path]
    myriad_group_commas: bool = True
    config: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sources_file(self) -> Path:
        return self.paths["sources"]

    @property
    def facts_file(self) -> Path:
        return self.paths["facts"]

    @property
    def glossary_file(self) -> Path:
        return self.paths["glossary"]

    @property
    def templates_dir(self) -> Path:
        return self.paths["templates"]

    @property
    def out_dir(self) -> Path:
        return self.paths["out"]

    def relative(self, path: Path | str) -> str:
        """A path as users see it in messages: relative to the project root when inside it."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding wreport.toml, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def read_toml(path: Path, shown: str | None = None) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes a ConfigError naming the file (as ``shown``, the
    project-relative path, when given) and line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno; the message ends "(at line N, column M)".
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line .*\)$", "", str(exc))
        raise ConfigError(f"invalid TOML: {message}", Location.of(shown or path, line)) from None


def load_project(explicit: Path | None = None, start: Path | None = None) -> Project:
    """Find and read the project's configuration.

    ``explicit`` (from ``--project``) must itself hold wreport.toml; otherwise the search starts at
    ``start`` (default: the working directory) and walks upward.
    """
    if explicit is not None:
        root = explicit.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError(
                f"no {CONFIG_NAME} in {explicit}",
                hint="pass the folder that holds the project's wreport.toml",
            )
    else:
        root = find_root(start or Path.cwd())
        if root is None:
            raise ConfigError(
                f"no {CONFIG_NAME} found in {start or Path.cwd()} or any folder above it",
                hint="run inside a wreport project or pass --project DIR",
            )
    config_file = root / CONFIG_NAME
    config = read_toml(config_file, CONFIG_NAME)  # messages name it as the other files: from the root
    paths_cfg = config.get("paths", {})
    unknown = set(paths_cfg) - set(_DEFAULT_PATHS)
    if unknown:
        raise ConfigError(f"unknown key(s) in [paths]: {', '.join(sorted(unknown))}",
                          Location.of(CONFIG_NAME),
                          hint=f"known keys: {', '.join(_DEFAULT_PATHS)}")
    paths = {key: (root / paths_cfg.get(key, default)) for key, default in _DEFAULT_PATHS.items()}
    style = config.get("style", {})
    commas = style.get("myriad_group_commas", True)
    if not isinstance(commas, bool):
        raise ConfigError("[style] myriad_group_commas must be true or false", Location.of(CONFIG_NAME))
    name = config.get("project", {}).get("name", root.name)
    return Project(root=root, name=name, paths=paths, myriad_group_commas=commas, config=config)


# ---------------------------------------------------------------- [limits]
# TEMPORARY accessor (engineer `bounds`): reads [limits] from the raw config until the wreport.toml
# schema (engineer `inputs`) exposes it as a typed attribute; then replace the body of this one
# function with that attribute and keep the name, so the build, check and preview need no change.
DEFAULT_RENDER_SECONDS = 60.0


def render_seconds(project: Project) -> float:
    """``[limits] render_seconds``: the wall-clock seconds one edition may take to render."""
    value = project.config.get("limits", {}).get("render_seconds", DEFAULT_RENDER_SECONDS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 86_400:
        raise ConfigError(f"[limits] render_seconds must be a number of seconds above 0 (at most 86400), "
                          f"not {value!r}", Location.of(CONFIG_NAME), hint="the default is 60: render_seconds = 60")
    return float(value)
