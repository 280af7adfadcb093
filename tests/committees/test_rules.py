"""Quorum, majority and composition rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from committees.models import Committee, Result
from committees.rules import Composition, Tally, decide, has_quorum


def committee(rule: str, quorum_members: int | None = None, quorum_share: str | None = None) -> Committee:
    return Committee(
        majority_rule=rule,
        quorum_members=quorum_members,
        quorum_share=Decimal(quorum_share) if quorum_share else None,
    )


@pytest.mark.parametrize(
    ("rule", "tally", "expected"),
    [
        ("cast", Tally(yes=3, no=2, abstain=2, recused=0, eligible=7), Result.ADOPTED),
        ("cast", Tally(yes=2, no=2, abstain=3, recused=0, eligible=7), Result.REJECTED),  # a tie is no majority
        ("members", Tally(yes=3, no=0, abstain=4, recused=0, eligible=7), Result.REJECTED),  # 3 of 7 is not a majority
        ("members", Tally(yes=4, no=3, abstain=0, recused=0, eligible=7), Result.ADOPTED),
        (
            "members",
            Tally(yes=3, no=2, abstain=0, recused=1, eligible=7),
            Result.REJECTED,
        ),  # 3 of 6 is not more than half
        ("members", Tally(yes=4, no=1, abstain=0, recused=1, eligible=7), Result.ADOPTED),
        ("two_thirds", Tally(yes=4, no=2, abstain=1, recused=0, eligible=7), Result.ADOPTED),
        ("two_thirds", Tally(yes=4, no=3, abstain=0, recused=0, eligible=7), Result.REJECTED),
        ("two_thirds", Tally(yes=0, no=0, abstain=5, recused=0, eligible=7), Result.REJECTED),
    ],
)
def test_majority_rules(rule: str, tally: Tally, expected: str) -> None:
    assert decide(committee(rule), tally) == expected


def test_quorum_by_number_and_by_share() -> None:
    assert not has_quorum(committee("cast", quorum_members=4), Tally(yes=2, no=1, abstain=0, recused=0, eligible=7))
    assert has_quorum(committee("cast", quorum_members=4), Tally(yes=2, no=1, abstain=1, recused=0, eligible=7))
    half = committee("cast", quorum_share="50")
    assert not has_quorum(half, Tally(yes=3, no=0, abstain=0, recused=0, eligible=7))  # 3 of 7
    assert has_quorum(half, Tally(yes=3, no=0, abstain=0, recused=1, eligible=7))  # 3 of the 6 not recused
    assert decide(committee("cast", quorum_members=5), Tally(1, 0, 0, 0, 7)) == Result.NO_QUORUM


@pytest.mark.parametrize(
    ("voting", "residents", "required", "meets", "share"),
    [(17, 9, "51", True, "52.9"), (17, 8, "51", False, "47.1"), (7, 7, "100", True, "100.0"), (0, 0, "51", False, "0")],
)
def test_composition_against_the_resident_rule(
    voting: int, residents: int, required: str, meets: bool, share: str
) -> None:
    composition = Composition(voting_members=voting, residents=residents, required_share=Decimal(required))
    assert composition.meets_rule is meets
    assert composition.resident_share == Decimal(share)


def test_a_present_deputy_holds_the_vote_of_an_absent_member_only() -> None:
    from types import SimpleNamespace

    from committees.rules import voting_present

    def member(pk: int, voting: bool, deputy_of: int | None = None) -> SimpleNamespace:
        return SimpleNamespace(pk=pk, voting=voting, deputy_of_id=deputy_of)

    members = [member(1, True), member(2, True), member(3, False, deputy_of=1), member(4, False, deputy_of=1),
               member(5, False)]  # fmt: skip
    assert voting_present(members, {1, 2, 3}) == 2  # the member is there: the deputy does not vote
    assert voting_present(members, {2, 3}) == 2  # the deputy stands in
    assert voting_present(members, {2, 3, 4}) == 2  # two deputies, one vote
    assert voting_present(members, {5}) == 0  # an advisory member holds no vote
