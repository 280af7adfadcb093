"""Reads of the core that span models."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db.models import Model, QuerySet

from quartier.models import Quartier, Role, RoleAssignment, User


@dataclass
class AreaMembership:
    area: Quartier
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


def memberships_of(user: User) -> list[AreaMembership]:
    """The areas ``user`` works in, with their roles there; every area for a superuser. One query."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        own: dict[int, list[str]] = {}
        for assignment in RoleAssignment.objects.filter(user=user).only("quartier_id", "role"):
            own.setdefault(assignment.quartier_id, []).append(assignment.role)
        return [AreaMembership(area=area, roles=own.get(area.pk, [])) for area in Quartier.objects.all()]
    memberships: dict[int, AreaMembership] = {}
    assignments = RoleAssignment.objects.filter(user=user).select_related("quartier").order_by("quartier__name", "role")
    for assignment in assignments:
        membership = memberships.setdefault(assignment.quartier_id, AreaMembership(area=assignment.quartier))
        membership.roles.append(assignment.role)
    return list(memberships.values())


def roles_of(user: User, area: Quartier) -> list[str]:
    for membership in memberships_of_cached(user):
        if membership.area.pk == area.pk:
            return membership.roles
    return []


def memberships_of_cached(user: User) -> list[AreaMembership]:
    """``memberships_of`` once per user object (that is: once per request)."""
    cached = getattr(user, "_quartier_memberships", None)
    if cached is None:
        cached = memberships_of(user)
        user._quartier_memberships = cached  # type: ignore[union-attr]
    return cached


def team_of(area: Quartier) -> dict[str, list[User]]:
    """The area's staff by role, in the order of ``Role``. One query."""
    team: dict[str, list[User]] = {role: [] for role in Role.values}
    for assignment in (
        RoleAssignment.objects.filter(quartier=area, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    ):
        team[assignment.role].append(assignment.user)
    return team


def area_changes(area: Quartier) -> QuerySet[LogEntry]:
    """Every audit entry of objects that belong to ``area``, newest first."""
    return (
        LogEntry.objects.filter(additional_data__quartier_id=area.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def object_history(obj: Model) -> QuerySet[LogEntry]:
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")
