"""The office is told (issue #17): a new application, a proof of use handed in, a payment waiting for release;
each to the staff whose work it is, never to whoever made the step, on every path that makes it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fonds.models import Application, Fund
from fonds.services.applications import application_commit, application_submit, application_submit_proof
from fonds.services.payments import payment_record
from quartier import permissions
from quartier.models import Mail, Quartier, User
from quartier.permissions import users_with
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved
from tests.mails import deliver


def _told(kind: str) -> set[str]:
    return set(Mail.objects.filter(kind=kind).values_list("to", flat=True))


def _with_addresses(staff: dict[str, User]) -> None:
    for name, user in staff.items():
        User.objects.filter(pk=user.pk).update(email=f"{name}@buero.example.org")


def test_a_new_application_is_told_to_who_handles_applications_not_to_who_handed_it_in(
    area: Quartier, staff: dict[str, User], aktionsfonds: Fund, applicant
) -> None:
    _with_addresses(staff)
    application = make_application(aktionsfonds, person=applicant, title="Hoffest <am Kanal>")
    application_submit(application=application, by=None)  # handed in through the public form
    expected = {user.email for user in users_with(permissions.CHANGE_FUNDS, area) if user.email}
    assert _told("fonds.office_new") == expected and expected
    office = {m.to[0]: m for m in deliver() if m.to[0] in expected}
    message = next(iter(office.values()))
    assert message.subject == "Neuer Antrag: „Hoffest <am Kanal>“"
    assert f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/" in message.body

    again = make_application(aktionsfonds, person=applicant, title="Zweiter")
    application_submit(application=again, by=staff["gwa"])  # entered by the office itself
    assert staff["gwa"].email not in set(
        Mail.objects.filter(kind="fonds.office_new", about_id=again.pk).values_list("to", flat=True)
    )


def test_a_payment_waits_for_the_release_by_someone_else_who_may_release(
    area: Quartier, staff: dict[str, User], aktionsfonds: Fund, applicant
) -> None:
    _with_addresses(staff)
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    payment_record(
        application=application, amount=Decimal("100.00"), paid_on=timezone.localdate(), method="bar",
        by=staff["steuerung"],
    )  # fmt: skip
    told = _told("fonds.office_payment")
    assert "steuerung2@buero.example.org" in told
    assert "steuerung@buero.example.org" not in told  # four eyes: not who recorded it
    assert "gwa@buero.example.org" not in told  # may not release
    [mail] = Mail.objects.filter(kind="fonds.office_payment")
    assert "100,00 €" in mail.body and mail.about_id == application.pk


def test_a_proof_of_use_handed_in_is_told_and_a_refused_step_tells_nobody(
    area: Quartier, staff: dict[str, User], aktionsfonds: Fund, applicant
) -> None:
    _with_addresses(staff)
    application = make_application(aktionsfonds, person=applicant)
    with pytest.raises(ValidationError):  # a draft has no proof of use
        application_submit_proof(
            application=application,
            receipts=[(timezone.localdate() - datetime.timedelta(days=1), "Baumarkt", Decimal("10.00"))],
            report="Schön war es.",
            participants=12,
            by=None,
        )
    assert not Mail.objects.filter(kind="fonds.office_proof").exists()
    Application.objects.filter(pk=application.pk).update(status="ausgezahlt")
    application.refresh_from_db()
    application_submit_proof(
        application=application,
        receipts=[(timezone.localdate() - datetime.timedelta(days=1), "Baumarkt", Decimal("10.00"))],
        report="Schön war es.",
        participants=12,
        by=None,
    )
    expected = {user.email for user in users_with(permissions.CHANGE_FUNDS, area) if user.email}
    assert _told("fonds.office_proof") == expected
