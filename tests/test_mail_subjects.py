"""Mail subjects built from text a person typed hold no line break (issue #15, finding 13).

Django refuses a header with a line break (``BadHeaderError``); where a mail is sent after the commit and a
failure is only logged, the mail was silently lost. Every subject goes through ``quartier.mail.mail_subject``.
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
from committees.services.invitations import invitation_message
from committees.tasks import remind_ballot_voters
from quartier.mail import mail_subject
from tests.committees.fixtures import make_ballot

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


def _subject_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "subject":
            return keyword.value
    return call.args[0] if call.args else None


def test_every_mail_the_project_builds_takes_its_subject_from_the_helper() -> None:
    """A future mail cannot forget it: each ``EmailMessage(…)`` or ``send_mail(…)`` in the project's code must
    name ``mail_subject(…)`` as its subject."""
    base = Path(settings.BASE_DIR)
    found, unfolded = 0, []
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
                subject = _subject_argument(node)
                folded = (
                    isinstance(subject, ast.Call)
                    and isinstance(subject.func, ast.Name)
                    and subject.func.id == "mail_subject"
                )
                if not folded:
                    unfolded.append(f"{path.relative_to(base)}:{node.lineno}")
    assert found >= 5  # the walk finds the mails
    assert unfolded == []


def test_a_committee_name_with_a_line_break_still_gets_its_invitation_built(
    jury: Committee, jurors: list[Membership]
) -> None:
    Committee.objects.filter(pk=jury.pk).update(name="Aktionsfondsjury\r\nKiez am Kanal")
    jury.refresh_from_db()
    meeting = Meeting.objects.create(
        committee=jury, starts_at=timezone.now() + datetime.timedelta(days=7), place="Büro"
    )
    message = invitation_message(meeting, jurors[0], "jury1@example.org")
    assert message.message()["Subject"].startswith("Einladung: Aktionsfondsjury Kiez am Kanal am ")


def test_a_ballot_title_with_a_line_break_still_gets_its_reminders_sent(
    jury: Committee, jurors: list[Membership]
) -> None:
    from committees.models import Ballot
    from committees.services.ballots import ballot_open

    ballot = make_ballot(jury, hours=48)
    ballot_open(ballot=ballot, by=None)
    Ballot.objects.filter(pk=ballot.pk).update(
        title="Umlauf\nNovember", deadline=timezone.now() + datetime.timedelta(hours=24)
    )
    assert remind_ballot_voters() == 7
    assert len(mail.outbox) == 7
    assert all("Umlauf November" in message.subject for message in mail.outbox)


def test_a_single_line_field_keeps_what_was_typed_on_one_line() -> None:
    from fonds.forms.office import FundForm
    from quartier.text import SingleLineField

    assert SingleLineField().clean("Hoffest\r\n am\tKanal ") == "Hoffest am Kanal"
    assert SingleLineField(required=False).clean("\r\n") == ""
    assert isinstance(FundForm.base_fields["name"], SingleLineField)  # the fund's name is in applicants' subjects
