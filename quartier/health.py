"""``/healthz``: the state of database, Redis and Celery worker as JSON."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from quartier.celery import app as celery_app
from quartier.decorators import public_view

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database is down")
        return "error"
    return "ok"


def check_redis() -> str:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:
        logger.exception("Health check: Redis is down")
        return "error"
    return "ok"


def check_celery(redis_ok: bool) -> str:
    if not redis_ok:
        return "unknown"
    try:
        replies = celery_app.control.ping(timeout=0.5)
    except Exception:
        logger.exception("Health check: asking the Celery workers failed")
        return "error"
    return "ok" if replies else "no worker"


@public_view
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    redis_state = check_redis()
    celery = check_celery(redis_state == "ok")
    healthy = database == "ok" and redis_state == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "redis": redis_state, "celery": celery},
        status=200 if healthy else 503,
    )
