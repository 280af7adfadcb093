"""Who votes in an online ballot: the committee's voting members on the day that counts, one voter across the
renewed terms of a person, and the keys of a secret ballot. Reads only, used by the ballot services, the
selectors and the tasks alike."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from committees.models import Ballot, Membership
from committees.secrecy import BallotKeys, keys_of
from quartier.models import running_on


def active_voting_members(ballot: Ballot, on: datetime.date) -> list[Membership]:
    """The committee's voting members on ``on`` (terms that have started and not ended)."""
    return list(
        Membership.objects.filter(committee_id=ballot.committee_id, voting=True)
        .filter(running_on(on))
        .select_related("person")
    )


def counting_day(ballot: Ballot, now: datetime.datetime) -> datetime.date:
    """The day whose voting members count for ``ballot`` at ``now`` (Europe/Berlin): today while it runs, else
    the last day a vote could be cast. A deadline at midnight ends the day before: the members whose term starts
    then never could vote."""
    if now < ballot.deadline:
        return timezone.localdate(now)
    return timezone.localdate(ballot.deadline - datetime.timedelta(microseconds=1))


def same_voter(membership: Membership, prefix: str = "membership__") -> Q:
    """The memberships of ``membership``'s person in the same committee, reached through ``prefix``: their terms
    (a renewal is a second membership of the same person). Together they are one voter, with one vote per item."""
    return voter_of(committee=membership.committee_id, person=membership.person_id, prefix=prefix)


def voter_of(*, committee: int, person: int, prefix: str = "membership__") -> Q:
    """``same_voter`` by the ids of the committee and the person."""
    return Q(**{f"{prefix}committee_id": committee, f"{prefix}person_id": person})


def ballot_keys(ballot: Ballot) -> list[BallotKeys]:
    """The keys of an open secret ballot: under ``SECRET_KEY`` first, then under each fallback."""
    return keys_of(ballot.pk, ballot.secret_salt)


def address_of(membership: Membership) -> str:
    """Where a member gets mail: the person's address, else the address of their voting account."""
    if membership.person.email:
        return membership.person.email
    return membership.user.email if membership.user else ""
