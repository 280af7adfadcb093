"""A committee's rules as plain functions: quorum, majority and composition, and the words that say why a
decision came out as it did. No database here.

One set of rules for both ways of deciding. Online (a ballot) the quorum counts the voting members who took
part (yes, no or abstain); in a meeting it counts the votes present (voting members, and deputies standing
in for absent ones: ``voting_present``) less those recused from the item. In both, recused members are out
of the pool a "majority of all members" or a quorum share is taken of.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class MajorityRule(models.TextChoices):
    """How many yes votes a decision needs (``Committee.majority_rule``)."""

    VOTES_CAST = "cast", gettext_lazy("Majority of the votes cast")
    ALL_MEMBERS = "members", gettext_lazy("Majority of all voting members")
    TWO_THIRDS = "two_thirds", gettext_lazy("Two thirds of the votes cast")


class Result(models.TextChoices):
    """What came of an agenda or ballot item."""

    ADOPTED = "angenommen", gettext_lazy("Adopted")
    REJECTED = "abgelehnt", gettext_lazy("Rejected")
    DEFERRED = "vertagt", gettext_lazy("Deferred")
    NO_QUORUM = "nicht_beschlussfaehig", gettext_lazy("No quorum")


class RuleHolder(Protocol):
    """Anything with a committee's decision rules: a ``Committee`` or the ``Rules`` kept with a decision."""

    @property
    def majority_rule(self) -> str: ...
    @property
    def quorum_members(self) -> int | None: ...
    @property
    def quorum_share(self) -> Decimal | None: ...


@dataclass(frozen=True)
class Rules:
    """A committee's decision rules as they stood when a decision was taken (kept with the decision, so a
    later change of the committee's rules does not rewrite what the minutes say)."""

    majority_rule: str
    quorum_members: int | None = None
    quorum_share: Decimal | None = None

    @classmethod
    def of(cls, committee: RuleHolder) -> Rules:
        share = committee.quorum_share
        return cls(
            majority_rule=committee.majority_rule,
            quorum_members=committee.quorum_members,
            quorum_share=Decimal(share) if share is not None else None,
        )


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    recused: int
    eligible: int  # voting members of the committee when the decision is taken
    # The votes present in a meeting (``voting_present``); None for an online ballot.
    present: int | None = None

    @classmethod
    def online(cls, *, yes: int, no: int, abstain: int, recused: int, eligible: int) -> Tally:
        return cls(yes=yes, no=no, abstain=abstain, recused=recused, eligible=eligible)

    @classmethod
    def in_meeting(
        cls, *, yes: int = 0, no: int = 0, abstain: int = 0, recused: int = 0, eligible: int, present: int
    ) -> Tally:
        return cls(yes=yes, no=no, abstain=abstain, recused=recused, eligible=eligible, present=present)

    @property
    def in_a_meeting(self) -> bool:
        return self.present is not None

    @property
    def taking_part(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def voting_pool(self) -> int:
        """Voting members who may vote on this item: the recused ones do not count."""
        return max(self.eligible - self.recused, 0)

    @property
    def may_vote(self) -> int:
        """In a meeting: the votes present less the recused, the most votes the item can have."""
        return max((self.present or 0) - self.recused, 0)

    @property
    def counted_for_quorum(self) -> int:
        """Online: the members who took part. In a meeting: the votes present that are not recused."""
        return self.may_vote if self.in_a_meeting else self.taking_part


def quorum_needed(rules: RuleHolder, tally: Tally) -> int:
    """How many must count towards the quorum (``Tally.counted_for_quorum``): the committee's number, and its
    share of the pool rounded up, whichever is more, and at least one: without any voting member taking part
    (online) or present (in a meeting) nothing is decided, whatever the committee's rules say."""
    needed = rules.quorum_members or 0
    if rules.quorum_share is not None:
        needed = max(needed, math.ceil(Decimal(rules.quorum_share) * tally.voting_pool / 100))
    return max(needed, 1)


def has_quorum(rules: RuleHolder, tally: Tally) -> bool:
    """Enough voting members take part (online) or are present and not recused (in a meeting)."""
    return tally.counted_for_quorum >= quorum_needed(rules, tally)


def yes_needed(rules: RuleHolder, tally: Tally) -> int:
    """The yes votes the majority rule asks for, given the no votes and the pool."""
    rule = rules.majority_rule
    if rule == MajorityRule.ALL_MEMBERS:
        return tally.voting_pool // 2 + 1
    if rule == MajorityRule.TWO_THIRDS:
        return max(1, math.ceil(Decimal(2 * (tally.yes + tally.no)) / 3))
    return tally.no + 1


@dataclass(frozen=True)
class Decision:
    result: str
    reason: str  # e.g. "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"


def _label(result: str) -> str:
    return str(Result(result).label)


def _recused(tally: Tally) -> str:
    if not tally.recused:
        return ""
    return " " + _("(%(count)s recused)") % {"count": tally.recused}


def explain(rules: RuleHolder, tally: Tally) -> Decision:
    """The result of one item under the committee's quorum and majority rule, and why, with the numbers."""
    needed = quorum_needed(rules, tally)
    if tally.counted_for_quorum < needed:
        count = tally.counted_for_quorum
        if tally.in_a_meeting and tally.recused:
            text = ngettext(
                "%(result)s: %(count)s voting member present and not recused, %(needed)s needed",
                "%(result)s: %(count)s voting members present and not recused, %(needed)s needed",
                count,
            )
        elif tally.in_a_meeting:
            text = ngettext(
                "%(result)s: %(count)s voting member present, %(needed)s needed",
                "%(result)s: %(count)s voting members present, %(needed)s needed",
                count,
            )
        else:
            text = ngettext(
                "%(result)s: %(count)s voting member took part, %(needed)s needed",
                "%(result)s: %(count)s voting members took part, %(needed)s needed",
                count,
            )
        return Decision(Result.NO_QUORUM, text % {"result": _label(Result.NO_QUORUM), "count": count, "needed": needed})
    rule = rules.majority_rule
    needed = yes_needed(rules, tally)
    if rule == MajorityRule.TWO_THIRDS:
        adopted = tally.yes >= needed
        text = _("%(result)s: %(yes)s yes to %(no)s no, two thirds of the yes and no votes needed (%(needed)s)")
    elif rule == MajorityRule.ALL_MEMBERS:
        adopted = tally.yes >= needed
        text = ngettext(
            "%(result)s: %(yes)s yes, %(needed)s of %(pool)s member needed",
            "%(result)s: %(yes)s yes, %(needed)s of %(pool)s members needed",
            tally.voting_pool,
        )
    else:
        adopted = tally.yes >= needed
        text = _("%(result)s: %(yes)s yes to %(no)s no, more yes than no votes needed")
    result = Result.ADOPTED if adopted else Result.REJECTED
    values = {"result": _label(result), "yes": tally.yes, "no": tally.no, "needed": needed, "pool": tally.voting_pool}
    reason = text % values
    if rule == MajorityRule.ALL_MEMBERS:
        reason += _recused(tally)
    return Decision(result, reason)


def decide(rules: RuleHolder, tally: Tally) -> str:
    """The result of one item under the committee's quorum and majority rule."""
    return explain(rules, tally).result


def deferred() -> Decision:
    """The one outcome chosen by hand: the item was deferred or not voted on."""
    return Decision(Result.DEFERRED, _("%(result)s: not voted on") % {"result": _label(Result.DEFERRED)})


# The basis of a decision, kept with it (``AgendaItem.basis``, ``BallotItem.basis``): the rules and the
# numbers that are not among the item's own counts.


def basis_of(rules: RuleHolder, tally: Tally) -> dict[str, Any]:
    share = rules.quorum_share
    return {
        "majority_rule": rules.majority_rule,
        "quorum_members": rules.quorum_members,
        "quorum_share": str(share) if share is not None else None,
        "eligible": tally.eligible,
        "present": tally.present,
    }


def stored_decision(item: Any) -> Decision | None:
    """What a decided item (agenda or ballot item) says about its stored result: the result and why, from its
    counts and the basis kept with it. None while nothing is decided, and for a result recorded before the
    basis was kept (it is shown as it was recorded)."""
    if not item.result:
        return None
    if item.result == Result.DEFERRED:
        return deferred()
    basis = item.basis
    if not basis or item.yes is None:
        return None
    share = basis.get("quorum_share")
    rules = Rules(
        majority_rule=basis["majority_rule"],
        quorum_members=basis.get("quorum_members"),
        quorum_share=Decimal(share) if share is not None else None,
    )
    tally = Tally(
        yes=item.yes,
        no=item.no or 0,
        abstain=item.abstain or 0,
        recused=item.recusals or 0,
        eligible=basis["eligible"],
        present=basis.get("present"),
    )
    decision = explain(rules, tally)
    return decision if decision.result == item.result else None


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


def vote_holders(members: Iterable[Any], present: set[int]) -> set[int]:
    """The members present who hold a vote: each present voting member, and each present deputy whose voting
    member is not present (one deputy per member, the first by pk). ``members`` are the memberships running on
    the day (with ``pk``, ``voting``, ``deputy_of_id``); ``present`` the pks of those present."""
    members = sorted(members, key=lambda member: member.pk)
    voting = {member.pk for member in members if member.voting}
    holders = voting & present
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
            holders.add(member.pk)
    return holders


def voting_present(members: Iterable[Any], present: set[int]) -> int:
    """How many votes the members present hold (see ``vote_holders``)."""
    return len(vote_holders(members, present))
