"""Imports go one way: no circle among the project's modules, and no import hidden in a function body to dodge
one (that is the circle still, only found later, at run time).

The graph is read from the source with ``ast``, without importing anything: every module of the project's apps
except migrations, with the imports a module runs when it is loaded (at module level and in class bodies;
imports under ``if TYPE_CHECKING:`` run only for the type checker and are left out).
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Modules left out of the checks, as path patterns (none: the demo app is checked like every other).
NOT_YET: tuple[str, ...] = ()

#: Imports inside a function body that are allowed, as (module, function) patterns, each with its reason.
ALLOWED_IN_FUNCTIONS = {
    ("*.apps", "ready"): "an app's models and receivers are loaded in AppConfig.ready(): not before the app "
    "registry is ready",
}

#: What a layer may not import at module level (the kind of a module is the first of these names in its path):
#: tasks call services and services never enqueue tasks themselves; models and selectors only read.
LAYERS = ("models", "selectors", "services", "tasks", "views")
NOT_IMPORTED_BY = {
    "models": {"selectors", "services", "tasks", "views"},
    "selectors": {"services", "tasks", "views"},
    "services": {"tasks", "views"},
    "tasks": {"views"},
}


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)  # modules imported when this one is loaded
    in_functions: list[tuple[str, int, str]] = field(default_factory=list)  # (function, line, module)


def project_packages() -> list[str]:
    """The project's apps: the top-level packages with an ``apps.py``."""
    return sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _left_out(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return "migrations" in path.parts or any(fnmatch.fnmatch(relative, pattern) for pattern in NOT_YET)


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Collects the project modules a module imports, apart by where the import statement stands."""

    def __init__(self, module: Module, known: set[str]) -> None:
        self.module = module
        self.known = known
        self.functions: list[str] = []

    def _resolve(self, name: str) -> str | None:
        """The project module ``name`` loads: itself, or the module that holds the object it names."""
        while name and name not in self.known:
            name = name.rpartition(".")[0]
        return name or None

    def _targets(self, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
            return
        base = node.module or ""
        if node.level:
            package = self.module.name.split(".")
            if self.module.path.name != "__init__.py":
                package.pop()
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            yield f"{base}.{alias.name}"  # a submodule, else resolved to the module ``base``

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for target in self._targets(node):
            resolved = self._resolve(target)
            if resolved is None or resolved == self.module.name:
                continue
            if self.functions:
                self.module.in_functions.append((self.functions[-1], node.lineno, resolved))
            else:
                self.module.imports.add(resolved)

    visit_Import = visit_ImportFrom = _import

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:  # decorators and defaults run when the module loads
            self.visit(decorator)
        self.functions.append(node.name)
        for statement in node.body:
            self.visit(statement)
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_If(self, node: ast.If) -> None:
        if _type_checking(node.test):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)


def project_modules() -> dict[str, Module]:
    paths = [
        path for package in project_packages() for path in sorted((ROOT / package).rglob("*.py")) if not _left_out(path)
    ]
    modules = {_module_name(path): Module(_module_name(path), path) for path in paths}
    # Every module, left out or not: an import of a left-out module resolves to it (and is then ignored).
    known = {_module_name(path) for package in project_packages() for path in (ROOT / package).rglob("*.py")}
    for module in modules.values():
        _Imports(module, known).visit(ast.parse(module.path.read_text(), filename=str(module.path)))
        module.imports &= set(modules)
    return modules


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports (its first module repeated at the end), or None. Depth first, without recursion."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        todo = [iter(sorted(graph[start]))]
        while todo:
            following = next(todo[-1], None)
            if following is None:
                todo.pop()
                done.add(path.pop())
            elif following in path:
                return [*path[path.index(following) :], following]
            elif following not in done:
                path.append(following)
                todo.append(iter(sorted(graph.get(following, set()))))
    return None


def layer_of(module: str) -> str | None:
    return next((part for part in module.split(".")[1:] if part in LAYERS), None)


def allowed_in_function(module: str, function: str) -> str | None:
    return next(
        (
            reason
            for (pattern, name), reason in ALLOWED_IN_FUNCTIONS.items()
            if fnmatch.fnmatch(module, pattern) and name == function
        ),
        None,
    )


# The tests -----------------------------------------------------------------------------------------------


def test_the_graph_sees_the_apps_and_their_imports() -> None:
    """The reading itself works: the apps are found, and a few imports known to be there are seen."""
    modules = project_modules()
    assert {"quartier", "actors", "committees", "fonds", "isek"} <= set(project_packages())
    assert "fonds.services.applications" in modules["fonds.receivers"].imports
    assert "committees.signals" in modules["fonds.receivers"].imports
    assert "committees.models" in modules["committees.services.ballots"].imports
    assert ("ready", "fonds.receivers") in {
        (function, target) for function, _, target in modules["fonds.apps"].in_functions
    }
    assert "reporting.figures.funds" in modules and "reporting.services" in modules["reporting.tasks"].imports
    assert "demo.seed" in modules and "demo.accounts" in modules["demo.seed"].imports
    assert not any(".migrations" in name for name in modules)


def test_find_cycle_finds_a_circle_and_only_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # two ways to one module: no circle
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_no_module_imports_itself_through_others() -> None:
    modules = project_modules()
    cycle = find_cycle({name: module.imports for name, module in modules.items()})
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_no_function_imports_a_project_module() -> None:
    """An import in a function body dodges a circle instead of removing it. The few allowed have a reason."""
    found = [
        f"{module.path.relative_to(ROOT)}:{line} {function}() imports {target}"
        for module in project_modules().values()
        for function, line, target in module.in_functions
        if allowed_in_function(module.name, function) is None
    ]
    assert found == [], "imports in function bodies:\n" + "\n".join(found)


def test_every_allowed_function_import_is_still_needed() -> None:
    used = {
        (pattern, name)
        for module in project_modules().values()
        for function, _, _ in module.in_functions
        for pattern, name in ALLOWED_IN_FUNCTIONS
        if fnmatch.fnmatch(module.name, pattern) and name == function
    }
    assert used == set(ALLOWED_IN_FUNCTIONS)


def test_layers_import_one_way() -> None:
    """Tasks import services, never the reverse; models and selectors never import services."""
    wrong = [
        f"{name} ({layer_of(name)}) imports {target} ({layer_of(target)})"
        for name, module in project_modules().items()
        for target in sorted(module.imports)
        if layer_of(target) in NOT_IMPORTED_BY.get(layer_of(name) or "", set())
    ]
    assert wrong == [], "\n".join(wrong)
