"""The package declares what it imports: a venv made from `pip install .` alone (no test extras,
nothing of the development venv) imports every wreport module and every library a module imports,
those imported inside functions included (trafilatura, imported only when an HTML page is
imported, needs lxml_html_clean, which a plain install did not bring until pyproject declared it).

It installs from the package index as a user's pip would (pip's cache is warm after `make
.venv/.installed`, so nothing is downloaded again): about 40 s on two cores; `-m "not slow"` leaves it out.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What `pip install .` reads: the package and the files pyproject.toml names.
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "src")
#: Run in the new venv: import every wreport module, then every module outside the standard
#: library that any wreport module imports (at its top or inside a function); print each failure.
IMPORT_ALL = """
import ast, importlib, pkgutil, sys, traceback
from pathlib import Path
import wreport

failed = []
def attempt(name):
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")

modules = [info.name for info in pkgutil.walk_packages(wreport.__path__, "wreport.")]
for name in modules:
    attempt(name)
used = set()
for path in Path(wreport.__file__).parent.rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            used.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            used.add(node.module)
libraries = sorted(n for n in used if n.split(".")[0] not in sys.stdlib_module_names and n.split(".")[0] != "wreport")
for name in libraries:
    attempt(name)
print(f"{len(modules)} wreport modules, {len(libraries)} library modules")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
NO_NETWORK = ("NewConnectionError", "Network is unreachable", "Temporary failure in name resolution")


@pytest.mark.slow
def test_every_module_imports_in_a_venv_made_from_pip_install_alone(tmp_path: Path) -> None:
    project = tmp_path / "wreport"  # a copy: an in-tree build would write build/ into the worktree
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, project / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The development venv's pip installs into the new one (--python): no pip of its own to set up.
    # --no-compile: bytecode is written on first import instead, of the modules used only.
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-compile",
                              "--quiet", str(project)], capture_output=True, text=True, timeout=600)
    if install.returncode != 0 and any(sign in install.stderr for sign in NO_NETWORK):
        pytest.skip(f"the package index cannot be reached: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr
    result = subprocess.run([str(python), "-c", IMPORT_ALL], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)  # not ROOT: src/ must not shadow the installed package
    assert result.returncode == 0, result.stdout + result.stderr
    expected = len(list((ROOT / "src" / "wreport").rglob("*.py"))) - 1  # every .py but the package's own __init__
    assert result.stdout.startswith(f"{expected} wreport modules, "), result.stdout
    version = subprocess.run([str(venv / "bin" / "wreport"), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("wreport "), version.stdout + version.stderr


def _imported_libraries() -> set[str]:
    """The top-level names of the libraries wreport's modules import, inside functions too."""
    used: set[str] = set()
    for path in (ROOT / "src" / "wreport").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                used.add(node.module.split(".")[0])
    return {name for name in used if name not in sys.stdlib_module_names and name != "wreport"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_library_a_module_imports_is_a_declared_dependency() -> None:
    """Not merely installed as another package's dependency (pydantic_core came with pydantic,
    regex with dateparser): a library wreport imports itself is one pyproject names, so a change
    in another package's dependencies cannot take it away."""
    declared = {_normal(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0]) for line in requires("wreport") or []
                if "extra ==" not in line}
    providers = packages_distributions()
    undeclared = sorted(name for name in _imported_libraries()
                        if not {_normal(dist) for dist in providers.get(name, [])} & declared)
    assert undeclared == []
