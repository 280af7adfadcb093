from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from quartier.languages import language_choices
from quartier.navigation import area_links, history_url, section_of
from quartier.permissions import committee_member_ids
from quartier.selectors import memberships_of_cached


def areas(request: HttpRequest) -> dict[str, object]:
    """The user's areas for the area switcher, fetched only when a template uses them, and the part of the area
    navigation the page belongs to."""
    user = getattr(request, "user", None)
    area = getattr(request, "area", None)
    perms = getattr(request, "area_perms", frozenset())
    match = getattr(request, "resolver_match", None)
    section = section_of(match.url_name if match else None)
    return {
        "my_areas": SimpleLazyObject(lambda: memberships_of_cached(user) if user is not None else []),
        "current_area": area,
        "area_perms": perms,
        "nav_section": section,
        "area_links": area_links(area.slug, perms, section) if area is not None else [],
        # The link to the history of the page's object (``quartier.navigation.HISTORY_PAGES``), for area_base.html.
        "history_url": history_url(match.url_name, match.kwargs, area, perms) if match and area is not None else "",
        "is_committee_member": SimpleLazyObject(
            lambda: bool(committee_member_ids(user)) if user is not None else False
        ),
    }


def languages(request: HttpRequest) -> dict[str, object]:
    """The language switch's choices (``quartier.languages``): no query."""
    return {"language_choices": language_choices(request)}
