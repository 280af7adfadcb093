"""Mail subjects built from text a person typed hold no line break (issue #15, finding 13).

Django refuses a header with a line break (``BadHeaderError``); where a mail is sent after the commit and a
failure is only logged, the mail was silently lost. Every mail is queued with ``quartier.mail.queue_mail``,
whose subject goes through ``quartier.mail.mail_subject``.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from committees.models import Committee, Meeting, Membership
from committees.services.invitations import invitation_queue
from committees.tasks import remind_ballot_voters
from quartier.mail import mail_subject, queue_mail
from tests.committees.fixtures import make_ballot
from tests.mails import deliver

PROJECT_APPS = ("quartier", "actors", "committees", "fonds", "isek", "reporting")
MAIL_CALLS = {"EmailMessage", "EmailMultiAlternatives", "send_mail", "send_mass_mail", "mail_admins", "mail_managers"}


@pytest.mark.parametrize(
    ("typed", "subject"),
    [
        ("Hoffest\r\nam Kanal", "Hoffest am Kanal"),
        ("Hoffest\nam\rKanal", "Hoffest am Kanal"),
        ("  Hoffest \t\t am   Kanal \n", "Hoffest am Kanal"),
        ("Hoffest\u2028am\u2029Kanal\x85!", "Hoffest am Kanal !"),
        ("Hoffest\x0b\x0cam Kanal", "Hoffest am Kanal"),
        ("Schon gut", "Schon gut"),
        ("\x01 Hof\x07fest\x1b am\x7f Kanal\x01", "Hoffest am Kanal"),  # control characters are left out
    ],
)
def test_a_mail_subject_holds_every_line_break_and_run_of_whitespace_as_one_space(typed: str, subject: str) -> None:
    assert mail_subject(typed) == subject


def test_every_mail_of_the_project_goes_through_the_outbox_which_folds_its_subject() -> None:
    """A future mail cannot forget it: only the outbox's task (``quartier.tasks``) builds an ``EmailMessage``
    (or calls ``send_mail`` …); everything else queues its mails with ``quartier.mail.queue_mail``, which folds
    the subject."""
    base = Path(settings.BASE_DIR)
    found, elsewhere = 0, []
    for app in PROJECT_APPS:
        for path in (base / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in MAIL_CALLS:
                    continue
                found += 1
                if path.relative_to(base).as_posix() != "quartier/tasks.py":
                    elsewhere.append(f"{path.relative_to(base)}:{node.lineno}")
    assert found >= 1  # the walk finds the deliverer
    assert elsewhere == [], "queue the mail with quartier.mail.queue_mail"


@pytest.mark.django_db
def test_a_queued_mail_has_its_subject_on_one_line() -> None:
    queued = queue_mail(to="a@example.org", subject="Hoffest\r\nam Kanal", body="Hallo", kind="test")
    assert queued.subject == "Hoffest am Kanal"
    assert deliver()[0].message()["Subject"] == "Hoffest am Kanal"


def test_a_committee_name_with_a_line_break_still_gets_its_invitation_built(
    jury: Committee, jurors: list[Membership]
) -> None:
    Committee.objects.filter(pk=jury.pk).update(name="Aktionsfondsjury\r\nKiez am Kanal")
    jury.refresh_from_db()
    meeting = Meeting.objects.create(
        committee=jury, starts_at=timezone.now() + datetime.timedelta(days=7), place="Büro"
    )
    invitation_queue(meeting, jurors[0], "jury1@example.org")
    assert deliver()[0].message()["Subject"].startswith("Einladung: Aktionsfondsjury Kiez am Kanal am ")


def test_a_ballot_title_with_a_line_break_still_gets_its_reminders_sent(
    jury: Committee, jurors: list[Membership]
) -> None:
    from committees.models import Ballot
    from committees.services.ballots import ballot_open

    ballot = make_ballot(jury, hours=48)
    Ballot.objects.filter(pk=ballot.pk).update(title="Umlauf\nNovember")
    ballot_open(ballot=ballot, by=None)  # each member is told of the opening
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() + datetime.timedelta(hours=24))
    assert remind_ballot_voters() == 7
    assert len(deliver()) == 14
    assert all("Umlauf November" in message.subject for message in mail.outbox)


def test_a_single_line_field_keeps_what_was_typed_on_one_line() -> None:
    from fonds.forms.office import FundForm
    from quartier.text import SingleLineField

    assert SingleLineField().clean("Hoffest\r\n am\tKanal ") == "Hoffest am Kanal"
    assert SingleLineField(required=False).clean("\r\n") == ""
    assert isinstance(FundForm.base_fields["name"], SingleLineField)  # the fund's name is in applicants' subjects
