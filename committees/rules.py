"""A committee's rules as plain functions: quorum, majority and composition. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from committees.models import Committee, Result


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    recused: int
    eligible: int  # voting members of the committee when the decision is taken

    @property
    def taking_part(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def voting_pool(self) -> int:
        """Voting members who may vote on this item: the recused ones do not count."""
        return max(self.eligible - self.recused, 0)


def has_quorum(committee: Committee, tally: Tally) -> bool:
    """Enough voting members took part (abstentions count as taking part, recusals do not)."""
    if committee.quorum_members is not None and tally.taking_part < committee.quorum_members:
        return False
    if committee.quorum_share is not None:
        return Decimal(tally.taking_part) * 100 >= committee.quorum_share * tally.voting_pool
    return True


def decide(committee: Committee, tally: Tally) -> str:
    """The result of one item under the committee's quorum and majority rule."""
    if not has_quorum(committee, tally):
        return Result.NO_QUORUM
    rule = committee.majority_rule
    if rule == Committee.MajorityRule.ALL_MEMBERS:
        adopted = tally.yes * 2 > tally.voting_pool
    elif rule == Committee.MajorityRule.TWO_THIRDS:
        adopted = tally.yes > 0 and tally.yes * 3 >= 2 * (tally.yes + tally.no)
    else:
        adopted = tally.yes > tally.no
    return Result.ADOPTED if adopted else Result.REJECTED


@dataclass(frozen=True)
class Composition:
    voting_members: int
    residents: int
    required_share: Decimal

    @property
    def resident_share(self) -> Decimal:
        if not self.voting_members:
            return Decimal(0)
        return (Decimal(self.residents) * 100 / self.voting_members).quantize(Decimal("0.1"))

    @property
    def meets_rule(self) -> bool:
        return self.voting_members > 0 and Decimal(self.residents) * 100 >= self.required_share * self.voting_members


def voting_present(members: list, present: set[int]) -> int:
    """How many votes the members present hold: each present voting member, and each present deputy
    whose voting member is not present (one deputy per member). ``members`` are the memberships running on
    the day (with ``pk``, ``voting``, ``deputy_of_id``); ``present`` the pks of those present."""
    voting = {member.pk for member in members if member.voting}
    count = len(voting & present)
    stood_in: set[int] = set()
    for member in members:
        principal = member.deputy_of_id
        if (
            member.pk in present
            and not member.voting
            and principal in voting
            and principal not in present
            and principal not in stood_in
        ):
            stood_in.add(principal)
            count += 1
    return count
