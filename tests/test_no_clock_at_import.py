"""No test module reads the clock when it is imported.

pytest imports every module before it runs the first test. A ``TODAY = timezone.localdate()`` at module level
therefore holds the day the run started: when the run crosses midnight (Europe/Berlin), the tests after it send
"yesterday" where they mean today, and the server, which reads the clock when it handles the request, refuses
it. The same holds for default arguments, ``pytest.mark.parametrize`` lists and class attributes: all of them are
evaluated at import. Tests take ``today`` / ``now`` from the fixtures in ``tests/conftest.py`` instead, or read the
clock inside the test; parametrized cases carry day offsets that the test turns into dates.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Fully qualified names of the callables that read the clock. ``localdate`` and ``localtime`` read it only when
# called without a value; with one they convert that value.
CLOCK = {
    "django.utils.timezone.now",
    "django.utils.timezone.localdate",
    "django.utils.timezone.localtime",
    "datetime.date.today",
    "datetime.datetime.now",
    "datetime.datetime.today",
    "datetime.datetime.utcnow",
    "time.time",
}
CLOCK_WITHOUT_VALUE = {"django.utils.timezone.localdate", "django.utils.timezone.localtime"}
# The same names as written, for a module that gets ``timezone`` or ``date`` from somewhere the imports do not show.
SPELLED = {".".join(name.split(".")[-2:]) for name in CLOCK}


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Each name the module's imports bind (anywhere in it), mapped to what it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _clock_call(call: ast.Call, imported: dict[str, str]) -> str | None:
    """The name of the clock callable ``call`` calls, or None."""
    parts = _dotted(call.func)
    if parts is None:
        return None
    spelled = ".".join(parts)
    qualified = ".".join([imported.get(parts[0], parts[0]), *parts[1:]])
    if qualified in CLOCK:
        name = qualified
    elif ".".join(parts[-2:]) in SPELLED:
        name = next(full for full in CLOCK if full.endswith("." + ".".join(parts[-2:])))
    else:
        return None
    if name in CLOCK_WITHOUT_VALUE:
        value = call.args[0] if call.args else next((kw.value for kw in call.keywords if kw.arg == "value"), None)
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            return None
    return spelled


def _evaluated_at_import(node: ast.AST) -> list[ast.AST]:
    """The nodes under ``node`` that Python evaluates when the module is imported: everything but the bodies of
    functions and lambdas (their decorators, default arguments and the bodies of classes do run at import)."""
    found: list[ast.AST] = []
    pending = [node]
    while pending:
        current = pending.pop()
        found.append(current)
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            pending.extend(current.decorator_list)
            pending.extend(current.args.defaults)
            pending.extend(default for default in current.args.kw_defaults if default is not None)
        elif isinstance(current, ast.Lambda):
            pending.extend(current.args.defaults)
            pending.extend(default for default in current.args.kw_defaults if default is not None)
        else:
            pending.extend(ast.iter_child_nodes(current))
    return found


def clock_read_at_import(source: str, filename: str = "<test>") -> list[str]:
    """``line: callable()`` for every clock reading in ``source`` that runs when the module is imported."""
    tree = ast.parse(source, filename)
    imported = _imported_names(tree)
    found = []
    for node in _evaluated_at_import(tree):
        if isinstance(node, ast.Call) and (name := _clock_call(node, imported)):
            found.append((node.lineno, f"{node.lineno}: {name}()"))
    return [text for _, text in sorted(found)]


def test_no_test_module_reads_the_clock_when_it_is_imported() -> None:
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 100  # the walk finds the test modules
    found = [
        f"{path.relative_to(TESTS.parent)}:{reading}"
        for path in modules
        for reading in clock_read_at_import(path.read_text(), str(path))
    ]
    assert found == [], (
        "read the clock inside the test (or take the `today` / `now` fixture), not when the module is imported:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from django.utils import timezone\nTODAY = timezone.localdate()\n", ["2: timezone.localdate()"]),
        ("from django.utils import timezone\nTODAY = timezone.localdate().isoformat()\n", ["2: timezone.localdate()"]),
        ("import datetime\nTODAY = datetime.date.today()\n", ["2: datetime.date.today()"]),
        ("from datetime import date\nX = [date.today()]\n", ["2: date.today()"]),
        ("from datetime import datetime as dt\nNOW = dt.now()\n", ["2: dt.now()"]),
        ("import datetime\nNOW = datetime.datetime.today()\n", ["2: datetime.datetime.today()"]),
        ("from django.utils.timezone import now\nNOW = now()\n", ["2: now()"]),
        ("from django.utils import timezone as tz\nNOW: object = tz.now()\n", ["2: tz.now()"]),
        ("from tests.helpers import timezone\nNOW = timezone.now()\n", ["2: timezone.now()"]),
        (
            "from django.utils import timezone\ndef test_it(day=timezone.localdate()):\n    pass\n",
            ["2: timezone.localdate()"],
        ),
        ("from django.utils import timezone\ndef test_it(*, at=timezone.now()):\n    pass\n", ["2: timezone.now()"]),
        (
            "import datetime, pytest\n"
            "@pytest.mark.parametrize('day', [datetime.date.today() + datetime.timedelta(days=1)])\n"
            "def test_it(day):\n    pass\n",
            ["2: datetime.date.today()"],
        ),
        ("from django.utils import timezone\nclass Cases:\n    NOW = timezone.now()\n", ["3: timezone.now()"]),
        ("from django.utils import timezone\nf = lambda at=timezone.now(): at\n", ["2: timezone.now()"]),
        ("from django.utils import timezone\nif True:\n    NOW = timezone.now()\n", ["3: timezone.now()"]),
        ("from django.utils import timezone\nNOW = timezone.localtime(None)\n", ["2: timezone.localtime()"]),
        ("import time\nSTARTED = time.time()\n", ["2: time.time()"]),
    ],
)
def test_the_guard_finds_a_clock_read_at_import(source: str, found: list[str]) -> None:
    assert clock_read_at_import(source) == found


@pytest.mark.parametrize(
    "source",
    [
        "from django.utils import timezone\ndef test_it():\n    assert timezone.localdate()\n",
        "from django.utils import timezone\nclass Cases:\n    def today(self):\n        return timezone.localdate()\n",
        "from django.utils import timezone\ntoday = lambda: timezone.localdate()\n",
        "import datetime\nDAY = datetime.date(2026, 11, 24)\n",
        "import datetime\nfrom django.utils import timezone\n"
        "DAY = timezone.localdate(datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC))\n",
        "from django.utils import timezone\nNOW = timezone.localtime(value=RECORDED)\n",
        "import pytest\n@pytest.mark.parametrize('offset', [-1, 0, 1])\ndef test_it(offset):\n    pass\n",
        "from myclock import now\nNOW = now\n",
    ],
)
def test_the_guard_leaves_a_clock_read_when_the_test_runs(source: str) -> None:
    assert clock_read_at_import(source) == []
