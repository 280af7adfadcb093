"""The dashboard shows each person what needs them now, by their roles (``quartier.dashboard``): Steuerung the
payments waiting for their release (never their own), this year's funds with what is left and an annual report
not yet final; Planung the measures behind schedule and the milestones due; Gemeinwesenarbeit new applications and
concerns waiting for an answer; Koordination the new reports of her areas. One query, whatever the data."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from actors.models import Concern, Organisation
from demo.factories import ConcernFactory, FundFactory, MeasureFactory, QuartierFactory, VersionFactory, user_with_role
from fonds.models import Application, Payment, Status
from isek.models import Measure, Milestone
from quartier.models import Quartier, Role, User
from quartier.services import role_grant
from reporting.models import Report
from tests.fonds.fixtures import make_application

DAY = datetime.timedelta(days=1)
NUMBERS = iter(range(10**6))


def dashboard(client: Client, user: User, area: Quartier) -> str:
    client.force_login(user)
    response = client.get(f"/gebiet/{area.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def grow(area: Quartier, recorder: User, n: int, *, today: datetime.date) -> None:
    """``n`` of each thing the dashboard lists, in ``area``."""
    fund = FundFactory(area=area, name=f"Fonds {next(NUMBERS)}", year=today.year)
    version = VersionFactory(area=area)
    for number in range(n):
        verein = Organisation.objects.create(area=area, name=f"Verein {next(NUMBERS)}")
        application = make_application(fund, title=f"Antrag {number}", organisation=verein)
        Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
        Payment.objects.create(
            application=application, amount=Decimal("50.00"), paid_on=today, method="bar",
            recorded_by=recorder, recorded_at=timezone.now(),
        )  # fmt: skip
        measure = MeasureFactory(version=version, end=today - 40 * DAY, status=Measure.Status.RUNNING)
        Milestone.objects.create(measure=measure, date=today + 3 * DAY, title=f"Bauabnahme {number}")
        ConcernFactory(area=area, status=Concern.Status.FORWARDED, forwarded_to="Grünflächenamt")


def test_each_role_sees_what_needs_it_and_nothing_of_the_others(client: Client, area: Quartier) -> None:
    today = timezone.localdate()
    office = user_with_role(area, Role.GEMEINWESENARBEIT)
    grow(area, office, 2, today=today)
    steering = user_with_role(area, Role.STEUERUNG)
    html = dashboard(client, steering, area)
    payments = section(html, "payments-waiting-heading")
    assert "Antrag 0" in payments and "50,00 €" in payments and office.get_display_name() in payments
    funds = section(html, "balances-heading")
    assert "Fonds" in funds and "übrig" in funds
    assert f"Jahresbericht {today.year - 1}" in section(html, "balances-heading")  # not final yet
    assert "Bauabnahme 0" in section(html, "behind-heading")  # Steuerung also plans the ISEK
    planning = dashboard(client, user_with_role(area, Role.PLANUNG), area)
    assert "Bauabnahme 1" in section(planning, "behind-heading") and 'id="payments-waiting-heading"' not in planning
    behind = section(planning, "behind-heading")
    assert behind.count("geplantes Ende") == 2
    office_html = dashboard(client, office, area)
    assert "Antrag 1" in section(office_html, "new-applications-heading")
    assert "Grünflächenamt" in section(office_html, "unanswered-heading")
    assert 'id="payments-waiting-heading"' not in office_html and 'id="behind-heading"' not in office_html
    coordinator = dashboard(client, user_with_role(area, Role.KOORDINATION), area)
    for heading in ("payments-waiting-heading", "behind-heading", "new-applications-heading", "unanswered-heading"):
        assert f'id="{heading}"' not in coordinator
    assert "Kein neuer Bericht" in section(coordinator, "new-reports-heading")


def test_a_payment_never_waits_for_the_person_who_recorded_it(client: Client, area: Quartier) -> None:
    today = timezone.localdate()
    recorder = user_with_role(area, Role.STEUERUNG)
    grow(area, recorder, 1, today=today)
    assert "Antrag 0" not in section(dashboard(client, recorder, area), "payments-waiting-heading")
    Payment.objects.update(released_at=timezone.now(), released_by=user_with_role(area, Role.STEUERUNG))
    assert "Antrag 0" not in section(
        dashboard(client, user_with_role(area, Role.STEUERUNG), area), "payments-waiting-heading"
    )


def test_nothing_of_another_area_and_the_coordinator_sees_reports_of_her_areas_only(
    client: Client, area: Quartier
) -> None:
    today = timezone.localdate()
    other = QuartierFactory()
    grow(other, user_with_role(other, Role.GEMEINWESENARBEIT), 2, today=today)
    html = dashboard(client, user_with_role(area, Role.STEUERUNG), area)
    assert "Antrag 0" not in html and "Bauabnahme" not in html
    assert "Grünflächenamt" not in dashboard(client, user_with_role(area, Role.GEMEINWESENARBEIT), area)
    coordinator = user_with_role(area, Role.KOORDINATION)
    second = QuartierFactory(name="Südhafen")
    role_grant(user=coordinator, area=second, role=Role.KOORDINATION, by=None)
    for place, year in ((second, 2025), (other, 2024)):
        Report.objects.create(
            area=place, year=year, version=1, status=Report.Status.DONE, finished_at=timezone.now() - DAY,
            period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
            file=f"berichte/{year}.pdf", sha256="0" * 64,
        )  # fmt: skip
    reports = section(dashboard(client, coordinator, area), "new-reports-heading")
    assert "Südhafen: Jahresbericht 2025, Version 1" in reports
    assert other.name not in reports  # not her area


def test_the_dashboard_reads_what_needs_each_role_in_constant_queries(
    client: Client, area: Quartier, assert_constant_queries: object
) -> None:
    today = timezone.localdate()
    office = user_with_role(area, Role.GEMEINWESENARBEIT)
    for role in Role:
        user = user_with_role(area, role)
        client.force_login(user)
        count = assert_constant_queries(  # type: ignore[operator]
            lambda: client.get(f"/gebiet/{area.slug}/"), lambda: grow(area, office, 8, today=today)
        )
        assert count <= 7, (role, count)
