"""A small area-year of everything the annual report counts, for the figures and the PDF tests.

The report is for ``YEAR`` (2025). Beside what must count, the data hold things just before and just after the
year (also across midnight in Berlin, where UTC is still in the other year), things of another area, and of ISEK
versions the report must not read. The expected figures are worked out in the tests from the ``*_SPEC`` lists
below, not from the code under test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

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
from demo.factories import user_with_role
from fonds.models import Application, Fund, Payment, Repayment
from isek.models import (
    Financing,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlannedCost,
    ProgressNote,
    Spending,
    Version,
)
from quartier.models import FieldOfAction, Quartier, Role, User
from tests.fonds.fixtures import make_application

YEAR = 2025
D = datetime.date
S = ConcernStatus
HELD, APPROVED, PLANNED = Meeting.Status.HELD, Meeting.Status.APPROVED, Meeting.Status.PLANNED
PRESENT, EXCUSED, ABSENT = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment on ``day`` in the office's time zone (Europe/Berlin)."""
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


#: Contact notes: date, channel, fields of action (indexes into the first fields), persons, organisations.
CONTACT_SPEC = [
    (D(2025, 1, 2), "buero", [0], [0], [0]),
    (D(2025, 6, 1), "buero", [0, 1], [0, 1], []),
    (D(2025, 12, 31), "buero", [], [], [0]),
    (D(2025, 3, 3), "telefon", [1], [1], []),
    (D(2024, 12, 31), "telefon", [0], [0], []),  # the day before
    (D(2026, 1, 1), "email", [0], [0], []),  # the day after
]

#: Concerns: raised on, status now, status changes (to, moment), forwarded to.
CONCERN_SPEC = [
    (D(2025, 3, 1), S.DONE, [(S.DONE, at(D(2025, 4, 1)))], ""),  # raised and resolved
    (D(2024, 11, 1), S.DONE, [(S.DONE, at(D(2025, 1, 1), 0, 30))], ""),  # resolved at 00:30 on New Year (UTC: 2024)
    (D(2025, 5, 1), S.IN_PROGRESS, [(S.DONE, at(D(2025, 6, 1))), (S.IN_PROGRESS, at(D(2025, 7, 1)))], "Grünamt"),
    (D(2025, 6, 1), S.FORWARDED, [(S.FORWARDED, at(D(2025, 6, 2)))], "Grünamt"),
    (D(2025, 7, 1), S.NOT_FEASIBLE, [(S.FORWARDED, at(D(2025, 7, 2))), (S.NOT_FEASIBLE, at(D(2025, 8, 1)))], "Bauamt"),
    (D(2024, 5, 1), S.DONE, [(S.DONE, at(D(2024, 6, 1)))], ""),  # all before the year
    (D(2025, 9, 1), S.DONE, [(S.DONE, at(D(2026, 1, 1), 0, 30))], ""),  # done at 00:30 in 2026 (UTC: still 2025)
]

#: Events: start, kind, public, of the series, fields of action, target groups (indexes into the first three),
#: participants, age bands (under 18, 18 to 64, 65 and older), participants by target group (index: count).
EVENT_SPEC = [
    (at(D(2025, 3, 1), 15), Kind.FESTIVAL, True, False, [0, 1], [0, 2], 120, (40, 60, 10), {0: 40, 2: 30}),
    (at(D(2025, 12, 31), 23, 30), Kind.EVENT, True, False, [0], [1], 30, (None, None, None), {1: 12}),  # UTC: 22:30
    (at(D(2025, 1, 1), 0, 30), Kind.WORKSHOP, False, False, [], [], None, (None, None, None), {}),  # UTC: 2024
    (at(D(2025, 6, 10), 10), Kind.OFFICE_HOURS, False, True, [1], [0], 8, (0, 5, 3), {}),
    (at(D(2025, 6, 17), 10), Kind.OFFICE_HOURS, False, True, [1], [0], None, (None, None, None), {}),  # not counted
    (at(D(2025, 9, 9), 18), Kind.PARTICIPATION, True, False, [0], [0, 1], 45, (10, None, None), {0: 10, 1: 20}),
    # The year before.
    (at(D(2024, 12, 31), 23, 30), Kind.FESTIVAL, True, False, [0], [0], 100, (30, 50, 20), {0: 30}),
    (at(D(2024, 5, 5), 14), Kind.EVENT, False, False, [0, 1], [2], None, (None, None, None), {}),
    (at(D(2024, 2, 2), 10), Kind.WORKSHOP, True, False, [1], [], 20, (None, None, None), {}),
    # Neither: already 2026 in Berlin (UTC: 2025), and two years before.
    (at(D(2026, 1, 1), 0, 30), Kind.EVENT, True, False, [0], [0], 500, (None, None, None), {0: 400}),
    (at(D(2023, 12, 31), 23, 30), Kind.EVENT, True, False, [0], [0], 700, (None, None, None), {0: 600}),
]  # fmt: skip

#: Organisations: name, kind, created; persons: name, resident, created.
ORGANISATION_SPEC = [
    ("Kanalverein", Organisation.Kind.ASSOCIATION, at(D(2025, 1, 10))),
    ("Grundschule am Kanal", Organisation.Kind.SCHOOL, at(D(2024, 3, 1))),
    ("Nachbarschaftsverein", Organisation.Kind.ASSOCIATION, at(D(2025, 12, 31), 23, 30)),
    ("Initiative Ufer", Organisation.Kind.INITIATIVE, at(D(2026, 1, 1), 0, 30)),  # 2026 in Berlin
]
PERSON_SPEC = [
    ("Rosa Resident", True, at(D(2025, 2, 1))),
    ("Paul Privat", False, at(D(2025, 8, 1))),
    ("Alt Bekannt", True, at(D(2024, 8, 1))),
]

#: Meetings of the jury: start, status, attendance of the seven jurors, agenda items (title, result, yes, no, abst.).
JURY_MEETING_SPEC = [
    (
        at(D(2025, 3, 10), 18),
        HELD,
        [PRESENT] * 5 + [EXCUSED, ABSENT],
        [("Hoffest", Result.ADOPTED, 4, 1, 0), ("Grillabend", Result.REJECTED, 2, 3, 0),
         ("Sommerkino", Result.DEFERRED, None, None, None), ("Begrüßung", "", None, None, None)],
    ),
    (at(D(2025, 9, 10), 18), APPROVED, [PRESENT] * 4 + [EXCUSED] * 3, [("Bücherschrank", Result.ADOPTED, 4, 0, 0)]),
    (at(D(2025, 11, 10), 18), PLANNED, [], [("Geplant", Result.ADOPTED, 4, 0, 0)]),  # not held
    (at(D(2024, 12, 10), 18), HELD, [PRESENT] * 7, [("Vorjahr", Result.ADOPTED, 7, 0, 0)]),
]  # fmt: skip

#: Online ballots of the jury: closed at, item result (yes, no, abstain).
BALLOT_SPEC = [
    (at(D(2025, 5, 5), 20), Result.ADOPTED, (5, 1, 0)),
    (at(D(2025, 12, 31), 23, 30), Result.REJECTED, (1, 5, 1)),  # still 2025 in Berlin
    (at(D(2026, 1, 1), 0, 30), Result.ADOPTED, (6, 0, 0)),  # already 2026 in Berlin
]

#: Applications: fund, applicant (person/organisation index), status, approved, settled, submitted, fields, payments
#: (amount, paid on, released).
APPLICATION_SPEC = [
    ("aktion", ("person", 1), Application.Status.PAID, "500.00", None, D(2025, 2, 1), [0],
     [("500.00", D(2025, 3, 1), True), ("100.00", D(2025, 3, 2), False)]),
    ("aktion", ("person", 0), Application.Status.CLOSED, "800.00", "750.00", D(2025, 2, 2), [0, 1],
     [("800.00", D(2026, 1, 15), True)]),
    ("aktion", ("person", 1), Application.Status.REJECTED, None, None, D(2025, 2, 3), [1], []),
    ("aktion", ("person", 1), Application.Status.DRAFT, None, None, None, [], []),
    ("aktion", ("organisation", 0), Application.Status.APPROVED, "1234.56", None, D(2025, 4, 1), [], []),
    ("projekt", ("organisation", 0), Application.Status.WITHDRAWN, None, None, D(2025, 4, 2), [], []),
    ("projekt", ("organisation", 1), Application.Status.COMMITTED, "5000.00", None, D(2025, 4, 3), [1], []),
    ("vorjahr", ("person", 0), Application.Status.PAID, "300.00", None, D(2024, 2, 1), [0],
     [("300.00", D(2024, 3, 1), True)]),
]  # fmt: skip
FUND_SPEC = {"aktion": ("Aktionsfonds", 2025, "10000.00"), "projekt": ("Projektfonds", 2025, "20000.00"),
             "vorjahr": ("Aktionsfonds", 2024, "9000.00")}  # fmt: skip

#: Measures of the adopted ISEK version the report reads: number, status, end, fields, planned cost of 2025 and
#: 2024, financing of 2025 by source, spending (date, amount, source), milestones (date, reached), progress notes.
MEASURE_SPEC = [
    ("M-1", Measure.Status.RUNNING, D(2027, 12, 31), [0], "10000.00", "5000.00", {"bund": "6000.00", "land": "4000.00"},
     [(D(2025, 3, 1), "1500.25", "bund"), (D(2024, 12, 31), "999.00", "bund"), (D(2026, 1, 1), "111.00", "bund")],
     [(D(2025, 5, 1), True), (D(2025, 7, 1), False), (D(2024, 5, 1), True)],
     [(D(2025, 4, 1), "Planung läuft, Werkstatt im April."), (D(2024, 4, 1), "Idee aus dem Vorjahr.")]),
    ("M-2", Measure.Status.DONE, D(2025, 10, 31), [0, 1], "2500.50", None, {"kommune": "2500.50"},
     [(D(2025, 11, 1), "2400.00", "land")], [], []),
    ("M-3", Measure.Status.DONE, D(2024, 6, 30), [], None, None, {}, [], [], []),
    ("M-4", Measure.Status.RUNNING, None, [1], None, None, {}, [], [], []),
]  # fmt: skip

#: Indicators of that version: name, baseline (year, value), target (year, value), values by year.
INDICATOR_SPEC = [
    ("Grünfläche je Kind", (2020, "10"), (2030, "20"), {2024: "12", 2025: "14", 2026: "99"}),
    ("Arbeitslosenquote", (2020, "100"), (2030, "50"), {2023: "80"}),
]


@dataclass
class Dataset:
    area: Quartier
    other_area: Quartier
    fields: list[FieldOfAction]
    staff: User
    organisations: list[Organisation]
    persons: list[Person]
    jury: Committee
    council: Committee
    funds: dict[str, Fund]
    version: Version  # the adopted version the report reads
    extra: dict[str, object] = field(default_factory=dict)


def build(area: Quartier, other_area: Quartier, jury: Committee, jurors: list[Membership]) -> Dataset:
    fields = list(FieldOfAction.objects.order_by("position")[:2])
    staff = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-bericht", display_name="Gül Weber")
    steering = user_with_role(area, Role.STEUERUNG, username="steuerung-bericht", display_name="Sabine Steuer")

    organisations = [
        Organisation.objects.create(area=area, name=name, kind=kind) for name, kind, _c in ORGANISATION_SPEC
    ]
    for organisation, (_name, _kind, created) in zip(organisations, ORGANISATION_SPEC, strict=True):
        Organisation.objects.filter(pk=organisation.pk).update(created_at=created)
    persons = []
    for name, resident, created in PERSON_SPEC:
        first, last = name.split()
        person = Person.objects.create(area=area, first_name=first, last_name=last, is_resident=resident)
        Person.objects.filter(pk=person.pk).update(created_at=created)
        persons.append(person)

    for day, channel, field_indexes, person_indexes, organisation_indexes in CONTACT_SPEC:
        note = ContactNote.objects.create(area=area, date=day, staff=staff, channel=channel, topic="Gespräch")
        note.fields_of_action.set([fields[i] for i in field_indexes])
        note.persons.set([persons[i] for i in person_indexes])
        note.organisations.set([organisations[i] for i in organisation_indexes])

    for raised_on, status, changes, forwarded_to in CONCERN_SPEC:
        concern = Concern.objects.create(
            area=area, text="Die Bank am Ufer ist kaputt.", raised_on=raised_on, status=status,
            forwarded_to=forwarded_to,
        )  # fmt: skip
        previous = S.NEW
        for to_status, moment in changes:
            change = ConcernStatusChange.objects.create(
                concern=concern, from_status=previous, to_status=to_status, by=staff
            )
            ConcernStatusChange.objects.filter(pk=change.pk).update(at=moment)
            previous = to_status

    add_events(area, fields)

    active = Network.objects.create(area=area, name="Runder Tisch Ufer", lead_organisation=organisations[0])
    Network.objects.filter(pk=active.pk).update(created_at=at(D(2025, 3, 1)))
    active.fields_of_action.set([fields[0]])
    NetworkMembership.objects.create(network=active, organisation=organisations[0], start=D(2024, 1, 1))
    NetworkMembership.objects.create(network=active, person=persons[0], start=D(2025, 2, 1))  # joined in the year
    NetworkMembership.objects.create(network=active, organisation=organisations[1], end=D(2024, 6, 30))  # ended
    ended = Network.objects.create(area=area, name="AG Vergangenheit")  # no member in the year
    NetworkMembership.objects.create(
        network=ended, organisation=organisations[1], start=D(2023, 1, 1), end=D(2024, 12, 31)
    )
    NetworkMembership.objects.create(network=ended, organisation=organisations[3], start=D(2026, 1, 1))

    for starts_at, status, attendance, items in JURY_MEETING_SPEC:
        meeting = Meeting.objects.create(committee=jury, starts_at=starts_at, status=status)
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, membership=member, status=s)
                for member, s in zip(jurors, attendance, strict=False)
            ]
        )
        for position, (title, result, yes, no, abstain) in enumerate(items, start=1):
            AgendaItem.objects.create(
                meeting=meeting, position=position, title=title, result=result, yes=yes, no=no, abstain=abstain
            )
    for closed_at, result, (yes, no, abstain) in BALLOT_SPEC:
        ballot = Ballot.objects.create(
            committee=jury, title=f"Umlauf {closed_at:%d.%m.%Y}", deadline=closed_at, status=Ballot.Status.CLOSED,
            opened_at=closed_at - datetime.timedelta(days=7), closed_at=closed_at,
        )  # fmt: skip
        BallotItem.objects.create(
            ballot=ballot, position=1, title=f"Antrag {closed_at:%d.%m.%Y}", yes=yes, no=no, abstain=abstain,
            recusals=0, result=result,
        )  # fmt: skip
    Ballot.objects.create(committee=jury, title="Offen", deadline=at(D(2025, 12, 1)), status=Ballot.Status.OPEN)

    council = Committee.objects.create(
        area=area, name="Quartiersrat Kiez am Kanal", kind=Committee.Kind.NEIGHBOURHOOD_COUNCIL, resident_share=51
    )
    Membership.objects.create(committee=council, person=persons[0], member_type=Membership.MemberType.RESIDENT)
    Membership.objects.create(committee=council, person=persons[1], member_type=Membership.MemberType.INSTITUTION)
    Membership.objects.create(  # left before the end of the year: not counted on 31 December
        committee=council, person=persons[2], member_type=Membership.MemberType.RESIDENT, end=D(2025, 6, 30)
    )
    council_meeting = Meeting.objects.create(committee=council, starts_at=at(D(2025, 6, 1), 19), status=HELD)
    AgendaItem.objects.create(meeting=council_meeting, position=1, title="Wahl", result=Result.NO_QUORUM)

    funds = {
        key: Fund.objects.create(area=area, name=name, kind=Fund.Kind.ACTION_FUND, year=year, budget=Decimal(budget))
        for key, (name, year, budget) in FUND_SPEC.items()
    }
    for fund_key, (kind, index), status, approved, settled, submitted, field_indexes, payments in APPLICATION_SPEC:
        applicant = {"person": persons, "organisation": organisations}[kind][index]
        application = make_application(funds[fund_key], **{kind: applicant}, title=f"Projekt {status}")
        Application.objects.filter(pk=application.pk).update(
            status=status,
            approved_amount=Decimal(approved) if approved else None,
            settled_amount=Decimal(settled) if settled else None,
            submitted_at=at(submitted) if submitted else None,
            reason="Kein Bezug zum Gebiet." if status == Application.Status.REJECTED else "",
        )
        application.fields_of_action.set([fields[i] for i in field_indexes])
        for amount, paid_on, released in payments:
            Payment.objects.create(
                application=application, amount=Decimal(amount), paid_on=paid_on, method=Payment.Method.TRANSFER,
                recorded_by=staff, recorded_at=at(paid_on), released_by=steering if released else None,
                released_at=at(paid_on) if released else None,
            )  # fmt: skip
        if status == Application.Status.CLOSED and settled:  # what its receipts did not cover has come back
            paid = sum(Decimal(amount) for amount, _paid_on, released in payments if released)
            if paid > Decimal(settled):
                Repayment.objects.create(
                    application=application, amount=paid - Decimal(settled), received_on=D(2026, 2, 1),
                    recorded_by=staff, recorded_at=at(D(2026, 2, 1)),
                )  # fmt: skip

    older = Version.objects.create(area=area, label="ISEK 2020", status="beschlossen", adopted_on=D(2020, 5, 1))
    adopted = Version.objects.create(area=area, label="ISEK 2024", status="beschlossen", adopted_on=D(2024, 6, 20))
    # The report reads the newest version: the draft of the yearly update, where the year's work is recorded.
    version = Version.objects.create(area=area, label="ISEK 2024, Fortschreibung 2026", previous=adopted)
    for spec in MEASURE_SPEC:
        add_measure(version, spec, fields)
    # The same measure, differently, in the other versions: the report must not read them.
    for other in (older, adopted):
        measure = Measure.objects.create(
            version=other, number="M-1", title="Anders", kind="investiv", responsible_role="planung",
            status=Measure.Status.DONE, end=D(2025, 5, 5),
        )  # fmt: skip
        PlannedCost.objects.create(measure=measure, year=YEAR, amount=Decimal("777.00"))
        Spending.objects.create(measure=measure, date=D(2025, 5, 5), amount=Decimal("777.00"), source="bund")
    for name, baseline, target, values in INDICATOR_SPEC:
        indicator = Indicator.objects.create(
            version=version, name=name, unit="%", direction="hoeher", field_of_action=fields[0],
            baseline_year=baseline[0], baseline=Decimal(baseline[1]), target_year=target[0], target=Decimal(target[1]),
        )  # fmt: skip
        IndicatorValue.objects.bulk_create(
            [IndicatorValue(indicator=indicator, year=y, value=Decimal(v)) for y, v in values.items()]
        )

    # Another area, busy in the same year: nothing of it counts.
    other_staff = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nord")
    ContactNote.objects.create(area=other_area, date=D(2025, 5, 5), staff=other_staff, channel="buero", topic="x")
    concern = Concern.objects.create(area=other_area, text="Nord", raised_on=D(2025, 5, 5), status=S.DONE)
    change = ConcernStatusChange.objects.create(concern=concern, from_status=S.NEW, to_status=S.DONE, by=other_staff)
    ConcernStatusChange.objects.filter(pk=change.pk).update(at=at(D(2025, 6, 6)))
    other_committee = Committee.objects.create(area=other_area, name="Quartiersrat Nordstadt", kind="quartiersrat")
    other_meeting = Meeting.objects.create(committee=other_committee, starts_at=at(D(2025, 4, 4), 18), status=HELD)
    AgendaItem.objects.create(meeting=other_meeting, position=1, title="Nord", result=Result.ADOPTED, yes=9, no=0)
    other_fund = Fund.objects.create(area=other_area, name="Aktionsfonds", kind="aktionsfonds", year=YEAR, budget=5000)
    other_person = Person.objects.create(area=other_area, last_name="Nord")
    other_application = make_application(other_fund, person=other_person)
    Application.objects.filter(pk=other_application.pk).update(
        status=Application.Status.APPROVED, approved_amount=Decimal("400.00"), submitted_at=at(D(2025, 3, 3))
    )
    Event.objects.create(
        area=other_area, title="Nordfest", starts_at=at(D(2025, 7, 7)), ends_at=at(D(2025, 7, 7), 18), participants=900
    )
    other_version = Version.objects.create(area=other_area, label="ISEK Nordstadt (Entwurf)")
    Measure.objects.create(
        version=other_version, number="N-1", title="Nord", kind="investiv", responsible_role="planung",
        status=Measure.Status.RUNNING,
    )  # fmt: skip
    return Dataset(
        area=area, other_area=other_area, fields=fields, staff=staff, organisations=organisations, persons=persons,
        jury=jury, council=council, funds=funds, version=version, extra={"adopted": adopted, "steering": steering},
    )  # fmt: skip


def add_events(area: Quartier, fields: list[FieldOfAction]) -> list[Event]:
    """The events of ``EVENT_SPEC``, two of them of a weekly series."""
    groups = list(TargetGroup.objects.order_by("position")[:3])
    series = Series.objects.create(
        area=area, title="Sprechstunde", first_day=D(2025, 6, 10), last_day=D(2025, 6, 17),
        start_time=datetime.time(10), end_time=datetime.time(12),
    )  # fmt: skip
    events = []
    for number, (start, kind, public, of_series, field_indexes, group_indexes, total, ages, counts) in enumerate(
        EVENT_SPEC, start=1
    ):
        under_18, age_18_64, age_65_plus = ages
        event = Event.objects.create(
            area=area, title=f"Veranstaltung {number}", kind=kind, starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), place=f"Ort {number}", public=public,
            series=series if of_series else None, participants=total, under_18=under_18, age_18_64=age_18_64,
            age_65_plus=age_65_plus,
        )  # fmt: skip
        event.fields_of_action.set([fields[i] for i in field_indexes])
        event.target_groups.set([groups[i] for i in group_indexes])
        for index, count in counts.items():
            TargetGroupCount.objects.create(event=event, target_group=groups[index], count=count)
        events.append(event)
    return events


def add_measure(version: Version, spec: tuple, fields: list[FieldOfAction]) -> Measure:
    number, status, end, field_indexes, cost, cost_before, financing, spendings, milestones, notes = spec
    measure = Measure.objects.create(
        version=version, number=number, title=f"Maßnahme {number}", kind="investiv", responsible_role="planung",
        status=status, end=end,
    )  # fmt: skip
    measure.fields_of_action.set([fields[i] for i in field_indexes])
    for year, amount in ((YEAR, cost), (YEAR - 1, cost_before)):
        if amount:
            PlannedCost.objects.create(measure=measure, year=year, amount=Decimal(amount))
    for source, amount in financing.items():
        Financing.objects.create(measure=measure, year=YEAR, source=source, amount=Decimal(amount))
    for day, amount, source in spendings:
        Spending.objects.create(measure=measure, date=day, amount=Decimal(amount), source=source)
    for day, reached in milestones:
        Milestone.objects.create(measure=measure, date=day, title=f"Meilenstein {day:%d.%m.}", reached=reached)
    for day, text in notes:
        ProgressNote.objects.create(measure=measure, date=day, text=text)
    return measure
