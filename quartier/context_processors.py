from __future__ import annotations

from django.http import HttpRequest

from quartier.navigation import history_url


def areas(request: HttpRequest) -> dict[str, object]:
    """The person's permissions in the page's area, and the link to the history of the page's object
    (``quartier.navigation.HISTORY_PAGES``) for ``area_base.html``. The frame's navigation and switchers are
    ``quartier.frame``'s tags."""
    area = getattr(request, "area", None)
    perms = getattr(request, "area_perms", frozenset())
    match = getattr(request, "resolver_match", None)
    return {
        "area_perms": perms,
        "history_url": history_url(match.url_name, match.kwargs, area, perms) if match and area is not None else "",
    }
