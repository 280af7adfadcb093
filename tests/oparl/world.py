"""A small committee world of one area (and another area beside it) for the open data's tests: members named and
not, meetings held, approved, drafted and coming, decisions in meetings and in writing, secret and named."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from actors.models import Concern, Person
from committees.models import AgendaItem, Ballot, BallotItem, Committee, Meeting, Membership, SecretVote
from demo.factories import (
    BallotFactory,
    CommitteeFactory,
    ConcernFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)
from quartier.models import Quartier

DAY = datetime.timedelta(days=1)

#: Texts that must never appear in the open data (each stands for what it names).
SECRETS = {
    "hidden_name": "Verborgenname",  # the last name of a member who did not agree to be named
    "applicant": "Erika Privatantrag",  # an applicant named in an item's description
    "minutes_text": "Protokolltext-intern",  # what the minutes say of an item
    "decision_text": "Beschlusstext-intern",
    "draft_item": "Entwurfspunkt",  # an item of minutes not yet approved
    "concern_text": "Anliegenstext-privat",  # the text of the concern decided on
    "open_ballot_item": "Laufender Umlauf",  # an item of a ballot still open
    "online_link": "https://treffen.example.org/geheim",
    "other_area": "Fremdgremium",  # a committee of another area
}


@dataclass
class World:
    area: Quartier
    jury: Committee
    named: Membership
    hidden: Membership
    approved: Meeting
    draft: Meeting
    coming: Meeting
    decided: AgendaItem
    concern: Concern
    secret_item: BallotItem


def build(area: Quartier, other_area: Quartier) -> World:
    now = timezone.now()
    jury = CommitteeFactory(area=area, name="Aktionsfondsjury")
    named = MembershipFactory(committee=jury, person__first_name="Ayşe", person__last_name="Demir", named_publicly=True)
    hidden = MembershipFactory(committee=jury, person__first_name="Heimlich", person__last_name=SECRETS["hidden_name"])
    PersonFactory(area=area, last_name="Unbeteiligt")  # a person of the area without any membership
    concern = ConcernFactory(area=area, text=SECRETS["concern_text"])
    approved = MeetingFactory(
        committee=jury,
        starts_at=now - 30 * DAY,
        status=Meeting.Status.APPROVED,
        online_link=SECRETS["online_link"],
    )
    decided = AgendaItem.objects.create(
        meeting=approved,
        position=1,
        title="Spielplatzfest",
        description=f"{SECRETS['applicant']} beantragt 500 €.",
        minutes=f"{SECRETS['minutes_text']}: {hidden.person}",
        decision=SECRETS["decision_text"],
        yes=5,
        no=1,
        abstain=1,
        result="angenommen",
        subject=concern,
    )
    AgendaItem.objects.create(meeting=approved, position=2, title="Verschiedenes")
    draft = MeetingFactory(committee=jury, starts_at=now - 2 * DAY, status=Meeting.Status.HELD)
    AgendaItem.objects.create(meeting=draft, position=1, title=SECRETS["draft_item"], yes=3, no=0, abstain=0)
    coming = MeetingFactory(committee=jury, starts_at=now + 14 * DAY, status=Meeting.Status.INVITED)
    secret = BallotFactory(
        committee=jury, secret=True, status=Ballot.Status.CLOSED, closed_at=now - 10 * DAY, deadline=now - 10 * DAY
    )
    secret_item = BallotItem.objects.create(
        ballot=secret,
        position=1,
        title="Nachbarschaftscafé",
        yes=4,
        no=2,
        abstain=0,
        result="angenommen",
        subject=concern,
    )
    SecretVote.objects.bulk_create(
        [SecretVote(item=secret_item, choice=choice) for choice in ["ja"] * 4 + ["nein"] * 2]
    )
    running = BallotFactory(committee=jury, status=Ballot.Status.DRAFT)
    BallotItem.objects.create(ballot=running, position=1, title=SECRETS["open_ballot_item"])
    foreign = CommitteeFactory(area=other_area, name=SECRETS["other_area"])
    MembershipFactory(committee=foreign, person__last_name="Fremdperson", named_publicly=True)
    MeetingFactory(committee=foreign, starts_at=now - 5 * DAY, status=Meeting.Status.APPROVED)
    return World(
        area=area,
        jury=jury,
        named=named,
        hidden=hidden,
        approved=approved,
        draft=draft,
        coming=coming,
        decided=decided,
        concern=concern,
        secret_item=secret_item,
    )


def grow(world: World, times: int = 3) -> None:
    """More of everything public: members named and not, approved meetings with decided items, closed ballots."""
    now = timezone.now()
    for number in range(times):
        MembershipFactory(committee=world.jury, named_publicly=True)
        MembershipFactory(committee=world.jury)
        committee = CommitteeFactory(area=world.area, name=f"Beirat {number}")
        MembershipFactory(committee=committee, named_publicly=True)
        meeting = MeetingFactory(
            committee=committee, starts_at=now - (40 + number) * DAY, status=Meeting.Status.APPROVED
        )
        concern = ConcernFactory(area=world.area)
        for position in (1, 2):
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=f"Punkt {position}",
                yes=2,
                no=1,
                abstain=0,
                result="angenommen",
                subject=concern if position == 1 else None,
            )
        ballot = BallotFactory(
            committee=committee, status=Ballot.Status.CLOSED, closed_at=now - number * DAY, deadline=now - number * DAY
        )
        BallotItem.objects.create(
            ballot=ballot,
            position=1,
            title="Umlaufpunkt",
            yes=3,
            no=0,
            abstain=0,
            result="angenommen",
            subject=ConcernFactory(area=world.area),
        )


def named_persons(area: Quartier) -> list[Person]:
    return list(Person.objects.filter(area=area, committee_memberships__named_publicly=True).distinct())
