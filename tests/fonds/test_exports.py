"""The funds' lists as downloads (issue #18): the payments (a list of their own, with filters), the funds with
their money; euros and dates typed in the XLSX, every filtered row, query counts that do not grow."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from fonds.models import Application, Fund, Payment
from quartier.models import Quartier, User
from tests.fonds.fixtures import make_application


def pay(application: Application, amount: str, day: datetime.date, *, by: User, released_by: User | None = None):
    return Payment.objects.create(
        application=application,
        amount=Decimal(amount),
        paid_on=day,
        method=Payment.Method.TRANSFER,
        recorded_by=by,
        recorded_at=timezone.now(),
        released_by=released_by,
        released_at=timezone.now() if released_by else None,
    )


@pytest.fixture
def payments(aktionsfonds: Fund, applicant: object, staff: dict[str, User], today: datetime.date) -> list[Payment]:
    first = make_application(aktionsfonds, person=applicant, title="Hoffest im Kiez")  # type: ignore[arg-type]
    second = make_application(aktionsfonds, person=applicant, title="Lesecafé")  # type: ignore[arg-type]
    return [
        pay(first, "500.00", today - datetime.timedelta(days=30), by=staff["gwa"], released_by=staff["steuerung"]),
        pay(first, "1234.56", today, by=staff["gwa"]),
        pay(second, "250.00", today - datetime.timedelta(days=3), by=staff["steuerung"]),
    ]


def url(area: Quartier, query: str = "") -> str:
    return f"/gebiet/{area.slug}/fonds/zahlungen/{query}"


def test_the_payment_list_shows_the_area_s_payments_and_filters_those_waiting_for_release(
    client: Client, area: Quartier, role_users: dict[str, User], payments: list[Payment]
) -> None:
    client.force_login(role_users["koordination"])
    everything = client.get(url(area))
    assert everything.status_code == 200 and everything.context["page"].paginator.count == 3
    html = everything.content.decode()
    assert "1.234,56" in html and "wartet auf Freigabe" in html and "Hoffest im Kiez" in html
    waiting = client.get(url(area, "?state=waiting"))
    assert [payment.pk for payment in waiting.context["page"].object_list] == [payments[1].pk, payments[2].pk]
    released = client.get(url(area, "?state=released&q=hoffest"))
    assert [payment.pk for payment in released.context["page"].object_list] == [payments[0].pk]


def test_another_area_s_payments_and_funds_are_never_listed_or_chosen(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], payments: list[Payment]
) -> None:
    foreign_fund = Fund.objects.create(
        area=other_area, name="Nordfonds", kind=Fund.Kind.ACTION_FUND, year=2026, budget=1
    )
    client.force_login(role_users["steuerung"])
    response = client.get(url(area, f"?fund={foreign_fund.pk}"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 3  # the filter is refused
    assert "Diese Filter wurden nicht angewandt:" in response.content.decode()
    assert client.get(url(area, f"?fund={foreign_fund.pk}&export=csv")).status_code == 400


def test_the_payments_download_holds_every_filtered_payment_with_typed_cells(
    client: Client, area: Quartier, role_users: dict[str, User], payments: list[Payment], today: datetime.date
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(url(area, "?state=waiting&export=xlsx"))
    assert response["Content-Disposition"] == f'attachment; filename="zahlungen-{area.slug}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Zahlungen"]
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]][:3] == ["Zahlungsdatum", "Betrag (€)", "Zahlungsweg"]
    assert sheet.max_row == 3
    day, amount = sheet["A2"], sheet["B2"]
    assert day.value.date() == today and day.number_format == "DD.MM.YYYY"
    assert amount.value == 1234.56 and amount.number_format == "#,##0.00 €"
    assert sheet["D2"].value == payments[1].application_id
    rows = list(
        csv.reader(io.StringIO(client.get(url(area, "?export=csv")).content.decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 4 and rows[1][1] == "1234,56"


def test_the_payment_list_and_its_download_read_in_constant_queries(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    payments: list[Payment],
    aktionsfonds: Fund,
    staff: dict[str, User],
    today: datetime.date,
    assert_constant_queries: object,
) -> None:
    client.force_login(role_users["steuerung"])

    def grow() -> None:
        for number in range(5):
            application = make_application(aktionsfonds, title=f"Antrag {number}")
            pay(application, "10.00", today, by=staff["gwa"], released_by=staff["steuerung"])

    count = assert_constant_queries(lambda: client.get(url(area)), grow)  # type: ignore[operator]
    assert count <= 10
    assert_constant_queries(lambda: client.get(url(area, "?export=xlsx")), grow)  # type: ignore[operator]


def test_the_funds_download_holds_every_fund_with_its_money(
    client: Client, area: Quartier, role_users: dict[str, User], payments: list[Payment], aktionsfonds: Fund
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(f"/gebiet/{area.slug}/fonds/?export=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="fonds-{area.slug}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Fonds"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Fonds", "Jahr", "Art", "Entscheidendes Gremium", "Budget (€)"]
    row = {title: cell for title, cell in zip(header, sheet[2], strict=True)}
    assert row["Fonds"].value == aktionsfonds.name and row["Jahr"].value == aktionsfonds.year
    assert row["Budget (€)"].value == float(aktionsfonds.budget)
    assert row["Ausgezahlt (€)"].value == 500 and row["Ausgezahlt (€)"].number_format == "#,##0.00 €"
    csv_text = client.get(f"/gebiet/{area.slug}/fonds/?export=csv").content.decode("utf-8-sig")
    assert csv_text.startswith("Fonds;Jahr;Art;") and "500,00" in csv_text


def test_the_funds_download_reads_in_constant_queries(
    client: Client, area: Quartier, role_users: dict[str, User], aktionsfonds: Fund, assert_constant_queries: object
) -> None:
    client.force_login(role_users["steuerung"])

    def grow() -> None:
        for year in range(2020, 2025):
            Fund.objects.create(area=area, name="Projektfonds", kind=Fund.Kind.PROJECT_FUND, year=year, budget=1000)

    assert_constant_queries(lambda: client.get(f"/gebiet/{area.slug}/fonds/?export=csv"), grow)  # type: ignore[operator]
