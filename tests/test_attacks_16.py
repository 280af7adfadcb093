"""Attacks on what issue #16 changed: the list pages' filters, the application page's prepared statement, the
renamed parameters and the rows built in Python."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Callable, Iterator
from decimal import Decimal

import psycopg
import pytest
from django.contrib.postgres.fields import ArrayField
from django.db import DataError, connection
from django.db.models import CharField, F, JSONField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.test import Client
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone
from psycopg import sql as psycopg_sql

from actors.models import Concern
from demo.factories import (
    ConcernFactory,
    ContactNoteFactory,
    FundFactory,
    MeasureFactory,
    NetworkFactory,
    OrganisationFactory,
    PersonFactory,
    QuartierFactory,
    VersionFactory,
    user_with_role,
)
from fonds.models import Application, Fund, Payment, Repayment, Status, StatusChange
from fonds.selectors import UNSETTLED, ZERO, Money, funds_with_totals, money_of
from fonds.views.office import PAGE_LISTS
from isek.models import Measure, Milestone
from quartier import display
from quartier.models import Quartier, Role, RoleAssignment
from quartier.navigation import area_url
from quartier.selectors import CompiledLists, _prepared
from quartier.services import role_grant
from reporting.models import Report
from tests.fonds.fixtures import make_application


@pytest.mark.django_db(transaction=True)  # as in production: each request in autocommit, not in the test's transaction
@pytest.mark.parametrize("reset", ["DEALLOCATE ALL", "DISCARD ALL", "left over", "closed"])
def test_the_application_page_survives_its_prepared_statement_dropped_or_left_over(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant, reset: str
) -> None:
    application = make_application(aktionsfonds, person=applicant, title="Hoffest im Kiez")
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/"
    assert client.get(url).status_code == 200
    if reset == "left over":
        # A PREPARE whose run failed stays on the connection (a statement is not part of a transaction); we never
        # noted it as prepared.
        noted = _prepared[connection.connection]
        assert {plan.sql.statement for plan in PAGE_LISTS._plans.values()} <= noted
        noted.clear()
    elif reset == "closed":
        connection.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute(reset)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and "Hoffest im Kiez" in response.content.decode()


def test_the_application_page_shows_no_other_area_s_application(
    client: Client, area: Quartier, other_area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    mine = make_application(aktionsfonds, person=applicant, title="Hoffest im Kiez")
    theirs = make_application(
        FundFactory(area=other_area, name="Nordfonds"),
        person=PersonFactory(area=other_area, last_name="Geheim"),
        title="Nordstadt geheim",
    )
    client.force_login(staff["gwa"])
    base = f"/gebiet/{area.slug}/fonds/antraege/"
    for _ in range(2):  # before and after the statement is prepared
        assert client.get(f"{base}{mine.pk}/").status_code == 200
        for pk in (theirs.pk, 2_100_000_000, 2_147_483_648, 99_999_999_999_999_999_999):
            response = client.get(f"{base}{pk}/")
            assert response.status_code == 404, pk
            assert "geheim" not in response.content.decode().lower()
        # The other area's office sees its own, never ours.
    other = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nord")
    client.force_login(other)
    assert client.get(f"/gebiet/{other_area.slug}/fonds/antraege/{theirs.pk}/").status_code == 200
    assert client.get(f"/gebiet/{other_area.slug}/fonds/antraege/{mine.pk}/").status_code == 404


LISTS = [
    "organisationen/",
    "personen/",
    "personen/pruefen/",
    "netzwerke/",
    "kontakte/",
    "anliegen/",
    "fonds/antraege/",
    "isek/massnahmen/",
    "isek/zeitplan/",
    "verlauf/",
]

MALFORMED = [
    "99999999999999999999",
    "-1",
    "0",
    "1e9",
    "a\x00b",
    "x" * 5000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "2026-02-30",
    "99999-01-01",
]


@pytest.fixture
def their_secrets(other_area: Quartier) -> dict[str, int]:
    """One of each object a filter names, in the other area, each called GEHEIM."""
    staff = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="nord-staff", display_name="Staff GEHEIM")
    organisation = OrganisationFactory(area=other_area, name="Verein GEHEIM")
    person = PersonFactory(area=other_area, last_name="GEHEIM")
    network = NetworkFactory(area=other_area, name="Netz GEHEIM")
    ContactNoteFactory(area=other_area, staff=staff, topic="Thema GEHEIM")
    fund = FundFactory(area=other_area, name="Fonds GEHEIM")
    make_application(fund, person=person, title="Antrag GEHEIM")
    return {"staff": staff.pk, "organisation": organisation.pk, "network": network.pk, "fund": fund.pk}


def test_no_list_filter_shows_another_area_s_objects_or_fails_on_a_malformed_value(
    client: Client, area: Quartier, their_secrets: dict[str, int], aktionsfonds: Fund, applicant
) -> None:
    make_application(aktionsfonds, person=applicant, title="Hoffest im Kiez")
    ContactNoteFactory(area=area, staff=user_with_role(area, Role.GEMEINWESENARBEIT), topic="Hoffest")
    NetworkFactory(area=area, name="Netz im Kiez")
    client.force_login(user_with_role(area, Role.STEUERUNG, username="steuerung-attack"))
    names = ["page", "sort", "kind", "field_of_action", "staff", "fund", "open", "date_from", "date_to", "network",
             "organisation", "status", "q", "version", "channel", "target_group", "location", "residence",
             "legal_basis", "inactive", "key_persons", "responsible"]  # fmt: skip
    secret = [{name: value} for name, value in their_secrets.items()]
    # Every parameter at once with the same bad value: a form checks each field on its own, so one request a value
    # finds any parameter that fails on it (a request a parameter and value took three minutes).
    malformed = [dict.fromkeys(names, value) for value in MALFORMED] + [{name: ["a", "b"] for name in names}]
    for path in LISTS:
        url = f"/gebiet/{area.slug}/{path}"
        requests = [(query, export, {}) for query in secret for export in ("", "csv", "xlsx", "vcf")]
        requests += [(query, "", headers) for query in secret + malformed for headers in ({}, {"HX-Request": "true"})]
        for query, export, headers in requests:
            data = {**query, "export": export} if export else query
            response = client.get(url, data, headers=headers)
            assert response.status_code in (200, 400), (path, query, export, response.status_code)
            content = response.content.decode(errors="replace")
            assert "GEHEIM" not in content, (path, query, export)
            assert "<script>alert" not in content and "<img src=x" not in content, (path, query, export)


PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_every_text_in_the_rows_built_in_python_is_escaped(
    client: Client, area: Quartier, aktionsfonds: Fund, now: datetime.datetime, today: datetime.date
) -> None:
    staff = user_with_role(area, Role.STEUERUNG, username="steuerung-xss", display_name=f"Staff {PAYLOAD}")
    organisation = OrganisationFactory(area=area, name=f"Verein {PAYLOAD}")
    person = PersonFactory(area=area, first_name=PAYLOAD, last_name=f"Name {PAYLOAD}")
    note = ContactNoteFactory(
        area=area, staff=staff, topic=f"Thema {PAYLOAD}", follow_up_due=today, follow_up_assignee=staff
    )
    note.organisations.add(organisation)
    note.persons.add(person)
    application = make_application(aktionsfonds, organisation=organisation, person=person, title=f"Antrag {PAYLOAD}")
    StatusChange.objects.create(application=application, to_status=Status.SUBMITTED, at=now, by=staff, note=PAYLOAD)
    client.force_login(staff)
    base = f"/gebiet/{area.slug}/"
    for url in (
        "kontakte/",
        f"kontakte/{note.pk}/",
        "fonds/antraege/",
        f"fonds/antraege/{application.pk}/",
        "organisationen/",
        "personen/",
        f"verlauf/?q={PAYLOAD}",
        f"kontakte/?q={PAYLOAD}&staff={PAYLOAD}",
    ):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(base + url, headers=headers)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert "<script>alert" not in content and "<img src=x" not in content, url
            assert "?" in url or "&lt;script&gt;alert(1)&lt;/script&gt;" in content, url  # shown, as text


def test_every_admin_page_works_with_the_renamed_area_field(
    client: Client, area: Quartier, superuser, role_users: dict
) -> None:
    client.force_login(superuser)
    user = role_users["steuerung"]
    for url in ("/admin/", "/admin/quartier/user/", "/admin/quartier/quartier/", "/admin/quartier/fieldofaction/"):
        for query in ("", "?q=kiez", "?o=1", "?area=1", "?quartier=1"):
            response = client.get(url + query)
            assert response.status_code in (200, 302), (url, query)
    for url in (f"/admin/quartier/user/{user.pk}/change/", f"/admin/quartier/quartier/{area.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200 and area.name in response.content.decode(), url


# --- {% area_url %}: the same URL as reverse, whatever the slug and ids ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug", "ids"),
    [
        ("application_page", "kiez-918273640", (5,)),  # the slug holds the marker of the first id
        ("application_page", "918273640", (7,)),
        ("agenda_delete", "kiez", (918273641, 5)),  # the first id holds the marker of the second
        ("agenda_delete", "kiez", (1918273641, 918273640)),
        ("agenda_delete", "kiez-918273641", (3, 4)),
        ("application_page", "area-slug-of-the-navigation", (918273640,)),
        ("application_page", "kiez", (2**70,)),
        ("application_page", "kiez", (0,)),
        ("dashboard", "918273640918273641", ()),
    ],
)
def test_area_url_writes_what_reverse_writes_whatever_digits_the_slug_and_ids_hold(
    name: str, slug: str, ids: tuple[int, ...]
) -> None:
    assert area_url(name, slug, *ids) == reverse(name, args=[slug, *ids])


@pytest.mark.parametrize("ids", [(True,), ("5",), (-1,), (5.0,), (None,)])
def test_area_url_reverses_as_ever_what_is_not_a_whole_number(ids: tuple[object, ...]) -> None:
    """A bool, a string of digits, a negative, a float: what ``reverse`` makes of it (the URL or its refusal)."""
    try:
        expected: object = reverse("application_page", args=["kiez", *ids])
    except NoReverseMatch:
        expected = NoReverseMatch
    try:
        found: object = area_url("application_page", "kiez", *ids)  # type: ignore[arg-type]
    except NoReverseMatch:
        found = NoReverseMatch
    assert found == expected


def test_area_url_and_the_row_links_follow_the_script_prefix() -> None:
    set_script_prefix("/918273640/")
    try:
        assert area_url("application_page", "kiez", 5) == reverse("application_page", args=["kiez", 5])
        assert display.url_maker("application_page", "kiez")(918273640) == reverse(
            "application_page", args=["kiez", 918273640]
        )
    finally:
        set_script_prefix("/")
    assert area_url("application_page", "kiez", 5) == "/gebiet/kiez/fonds/antraege/5/"


# --- the dashboard's dates: the database's day in Berlin, as Python's ---------------------------------------------

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, db: None) -> Iterator[Callable[[datetime.datetime], None]]:
    """Sets the moment for Python (``timezone.now``) and for PostgreSQL (``STATEMENT_TIMESTAMP()``, Django's
    ``Now()``, through a function of that name ahead of ``pg_catalog`` in this transaction's search path). The
    page's prepared statements are dropped before and after: a statement keeps the functions it was prepared with."""

    def forget_prepared() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        _prepared.pop(connection.connection, None)

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        at = psycopg_sql.Literal(moment).as_string(connection.connection)
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA IF NOT EXISTS test_clock")
            cursor.execute(
                "CREATE OR REPLACE FUNCTION test_clock.statement_timestamp() RETURNS timestamptz LANGUAGE sql "
                f"STABLE AS $$ SELECT {at.replace('%', '%%')} $$"
            )
            cursor.execute("SET LOCAL search_path = test_clock, pg_catalog, public")
        forget_prepared()

    yield set_to
    forget_prepared()


def _board(client: Client, user, area: Quartier, heading: str) -> str:
    client.force_login(user)
    response = client.get(f"/gebiet/{area.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="{heading}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("moment", "horizon"),
    [
        # A week before summer time begins, an hour before midnight: 7 × 24 hours later it is already the day after.
        (datetime.datetime(2026, 3, 22, 23, 30, tzinfo=BERLIN), datetime.date(2026, 3, 29)),
        # A week before winter time begins, just after midnight: 7 × 24 hours later it is still the day before.
        (datetime.datetime(2026, 10, 19, 0, 30, tzinfo=BERLIN), datetime.date(2026, 10, 26)),
        # Just after midnight in Berlin, when it is still the day before in UTC.
        (datetime.datetime(2026, 6, 10, 0, 15, tzinfo=BERLIN), datetime.date(2026, 6, 17)),
    ],
)
def test_the_dashboard_s_follow_ups_reach_seven_days_of_berlin_at_any_hour(
    client: Client, area: Quartier, clock, moment: datetime.datetime, horizon: datetime.date
) -> None:
    clock(moment)
    today = moment.date()
    user = user_with_role(area, Role.STEUERUNG, username="steuerung-clock")
    for due in (today - datetime.timedelta(days=1), today, horizon, horizon + datetime.timedelta(days=1)):
        ContactNoteFactory(
            area=area, staff=user, follow_up_due=due, follow_up_assignee=user, topic=f"Rückruf {due:%d.%m.}"
        )
    html = _board(client, user, area, "follow-ups-heading")
    shown = re.findall(r"Rückruf (\d\d\.\d\d\.)", html)
    expected = [f"{due:%d.%m.}" for due in (today - datetime.timedelta(days=1), today, horizon)]
    assert shown == expected
    assert html.count("überfällig") == 1  # yesterday's only


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 3, 1, 23, 30, tzinfo=BERLIN),  # 30 days later is summer time
        datetime.datetime(2026, 9, 26, 0, 30, tzinfo=BERLIN),  # 30 days later is winter time
        datetime.datetime(2026, 6, 10, 0, 15, tzinfo=BERLIN),
    ],
)
def test_the_dashboard_s_milestones_reach_thirty_days_of_berlin_at_any_hour(
    client: Client, area: Quartier, clock, moment: datetime.datetime
) -> None:
    clock(moment)
    today = moment.date()
    horizon = today + datetime.timedelta(days=30)
    measure = MeasureFactory(version=VersionFactory(area=area), status=Measure.Status.RUNNING, end=None)
    for due in (today - datetime.timedelta(days=1), today, horizon, horizon + datetime.timedelta(days=1)):
        Milestone.objects.create(measure=measure, date=due, title=f"Abnahme {due:%d.%m.}")
    html = _board(client, user_with_role(area, Role.PLANUNG, username="planung-clock"), area, "behind-heading")
    shown = re.findall(r"Abnahme (\d\d\.\d\d\.)", html)
    assert shown == [f"{due:%d.%m.}" for due in (today - datetime.timedelta(days=1), today, horizon)]
    assert html.count("überfällig") == 1


def test_the_dashboard_s_funds_are_berlin_s_year_just_after_new_year(client: Client, area: Quartier, clock) -> None:
    clock(datetime.datetime(2027, 1, 1, 0, 15, tzinfo=BERLIN))  # still 2026 in UTC
    FundFactory(area=area, name="Fonds des alten Jahres", year=2026)
    FundFactory(area=area, name="Fonds des neuen Jahres", year=2027)
    html = _board(client, user_with_role(area, Role.STEUERUNG, username="steuerung-year"), area, "balances-heading")
    assert "Fonds 2027" in html and "Fonds des neuen Jahres" in html
    assert "Fonds des alten Jahres" not in html


# --- the dashboard's rows written in Python: escaped, for every role, nothing of another area ---------------------


def _dashboard_of(client: Client, user, area: Quartier) -> str:
    client.force_login(user)
    response = client.get(f"/gebiet/{area.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _fill_dashboard(area: Quartier, *, text: str, today: datetime.date) -> dict[str, object]:
    """One row of each of the dashboard's lists in ``area``, every text of it ``text`` (and an ampersand)."""
    recorder = user_with_role(area, Role.GEMEINWESENARBEIT, display_name=f"Erfasserin {text}")
    fund = FundFactory(area=area, name=f"Fonds {text}", year=today.year)
    application = make_application(fund, person=PersonFactory(area=area), title=f"Antrag {text}")
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    Payment.objects.create(
        application=application, amount=Decimal("50.00"), paid_on=today, method="bar", recorded_by=recorder,
        recorded_at=timezone.now(),
    )  # fmt: skip
    measure = MeasureFactory(
        version=VersionFactory(area=area), title=f"Maßnahme {text}", status=Measure.Status.RUNNING,
        end=today - datetime.timedelta(days=40),
    )  # fmt: skip
    Milestone.objects.create(measure=measure, date=today, title=f"Abnahme {text}")
    ConcernFactory(area=area, status=Concern.Status.FORWARDED, forwarded_to=f"Amt {text}", text=f"Anliegen {text}")
    gone = user_with_role(area, Role.GEMEINWESENARBEIT, display_name=f"Ehemalige {text}")
    ContactNoteFactory(area=area, staff=gone, topic=f"Verwaist {text}", follow_up_due=today, follow_up_assignee=gone)
    RoleAssignment.objects.filter(user=gone).delete()  # her follow-up is nobody's now
    return {"recorder": recorder, "application": application}


@pytest.mark.parametrize("role", list(Role))
def test_every_text_of_the_dashboard_s_rows_is_escaped_for_every_role(
    client: Client, area: Quartier, today: datetime.date, role: Role
) -> None:
    text = f"{PAYLOAD} & 'Co'"
    _fill_dashboard(area, text=text, today=today)
    user = user_with_role(area, role, display_name=f"Ich {text}")
    ContactNoteFactory(area=area, staff=user, topic=f"Rückruf {text}", follow_up_due=today, follow_up_assignee=user)
    other = QuartierFactory(name=f"Nordstadt {text}")
    role_grant(user=user, area=other, role=Role.KOORDINATION, by=None)
    Report.objects.create(
        area=other, year=today.year - 1, version=1, status=Report.Status.DONE, finished_at=timezone.now(),
        period_start=datetime.date(today.year - 1, 1, 1), period_end=datetime.date(today.year - 1, 12, 31),
        file="berichte/x.pdf", sha256="0" * 64,
    )  # fmt: skip
    html = _dashboard_of(client, user, area)
    assert "<script>alert" not in html and "<img src=x" not in html
    as_text = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#x27;Co&#x27;"
    rows = {
        Role.STEUERUNG: ["Antrag", "Erfasserin", "Fonds", "Maßnahme", "Abnahme", "Rückruf", "Ich"],
        Role.PLANUNG: ["Maßnahme", "Abnahme", "Rückruf", "Ich"],
        Role.GEMEINWESENARBEIT: ["Antrag", "Fonds", "Anliegen", "Amt", "Verwaist", "Ehemalige", "Rückruf", "Ich"],
        Role.KOORDINATION: ["Nordstadt"],
    }[role]
    assert [row for row in rows if f"{row} {as_text}" not in html] == [], role  # each shown, as text


def test_the_dashboard_shows_nothing_of_another_area_of_the_same_people(
    client: Client, area: Quartier, other_area: Quartier, today: datetime.date
) -> None:
    _fill_dashboard(other_area, text="GEHEIM", today=today)
    people = {}
    for role in Role:
        person = user_with_role(area, role, display_name=f"Kollegin {role}")
        role_grant(user=person, area=other_area, role=role, by=None)
        ContactNoteFactory(
            area=other_area, staff=person, topic="Rückruf GEHEIM", follow_up_due=today, follow_up_assignee=person
        )
        people[role] = person
    user_with_role(other_area, Role.STEUERUNG, display_name="Nur drüben GEHEIM")
    for role, person in people.items():
        html = _dashboard_of(client, person, area)
        assert "GEHEIM" not in html, role
    # The other area's dashboard shows them: the attack would have found them.
    assert "Rückruf GEHEIM" in _dashboard_of(client, people[Role.STEUERUNG], other_area)


@pytest.mark.parametrize("role", list(Role))
def test_the_dashboard_of_an_area_without_anything_works_for_every_role(client: Client, role: Role, db: None) -> None:
    empty = QuartierFactory(name="Leeres Gebiet")
    html = _dashboard_of(client, user_with_role(empty, role), empty)
    assert "Leeres Gebiet" in html


# --- constants written into a compiled query's text ----------------------------------------------------------------

STRANGE = ["100 %", "%s", "%%", "%(x)s", "O'Reilly", 'Sag "ja"', "back\\slash", "\\'; DROP TABLE x; --", "Ü € $1 $$"]


def test_a_compiled_query_reads_what_the_orm_reads_whatever_its_constants_hold(
    area: Quartier, other_area: Quartier, aktionsfonds: Fund, applicant
) -> None:
    for title in [*STRANGE, "Hoffest"]:
        make_application(aktionsfonds, person=applicant, title=title)
    make_application(FundFactory(area=other_area), person=PersonFactory(area=other_area), title="100 %")

    def build(*, area: int) -> dict[str, QuerySet]:
        mine = Application.objects.filter(area_id=area).order_by("title", "pk")
        return {
            "listed": mine.filter(title__in=STRANGE).values_list("title", "pk"),
            "percent": mine.filter(title__contains="%").values_list("title", "pk"),
            "quoted": mine.filter(Q(title__startswith="O'") | Q(title__endswith='"ja"')).values_list("title", "pk"),
            "backslash": mine.filter(title__icontains="\\").values_list("title", "pk"),
            "constants": mine.annotate(
                text=Value("x %s %% ' \\ ü"),
                day=Value(datetime.date(2026, 2, 28)),
                amount=Value(Decimal("-1.50")),
                nothing=Value(None, output_field=CharField()),
                flag=Value(True),
                words=Value(["a %", "b'"], output_field=ArrayField(CharField())),
                data=Value({"k": "v %s '"}, output_field=JSONField()),
                cut=Coalesce(F("approved_amount"), Value(Decimal("0.00"))),
            )
            .filter(created_at__gte=Value(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)))
            .values_list("text", "day", "amount", "nothing", "flag", "words", "data", "cut", "pk"),
        }

    reader = CompiledLists(build, ids=("area",))
    for _ in range(2):  # prepared, then run again
        lists = reader.read(area=area.pk)
        expected = {name: list(rows) for name, rows in build(area=area.pk).items()}
        assert lists == expected
    assert len(lists["listed"]) == len(STRANGE) and len(lists["percent"]) == 4 and len(lists["backslash"]) == 2
    assert len(lists["quoted"]) == 2 and len(lists["constants"]) == len(STRANGE) + 1
    assert lists["constants"][0][:7] == (
        "x %s %% ' \\ ü", datetime.date(2026, 2, 28), Decimal("-1.50"), None, True, ["a %", "b'"], {"k": "v %s '"}
    )  # fmt: skip


def test_a_constant_postgresql_cannot_hold_is_refused_when_the_query_is_compiled(area: Quartier) -> None:
    def build(*, area: int) -> dict[str, QuerySet]:
        return {"titles": Application.objects.filter(area_id=area, title="a\x00b").values_list("title")}

    reader = CompiledLists(build, ids=("area",))
    with pytest.raises((DataError, psycopg.DataError), match="NUL"):
        reader.read(area=area.pk)
    assert reader._plans == {}  # nothing kept that could run


# --- a fund's money summed per application ---------------------------------------------------------------------------


def test_a_fund_s_money_summed_per_application_is_the_sum_over_its_payments(
    area: Quartier, other_area: Quartier, aktionsfonds: Fund, applicant, today: datetime.date
) -> None:
    """Several payments (released or not), a reclaim paid back in parts, a withdrawn application with a payment,
    a fund without applications and another area's fund: ``money_of`` gives what summing every payment gives."""
    office = user_with_role(area, Role.STEUERUNG, username="steuerung-money")
    releaser = user_with_role(area, Role.STEUERUNG, username="steuerung-release")  # four eyes
    empty = FundFactory(area=area, name="Leerer Fonds")
    theirs = FundFactory(area=other_area, name="Nordfonds")
    rows = [  # fund, status, approved, reclaim, payments (amount, released), repayments
        (aktionsfonds, Status.APPROVED, "500.00", None, [("100.00", True), ("50.00", True), ("30.00", False)], []),
        (aktionsfonds, Status.PAID, "200.00", None, [("100.00", True), ("100.00", True)], []),
        (aktionsfonds, Status.RECLAIM, "400.00", "90.00", [("400.00", True)], ["40.00", "20.00"]),
        (aktionsfonds, Status.WITHDRAWN, None, None, [("10.00", True)], []),
        (aktionsfonds, Status.SUBMITTED, None, None, [], []),
        (theirs, Status.APPROVED, "700.00", None, [("300.00", True)], []),
    ]
    for fund, status, amount, reclaim, payments, repayments in rows:
        person = applicant if fund.area_id == area.pk else PersonFactory(area=other_area)
        application = make_application(fund, person=person, title=f"Antrag {status}")
        Application.objects.filter(pk=application.pk).update(
            status=status,
            approved_amount=Decimal(amount) if amount else None,
            reclaim_amount=Decimal(reclaim) if reclaim else None,
        )
        for paid, released in payments:
            Payment.objects.create(
                application=application, amount=Decimal(paid), paid_on=today, method="bar", recorded_by=office,
                recorded_at=timezone.now(), released_at=timezone.now() if released else None,
                released_by=releaser if released else None,
            )  # fmt: skip
        for back in repayments:
            Repayment.objects.create(
                application=application, amount=Decimal(back), received_on=today, recorded_by=office,
                recorded_at=timezone.now(),
            )  # fmt: skip

    def expected(applications: QuerySet[Application]) -> Money:
        unsettled = [a for a in applications if a.status in UNSETTLED]
        released = Payment.objects.filter(application__in=applications, released_at__isnull=False)
        reclaims = [a for a in applications if a.status == Status.RECLAIM]
        back = Repayment.objects.filter(application__in=applications)
        return Money(
            committed=sum((a.approved_amount for a in unsettled), ZERO)
            - sum((p.amount for p in released if p.application.status in UNSETTLED), ZERO),
            paid=sum((p.amount for p in released), ZERO),
            repaid=sum((r.amount for r in back), ZERO),
            reclaim_open=sum((a.reclaim_amount for a in reclaims), ZERO)
            - sum((r.amount for r in back if r.application.status == Status.RECLAIM), ZERO),
        )

    for fund in funds_with_totals(Fund.objects.filter(pk__in=[aktionsfonds.pk, empty.pk, theirs.pk])):
        assert Money.of(fund) == expected(Application.objects.filter(fund=fund)), fund.name
    assert Money.of(funds_with_totals(Fund.objects.filter(pk=empty.pk)).get()) == Money(ZERO, ZERO, ZERO, ZERO)
    assert Money.of(funds_with_totals(Fund.objects.filter(pk=aktionsfonds.pk)).get()) == Money(
        committed=Decimal("350.00"), paid=Decimal("760.00"), repaid=Decimal("60.00"), reclaim_open=Decimal("30.00")
    )
    for application in Application.objects.annotate(**money_of("pk")):
        assert Money.of(application) == expected(Application.objects.filter(pk=application.pk)), application.title
