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


# Why a result is what it is (issue #15, finding 2): one explanation for meetings and ballots alike.


def german(func: object, *args: object) -> object:
    from django.utils import translation

    with translation.override("de"):
        return func(*args)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("rule", "tally", "result", "reason"),
    [
        ("members", Tally.online(yes=3, no=1, abstain=0, recused=0, eligible=7), Result.REJECTED,
         "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"),
        ("members", Tally.in_meeting(yes=4, no=0, abstain=0, recused=1, eligible=7, present=5), Result.ADOPTED,
         "angenommen: 4 Ja, nötig sind 4 von 6 Mitgliedern (1 befangen)"),
        ("members", Tally.online(yes=1, no=0, abstain=0, recused=0, eligible=1), Result.ADOPTED,
         "angenommen: 1 Ja, nötig sind 1 von 1 Mitglied"),
        ("cast", Tally.online(yes=3, no=3, abstain=1, recused=0, eligible=7), Result.REJECTED,
         "abgelehnt: 3 Ja zu 3 Nein, nötig sind mehr Ja- als Nein-Stimmen"),
        ("two_thirds", Tally.online(yes=0, no=0, abstain=5, recused=0, eligible=7), Result.REJECTED,
         "abgelehnt: 0 Ja zu 0 Nein, nötig sind zwei Drittel der Ja- und Nein-Stimmen (1)"),
        ("two_thirds", Tally.online(yes=6, no=3, abstain=0, recused=0, eligible=9), Result.ADOPTED,
         "angenommen: 6 Ja zu 3 Nein, nötig sind zwei Drittel der Ja- und Nein-Stimmen (6)"),
    ],
)  # fmt: skip
def test_the_explanation_names_the_numbers_of_the_rule(rule: str, tally: Tally, result: str, reason: str) -> None:
    from committees.rules import explain

    decision = german(explain, committee(rule, quorum_members=1), tally)
    assert (decision.result, decision.reason) == (result, reason)  # type: ignore[attr-defined]
    assert decide(committee(rule, quorum_members=1), tally) == result


def test_quorum_counts_those_taking_part_online_and_those_present_in_a_meeting() -> None:
    from committees.rules import explain, quorum_needed

    jury = committee("members", quorum_members=4)
    online = Tally.online(yes=3, no=0, abstain=0, recused=0, eligible=7)  # 3 took part
    meeting = Tally.in_meeting(yes=3, no=0, abstain=0, recused=0, eligible=7, present=5)  # 5 there, 2 silent
    assert (online.counted_for_quorum, meeting.counted_for_quorum) == (3, 5)
    assert not has_quorum(jury, online) and has_quorum(jury, meeting)
    assert german(explain, jury, online).reason == (  # type: ignore[attr-defined]
        "nicht beschlussfähig: 3 stimmberechtigte Mitglieder haben teilgenommen, nötig sind 4"
    )
    recused = Tally.in_meeting(yes=2, no=0, abstain=0, recused=2, eligible=7, present=5)
    assert recused.counted_for_quorum == 3 and not has_quorum(jury, recused)
    assert german(explain, jury, recused).reason == (  # type: ignore[attr-defined]
        "nicht beschlussfähig: 3 stimmberechtigte Mitglieder anwesend und nicht befangen, nötig sind 4"
    )
    # A share is taken of the pool without the recused, rounded up; a number and a share: the larger.
    both = committee("cast", quorum_members=4, quorum_share="50")
    assert quorum_needed(both, Tally.in_meeting(eligible=17, present=9)) == 9
    assert quorum_needed(both, Tally.in_meeting(recused=2, eligible=17, present=9)) == 8
    assert quorum_needed(both, Tally.in_meeting(eligible=5, present=5)) == 4


def test_a_stored_result_explains_itself_from_its_own_basis_only() -> None:
    from types import SimpleNamespace

    from committees.rules import Rules, basis_of, stored_decision

    jury = committee("members", quorum_members=4)
    tally = Tally.in_meeting(yes=3, no=1, abstain=0, recused=0, eligible=7, present=4)
    basis = basis_of(Rules.of(jury), tally)
    item = SimpleNamespace(result=Result.REJECTED, yes=3, no=1, abstain=0, recusals=0, basis=basis)
    assert german(stored_decision, item).reason == "abgelehnt: 3 Ja, nötig sind 4 von 7 Mitgliedern"  # type: ignore[attr-defined]
    forced = SimpleNamespace(result=Result.ADOPTED, yes=3, no=1, abstain=0, recusals=0, basis=basis)
    assert stored_decision(forced) is None  # a result the basis does not give is never explained as if it did
    legacy = SimpleNamespace(result=Result.ADOPTED, yes=3, no=1, abstain=0, recusals=0, basis=None)
    assert stored_decision(legacy) is None
    deferred = SimpleNamespace(result=Result.DEFERRED, yes=None, no=None, abstain=None, recusals=None, basis=None)
    assert german(stored_decision, deferred).reason == "vertagt: nicht abgestimmt"  # type: ignore[attr-defined]
