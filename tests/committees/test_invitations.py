"""Inviting the members to a meeting: the service, the emails with their calendar entry, and a real
Celery worker that sends them."""

from __future__ import annotations

import datetime
import email
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import icalendar
import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from actors.models import Person
from committees.models import AgendaItem, Committee, Meeting, Membership
from committees.services.invitations import meeting_invitations_send, meeting_invite
from committees.tasks import send_meeting_invitations
from demo.factories import UserFactory
from quartier.celery import app as celery_app
from quartier.models import Mail, Quartier, User
from tests.mails import deliver
from tests.workers import start_worker, stop_worker

AGENDA = ["Begrüßung", "Antrag Nachbarschaftsfest", "Verschiedenes"]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run ``.delay()`` in this process, so the emails land in ``deliver()``."""
    conf = celery_app.conf
    before = {"task_always_eager": conf.task_always_eager, "task_eager_propagates": conf.task_eager_propagates}
    conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield
    finally:
        conf.update(before)


@pytest.fixture
def office(area: Quartier) -> User:
    return UserFactory(username="gwa-office")


def make_meeting(
    committee: Committee,
    *,
    days: float = 7,
    items: list[str] | None = None,
    now: datetime.datetime | None = None,
    **fields: object,
) -> Meeting:
    """A meeting ``days`` after ``now`` (the clock when not given)."""
    fields.setdefault("place", "Stadtteilbüro, Uferstraße 12")
    starts_at = (now or timezone.now()) + datetime.timedelta(days=days)
    meeting = Meeting.objects.create(committee=committee, starts_at=starts_at, **fields)
    for position, title in enumerate(AGENDA if items is None else items, start=1):
        AgendaItem.objects.create(meeting=meeting, position=position, title=title)
    return meeting


@pytest.fixture
def meeting(jury: Committee) -> Meeting:
    return make_meeting(jury, online_link="https://meet.example.org/jury")


def member(
    committee: Committee, last_name: str, *, email: str = "", user: User | None = None, **fields: object
) -> Membership:
    person = Person.objects.create(area=committee.area, first_name="Alex", last_name=last_name, email=email)
    fields.setdefault("member_type", Membership.MemberType.RESIDENT)
    return Membership.objects.create(committee=committee, person=person, user=user, **fields)


def invite(
    meeting: Meeting, by: User, capture: Callable[..., object], now: datetime.datetime | None = None
) -> list[Membership]:
    with capture(execute=True):
        return meeting_invite(meeting=meeting, by=by, send=send_meeting_invitations.delay, now=now)


def calendar_part(message: mail.EmailMessage) -> Message:
    parts = [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def calendar_of(message: mail.EmailMessage) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True))


# Who is invited ----------------------------------------------------------------------------------


def test_every_running_member_with_an_address_gets_the_invitation(
    jury: Committee,
    jurors: list[Membership],
    meeting: Meeting,
    office: User,
    eager_celery: None,
    django_capture_on_commit_callbacks: Callable[..., object],
    now: datetime.datetime,
) -> None:
    day = timezone.localdate(meeting.starts_at)
    advisory = member(jury, "Beratend", email="beratend@example.org", voting=False, member_type="verwaltung")
    letter = member(jury, "Ohne Adresse")
    member(jury, "Ausgeschieden", email="alt@example.org", end=day - datetime.timedelta(days=1))
    member(jury, "Künftig", email="neu@example.org", start=day + datetime.timedelta(days=1))
    starts_on_the_day = member(jury, "Ab Sitzungstag", email="ab@example.org", start=day)

    without_address = invite(meeting, office, django_capture_on_commit_callbacks, now=now)

    assert without_address == [letter]
    recipients = sorted(address for message in deliver() for address in message.to)
    expected = sorted(
        [f"jury{number}@example.org" for number in range(1, 8)] + ["beratend@example.org", "ab@example.org"]
    )
    assert recipients == expected  # voting and advisory; not ended, not yet begun
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in deliver())
    advisory_mail = next(message for message in deliver() if message.to == ["beratend@example.org"])
    assert gettext("You take part as an advisory member, without a vote.") in advisory_mail.body
    assert starts_on_the_day.person.email in recipients
    assert advisory.person.email in recipients

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED
    assert meeting.invited_at == now
    entry = LogEntry.objects.filter(object_pk=str(meeting.pk), additional_data__transition="meeting_invite").get()
    assert entry.changes_dict["status"] == ["geplant", "eingeladen"]
    assert set(entry.changes_dict) == {"status", "invited_at"}  # the step's one entry holds what it set
    assert entry.actor == office


def test_the_persons_address_comes_before_the_accounts(
    jury: Committee, meeting: Meeting, office: User, eager_celery: None, django_capture_on_commit_callbacks: Callable
) -> None:
    member(jury, "Beides", email="privat@example.org", user=UserFactory(username="beides", email="konto@example.org"))
    member(jury, "Nur Konto", user=UserFactory(username="nurkonto", email="nurkonto@example.org"))
    member(jury, "Konto ohne Adresse", user=UserFactory(username="leer", email=""))

    without_address = invite(meeting, office, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in deliver()) == ["nurkonto@example.org", "privat@example.org"]
    assert [membership.person.last_name for membership in without_address] == ["Konto ohne Adresse"]


def test_invitation_has_the_agenda_date_place_and_calendar_entry(
    jury: Committee,
    jurors: list[Membership],
    meeting: Meeting,
    office: User,
    eager_celery: None,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    invite(meeting, office, django_capture_on_commit_callbacks)

    message = next(message for message in deliver() if message.to == ["jury1@example.org"])
    starts = timezone.localtime(meeting.starts_at)
    assert message.subject == gettext("Invitation: %(committee)s on %(date)s") % {
        "committee": "Aktionsfondsjury Kiez am Kanal",
        "date": date_format(starts, "SHORT_DATE_FORMAT"),
    }
    assert "Juror Nummer 1" in message.body
    assert "1. Begrüßung\n2. Antrag Nachbarschaftsfest\n3. Verschiedenes" in message.body
    assert "Stadtteilbüro, Uferstraße 12" in message.body
    assert "https://meet.example.org/jury" in message.body
    assert date_format(starts, "TIME_FORMAT") in message.body
    assert "Uferstraße 12\n12345 Beispielstadt" in message.body  # the office's address
    assert message.message()["Auto-Submitted"] == "auto-generated"

    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename().endswith(".ics")
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.events
    assert event["UID"] == f"meeting-{meeting.pk}@quartier"
    assert event["SEQUENCE"] == 0
    starts_at = meeting.starts_at.replace(microsecond=0)
    assert event.start == starts_at
    assert event.end == starts_at + datetime.timedelta(minutes=meeting.duration_minutes)
    assert event["SUMMARY"] == "Aktionsfondsjury Kiez am Kanal"
    assert str(event["ATTENDEE"]) == "mailto:jury1@example.org"


def test_reinviting_an_invited_meeting_sends_the_new_revision(
    jury: Committee,
    jurors: list[Membership],
    meeting: Meeting,
    office: User,
    eager_celery: None,
    django_capture_on_commit_callbacks: Callable,
    now: datetime.datetime,
) -> None:
    invite(meeting, office, django_capture_on_commit_callbacks)
    first_invited_at = Meeting.objects.get(pk=meeting.pk).invited_at
    deliver().clear()
    # The editor moved the invited meeting by an hour: a new revision of the calendar entry.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at + datetime.timedelta(hours=1), sequence=1)
    later = now + datetime.timedelta(hours=2)

    invite(meeting, office, django_capture_on_commit_callbacks, now=later)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED
    assert meeting.invited_at == later != first_invited_at
    assert len(deliver()) == 7
    message = deliver()[0]
    assert message.subject == gettext("Changed invitation: %(committee)s on %(date)s") % {
        "committee": "Aktionsfondsjury Kiez am Kanal",
        "date": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT"),
    }
    changed = gettext("the meeting of %(committee)s has changed. This invitation replaces the previous one.")
    assert changed % {"committee": "Aktionsfondsjury Kiez am Kanal"} in message.body
    [event] = calendar_of(message).events
    assert event["UID"] == f"meeting-{meeting.pk}@quartier"
    assert event["SEQUENCE"] == 1
    assert event.start == meeting.starts_at.replace(microsecond=0)
    entries = LogEntry.objects.filter(object_pk=str(meeting.pk), additional_data__transition="meeting_invite")
    assert sorted(entry.changes_dict["status"][0] for entry in entries) == ["eingeladen", "geplant"]


# Refused -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "code", "msgid"),
    [
        (
            lambda committee, now: make_meeting(committee, now=now, days=-1),
            "past",
            "A meeting in the past cannot be sent as an invitation.",
        ),
        (
            lambda committee, now: make_meeting(committee, now=now, days=0),
            "past",
            "A meeting in the past cannot be sent as an invitation.",
        ),
        (
            lambda committee, now: make_meeting(committee, now=now, items=[]),
            "no_agenda",
            "Add at least one agenda item before sending the invitation.",
        ),
        (
            lambda committee, now: make_meeting(committee, now=now, status=Meeting.Status.HELD),
            "invalid_transition",
            "A meeting that has been held cannot be sent as an invitation.",
        ),
        (
            lambda committee, now: make_meeting(committee, now=now, status=Meeting.Status.APPROVED),
            "invalid_transition",
            "A meeting that has been held cannot be sent as an invitation.",
        ),
    ],
    ids=["past", "starting-now", "no-agenda", "held", "approved"],
)
def test_refused_invitation_changes_nothing_and_sends_nothing(
    jury: Committee,
    jurors: list[Membership],
    office: User,
    eager_celery: None,
    django_capture_on_commit_callbacks: Callable,
    setup: Callable[[Committee, datetime.datetime], Meeting],
    code: str,
    msgid: str,
    now: datetime.datetime,
) -> None:
    meeting = setup(jury, now)
    status = meeting.status

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError) as refused:
        meeting_invite(meeting=meeting, by=office, send=send_meeting_invitations.delay, now=now)

    assert refused.value.code == code
    assert refused.value.messages == [gettext(msgid)]
    assert callbacks == []
    assert deliver() == []
    meeting.refresh_from_db()
    assert meeting.status == status
    assert meeting.invited_at is None
    assert not LogEntry.objects.filter(object_pk=str(meeting.pk), additional_data__transition="meeting_invite").exists()


# The sending task --------------------------------------------------------------------------------


def test_task_sends_nothing_for_a_meeting_no_longer_invited(
    jury: Committee, jurors: list[Membership], meeting: Meeting, now: datetime.datetime
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED)
    assert send_meeting_invitations(meeting.pk) == 0
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.INVITED, starts_at=now - datetime.timedelta(hours=1)
    )
    assert send_meeting_invitations(meeting.pk) == 0
    assert send_meeting_invitations(meeting.pk + 1000) == 0  # deleted meanwhile
    assert deliver() == []


class RefusingBackend(LocmemBackend):
    """Refuses one address, as a mail server does with an unknown mailbox."""

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        import smtplib

        for message in messages:
            if "jury3@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"jury3@example.org": (550, b"no such mailbox")})
        return super().send_messages(messages)


def test_a_refused_address_does_not_stop_the_others(
    jury: Committee, jurors: list[Membership], meeting: Meeting, settings: object
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"  # type: ignore[attr-defined]
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.INVITED)

    assert meeting_invitations_send(meeting=meeting) == 7  # queued, each sent on its own

    assert len(deliver()) == 6
    assert "jury3@example.org" not in {message.to[0] for message in deliver()}
    refused = Mail.objects.get(to="jury3@example.org")
    assert refused.status == Mail.Status.FAILED and "refused" in refused.error.lower()
    assert refused.attempts == 6  # the first try and five more


# A real worker -----------------------------------------------------------------------------------


@dataclass
class MailWorker:
    process: subprocess.Popen[bytes]
    mail_dir: Path


@pytest.fixture
def mail_worker(tmp_path: Path, transactional_db: None) -> Iterator[MailWorker]:
    """A real Celery worker process on its own queue, talking to the test database, that writes the
    emails it sends into a directory (a worker's mails cannot reach this process's outbox)."""
    mail_dir = tmp_path / "mail"
    worker = start_worker(
        "invitations",
        {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)},
    )
    try:
        yield MailWorker(process=worker.process, mail_dir=mail_dir)
    finally:
        stop_worker(worker)


def _mails_in(directory: Path) -> list[Message]:
    """The messages the file-based backend has written completely (each is followed by a line of dashes)."""
    messages = []
    for path in sorted(directory.glob("*.log")) if directory.exists() else []:
        complete = path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")[:-1]
        messages.extend(email.message_from_bytes(chunk.lstrip()) for chunk in complete)
    return messages


def test_a_real_worker_sends_the_invitations(
    mail_worker: MailWorker, jury: Committee, jurors: list[Membership], office: User
) -> None:
    meeting = make_meeting(jury, days=3)

    # No test transaction here: meeting_invite commits, and its on-commit hook really queues the task.
    meeting_invite(meeting=meeting, by=office, send=send_meeting_invitations.delay)

    deadline = time.monotonic() + 60
    messages = _mails_in(mail_worker.mail_dir)
    while len(messages) < 7 and time.monotonic() < deadline:
        assert mail_worker.process.poll() is None, mail_worker.process.stderr.read().decode()  # type: ignore[union-attr]
        time.sleep(0.5)
        messages = _mails_in(mail_worker.mail_dir)
    assert sorted(message["To"] for message in messages) == [f"jury{number}@example.org" for number in range(1, 8)]
    for message in messages:
        [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
        [event] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).events
        assert event["UID"] == f"meeting-{meeting.pk}@quartier"
