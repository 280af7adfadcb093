"""A signed-in person's pages, kept in Redis until anything they show may have changed.

An area page costs 25–70 ms to build (its queries and its templates); opened again while nothing changed,
it is answered from Redis for about the price of loading the session and the user. What a page shows
depends on:

- the data in PostgreSQL. Every statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, …; only the
  session table is left out) moves one counter in Redis, the *generation*, and pages are kept under the
  generation read when their request began, before the user was loaded. The counter moves when the
  statement's transaction commits (outside a transaction: straight after the statement), so a page built
  meanwhile from the old data is never found again; inside a transaction it also moves at once if this
  process read the generation since it last moved it (``watch_writes``). This catches the ORM, bulk updates, raw
  SQL, Celery tasks and management commands alike, since all of them write through Django's connection;
  a restore (``make restore``) moves it too. Any request that may change something (all but GET, HEAD,
  OPTIONS and TRACE) moves it as well, whatever it wrote (an upload's preview lives only in Redis).
- the person and their browser: the key holds the session cookie and the CSRF cookie (the page's forms
  carry a token made from the latter), the host and scheme, the path with its query string, the htmx
  headers and today's date.
- the code: kept pages are found only by the release that built them (a hash of the project's code,
  templates, static files, translations, pinned libraries and plain settings, taken at start-up), so a
  deploy never serves a page that links to static files of the release before.
- the clock: a page that changes at a known moment (a ballot's deadline, a meeting's start) says so with
  ``changes_at``, and is not served after it. Nothing is kept longer than ``PAGE_CACHE_SECONDS``.

Only area pages and committee members' pages are kept (the views that carry a required permission),
only a 200 HTML answer to GET, and never one that showed or left a message, set a cookie, changed the
session or asked not to be stored. An answer is served only to a signed-in session that has given its
second factor where it owes one; the view's own permission check was passed when the page was built,
and any change to roles, memberships or the user is a write, which moves the generation.

If Redis cannot be reached, pages are built as usual and nothing is kept; a move missed meanwhile is made
before this process serves a kept page again.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from quartier.decorators import LAST_AREA

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HTMX_HEADERS = (
    "HX-Request",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-Boosted",
    "HX-History-Restore-Request",
    "HX-Current-URL",
    "HX-Prompt",
)
RELEASE_PARTS = ("quartier", "actors", "committees", "fonds", "isek", "reporting", "templates", "static", "locale")
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".svg", ".mo", ".lock"}
READ_STATEMENTS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "BEGIN", "COMMIT")
# The session table's own writes: the key holds the session, and a session's content is checked live.
SESSION_WRITES = ('INSERT INTO "django_session"', 'UPDATE "django_session"', 'DELETE FROM "django_session"')
_STATE = "_quartier_page_cache"
_GENERATION = "_quartier_page_generation"
_UNTIL = "_quartier_page_changes_at"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# A move this process could not make (Redis away): made first when Redis answers again; until then this
# process serves no kept page. (Another process that wrote nothing learns of it at its own next write.)
_missed_move = False
# Whether this process read the generation since it last moved it: only then can a transaction still open
# here have a page built from its own reads (otherwise its commit moving the generation is enough).
_read_since_move = True


def _move() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter (a fresh or emptied Redis): start from the clock, never an old number
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        cache.incr(GENERATION_KEY)


def move_generation(*, strict: bool = False) -> None:
    """Make every kept page unreachable. With Redis away this is remembered (or, ``strict``, raised)."""
    global _missed_move, _read_since_move
    try:
        _move()
    except Exception:
        if strict:
            raise
        _missed_move = True
        logger.warning("Redis cannot be reached: the page cache could not be cleared; it is, once Redis is back.")
    else:
        _missed_move = _read_since_move = False


def _generation() -> int | None:
    """The current generation; raises if Redis is away, None while a missed move cannot be made."""
    global _read_since_move
    _read_since_move = True
    if _missed_move:
        move_generation()
        if _missed_move:
            return None
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def is_write(sql: object) -> bool:
    """Whether ``sql`` may change data (when unsure: yes)."""
    if not isinstance(sql, str):  # composed SQL objects: not looked into
        return True
    statement = sql.lstrip()
    if statement.startswith(SESSION_WRITES):
        return False
    head = statement[:10].upper()
    return not (head.startswith(READ_STATEMENTS) and ";" not in statement.rstrip().rstrip(";"))


def _settings_values() -> str:
    """The settings that are plain values, as JSON (objects such as paths are left out: they are not stable
    between processes, and they come from the code anyway)."""
    values = {}
    for name in sorted(dir(settings)):
        if name.isupper():
            try:
                values[name] = json.dumps(getattr(settings, name), sort_keys=True)
            except (TypeError, ValueError):
                continue
    return json.dumps(values, sort_keys=True)


@functools.cache
def release() -> str:
    """A short hash of everything that shapes a page besides the data: the project's files, its lock and its
    settings. Worked out when the process starts (``QuartierConfig.ready``), before a deploy can change the
    files under a running process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(_settings_values().encode())
    files = [root / "requirements.lock"]
    for part in RELEASE_PARTS:
        files += sorted(path for path in (root / part).rglob("*") if path.suffix in RELEASE_SUFFIXES)
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _after_commit() -> None:
    move_generation()


def watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """A database execute wrapper: move the generation after a statement that writes (outside a transaction:
    it is committed), and when its transaction commits. Inside a transaction it moves at once too if this
    process read the generation meanwhile, so that the transaction never finds a page older than its own
    writes (a test runs in one transaction that never commits)."""
    result = execute(sql, params, many, context)
    if enabled() and is_write(sql):
        connection: BaseDatabaseWrapper = context["connection"]
        if not connection.in_atomic_block:
            move_generation()
            return result
        if _read_since_move:
            move_generation()
        if not any(entry[1] is _after_commit for entry in connection.run_on_commit):
            transaction.on_commit(_after_commit, using=connection.alias, robust=True)
    return result


def install(connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created`` receiver: watch every connection's statements (once per connection)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def changes_at(request: HttpRequest, moment: datetime.datetime | None) -> None:
    """The page being built looks different from ``moment`` on (if that is still to come)."""
    if moment is None:
        return
    until = getattr(request, _UNTIL, None)
    if until is None or moment < until:
        setattr(request, _UNTIL, moment)


def _cacheable_view(view_func: object) -> bool:
    """An area page or a committee member's page (the decorators in ``quartier.decorators`` mark them)."""
    return hasattr(view_func, "required_permission") or hasattr(view_func, "required_committee_permission")


def _key(request: HttpRequest, generation: int) -> str:
    parts = [
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
    ]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"pagecache:{release()}:{generation}:{digest}"


def _has_cookies(request: HttpRequest) -> bool:
    """A session, and the CSRF cookie the page's forms were made for (without it, the page is built)."""
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.COOKIES.get(settings.CSRF_COOKIE_NAME))


def _session_open(request: HttpRequest) -> bool:
    from quartier.twofactor import session_is_open

    return (
        request.user.is_authenticated
        and not request.session.modified
        and session_is_open(request)
        and not len(request._messages)  # type: ignore[attr-defined]
    )


class PageCacheMiddleware:
    """Serve a kept page in ``process_view`` (after the two-factor check); keep a fresh one on the way out.

    Sits after the session, authentication, two-factor and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if enabled() and request.method == "GET" and _has_cookies(request):
            # Before anything of the request is loaded (the user, the area, the permissions): a page built
            # from what a write changed meanwhile is then kept under a generation already left behind.
            try:
                setattr(request, _GENERATION, _generation())
            except Exception:
                logger.warning("Redis cannot be reached: the page is built without the page cache.")
        response = self.get_response(request)
        if not enabled():
            return response
        if request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            move_generation()
            return response
        state = getattr(request, _STATE, None)
        if state is not None and self._keepable(request, response):
            self._keep(request, response, key=state)
        return response

    def process_view(self, request: HttpRequest, view_func: object, *args: object) -> HttpResponse | None:
        if not enabled() or request.method != "GET" or not _cacheable_view(view_func):
            return None
        generation = getattr(request, _GENERATION, None)
        if generation is None or not _session_open(request):
            return None
        try:
            key = _key(request, generation)
            kept = cache.get(key)
        except Exception:
            logger.warning("Redis cannot be reached: the page is built without the page cache.")
            return None
        if kept is not None and (kept["until"] is None or timezone.now() < kept["until"]):
            response = HttpResponse(kept["content"], status=200)
            for name, value in kept["headers"]:
                response[name] = value
            if kept["area"] and request.session.get(LAST_AREA) != kept["area"]:
                request.session[LAST_AREA] = kept["area"]  # as the area decorator does
            return response
        setattr(request, _STATE, key)
        return None

    @staticmethod
    def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        if "no-store" in response.get("Cache-Control", "") or request.session.modified:
            return False
        messages = getattr(request, "_messages", None)
        return not (messages is not None and (messages.used or messages.added_new))

    @staticmethod
    def _keep(request: HttpRequest, response: HttpResponse, key: str) -> None:
        until = getattr(request, _UNTIL, None)
        seconds = settings.PAGE_CACHE_SECONDS
        if until is not None:
            left = (until - timezone.now()).total_seconds()
            if left <= 1:
                return
            seconds = min(seconds, int(left))
        area = getattr(request, "area", None)
        kept = {
            "content": response.content,
            "headers": list(response.items()),
            "until": until,
            "area": area.slug if area is not None else None,
        }
        try:
            cache.set(key, kept, timeout=seconds)
        except Exception:
            logger.warning("Redis cannot be reached: the page was not kept.")
