"""Personal data of the committees app (see ``quartier.personal_data``): the person's memberships with their
terms, attendance at meetings, named votes, participation in ballots, conflict declarations, and the
agenda and ballot items about the person's fund applications."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from committees.models import AgendaItem, Ballot, BallotItem, Committee, Membership
from committees.services.tombstones import named_membership_gone
from quartier import permissions
from quartier.models import running_on
from quartier.personal_data import (
    ACCOUNT,
    Column,
    Erasing,
    Erasure,
    Kind,
    Registration,
    Section,
    Subject,
    register,
)
from quartier.sorting import german

APPLICATION = "fonds.Application"
#: Minutes, votes and attendance are the committee's record of its decisions on public money.
RECORD_YEARS = 10


# --- memberships -------------------------------------------------------------------------------------------


def export_memberships(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Committee memberships")
    memberships = rows.select_related("committee", "user").order_by(*german("committee__name"), "start", "pk")
    return Section(
        key="committee_memberships",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("member_type", _("Member type")),
            Column("voting", _("Voting member"), Kind.BOOL),
            Column("deputy", _("Deputy"), Kind.BOOL),
            Column("start", _("From"), Kind.DATE),
            Column("end", _("Until"), Kind.DATE),
            Column("account", _("Account for online voting")),
        ),
        rows=[
            {
                "committee": membership.committee.name,
                "member_type": membership.get_member_type_display(),
                "voting": membership.voting,
                "deputy": membership.deputy_of_id is not None,
                "start": membership.start,
                "end": membership.end,
                "account": membership.user.username if membership.user else None,
            }
            for membership in memberships
        ],
    )


def refuse_memberships(subject: Subject, rows: QuerySet[Any]) -> list[str]:
    """An account bound to someone else's membership as well is not the person's alone to erase. While a
    committee the person sits in has an open ballot, the erasure (which ends the membership) waits: it would
    change who may vote while the person's vote stays counted."""
    running = rows.filter(running_on(timezone.localdate()))
    open_ballots = (
        Ballot.objects.filter(committee__memberships__in=running, status=Ballot.Status.OPEN)
        .select_related("committee")
        .distinct()
        .order_by("deadline", "pk")
    )
    reasons = [
        _(
            "%(committee)s has an open ballot “%(ballot)s” until %(deadline)s: the erasure ends the membership, "
            "which would change who may vote. Erase after the ballot is closed."
        )
        % {
            "committee": ballot.committee.name,
            "ballot": ballot.title,
            "deadline": formats.date_format(timezone.localtime(ballot.deadline), "SHORT_DATETIME_FORMAT"),
        }
        for ballot in open_ballots
    ]
    shared = (
        Membership.objects.filter(user_id__in=subject.ids(ACCOUNT))
        .exclude(person=subject.person)
        .select_related("user", "committee")
        .order_by("pk")
    )
    return reasons + [
        _(
            "The account %(username)s is also bound to another person's membership in %(committee)s: "
            "bind that membership to its own member's account first."
        )
        % {"username": membership.user.username, "committee": membership.committee.name}  # type: ignore[union-attr]
        for membership in shared
    ]


def erase_memberships(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """Memberships end today (kept: the minutes stay true); one that has not begun yet is deleted."""
    today = erasing.today
    ended = list(
        rows.filter(Q(start__isnull=True) | Q(start__lte=today)).filter(Q(end__isnull=True) | Q(end__gt=today))
    )
    for membership in ended:
        LogEntry.objects.log_create(
            membership,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"end": [str(membership.end) if membership.end else None, str(today)]},
            actor=erasing.by,
            additional_data={**membership.get_additional_data(), "transition": "end_on_erasure"},
        )
    stamp = {"modified_at": timezone.now()}
    Membership.objects.filter(pk__in=[membership.pk for membership in ended]).update(end=today, **stamp)
    # The person is named publicly no more: the open data keeps tombstones of what it showed.
    named = list(rows.filter(named_publicly=True).select_related("committee"))
    rows.filter(named_publicly=True).update(named_publicly=False, **stamp)
    for membership in named:
        named_membership_gone(membership=membership, area_id=membership.committee.area_id)
    rows.filter(start__gt=today).delete()  # the minutes lose the person's name with the agenda items


register(
    Registration(
        model="committees.Membership",
        fields=("person", "user", "deputy_of"),
        label=_("committee memberships"),
        holds=_("committee, member type, voting or advisory, deputy, term, the account for online voting"),
        erasure=Erasure.END,
        because=_(
            "Memberships end today and stay, so the minutes stay true: who was a member, who was present, "
            "how they voted by name. The person's name is cut out of the minutes' texts."
        ),
        subject=lambda subject: Membership.objects.filter(person=subject.person).values_list("pk", flat=True),
        account_field="user",
        export=export_memberships,
        refuse=refuse_memberships,
        erase=erase_memberships,
        perm=permissions.VIEW_COMMITTEES,
        position=100,
    )
)

# --- what a member did --------------------------------------------------------------------------------------


def export_attendance(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Attendance at meetings")
    attendances = rows.select_related("meeting__committee").order_by("-meeting__starts_at", "pk")
    return Section(
        key="attendances",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("meeting", _("Meeting"), Kind.DATETIME),
            Column("status", _("Attendance")),
        ),
        rows=[
            {
                "committee": attendance.meeting.committee.name,
                "meeting": attendance.meeting.starts_at,
                "status": attendance.get_status_display(),
            }
            for attendance in attendances
        ],
    )


register(
    Registration(
        model="committees.Attendance",
        fields=("membership",),
        label=_("attendance at meetings"),
        holds=_("whether the member was present, excused or absent at each meeting"),
        erasure=Erasure.KEEP,
        keep_years=RECORD_YEARS,
        because=_("The minutes stay true: attendance decides whether the committee had a quorum."),
        export=export_attendance,
        perm=permissions.VIEW_COMMITTEES,
        position=110,
    )
)


def _item_of(row: Any) -> tuple[str | None, str | None]:
    """The ballot's and the item's titles of a row that points at a ballot item (either may be missing)."""
    item = getattr(row, "item", None)
    if item is None:
        return None, None
    ballot = getattr(item, "ballot", None)
    return (ballot.title if ballot else None), item.title


def export_votes(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Named votes")
    # Of closed ballots only: while a ballot is open, the office sees who has voted, never how (the member
    # sees their own vote on their ballot page).
    votes = (
        rows.filter(item__ballot__status=Ballot.Status.CLOSED)
        .select_related("item__ballot__committee")
        .order_by("-item__ballot__deadline", "item__position")
    )
    result = []
    for vote in votes:
        ballot, item = _item_of(vote)
        result.append(
            {
                "committee": vote.item.ballot.committee.name,
                "ballot": ballot,
                "item": item,
                "choice": vote.get_choice_display(),
                "cast_at": vote.cast_at,
            }
        )
    return Section(
        key="votes",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("ballot", _("Ballot")),
            Column("item", _("Item")),
            Column("choice", _("Vote")),
            Column("cast_at", _("Cast"), Kind.DATETIME),
        ),
        rows=result,
        note=_(
            "Secret ballots keep no link between a vote and its voter; only taking part is listed below. A vote "
            "in a ballot still open is listed once the ballot has closed."
        ),
    )


register(
    Registration(
        model="committees.Vote",
        fields=("membership",),
        label=_("named votes"),
        holds=_("how the member voted on each item of a named (not secret) ballot"),
        erasure=Erasure.KEEP,
        keep_years=RECORD_YEARS,
        because=_(
            "A committee's decision on public money must stay traceable; the vote stays with the ended membership."
        ),
        export=export_votes,
        perm=permissions.VIEW_COMMITTEES,
        position=120,
    )
)


def export_participations(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Taking part in ballots")
    participations = rows.select_related("item__ballot__committee").order_by(
        "-item__ballot__deadline", "item__position"
    )
    result = []
    for participation in participations:
        ballot, item = _item_of(participation)
        result.append(
            {
                "committee": participation.item.ballot.committee.name,
                "ballot": ballot,
                "secret": participation.item.ballot.secret,
                "item": item,
                "kind": participation.get_kind_display(),
            }
        )
    return Section(
        key="ballot_participations",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("ballot", _("Ballot")),
            Column("secret", _("Secret ballot"), Kind.BOOL),
            Column("item", _("Item")),
            Column("kind", _("Took part")),
        ),
        rows=result,
    )


register(
    Registration(
        model="committees.Participation",
        fields=("membership",),
        label=_("participation in ballots"),
        holds=_("that the member voted on an item or declared a conflict of interest (never how they voted)"),
        erasure=Erasure.KEEP,
        keep_years=RECORD_YEARS,
        because=_("Who took part decides the quorum and prevents voting twice; it stays with the ended membership."),
        export=export_participations,
        perm=permissions.VIEW_COMMITTEES,
        position=130,
    )
)


def export_conflicts(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Conflicts of interest")
    flags = rows.select_related("item__ballot").order_by("pk")
    result = []
    for flag in flags:
        ballot, item = _item_of(flag)
        result.append({"ballot": ballot, "item": item, "reason": flag.reason, "status": flag.get_status_display()})
    return Section(
        key="conflict_declarations",
        title=title,
        columns=(
            Column("ballot", _("Ballot")),
            Column("item", _("Item")),
            Column("reason", _("Reason")),
            Column("status", _("Status")),
        ),
        rows=result,
    )


def erase_conflicts(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    erasing.redact_fields(rows, ["reason"])


register(
    Registration(
        model="committees.ConflictFlag",
        fields=("membership",),
        label=_("conflicts of interest"),
        holds=_("a possible conflict of interest of the member for an item, and whether they confirmed it"),
        erasure=Erasure.ANONYMISE,
        keep_years=RECORD_YEARS,
        because=_("A recusal explains a decision's counts; the person's name is cut out of the reason."),
        export=export_conflicts,
        erase=erase_conflicts,
        perm=permissions.VIEW_COMMITTEES,
        position=140,
    )
)

# --- items about the person's applications (generic relations) ------------------------------------------------


def _linked(model: type[Any]) -> Any:
    def rows(subject: Subject) -> QuerySet[Any]:
        content_type = ContentType.objects.get_for_model(apps.get_model(APPLICATION))
        return model.objects.filter(content_type=content_type, object_id__in=subject.ids(APPLICATION))

    return rows


def export_agenda_items(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Meeting items about the person's applications")
    items = rows.select_related("meeting__committee").order_by("-meeting__starts_at", "position")
    return Section(
        key="agenda_items",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("meeting", _("Meeting"), Kind.DATETIME),
            Column("title", _("Item")),
            Column("result", _("Result")),
            Column("decision", _("Decision"), Kind.LONG),
        ),
        rows=[
            {
                "committee": item.meeting.committee.name,
                "meeting": item.meeting.starts_at,
                "title": item.title,
                "result": item.get_result_display(),
                "decision": item.decision,
                "yes": item.yes,
                "no": item.no,
                "abstain": item.abstain,
            }
            for item in items
        ],
    )


def _area_committees(subject: Subject) -> QuerySet[Any]:
    """The committees of the person's area: their records may name the person (an item "Antrag von …" that is
    not linked to the application, the minutes of a meeting they spoke at)."""
    return Committee.objects.filter(area=subject.area).values("pk")


AGENDA_TEXTS = ["title", "description", "minutes", "decision"]


def erase_agenda_items(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """The items about the person's applications lose their name, address, email and phone; every other item
    of the area's committees (minutes, decisions, items not linked to an application) loses their full name and
    contact data wherever it is written out, the earlier versions in the audit trail too."""
    erasing.redact_fields(rows, AGENDA_TEXTS)
    others = AgendaItem.objects.filter(meeting__committee__in=_area_committees(subject)).exclude(
        pk__in=rows.values("pk")
    )
    erasing.scrub_audit(AgendaItem, others.values_list("pk", flat=True), mentions_only=True)
    erasing.redact_fields(others, AGENDA_TEXTS, mentions_only=True)


register(
    Registration(
        model="committees.AgendaItem",
        fields=("subject",),
        label=_("meeting items about the person's applications"),
        holds=_("the item's title and text, the minutes and the decision"),
        erasure=Erasure.ANONYMISE,
        keep_years=RECORD_YEARS,
        because=_(
            "The minutes are the record of the decision on public money; the person's name is cut out, and their "
            "full name and contact data from every other item of the area's committees."
        ),
        export=export_agenda_items,
        erase=erase_agenda_items,
        rows=_linked(AgendaItem),
        perm=permissions.VIEW_COMMITTEES,
        position=150,
    )
)


def export_ballot_items(subject: Subject, rows: QuerySet[Any]) -> Section:
    title = _("Ballot items about the person's applications")
    items = rows.select_related("ballot__committee").order_by("-ballot__deadline", "position")
    return Section(
        key="ballot_items",
        title=title,
        columns=(
            Column("committee", _("Committee")),
            Column("ballot", _("Ballot")),
            Column("title", _("Item")),
            Column("result", _("Result")),
        ),
        rows=[
            {
                "committee": item.ballot.committee.name,
                "ballot": item.ballot.title,
                "title": item.title,
                "result": item.get_result_display(),
                "yes": item.yes,
                "no": item.no,
                "abstain": item.abstain,
            }
            for item in items
        ],
    )


def erase_ballot_items(subject: Subject, erasing: Erasing, rows: QuerySet[Any]) -> None:
    """As for agenda items: the items about the person's applications, then every other item of the area's
    ballots for their full name and contact data."""
    erasing.redact_fields(rows, ["title", "description"])
    others = BallotItem.objects.filter(ballot__committee__in=_area_committees(subject)).exclude(
        pk__in=rows.values("pk")
    )
    erasing.scrub_audit(BallotItem, others.values_list("pk", flat=True), mentions_only=True)
    erasing.redact_fields(others, ["title", "description"], mentions_only=True)


register(
    Registration(
        model="committees.BallotItem",
        fields=("subject",),
        label=_("ballot items about the person's applications"),
        holds=_("the item's title and text"),
        erasure=Erasure.ANONYMISE,
        keep_years=RECORD_YEARS,
        because=_(
            "The ballot is the record of the decision on public money; the person's name is cut out, and their "
            "full name and contact data from every other item of the area's ballots."
        ),
        export=export_ballot_items,
        erase=erase_ballot_items,
        rows=_linked(BallotItem),
        perm=permissions.VIEW_COMMITTEES,
        position=160,
    )
)


# --- calendar links ------------------------------------------------------------------------------------------


def export_calendar_links(subject: Subject, rows: QuerySet[Any]) -> Section:
    links = rows.select_related("committee").order_by(*german("committee__name"), "pk")
    return Section(
        key="calendar_links",
        title=_("Calendar links"),
        columns=(
            Column("committee", _("Committee")),
            Column("created_at", _("Made"), Kind.DATETIME),
        ),
        rows=[{"committee": link.committee.name, "created_at": link.created_at} for link in links],
        note=_("Only a fingerprint of each link is kept; the link itself cannot be shown again."),
    )


register(
    Registration(
        model="committees.CalendarLink",
        fields=("user", "membership"),
        label=_("calendar links"),
        holds=_("that the person made a link to a committee's calendar, and when (only its fingerprint)"),
        erasure=Erasure.DELETE,
        export=export_calendar_links,
        perm=permissions.VIEW_COMMITTEES,
        position=170,
    )
)
