"""Reads for committee members: their ballots and, per ballot, what they voted and what is open."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from committees.models import Ballot, BallotItem, ConflictFlag, Membership, Participation, SecretVote, Vote
from committees.services.ballots import voter_tag_of
from quartier.models import User
from quartier.permissions import committee_member_ids


def ballots_of_member(user: User) -> QuerySet[Ballot]:
    """Open and closed ballots of the user's committees, with how many items they have done."""
    return (
        Ballot.objects.filter(committee_id__in=committee_member_ids(user))
        .exclude(status=Ballot.Status.DRAFT)
        .select_related("committee")
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count(
                "items__participations",
                filter=Q(items__participations__membership__user=user),
                distinct=True,
            ),
        )
        .order_by("status", "deadline")
    )


def membership_of(user: User, ballot: Ballot, on: datetime.date | None = None) -> Membership | None:
    """The user's running membership in the ballot's committee (the voting one first)."""
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(committee_id=ballot.committee_id, user=user)
        .filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person")
        .order_by("-voting")
        .first()
    )


@dataclass
class ItemState:
    item: BallotItem
    my_choice: str | None  # None when not voted, or secret and closed (then nobody knows)
    recused: bool
    flag: ConflictFlag | None

    @property
    def done(self) -> bool:
        return self.recused or self.my_choice is not None


def item_states(ballot: Ballot, membership: Membership | None) -> list[ItemState]:
    """Each item of ``ballot`` with the member's vote, recusal and open conflict flag. Four queries."""
    items = list(ballot.items.all())
    if membership is None:
        return [ItemState(item=item, my_choice=None, recused=False, flag=None) for item in items]
    participations = dict(
        Participation.objects.filter(item__ballot=ballot, membership=membership).values_list("item_id", "kind")
    )
    flags = {flag.item_id: flag for flag in ConflictFlag.objects.filter(item__ballot=ballot, membership=membership)}
    if ballot.secret:
        if ballot.secret_key:
            tags = {voter_tag_of(ballot, membership, item): item.pk for item in items}
            choices = {
                tags[tag]: choice
                for tag, choice in SecretVote.objects.filter(item__ballot=ballot, voter_tag__in=tags).values_list(
                    "voter_tag", "choice"
                )
            }
        else:
            choices = {}
    else:
        choices = dict(Vote.objects.filter(item__ballot=ballot, membership=membership).values_list("item_id", "choice"))
    return [
        ItemState(
            item=item,
            my_choice=choices.get(item.pk),
            recused=participations.get(item.pk) == Participation.Kind.RECUSED,
            flag=flags.get(item.pk),
        )
        for item in items
    ]
