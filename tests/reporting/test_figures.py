"""The annual report's figures: only the year and the area count, each section in a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from activation.models import Event, Kind, Series, TargetGroupCount
from actors.models import (
    Concern,
    ConcernStatus,
    ConcernStatusChange,
    ContactNote,
    Network,
    NetworkMembership,
    Organisation,
    Person,
    TargetGroup,
)
from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Committee, Meeting, Membership, Result
from fonds.models import BINDING, Application, Fund, Payment
from fonds.selectors import year_totals
from isek.models import Measure, Version
from quartier.exports import table_response
from quartier.models import Quartier
from reporting.figures import (
    KEY_FIGURE_LABELS,
    MONEY_KEYS,
    SECTIONS,
    WITHOUT_FIELD,
    KeyFigures,
    ReportFigures,
    gather,
    gather_section,
    key_figures,
)
from reporting.figures.activation import CHANGE, activation_section
from reporting.selectors import HELD
from tests.conftest import count_queries
from tests.isek.fixtures import add_indicators, add_measures
from tests.reporting.dataset import (
    APPLICATION_SPEC,
    BALLOT_SPEC,
    CONCERN_SPEC,
    CONTACT_SPEC,
    EVENT_SPEC,
    FUND_SPEC,
    INDICATOR_SPEC,
    JURY_MEETING_SPEC,
    MEASURE_SPEC,
    ORGANISATION_SPEC,
    PERSON_SPEC,
    YEAR,
    Dataset,
    at,
    build,
)

D = datetime.date
BERLIN_YEAR = (at(D(YEAR, 1, 1), 0, 0), at(D(YEAR + 1, 1, 1), 0, 0))
#: Queries per section, whatever the volume (with an ISEK, funds and approved applications).
QUERIES = {
    "summary": 13,
    "area": 1,
    "contacts": 6,
    "activation": 5,
    "networks": 5,
    "committees": 5,
    "funds": 4,
    "isek": 7,
    "indicators": 3,
    "surveys": 1,  # the dataset has no survey (tests/reporting/test_survey_figures.py counts them with surveys)
}


def in_year(moment: datetime.datetime | datetime.date | None) -> bool:
    if moment is None:
        return False
    if isinstance(moment, datetime.datetime):
        return BERLIN_YEAR[0] <= moment < BERLIN_YEAR[1]
    return moment.year == YEAR


def money(value: str | None) -> Decimal:
    return Decimal(value) if value else Decimal("0.00")


@pytest.fixture
def data(area: Quartier, other_area: Quartier, jury: Committee, jurors: list[Membership]) -> Dataset:
    return build(area, other_area, jury, jurors)


def expected_key_figures() -> dict[str, int | Decimal]:
    """The key figures of ``YEAR`` worked out from the specs of the dataset."""
    resolved = sum(
        1
        for _raised, status, changes, _to in CONCERN_SPEC
        if status == ConcernStatus.DONE and any(to == ConcernStatus.DONE and in_year(when) for to, when in changes)
    )
    held = [(start, items) for start, status, _att, items in JURY_MEETING_SPEC if status in HELD and in_year(start)]
    decided = (Result.ADOPTED, Result.REJECTED)
    decisions = sum(1 for _start, items in held for _t, result, *_votes in items if result in decided)
    decisions += sum(1 for closed, result, _votes in BALLOT_SPEC if in_year(closed) and result in decided)
    year_funds = {key for key, (_name, year, _budget) in FUND_SPEC.items() if year == YEAR}
    applications = [spec for spec in APPLICATION_SPEC if spec[0] in year_funds]
    approved = [spec for spec in applications if spec[2] in BINDING]
    measures_done = [spec for spec in MEASURE_SPEC if spec[1] == Measure.Status.DONE and in_year(spec[2])]
    return {
        "contacts": sum(1 for day, *_rest in CONTACT_SPEC if in_year(day)),
        "concerns_raised": sum(1 for raised, *_rest in CONCERN_SPEC if in_year(raised)),
        "concerns_resolved": resolved,
        "events": sum(1 for spec in EVENT_SPEC if in_year(spec[0])),
        "participants": sum(spec[6] or 0 for spec in EVENT_SPEC if in_year(spec[0])),
        "meetings_held": len(held) + 1,  # and the council's meeting in June
        "decisions": decisions,
        "applications_received": sum(1 for spec in applications if spec[5] is not None),
        "applications_approved": len(approved),
        "amount_approved": sum((money(spec[3]) for spec in approved), Decimal("0")),
        "amount_paid": sum(
            (money(amount) for spec in applications for amount, _day, released in spec[7] if released), Decimal("0")
        ),
        "measures_running": sum(1 for spec in MEASURE_SPEC if spec[1] == Measure.Status.RUNNING),
        "measures_completed": len(measures_done),
        "isek_planned": sum((money(spec[4]) for spec in MEASURE_SPEC), Decimal("0")),
        "isek_spent": sum(
            (money(amount) for spec in MEASURE_SPEC for day, amount, _source in spec[7] if in_year(day)), Decimal("0")
        ),
    }


def test_key_figures_count_the_year_of_the_area_only(data: Dataset) -> None:
    expected = expected_key_figures()
    # The worked-out figures, spelled out (so a wrong spec shows too).
    assert expected == {
        "contacts": 4, "concerns_raised": 5, "concerns_resolved": 2, "events": 6, "participants": 203,
        "meetings_held": 3, "decisions": 5,
        "applications_received": 6, "applications_approved": 4, "amount_approved": Decimal("7534.56"),
        "amount_paid": Decimal("1300.00"), "measures_running": 2, "measures_completed": 1,
        "isek_planned": Decimal("12500.50"), "isek_spent": Decimal("3900.25"),
    }  # fmt: skip
    figures = key_figures(data.area, YEAR)
    assert figures == KeyFigures(**expected)
    assert list(figures.as_dict()) == list(KEY_FIGURE_LABELS)
    assert all(isinstance(getattr(figures, key), Decimal) for key in MONEY_KEYS)
    assert figures.as_json()["amount_approved"] == "7534.56" and figures.as_json()["contacts"] == 4
    nothing = key_figures(data.area, 2019).as_dict()
    assert {key: value for key, value in nothing.items() if value} == {"measures_running": 2}  # a state, not dated


def test_contacts_networks_and_committees_sections(data: Dataset) -> None:
    area, (first, second) = data.area, data.fields
    contacts = gather_section("contacts", area, YEAR)
    notes = [spec for spec in CONTACT_SPEC if in_year(spec[0])]
    assert {row.key: row.count for row in contacts.by_channel} == {
        "buero": 3, "telefon": 1, "email": 0, "vor_ort": 0, "veranstaltung": 0
    }  # fmt: skip
    assert [(str(row.label), row.count) for row in contacts.by_field] == [
        (first.name, sum(1 for spec in notes if 0 in spec[2])),
        (second.name, sum(1 for spec in notes if 1 in spec[2])),
        (str(WITHOUT_FIELD), sum(1 for spec in notes if not spec[2])),
    ]
    assert contacts.notes == len(notes)
    assert contacts.persons == len({i for spec in notes for i in spec[3]})
    assert contacts.organisations == len({i for spec in notes for i in spec[4]})
    raised = [spec for spec in CONCERN_SPEC if in_year(spec[0])]
    assert {row.key: row.count for row in contacts.concerns_by_status if row.count} == {
        ConcernStatus.DONE: 2, ConcernStatus.IN_PROGRESS: 1, ConcernStatus.FORWARDED: 1, ConcernStatus.NOT_FEASIBLE: 1
    }  # fmt: skip
    assert [(row.label, row.count) for row in contacts.forwarded] == [("Grünamt", 2), ("Bauamt", 1)]
    assert contacts.concerns_raised == len(raised) and contacts.concerns_forwarded == 3

    networks = gather_section("networks", area, YEAR)
    assert [(row.name, row.organisations, row.persons, row.joined, row.new) for row in networks.networks] == [
        ("Runder Tisch Ufer", 1, 1, 1, True)
    ]
    assert networks.networks[0].fields == (first.name,) and networks.networks[0].lead == "Kanalverein"
    assert (networks.active, networks.organisations, networks.persons) == (1, 1, 1)
    new_organisations = [spec for spec in ORGANISATION_SPEC if in_year(spec[2])]
    assert networks.new_organisations == len(new_organisations) == 2
    assert [(row.key, row.count) for row in networks.new_organisations_by_kind] == [("verein", 2)]
    new_persons = [spec for spec in PERSON_SPEC if in_year(spec[2])]
    assert networks.new_persons == len(new_persons)  # the jurors came in 2026
    assert networks.new_residents == sum(1 for spec in new_persons if spec[1])

    committees = gather_section("committees", area, YEAR)
    jury, council = committees.committees  # by name
    assert (jury.name, jury.meetings, jury.meetings_with_attendance) == ("Aktionsfondsjury Kiez am Kanal", 2, 2)
    attendance = [a for start, status, a, _i in JURY_MEETING_SPEC if status in HELD and in_year(start)]
    present = sum(a.count(Attendance.Status.PRESENT) for a in attendance)
    assert (jury.present, jury.recorded) == (present, sum(len(a) for a in attendance)) == (9, 14)
    assert jury.attendance_rate == Decimal("64.3") and jury.present_per_meeting == Decimal("4.5")
    assert (jury.voting_members, jury.residents, jury.resident_share, jury.meets_rule) == (7, 7, Decimal("100.0"), True)
    assert (council.meetings, council.attendance_rate, council.present_per_meeting) == (1, None, None)
    # On 31 December: a resident and an institution (the second resident left in June): 50 % of the 51 % needed.
    assert (council.voting_members, council.residents, council.resident_share) == (2, 1, Decimal("50.0"))
    assert council.required_share == Decimal("51.00") and council.meets_rule is False
    assert committees.on == D(YEAR, 12, 31) and committees.meetings == 3
    assert [(row.date, row.title, row.circular, row.result) for row in committees.decisions] == [
        (D(2025, 3, 10), "Grillabend", False, Result.REJECTED),
        (D(2025, 3, 10), "Hoffest", False, Result.ADOPTED),
        (D(2025, 5, 5), "Antrag 05.05.2025", True, Result.ADOPTED),
        (D(2025, 9, 10), "Bücherschrank", False, Result.ADOPTED),
        (D(2025, 12, 31), "Antrag 31.12.2025", True, Result.REJECTED),
    ]
    assert (committees.adopted, committees.rejected) == (3, 2)


def test_funds_isek_and_indicators_sections(data: Dataset) -> None:
    area, (first, second) = data.area, data.fields
    funds = gather_section("funds", area, YEAR)
    assert [(row.name, row.budget, row.committed, row.paid, row.repaid, row.remaining, row.received, row.approved)
            for row in funds.funds] == [
        # committed: approved and not yet paid (1,234.56; the 500 are paid); paid: released only (500 + 800);
        # paid back: 50 of the 800 (750 settled); remaining = 10,000 − 1,234.56 − 1,300 + 50
        ("Aktionsfonds", Decimal("10000.00"), Decimal("1234.56"), Decimal("1300.00"), Decimal("50.00"),
         Decimal("7515.44"), 4, 3),
        ("Projektfonds", Decimal("20000.00"), Decimal("5000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("15000.00"),
         2, 1),
    ]  # fmt: skip
    assert (funds.totals.budget, funds.totals.received, funds.totals.approved) == (Decimal("30000"), 6, 4)
    assert (funds.totals.committed, funds.totals.paid, funds.totals.repaid, funds.totals.remaining) == (
        Decimal("6234.56"), Decimal("1300.00"), Decimal("50.00"), Decimal("22515.44"),
    )  # fmt: skip
    assert funds.totals.remaining == year_totals(area, YEAR).free  # one definition of the money
    rows = {row.amount: row for row in funds.applications}
    assert sum(rows) == key_figures(area, YEAR).amount_approved
    assert (str(rows[Decimal("500.00")].applicant_kind), rows[Decimal("500.00")].fields) == (
        gettext("Private person"),
        (first.name,),
    )
    assert str(rows[Decimal("800.00")].applicant_kind) == gettext("Resident")
    assert str(rows[Decimal("1234.56")].applicant_kind) == str(Organisation.Kind.ASSOCIATION.label)
    assert [(str(row.label), row.count, row.amount) for row in funds.by_field] == [
        (first.name, 2, Decimal("1300.00")),  # 500 + 800
        (second.name, 2, Decimal("5800.00")),  # 800 + 5,000: an application in two fields counts in both
        (str(WITHOUT_FIELD), 1, Decimal("1234.56")),
    ]
    assert [row.over for row in funds.chart.rows] == [False, False]

    isek = gather_section("isek", area, YEAR)
    # The newest version, the update's draft: the year's notes, spending and values are recorded in it.
    assert isek.version == data.version and isek.adopted is False
    running, done = Measure.Status.RUNNING, Measure.Status.DONE
    assert {row.key: row.count for row in isek.by_status if row.count} == {running: 2, done: 2}
    keys = [key for key, _label in isek.statuses]
    assert [(str(row.label), dict(zip(keys, row.counts, strict=True)), row.total) for row in isek.matrix] == [
        (first.name, {**dict.fromkeys(keys, 0), running: 1, done: 1}, 2),
        (second.name, {**dict.fromkeys(keys, 0), running: 1, done: 1}, 2),
        (str(WITHOUT_FIELD), {**dict.fromkeys(keys, 0), done: 1}, 1),
    ]
    assert [measure.number for measure in isek.completed] == ["M-2"]
    assert [(m.measure.number, m.date) for m in isek.milestones] == [("M-1", D(2025, 5, 1))]
    assert [(n.measure.number, n.text) for n in isek.notes] == [("M-1", "Planung läuft, Werkstatt im April.")]
    sources = {row.key: (row.planned, row.spent) for row in isek.sources if row.planned or row.spent}
    assert sources == {
        "bund": (Decimal("6000.00"), Decimal("1500.25")),
        "land": (Decimal("4000.00"), Decimal("2400.00")),
        "kommune": (Decimal("2500.50"), Decimal("0.00")),
    }
    assert (isek.planned, isek.financed, isek.spent) == (
        Decimal("12500.50"), Decimal("12500.50"), Decimal("3900.25")
    )  # fmt: skip
    assert [(row.year, row.cost) for row in isek.years][:2] == [
        (2024, Decimal("5000.00")),
        (2025, Decimal("12500.50")),
    ]

    indicators = gather_section("indicators", area, YEAR).indicators
    by_name = {row.name: row for row in indicators}
    (name, baseline, target, values), (other_name, other_baseline, other_target, _other) = INDICATOR_SPEC
    green = by_name[name]
    assert (green.value, green.latest) == (Decimal(values[YEAR]), (YEAR, Decimal(values[YEAR])))
    way = (Decimal(values[YEAR]) - Decimal(baseline[1])) * 100 / (Decimal(target[1]) - Decimal(baseline[1]))
    assert green.progress == way.quantize(Decimal("0.1")) == Decimal("40.0")
    assert [dot[2] for dot in green.chart.dots] == [2024, 2025]  # no value of a later year
    jobless = by_name[other_name]
    way = (Decimal("80") - Decimal(other_baseline[1])) * 100 / (Decimal(other_target[1]) - Decimal(other_baseline[1]))
    assert (jobless.value, jobless.latest) == (None, (2023, Decimal("80")))  # no value of the year: the latest
    assert jobless.progress == way.quantize(Decimal("0.1")) == Decimal("40.0")  # lower is better: the way down

    # Another area has only a draft: it is read, and the section says it is a draft.
    other = gather(data.other_area, YEAR)
    assert other.isek.version.label == "ISEK Nordstadt (Entwurf)" and other.isek.adopted is False
    assert other.isek.running == 1 and other.funds.totals.approved == 1


def test_without_any_data_every_section_is_empty_not_broken(area: Quartier) -> None:
    sections = gather(area, YEAR)
    assert [field.name for field in dataclasses.fields(ReportFigures)] == [key for key, _label in SECTIONS]
    assert sections.isek.version is None and sections.indicators.indicators == ()
    assert sections.funds.funds == () and sections.committees.decisions == ()
    tables = sections.tables()
    assert set(tables) >= {"kennzahlen", "fonds", "beschluesse"} and "indikatoren" not in tables  # no ISEK
    with pytest.raises(ValueError, match="No section"):
        gather_section("outlook", area, YEAR)


def test_report_tables_download_with_the_numbers_of_the_report(data: Dataset) -> None:
    sections = gather(data.area, YEAR)
    tables = sections.tables()
    assert {"massnahmen-status", "finanzierung-jahre", "indikatoren"} <= set(tables)  # the area has an ISEK
    for slug, table in tables.items():
        assert slugify(slug) == slug
        assert all(len(row) == len(table.headers) for row in table.rows), slug
    assert len(tables["bewilligungen"].rows) == key_figures(data.area, YEAR).applications_approved
    assert [row[1] for row in tables["kennzahlen"].rows] == list(key_figures(data.area, YEAR).as_dict().values())
    assert {row[0] for row in tables["beschluesse"].rows} == {row.date for row in sections.committees.decisions}
    fonds = tables["fonds"]
    response = table_response(filename="fonds", title="Fonds", headers=fonds.headers, rows=fonds.rows, fmt="csv")
    assert "Aktionsfonds;" in response.content.decode() and "7515,44" in response.content.decode()


def test_each_section_takes_a_fixed_number_of_queries(data: Dataset) -> None:
    area, staff, (first, second) = data.area, data.staff, data.fields
    added = iter(range(1000))

    def grow() -> None:
        """Three more of everything the report counts, in the year."""
        for _ in range(3):
            n = next(added)
            day = D(YEAR, 1 + n % 12, 1 + n % 28)
            person = Person.objects.create(area=area, last_name=f"Neu {n}", is_resident=n % 2 == 0)
            organisation = Organisation.objects.create(area=area, name=f"Verein {n}")
            note = ContactNote.objects.create(area=area, date=day, staff=staff, channel="vor_ort", topic=f"{n}")
            note.fields_of_action.set([first, second])
            note.persons.set([person])
            note.organisations.set([organisation])
            concern = Concern.objects.create(area=area, text=f"{n}", raised_on=day, status="erledigt",
                                             forwarded_to=f"Amt {n}")  # fmt: skip
            ConcernStatusChange.objects.create(concern=concern, from_status="neu", to_status="erledigt", by=staff)
            network = Network.objects.create(area=area, name=f"AG {n}", lead_organisation=organisation)
            network.fields_of_action.set([second])
            NetworkMembership.objects.create(network=network, organisation=organisation, start=day)
            NetworkMembership.objects.create(network=network, person=person, start=day)
            committee = Committee.objects.create(area=area, name=f"Gremium {n}", kind="other", resident_share=50)
            member = Membership.objects.create(committee=committee, person=person, member_type="bewohner")
            meeting = Meeting.objects.create(committee=committee, starts_at=at(day, 18), status=Meeting.Status.HELD)
            Attendance.objects.create(meeting=meeting, membership=member, status=Attendance.Status.PRESENT)
            AgendaItem.objects.create(meeting=meeting, position=1, title=f"Punkt {n}", result=Result.ADOPTED, yes=1)
            ballot = Ballot.objects.create(committee=committee, title=f"U {n}", deadline=at(day), status="geschlossen",
                                           closed_at=at(day))  # fmt: skip
            BallotItem.objects.create(ballot=ballot, position=1, title=f"A {n}", result=Result.REJECTED, no=1)
            series = Series.objects.create(area=area, title=f"Reihe {n}", first_day=day, last_day=day,
                                           start_time=datetime.time(10), end_time=datetime.time(11))  # fmt: skip
            for start in (at(day, 10), at(D(YEAR - 1, day.month, day.day), 10)):  # the year and the year before
                event = Event.objects.create(
                    area=area, title=f"Fest {n}", kind=Kind.FESTIVAL, starts_at=start, series=series, public=n % 2 == 0,
                    ends_at=start + datetime.timedelta(hours=1), participants=200 + n, under_18=1, age_65_plus=2,
                )  # fmt: skip
                event.fields_of_action.set([first, second])
                event.target_groups.set(TargetGroup.objects.all()[:2])
                TargetGroupCount.objects.create(event=event, target_group=TargetGroup.objects.first(), count=1)
            fund = Fund.objects.create(area=area, name=f"Fonds {n}", kind="other", year=YEAR, budget=1000)
            for application in (
                Application.objects.create(area=area, fund=fund, title=f"A {n}", organisation=organisation),
                Application.objects.create(area=area, fund=fund, title=f"B {n}", person=person),
            ):
                Application.objects.filter(pk=application.pk).update(
                    status="ausgezahlt", approved_amount=Decimal("100.00"), submitted_at=at(day)
                )
                application.fields_of_action.set([first])
                Payment.objects.create(
                    application=application, amount=Decimal("100.00"), paid_on=day, method="bar", recorded_by=staff,
                    recorded_at=at(day), released_by=data.extra["steering"], released_at=at(day),
                )  # fmt: skip
        for measure in add_measures(data.version, 3, start=100 + n, prefix=f"G{n}"):  # dated 2025–2027
            measure.milestones.create(date=D(YEAR, 3, 3), title="Erreicht", reached=True)
        add_indicators(data.version, 2, start=100 + n)

    def all_sections() -> dict[str, int]:
        return {key: count_queries(lambda key=key: gather_section(key, area, YEAR)) for key, _label in SECTIONS}

    all_sections()  # warm up (content types)
    before = all_sections()
    grow()
    after = all_sections()
    assert before == after == QUERIES, f"{before} with little data, {after} with more"
    assert count_queries(lambda: key_figures(area, YEAR)) == 12
    steps: list[str] = []
    assert count_queries(lambda: gather(area, YEAR, step=steps.append)) == sum(QUERIES.values())  # the whole build
    assert steps == [key for key, _label in SECTIONS]
    assert gather_section("networks", area, YEAR).active == 4  # the data did grow
    grown = gather_section("activation", area, YEAR)
    assert (grown.events.year, grown.events.before, len(grown.largest)) == (6 + 3, 3 + 3, 5)
    assert Version.objects.filter(area=area).count() == 3


def test_the_activation_section_counts_events_and_participants_beside_the_year_before(data: Dataset) -> None:
    """The events of ``EVENT_SPEC``: an event at 23:30 on 31 December (Berlin) is of that year, one at 00:30 on
    1 January of the next; events without a count stay apart from 0 participants; an event in two fields of action
    or for two target groups counts in each; the year before in the same queries."""
    area, (first, second) = data.area, data.fields
    kinder, jugendliche, familien = TargetGroup.objects.order_by("position")[:3]
    section = gather_section("activation", area, YEAR)
    assert section.running is False  # 2025 has ended: the whole years
    assert {row.key: (row.figure.year, row.figure.before, row.figure.change) for row in section.totals} == {
        "events": (6, 3, 3),
        "counted": (4, 2, 2),
        "uncounted": (2, 1, 1),
        "participants": (203, 120, 83),
        "public": (3, 2, 1),
        "internal": (3, 1, 2),
        "series": (1, 0, 1),
    }

    def events(rows: tuple) -> list[tuple]:
        return [
            (str(row.label), row.events.year, row.events.before, row.uncounted.year, row.uncounted.before,
             row.participants.year, row.participants.before, row.participants.change)
            for row in rows
        ]  # fmt: skip

    assert events(section.by_field) == [
        (first.name, 3, 2, 0, 1, 195, 100, 95),  # the festival counts here and in the second field
        (second.name, 3, 2, 1, 1, 128, 20, 108),
        (str(WITHOUT_FIELD), 1, 0, 1, 0, None, None, None),  # the workshop at 00:30 on New Year: not counted
    ]
    assert events(section.by_kind) == [
        (str(Kind.EVENT.label), 1, 1, 0, 1, 30, None, None),  # the year before's event had no count: no change
        (str(Kind.ACTION.label), 0, 0, 0, 0, None, None, None),
        (str(Kind.OFFICE_HOURS.label), 2, 0, 1, 0, 8, None, None),
        (str(Kind.WORKSHOP.label), 1, 1, 1, 0, None, 20, None),
        (str(Kind.FESTIVAL.label), 1, 1, 0, 0, 120, 100, 20),
        (str(Kind.PARTICIPATION.label), 1, 0, 0, 0, 45, None, None),
        (str(Kind.OTHER.label), 0, 0, 0, 0, None, None, None),
    ]
    assert [
        (row.label, row.addressed.year, row.addressed.before, row.participants.year, row.participants.before)
        for row in section.by_group
    ] == [
        (kinder.name, 4, 1, 50, 30),
        (jugendliche.name, 2, 0, 32, None),
        (familien.name, 1, 1, 30, None),  # addressed the year before, nobody of the group counted
    ]
    assert [(row.key, row.participants.year, row.participants.before) for row in section.by_age] == [
        ("under_18", 50, 30), ("age_18_64", 65, 50), ("age_65_plus", 13, 20), ("", 75, 20),
    ]  # fmt: skip
    assert [(row.title, row.participants, row.day) for row in section.largest] == [
        ("Veranstaltung 1", 120, D(2025, 3, 1)),
        ("Veranstaltung 6", 45, D(2025, 9, 9)),
        ("Veranstaltung 2", 30, D(2025, 12, 31)),  # 23:30 in Berlin
        ("Veranstaltung 4", 8, D(2025, 6, 10)),
    ]
    # The charts draw what the tables say; a group not counted has no bar and a dash, not a 0.
    assert [(row.title, [bar.value for bar in row.bars]) for row in section.field_chart.rows] == [
        (first.name, [3, 2]), (second.name, [3, 2]), (str(WITHOUT_FIELD), [1, 0])
    ]  # fmt: skip
    familien_bars = next(row for row in section.group_chart.rows if row.title == familien.name).bars
    assert [(bar.value, bar.width) for bar in familien_bars] == [(30, familien_bars[0].width), (None, 0.0)]

    tables = gather(area, YEAR).tables()
    assert tables["veranstaltungen-ueberblick"].rows[0][1:] == (6, 3, 3)
    assert [str(header.header) for header in tables["teilnehmende-alter"].headers[1:]] == ["2025", "2024", str(CHANGE)]
    assert tables["veranstaltungen-handlungsfeld"].rows[-1][1:] == (1, 0, 1, None, None, None, 1, 0)
    assert len(tables["veranstaltungen-groesste"].rows) == 4


def test_while_the_year_runs_both_years_count_up_to_the_same_day(data: Dataset) -> None:
    """On 12 June 2025 the report counts the events begun by then, and of 2024 those begun by 12 June 2024."""
    section = activation_section(data.area, YEAR, now=at(D(YEAR, 6, 12), 9))
    assert section.running is True
    assert (section.events.year, section.events.before) == (3, 2)  # New Year's workshop, festival, office hours
    assert (section.participants.year, section.participants.before) == (128, 20)
    assert [row.title for row in section.largest] == ["Veranstaltung 1", "Veranstaltung 4"]
    # The key figures of the running year do not count an event still ahead either.
    this_year = timezone.localdate().year
    before = key_figures(data.area, this_year)
    soon = timezone.now() + datetime.timedelta(hours=1)
    Event.objects.create(area=data.area, title="Bald", starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    assert key_figures(data.area, this_year) == before
