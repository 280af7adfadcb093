"""Conflicts of interest (Befangenheit): which members may not vote on an item about an application, and why.

One finder for every path. A voting member (in a meeting also a deputy who may stand in) is flagged on an
item about an application when they

- are its applicant person, or its contact person when an organisation applies (``Application.person``),
- belong to the applying organisation (an ``Affiliation`` running on the day),
- live at the address of the application's person or of the applying organisation (``address_key``).

``conflicts_refresh`` recomputes the flags of the items still to be decided (draft and open ballots, meetings
that have not begun) that a change can touch; every service that changes a membership, an affiliation, an address,
an application or an agenda calls it. It adds the flags that now apply, updates their reasons, removes
unanswered and dismissed flags that no longer apply, asks again when a dismissed flag gains a new reason, and
never touches a confirmed flag (a member's own declaration, or a recusal the office recorded). Closed ballots
and meetings that have begun keep their flags as they were: a later move or new affiliation does not make a
conflict on a day that has passed.

A flag that appears on an open ballot item the member has already voted on leaves the vote in place: it
counts only if the member dismisses the flag before the ballot closes; an unanswered flag is a recusal at the
close (``committees.services.ballots.ballot_close``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from actors.models import Affiliation
from committees.models import AgendaItem, Ballot, BallotItem, ConflictFlag, Meeting, Membership
from fonds.models import Application
from quartier.transitions import Move, StateMachine

F = ConflictFlag.Status

#: A flag's answers: confirmed (a recusal) or dismissed by the member or the office, asked again when a dismissed
#: flag gains a new reason, and in a meeting a recusal the office takes back (the member took part after all).
CONFLICT_FLAG = StateMachine(
    model=ConflictFlag,
    moves={
        "confirm": Move(
            sources=frozenset({F.FLAGGED, F.DISMISSED}),
            target=F.CONFIRMED,
            label=pgettext_lazy("step", "confirm the conflict of interest"),
            done=pgettext_lazy("done", "conflict of interest confirmed"),
        ),
        "dismiss": Move(
            sources=frozenset({F.FLAGGED}),
            target=F.DISMISSED,
            label=pgettext_lazy("step", "dismiss the conflict"),
            done=pgettext_lazy("done", "conflict dismissed"),
        ),
        "took_part": Move(
            sources=frozenset({F.CONFIRMED}),
            target=F.DISMISSED,
            label=pgettext_lazy("step", "record that the member took part after all"),
            done=pgettext_lazy("done", "recorded that the member took part after all"),
        ),
        "ask_again": Move(
            sources=frozenset({F.DISMISSED}),
            target=F.FLAGGED,
            label=pgettext_lazy("step", "ask again: a new reason"),
            done=pgettext_lazy("done", "asked again: a new reason"),
        ),
    },
)

#: Items whose flags still follow changes.
OPEN_BALLOTS = (Ballot.Status.DRAFT, Ballot.Status.OPEN)
OPEN_MEETINGS = (Meeting.Status.PLANNED, Meeting.Status.INVITED)

# --- addresses ---------------------------------------------------------------------------------------------------

POSTCODE = re.compile(r"\b(\d{5})\b")
STREET = re.compile(r"stra(?:ss|ß)e")  # after casefold() "ß" is "ss" already; the second form is for safety
HAS_DIGIT = re.compile(r"\d")
HAS_LETTER = re.compile(r"[^\W\d_]")
NOT_WORD = re.compile(r"[\W_]+")
# A street line: a word of two letters or more, then the house number at the end ("kanalstr. 12", "hofweg 3 a").
STREET_LINE = re.compile(r"[^\W\d_]{2,}[^\d]*\d+\s*[^\W\d_]?\s*$")


@dataclass(frozen=True)
class AddressKey:
    street: str  # street and number, folded: "kanalstr12a"
    postcode: str  # five digits, or "" when not given


def address_key(text: str) -> AddressKey | None:
    """An address folded for comparison: case, whitespace, punctuation and "Straße"/"Str." do not matter.

    The street line is the last part (lines, or parts between commas) before the postcode that names a street
    and ends with its house number ("Kanalstr. 12", "Am Ufer 3 a"), so a floor or flat beside it ("3. OG",
    "2. Etage links") is not taken for it; without such a part, the last one with both letters and a number.
    An address without a house number, or an empty one, has no key and matches nothing."""
    text = STREET.sub("str", text.casefold())
    postcode = ""
    street = fallback = ""
    for part in re.split(r"[\n\r,;]+", text):
        found = POSTCODE.search(part)
        if found:
            postcode = found.group(1)
            part = part[: found.start()]
        if HAS_DIGIT.search(part) and HAS_LETTER.search(part):
            fallback = part
            if STREET_LINE.search(part):
                street = part
        if found:
            break
    street = NOT_WORD.sub("", street or fallback)
    return AddressKey(street=street, postcode=postcode) if street else None


def same_address(first: AddressKey | None, second: AddressKey | None) -> bool:
    """The same street and number, and the same postcode where both give one."""
    if first is None or second is None or first.street != second.street:
        return False
    return not first.postcode or not second.postcode or first.postcode == second.postcode


# --- the reasons (pure) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """What the finder needs of an application: its person and organisation, with their addresses."""

    person_id: int | None = None
    person_name: str = ""
    person_address: AddressKey | None = None
    organisation_id: int | None = None
    organisation_name: str = ""
    organisation_address: AddressKey | None = None

    @classmethod
    def of(cls, application: Application) -> Applicant:
        person = application.person
        organisation = application.organisation
        return cls(
            person_id=person.pk if person else None,
            person_name=str(person) if person else "",
            person_address=address_key(person.address) if person else None,
            organisation_id=organisation.pk if organisation else None,
            organisation_name=organisation.name if organisation else "",
            organisation_address=(
                address_key(f"{organisation.street}, {organisation.postcode}") if organisation else None
            ),
        )


def conflict_reasons(
    *, person_id: int, address: AddressKey | None, organisation_ids: set[int], applicant: Applicant
) -> list[str]:
    """Why the member (their person, address and the organisations they belong to on the day) may not vote on
    an application of ``applicant``; empty when nothing speaks against it."""
    reasons = []
    if applicant.person_id is not None and person_id == applicant.person_id:
        if applicant.organisation_id is None:
            reasons.append(_("You are the applicant."))
        else:
            reasons.append(_("You are the contact person of the application."))
    if applicant.organisation_id is not None and applicant.organisation_id in organisation_ids:
        reasons.append(_("You belong to %(name)s, the applying organisation.") % {"name": applicant.organisation_name})
    if person_id != applicant.person_id and same_address(address, applicant.person_address):
        if applicant.organisation_id is None:
            text = _("You live at the applicant's address (%(name)s).")
        else:
            text = _("You live at the address of the application's contact person (%(name)s).")
        reasons.append(text % {"name": applicant.person_name})
    if same_address(address, applicant.organisation_address):
        text = _("You live at the address of %(name)s, the applying organisation.")
        reasons.append(text % {"name": applicant.organisation_name})
    return reasons


# --- recomputation ------------------------------------------------------------------------------------------------


def _application_type() -> ContentType:
    return ContentType.objects.get_for_model(Application)


def conflicts_refresh(
    *,
    committees: Iterable[int] = (),
    applications: Iterable[int] = (),
    persons: Iterable[int] = (),
    organisations: Iterable[int] = (),
    ballots: Iterable[int] = (),
    meetings: Iterable[int] = (),
    new_agenda_items: Iterable[int] = (),
    today: datetime.date | None = None,
) -> None:
    """Recompute the conflict flags of the open items about applications that a change of these objects can
    touch (ids): a committee's memberships, an application, a person (as member or applicant: affiliations
    and address), an organisation (its address), a ballot or a meeting (its items, deadline or date).

    ``new_agenda_items`` were just put on an agenda: their flags are found once even when the meeting has
    begun (and is not yet held), for the meeting's day; later changes leave them as they are, like every flag
    of a meeting that has begun."""
    today = today or timezone.localdate()
    new_agenda_items = list(new_agenda_items)
    committee_ids, application_ids = set(committees), set(applications)
    persons, organisations = list(persons), list(organisations)
    if persons or organisations:
        application_ids |= set(
            Application.objects.filter(Q(person_id__in=persons) | Q(organisation_id__in=organisations)).values_list(
                "pk", flat=True
            )
        )
    if persons:
        committee_ids |= set(Membership.objects.filter(person_id__in=persons).values_list("committee_id", flat=True))
    ballots, meetings = list(ballots), list(meetings)
    if not (committee_ids or application_ids or ballots or meetings or new_agenda_items):
        return
    about_applications = Q(content_type=_application_type(), object_id__isnull=False)
    ballot_items = list(
        BallotItem.objects.filter(
            Q(ballot_id__in=ballots) | Q(ballot__committee_id__in=committee_ids) | Q(object_id__in=application_ids),
            about_applications,
            ballot__status__in=OPEN_BALLOTS,
        ).select_related("ballot")
    )
    agenda_items = list(
        AgendaItem.objects.filter(
            (Q(meeting_id__in=meetings) | Q(meeting__committee_id__in=committee_ids) | Q(object_id__in=application_ids))
            & Q(meeting__starts_at__gt=timezone.now())
            | Q(pk__in=new_agenda_items),
            about_applications,
            meeting__status__in=OPEN_MEETINGS,
        ).select_related("meeting")
    )
    if ballot_items or agenda_items:
        _refresh(ballot_items, agenda_items, today)


def _runs(period: Membership | Affiliation, first: datetime.date, last: datetime.date) -> bool:
    """Does ``period`` (a membership or affiliation) run on some day from ``first`` to ``last``?"""
    start, end = period.start, period.end
    return (start is None or start <= last) and (end is None or end >= first)


@dataclass(frozen=True)
class _Slot:
    """Where an item is decided: its committee, the days its members are counted on, the day affiliations
    count, and who may vote there."""

    committee_id: int
    first: datetime.date
    last: datetime.date
    in_meeting: bool


def _slot_of_ballot(ballot: Ballot, today: datetime.date) -> _Slot:
    deadline = timezone.localdate(ballot.deadline - datetime.timedelta(microseconds=1))  # midnight: the day before
    first = min(today, deadline)  # an open ballot past its deadline keeps its flags until it is closed
    return _Slot(committee_id=ballot.committee_id, first=first, last=deadline, in_meeting=False)


def _slot_of_meeting(meeting: Meeting) -> _Slot:
    day = timezone.localdate(meeting.starts_at)
    return _Slot(committee_id=meeting.committee_id, first=day, last=day, in_meeting=True)


def _may_vote(member: Membership, slot: _Slot) -> bool:
    """Online only voting members vote; in a meeting a deputy may stand in for an absent one."""
    if not _runs(member, slot.first, slot.last):
        return False
    return member.voting or (slot.in_meeting and member.deputy_of_id is not None)


def _refresh(ballot_items: list[BallotItem], agenda_items: list[AgendaItem], today: datetime.date) -> None:
    """Bring the flags of these items in line with the finder. A fixed number of queries."""
    slots: dict[tuple[str, int], _Slot] = {}
    for ballot_item in ballot_items:
        slots[("ballot", ballot_item.pk)] = _slot_of_ballot(ballot_item.ballot, today)
    for agenda_item in agenda_items:
        slots[("agenda", agenda_item.pk)] = _slot_of_meeting(agenda_item.meeting)
    subjects = {("ballot", item.pk): item.object_id for item in ballot_items} | {
        ("agenda", item.pk): item.object_id for item in agenda_items
    }
    applications = {
        application.pk: Applicant.of(application)
        for application in Application.objects.filter(pk__in=set(subjects.values())).select_related(
            "person", "organisation"
        )
    }
    members = list(
        Membership.objects.filter(committee_id__in={slot.committee_id for slot in slots.values()}).select_related(
            "person"
        )
    )
    organisation_ids = {applicant.organisation_id for applicant in applications.values() if applicant.organisation_id}
    affiliations = list(
        Affiliation.objects.filter(
            person_id__in={member.person_id for member in members}, organisation_id__in=organisation_ids
        ).only("person_id", "organisation_id", "start", "end")
    )
    addresses = {member.person_id: address_key(member.person.address) for member in members}
    wanted: dict[tuple[str, int, int], str] = {}
    for key, slot in slots.items():
        subject = subjects[key]
        applicant = applications.get(subject) if subject is not None else None
        if applicant is None:
            continue
        for member in members:
            if member.committee_id != slot.committee_id or not _may_vote(member, slot):
                continue
            belongs = {
                affiliation.organisation_id
                for affiliation in affiliations
                if affiliation.person_id == member.person_id and _runs(affiliation, slot.first, slot.first)
            }
            reasons = conflict_reasons(
                person_id=member.person_id,
                address=addresses[member.person_id],
                organisation_ids=belongs,
                applicant=applicant,
            )
            if reasons:
                wanted[(key[0], key[1], member.pk)] = "\n".join(reasons)
    _sync(ballot_items, agenda_items, wanted)


def _sync(
    ballot_items: list[BallotItem], agenda_items: list[AgendaItem], wanted: dict[tuple[str, int, int], str]
) -> None:
    existing = {
        ("ballot" if flag.item_id else "agenda", flag.item_id or flag.agenda_item_id, flag.membership_id): flag
        for flag in ConflictFlag.objects.filter(Q(item__in=ballot_items) | Q(agenda_item__in=agenda_items))
    }
    new: list[ConflictFlag] = []
    changed: list[ConflictFlag] = []
    for (kind, item_id, membership_id), reason in wanted.items():
        flag = existing.get((kind, item_id, membership_id))
        if flag is None:
            item = {"item_id": item_id} if kind == "ballot" else {"agenda_item_id": item_id}
            new.append(ConflictFlag(**item, membership_id=membership_id, reason=reason))
        elif flag.status == ConflictFlag.Status.FLAGGED and flag.reason != reason:
            flag.reason = reason
            changed.append(flag)
        elif flag.status == ConflictFlag.Status.DISMISSED and set(reason.split("\n")) - set(flag.reason.split("\n")):
            flag.reason = reason
            CONFLICT_FLAG.assign(flag, "ask_again")  # a new reason: asked again
            changed.append(flag)
    stale = [
        flag.pk for key, flag in existing.items() if key not in wanted and flag.status != ConflictFlag.Status.CONFIRMED
    ]
    ConflictFlag.objects.bulk_create(new)
    ConflictFlag.objects.bulk_update(changed, ["reason", "status"])
    ConflictFlag.objects.filter(pk__in=stale).delete()
