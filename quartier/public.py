"""The public front door (no login): the installation's areas, each area's page for its residents, and the legal
texts (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit) of the installation and of each area.

Each page shows only what is public already: the office's details, the funds that take applications and their
money left (as ``public_funds`` shows them), the committees' coming meetings and published decisions (as
``public_committees`` shows them), and the approved projects (as the annual report lists them, without who
applied).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.views.decorators.http import require_GET

from committees.models import Meeting
from committees.selectors import public_decision_lists, upcoming_public_meetings
from fonds.selectors import approved_projects, public_funds_of
from quartier.decorators import resident_page
from quartier.models import LegalKind
from quartier.pages import area_or_404
from quartier.selectors import legal_text_for, lists_of, public_areas
from quartier.text import first_sentence

#: How much of each list an area's page shows (the pages of the funds and of the committees show the rest).
DECISIONS_SHOWN = 5
MEETINGS_SHOWN = 3  # per committee
PROJECTS_SHOWN = 8


def front_page(request: HttpRequest) -> HttpResponse:
    """``/`` for a visitor who is not signed in: every area of the installation with a way to its page, and the
    way in for staff and committee members."""
    areas = list(public_areas())
    for area in areas:
        area.summary = first_sentence(area.description)  # type: ignore[attr-defined]
    return render(request, "quartier/front.html", {"areas": areas})


@dataclass(frozen=True)
class PublicDecision:
    """A decision of a committee as an area's page lists it: in a meeting (its minutes approved) or online."""

    on: datetime.date
    committee: str
    title: str
    result: str | Promise
    counts: str  # "yes:no:abstain", or "" when no votes were counted
    reason: str
    circular: bool  # taken online, between meetings


def _decision(item: object, *, on: datetime.datetime, committee: str, circular: bool) -> PublicDecision:
    yes = getattr(item, "yes", None)
    counts = "" if yes is None else f"{yes}:{item.no or 0}:{item.abstain or 0}"  # type: ignore[attr-defined]
    return PublicDecision(
        on=timezone.localdate(on),
        committee=committee,
        title=item.title,  # type: ignore[attr-defined]
        result=item.get_result_display(),  # type: ignore[attr-defined]
        counts=counts,
        reason=item.result_reason,  # type: ignore[attr-defined]
        circular=circular,
    )


@resident_page
@require_GET
def public_area(request: HttpRequest, slug: str) -> HttpResponse:
    """An area's page for its residents: the office, the funds to apply to, the committees with their coming
    meetings and latest decisions, and the projects approved lately."""
    area = area_or_404(slug)
    now = timezone.now()
    reads = public_decision_lists(area, now=now, limit=DECISIONS_SHOWN)
    del reads["meetings"]  # the meetings held: on the committees' page
    lists = lists_of(
        **reads,
        upcoming=upcoming_public_meetings(area, now=now, limit=MEETINGS_SHOWN * 10),
        projects=approved_projects(area, limit=PROJECTS_SHOWN),
    )
    upcoming: dict[int, list[Meeting]] = {}
    for meeting in lists["upcoming"]:
        upcoming.setdefault(meeting.committee_id, []).append(meeting)
    committees = lists["committees"]
    for committee in committees:
        committee.upcoming = upcoming.get(committee.pk, [])[:MEETINGS_SHOWN]
    decisions = [
        _decision(item, on=item.ballot.closed_at or now, committee=item.ballot.committee.name, circular=True)
        for item in lists["ballot_decisions"]
    ] + [
        _decision(item, on=item.meeting.starts_at, committee=item.meeting.committee.name, circular=False)
        for item in lists["meeting_decisions"]
    ]
    decisions.sort(key=lambda decision: decision.on, reverse=True)
    context = {
        "area": area,
        "funds": public_funds_of(area, now),
        "committees": committees,
        "decisions": decisions[:DECISIONS_SHOWN],
        "projects": lists["projects"],
    }
    return render(request, "quartier/public_area.html", context)


#: The URL name of each legal text's page of an area (the installation's page drops the "area_").
AREA_LEGAL_PAGES: dict[str, str] = {
    LegalKind.IMPRINT: "area_imprint",
    LegalKind.PRIVACY: "area_privacy",
    LegalKind.ACCESSIBILITY: "area_accessibility",
}


@resident_page
@require_GET
def legal_page(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    """A legal text of the installation, or of the area ``slug`` (its own, else the installation's); where none
    is written, a page that says the operator has not filled it in yet."""
    area = area_or_404(slug) if slug is not None else None
    context = {
        "area": area,
        "kind": kind,
        "title": LegalKind(kind).label,
        "legal_text": legal_text_for(kind, area),
    }
    return render(request, "quartier/legal_page.html", context)
