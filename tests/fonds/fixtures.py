"""Funds fixtures, shared by the funds tests (a pytest plugin)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.models import Organisation, Person
from committees.models import Committee
from demo.factories import FundFactory, PersonFactory, user_with_role
from fonds.models import Application, Fund
from fonds.services.applications import Line, application_create
from quartier.models import Quartier, Role, User

CRITERIA = [
    "kommt der Nachbarschaft im Gebiet zugute",
    "Antragsteller*in wohnt oder wirkt im Gebiet, mindestens 16 Jahre",
    "Sachkosten, keine Honorare",
]


@pytest.fixture
def aktionsfonds(area: Quartier, jury: Committee) -> Fund:
    """10,000 € in 2026, at most 1,500 € per application, the office decides up to 500 €, the jury above."""
    return FundFactory(
        area=area, cap=Decimal("1500.00"), office_limit=Decimal("500.00"), committee=jury, criteria=CRITERIA
    )


@pytest.fixture
def staff(area: Quartier) -> dict[str, User]:
    """Gemeinwesenarbeit and two users holding Steuerung (payments need two people)."""
    return {
        "gwa": user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-fonds"),
        "steuerung": user_with_role(area, Role.STEUERUNG, username="steuerung-fonds"),
        "steuerung2": user_with_role(area, Role.STEUERUNG, username="steuerung-fonds-2"),
    }


@pytest.fixture
def applicant(area: Quartier) -> Person:
    return PersonFactory(area=area, first_name="Aylin", last_name="Yıldız")


def make_application(
    fund: Fund,
    *,
    person: Person | None = None,
    organisation: Organisation | None = None,
    costs: tuple[str, ...] = ("300.00", "450.00"),
    own: str = "0.00",
    title: str = "Hoffest im Kiez",
) -> Application:
    lines = [Line(category="sachkosten", description=f"Posten {n}", amount=Decimal(a)) for n, a in enumerate(costs, 1)]
    data = {"title": title, "person": person, "organisation": organisation, "own_contribution": Decimal(own)}
    return application_create(fund=fund, data=data, lines=lines, by=None)
