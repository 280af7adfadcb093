"""The ``demo`` app stays out of production: no runtime module imports it, and the project runs without it."""

from __future__ import annotations

import ast
import os
import subprocess  # runs the project in a fresh interpreter without the demo  # nosec B404
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
#: Where the demo may be imported: the app itself, the tests, the benchmarks and the development environment.
ALLOWED = ("demo", "tests", "benchmarks", "quartier/devenv.py")
#: Not the project's code: the virtualenv, local state, caches.
SKIPPED = (".venv", "var", ".git", "test-artifacts", "node_modules")


def _imports_demo(tree: ast.AST) -> list[int]:
    """The lines of ``tree`` that import the ``demo`` package or a module of it."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "demo" or name.startswith("demo.") for name in names):
            lines.append(node.lineno)
    return lines


def _runtime_modules() -> list[Path]:
    modules = []
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative.split("/")[0] in SKIPPED or relative.split("/")[0].startswith(".venv"):
            continue
        if any(relative == allowed or relative.startswith(f"{allowed}/") for allowed in ALLOWED):
            continue
        modules.append(path)
    return modules


def test_no_runtime_module_imports_the_demo() -> None:
    modules = _runtime_modules()
    assert BASE_DIR / "quartier" / "settings.py" in modules and BASE_DIR / "manage.py" in modules
    offenders = {
        path.relative_to(BASE_DIR).as_posix(): lines
        for path in modules
        if (lines := _imports_demo(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    }
    assert offenders == {}


def test_the_finder_sees_every_kind_of_import() -> None:
    tree = ast.parse(
        "import demo\nimport demo.seed as s\nfrom demo import factories\nfrom demo.accounts import DEMO_PASSWORD\n"
        "from . import demo\nimport demonstration\nfrom demographics import x\n"
    )
    assert _imports_demo(tree) == [1, 2, 3, 4]


def test_tests_and_development_have_the_demo_app() -> None:
    assert settings.QUARTIER_DEMO and "demo" in settings.INSTALLED_APPS


#: A fresh interpreter where neither the demo nor factory_boy can be imported, as in the production image (which
#: has neither): it sets Django up, imports every module of the project's apps and runs the system checks.
WITHOUT_DEMO = """
import sys
sys.modules["demo"] = None  # "import demo" fails, as where demo/ is not there
sys.modules["factory"] = None  # factory_boy is a development package
import importlib, pkgutil
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
print("demo installed:", "demo" in settings.INSTALLED_APPS)
for app in ("quartier", "actors", "committees", "fonds", "isek", "reporting"):
    package = importlib.import_module(app)
    for module in pkgutil.walk_packages(package.__path__, f"{app}."):
        if module.name != "quartier.devenv":
            importlib.import_module(module.name)
importlib.import_module("quartier.urls")
call_command("check")
print("every module imported")
"""


def _without_demo(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "QUARTIER_DEMO"}
    env.update(DJANGO_SETTINGS_MODULE="quartier.settings", SECRET_KEY="x" * 60, **variables)
    return subprocess.run(  # nosec B603
        [sys.executable, "-c", WITHOUT_DEMO], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_project_runs_without_the_demo_and_factory_boy() -> None:
    result = _without_demo()
    assert result.returncode == 0, result.stderr
    assert "demo installed: False" in result.stdout
    assert "every module imported" in result.stdout


def test_asking_for_the_demo_where_it_is_missing_stops_start_up() -> None:
    result = _without_demo(QUARTIER_DEMO="1")
    assert result.returncode != 0
    assert "QUARTIER_DEMO is on, but the demo app" in result.stderr
