"""Writes of the core. Every write is a keyword-only function in a transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from committees.services.members import check_staff_account
from quartier.audit import acting_as
from quartier.models import LegalKind, LegalText, Mail, Quartier, Role, RoleAssignment, User
from quartier.permissions import forget_cached_permissions
from quartier.transitions import Move, StateMachine


@transaction.atomic
def role_grant(*, user: User, area: Quartier, role: str, by: User | None) -> RoleAssignment:
    """Give ``user`` the ``role`` in ``area``. Granting a role twice is refused, and so is any role for an
    account that votes as a committee member (staff need an account of their own)."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="invalid_role")
    check_staff_account(user=user, lock=True)
    try:
        with transaction.atomic(), acting_as(by):
            assignment = RoleAssignment.objects.create(user=user, area=area, role=role)
    except IntegrityError as exc:  # roleassignment_unique, also when two admins grant at once
        raise ValidationError(_("This user already holds this role in this area."), code="duplicate") from exc
    forget_cached_permissions(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    """Take a role away; the permissions that no other role of the user grants go with it."""
    with acting_as(by):
        assignment.delete()
    forget_cached_permissions(assignment.user)


@transaction.atomic
def area_update(*, area: Quartier, by: User, data: dict[str, object]) -> Quartier:
    """Change an area's profile; ``data`` holds cleaned form values."""
    for field, value in data.items():
        setattr(area, field, value)
    area.full_clean()
    with acting_as(by):
        area.save(update_fields=list(data))
    return area


#: What the office writes of a legal text.
LEGAL_TEXT_FIELDS = ("text", "feedback_email")


@transaction.atomic
def legal_text_create(*, area: Quartier, kind: str, data: dict[str, object], by: User) -> LegalText:
    """Give ``area`` its own legal text of ``kind``, which replaces the installation's on the area's pages. Refused
    where the area has one of that kind already (change that one), for an unknown kind, and for a text the model's
    rules refuse (empty, too long, an accessibility statement without a feedback address)."""
    if kind not in LegalKind.values:
        raise ValidationError({"kind": _("Unknown kind of legal text.")}, code="invalid_kind")
    legal_text = LegalText(area=area, kind=kind, **{name: data[name] for name in LEGAL_TEXT_FIELDS if name in data})
    legal_text.full_clean()  # with the constraints: one of each kind per area, a feedback address, not empty
    try:
        with transaction.atomic(), acting_as(by):
            legal_text.save()
    except IntegrityError as exc:  # two offices saving the same kind at once
        raise ValidationError(_("There is already such a text here: change that one."), code="duplicate") from exc
    return legal_text


@transaction.atomic
def legal_text_update(*, legal_text: LegalText, data: dict[str, object], by: User) -> LegalText:
    """Change an area's own legal text (the installation's are written in the admin)."""
    if legal_text.area_id is None:
        raise ValidationError(_("The texts of the whole installation are changed in the administration."))
    locked = LegalText.objects.select_for_update().filter(pk=legal_text.pk).order_by("pk").first()
    if locked is None:  # removed meanwhile, by someone else
        raise ValidationError(_("This text has been removed meanwhile."), code="gone")
    legal_text = locked
    changed = [name for name in LEGAL_TEXT_FIELDS if name in data and getattr(legal_text, name) != data[name]]
    for name in changed:
        setattr(legal_text, name, data[name])
    legal_text.full_clean()
    if changed:
        with acting_as(by):
            legal_text.save(update_fields=[*changed, "updated_at"])
    return legal_text


@transaction.atomic
def legal_text_delete(*, legal_text: LegalText, by: User) -> None:
    """Remove an area's own legal text: the installation's applies on its pages again."""
    if legal_text.area_id is None:
        raise ValidationError(_("The texts of the whole installation are changed in the administration."))
    with acting_as(by):
        legal_text.delete()


# --- the outbox's steps (quartier.tasks.deliver_mail) ---------------------------------------------------------------

#: A mail waits until the mail server took it (sent) or its last try failed (failed). Steps of the delivery
#: task, each a conditional update: a mail delivered twice is noted once. Not audited: the mail is its own record.
MAIL = StateMachine(
    model=Mail,
    moves={
        "send": Move(
            sources=frozenset({Mail.Status.QUEUED}), target=Mail.Status.SENT, label=pgettext_lazy("step", "send")
        ),
        "fail": Move(
            sources=frozenset({Mail.Status.QUEUED}),
            target=Mail.Status.FAILED,
            label=pgettext_lazy("step", "give up sending"),
        ),
    },
    audited=False,
)


def mail_sent(mail: Mail, *, at: datetime.datetime | None = None) -> None:
    """The mail server took the waiting ``mail``: note when (nothing if it was noted already)."""
    MAIL.update(
        Mail.objects.filter(pk=mail.pk), "send", sent_at=at or timezone.now(), attempts=F("attempts") + 1, error=""
    )


def mail_tried(mail: Mail, error: str, *, last: bool) -> None:
    """A try to send the waiting ``mail`` failed with ``error``; after the ``last`` one it is given up."""
    rows = Mail.objects.filter(pk=mail.pk)
    if last:
        MAIL.update(rows, "fail", attempts=F("attempts") + 1, error=error[:2000])
    else:
        rows.filter(status=Mail.Status.QUEUED).update(attempts=F("attempts") + 1, error=error[:2000])
