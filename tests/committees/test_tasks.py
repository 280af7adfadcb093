"""Celery beat's regular work: reminding voters before a ballot's deadline, and closing ballots at it."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from actors.models import Person
from committees.models import Ballot, Committee, Membership, Participation, Result
from committees.services.ballots import ballot_open, vote_cast
from committees.tasks import close_due_ballots, remind_ballot_voters
from demo.factories import UserFactory
from quartier.models import Mail
from tests.committees.fixtures import make_ballot
from tests.mails import deliver


def open_ballot(committee: Committee, *, hours: float = 24, items: int = 2, secret: bool = False) -> Ballot:
    ballot = make_ballot(committee, items=items, secret=secret, hours=48)
    ballot_open(ballot=ballot, by=None)
    # The members are told of the opening too (tests/committees/test_member_mails.py); here: the reminders.
    Mail.objects.filter(kind="committees.ballot_opened").delete()
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() + datetime.timedelta(hours=hours))
    ballot.refresh_from_db()
    return ballot


def vote(ballot: Ballot, membership: Membership, *, items: int | None = None, choice: str = "ja") -> None:
    for item in list(ballot.items.order_by("position"))[:items]:
        vote_cast(item=item, membership=membership, choice=choice, by=membership.user)


def recipients() -> list[str]:
    return sorted(address for message in deliver() for address in message.to)


# Reminders ---------------------------------------------------------------------------------------


def test_reminds_only_the_voters_who_have_not_finished(jury: Committee, jurors: list[Membership]) -> None:
    ballot = open_ballot(jury, hours=24)
    for juror in jurors[:3]:
        vote(ballot, juror)
    vote(ballot, jurors[3], items=1)  # half done

    assert remind_ballot_voters() == 4

    assert recipients() == [f"jury{number}@example.org" for number in range(4, 8)]
    link = settings.SITE_URL.rstrip("/") + f"/abstimmungen/{ballot.pk}/"
    half_done = next(message for message in deliver() if message.to == ["jury4@example.org"])
    assert link in half_done.body
    assert "Umlauf November" in half_done.body
    assert "Juror Nummer 4" in half_done.body
    assert gettext("%(done)s of %(total)s items done") % {"done": 1, "total": 2} in half_done.body
    assert "Umlauf November" in half_done.subject
    ballot.refresh_from_db()
    assert ballot.reminded_at is not None


def test_link_follows_site_url(jury: Committee, jurors: list[Membership], settings: object) -> None:
    settings.SITE_URL = "https://quartier.example.org/"  # type: ignore[attr-defined]
    ballot = open_ballot(jury, hours=2)
    remind_ballot_voters()
    assert f"https://quartier.example.org/abstimmungen/{ballot.pk}/" in deliver()[0].body


def test_reminds_only_once(jury: Committee, jurors: list[Membership]) -> None:
    open_ballot(jury, hours=24)

    assert remind_ballot_voters() == 7
    assert remind_ballot_voters() == 0

    assert recipients() == [f"jury{number}@example.org" for number in range(1, 8)]  # one mail each


def test_a_ballot_claimed_by_another_run_is_not_reminded_again(jury: Committee, jurors: list[Membership]) -> None:
    ballot = open_ballot(jury, hours=24)
    # Another run claimed it a moment ago (the conditional UPDATE is the claim).
    Ballot.objects.filter(pk=ballot.pk).update(reminded_at=timezone.now())
    assert remind_ballot_voters() == 0
    assert deliver() == []


@pytest.mark.parametrize("hours", [49, 72, 24 * 7])
def test_no_reminder_while_the_deadline_is_more_than_48_hours_away(
    jury: Committee, jurors: list[Membership], hours: int
) -> None:
    ballot = open_ballot(jury, hours=hours)
    assert remind_ballot_voters() == 0
    assert deliver() == []
    ballot.refresh_from_db()
    assert ballot.reminded_at is None  # its turn comes later


def test_reminder_just_inside_48_hours(jury: Committee, jurors: list[Membership]) -> None:
    open_ballot(jury, hours=47.9)
    assert remind_ballot_voters() == 7


def test_no_reminder_for_draft_closed_or_overdue_ballots(jury: Committee, jurors: list[Membership]) -> None:
    draft = make_ballot(jury, hours=24)
    closed = open_ballot(jury, hours=24)
    Ballot.objects.filter(pk=closed.pk).update(status=Ballot.Status.CLOSED, closed_at=timezone.now())
    overdue = open_ballot(jury, hours=24)
    Ballot.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))

    assert remind_ballot_voters() == 0

    assert deliver() == []
    assert not Ballot.objects.filter(pk__in=[draft.pk, closed.pk, overdue.pk], reminded_at__isnull=False).exists()


def test_no_reminder_for_advisory_ended_or_accountless_members(jury: Committee, area: object) -> None:
    def member(name: str, **fields: object) -> Membership:
        person = Person.objects.create(area=jury.area, first_name="Kim", last_name=name, email=f"{name}@example.org")
        return Membership.objects.create(committee=jury, person=person, member_type="bewohner", **fields)

    member("stimmberechtigt", user=UserFactory(username="voting"))
    member("beratend", user=UserFactory(username="advisory"), voting=False)
    member("ausgeschieden", user=UserFactory(username="ended"), end=timezone.localdate() - datetime.timedelta(days=1))
    member("ohnekonto")  # cannot vote online: a reminder would lead nowhere
    open_ballot(jury, hours=24)

    assert remind_ballot_voters() == 1
    assert recipients() == ["stimmberechtigt@example.org"]  # the person's address comes first


def test_a_member_without_any_address_is_skipped(jury: Committee, jurors: list[Membership]) -> None:
    jurors[0].user.email = ""
    jurors[0].user.save(update_fields=["email"])
    open_ballot(jury, hours=24)
    assert remind_ballot_voters() == 6
    assert "jury1@example.org" not in recipients()


def test_recusal_counts_as_taking_part(jury: Committee, jurors: list[Membership]) -> None:
    ballot = open_ballot(jury, hours=24, items=1)
    Participation.objects.create(item=ballot.items.get(), membership=jurors[0], kind=Participation.Kind.RECUSED)
    remind_ballot_voters()
    assert "jury1@example.org" not in recipients()
    assert len(deliver()) == 6


# Closing at the deadline -------------------------------------------------------------------------


def test_closes_overdue_ballots_with_their_results_and_leaves_the_others(
    jury: Committee, jurors: list[Membership]
) -> None:
    overdue = open_ballot(jury, hours=1, items=2)
    for juror in jurors[:5]:
        vote(overdue, juror)
    vote(overdue, jurors[5], choice="nein")
    secret = open_ballot(jury, hours=1, items=1, secret=True)
    for juror in jurors[:2]:
        vote(secret, juror)
    running = open_ballot(jury, hours=1)
    draft = make_ballot(jury, hours=24)
    past = timezone.now() - datetime.timedelta(minutes=1)
    Ballot.objects.filter(pk__in=[overdue.pk, secret.pk, draft.pk]).update(deadline=past)

    assert close_due_ballots() == 2

    overdue.refresh_from_db()
    assert overdue.status == Ballot.Status.CLOSED
    assert overdue.closed_at is not None
    results = list(overdue.items.order_by("position").values_list("yes", "no", "abstain", "result"))
    assert results == [(5, 1, 0, Result.ADOPTED), (5, 1, 0, Result.ADOPTED)]  # 5 of 7 members: a majority
    secret.refresh_from_db()
    assert secret.status == Ballot.Status.CLOSED and secret.secret_salt == ""
    assert secret.items.get().result == Result.NO_QUORUM  # 2 took part, the jury needs 4
    running.refresh_from_db()
    assert running.status == Ballot.Status.OPEN
    draft.refresh_from_db()
    assert draft.status == Ballot.Status.DRAFT

    assert close_due_ballots() == 0  # nothing left to do


def test_one_failing_ballot_does_not_stop_the_others(
    jury: Committee, jurors: list[Membership], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from committees import tasks

    broken, fine = open_ballot(jury, hours=1), open_ballot(jury, hours=1)
    Ballot.objects.filter(pk__in=[broken.pk, fine.pk]).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    real_close = tasks.ballot_close

    def close(*, ballot: Ballot, by: object, now: datetime.datetime) -> Ballot:
        if ballot.pk == broken.pk:
            raise RuntimeError("the application cannot take the decision")
        return real_close(ballot=ballot, by=by, now=now)

    monkeypatch.setattr(tasks, "ballot_close", close)

    with caplog.at_level(logging.ERROR, logger="committees.tasks"):
        assert close_due_ballots() == 1

    assert Ballot.objects.get(pk=fine.pk).status == Ballot.Status.CLOSED
    assert Ballot.objects.get(pk=broken.pk).status == Ballot.Status.OPEN  # tried again at the next run
    assert f"Closing ballot {broken.pk} failed" in caplog.text
    assert "the application cannot take the decision" in caplog.text


def test_beat_runs_both_tasks_regularly() -> None:
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["committees.tasks.close_due_ballots"] == 5 * 60
    assert schedule["committees.tasks.remind_ballot_voters"] == 15 * 60
    from quartier.celery import app

    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks)
