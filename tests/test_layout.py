"""The folder list of src/wreport reads as the pipeline (docs/architecture.md): a module imports
only from its own stage and the stages before it, and never another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wreport"
# The stages in import order, as docs/architecture.md lists them.
STAGES = ("errors", "inputs", "data", "curation", "render", "writers", "build", "review", "qa", "releases", "scaffold",
          "preview", "cli")


def _stage(module: str) -> str:
    """The stage of a dotted wreport module name: its folder, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """Every wreport import of a file: line, module, imported names (lazy imports included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wreport"):
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.startswith("wreport")]
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_top_level_holds_only_the_package_face_the_cli_and_the_errors() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "cli.py", "errors.py"]
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted([*STAGES[1:-1], "fonts", "styles"])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_from_a_later_stage(path: Path) -> None:
    own = _stage(_module(path))
    if own == "__init__":
        return
    rank = STAGES.index(own)
    late = [f"{path.name}:{line}: {module}" for line, module, names in _imports(path)
            for target in ([module] if module != "wreport" else [f"wreport.{n}" for n in names if n != "__version__"])
            if _stage(target) != "__init__" and STAGES.index(_stage(target)) > rank]
    assert late == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_private_name_of_another(path: Path) -> None:
    private = [f"{path.name}:{line}: {module}.{name}" for line, module, names in _imports(path) for name in names
               if name.startswith("_") and not name.startswith("__")]
    assert private == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_is_over_fifty_lines(path: Path) -> None:
    """A function a newcomer reads in one screen (docstring included)."""
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None
            and node.end_lineno - node.lineno + 1 > 50]
    assert long == []


PYTHON_DOCX_INTERNALS = {"_p", "_r", "_tbl", "_tr", "_tc", "_inline", "_element", "_body"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_python_docx_internals_are_reached_only_from_the_ooxml_module(path: Path) -> None:
    """python-docx keeps the XML behind its objects private: writers/ooxml.py is the one module
    that reaches it (ooxml.xml_of), as python-docx keeps its own oxml layer apart."""
    if path == PACKAGE / "writers" / "ooxml.py":
        return
    reaches = [f"{path.name}:{node.lineno}: .{node.attr}"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Attribute) and node.attr in PYTHON_DOCX_INTERNALS
               and not (isinstance(node.value, ast.Name) and node.value.id == "self")]
    assert reaches == []


def _runtime_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """The wreport imports a module runs (lazy ones inside functions included), leaving out those
    under ``if TYPE_CHECKING:``, which only the type checker reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(inner) for node in ast.walk(tree)
               if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
               for inner in ast.walk(node)}
    return [(node.lineno, node.module, [a.name for a in node.names]) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wreport")
            and id(node) not in skipped]


def _graph() -> dict[str, set[str]]:
    """Which wreport module imports which when it runs."""
    modules = {_module(path): path for path in MODULES}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _, module, names in _runtime_imports(path):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules] or [module]
            graph[name] |= {target for target in targets if target in modules and target != name}
    return graph


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[str] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
