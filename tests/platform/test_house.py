"""The house rules the import-linter contracts (pyproject.toml) cannot state: project imports
sit at the top of their module, never inside a function; module imports form no cycle; what an
entry point or a resolver loads at run time (not only what it names)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.helpers import ROOT

PACKAGES = ("app", "schema", "models", "rest_compat")


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = ast.parse(path.read_text(), str(path))
    return modules


def _imported(node: ast.Import | ast.ImportFrom, modules: dict) -> set[str]:
    """The project modules an import statement names (`from pkg import mod` names pkg.mod, and
    `from pkg import name` names pkg)."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    elif node.level == 0 and node.module:
        names = {
            f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
            for alias in node.names
        }
    else:
        return set()
    return {n for n in names if n in modules}


def test_no_project_import_inside_a_function():
    modules = _modules()
    hidden = []
    for name, tree in modules.items():
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and _imported(node, modules):
                        hidden.append(f"{name}:{node.lineno}")
    assert hidden == [], f"move these imports to the top of their module: {hidden}"


def test_module_imports_form_no_cycle():
    modules = _modules()
    graph = {
        name: {m for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)) for m in _imported(node, modules)}
        - {name}
        for name, tree in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(name):] + [name]))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def _loaded_by(module: str) -> list[str]:
    """The top-level packages importing `module` loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_the_worker_entry_never_loads_graphql_or_the_web_framework():
    loaded = _loaded_by("app.engines.worker")
    assert "app" in loaded  # the probe itself works
    assert not {"strawberry", "fastapi", "starlette", "graphql"} & set(loaded)


def test_resolvers_load_no_graphql_or_web_framework():
    resolvers = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "schema").glob("*/resolvers.py")
    )
    assert len(resolvers) >= 10
    loaded = _loaded_by(", ".join(resolvers))
    assert not {"strawberry", "fastapi", "starlette", "graphql"} & set(loaded)


def test_graphql_types_use_first_class_strawberry_pydantic():
    experimental = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "strawberry.experimental" in path.read_text()
    ]
    assert experimental == []
