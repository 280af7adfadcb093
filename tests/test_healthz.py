"""``/healthz`` answers with the state of database, Redis and the Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from quartier.devenv import stop_processes

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process() -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the real Redis broker, as `make run` starts it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "quartier",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"healthz-test-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        stop_processes(process, timeout=20)


def test_healthy_without_worker_says_so(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "celery": "no worker"}
    assert "no-cache" in response["Cache-Control"]


def test_healthy_with_a_running_worker(
    client: Client, db: None, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 60
    body = client.get("/healthz").json()
    while body["celery"] != "ok" and time.monotonic() < deadline:
        assert celery_worker_process.poll() is None, celery_worker_process.stderr.read().decode()  # type: ignore[union-attr]
        time.sleep(0.5)
        body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "redis": "ok", "celery": "ok"}


def test_redis_down_is_503(client: Client, db: None, settings: object) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error", "celery": "unknown"}


def test_database_down_is_503(client: Client, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    from quartier import health

    class Unreachable:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "redis": "ok", "celery": "no worker"}


def test_healthz_needs_no_login_and_reveals_nothing_else(client: Client, db: None) -> None:
    body = client.get("/healthz").json()
    assert set(body) == {"status", "database", "redis", "celery"}
