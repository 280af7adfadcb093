"""Writes of the core. Every write is a keyword-only function in a transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from committees.services.members import check_staff_account
from quartier.audit import acting_as
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.permissions import forget_cached_permissions


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
