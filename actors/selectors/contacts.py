"""Reads of contact notes: the filtered list, one note, an actor's recent notes and the follow-ups due."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import Concat, Trim

from actors.models import ContactNote, Organisation, Person
from quartier import permissions
from quartier.models import Quartier, RoleAssignment, User
from quartier.selectors import CompiledLists, database_day
from quartier.sorting import german

#: How far ahead the dashboard looks for follow-ups, and how many it shows.
FOLLOW_UP_HORIZON = datetime.timedelta(days=7)
FOLLOW_UP_LIMIT = 10
RECENT_LIMIT = 20


def follow_up_assignees(area: Quartier) -> QuerySet[User]:
    """Who may be given a follow-up in ``area``: the active users who can read its contact notes."""
    return permissions.users_with(permissions.VIEW_CONTACTS, area).order_by("display_name", "username")


def follow_ups_without_reader(area_id: int) -> QuerySet[ContactNote]:
    """The open follow-ups of the area ``area_id`` whose assignee can no longer read them (their role changed or
    ended, or their account was switched off), soonest first, at most ``FOLLOW_UP_LIMIT``. The office's dashboard
    shows them (``quartier.dashboard``) so they are given to someone else rather than lost."""
    readers = permissions.users_with(permissions.VIEW_CONTACTS, area_id).values("pk")
    return (
        ContactNote.objects.filter(area_id=area_id, follow_up_due__isnull=False, follow_up_done=False)
        .exclude(follow_up_assignee__in=readers)
        .select_related("follow_up_assignee")
        .only(
            "pk",
            "topic",
            "follow_up_due",
            "follow_up_assignee__display_name",
            "follow_up_assignee__first_name",
            "follow_up_assignee__last_name",
            "follow_up_assignee__username",
        )
        .order_by("follow_up_due", "pk")[:FOLLOW_UP_LIMIT]
    )


def area_staff(area: Quartier) -> QuerySet[User]:
    """The active users who hold a role in ``area``: who may write notes there."""
    return (
        User.objects.filter(role_assignments__area=area, is_active=True).distinct().order_by("display_name", "username")
    )


def note_authors(area: Quartier | int) -> QuerySet[User]:
    """Everyone the list can be filtered by: the area's staff and whoever wrote a note here before."""
    # One probe of an index per user, instead of reading every note of the area (and no DISTINCT).
    return (
        User.objects.filter(
            Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), area=area))
            | Exists(ContactNote.objects.filter(staff=OuterRef("pk"), area=area))
        )
        .only("pk", *USER_NAME)
        .order_by("display_name", "username")
    )


def _persons() -> Prefetch:
    return Prefetch("persons", queryset=Person.objects.order_by(*german("last_name", "first_name")))


def _organisations() -> Prefetch:
    return Prefetch("organisations", queryset=Organisation.objects.order_by(*german("name")))


#: A person's name as ``str(person)`` writes it.
PERSON_NAME = Trim(Concat("first_name", Value(" "), "last_name"))

#: The columns of a user the pages show (``User.get_display_name``).
USER_NAME = ("display_name", "first_name", "last_name", "username")


def contact_notes_for(area: Quartier) -> QuerySet[ContactNote]:
    """The area's contact notes (``actors.filters.ContactFilterSet`` narrows them), newest first."""
    return ContactNote.objects.filter(area=area).order_by("-date", "-pk")


def contact_notes_shown(
    notes: QuerySet[ContactNote], *, with_persons: bool, for_list: bool = False
) -> QuerySet[ContactNote]:
    """``notes`` with their people, organisations and fields (for the export); ``for_list``: only the columns
    the list shows, with the names of its organisations (and persons) as ``organisation_names``
    (``person_names``), without the fields of action."""
    queryset = notes.select_related("staff", "follow_up_assignee")
    if for_list:
        # The names the list shows, as arrays in the same query: no prefetch (two more queries and their machinery).
        people = [f"{user}__{name}" for user in ("staff", "follow_up_assignee") for name in USER_NAME]
        queryset = queryset.only("date", "topic", "channel", "follow_up_due", "follow_up_done", *people)
        queryset = queryset.annotate(
            organisation_names=ArraySubquery(
                Organisation.objects.filter(contact_notes=OuterRef("pk")).order_by(*german("name")).values("name")
            )
        )
        if with_persons:
            persons = Person.objects.filter(contact_notes=OuterRef("pk")).order_by(*german("last_name", "first_name"))
            queryset = queryset.annotate(person_names=ArraySubquery(persons.values(name=PERSON_NAME)))
        return queryset
    prefetches: list[str | Prefetch] = ["fields_of_action", _organisations()]
    if with_persons:
        prefetches.append(_persons())
    return queryset.prefetch_related(*prefetches)


def _notes_by_ids(*, area: int, page: list[int], with_persons: bool) -> dict[str, QuerySet[ContactNote]]:
    notes = ContactNote.objects.filter(area=area, pk__any_of=page).order_by()
    return {"notes": contact_notes_shown(notes, with_persons=with_persons, for_list=True)}


_NOTES_BY_IDS = CompiledLists(_notes_by_ids, ids=("area",), id_lists=("page",))


def contact_notes_by_ids(area: Quartier, ids: list[int], *, with_persons: bool) -> list[ContactNote]:
    """The area's notes of ``ids`` as the list shows them (``contact_notes_shown(..., for_list=True)``), in no
    particular order; one prepared query."""
    return _NOTES_BY_IDS.read(area=area.pk, page=ids, with_persons=with_persons)["notes"]


def contact_note_detail(area: Quartier, pk: int, *, with_persons: bool) -> ContactNote | None:
    """One note of ``area`` with its people, organisations and fields; ``None`` if it is not in this area."""
    prefetches: list[str | Prefetch] = ["fields_of_action", _organisations()]
    if with_persons:
        prefetches.append(_persons())
    return (
        ContactNote.objects.filter(area=area, pk=pk)
        .select_related("staff", "follow_up_assignee")
        .prefetch_related(*prefetches)
        .first()
    )


def recent_contacts_for(
    area: Quartier, *, organisation: Organisation | None = None, person: Person | None = None
) -> list[ContactNote]:
    """The newest notes about one organisation or person (the same list the actor's page shows). One query."""
    queryset = ContactNote.objects.filter(area=area)
    if organisation is not None:
        queryset = queryset.filter(organisations=organisation)
    elif person is not None:
        queryset = queryset.filter(persons=person)
    else:
        return []
    return list(queryset.select_related("staff").order_by("-date", "-pk")[:RECENT_LIMIT])


def follow_ups_due(area_id: int, user_id: int) -> QuerySet[ContactNote]:
    """The user's open follow-ups in the area due within ``FOLLOW_UP_HORIZON`` of today (the database's date in
    the project's time zone; overdue ones included), soonest first, at most ``FOLLOW_UP_LIMIT``
    (``with_overdue`` marks the overdue ones)."""
    return (
        ContactNote.objects.filter(
            area_id=area_id,
            follow_up_assignee_id=user_id,
            follow_up_done=False,
            follow_up_due__lte=database_day(FOLLOW_UP_HORIZON.days),
        )
        .only("pk", "topic", "date", "follow_up_due")
        .order_by("follow_up_due", "pk")[:FOLLOW_UP_LIMIT]
    )


def with_overdue(notes: Iterable[ContactNote], *, today: datetime.date) -> list[ContactNote]:
    """``notes``, each carrying ``overdue``."""
    notes = list(notes)
    for note in notes:
        note.overdue = note.follow_up_due < today  # type: ignore[attr-defined,operator]
    return notes


def follow_ups_due_for(area: Quartier, user: User, *, today: datetime.date) -> list[ContactNote]:
    """``user``'s open follow-ups in ``area`` due within a week (``follow_ups_due``), each carrying ``overdue``.
    One query."""
    return with_overdue(follow_ups_due(area.pk, user.pk), today=today)
