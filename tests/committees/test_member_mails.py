"""Committee members are told by mail: a ballot opened, a ballot closed (counts only), minutes approved; each
account chooses which of these it gets, at once or in one daily digest (issue #17)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from committees.models import Ballot, Committee, Meeting, Membership
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from committees.services.meetings import minutes_approve
from committees.tasks import close_due_ballots
from demo.factories import CommitteeFactory, MeetingFactory, MembershipFactory, UserFactory
from quartier.mail import mails_about
from quartier.models import DigestEntry, Mail, MailChoices, Quartier, User
from quartier.notifications import decide, digests_send, mail_choice, mail_choices_save
from quartier.tasks import send_digests
from tests.committees.fixtures import make_ballot
from tests.mails import deliver

OPENED = "committees.ballot_opened"
CLOSED = "committees.ballot_closed"
MINUTES = "committees.minutes_approved"


def mails(kind: str) -> list[Mail]:
    return list(Mail.objects.filter(kind=kind).order_by("to"))


def addresses(kind: str) -> list[str]:
    return [mail.to for mail in mails(kind)]


def juror_addresses(numbers: range) -> list[str]:
    return sorted(f"jury{number}@example.org" for number in numbers)


# A ballot opens ----------------------------------------------------------------------------------------------


def test_every_voting_member_who_can_vote_online_is_told_of_the_opened_ballot(
    jury: Committee, jurors: list[Membership]
) -> None:
    ballot = make_ballot(jury, items=2)
    ballot_open(ballot=ballot, by=None)

    assert addresses(OPENED) == juror_addresses(range(1, 8))
    sent = {message.to[0]: message for message in deliver()}
    message = sent["jury3@example.org"]
    items = list(ballot.items.order_by("position"))
    assert ballot.title in message.subject
    assert "Juror Nummer 3" in message.body
    for item in items:
        assert item.title in message.body
    with translation.override(settings.LANGUAGE_CODE):
        assert date_format(timezone.localtime(ballot.deadline), "DATETIME_FORMAT") in message.body
    assert f"{settings.SITE_URL.rstrip('/')}/abstimmungen/{ballot.pk}/" in message.body
    # In the member's outbox.
    assert [mail.kind for mail in mails_about(jurors[2])] == [OPENED]


def test_who_is_not_told_of_the_opened_ballot(area: Quartier, jury: Committee, jurors: list[Membership]) -> None:
    today = timezone.localdate()
    other = MembershipFactory(
        committee=CommitteeFactory(area=area, name="Quartiersrat"), user=UserFactory(username="other-committee")
    )
    MembershipFactory(committee=jury, user=UserFactory(username="ended"), end=today - datetime.timedelta(days=1))
    MembershipFactory(committee=jury, user=UserFactory(username="later"), start=today + datetime.timedelta(days=1))
    MembershipFactory(committee=jury, user=UserFactory(username="advisory"), voting=False)
    MembershipFactory(committee=jury, person__email="ohne-konto@example.org")  # no account
    MembershipFactory(committee=jury, user=UserFactory(username="no-address", email=""))
    MembershipFactory(committee=jury, user=UserFactory(username="switched-off", is_active=False))
    ballot = make_ballot(jury)

    ballot_open(ballot=ballot, by=None)

    assert addresses(OPENED) == juror_addresses(range(1, 8))
    assert not mails_about(other).exists()


def test_the_persons_address_comes_before_the_accounts(jury: Committee, jurors: list[Membership]) -> None:
    jurors[0].person.email = "privat@example.org"
    jurors[0].person.save()
    ballot_open(ballot=make_ballot(jury), by=None)
    assert "privat@example.org" in addresses(OPENED)
    assert "jury1@example.org" not in addresses(OPENED)


def test_a_ballot_cannot_be_opened_twice_nor_its_mail_sent_twice(jury: Committee, jurors: list[Membership]) -> None:
    ballot = make_ballot(jury)
    ballot_open(ballot=ballot, by=None)
    with pytest.raises(ValidationError):
        ballot_open(ballot=ballot, by=None)
    assert len(mails(OPENED)) == 7


def test_a_refused_opening_sends_nothing(jury: Committee, jurors: list[Membership]) -> None:
    ballot = make_ballot(jury, items=0)
    with pytest.raises(ValidationError):
        ballot_open(ballot=ballot, by=None)
    assert mails(OPENED) == []


# A ballot closes ---------------------------------------------------------------------------------------------


def _vote_and_close(jury: Committee, jurors: list[Membership], *, secret: bool, by_task: bool) -> Ballot:
    ballot = make_ballot(jury, items=2, secret=secret)
    ballot_open(ballot=ballot, by=None)
    first, second = ballot.items.order_by("position")
    for juror, choice in zip(jurors, ["ja", "ja", "ja", "ja", "nein", "enthaltung"], strict=False):
        vote_cast(item=first, membership=juror, choice=choice, by=juror.user)
    vote_cast(item=second, membership=jurors[0], choice="nein", by=jurors[0].user)
    later = ballot.deadline + datetime.timedelta(minutes=1)
    if by_task:
        Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
        assert close_due_ballots() == 1
    else:
        ballot_close(ballot=ballot, by=None, now=later)
    return ballot


@pytest.mark.parametrize("by_task", [False, True], ids=["office", "deadline task"])
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_the_members_get_the_results_as_counts_only(
    jury: Committee, jurors: list[Membership], secret: bool, by_task: bool
) -> None:
    ballot = _vote_and_close(jury, jurors, secret=secret, by_task=by_task)

    assert addresses(CLOSED) == juror_addresses(range(1, 8))
    first, second = ballot.items.order_by("position")
    for mail in mails(CLOSED):
        assert ballot.title in mail.subject
        assert "Ja: 4, Nein: 1, Enthaltungen: 1" in mail.body
        assert "Ja: 0, Nein: 1, Enthaltungen: 0" in mail.body
        assert first.get_result_display() in mail.body
        assert second.get_result_display() in mail.body
        # Nobody's choice: the only name in the mail is the addressee's own, in the greeting.
        others = [juror for juror in jurors if juror.user and juror.user.email != mail.to]
        for juror in others:
            assert str(juror.person) not in mail.body
            assert juror.person.last_name not in mail.body
        assert "Juror" not in mail.body.split("\n", 1)[1]
    if secret:
        assert "geheim" in mails(CLOSED)[0].body


def test_a_member_whose_term_ended_before_the_counting_day_gets_no_results(
    jury: Committee, jurors: list[Membership]
) -> None:
    ballot = make_ballot(jury)
    ballot_open(ballot=ballot, by=None)
    Membership.objects.filter(pk=jurors[6].pk).update(end=timezone.localdate() - datetime.timedelta(days=1))
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    close_due_ballots()
    assert addresses(CLOSED) == juror_addresses(range(1, 7))


def test_a_refused_close_sends_nothing(jury: Committee, jurors: list[Membership]) -> None:
    ballot = make_ballot(jury)
    ballot_open(ballot=ballot, by=None)
    with pytest.raises(ValidationError):
        ballot_close(ballot=ballot, by=None)  # before the deadline, not everyone has voted
    assert mails(CLOSED) == []


# Minutes approved --------------------------------------------------------------------------------------------


def _held_meetings(jury: Committee) -> tuple[Meeting, Meeting]:
    now = timezone.now()
    first = MeetingFactory(committee=jury, starts_at=now - datetime.timedelta(days=30), status=Meeting.Status.HELD)
    second = MeetingFactory(committee=jury, starts_at=now - datetime.timedelta(hours=1), status=Meeting.Status.HELD)
    return first, second


def test_the_members_are_told_that_the_minutes_are_approved(
    area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    advisory = MembershipFactory(committee=jury, voting=False, user=UserFactory(username="advisory"))
    MembershipFactory(
        committee=jury, user=UserFactory(username="ended"), end=timezone.localdate() - datetime.timedelta(days=1)
    )
    MembershipFactory(committee=jury, person__email="ohne-konto@example.org")
    first, second = _held_meetings(jury)

    minutes_approve(meeting=first, at=second, by=UserFactory(username="clerk"))

    assert addresses(MINUTES) == sorted([*juror_addresses(range(1, 8)), "advisory@example.org"])
    mail = mails_about(advisory).get()
    assert jury.name in mail.subject
    assert f"{settings.SITE_URL.rstrip('/')}/oeffentlich/{area.slug}/gremien/" in mail.body


def test_minutes_approved_twice_are_refused_and_told_once(jury: Committee, jurors: list[Membership]) -> None:
    first, second = _held_meetings(jury)
    clerk = UserFactory(username="clerk")
    minutes_approve(meeting=first, at=second, by=clerk)
    with pytest.raises(ValidationError):
        minutes_approve(meeting=first, at=second, by=clerk)
    assert len(mails(MINUTES)) == 7


# Choices -----------------------------------------------------------------------------------------------------


def test_the_one_rule() -> None:
    assert decide(None, OPENED) == "now"  # the default: every optional mail, at once
    assert decide(MailChoices(ballot_opened=False), OPENED) == "no"
    assert decide(MailChoices(ballot_opened=False), CLOSED) == "now"
    assert decide(MailChoices(digest=True), MINUTES) == "digest"
    assert decide(MailChoices(minutes_approved=False, digest=True), MINUTES) == "no"
    assert decide(None, OPENED, active=False) == "no"
    # Mails a member must get are not optional, whatever they chose.
    for kind in ("committees.invitation", "committees.member_account", "committees.ballot_reminder"):
        assert decide(MailChoices(ballot_opened=False, ballot_closed=False, digest=True), kind) == "now"


def test_an_account_that_chose_no_opening_mails_gets_none(jury: Committee, jurors: list[Membership]) -> None:
    user = jurors[0].user
    assert user is not None
    mail_choices_save(user=user, data={"ballot_opened": False})
    assert mail_choice(user, OPENED) == "no"

    ballot = _vote_and_close(jury, jurors, secret=False, by_task=False)

    assert "jury1@example.org" not in addresses(OPENED)
    assert "jury1@example.org" in addresses(CLOSED)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED


def _digest_readers(jurors: list[Membership]) -> list[User]:
    readers = [juror.user for juror in jurors[:2] if juror.user is not None]
    for user in readers:
        mail_choices_save(user=user, data={"digest": True})
    return readers


def test_the_digest_collects_and_sends_once_a_day(jury: Committee, jurors: list[Membership]) -> None:
    _digest_readers(jurors)
    ballot = _vote_and_close(jury, jurors, secret=True, by_task=False)
    first, second = _held_meetings(jury)
    minutes_approve(meeting=first, at=second, by=UserFactory(username="clerk"))

    assert "jury1@example.org" not in addresses(OPENED) + addresses(CLOSED) + addresses(MINUTES)
    assert DigestEntry.objects.filter(user=jurors[0].user).count() == 3

    assert send_digests() == 2
    assert send_digests() == 0  # run twice: nothing sent twice
    digests = mails("quartier.digest")
    assert [mail.to for mail in digests] == ["jury1@example.org", "jury2@example.org"]
    body = digests[0].body
    assert ballot.title in body and "Ja: 4, Nein: 1, Enthaltungen: 1" in body and jury.name in body
    assert "/konto/benachrichtigungen/" in body
    assert not DigestEntry.objects.exists()

    # What comes later the same day waits for the next day's digest.
    ballot_open(ballot=make_ballot(jury), by=None)
    assert send_digests() == 0
    assert DigestEntry.objects.count() == 2
    assert digests_send(now=timezone.now() + datetime.timedelta(days=1)) == 2
    assert len(mails("quartier.digest")) == 4
    assert len(deliver()) == Mail.objects.count()


def test_a_run_that_finds_the_day_claimed_sends_no_second_digest(jury: Committee, jurors: list[Membership]) -> None:
    readers = _digest_readers(jurors)
    ballot_open(ballot=make_ballot(jury), by=None)
    # Another run claimed the day a moment ago (the conditional UPDATE is the claim) and is still sending.
    MailChoices.objects.filter(user=readers[0]).update(digest_sent_on=timezone.localdate())

    assert send_digests() == 1
    assert addresses("quartier.digest") == ["jury2@example.org"]
    assert DigestEntry.objects.filter(user=readers[0]).count() == 1  # kept for the next day, not lost


def test_a_failing_digest_keeps_its_entries_and_its_day(
    jury: Committee, jurors: list[Membership], monkeypatch: pytest.MonkeyPatch
) -> None:
    readers = _digest_readers(jurors)
    ballot_open(ballot=make_ballot(jury), by=None)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("outbox away")

    monkeypatch.setattr("quartier.notifications.queue_mail", broken)
    assert send_digests() == 0
    monkeypatch.undo()
    assert DigestEntry.objects.count() == 2
    assert not MailChoices.objects.filter(user__in=readers, digest_sent_on__isnull=False).exists()
    assert send_digests() == 2


# The choice page ---------------------------------------------------------------------------------------------

PAGE = "/konto/benachrichtigungen/"


@pytest.fixture
def member_client(jurors: list[Membership]) -> Client:
    client = Client()
    client.force_login(jurors[0].user)
    return client


def test_the_page_shows_the_default_and_saves_a_choice(member_client: Client, jurors: list[Membership]) -> None:
    page = member_client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("checked") == 4  # three kinds and "a mail for each"
    assert f'href="{PAGE}"' in html  # linked from the header

    answer = member_client.post(PAGE, {"ballot_closed": "on", "delivery": "digest"})
    assert answer.status_code == 302
    choices = MailChoices.objects.get(user=jurors[0].user)
    assert (choices.ballot_opened, choices.ballot_closed, choices.minutes_approved, choices.digest) == (
        False,
        True,
        False,
        True,
    )
    assert "gespeichert" in member_client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"ballot_opened": "on", "delivery": "hourly"},
            "Wählen Sie eine Mail für jede Nachricht oder eine Zusammenfassung am Tag.",
        ),
        ({"ballot_opened": "on"}, "Dieses Feld ist zwingend erforderlich."),
        ({"delivery": "digest"}, "Eine tägliche Zusammenfassung braucht mindestens eine Art von Mail"),
    ],
    ids=["unknown delivery", "no delivery", "empty digest"],
)
def test_the_page_refuses_bad_input_and_saves_nothing(
    member_client: Client, jurors: list[Membership], data: dict[str, str], message: str
) -> None:
    answer = member_client.post(PAGE, data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not MailChoices.objects.exists()


def test_the_page_saves_only_the_own_choices(member_client: Client, jurors: list[Membership]) -> None:
    other = jurors[1].user
    member_client.post(PAGE, {"delivery": "now", "user": str(other.pk), "user_id": str(other.pk)})
    assert not MailChoices.objects.filter(user=other).exists()
    assert MailChoices.objects.get(user=jurors[0].user).ballot_opened is False


def test_the_page_needs_a_login(db: None) -> None:
    answer = Client().get(PAGE)
    assert answer.status_code == 302 and answer["Location"].startswith("/konto/anmelden/")
    assert Client().post(PAGE, {"delivery": "digest"}).status_code == 302
    assert not MailChoices.objects.exists()


def test_a_staff_user_chooses_too(client: Client, area: Quartier) -> None:
    staff = UserFactory(username="office")
    client.force_login(staff)
    assert client.post(PAGE, {"minutes_approved": "on", "delivery": "now"}).status_code == 302
    assert MailChoices.objects.get(user=staff).minutes_approved is True


def test_the_page_costs_the_same_queries_with_more_data(
    member_client: Client, jury: Committee, jurors: list[Membership], assert_constant_queries: object
) -> None:
    def grow() -> None:
        for _number in range(5):
            ballot_open(ballot=make_ballot(jury), by=None)
        mail_choices_save(user=jurors[0].user, data={"digest": True})
        ballot_open(ballot=make_ballot(jury), by=None)

    count = assert_constant_queries(lambda: member_client.get(PAGE), grow)  # type: ignore[operator]
    assert count <= 10
