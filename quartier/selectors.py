"""Reads of the core that span models."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # the stubs leave this helper of Django's out
    ModelIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.functional import Promise

from committees.models import Committee, Membership
from quartier.models import Quartier, Role, RoleAssignment, User


@dataclass
class AreaMembership:
    area: Quartier
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str | Promise]:
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
                      WHERE role.area_id = area.id AND role.user_id = %(user)s ORDER BY role.role) AS my_roles,
                ARRAY(SELECT member.committee_id FROM {Membership._meta.db_table} member
                      JOIN {Committee._meta.db_table} committee ON committee.id = member.committee_id
                      WHERE committee.area_id = area.id AND member.user_id = %(user)s
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
        columns = vars(area)  # the model's fields, and the query's two arrays: my_roles, my_committees
        committee_ids.update(columns["my_committees"])
        if columns["my_roles"] or user.is_superuser:
            memberships.append(AreaMembership(area=area, roles=list(columns["my_roles"])))
    # Committees count only for an active account (a switched-off account keeps its memberships' rows).
    return Access(memberships=memberships, committee_ids=sorted(committee_ids) if user.is_active else [])


def access_of_cached(user: User) -> Access:
    """``access_of`` once per user object (that is: once per request)."""
    cached = getattr(user, "_quartier_access", None)
    if cached is None:
        cached = access_of(user)
        user._quartier_access = cached  # type: ignore[attr-defined]  # a memo for this request, on its user
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
        RoleAssignment.objects.filter(area=area, user__is_active=True)
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


def lists_of(**querysets: QuerySet) -> dict[str, list[Model]]:
    """Read several querysets of model instances (with their ``select_related`` objects) in one query.

    Each queryset becomes a subquery whose rows PostgreSQL hands back as one JSON array, in the queryset's order
    (aggregating the rows of a sorted subquery keeps their order); every value is turned back into its field's
    Python type (``Field.to_python``; numbers are read as ``Decimal``), and the instances are built as Django
    builds them from a row. Meant for a page's several small lists of a few rows each; querysets with
    ``prefetch_related`` or ``values()`` are not supported."""
    if not querysets:
        return {}
    parts, params, plans = [], [], []
    for name, queryset in querysets.items():
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:  # type: ignore[attr-defined]
            raise ValueError(f"{name}: only plain querysets of model instances can be read together")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, query_params = compiler.as_sql()
        columns = ", ".join(f"c{index}" for index in range(len(compiler.select)))
        sql = f"(SELECT coalesce(json_agg(listed), '[]')::text FROM ({sql}) AS listed({columns}))"  # noqa: S608  # the ORM's own SQL; the values are parameters  # nosec B608
        parts.append(sql)
        params.extend(query_params)
        plans.append((name, queryset, compiler))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        texts = cursor.fetchone()
    return {
        name: _instances(queryset, compiler, json.loads(text, parse_float=Decimal))
        for (name, queryset, compiler), text in zip(plans, texts, strict=True)
    }


def _instances(queryset: QuerySet, compiler: SQLCompiler, rows: list[dict[str, object]]) -> list[Model]:
    """The model instances of ``rows`` (``{"c0": value, …}`` in the order of ``compiler.select``), built as
    Django's ``ModelIterable`` builds them from a database row."""
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    fields = [getattr(column, "target", None) for column, _sql, _alias in select]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column.target.attname for column, _sql, _alias in select[start:end]]
    populators = get_related_populators(klass_info, select, queryset.db)
    known = [
        (relation, objects, relation.attname)
        for relation, objects in queryset._known_related_objects.items()  # type: ignore[attr-defined]
    ]
    instances = []
    for raw in rows:
        values = [raw[f"c{index}"] for index in range(len(select))]
        row = [
            value if value is None or target is None else target.to_python(value)
            for value, target in zip(values, fields, strict=True)
        ]
        instance = klass_info["model"].from_db(queryset.db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for attr_name, position in (annotation_col_map or {}).items():
            setattr(instance, attr_name, row[position])
        for relation, objects, attname in known:  # as the related manager's queryset sets its owner
            if not relation.is_cached(instance) and getattr(instance, attname) in objects:
                setattr(instance, relation.name, objects[getattr(instance, attname)])
        instances.append(instance)
    return instances
