"""Reads of the core that span models."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db.models import Model, QuerySet
from django.utils import timezone

from committees.models import Committee, Membership
from quartier.models import Quartier, Role, RoleAssignment, User


@dataclass
class AreaMembership:
    area: Quartier
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


@dataclass
class Access:
    """What a user may reach, read at request time: the areas they work in with their roles there (every area
    for a superuser), and the committees in which a membership with their account runs today."""

    memberships: list[AreaMembership]
    committee_ids: list[int]


def access_of(user: User) -> Access:
    """The user's areas with their roles, and their running committee memberships (Europe/Berlin date): one
    query, derived from the ``RoleAssignment`` and ``Membership`` rows as they are now (nothing is copied)."""
    if not user.is_authenticated:
        return Access(memberships=[], committee_ids=[])
    # Plain SQL: this query runs on every page, and building it through the ORM (two correlated subqueries,
    # two EXISTS) cost more than running it.
    sql = f"""
        SELECT * FROM (
            SELECT area.*,
                ARRAY(SELECT role.role FROM {RoleAssignment._meta.db_table} role
                      WHERE role.quartier_id = area.id AND role.user_id = %(user)s ORDER BY role.role) AS my_roles,
                ARRAY(SELECT member.committee_id FROM {Membership._meta.db_table} member
                      JOIN {Committee._meta.db_table} committee ON committee.id = member.committee_id
                      WHERE committee.quartier_id = area.id AND member.user_id = %(user)s
                        AND (member.start IS NULL OR member.start <= %(today)s)
                        AND (member."end" IS NULL OR member."end" >= %(today)s)
                      ORDER BY member.committee_id) AS my_committees
            FROM {Quartier._meta.db_table} area
        ) areas
        WHERE %(every)s OR cardinality(my_roles) > 0 OR cardinality(my_committees) > 0
        ORDER BY name, id
    """  # noqa: S608  # table names from the models; the values are parameters  # nosec B608
    params = {"user": user.pk, "today": timezone.localdate(), "every": user.is_superuser}
    memberships = []
    committee_ids: set[int] = set()
    for area in Quartier.objects.raw(sql, params):
        committee_ids.update(area.my_committees)
        if area.my_roles or user.is_superuser:
            memberships.append(AreaMembership(area=area, roles=list(area.my_roles)))
    # Committees count only for an active account (a switched-off account keeps its memberships' rows).
    return Access(memberships=memberships, committee_ids=sorted(committee_ids) if user.is_active else [])


def access_of_cached(user: User) -> Access:
    """``access_of`` once per user object (that is: once per request)."""
    cached = getattr(user, "_quartier_access", None)
    if cached is None:
        cached = access_of(user)
        user._quartier_access = cached  # type: ignore[union-attr]
    return cached


def memberships_of(user: User) -> list[AreaMembership]:
    """The areas ``user`` works in, with their roles there; every area for a superuser. One query."""
    return access_of(user).memberships


def roles_of(user: User, area: Quartier) -> list[str]:
    for membership in memberships_of_cached(user):
        if membership.area.pk == area.pk:
            return membership.roles
    return []


def memberships_of_cached(user: User) -> list[AreaMembership]:
    """``memberships_of`` once per user object (that is: once per request), read with the committees."""
    return access_of_cached(user).memberships


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
