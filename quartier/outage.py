"""When the database or Redis cannot be reached: a clear German answer (HTTP 503) instead of a server error.

Redis holds the cache that the public application form's rate limit and the import's checked rows are kept
in, and Celery's queue (the meeting invitations are handed to it after the commit); a Redis that is stopped or
does not answer (``socket_timeout`` in the settings) is answered the same way, with a message that does not name
the database. Celery's client (kombu) reports it as its own ``OperationalError``.

A restart or outage of PostgreSQL turns the next query into ``OperationalError`` or ``InterfaceError``.
Wherever a request meets it, the visitor gets 503 with ``Retry-After`` and a message that says what
happened: a page of its own, or for an htmx request a short notice that ``static/js/outage.js`` shows at
the end of what the request was to replace (the ballot item the juror clicked). Neither is built from the
base template: that would ask the database for the user again. A persistent connection broken by the
restart is replaced at the next request (``conn_health_checks`` in the settings), so the gap lasts only as
long as the database is away.

Django turns an exception into a response in the middleware layer where it is raised; a view's reaches
``process_exception`` here, but one raised in another middleware (the session's user is first loaded by
the audit log's) arrives as a 500 response. ``got_request_exception`` marks such a request, and the
middleware, near the top of the stack, answers it with the 503 instead.

A vote is confirmed only after its transaction committed (``vote_cast`` is atomic and the view renders
afterwards). A juror who gets this answer instead may still have a saved vote, since the connection can
break during the commit or just after it, so the message for a form says "may not have been saved" rather
than "nothing was saved"; voting again is harmless.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import kombu.exceptions
import redis.exceptions
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
#: Redis stopped, unreachable or not answering in time: redis-py under Django's cache, kombu under Celery's queue.
CACHE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, kombu.exceptions.OperationalError)
OUTAGE_ERRORS = DATABASE_ERRORS + CACHE_ERRORS
RETRY_AFTER_SECONDS = 5
_MARK = "_quartier_database_error"
_ANSWERED = "_quartier_outage_answered"


@receiver(got_request_exception, dispatch_uid="quartier.outage")
def _mark_database_error(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Sent while Django handles an exception that became a 500: remember it if the database or Redis was away."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OUTAGE_ERRORS):
        setattr(request, _MARK, error)


def outage_message(request: HttpRequest, error: BaseException | None = None) -> str:
    reading = request.method in {"GET", "HEAD", "OPTIONS"}
    if isinstance(error, CACHE_ERRORS):
        if reading:
            return _("Part of the system cannot be reached just now. Please try again in a moment.")
        return _(
            "Part of the system cannot be reached just now: what you just sent may not have been saved. "
            "Please try again in a moment."
        )
    if reading:
        return _("The database cannot be reached just now. Please try again in a moment.")
    return _(
        "The database cannot be reached just now: what you just sent may not have been saved. "
        "Please try again in a moment."
    )


def outage_response(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """The 503: for htmx the notice alone, placed at the end of the request's target; else a page."""
    htmx = getattr(request, "htmx", None)  # absent if the error came before django-htmx's middleware
    is_htmx = bool(htmx) if htmx is not None else request.headers.get("HX-Request") == "true"
    context = {
        "message": outage_message(request, error),
        "reload_url": request.get_full_path() if request.method == "GET" else "",
    }
    setattr(request, _ANSWERED, True)
    # No request context: the context processors would ask the database for the user.
    if is_htmx:
        response = HttpResponse(render_to_string("503.html#notice", context), status=503)
        response["HX-Reswap"] = "beforeend"
    else:
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _with_security_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The headers that the middlewares below this one add, for an answer made above them."""
    from csp.middleware import CSPMiddleware
    from django.middleware.clickjacking import XFrameOptionsMiddleware

    for middleware in (CSPMiddleware, XFrameOptionsMiddleware):
        middleware(lambda request: response).process_response(request, response)
    return response


class HideAnsweredOutages(logging.Filter):
    """Keep Django's own "Internal Server Error" and "Service Unavailable" records (and their mails to
    ADMINS) out of the log for requests answered here: this module logs one line each, and a one-second
    restart under load would otherwise write a traceback, and send a mail, for every request in the gap."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OUTAGE_ERRORS):
            return False
        request = getattr(record, "request", None)
        return not getattr(request, _ANSWERED, False)


class DatabaseOutageMiddleware:
    """Answer a request that found the database or Redis unreachable with 503 and a German message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code >= 500:
            logger.warning(
                "%s unreachable, answered %s %s with 503: %s", _what(error), request.method, request.path, error
            )
            return _with_security_headers(request, outage_response(request, error))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.error(
            "%s unreachable, answered %s %s with 503",
            _what(exception),
            request.method,
            request.path,
            exc_info=exception,
        )
        return outage_response(request, exception)


def _what(error: BaseException) -> str:
    return "Redis" if isinstance(error, CACHE_ERRORS) else "Database"
