"""Reads of the core that span models."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from auditlog.models import LogEntry
from django.db import DatabaseError, connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    ExpressionWrapper,
    F,
    ForeignKey,
    Func,
    IntegerField,
    JSONField,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.functions import Cast, Now, TruncDate
from django.db.models.query import (  # type: ignore[attr-defined]  # the stubs leave this helper of Django's out
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.functional import Promise
from psycopg import sql as psycopg_sql

from committees.models import Committee, Membership
from quartier.audit import entries_of
from quartier.models import LegalKind, LegalText, Quartier, Role, RoleAssignment, User
from quartier.sorting import german


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


#: The area's fields as ``access_of`` reads them, in the order of its query's first columns.
_AREA_FIELDS = list(Quartier._meta.concrete_fields)


@functools.cache
def _access_sql() -> PreparedSQL:
    area_columns = ", ".join(f'area."{field.column}"' for field in _AREA_FIELDS)
    return PreparedSQL(
        f"""
        SELECT * FROM (
            SELECT {area_columns},
                ARRAY(SELECT role.role FROM {RoleAssignment._meta.db_table} role
                      WHERE role.area_id = area.id AND role.user_id = %s ORDER BY role.role) AS my_roles,
                ARRAY(SELECT member.committee_id FROM {Membership._meta.db_table} member
                      JOIN {Committee._meta.db_table} committee ON committee.id = member.committee_id
                      WHERE committee.area_id = area.id AND member.user_id = %s
                        AND (member.start IS NULL OR member.start <= %s)
                        AND (member."end" IS NULL OR member."end" >= %s)
                      ORDER BY member.committee_id) AS my_committees
            FROM {Quartier._meta.db_table} area
        ) areas
        WHERE %s OR cardinality(my_roles) > 0 OR cardinality(my_committees) > 0
        ORDER BY name, id
        """  # noqa: S608  # table and column names from the models; the values are parameters  # nosec B608
    )


def access_of(user: User) -> Access:
    """The user's areas with their roles, and their running committee memberships (Europe/Berlin date): one
    query, derived from the ``RoleAssignment`` and ``Membership`` rows as they are now (nothing is copied)."""
    if not user.is_authenticated:
        return Access(memberships=[], committee_ids=[])
    # Plain SQL, prepared once per connection: this query runs on every page, and building it through the ORM
    # (two correlated subqueries, two EXISTS) cost more than running it, as did PostgreSQL's planning of it.
    today = timezone.localdate()
    params = [user.pk, user.pk, today, today, user.is_superuser]
    memberships = []
    committee_ids: set[int] = set()
    width = len(_AREA_FIELDS)
    for row in run_prepared(_access_sql(), params):
        area = Quartier.from_db(connection.alias, [field.attname for field in _AREA_FIELDS], row[:width])
        my_roles, my_committees = row[width:]
        committee_ids.update(my_committees)
        if my_roles or user.is_superuser:
            memberships.append(AreaMembership(area=area, roles=list(my_roles)))
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


def team_assignments(area_id: int) -> QuerySet[RoleAssignment]:
    """The role assignments of the area's active staff with their users, by name (``team_by_role`` groups them)."""
    return (
        RoleAssignment.objects.filter(area_id=area_id, user__is_active=True)
        .select_related("user")
        .order_by(*german("user__display_name"), "user__username")
    )


def team_by_role(assignments: Iterable[RoleAssignment]) -> dict[str, list[User]]:
    """The users of ``assignments`` by role, in the order of ``Role``, every role present."""
    team: dict[str, list[User]] = {role: [] for role in Role.values}
    for assignment in assignments:
        team[assignment.role].append(assignment.user)
    return team


def team_of(area: Quartier) -> dict[str, list[User]]:
    """The area's staff by role, in the order of ``Role``. One query."""
    return team_by_role(team_assignments(area.pk))


def public_areas() -> QuerySet[Quartier]:
    """Every area of the installation with what the front page shows of it, by name. One query."""
    return Quartier.objects.order_by(*german("name"), "pk").only("name", "slug", "municipality", "description")


def legal_text_for(kind: str, area: Quartier | None) -> LegalText | None:
    """The legal text of ``kind`` that ``area``'s public pages show: the area's own, else the installation's
    (``area`` None: the installation's alone); None where nobody has written one. One query."""
    texts = LegalText.objects.filter(kind=kind)
    where = Q(area__isnull=True) if area is None else Q(area=area) | Q(area__isnull=True)
    return texts.filter(where).order_by(F("area").asc(nulls_last=True)).first()


@dataclass(frozen=True)
class LegalTextState:
    """One kind of legal text as the area's profile page shows it: the area's own text, if it has one, and
    whether the installation's applies otherwise."""

    kind: str
    label: str | Promise
    own: LegalText | None
    installation: bool


def legal_texts_of(area: Quartier) -> list[LegalTextState]:
    """Each kind of legal text for ``area``'s profile page, in the order of ``LegalKind``. One query."""
    rows = list(LegalText.objects.filter(Q(area=area) | Q(area__isnull=True)).only("pk", "area", "kind"))
    own = {text.kind: text for text in rows if text.area_id is not None}
    installation = {text.kind for text in rows if text.area_id is None}
    return [
        LegalTextState(kind=kind, label=label, own=own.get(kind), installation=kind in installation)
        for kind, label in LegalKind.choices
    ]


def area_legal_text(area: Quartier, pk: int) -> LegalText | None:
    """The area's own legal text ``pk``; None for another area's, the installation's, or none. One query."""
    return LegalText.objects.filter(area=area, pk=pk).first()


def area_changes(area_id: int) -> QuerySet[LogEntry]:
    """Every audit entry of objects that belong to the area ``area_id``, newest first. The id is compared as a
    number turned into JSON by PostgreSQL (``to_jsonb``), so that it stays a parameter of its own, as a compiled
    query (``CompiledLists``) takes it."""
    as_json = Func(Cast(Value(area_id), BigIntegerField()), function="to_jsonb", output_field=JSONField())
    return (
        LogEntry.objects.filter(additional_data__quartier_id=as_json)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def history_actors(area_id: int) -> QuerySet[User]:
    """Everyone who made a change recorded in the area's history, by name (the filter of the area's history)."""
    actors = area_changes(area_id).filter(actor__isnull=False).order_by().values("actor_id")
    return User.objects.filter(pk__in=actors).order_by("display_name", "username")


def object_history(obj: Model) -> QuerySet[LogEntry]:
    """The audit entries of ``obj`` and of the links shown on its history (``quartier.audit.entries_of``), newest
    first."""
    return (
        LogEntry.objects.filter(entries_of(obj)).select_related("actor", "content_type").order_by("-timestamp", "-pk")
    )


def database_day(days: int) -> ExpressionWrapper:
    """The database's today in the project's time zone (``TruncDate(Now())``) plus ``days`` days of the calendar:
    for a compiled query, which takes no clock. The days are added to the date, not as 24 hours to the
    moment (a week from 23:30 the Sunday before summer time began would end a day late)."""
    return ExpressionWrapper(TruncDate(Now()) + Value(days), output_field=DateField())


def lists_of(**querysets: QuerySet) -> dict[str, list[Any]]:
    """Read several querysets of model instances (with their ``select_related`` objects) in one query.

    Each queryset becomes a subquery whose rows PostgreSQL hands back as one JSON array, in the queryset's order
    (aggregating the rows of a sorted subquery keeps their order); every value is turned back into its field's
    Python type (``Field.to_python``; numbers are read as ``Decimal``), and the instances are built as Django
    builds them from a row; a ``values`` queryset is read as its dicts, a ``values_list`` one (neither flat nor
    named) as its tuples. Meant for a page's several small lists of a few rows each; querysets with
    ``prefetch_related`` are not supported. A page that reads the same lists on every request compiles them once
    with ``CompiledLists``."""
    if not querysets:
        return {}
    sql, params, readers = _together(querysets)
    return _read(sql, params, readers)


class CompiledLists:
    """``lists_of`` for a page that reads the same lists on every request: the SQL of the querysets that ``build``
    returns is compiled by Django once per process and shape, then run with the ids of each call.

    ``build`` takes the ``ids`` (integers: primary keys) and any other keyword arguments, the shape (which lists
    the page reads; hashable values, part of the key), and returns querysets as ``lists_of`` takes them. It must
    depend on its arguments only: no clock, no request, no data read. To find where each id goes, ``build`` runs
    once per shape with a marker number for each id; each marker must reach the SQL's parameters unchanged (as an
    id compared with ``exact``), at least once, and never the SQL's text. ``id_lists`` name arguments that are
    lists of ids (the rows of a page), compared with ``any_of`` (``quartier.lookups.AnyOf``): one array parameter,
    whatever their number. An id named in ``optional`` may be left out by a shape that has no use for it. Only the
    text of the query is kept, never a row."""

    def __init__(
        self,
        build: Callable[..., dict[str, QuerySet]],
        *,
        ids: tuple[str, ...],
        id_lists: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> None:
        self.build = build
        self.ids = ids
        self.id_lists = id_lists
        self.optional = optional  # ids that some shapes do not use (each shape's lists read the others)
        self._plans: dict[tuple[tuple[str, object], ...], _Plan] = {}

    def __deepcopy__(self, memo: dict[int, object]) -> CompiledLists:
        return self  # what it keeps is the same for every copy of its owner (a filter copied for each request)

    def read(self, **arguments: object) -> dict[str, list[Any]]:
        """The lists of ``build(**arguments)``, in one query."""
        every_id = (*self.ids, *self.id_lists)
        shape = {name: value for name, value in arguments.items() if name not in every_id}
        ids: dict[str, int] = {}
        for name in self.ids:
            value = arguments[name]  # a missing id is a KeyError
            if type(value) is not int:
                raise TypeError(f"{name}: an id is an int, not {value!r}")
            ids[name] = value
        id_lists: dict[str, list[int]] = {}
        for name in self.id_lists:
            values = arguments[name]
            if not isinstance(values, (list, tuple)) or any(type(value) is not int for value in values):
                raise TypeError(f"{name}: a list of ids is a list of ints, not {values!r}")
            id_lists[name] = list(values)
        key = tuple(sorted(shape.items()))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(shape)
        if any(not _BIGINT_MIN <= value <= _BIGINT_MAX for value in ids.values()):
            # No row has such an id (an id from a URL can be any number): as Django finds for an out-of-range
            # lookup, without asking PostgreSQL, which would refuse the number.
            return {reader.name: [] for reader in plan.readers}
        for name, values in id_lists.items():  # likewise: such ids match no row
            id_lists[name] = [value for value in values if _BIGINT_MIN <= value <= _BIGINT_MAX]
        params = [
            param.kind(ids[param.name])
            if isinstance(param, _Id)
            else id_lists[param.name]
            if isinstance(param, _IdList)
            else param
            for param in plan.params
        ]
        return _read_prepared(plan, params)

    def _compile(self, shape: dict[str, object]) -> _Plan:
        markers = {name: _MARKER + index for index, name in enumerate((*self.ids, *self.id_lists))}
        lists = {name: [markers[name]] for name in self.id_lists}
        sql, params, readers = _together(self.build(**{name: markers[name] for name in self.ids}, **lists, **shape))
        names = {marker: name for name, marker in markers.items()}
        slots: list[object] = []
        for param in params:
            if isinstance(param, int) and not isinstance(param, bool) and param in names and names[param] in self.ids:
                # The id as Django passed the marker: an int, or a subclass saying its database type (Int8).
                slots.append(_Id(names[param], type(param)))
            elif isinstance(param, list) and len(param) == 1 and param[0] in names and names[param[0]] in lists:
                slots.append(_IdList(names[param[0]]))
            elif any(str(marker) in str(param) for marker in markers.values()):
                raise ValueError(f"{self.build.__name__}: an id reaches the query changed: {param!r}")
            else:
                slots.append(param)
        found = {slot.name for slot in slots if isinstance(slot, (_Id, _IdList))}
        if not set(markers) - set(self.optional) <= found or any(str(marker) in sql for marker in markers.values()):
            raise ValueError(f"{self.build.__name__}: every id must reach the query as a parameter, unchanged")
        sql, slots = _with_constants_written(sql, slots)
        return _Plan(sql=PreparedSQL(sql), params=slots, readers=readers)


# The ids PostgreSQL's bigint holds (every primary key here is one, or an integer within it).
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1

# Within PostgreSQL's integer and positive (Django finds an out-of-range id matches nothing and leaves the lookup
# out of the SQL), and far beyond the ids of this application: a marker is only compiled, never run.
_MARKER = 2_100_000_000


def _with_constants_written(sql: str, slots: list[Any]) -> tuple[str, list[Any]]:
    """``sql`` with every parameter that is not an id (a status, an amount, the time zone: the same on every run)
    written into the text as PostgreSQL's literal, and the slots that remain (the ids).

    So the prepared statement's generic plan knows them as a custom plan does: with them as parameters PostgreSQL
    found its generic plan dearer than planning each run anew, and planned every run (about 1 ms for the
    dashboard's query), as if the statement were not prepared."""
    pieces = re.split(r"(%[%s])", sql)
    remaining = iter(slots)
    kept: list[Any] = []
    written: list[str] = []
    for piece in pieces:
        if piece != "%s":
            written.append(piece)
            continue
        slot = next(remaining)
        if isinstance(slot, (_Id, _IdList)):
            kept.append(slot)
            written.append(piece)
        else:
            written.append(psycopg_sql.Literal(slot).as_string(connection.connection).replace("%", "%%"))
    if next(remaining, None) is not None:
        raise ValueError("more parameters than places for them in the SQL")
    return "".join(written), kept


@dataclass(frozen=True)
class _Id:
    name: str
    kind: type[int]


@dataclass(frozen=True)
class _IdList:
    name: str


@dataclass(frozen=True)
class _Plan:
    sql: PreparedSQL
    params: list[Any]
    readers: list[_Rows | _Values]


@dataclass(frozen=True)
class PreparedSQL:
    """SQL (with ``%s`` for its parameters) that ``run_prepared`` runs as a prepared statement."""

    sql: str

    @cached_property
    def statement(self) -> str:
        """The name of its prepared statement: the same for the same SQL."""
        return "quartier_" + hashlib.sha256(self.sql.encode()).hexdigest()[:24]

    @cached_property
    def prepare(self) -> str:
        """``PREPARE``: its SQL with PostgreSQL's numbered parameters ($1, …) for the ORM's ``%s`` (a ``%%`` stays,
        for the driver)."""
        numbers = itertools.count(1)
        numbered = re.sub(r"%[%s]", lambda found: "%%" if found[0] == "%%" else f"${next(numbers)}", self.sql)
        return f"PREPARE {self.statement} AS {numbered}"


# The prepared statements of each database connection (a statement lives as long as its connection).
_prepared: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()


def run_prepared(sql: PreparedSQL, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` run with ``params`` as a prepared statement: PostgreSQL plans a query that every page
    runs once per connection (after its first few runs), not on every request. The statement is prepared in the
    same round trip as its first run.

    What we noted of the connection's statements can be wrong: ``DEALLOCATE ALL`` or ``DISCARD ALL`` drops them,
    and a ``PREPARE`` outlives a run that failed after it (a statement is not part of a transaction). Outside a
    transaction the read then notes what PostgreSQL said and runs once more; inside one the error stands (the
    transaction is lost anyway)."""
    connection.ensure_connection()
    prepared = _prepared.setdefault(connection.connection, set())
    try:
        return _run_prepared(sql, params, prepared)
    except DatabaseError as error:
        state = getattr(error.__cause__, "sqlstate", None)
        if state not in _STATEMENT_NOT_AS_NOTED or connection.in_atomic_block:
            raise
        if state == _NO_SUCH_STATEMENT:
            prepared.discard(sql.statement)
        else:
            prepared.add(sql.statement)
        return _run_prepared(sql, params, prepared)


def _read_prepared(plan: _Plan, params: list[Any]) -> dict[str, list[Any]]:
    """``_read`` as a prepared statement (``run_prepared``)."""
    texts = run_prepared(plan.sql, params)[0]
    return {
        reader.name: reader.instances(json.loads(text, parse_float=Decimal))
        for reader, text in zip(plan.readers, texts, strict=True)
    }


# PostgreSQL's SQLSTATE for a prepared statement that does not exist, and for one that exists already.
_NO_SUCH_STATEMENT = "26000"
_STATEMENT_NOT_AS_NOTED = {_NO_SUCH_STATEMENT, "42P05"}


def _run_prepared(sql: PreparedSQL, params: list[Any], prepared: set[str]) -> list[tuple[Any, ...]]:
    run = f"EXECUTE {sql.statement}({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        if sql.statement in prepared:
            cursor.execute(run, params)
        else:
            cursor.execute(f"{sql.prepare}; {run}", params)
            cursor.cursor.nextset()  # past PREPARE's empty result
            prepared.add(sql.statement)
        return cursor.fetchall()


@dataclass(frozen=True)
class _Rows:
    """What turns one list's JSON rows into model instances, as Django's ``ModelIterable`` builds them from a
    database row (``{"c0": value, …}`` in the order of the compiler's ``select``)."""

    name: str
    model: type[Model]
    db: str
    columns: list[str]
    fields: list[Any]  # the field or expression whose ``to_python`` reads each column
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotation_col_map: dict[str, int]
    known: list[tuple[Any, dict[object, Model], str]]

    @cached_property
    def kinds(self) -> list[type | None]:
        return [_kept_as_read(field) for field in self.fields]

    @classmethod
    def of(cls, name: str, queryset: QuerySet, compiler: SQLCompiler) -> _Rows:
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return cls(
            name=name,
            model=klass_info["model"],
            db=queryset.db,
            columns=[f"c{index}" for index in range(len(select))],
            fields=[getattr(column, "target", None) or column.output_field for column, _sql, _alias in select],
            start=start,
            end=end,
            init_list=[column.target.attname for column, _sql, _alias in select[start:end]],
            populators=get_related_populators(klass_info, select, queryset.db),
            annotation_col_map=compiler.annotation_col_map or {},
            known=[
                (relation, objects, relation.attname)
                for relation, objects in queryset._known_related_objects.items()  # type: ignore[attr-defined]
            ],
        )

    def instances(self, rows: list[dict[str, object]]) -> list[Model]:
        instances = []
        start, end, known = self.start, self.end, self.known
        make = _from_db if _init_signals_heard() else _made
        kinds = self.kinds
        for raw in rows:
            row = [
                value if value is None or type(value) is kind else field.to_python(value)
                for value, field, kind in zip([raw[column] for column in self.columns], self.fields, kinds, strict=True)
            ]
            instance = make(self.model, self.db, self.init_list, row[start:end])
            for populator in self.populators:
                _populate(populator, row, instance, make)
            for attr_name, position in self.annotation_col_map.items():
                setattr(instance, attr_name, row[position])
            for relation, objects, attname in known:  # as the related manager's queryset sets its owner
                if not relation.is_cached(instance) and getattr(instance, attname) in objects:
                    setattr(instance, relation.name, objects[getattr(instance, attname)])
            instances.append(instance)
        return instances


Maker = Callable[[type[Model], str, list[str], list[Any]], Model]


def _kept_as_read(field: Any) -> type | None:
    """The type of a JSON value that ``field.to_python`` returns as it is (a text for a text field, a whole number
    for an integer or a key to one, true or false for a boolean), so that a read need not call it for every value;
    None for any other field or expression."""
    while isinstance(field, ForeignKey):
        field = field.target_field
    to_python = type(field).to_python
    if to_python in (CharField.to_python, TextField.to_python):
        return str
    if to_python is IntegerField.to_python:
        return int
    if to_python is BooleanField.to_python:
        return bool
    return None


def _from_db(model: type[Model], db: str, attnames: list[str], values: list[Any]) -> Model:
    return model.from_db(db, attnames, values)


def _made(model: type[Model], db: str, attnames: list[str], values: list[Any]) -> Model:
    """``model.from_db(db, attnames, values)``, for a model whose ``__init__`` and ``from_db`` are Django's and
    whose fields store what they are given: the instance's state and its values set as ``Model.__init__`` sets them
    (a field not read is left out, deferred), without its walk over every field of the model and its two signals
    (``_init_signals_heard`` says when nobody listens): building the instances was most of reading a list's page."""
    if not _plain(model, tuple(attnames)):
        return model.from_db(db, attnames, values)
    instance = model.__new__(model)
    state = ModelState()
    state.adding, state.db = False, db
    instance.__dict__["_state"] = state
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance


#: The descriptors of a model's fields that store a value given as it is (``instance.__dict__[attname] = value``).
_STORED_AS_GIVEN = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


@functools.cache
def _plain(model: type[Model], attnames: tuple[str, ...]) -> bool:
    """Whether ``_made`` builds ``model`` with the fields ``attnames`` as Django would."""
    return (
        model.__init__ is Model.__init__
        and getattr(model.from_db, "__func__", None) is Model.from_db.__func__  # type: ignore[attr-defined]
        and all(type(_class_attribute(model, attname)) in _STORED_AS_GIVEN for attname in attnames)
    )


def _class_attribute(model: type[Model], name: str) -> object:
    """The attribute ``name`` as the class (or the first of its bases) defines it, descriptors as they are."""
    return next((klass.__dict__[name] for klass in model.__mro__ if name in klass.__dict__), None)


def _init_signals_heard() -> bool:
    """Whether a receiver listens to ``pre_init`` or ``post_init`` (of any model): then every instance is built by
    its ``from_db``, which sends them."""
    return bool(pre_init.receivers or post_init.receivers)


def _populate(populator: Any, row: list[Any], owner: Model, make: Maker) -> None:
    """``RelatedPopulator.populate`` (a ``select_related`` object and its own), with the instances built by
    ``make``."""
    values = (
        populator.reorder_for_init(row)
        if populator.reorder_for_init
        else row[populator.cols_start : populator.cols_end]
    )
    if values[populator.pk_idx] is None:
        related = None
    else:
        related = make(populator.model_cls, populator.db, populator.init_list, values)
        for inner in populator.related_populators:
            _populate(inner, row, related, make)
    populator.local_setter(owner, related)
    if related is not None:
        populator.remote_setter(related, owner)


@dataclass(frozen=True)
class _Values:
    """What turns one list's JSON rows into the tuples of a ``values_list`` queryset, in the order of its fields,
    or into the dicts of a ``values`` queryset (``names``)."""

    name: str
    columns: list[str]  # in the order of the fields asked for
    fields: list[Any]
    names: list[str] | None = None

    @cached_property
    def kinds(self) -> list[type | None]:
        return [_kept_as_read(field) for field in self.fields]

    @classmethod
    def of(cls, name: str, queryset: QuerySet, compiler: SQLCompiler) -> _Values:
        selected = [alias for _column, _sql, alias in compiler.select]  # as the SQL's columns come
        asked = list(queryset._fields or selected)  # type: ignore[attr-defined]
        positions = [selected.index(field) for field in asked]
        return cls(
            name=name,
            columns=[f"c{position}" for position in positions],
            fields=[
                getattr(compiler.select[position][0], "target", None) or compiler.select[position][0].output_field
                for position in positions
            ],
            names=asked if queryset._iterable_class is ValuesIterable else None,
        )

    def instances(self, rows: list[dict[str, object]]) -> list[Any]:
        kinds = self.kinds
        values = [
            tuple(
                value if value is None or type(value) is kind else field.to_python(value)
                for value, field, kind in zip([raw[column] for column in self.columns], self.fields, kinds, strict=True)
            )
            for raw in rows
        ]
        if self.names is None:
            return values
        return [dict(zip(self.names, row, strict=True)) for row in values]


def _together(querysets: dict[str, QuerySet]) -> tuple[str, list[Any], list[_Rows | _Values]]:
    """The SQL that reads ``querysets`` as one row of JSON arrays, its parameters, and how to read each array:
    a queryset of model instances (with their ``select_related`` objects), of dicts (``values``) or of tuples
    (``values_list``, not flat and not named)."""
    parts, params = [], []
    readers: list[_Rows | _Values] = []
    for name, queryset in querysets.items():
        kind: object = queryset._iterable_class
        if queryset._prefetch_related_lookups or kind not in (ModelIterable, ValuesIterable, ValuesListIterable):  # type: ignore[attr-defined]
            raise ValueError(f"{name}: only plain querysets of models, dicts or tuples can be read together")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, query_params = compiler.as_sql()
        columns = ", ".join(f"c{index}" for index in range(len(compiler.select)))
        sql = f"(SELECT coalesce(json_agg(listed), '[]')::text FROM ({sql}) AS listed({columns}))"  # noqa: S608  # the ORM's own SQL; the values are parameters  # nosec B608
        parts.append(sql)
        params.extend(query_params)
        readers.append(
            _Rows.of(name, queryset, compiler) if kind is ModelIterable else _Values.of(name, queryset, compiler)
        )
    return "SELECT " + ", ".join(parts), params, readers


def _read(sql: str, params: list[Any], readers: list[_Rows | _Values]) -> dict[str, list[Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        texts = cursor.fetchone()
    return {
        reader.name: reader.instances(json.loads(text, parse_float=Decimal))
        for reader, text in zip(readers, texts, strict=True)
    }
