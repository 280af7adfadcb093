"""An application that asks for more than its fund has left is flagged to the office at once: on its page, in the
list and in the mail about it; never once it is decided, nor when it fits."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from fonds.models import Fund
from fonds.selectors import fund_totals, more_than_left
from fonds.services.applications import application_decide, application_put_forward, application_submit
from quartier.models import Mail, Quartier
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible


def bind(fund: Fund, staff: dict, amount: str, applicant) -> None:
    """Another application approved for ``amount``: it binds that much of the fund."""
    other = make_application(fund, person=applicant, costs=(amount,), title="Schon bewilligt")
    application_put_forward(application=eligible(other, staff), by=staff["gwa"])
    application_decide(application=other, decision="approve", by=staff["steuerung"])


def test_asking_for_more_than_is_left_is_flagged_on_the_page_in_the_list_and_in_the_mail(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant, staff: dict
) -> None:
    aktionsfonds.budget, aktionsfonds.office_limit = Decimal("1000.00"), Decimal("1500.00")  # the office decides
    aktionsfonds.save()
    bind(aktionsfonds, staff, "400.00", applicant)  # 600 € left
    application = make_application(aktionsfonds, person=applicant, costs=("500.00", "300.00"))  # asks for 800 €
    application = application_submit(application=application, by=None)
    assert fund_totals(aktionsfonds).free == Decimal("600.00")
    assert more_than_left(application, Decimal("600.00")) == Decimal("200.00")
    client.force_login(staff["gwa"])
    html = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert 'id="beyond-fund"' in html
    assert "200,00 € mehr als die 600,00 €, die der Fonds noch bewilligen kann" in html
    listing = client.get(f"/gebiet/{area.slug}/fonds/antraege/").content.decode()
    row = next(line for line in listing.split("<tr>") if application.title in line and "Schon" not in line)
    assert "mehr als der Fonds übrig hat" in row
    mail = Mail.objects.get(kind="fonds.office_new", to=staff["gwa"].email, about_id=application.pk)
    assert "200,00 € mehr als die 600,00 €" in mail.body


def test_an_application_that_fits_or_is_decided_is_not_flagged(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant, staff: dict
) -> None:
    aktionsfonds.budget, aktionsfonds.office_limit = Decimal("1000.00"), Decimal("1500.00")  # the office decides
    aktionsfonds.save()
    fits = make_application(aktionsfonds, person=applicant, costs=("600.00",), title="Passt genau")
    fits = application_submit(application=fits, by=None)
    client.force_login(staff["gwa"])
    assert 'id="beyond-fund"' not in client.get(f"/gebiet/{area.slug}/fonds/antraege/{fits.pk}/").content.decode()
    assert "noch bewilligen" not in Mail.objects.get(kind="fonds.office_new", to=staff["gwa"].email).body
    bind(aktionsfonds, staff, "700.00", applicant)  # now only 300 € are left: the waiting one is flagged …
    assert 'id="beyond-fund"' in client.get(f"/gebiet/{area.slug}/fonds/antraege/{fits.pk}/").content.decode()
    decided = make_application(aktionsfonds, person=applicant, costs=("900.00",), title="Abgelehnt")
    application_put_forward(application=eligible(decided, staff), by=staff["gwa"])
    application_decide(application=decided, decision="reject", reason="Zu teuer.", by=staff["steuerung"])
    html = client.get(f"/gebiet/{area.slug}/fonds/antraege/{decided.pk}/").content.decode()
    assert 'id="beyond-fund"' not in html  # … a decided one is not
    assert more_than_left(decided, Decimal("0")) is None
