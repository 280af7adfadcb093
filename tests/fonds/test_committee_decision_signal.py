"""A committee tells funds of its decision through ``committees.signals.decision_taken``, inside its own
transaction: what funds refuse undoes the committee's decision too, and nothing is half-saved."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actors.models import Organisation, Person
from committees.models import AgendaItem, Attendance, Ballot, Choice, Meeting, Membership, Participation, Result
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from committees.services.meetings import agenda_item_update
from committees.signals import decision_taken, decision_tell, takes_decisions
from fonds.models import Application, Fund, Status
from fonds.services.applications import application_put_forward
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    """The keywords of every ``decision_taken`` sent while the test runs."""
    calls: list[dict[str, Any]] = []

    def listen(sender: type, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    decision_taken.connect(listen, weak=False, dispatch_uid="test-heard")
    yield calls
    decision_taken.disconnect(dispatch_uid="test-heard")


@pytest.fixture
def refusing() -> Iterator[None]:
    """A receiver after the one of funds that refuses every decision on an application."""

    def refuse(sender: type, **kwargs: Any) -> None:
        raise ValidationError("refused", code="refused")

    decision_taken.connect(refuse, sender=Application, weak=False, dispatch_uid="test-refusing")
    yield
    decision_taken.disconnect(sender=Application, dispatch_uid="test-refusing")


def _on_ballot(
    fund: Fund, applicant: Person, staff: dict, jurors: list[Membership], now: datetime.datetime
) -> tuple[Application, Ballot]:
    """An application before the jury's open ballot, every juror voting yes."""
    application = eligible(make_application(fund, person=applicant, costs=("800.00",)), staff)
    ballot = Ballot.objects.create(
        committee=fund.committee, title="Umlauf", deadline=now + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot_open(ballot=ballot, by=staff["gwa"], now=now)
    for member in jurors:
        vote_cast(item=ballot.items.get(), membership=member, choice=Choice.YES, by=member.user, now=now)
    return application, ballot


def _on_agenda(fund: Fund, applicant: Person, staff: dict, jurors: list[Membership]) -> tuple[Application, AgendaItem]:
    """An application on the agenda of a meeting that began an hour ago, five jurors present."""
    application = eligible(make_application(fund, person=applicant, costs=("900.00",)), staff)
    meeting = Meeting.objects.create(
        committee=fund.committee, starts_at=timezone.now() + datetime.timedelta(days=2), place="Büro"
    )
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    for member in jurors[:5]:
        Attendance.objects.create(meeting=meeting, membership=member, status="anwesend")
    return application, meeting.items.get()


def test_a_closed_ballot_tells_funds_the_decision_and_the_application_takes_it(
    aktionsfonds: Fund,
    applicant: Person,
    staff: dict,
    jurors: list[Membership],
    heard: list[dict[str, Any]],
    now: datetime.datetime,
) -> None:
    application, ballot = _on_ballot(aktionsfonds, applicant, staff, jurors, now)
    ballot_close(ballot=ballot, by=staff["gwa"], now=now)
    assert heard == [
        {
            "sender": Application,
            "signal": decision_taken,
            "subject": application,
            "result": Result.ADOPTED,
            "source": ballot.items.get(),
            "by": staff["gwa"],
        }
    ]
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_recorded_minutes_tell_funds_the_decision(
    aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership], heard: list[dict[str, Any]]
) -> None:
    application, item = _on_agenda(aktionsfonds, applicant, staff, jurors)
    data = {"yes": 1, "no": 4, "abstain": 0, "decision": "Abgelehnt: kein Bezug zum Gebiet."}
    agenda_item_update(item=item, data=data, by=staff["gwa"])
    assert [(call["subject"], call["result"], call["source"], call["by"]) for call in heard] == [
        (application, Result.REJECTED, item, staff["gwa"])
    ]
    application.refresh_from_db()
    assert application.status == Status.REJECTED


@pytest.mark.usefixtures("refusing")
def test_a_refusal_by_a_receiver_undoes_the_closing_of_the_ballot(
    aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership], now: datetime.datetime
) -> None:
    application, ballot = _on_ballot(aktionsfonds, applicant, staff, jurors, now)
    with pytest.raises(ValidationError, match="refused"):
        ballot_close(ballot=ballot, by=staff["gwa"], now=now)
    ballot.refresh_from_db()
    item = ballot.items.get()
    assert ballot.status == Ballot.Status.OPEN and ballot.closed_at is None
    assert item.result == "" and item.yes is None
    assert Participation.objects.filter(item=item).count() == len(jurors)
    application.refresh_from_db()
    assert application.status == Status.FOR_DECISION and application.approved_amount is None  # funds' approval too


@pytest.mark.usefixtures("refusing")
def test_a_refusal_by_a_receiver_leaves_the_minutes_unrecorded(
    aktionsfonds: Fund, applicant: Person, staff: dict, jurors: list[Membership]
) -> None:
    application, item = _on_agenda(aktionsfonds, applicant, staff, jurors)
    with pytest.raises(ValidationError, match="refused"):
        agenda_item_update(item=item, data={"yes": 4, "no": 1, "abstain": 0}, by=staff["gwa"])
    item = AgendaItem.objects.get(pk=item.pk)
    assert item.result == "" and item.yes is None
    application.refresh_from_db()
    assert application.status == Status.FOR_DECISION and application.approved_amount is None


def test_only_applications_take_decisions_and_a_decision_on_another_object_changes_nothing(
    area: object, aktionsfonds: Fund, applicant: Person, staff: dict
) -> None:
    application = make_application(aktionsfonds, person=applicant)
    organisation = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    assert takes_decisions(application)
    assert not takes_decisions(organisation) and not takes_decisions(None)
    changes = application.status_changes.count()
    item = AgendaItem(title="Über den Verein")
    decision_tell(subject=organisation, result=Result.ADOPTED, source=item, by=staff["gwa"])
    decision_tell(subject=None, result=Result.ADOPTED, source=item, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.status_changes.count() == changes
