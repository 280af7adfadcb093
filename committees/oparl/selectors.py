"""Reads of the open data (OParl): only what is public already, each list in a fixed number of queries.

What is public, and why:

- every area (``quartier.selectors.public_areas``) as a ``Body``, its committees as ``Organization``: those the
  public pages show (``committees.selectors.public_committee``; never the administration's own), and only their
  members, meetings and decisions;
- a member only with their consent (``Membership.named_publicly``): the membership and the person (first and
  last name, nothing else). A membership without it is left out altogether (OParl allows a membership without
  ``person``, but the person is what a membership is about, and its dates and role could point at them);
- meetings held (``held_meetings``) and coming (``upcoming_meetings``), as the public pages list them; the agenda,
  its decisions (result and counts, never a vote nor a name) and the agenda and minutes as files only once the
  minutes are approved, as ``public_decision_lists`` publishes decisions. Never the item's description (it names
  the applicant), its minutes or decision text, nor attendance;
- a decision paper (``Paper``) for each object an item of such an approved meeting, or of a closed ballot, is
  about (an application, a concern, an ISEK measure), with one ``Consultation`` per item; its name is the item's
  title, as the public decision lists show it, never the object's own data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from actors.models import Person
from committees.models import AgendaItem, Ballot, BallotItem, Committee, Meeting, Membership, Tombstone
from committees.selectors import held_meetings, public_committee, upcoming_meetings
from quartier.models import Quartier


@dataclass(frozen=True)
class Window:
    """The filters of an OParl list: objects created and modified in these bounds (each may be open)."""

    created_since: datetime.datetime | None = None
    created_until: datetime.datetime | None = None
    modified_since: datetime.datetime | None = None
    modified_until: datetime.datetime | None = None

    def q(self, created: str = "oparl_created", modified: str = "oparl_modified") -> Q:
        """The filter on the fields (or annotations) ``created`` and ``modified``."""
        where = Q()
        if self.created_since is not None:
            where &= Q(**{f"{created}__gte": self.created_since})
        if self.created_until is not None:
            where &= Q(**{f"{created}__lte": self.created_until})
        if self.modified_since is not None:
            where &= Q(**{f"{modified}__gte": self.modified_since})
        if self.modified_until is not None:
            where &= Q(**{f"{modified}__lte": self.modified_until})
        return where


def area_of(pk: int) -> Quartier | None:
    """The area ``pk`` (every area is public). One query."""
    return Quartier.objects.filter(pk=pk).first()


def areas() -> QuerySet[Quartier]:
    return Quartier.objects.annotate(oparl_created=F("created_at"), oparl_modified=F("created_at")).order_by("pk")


def tombstones(area: Quartier, kind: str) -> QuerySet[Tombstone]:
    """The objects of ``kind`` gone from the area's open data, with ``oparl_created`` and ``oparl_modified``."""
    return (
        Tombstone.objects.filter(area=area, kind=kind)
        .annotate(oparl_created=F("created_at"), oparl_modified=F("deleted_at"))
        .order_by("deleted_at", "pk")
    )


def tombstone_of(kind: str, key: int) -> Tombstone | None:
    return Tombstone.objects.filter(kind=kind, key=key).first()


def committees(area: Quartier) -> QuerySet[Committee]:
    """The area's committees with the ids of their named memberships (``named_ids``)."""
    return (
        Committee.objects.filter(public_committee(), area=area)
        .annotate(oparl_created=F("created_at"), oparl_modified=F("updated_at"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(named_publicly=True).only("pk", "committee_id").order_by("pk"),
                to_attr="named",
            )
        )
        .order_by("pk")
    )


def memberships(area: Quartier) -> QuerySet[Membership]:
    """The memberships of the area's committees whose members agreed to be named."""
    return (
        Membership.objects.filter(public_committee("committee__"), committee__area=area, named_publicly=True)
        .select_related("committee")
        .annotate(oparl_created=F("created_at"), oparl_modified=F("modified_at"))
        .order_by("pk")
    )


def persons(area: Quartier) -> QuerySet[Person]:
    """The persons named by a membership of the area's committees, with those memberships (``named``); created
    and modified are those of their named memberships (a person's other data is not published)."""
    named = Q(
        public_committee("committee_memberships__committee__"),
        committee_memberships__named_publicly=True,
        committee_memberships__committee__area=area,
    )
    return (
        Person.objects.filter(area=area, erased_at__isnull=True)
        .annotate(
            named_count=Count("committee_memberships", filter=named),
            oparl_created=Min("committee_memberships__created_at", filter=named),
            oparl_modified=Greatest(Max("committee_memberships__modified_at", filter=named), "updated_at"),
        )
        .filter(named_count__gt=0)
        .only("pk", "first_name", "last_name", "area_id", "updated_at")
        .prefetch_related(
            Prefetch(
                "committee_memberships",
                queryset=Membership.objects.filter(
                    public_committee("committee__"), named_publicly=True, committee__area=area
                )
                .select_related("committee")
                .order_by("pk"),
                to_attr="named",
            )
        )
        .order_by("pk")
    )


def _public_meetings(now: datetime.datetime, prefix: str = "") -> Q:
    return held_meetings(now, prefix) | upcoming_meetings(now, prefix)


def meetings(area: Quartier, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """The area's meetings held and coming, each with the agenda of approved minutes (``public_items``)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(_public_meetings(now), public_committee("committee__"), committee__area=area)
        .select_related("committee", "approved_in")
        .defer("online_link")  # for the members only
        .annotate(oparl_created=F("created_at"), oparl_modified=F("modified_at"))
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.filter(meeting__status=Meeting.Status.APPROVED)
                .defer("description", "minutes", "decision")
                .order_by("position", "pk"),
                to_attr="public_items",
            )
        )
        .order_by("pk")
    )


def approved_meetings(area: Quartier, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """The area's meetings whose minutes are approved: those with an agenda and minutes to download."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            held_meetings(now), public_committee("committee__"), committee__area=area, status=Meeting.Status.APPROVED
        )
        .select_related("committee")
        .defer("online_link")
        .annotate(oparl_created=F("created_at"), oparl_modified=F("modified_at"))
        .order_by("pk")
    )


def agenda_items(area: Quartier, now: datetime.datetime | None = None) -> QuerySet[AgendaItem]:
    """The items of the area's meetings with approved minutes; modified when they or their meeting were."""
    now = now or timezone.now()
    return (
        AgendaItem.objects.filter(
            held_meetings(now, "meeting__"),
            public_committee("meeting__committee__"),
            meeting__committee__area=area,
            meeting__status=Meeting.Status.APPROVED,
        )
        .select_related("meeting")
        .defer("description", "minutes", "decision", "meeting__online_link")
        .annotate(oparl_created=F("created_at"), oparl_modified=Greatest("modified_at", "meeting__modified_at"))
        .order_by("pk")
    )


def ballot_items(area: Quartier) -> QuerySet[BallotItem]:
    """The items of the area's closed ballots (decided: counts and result only)."""
    return (
        BallotItem.objects.filter(
            public_committee("ballot__committee__"), ballot__committee__area=area, ballot__status=Ballot.Status.CLOSED
        )
        .select_related("ballot")
        .defer("description", "ballot__secret_salt")
        .annotate(oparl_created=F("created_at"), oparl_modified=Greatest("modified_at", "ballot__modified_at"))
        .order_by("pk")
    )


def consultation_sources(area: Quartier, now: datetime.datetime | None = None) -> list[QuerySet[Any]]:
    """The consultations: the public agenda and ballot items that are about an object (a decision paper)."""
    return [
        agenda_items(area, now).filter(content_type__isnull=False),
        ballot_items(area).filter(content_type__isnull=False),
    ]


@dataclass
class PaperRow:
    """A decision paper: the object (``content_type_id``, ``object_id``) items were about, with those items."""

    content_type_id: int
    object_id: int
    items: list[AgendaItem | BallotItem] = field(default_factory=list)

    @property
    def created(self) -> datetime.datetime:
        return min(item.oparl_created for item in self.items)  # type: ignore[union-attr]

    @property
    def modified(self) -> datetime.datetime:
        return max(item.oparl_modified for item in self.items)  # type: ignore[union-attr]

    @property
    def first(self) -> AgendaItem | BallotItem:
        return min(self.items, key=lambda item: (decided_on(item), item.pk))


def decided_on(item: AgendaItem | BallotItem) -> datetime.datetime:
    """When the item was decided on: its meeting's start, or when its ballot closed."""
    if isinstance(item, AgendaItem):
        return item.meeting.starts_at
    return item.ballot.closed_at or item.ballot.deadline


def papers(area: Quartier, window: Window, now: datetime.datetime | None = None) -> list[PaperRow]:
    """Every decision paper of the area, in the order they were first consulted on, each with its items. Two
    queries: a paper is as many items as were about its object, grouped here."""
    rows: dict[tuple[int, int], PaperRow] = {}
    for source in consultation_sources(area, now):
        for item in source:
            key = (item.content_type_id, item.object_id)
            rows.setdefault(key, PaperRow(content_type_id=key[0], object_id=key[1])).items.append(item)
    found = [row for row in rows.values() if within(window, row.created, row.modified)]
    return sorted(found, key=lambda row: (row.content_type_id, row.object_id))


def paper_of(area: Quartier, content_type_id: int, object_id: int) -> PaperRow | None:
    row = PaperRow(content_type_id=content_type_id, object_id=object_id)
    for source in consultation_sources(area):
        row.items.extend(source.filter(content_type_id=content_type_id, object_id=object_id))
    return row if row.items else None


def within(window: Window, created: datetime.datetime, modified: datetime.datetime) -> bool:
    return (
        (window.created_since is None or created >= window.created_since)
        and (window.created_until is None or created <= window.created_until)
        and (window.modified_since is None or modified >= window.modified_since)
        and (window.modified_until is None or modified <= window.modified_until)
    )


def committee_terms(area: Quartier) -> QuerySet[Committee]:
    """What the legislative terms are derived from (``serializers.legislative_terms``): the committees' term
    lengths and when they last changed. One query."""
    return committee_terms_of([area.pk])


def committee_terms_of(area_ids: list[int]) -> QuerySet[Committee]:
    """``committee_terms`` of several areas at once (a page of bodies). One query."""
    return (
        Committee.objects.filter(public_committee(), area_id__in=area_ids)
        .only("pk", "area_id", "kind", "term_years", "updated_at")
        .order_by("pk")
    )


def filter_window(rows: Iterable[Any], window: Window) -> list[Any]:
    return [row for row in rows if within(window, row.oparl_created, row.oparl_modified)]
