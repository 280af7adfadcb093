"""Writes for residents' concerns."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from actors.models import Concern, ConcernStatusChange
from actors.services.persons import refuse_erased
from quartier import permissions
from quartier.audit import acting_as
from quartier.mail import queue_mail
from quartier.models import Quartier, User
from quartier.net import on_site
from quartier.permissions import users_with
from quartier.transitions import INVALID_TRANSITION, Move, StateMachine

S = Concern.Status


def _record(
    obj: Concern, *, from_state: str, to_state: str, by: User | None, note: str, now: datetime.datetime
) -> None:
    if by is None:  # never: ``concern_set_status`` asks for the person who takes the step
        raise ValueError("A concern's step is always taken by someone.")
    ConcernStatusChange.objects.create(concern=obj, from_status=from_state, to_status=to_state, note=note, by=by)


class ConcernFields(TypedDict, total=False):
    """What a step of a concern may set besides its status."""

    forwarded_to: str
    answer: str


def _move(sources: set[str], target: str, label: str | Promise, done: str | Promise) -> Move:
    """A step to ``target``, named in the audit trail by the state it leads to (``concern_erledigt``)."""
    return Move(sources=frozenset(sources), target=target, label=label, done=done, audit=f"concern_{target}")


#: A concern's steps. Done and not feasible may be reopened.
CONCERN = StateMachine(
    model=Concern,
    moves={
        "forward": _move(
            {S.NEW, S.IN_PROGRESS},
            S.FORWARDED,
            pgettext_lazy("step", "forward to the administration"),
            pgettext_lazy("done", "forwarded to the administration"),
        ),
        "take_up": _move(
            {S.NEW, S.FORWARDED}, S.IN_PROGRESS, pgettext_lazy("step", "take up"), pgettext_lazy("done", "taken up")
        ),
        "reopen": _move(
            {S.DONE, S.NOT_FEASIBLE}, S.IN_PROGRESS, pgettext_lazy("step", "reopen"), pgettext_lazy("done", "reopened")
        ),
        "complete": _move(
            {S.NEW, S.FORWARDED, S.IN_PROGRESS},
            S.DONE,
            pgettext_lazy("step", "mark as done"),
            pgettext_lazy("done", "marked as done"),
        ),
        "refuse": _move(
            {S.NEW, S.FORWARDED, S.IN_PROGRESS},
            S.NOT_FEASIBLE,
            pgettext_lazy("step", "mark as not feasible"),
            pgettext_lazy("done", "marked as not feasible"),
        ),
    },
    refusal=gettext_lazy("The concern is “%(status)s”; “%(move)s” is not possible."),
    record=_record,
)

#: Which status a concern may go to from which, as ``CONCERN`` declares it.
CONCERN_TRANSITIONS: dict[str, frozenset[str]] = {status: frozenset(CONCERN.targets(status)) for status in S.values}


@transaction.atomic
def concern_set_status(
    *, concern: Concern, to_status: str, by: User, note: str = "", forwarded_to: str = "", answer: str = ""
) -> Concern:
    """Move a concern to ``to_status``, record the step in its history and in the audit trail.

    Forwarding names the administrative unit; "not feasible" needs a reason.
    The row is locked so two people cannot move the same concern at once.
    """
    locked = CONCERN.lock(concern)
    move = CONCERN.move_to(locked, to_status)
    if move is None:
        raise ValidationError(
            _("A concern cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(locked.status).label, "to": S(to_status).label if to_status in S.values else to_status},
            code=INVALID_TRANSITION,
        )
    if to_status == S.FORWARDED and not (forwarded_to or locked.forwarded_to).strip():
        raise ValidationError(_("Say which administrative unit the concern goes to."), code="forwarded_to_missing")
    if to_status == S.NOT_FEASIBLE and not note.strip():
        raise ValidationError(_("Say why the concern cannot be carried out."), code="reason_missing")
    fields: ConcernFields = {}
    if forwarded_to:
        fields["forwarded_to"] = forwarded_to.strip()
    answered = answer.strip() and answer.strip() != locked.answer.strip()
    if answer:
        fields["answer"] = answer.strip()
    moved = CONCERN.apply(locked, move, by=by, note=note, **fields)
    if answered:
        _tell_the_answer(moved, by=by)
    return moved


def _tell_the_answer(concern: Concern, *, by: User) -> None:
    """The answer to a concern was recorded: the person who raised it is told, if they agreed and left an
    address (``tell_raiser``); and the area's other staff who work with concerns, so nobody asks the
    administration again."""
    area = Quartier.objects.get(pk=concern.area_id)
    context = {"concern": concern, "area": area, "link": _concern_link(area, concern)}
    with translation.override(settings.LANGUAGE_CODE):
        raiser = concern.raised_by_person
        if concern.tell_raiser and raiser is not None and raiser.email and raiser.erased_at is None:
            queue_mail(
                to=raiser.email,
                subject=_("Your concern at the neighbourhood office %(area)s has an answer") % {"area": area.name},
                body=render_to_string("actors/email/concern_answer.txt", {**context, "person": raiser}),
                kind="actors.concern_answered",
                about=raiser,
                area=area,
            )
        subject = _("Answer to the concern “%(concern)s”") % {"concern": Truncator(concern.text).chars(60)}
        body = render_to_string("actors/email/concern_answer_staff.txt", {**context, "by": by})
        for colleague in users_with(permissions.CHANGE_CONCERNS, area):
            if colleague.pk != by.pk and colleague.email:
                queue_mail(
                    to=colleague.email, subject=subject, body=body, kind="actors.concern_answered_staff", area=area
                )


def _concern_link(area: Quartier, concern: Concern) -> str:
    return on_site(reverse("concern_page", args=[area.slug, concern.pk]))


#: What the concern form edits; the status, the unit it went to and the answer move only through ``concern_set_status``.
CONCERN_FIELDS = (
    "text",
    "field_of_action",
    "place",
    "raised_on",
    "raised_by_person",
    "raised_by_organisation",
    "tell_raiser",
)


#: Why the answer cannot be told to whoever raised the concern.
NO_ADDRESS_TO_TELL = gettext_lazy(
    "Only a person with an email address can be told the answer: choose who raised the concern and record their "
    "address."
)


def concern_check(*, area: Quartier, values: Mapping[str, object]) -> None:
    """Raise a ``ValidationError`` by field for a concern of ``area`` with ``values``."""
    errors: dict[str, list[str]] = {}
    raised_on = values.get("raised_on")
    if isinstance(raised_on, datetime.date) and raised_on > timezone.localdate():
        errors["raised_on"] = [_("A concern cannot be raised in the future.")]
    person = values.get("raised_by_person")
    if person is not None and person.area_id != area.pk:  # type: ignore[attr-defined]
        errors["raised_by_person"] = [_("Choose a person of this area.")]
    organisation = values.get("raised_by_organisation")
    if organisation is not None and organisation.area_id != area.pk:  # type: ignore[attr-defined]
        errors["raised_by_organisation"] = [_("Choose an organisation of this area.")]
    if values.get("tell_raiser") and not (person is not None and person.email):  # type: ignore[attr-defined]
        errors["tell_raiser"] = [str(NO_ADDRESS_TO_TELL)]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def concern_create(*, area: Quartier, data: Mapping[str, object], by: User) -> Concern:
    """A new concern in ``area`` (status "new") from cleaned form data; nobody raising it means anonymous."""
    concern_check(area=area, values=data)
    refuse_erased(data.get("raised_by_person"), field="raised_by_person")  # type: ignore[arg-type]
    concern = Concern(area=area, **{field: data[field] for field in CONCERN_FIELDS if field in data})
    concern.full_clean()
    with acting_as(by):
        concern.save()
    return concern


@transaction.atomic
def concern_update(*, concern: Concern, data: Mapping[str, object], by: User) -> Concern:
    """Change what a concern says; ``data`` holds only the changed, cleaned values. The status stays."""
    # The answer is told only to a person with an address: checked against the concern as it will be.
    current = {"raised_by_person": concern.raised_by_person, "tell_raiser": concern.tell_raiser}
    concern_check(
        area=concern.area, values={**current, **{field: data[field] for field in CONCERN_FIELDS if field in data}}
    )
    person = data.get("raised_by_person")
    if person is not None and person.pk != concern.raised_by_person_id:  # type: ignore[attr-defined]
        refuse_erased(person, field="raised_by_person")  # type: ignore[arg-type]
    for field in CONCERN_FIELDS:
        if field in data:
            setattr(concern, field, data[field])
    concern.full_clean()
    with acting_as(by):
        concern.save()
    return concern
