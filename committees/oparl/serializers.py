"""The OParl 1.1 objects (plain dicts for JSON) of what ``committees.oparl.selectors`` reads.

Every id is an absolute URL under ``SITE_URL`` (the address people reach the office at), so it stays the same
whatever host a request came by. An object embedded in another leaves out its link back to it, as OParl asks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actors.models import Person
from committees.models import AgendaItem, BallotItem, Committee, Meeting, Membership, Tombstone
from committees.oparl.selectors import PaperRow, decided_on
from quartier.models import Quartier
from quartier.net import on_site

SCHEMA = "https://schema.oparl.org/1.1/"
Obj = dict[str, Any]


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def stamps(created: datetime.datetime, modified: datetime.datetime) -> Obj:
    return {"created": moment(created), "modified": moment(modified), "deleted": False}


def system_url() -> str:
    return on_site(reverse("oparl_system"))


def system() -> Obj:
    return {
        "id": system_url(),
        "type": f"{SCHEMA}System",
        "oparlVersion": SCHEMA,
        "name": _("Quartier: neighbourhood committees"),
        "body": on_site(reverse("oparl_bodies")),
        "website": on_site(reverse("home")),
        "web": on_site(reverse("home")),
    }


@dataclass(frozen=True)
class Links:
    """The addresses of one body's objects (formatted, not reversed one by one: a page holds hundreds)."""

    area_pk: int
    body: str  # the body's own address, ending in "/"

    @classmethod
    def of(cls, area_pk: int) -> Links:
        return cls(area_pk=area_pk, body=on_site(reverse("oparl_body", kwargs={"body_pk": area_pk})))

    def to(self, kind: str, key: object = None) -> str:
        return f"{self.body}{kind}/" if key is None else f"{self.body}{kind}/{key}/"


def deleted(links: Links, kind: str, key: object, created: datetime.datetime, modified: datetime.datetime) -> Obj:
    """What is left of an object that is gone (``Tombstone``): its id, type and times."""
    return {
        "id": links.to(kind, key),
        "type": f"{SCHEMA}{kind[0].upper()}{kind[1:]}",
        "created": moment(created),
        "modified": moment(modified),
        "deleted": True,
    }


def tombstone(links: Links, row: Tombstone) -> Obj:
    return deleted(links, row.kind, row.key, row.created_at, row.deleted_at)


# -- Body and its legislative terms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> int:
        return self.start.year


def legislative_terms(area: Quartier, committees: list[Committee], today: datetime.date | None = None) -> list[Term]:
    """The area's terms, derived: from the first year of its funding, periods as long as its neighbourhood
    council's term (else its committees' shortest, else two years), up to the end of its funding or the term that
    runs now. A committee's members keep their own dates (``Membership``); the terms only group them."""
    today = today or timezone.localdate()
    councils = [c.term_years for c in committees if c.kind == Committee.Kind.NEIGHBOURHOOD_COUNCIL and c.term_years]
    others = [c.term_years for c in committees if c.term_years]
    years = min(councils or others or [2])
    last = area.funding_end or today.year
    terms = []
    year = area.funding_start
    while year <= last:
        end = datetime.date(year + years, 1, 1) - datetime.timedelta(days=1)
        terms.append(Term(start=datetime.date(year, 1, 1), end=end))
        year += years
    return terms


def terms_modified(area: Quartier, committees: list[Committee]) -> datetime.datetime:
    return max([area.created_at, *(committee.updated_at for committee in committees)])


def legislative_term(links: Links, area: Quartier, term: Term, modified: datetime.datetime) -> Obj:
    return {
        "id": links.to("legislativeTerm", term.key),
        "type": f"{SCHEMA}LegislativeTerm",
        "body": links.body,
        "name": _("Term %(start)s–%(end)s") % {"start": term.start.year, "end": term.end.year},
        "startDate": term.start.isoformat(),
        "endDate": term.end.isoformat(),
        **stamps(area.created_at, modified),
    }


def body(area: Quartier, terms: list[Term], terms_changed: datetime.datetime) -> Obj:
    links = Links.of(area.pk)
    public_page = on_site(area.get_public_url())
    obj: Obj = {
        "id": links.body,
        "type": f"{SCHEMA}Body",
        "system": system_url(),
        "shortName": area.name,
        "name": _("Neighbourhood management %(name)s") % {"name": area.name},
        "website": public_page,
        "classification": _("Programme area (%(programme)s)") % {"programme": area.programme},
        "organization": links.to("organization"),
        "person": links.to("person"),
        "meeting": links.to("meeting"),
        "paper": links.to("paper"),
        "agendaItem": links.to("agendaItem"),
        "consultation": links.to("consultation"),
        "file": links.to("file"),
        "locationList": links.to("location"),
        "membership": links.to("membership"),
        "legislativeTermList": links.to("legislativeTerm"),
        "legislativeTerm": [legislative_term(links, area, term, terms_changed) for term in terms],
        "web": public_page,
        **stamps(area.created_at, max(area.created_at, terms_changed)),
    }
    if area.office_email:
        obj["contactEmail"] = area.office_email
        obj["contactName"] = _("Neighbourhood office %(name)s") % {"name": area.name}
    return obj


# -- Committees, members ------------------------------------------------------------------------------------------


def organization(links: Links, committee: Committee, area: Quartier) -> Obj:
    return {
        "id": links.to("organization", committee.pk),
        "type": f"{SCHEMA}Organization",
        "body": links.body,
        "name": committee.name,
        "membership": [links.to("membership", membership.pk) for membership in committee.named],  # type: ignore[attr-defined]
        "meeting": links.to("organization", committee.pk) + "meeting/",
        "organizationType": _("Committee"),
        "classification": str(Committee.Kind(committee.kind).label),
        "web": on_site(reverse("public_committees", kwargs={"slug": area.slug})),
        **stamps(committee.created_at, committee.updated_at),
    }


def _role(row: Membership) -> str:
    """The member's role in the committee; never their member type (it tells whether they live in the area)."""
    if row.deputy_of_id is not None:
        return _("Deputy member")
    return _("Member") if row.voting else _("Advisory member")


def membership(links: Links, row: Membership, *, embedded: bool = False) -> Obj:
    obj: Obj = {
        "id": links.to("membership", row.pk),
        "type": f"{SCHEMA}Membership",
        "organization": links.to("organization", row.committee_id),
        "role": _role(row),
        "votingRight": row.voting,
    }
    if not embedded:
        obj["person"] = links.to("person", row.person_id)
    if row.start is not None:
        obj["startDate"] = row.start.isoformat()
    if row.end is not None:
        obj["endDate"] = row.end.isoformat()
    return {**obj, **stamps(row.created_at, row.modified_at)}


def person(links: Links, row: Person) -> Obj:
    named: list[Membership] = row.named  # type: ignore[attr-defined]
    obj: Obj = {
        "id": links.to("person", row.pk),
        "type": f"{SCHEMA}Person",
        "body": links.body,
        "name": " ".join(part for part in (row.first_name, row.last_name) if part),
        "familyName": row.last_name,
        "membership": [membership(links, entry, embedded=True) for entry in named],
        **stamps(row.oparl_created, row.oparl_modified),  # type: ignore[attr-defined]
    }
    if row.first_name:
        obj["givenName"] = row.first_name
    return obj


# -- Meetings, their agenda and files -----------------------------------------------------------------------------


def _counts(item: AgendaItem | BallotItem) -> str:
    if item.yes is None:
        return ""
    return _("Yes: %(yes)s, no: %(no)s, abstentions: %(abstain)s") % {
        "yes": item.yes,
        "no": item.no or 0,
        "abstain": item.abstain or 0,
    }


def _decision(obj: Obj, item: AgendaItem | BallotItem) -> Obj:
    """The result and the counts of a decided item (never a vote, never a name)."""
    if item.result:
        obj["result"] = str(item.get_result_display())
        obj["resolutionText"] = item.result_reason or _counts(item) or obj["result"]
    return obj


def agenda_item(links: Links, item: AgendaItem, *, embedded: bool = False) -> Obj:
    obj: Obj = {
        "id": links.to("agendaItem", item.pk),
        "type": f"{SCHEMA}AgendaItem",
        "number": str(item.position),
        "order": item.position,
        "name": item.title,
        "public": True,
    }
    if not embedded:
        obj["meeting"] = links.to("meeting", item.meeting_id)
    if item.content_type_id is not None:
        obj["consultation"] = links.to("consultation", f"agenda-{item.pk}")
    return {**_decision(obj, item), **stamps(item.created_at, max(item.modified_at, item.meeting.modified_at))}


FILE_KINDS = ("agenda", "minutes")


def file(links: Links, meeting: Meeting, kind: str, *, embedded: bool = False) -> Obj:
    """The agenda or the minutes of a meeting with approved minutes, as a PDF (``committees.oparl.files``)."""
    day = timezone.localdate(meeting.starts_at)
    names = {"committee": meeting.committee.name, "date": date_format(day, "SHORT_DATE_FORMAT")}
    if kind == "agenda":
        name = _("%(committee)s: agenda of the meeting on %(date)s") % names
        filename = f"tagesordnung-{meeting.pk}-{day.isoformat()}.pdf"
    else:
        name = _("%(committee)s: minutes of the meeting on %(date)s") % names
        filename = f"protokoll-{meeting.pk}-{day.isoformat()}.pdf"
    key = f"{kind}-{meeting.pk}"
    download = links.to("file", key) + "download/"
    obj: Obj = {
        "id": links.to("file", key),
        "type": f"{SCHEMA}File",
        "name": name,
        "fileName": filename,
        "mimeType": "application/pdf",
        "date": day.isoformat(),
        "accessUrl": download,
        "downloadUrl": download,
    }
    if not embedded:
        obj["meeting"] = [links.to("meeting", meeting.pk)]
    return {**obj, **stamps(meeting.created_at, meeting.modified_at)}


def location(links: Links, row: Meeting, *, embedded: bool = False) -> Obj:
    """Where a meeting takes place (its place as the office wrote it; never its online link): one location per
    meeting with a place, keyed by the meeting."""
    obj: Obj = {"id": links.to("location", row.pk), "type": f"{SCHEMA}Location", "description": row.place}
    if not embedded:
        obj["meetings"] = [links.to("meeting", row.pk)]
    return {**obj, **stamps(row.created_at, row.modified_at)}


def meeting(links: Links, row: Meeting, area: Quartier) -> Obj:
    start = row.starts_at
    day = timezone.localdate(start)
    obj: Obj = {
        "id": links.to("meeting", row.pk),
        "type": f"{SCHEMA}Meeting",
        "name": _("%(committee)s, meeting on %(date)s")
        % {"committee": row.committee.name, "date": date_format(day, "SHORT_DATE_FORMAT")},
        "meetingState": str(row.get_status_display()),
        "cancelled": False,
        "start": moment(start),
        "end": moment(start + datetime.timedelta(minutes=row.duration_minutes)),
        "organization": [links.to("organization", row.committee_id)],
        "web": on_site(reverse("public_committees", kwargs={"slug": area.slug})),
    }
    if row.place:
        obj["location"] = location(links, row, embedded=True)
    if row.status == Meeting.Status.APPROVED:
        items: list[AgendaItem] = row.public_items  # type: ignore[attr-defined]
        for item in items:
            AgendaItem.meeting.field.set_cached_value(item, row)
        obj["agendaItem"] = [agenda_item(links, item, embedded=True) for item in items]
        obj["invitation"] = file(links, row, "agenda", embedded=True)
        obj["resultsProtocol"] = file(links, row, "minutes", embedded=True)
    return {**obj, **stamps(row.created_at, row.modified_at)}


# -- Decision papers and their consultations ----------------------------------------------------------------------

#: The kinds of objects a committee decides on, by the model their items point at: the key's prefix in the
#: address of a paper, and its paper type.
PAPER_KINDS = {
    ("fonds", "application"): "application",
    ("actors", "concern"): "concern",
    ("isek", "measure"): "measure",
}


def paper_type(kind: str) -> str:
    return {
        "application": _("Funding application"),
        "concern": _("Residents' concern"),
        "measure": _("ISEK measure"),
    }.get(kind, _("Decision paper"))


def paper_kind(content_type_id: int) -> str:
    natural = ContentType.objects.get_for_id(content_type_id).natural_key()  # cached after the first
    return PAPER_KINDS.get(natural, natural[1])


def paper_key(content_type_id: int, object_id: int) -> str:
    return f"{paper_kind(content_type_id)}-{object_id}"


def consultation_key(item: AgendaItem | BallotItem) -> str:
    return f"agenda-{item.pk}" if isinstance(item, AgendaItem) else f"ballot-{item.pk}"


def consultation(links: Links, item: AgendaItem | BallotItem, *, embedded: bool = False) -> Obj:
    obj: Obj = {
        "id": links.to("consultation", consultation_key(item)),
        "type": f"{SCHEMA}Consultation",
        "authoritative": True,
    }
    if not embedded:
        obj["paper"] = links.to("paper", paper_key(item.content_type_id, item.object_id))  # type: ignore[arg-type]
    if isinstance(item, AgendaItem):
        obj["agendaItem"] = links.to("agendaItem", item.pk)
        obj["meeting"] = links.to("meeting", item.meeting_id)
        obj["organization"] = [links.to("organization", item.meeting.committee_id)]
        obj["role"] = _("Decision in a meeting")
    else:
        obj["organization"] = [links.to("organization", item.ballot.committee_id)]
        obj["role"] = _("Decision in writing (circular resolution)")
    return {**obj, **stamps(item.oparl_created, item.oparl_modified)}  # type: ignore[union-attr]


def paper(links: Links, row: PaperRow) -> Obj:
    kind = paper_kind(row.content_type_id)
    first = row.first
    items = sorted(row.items, key=lambda item: (decided_on(item), item.pk))
    return {
        "id": links.to("paper", f"{kind}-{row.object_id}"),
        "type": f"{SCHEMA}Paper",
        "body": links.body,
        "name": first.title,
        "reference": f"{kind}-{row.object_id}",
        "date": timezone.localdate(decided_on(first)).isoformat(),
        "paperType": paper_type(kind),
        "consultation": [consultation(links, item, embedded=True) for item in items],
        **stamps(row.created, row.modified),
    }
