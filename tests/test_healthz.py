"""``/healthz`` answers with the state of database, Redis and the Celery worker."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.workers import start_worker, stop_worker


@pytest.fixture
def celery_worker_process(db: None) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the real Redis broker, as `make run` starts it."""
    worker = start_worker("healthz")
    try:
        yield worker.process
    finally:
        stop_worker(worker)


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
