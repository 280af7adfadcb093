"""The public front door: ``/`` for a visitor without a login, and an area's public page (office, funds to apply
to, committees with their coming meetings and decisions, approved projects), with only what is public."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from actors.models import Person
from committees.models import AgendaItem, Committee, Meeting, Membership
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from demo.factories import FundFactory, QuartierFactory, UserFactory, user_with_role
from fonds.models import Application, Fund
from quartier.models import Quartier, Role, User
from quartier.services import area_update
from tests.committees.fixtures import make_ballot
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved

DAY = datetime.timedelta(days=1)


@pytest.fixture
def open_fund(area: Quartier, jury: Committee, today: datetime.date) -> Fund:
    """This year's Aktionsfonds of the area: 10,000 €, the office decides up to 500 €."""
    return FundFactory(
        area=area, year=today.year, cap=Decimal("1500.00"), office_limit=Decimal("500.00"), committee=jury,
        criteria=["kommt der Nachbarschaft im Gebiet zugute"],
    )  # fmt: skip


@pytest.fixture
def office(area: Quartier, role_users: dict[str, User]) -> Quartier:
    return area_update(
        area=area,
        by=role_users["gwa"],
        data={
            "office_email": "buero@kiez-am-kanal.example.org",
            "office_phone": "030 1234 567",
            "description": "Gründerzeitquartier am Kanal. Schwerpunkte: Nachbarschaft und Bildung.",
        },
    )


# --- the front page ------------------------------------------------------------------------------------------------


def test_a_visitor_sees_every_area_with_its_page_and_the_way_in_for_staff(
    client: Client, office: Quartier, other_area: Quartier
) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/oeffentlich/{office.slug}/"' in html and f'href="/oeffentlich/{other_area.slug}/"' in html
    assert office.municipality in html
    assert "Gründerzeitquartier am Kanal." in html  # a sentence of the description, not all of it
    assert "Schwerpunkte" not in html
    assert 'href="/konto/anmelden/"' in html and "Anmelden" in html
    assert 'href="/impressum/"' in html  # the installation's legal texts in the footer


def test_a_signed_in_user_is_still_sent_to_their_area(client: Client, area: Quartier) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"/gebiet/{area.slug}/"


def test_the_front_page_query_count_does_not_grow_with_the_areas(
    client: Client, area: Quartier, assert_constant_queries: object
) -> None:
    count = assert_constant_queries(  # type: ignore[operator]
        lambda: client.get("/"), lambda: [QuartierFactory(description="Ein Quartier. Noch ein Satz.") for _ in range(8)]
    )
    assert count <= 10, count


# --- an area's public page -----------------------------------------------------------------------------------------


def _meeting(committee: Committee, at: datetime.datetime, status: str, place: str = "Nachbarschaftstreff") -> Meeting:
    return Meeting.objects.create(committee=committee, starts_at=at, status=status, place=place)


def _approved_application(fund: Fund, person: Person, staff: dict[str, User], title: str) -> Application:
    return approved(make_application(fund, person=person, costs=("200.00", "150.00"), title=title), staff)


def test_the_area_page_shows_the_office_the_funds_the_committees_and_the_approved_projects(
    client: Client,
    office: Quartier,
    open_fund: Fund,
    jury: Committee,
    jurors: list[Membership],
    applicant: Person,
    staff: dict[str, User],
    now: datetime.datetime,
) -> None:
    _approved_application(open_fund, applicant, staff, "Hoffest am Kanal")
    coming = _meeting(jury, now + 9 * DAY, Meeting.Status.INVITED, place="Stadtteilbüro, Uferstraße 12")
    minutes = _meeting(jury, now - 30 * DAY, Meeting.Status.APPROVED)
    AgendaItem.objects.create(meeting=minutes, position=1, title="Bücherschrank", result="abgelehnt", yes=1, no=5)
    ballot = ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)
    item = ballot.items.get()
    item.title = "Nachbarschaftsfest"
    item.save()
    for member in jurors[:5]:
        vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
    ballot_close(ballot=ballot, by=None, now=now + 3 * DAY)

    response = client.get(f"/oeffentlich/{office.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    # the office and how to reach it
    assert "Uferstraße 12" in html and "Di 10–13 Uhr" in html
    assert 'href="mailto:buero@kiez-am-kanal.example.org"' in html and 'href="tel:0301234567"' in html
    # the open fund with what is left (10,000 € less the 350 € approved) and the way to apply
    assert "9.650,00 € von 10.000,00 €" in html
    assert f'href="/oeffentlich/{office.slug}/fonds/{open_fund.pk}/antrag/"' in html and "Antrag stellen" in html
    # the committee's coming meeting, with day, time and place
    local = timezone.localtime(coming.starts_at)
    assert f"{local:%H:%M} Uhr" in html and "Stadtteilbüro, Uferstraße 12" in html
    # its published decisions
    assert "Nachbarschaftsfest" in html and "angenommen" in html and "(5:0:0)" in html
    assert "Bücherschrank" in html and "(1:5:0)" in html
    # the approved project: title, fund, amount and day; never the private applicant's name
    assert "Hoffest am Kanal" in html and "350,00 € aus dem Aktionsfonds" in html
    assert applicant.last_name not in html and applicant.first_name not in html
    for member in jurors:
        assert member.person.last_name not in html
    # the pages with the rest, and the area's legal texts in the footer
    for url in ("fonds/", "gremien/", "impressum/", "datenschutz/", "barrierefreiheit/"):
        assert f'href="/oeffentlich/{office.slug}/{url}"' in html


def test_the_area_page_tells_when_there_is_nothing_yet(client: Client, db: None) -> None:
    bare = QuartierFactory(slug="leer", office_address="", opening_hours="")
    html = client.get("/oeffentlich/leer/").content.decode()
    assert "Das Büro hat seine Angaben noch nicht veröffentlicht." in html
    assert "Zurzeit nimmt kein Fonds Anträge an." in html
    assert "Dieses Gebiet hat noch keine Gremien." in html
    assert "Bisher wurde noch kein Projekt bewilligt." in html
    assert bare.name in html


def test_a_meeting_invited_to_for_a_coming_day_is_coming_never_held(
    client: Client, area: Quartier, jury: Committee, now: datetime.datetime
) -> None:
    _meeting(jury, now + 9 * DAY, Meeting.Status.INVITED, place="Kommender Ort")
    _meeting(jury, now + 20 * DAY, Meeting.Status.PLANNED, place="Geplanter Ort")
    _meeting(jury, now - 9 * DAY, Meeting.Status.INVITED, place="Verstrichener Ort")  # past, not marked held
    _meeting(jury, now - 3 * DAY, Meeting.Status.HELD, place="Gehaltener Ort")
    # marked held, then moved ahead (rows written before the service refused it): neither held nor coming
    _meeting(jury, now + 5 * DAY, Meeting.Status.HELD, place="Verschobener Ort")

    page = client.get(f"/oeffentlich/{area.slug}/").content.decode()
    assert "Kommender Ort" in page and "Geplanter Ort" in page
    assert page.index("Kommender Ort") < page.index("Geplanter Ort")  # the soonest first
    for place in ("Verstrichener Ort", "Gehaltener Ort", "Verschobener Ort"):
        assert place not in page

    held = client.get(f"/oeffentlich/{area.slug}/gremien/").context["meetings"]
    assert [meeting.place for meeting in held] == ["Gehaltener Ort"]


def test_an_unknown_area_has_no_public_page(client: Client, db: None) -> None:
    assert client.get("/oeffentlich/gibt-es-nicht/").status_code == 404


def test_the_area_page_query_count_does_not_grow(
    client: Client,
    office: Quartier,
    open_fund: Fund,
    jury: Committee,
    jurors: list[Membership],
    applicant: Person,
    staff: dict[str, User],
    assert_constant_queries: object,
    now: datetime.datetime,
    today: datetime.date,
) -> None:
    def grow() -> None:
        for number in range(3):
            fund = FundFactory(area=office, year=today.year, name=f"Fonds {number}", criteria=["im Gebiet"])
            fund.rounds.create(deadline=now + (number + 1) * DAY)
            _approved_application(open_fund, applicant, staff, f"Projekt {number}")
            committee = Committee.objects.create(area=office, name=f"Beirat {number}", kind=jury.kind)
            _meeting(committee, now + (number + 2) * DAY, Meeting.Status.INVITED)
            meeting = _meeting(jury, now - (number + 2) * DAY, Meeting.Status.APPROVED)
            AgendaItem.objects.create(meeting=meeting, position=1, title=f"Punkt {number}", result="vertagt")
        ballot = ballot_open(ballot=make_ballot(jury, items=3), by=UserFactory(), now=now)
        ballot_close(ballot=ballot, by=None, now=now + 3 * DAY)

    count = assert_constant_queries(lambda: client.get(f"/oeffentlich/{office.slug}/"), grow)  # type: ignore[operator]
    assert count <= 10, count
