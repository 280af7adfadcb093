"""Section 7, committees: per committee the meetings held in the year, their attendance and the resident share
against the committee's rule (``committees.rules.Composition``); the decisions of the year. A meeting counts when
it was held (status held or minutes approved) and started in the year; a decision is an item of such a meeting,
or an item of an online ballot (circular resolution) closed in the year, adopted or rejected (deferred items and
items without a quorum are no decisions). The composition is read on the year's last day, or today while the year
runs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from committees.models import Result
from committees.rules import Composition
from quartier.display import share
from quartier.models import Quartier
from reporting import selectors
from reporting.figures.common import Table


@dataclass(frozen=True, slots=True)
class CommitteeRow:
    name: str
    kind: str | Promise
    meetings: int  # held in the year
    meetings_with_attendance: int
    present: int  # attendances recorded as present (members, deputies and advisory members)
    recorded: int  # attendances recorded
    attendance_rate: Decimal | None  # present of recorded, percent
    present_per_meeting: Decimal | None  # present per meeting with attendance
    voting_members: int  # on ``CommitteesSection.on``
    residents: int  # voting residents on ``CommitteesSection.on``
    resident_share: Decimal  # percent
    required_share: Decimal  # the committee's rule, percent
    meets_rule: bool


@dataclass(frozen=True, slots=True)
class DecisionRow:
    date: datetime.date
    committee: str
    title: str
    circular: bool  # decided in an online ballot, not in a meeting
    yes: int | None
    no: int | None
    abstain: int | None
    result: str
    result_label: str | Promise


@dataclass(frozen=True, slots=True)
class CommitteesSection:
    committees: tuple[CommitteeRow, ...]  # by name
    meetings: int  # held in the year
    decisions: tuple[DecisionRow, ...]  # by date
    adopted: int
    rejected: int
    on: datetime.date  # the day the composition is read

    def tables(self) -> dict[str, Table]:
        return {
            "gremien": Table(
                _("Committees"),
                (
                    _("Committee"),
                    _("Kind"),
                    _("Meetings held"),
                    _("Attendance (%)"),
                    _("Present per meeting"),
                    _("Voting members"),
                    _("Residents"),
                    _("Resident share (%)"),
                    _("Required share (%)"),
                    _("Rule met"),
                ),
                tuple(
                    (
                        row.name,
                        row.kind,
                        row.meetings,
                        row.attendance_rate,
                        row.present_per_meeting,
                        row.voting_members,
                        row.residents,
                        row.resident_share,
                        row.required_share,
                        _("yes") if row.meets_rule else _("no"),
                    )
                    for row in self.committees
                ),
            ),
            "beschluesse": Table(
                _("Decisions"),
                (_("Date"), _("Committee"), _("Item"), _("Taken"), _("Yes"), _("No"), _("Abstentions"), _("Result")),
                tuple(
                    (
                        row.date,
                        row.committee,
                        row.title,
                        _("online ballot") if row.circular else _("meeting"),
                        row.yes,
                        row.no,
                        row.abstain,
                        row.result_label,
                    )
                    for row in self.decisions
                ),
            ),
        }


def _committee_row(on_day: selectors.CommitteeOnDay, held: int, taken: selectors.AttendanceCount) -> CommitteeRow:
    committee = on_day.committee
    composition = Composition(
        voting_members=on_day.voting_members, residents=on_day.residents, required_share=committee.resident_share
    )
    return CommitteeRow(
        name=committee.name,
        kind=committee.get_kind_display(),
        meetings=held,
        meetings_with_attendance=taken.meetings,
        present=taken.present,
        recorded=taken.recorded,
        attendance_rate=share(taken.present, taken.recorded),
        present_per_meeting=(
            (Decimal(taken.present) / taken.meetings).quantize(Decimal("0.1")) if taken.meetings else None
        ),
        voting_members=composition.voting_members,
        residents=composition.residents,
        resident_share=composition.resident_share,
        required_share=composition.required_share,
        meets_rule=composition.meets_rule,
    )


def committees_section(area: Quartier, year: int) -> CommitteesSection:
    """Five queries."""
    span = selectors.Span(year)
    on = span.on
    data = selectors.committee_data(area, span, on)
    results = dict(Result.choices)
    local = timezone.get_default_timezone()
    decisions = [
        DecisionRow(
            date=timezone.localdate(item.meeting.starts_at, local),
            committee=item.meeting.committee.name,
            title=item.title,
            circular=False,
            yes=item.yes,
            no=item.no,
            abstain=item.abstain,
            result=item.result,
            result_label=results.get(item.result, item.result),
        )
        for item in data.agenda_items
    ]
    decisions += [
        DecisionRow(
            date=timezone.localdate(item.ballot.closed_at, local),  # type: ignore[arg-type]
            committee=item.ballot.committee.name,
            title=item.title,
            circular=True,
            yes=item.yes,
            no=item.no,
            abstain=item.abstain,
            result=item.result,
            result_label=results.get(item.result, item.result),
        )
        for item in data.ballot_items
    ]
    decisions.sort(key=lambda row: (row.date, row.committee, row.circular, row.title))
    return CommitteesSection(
        committees=tuple(
            _committee_row(
                on_day,
                data.held.get(on_day.committee.pk, 0),
                data.attendance.get(on_day.committee.pk, selectors.NO_ATTENDANCE),
            )
            for on_day in data.committees
        ),
        meetings=sum(data.held.values()),
        decisions=tuple(decisions),
        adopted=sum(1 for row in decisions if row.result == Result.ADOPTED),
        rejected=sum(1 for row in decisions if row.result == Result.REJECTED),
        on=on,
    )
