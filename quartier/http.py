"""The request types views declare, for the type checker: what the middleware and ``@area_view`` add to a request.

Types only: no request is ever an instance of these classes. Django makes an ``HttpRequest``, the middleware and
the decorator set the attributes, and a view says which of them it relies on by the type of its ``request``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from quartier.models import Quartier, User


class HtmxRequest(HttpRequest):
    """Every request: django-htmx's middleware tells whether htmx sent it (``if request.htmx:``)."""

    htmx: HtmxDetails


class AreaRequest(HtmxRequest):
    """The request of a view under ``@area_view``: a signed-in user, the area and what the user may do there."""

    user: User
    area: Quartier
    area_perms: frozenset[str]
