"""Payments: their dates lie within the application's period and not too far ahead, and no payment exceeds what is
approved and not yet recorded, also under two requests at the same moment (finding 10 of issue #15)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from demo.factories import user_with_role
from fonds.models import Application, Fund, Payment, Status
from fonds.services.applications import application_commit, application_update
from fonds.services.payments import payment_record
from quartier.models import Quartier, Role
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved
from tests.fonds.test_money import messages_of

DAY = datetime.timedelta(days=1)


def committed_for(
    fund: Fund, applicant: object, staff: dict, *, start: datetime.date, end: datetime.date
) -> Application:
    """A committed application of 400 € whose project runs from ``start`` to ``end``."""
    application = make_application(fund, person=applicant, costs=("400.00",))
    application_update(application=application, data={"start": start, "end": end}, lines=None, by=None)
    application = approved(application, staff)
    return application_commit(application=application, by=staff["steuerung"])


def test_a_payment_is_dated_within_the_applications_period_and_not_too_far_ahead(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object, settings: object
) -> None:
    """The project runs from in 3 days to in 30 days; it was approved today. A payment may be made from the approval
    (an advance for costs that fall due before the project) to the project's end, and at most 14 days ahead."""
    today = timezone.localdate()
    application = committed_for(aktionsfonds, applicant, staff, start=today + 3 * DAY, end=today + 30 * DAY)
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/zahlungen/"
    first, last = today.strftime("%d.%m.%Y"), (today + 30 * DAY).strftime("%d.%m.%Y")
    ahead = (today + 14 * DAY).strftime("%d.%m.%Y")
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert f"Vom {first} bis zum {ahead}." in page  # the days a payment may be dated today, beside the field
    assert f'min="{today.isoformat()}"' in page and f'max="{(today + 14 * DAY).isoformat()}"' in page
    for paid_on, message in [
        (today - DAY, f"Das Zahlungsdatum muss im Zeitraum des Antrags liegen: vom {first} bis zum {last}."),
        (datetime.date(1, 1, 1), "Bitte geben Sie ein Datum zwischen dem 01.01.1990 und dem 31.12.2100 an."),
        (today + 15 * DAY, f"Das Zahlungsdatum darf höchstens 14 Tage in der Zukunft liegen, also bis zum {ahead}."),
    ]:
        data = {"amount": "100", "paid_on": paid_on.isoformat(), "method": "bar"}
        assert messages_of(client.post(url, data, follow=True)) == [message], paid_on
    assert not Payment.objects.exists()
    for paid_on in (today, today + 14 * DAY):
        accepted = client.post(url, {"amount": "100", "paid_on": paid_on.isoformat(), "method": "bar"}, follow=True)
        assert messages_of(accepted) == ["Die Zahlung ist erfasst. Eine andere Person der Steuerung gibt sie frei."]
    assert sorted(Payment.objects.values_list("paid_on", flat=True)) == [today, today + 14 * DAY]
    settings.FONDS_PAYMENT_FUTURE_DAYS = 0  # type: ignore[attr-defined]
    refused = messages_of(
        client.post(url, {"amount": "10", "paid_on": (today + DAY).isoformat(), "method": "bar"}, follow=True)
    )
    assert refused == [f"Das Zahlungsdatum darf höchstens 0 Tage in der Zukunft liegen, also bis zum {first}."]
    assert Payment.objects.count() == 2


def test_a_payment_after_the_projects_end_is_refused(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    """A project that ran before it was approved (decided afterwards): from its start to its end, nothing later."""
    today = timezone.localdate()
    application = committed_for(aktionsfonds, applicant, staff, start=today - 20 * DAY, end=today - 5 * DAY)
    with pytest.raises(ValidationError, match="Das Zahlungsdatum muss im Zeitraum des Antrags liegen"):
        payment_record(
            application=application, amount=Decimal("50"), paid_on=today - 4 * DAY, method="bar", by=staff["gwa"]
        )
    payment_record(
        application=application, amount=Decimal("50"), paid_on=today - 20 * DAY, method="bar", by=staff["gwa"]
    )
    payment_record(
        application=application, amount=Decimal("50"), paid_on=today - 5 * DAY, method="bar", by=staff["gwa"]
    )
    assert Payment.objects.count() == 2


def test_a_one_day_project_is_paid_from_the_approval_to_its_day(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant: object
) -> None:
    today = timezone.localdate()
    application = make_application(aktionsfonds, person=applicant, costs=("400.00",))
    application_update(application=application, data={"start": today + 2 * DAY}, lines=None, by=None)
    application = application_commit(application=approved(application, staff), by=staff["steuerung"])
    with pytest.raises(ValidationError, match="Zeitraum des Antrags"):
        payment_record(
            application=application, amount=Decimal("1"), paid_on=today + 3 * DAY, method="bar", by=staff["gwa"]
        )
    payment_record(application=application, amount=Decimal("1"), paid_on=today + 2 * DAY, method="bar", by=staff["gwa"])


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_the_same_moment_never_exceed_the_approved_amount(area: Quartier, applicant: object) -> None:
    """Two people record 300 € each on an approval of 400 € in the same instant: the application's row lock lets one
    through and refuses the other with what is left."""
    staff = {
        "gwa": user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-zahlung"),
        "steuerung": user_with_role(area, Role.STEUERUNG, username="steuerung-zahlung"),
    }
    fund = Fund.objects.create(area=area, name="Kleiner Fonds", kind="other", year=2026, budget=Decimal("1000.00"))
    application = application_commit(
        application=approved(make_application(fund, person=applicant, costs=("400.00",)), staff), by=staff["steuerung"]
    )
    barrier = threading.Barrier(2)
    refusals: list[str] = []
    errors: list[BaseException] = []

    def pay(by: object) -> None:
        try:
            barrier.wait()
            payment_record(
                application=application, amount=Decimal("300.00"), paid_on=timezone.localdate(), method="bar", by=by
            )
        except ValidationError as refused:
            refusals.append(refused.code or "")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(user,)) for user in (staff["gwa"], staff["steuerung"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refusals == ["over_approved"]
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("300.00")]
    assert Application.objects.get().status == Status.COMMITTED


@pytest.mark.parametrize(("value", "message"), [("-1", "must be 0 or more"), ("zwei", "must be a whole number")])
def test_a_bad_payment_future_days_setting_stops_start_up_naming_it(value: str, message: str) -> None:
    from tests.test_deploy import _django_env, _manage, _output, _secret_key

    env = _django_env(SECRET_KEY=_secret_key(), ALLOWED_HOSTS="quartier.example.org", FONDS_PAYMENT_FUTURE_DAYS=value)
    result = _manage("check", env=env)
    assert result.returncode != 0, _output(result)
    assert f"FONDS_PAYMENT_FUTURE_DAYS {message}" in result.stderr
