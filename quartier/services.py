"""Writes of the core. Every write is a keyword-only function in a transaction."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from quartier.audit import acting_as
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.permissions import AREA_PERMISSIONS, forget_cached_permissions, permissions_for_roles


def _area_permission_objects(using: str = "default") -> dict[str, Permission]:
    content_type = ContentType.objects.db_manager(using).get_for_model(Quartier)
    return {
        perm.codename: perm
        for perm in Permission.objects.using(using).filter(content_type=content_type, codename__in=AREA_PERMISSIONS)
    }


def sync_role_permissions(*, user: User, quartier: Quartier, using: str = "default") -> None:
    """Make the user's stored object permissions on the area match their roles there."""
    roles = RoleAssignment.objects.using(using).filter(user=user, quartier=quartier).values_list("role", flat=True)
    wanted = permissions_for_roles(roles)
    perm_objects = _area_permission_objects(using)
    content_type = ContentType.objects.db_manager(using).get_for_model(Quartier)
    held = UserObjectPermission.objects.using(using).filter(
        user=user, content_type=content_type, object_pk=str(quartier.pk), permission__codename__in=AREA_PERMISSIONS
    )
    held_codenames = set(held.values_list("permission__codename", flat=True))
    held.exclude(permission__codename__in=wanted).delete()
    UserObjectPermission.objects.using(using).bulk_create(
        [
            UserObjectPermission(
                user=user, content_type=content_type, object_pk=str(quartier.pk), permission=perm_objects[codename]
            )
            for codename in sorted(wanted - held_codenames)
        ]
    )
    forget_cached_permissions(user)


def sync_all_role_permissions(*, using: str = "default") -> None:
    """Bring every user's object permissions in line with the matrix (run after migrate)."""
    content_type = ContentType.objects.db_manager(using).get_for_model(Quartier)
    pairs = set(RoleAssignment.objects.using(using).values_list("user_id", "quartier_id"))
    stale = UserObjectPermission.objects.using(using).filter(
        content_type=content_type, permission__codename__in=AREA_PERMISSIONS
    )
    pairs |= {(user_id, int(object_pk)) for user_id, object_pk in stale.values_list("user_id", "object_pk")}
    users = User.objects.using(using).in_bulk({user_id for user_id, _ in pairs})
    areas = Quartier.objects.using(using).in_bulk({area_id for _, area_id in pairs})
    with transaction.atomic(using=using):
        for user_id, area_id in sorted(pairs):
            if user_id in users and area_id in areas:
                sync_role_permissions(user=users[user_id], quartier=areas[area_id], using=using)


@transaction.atomic
def role_grant(*, user: User, quartier: Quartier, role: str, by: User | None) -> RoleAssignment:
    """Give ``user`` the ``role`` in ``quartier``. Granting a role twice is refused."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="invalid_role")
    try:
        with transaction.atomic(), acting_as(by):
            assignment = RoleAssignment.objects.create(user=user, quartier=quartier, role=role)
    except IntegrityError as exc:  # roleassignment_unique, also when two admins grant at once
        raise ValidationError(_("This user already holds this role in this area."), code="duplicate") from exc
    sync_role_permissions(user=user, quartier=quartier)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    """Take a role away; the permissions that no other role of the user grants go with it."""
    user, quartier = assignment.user, assignment.quartier
    with acting_as(by):
        assignment.delete()
    sync_role_permissions(user=user, quartier=quartier)


@transaction.atomic
def quartier_update(*, quartier: Quartier, by: User, data: dict[str, object]) -> Quartier:
    """Change an area's profile; ``data`` holds cleaned form values."""
    for field, value in data.items():
        setattr(quartier, field, value)
    quartier.full_clean()
    with acting_as(by):
        quartier.save(update_fields=list(data))
    return quartier
