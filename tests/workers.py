"""Real Celery worker processes for the tests about background work.

``start_worker(name, env)`` starts ``celery -A quartier worker`` on a queue of its own, talking to the test
database (``transactional_db``: the worker is another process and sees only committed rows) and the
machine's Redis, and points this process's tasks at that queue. ``stop_worker`` ends it (SIGTERM, then
SIGKILL) and restores the queue; ``kill`` stands for a worker that dies midway.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kombu import pools

from quartier.celery import app as celery_app
from quartier.devenv import stop_processes

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    previous_queue: str

    def alive(self) -> bool:
        return self.process.poll() is None

    def errors(self) -> str:
        return self.process.stderr.read().decode() if self.process.stderr and not self.alive() else ""

    def kill(self) -> None:
        """Die at once, as when the machine loses power: no task is finished or handed back."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def start_worker(name: str, env: dict[str, str] | None = None, *, queue: str | None = None) -> Worker:
    from django.conf import settings
    from django.db import connection

    queue = queue or f"test-{name}-{uuid.uuid4().hex[:8]}"
    parts = urlsplit(os.environ["DATABASE_URL"])
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
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"])),
            "CELERY_QUEUE": queue,
            # The test's own cache keys (tests/conftest.py): the worker's writes must move the same page
            # cache generation as the test's, as all processes of an installation share one.
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            **(env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    previous = celery_app.conf.task_default_queue
    celery_app.conf.update(task_default_queue=queue)
    return Worker(process=process, queue=queue, previous_queue=previous)


def stop_worker(worker: Worker, *, timeout: float = 20) -> None:
    celery_app.conf.update(task_default_queue=worker.previous_queue)
    stop_processes(worker.process, timeout=timeout)


def point_broker_at(url: str) -> None:
    """Send this process's tasks to ``url`` from now on (dropping the pooled connections and producers).

    Celery reads ``CELERY_BROKER_URL`` from the environment before its configuration, so it is set there too;
    the workers this process starts inherit it.
    """
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url = url
    celery_app.pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu's shared producer pools still hold the closed connection pool
