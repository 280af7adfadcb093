"""The area navigation: its entries, and which of them a page belongs to, declared once for every area URL by
its name.

``{% area_nav %}`` in ``area_base.html`` (``quartier.frame.area_nav``) writes the entries the user may reach and
marks the page's own as the current page (``aria-current="page"``).
"""

from __future__ import annotations

import functools
import re

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier import permissions

#: The entries in their order: section, URL name (its one argument: the area's slug), label, the permission that
#: shows it (None: every member of the area).
ENTRIES: tuple[tuple[str, str, Promise, str | None], ...] = (
    ("dashboard", "dashboard", _("Overview"), None),
    ("organisations", "organisation_list", _("Organisations"), permissions.VIEW_ACTORS),
    ("networks", "network_list", _("Networks"), permissions.VIEW_ACTORS),
    ("persons", "person_list", _("Persons"), permissions.VIEW_PERSONS),
    ("contacts", "contact_list", _("Contact notes"), permissions.VIEW_CONTACTS),
    ("concerns", "concern_board", _("Concerns"), permissions.VIEW_CONCERNS),
    ("committees", "committee_list", _("Committees"), permissions.VIEW_COMMITTEES),
    ("funds", "fund_list", _("Funds"), permissions.VIEW_FUNDS),
    ("isek", "isek_home", _("ISEK"), permissions.VIEW_ISEK),
    ("events", "event_list", _("Events"), permissions.VIEW_EVENTS),
    ("surveys", "survey_list", _("Surveys"), permissions.VIEW_EVENTS),
    ("reports", "report_list", _("Reports"), permissions.VIEW_REPORTS),
    ("profile", "area_edit", _("Area profile"), permissions.CHANGE_AREA),
    ("history", "area_history", _("History"), permissions.VIEW_AUDIT),
)


def area_url(name: str, slug: str, *ids: int) -> str:
    """``reverse(name, args=[slug, *ids])`` for the pages of an area (``{% area_url %}`` in templates): each URL
    name is reversed once per process, with a slug and ids no area and no row has, whose places are then filled in
    one pass (a slug or an id that holds a marker's digits is never taken for a place). Any other argument (not a
    slug, not a whole number) is reversed as ever."""
    if not _SLUG_PATTERN.fullmatch(slug) or any(type(value) is not int or value < 0 for value in ids):
        return reverse(name, args=[slug, *ids])
    pattern = _area_url(name, len(ids), get_script_prefix())
    if pattern is None:
        return reverse(name, args=[slug, *ids])
    return pattern.format(slug, *ids)


# A slug no area has and ids no row has (at most nine, each a different last digit), where the area's slug and the
# ids go in each URL; a slug is letters, digits, - and _ (Django's slug converter) and comes back as it went in.
_SLUG = "area-slug-of-the-navigation"
_ID = 918273640
_SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")


@functools.cache
def _area_url(name: str, ids: int, prefix: str) -> str | None:
    """The URL ``name`` reversed with the markers, as a ``str.format`` pattern with ``{0}`` for the slug and
    ``{1}``… for the ids; ``None`` where a marker is not found exactly once (the script prefix holds one)."""
    if ids > 9:
        raise ValueError("area_url takes at most nine ids")
    markers = [_SLUG, *(str(_ID + number) for number in range(ids))]
    url = reverse(name, args=[_SLUG, *(_ID + number for number in range(ids))])  # one per script prefix too
    if any(url.count(marker) != 1 for marker in markers):
        return None
    places = {marker: f"{{{index}}}" for index, marker in enumerate(markers)}
    escaped = url.replace("{", "{{").replace("}", "}}")
    return re.sub("|".join(map(re.escape, markers)), lambda found: places[found[0]], escaped)


# URL name prefix → navigation entry (``ENTRIES``); the first prefix that matches wins.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("dashboard", "dashboard"),
    ("organisation", "organisations"),
    ("actors_import", "organisations"),
    ("person", "persons"),
    ("network", "networks"),
    ("contact", "contacts"),
    ("concern", "concerns"),
    ("committee", "committees"),
    ("membership", "committees"),
    ("meeting", "committees"),
    ("agenda", "committees"),
    ("ballot", "committees"),
    ("fund", "funds"),
    ("round", "funds"),
    ("application", "funds"),
    ("attachment", "funds"),
    ("payment", "funds"),
    ("receipts", "funds"),
    ("repayment", "funds"),
    ("isek", "isek"),
    ("goal", "isek"),
    ("version", "isek"),
    ("measure", "isek"),
    ("milestone", "isek"),
    ("progress_note", "isek"),
    ("spending", "isek"),
    ("indicator", "isek"),
    ("report", "reports"),
    ("event", "events"),
    ("series", "events"),
    ("survey", "surveys"),
    ("key_figures", "reports"),
    ("area_edit", "profile"),
    ("legal_text", "profile"),
    ("area_history", "history"),
    ("object_history", "history"),
)


def section_of(url_name: str | None) -> str | None:
    """The navigation entry of the page named ``url_name``, or None for a page outside the area navigation."""
    if not url_name:
        return None
    return next((section for prefix, section in SECTIONS if url_name.startswith(prefix)), None)


#: The pages of one object that link to its history (``object_history``), by URL name: the object's model and the
#: URL argument that names it (None: the area itself). ``area_base.html`` shows the link to whoever may see the
#: history (``permissions.VIEW_AUDIT``); ``tests/test_history.py`` checks that every model with a history page and
#: a page of its own is here.
HISTORY_PAGES: dict[str, tuple[str, str | None]] = {
    "area_edit": ("quartier.quartier", None),
    "legal_text_edit": ("quartier.legaltext", "legal_text_pk"),
    "organisation_page": ("actors.organisation", "organisation_pk"),
    "person_page": ("actors.person", "person_pk"),
    "network_page": ("actors.network", "network_pk"),
    "contact_page": ("actors.contactnote", "note_pk"),
    "concern_page": ("actors.concern", "concern_pk"),
    "committee_page": ("committees.committee", "committee_pk"),
    "membership_edit": ("committees.membership", "membership_pk"),
    "meeting_page": ("committees.meeting", "meeting_pk"),
    "ballot_office": ("committees.ballot", "ballot_pk"),
    "fund_page": ("fonds.fund", "fund_pk"),
    "application_page": ("fonds.application", "application_pk"),
    "goal_edit": ("isek.goal", "goal_pk"),
    "measure_page": ("isek.measure", "measure_pk"),
    "indicator_edit": ("isek.indicator", "indicator_pk"),
    "report_page": ("reporting.report", "report_pk"),
    "event_page": ("activation.event", "event_pk"),
    "series_edit": ("activation.series", "series_pk"),
    "survey_page": ("activation.survey", "survey_pk"),
    "survey_question_edit": ("activation.question", "question_pk"),
}


def history_url(url_name: str | None, kwargs: dict[str, object], area: object, perms: frozenset[str] | set[str]) -> str:
    """The link from the page ``url_name`` (with its URL arguments ``kwargs``) of ``area`` to its object's history,
    or "" where the page shows no single object or ``perms`` do not reach the history."""
    page = HISTORY_PAGES.get(url_name or "")
    if page is None or permissions.VIEW_AUDIT not in perms:
        return ""
    label, argument = page
    pk = getattr(area, "pk", None) if argument is None else kwargs.get(argument)
    slug = getattr(area, "slug", None)
    if pk is None or slug is None:
        return ""
    return reverse("object_history", args=[slug, label, pk])
