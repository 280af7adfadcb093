"""Writes for contact notes, and the rules a note must meet (forms ask the same rules for their errors)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actors.models import ContactNote, Organisation, Person
from actors.services.persons import refuse_erased
from quartier import permissions
from quartier.audit import acting_as
from quartier.mail import queue_mail
from quartier.models import Quartier, RoleAssignment, User
from quartier.net import on_site

NOTE_FIELDS = (
    "date",
    "staff",
    "channel",
    "topic",
    "text",
    "follow_up_due",
    "follow_up_assignee",
    "follow_up_done",
)


def works_in(user: User | None, area: Quartier) -> bool:
    """Does ``user`` hold a role in ``area`` (and may still log in)?"""
    return user is not None and user.is_active and RoleAssignment.objects.filter(user=user, area=area).exists()


def follow_up_takers(area: Quartier) -> QuerySet[User]:
    """Who may be given a follow-up of a note in ``area``: only who can read the note (``view_contacts`` there);
    a follow-up given to anyone else is lost, since they cannot open it."""
    return permissions.users_with(permissions.VIEW_CONTACTS, area)


def can_take_follow_up(user: User | None, area: Quartier) -> bool:
    """May ``user`` be given a follow-up of a note in ``area`` (``follow_up_takers``)?"""
    return user is not None and follow_up_takers(area).filter(pk=user.pk).exists()


def contact_note_check(
    *, area: Quartier, values: Mapping[str, object], changed: Iterable[str], by: User | None = None
) -> None:
    """Raise a ``ValidationError`` by field for a note of ``area`` with ``values`` (the whole note after the change).

    Only the fields in ``changed`` are checked against the area's staff, so a note written by someone
    who has left can still be corrected.
    """
    changed = set(changed)
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    date = values.get("date")
    if isinstance(date, datetime.date) and date > today:
        refuse("date", _("A contact cannot lie in the future."))
    staff = values.get("staff")
    if "staff" in changed and staff is not None and staff != by and not works_in(staff, area):  # type: ignore[arg-type]
        refuse("staff", _("Choose someone who works in this area."))
    due = values.get("follow_up_due")
    assignee = values.get("follow_up_assignee")
    if due and assignee is None:
        refuse("follow_up_assignee", _("Say who does the follow-up."))
    if assignee is not None and not due:
        refuse("follow_up_due", _("Say by when the follow-up is due."))
    # Checked whenever the follow-up is given, its date moved or it is opened again; a note whose assignee has since
    # lost the right can still be corrected otherwise (the office's dashboard lists such follow-ups).
    opened_again = "follow_up_done" in changed and not values.get("follow_up_done")
    if (
        assignee is not None
        and (changed & {"follow_up_assignee", "follow_up_due"} or opened_again)
        and not can_take_follow_up(assignee, area)  # type: ignore[arg-type]
    ):
        refuse("follow_up_assignee", _("Choose someone who can read contact notes in this area."))
    if isinstance(due, datetime.date) and isinstance(date, datetime.date) and due < date:
        refuse("follow_up_due", _("The follow-up cannot be due before the contact."))
    foreign = {
        "organisations": _("Choose only organisations of this area."),
        "persons": _("Choose only persons of this area."),
    }
    for field, message in foreign.items():
        items: Iterable[Organisation | Person] = values.get(field) or ()  # type: ignore[assignment]
        if field in changed and any(item.area_id != area.pk for item in items):
            refuse(field, message)
    if errors:
        raise ValidationError(errors)


def _values(note: ContactNote) -> dict[str, object]:
    return {field: getattr(note, field) for field in NOTE_FIELDS}


def _apply(note: ContactNote, data: Mapping[str, object]) -> None:
    for field in NOTE_FIELDS:
        if field in data:
            setattr(note, field, data[field])
    if note.follow_up_due is None:
        note.follow_up_assignee = None
        note.follow_up_done = False


RELATIONS = ("organisations", "persons", "fields_of_action")


def _set_relations(note: ContactNote, data: Mapping[str, object]) -> None:
    for field in RELATIONS:
        if field in data:
            getattr(note, field).set(data[field] or [])


def _add_relations(note: ContactNote, data: Mapping[str, object]) -> None:
    """The relations of a new note: it has none yet, so adding is setting (the same rows and audit entries, without
    first reading the none it has)."""
    for field in RELATIONS:
        if items := cast("Iterable[object]", data.get(field) or ()):
            getattr(note, field).add(*items)


@transaction.atomic
def contact_note_create(*, area: Quartier, data: Mapping[str, object], by: User) -> ContactNote:
    """A new note in ``area`` from cleaned form data; the staff member is ``by`` unless ``data`` names one."""
    values = {"staff": by, **data}
    contact_note_check(area=area, values=values, changed=values.keys(), by=by)
    refuse_erased(*cast("Iterable[Person]", values.get("persons") or ()), field="persons")  # cleaned form data
    note = ContactNote(area=area)
    _apply(note, values)
    note.full_clean()
    with acting_as(by):
        note.save()
        _add_relations(note, values)
    return note


@transaction.atomic
def contact_note_update(*, note: ContactNote, data: Mapping[str, object], by: User) -> ContactNote:
    """Change a note; ``data`` holds only the changed, cleaned values."""
    area = note.area
    contact_note_check(area=area, values={**_values(note), **data}, changed=data.keys(), by=by)
    if "persons" in data:  # a person erased since keeps being named by the notes about them, but is not added
        named = set(note.persons.values_list("pk", flat=True))
        added = [person for person in data["persons"] or () if person.pk not in named]  # type: ignore[attr-defined]
        refuse_erased(*added, field="persons")
    _apply(note, data)
    note.full_clean()
    with acting_as(by):
        note.save()
        _set_relations(note, data)
    return note


@transaction.atomic
def contact_note_set_follow_up_done(*, note: ContactNote, done: bool, by: User) -> ContactNote:
    """Mark a note's follow-up done (or open again). Asking twice for the same state changes nothing."""
    locked = ContactNote.objects.select_for_update().get(pk=note.pk)
    if locked.follow_up_due is None:
        raise ValidationError(_("This note has no follow-up."), code="no_follow_up")
    if locked.follow_up_done and not done:  # open again: for its assignee, who must still be able to read it
        contact_note_check(
            area=locked.area, values={**_values(locked), "follow_up_done": False}, changed={"follow_up_done"}
        )
    if locked.follow_up_done != done:
        locked.follow_up_done = done
        with acting_as(by):
            locked.save(update_fields=["follow_up_done", "updated_at"])
    note.follow_up_done = locked.follow_up_done
    return note


@transaction.atomic
def follow_ups_due_tell(*, today: datetime.date) -> int:
    """Tell each staff member by mail which of their follow-ups are due ``today`` and not done (one mail each,
    every area they work in): only those they may still take (``follow_up_takers``). Each note is claimed
    for the day under a row lock, so a second run, or one at the same time, tells nobody twice. Returns the
    number of mails."""
    notes = list(
        ContactNote.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(follow_up_due=today, follow_up_done=False, follow_up_assignee__is_active=True)
        .exclude(follow_up_told_on=today)
        .select_related("area", "follow_up_assignee")
        .order_by("area__name", "pk")
    )
    ContactNote.objects.filter(pk__in=[note.pk for note in notes]).update(follow_up_told_on=today)
    takers = {  # one query per area, not one per note
        area.pk: set(follow_up_takers(area).values_list("pk", flat=True)) for area in {note.area for note in notes}
    }
    by_assignee: dict[int, list[ContactNote]] = {}
    for note in notes:
        assignee = note.follow_up_assignee
        if assignee is not None and assignee.email and assignee.pk in takers[note.area_id]:
            by_assignee.setdefault(assignee.pk, []).append(note)
    for owed in by_assignee.values():
        assignee = cast(User, owed[0].follow_up_assignee)
        areas = {note.area_id for note in owed}
        body = render_to_string(
            "actors/email/follow_ups_due.txt",
            {
                "user": assignee,
                "notes": [(note, _note_link(note)) for note in owed],
                "today": today,
            },
        )
        queue_mail(
            to=assignee.email,
            subject=ngettext("%(count)s follow-up is due today", "%(count)s follow-ups are due today", len(owed))
            % {"count": len(owed)},
            body=body,
            kind="actors.follow_ups_due",
            area=owed[0].area if len(areas) == 1 else None,
        )
    return len(by_assignee)


def _note_link(note: ContactNote) -> str:
    return on_site(reverse("contact_page", args=[note.area.slug, note.pk]))
