"""One registry of the personal data the office keeps (GDPR Art. 15, 17 and 30).

Every model that points at a person or a login account — by a foreign key, a one-to-one or many-to-many
field, or a generic relation — is registered here with what it holds, how it is exported for an access
request (Art. 15) and how it is erased (Art. 17): deleted, anonymised, ended, kept for a number of years
because a law requires it, or the erasure is refused while such rows exist. Some models stand for the person
(``subject``): their login account, their committee memberships, the fund applications they made or are the
contact person for. Whatever points at one of those is personal data as well (a vote points at a membership).

Each app registers its models in its own ``personal_data`` module, found at first use like the admin's (the
account and third-party apps: ``quartier.personal_data_accounts``);
``tests/test_personal_data.py`` walks every installed model and fails, naming the model, the field and what
to add, when one that points at a person, an account or another subject is missing. The access export
(``actors.selectors.persons.person_data``) and the erasure (``actors.services.persons.person_erase``) run
every registration, so a new model is forgotten by neither.

Writing a registration::

    register(
        Registration(
            model="committees.Attendance",
            fields=("membership",),
            label=_("attendance at meetings"),
            holds=_("whether the member was present, excused or absent at each meeting"),
            erasure=Erasure.KEEP,
            keep_years=10,
            because=_("The minutes stay true: attendance decides whether the committee had a quorum."),
            export=export_attendance,
        )
    )

``export(subject, rows)`` returns a :class:`Section` in a fixed number of queries; ``erase(subject, erasing,
rows)`` changes the rows (``erasing.redact`` cuts the person's name, address, email and phone out of a
text; ``erasing.scrub_audit`` does the same in the audit trail); ``refuse(subject, rows)`` returns the
reasons the erasure cannot be done yet. ``rows`` are the rows whose ``fields`` point at the subject.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from quartier.models import User

if TYPE_CHECKING:
    from actors.models import Person
    from quartier.models import Quartier

#: What an erased person (and their account) is called from then on; stored, so it is the same in every language.
ERASED_NAME = "Gelöschte Person"
#: What an erased email address, phone number or address becomes inside a kept text.
REDACTED = "[gelöscht]"
#: The login account's model, as registrations name it.
ACCOUNT = "quartier.User"

Text = str | Promise


class Erasure(enum.StrEnum):
    """What the erasure of a person does to a registered model's rows."""

    DELETE = "delete"  # the rows are deleted
    ANONYMISE = "anonymise"  # the rows stay; the person's data in them is removed or cut out of their texts
    END = "end"  # the rows (memberships) end today and stay
    KEEP = "keep"  # the rows stay as they are, for ``keep_years`` ``because`` …
    REFUSE = "refuse"  # while there are rows, the erasure is refused (``because`` says what to do first)
    NONE = "none"  # the rows hold nothing about a person the office serves (``because`` says why)

    @property
    def label(self) -> str:
        return {
            Erasure.DELETE: _("deleted"),
            Erasure.ANONYMISE: _("kept without the personal data"),
            Erasure.END: _("ended today and kept"),
            Erasure.KEEP: _("kept"),
            Erasure.REFUSE: _("erasure refused while there are any"),
            Erasure.NONE: _("nothing to erase"),
        }[self]


class Kind(enum.StrEnum):
    """How a column's value is shown on the page (the JSON holds the value itself)."""

    TEXT = "text"
    LONG = "long"  # a text with line breaks
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "money"
    BOOL = "bool"
    LIST = "list"
    CHANGES = "changes"  # {label: [old, new]}


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Cell:
    text: str
    long: bool = False


@dataclass(frozen=True)
class Section:
    """One kind of data held about the person, as the access export shows it.

    ``rows`` hold JSON-ready values (the download holds every key of them but those that begin with ``_``;
    the page shows ``columns``);
    ``None`` when the reader's role does not show this kind of data. A ``single`` section is one record
    (the person), an object in the download.
    """

    key: str
    title: Text
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] | None
    single: bool = False
    note: Text = ""

    def json(self) -> object:
        if self.rows is None:
            return None
        rows = [{key: value for key, value in row.items() if not key.startswith("_")} for row in self.rows]
        if self.single:
            return rows[0] if rows else None
        return rows

    def cells(self) -> list[list[Cell]]:
        return [[display(row.get(column.key), column.kind) for column in self.columns] for row in self.rows or ()]

    def facts(self) -> list[tuple[Text, Cell]]:
        """A single section's one record as (label, value) pairs."""
        row = (self.rows or [{}])[0]
        return [(column.label, display(row.get(column.key), column.kind)) for column in self.columns]


def display(value: object, kind: Kind) -> Cell:
    """A value as the page shows it."""
    if value is None or value == "" or value == [] or value == {}:
        return Cell("–")
    if kind == Kind.BOOL:
        return Cell(_("yes") if value else _("no"))
    if kind == Kind.DATETIME and isinstance(value, datetime.datetime):
        return Cell(formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"))
    if kind == Kind.DATE and isinstance(value, datetime.date):
        return Cell(formats.date_format(value, "SHORT_DATE_FORMAT"))
    if kind == Kind.MONEY and isinstance(value, Decimal):
        return Cell(f"{formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} €")
    if kind == Kind.LIST and isinstance(value, list | tuple):
        return Cell(", ".join(str(item) for item in value))
    if kind == Kind.CHANGES and isinstance(value, dict):
        lines = [f"{label}: {old or '–'} → {new or '–'}" for label, (old, new) in value.items()]
        return Cell("\n".join(lines), long=True)
    return Cell(str(value), long=kind == Kind.LONG)


class Subject:
    """The person an access export or an erasure is about, with the rows that stand for them.

    ``perms`` are the reader's permissions in the area (``None``: everything, as for the erasure).
    The ids of the subject rows are read once each and kept, so the erasure works on what was there
    when it began.
    """

    def __init__(self, *, person: Person, area: Quartier, perms: Collection[str] | None = None) -> None:
        if person.area_id != area.pk:
            raise ValueError("The person belongs to another area.")
        self.person = person
        self.area = area
        self.perms = None if perms is None else frozenset(perms)
        self._ids: dict[str, list[int]] = {}

    def can(self, perm: str) -> bool:
        return self.perms is None or perm in self.perms

    def ids(self, model: str) -> list[int]:
        """The ids of ``model``'s rows that stand for the person (``model`` is a subject's label)."""
        model = apps.get_model(model)._meta.label
        if model not in self._ids:
            registration = subjects().get(model)
            if registration is None or registration.subject is None:
                raise KeyError(f"{model} is not a subject of the personal-data registry")
            self._ids[model] = sorted(set(registration.subject(self)))
        return self._ids[model]

    def accounts(self) -> list[User]:
        """The person's own login accounts, as they were when first asked for."""
        if not hasattr(self, "_accounts"):
            self._accounts = list(User.objects.filter(pk__in=self.ids(ACCOUNT)).order_by("pk"))
        return self._accounts

    def account_ids(self) -> list[int]:
        """The person's own login accounts: the ones named by a subject row's ``account_field``."""
        found: set[int] = set()
        for registration in registrations():
            if registration.account_field and registration.subject is not None:
                found.update(
                    registration.model_class()
                    ._default_manager.filter(pk__in=self.ids(registration.model))
                    .exclude(**{registration.account_field: None})
                    .values_list(registration.account_field, flat=True)
                )
        return sorted(found)


class Redactor:
    """Cuts a person's name, address, email address and phone number out of a text (whole words, any case).

    In the person's own records (their notes, concerns, applications) the first or the last name alone is cut
    too. ``mentions_only`` is for records that are not theirs and name others as well (the minutes of their
    committees): only the full name in any order and the contact data are cut, so that their son Emre Demir or
    another Ayşe keep their names."""

    def __init__(self, person: Person, *, mentions_only: bool = False) -> None:
        contact = [person.email, person.phone, *person.address.splitlines()]
        first, last = person.first_name.strip(), person.last_name.strip()
        if mentions_only and first:
            names = [f"{first} {last}", f"{last}, {first}", f"{last} {first}"]
        else:
            names = [f"{first} {last}", last, first]
        values: dict[str, tuple[str, str]] = {}  # contact data first: an email address may hold the name
        for value, replacement in [*((item, REDACTED) for item in contact), *((name, ERASED_NAME) for name in names)]:
            value = " ".join(value.split())
            if len(value) >= 3:  # "Li" would cut too much
                values.setdefault(value.casefold(), (value, replacement))
        self.rules = [
            (re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, value.split())) + r"(?!\w)", re.IGNORECASE), repl)
            for value, repl in values.values()
        ]

    def __call__(self, text: str) -> str:
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text)
        return text

    def value(self, value: object) -> object:
        """Any value of the audit trail with the person cut out of its texts."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value


class Erasing:
    """What the erasers share while one erasure runs (in one transaction)."""

    def __init__(self, *, subject: Subject, by: User, now: datetime.datetime) -> None:
        self.subject = subject
        self.by = by
        self.now = now
        self.today = timezone.localdate(now)
        person = subject.person
        #: The person's name and contact data as they were before the erasure began.
        self.original = {
            name: getattr(person, name) for name in ("first_name", "last_name", "email", "phone", "address")
        }
        self.redact = Redactor(person)
        #: For records that are not the person's own and name others too (see ``Redactor``).
        self.redact_mentions = Redactor(person, mentions_only=True)
        #: model label → the ids of its rows about the person, as they were before the erasure began
        self.touched: dict[str, set[object]] = {}

    def redact_fields(
        self, rows: Iterable[models.Model], fields: Sequence[str], *, mentions_only: bool = False
    ) -> list[models.Model]:
        """Cut the person out of ``fields`` of ``rows`` (only their full name and contact data with
        ``mentions_only``); save the changed rows; return them."""
        redact = self.redact_mentions if mentions_only else self.redact
        changed = []
        for row in rows:
            before = [getattr(row, name) for name in fields]
            after = [self._fit(row, name, value, redact) for name, value in zip(fields, before, strict=True)]
            if before != after:
                for name, value in zip(fields, after, strict=True):
                    setattr(row, name, value)
                changed.append(row)
        if changed:
            type(changed[0])._default_manager.bulk_update(changed, list(fields))
        return changed

    def _fit(self, row: models.Model, name: str, value: object, redact: Redactor) -> object:
        if not isinstance(value, str):
            return value
        redacted = redact(value)
        limit = getattr(row._meta.get_field(name), "max_length", None)
        return redacted[:limit] if limit else redacted

    def scrub_audit(
        self,
        model: type[models.Model] | str,
        pks: Iterable[object],
        *,
        blank: Collection[str] = (),
        name: str | None = None,
        mentions_only: bool = False,
    ) -> int:
        """Cut the person out of every audit entry of ``model``'s rows ``pks``; the number of entries changed.

        The values of the fields in ``blank`` are removed altogether (and with them ``changes_text``);
        ``name`` replaces the entries' ``object_repr``; ``mentions_only`` as for ``redact_fields``. The entries
        keep when, who and which fields changed.
        """
        redact = self.redact_mentions if mentions_only else self.redact
        model = apps.get_model(model) if isinstance(model, str) else model
        keys = [str(pk) for pk in pks]
        if not keys:
            return 0
        entries = list(
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk__in=keys)
        )
        changed = []
        for entry in entries:
            before = (entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data)
            entry.object_repr = name if name is not None else redact(entry.object_repr)
            if isinstance(entry.changes, dict):
                entry.changes = {
                    key: (_blanked(values) if key in blank else redact.value(values))
                    for key, values in entry.changes.items()
                }
            entry.changes_text = "" if blank else redact(entry.changes_text or "")
            if isinstance(entry.serialized_data, dict):
                fields = entry.serialized_data.get("fields")
                if isinstance(fields, dict):
                    entry.serialized_data = {
                        **entry.serialized_data,
                        "fields": {
                            key: (None if key in blank else redact.value(value)) for key, value in fields.items()
                        },
                    }
                else:
                    entry.serialized_data = None
            if (entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data) != before:
                changed.append(entry)
        LogEntry.objects.bulk_update(changed, ["object_repr", "changes", "changes_text", "serialized_data"])
        return len(changed)

    def delete_files_on_commit(self, files: Iterable[Any]) -> None:
        """Delete stored files once the erasure is committed (a rollback keeps them)."""
        names = [(file.storage, file.name) for file in files if file]

        def delete() -> None:
            for storage, name in names:
                storage.delete(name)

        transaction.on_commit(delete)


def _blanked(values: object) -> object:
    if isinstance(values, list):
        return [None for _value in values]
    return None


Exporter = Callable[[Subject, QuerySet[Any]], Section]
Eraser = Callable[[Subject, Erasing, QuerySet[Any]], None]
Refuser = Callable[[Subject, QuerySet[Any]], list[str]]


@dataclass(frozen=True, eq=False)
class Registration:
    """One model's personal data (see the module's docstring)."""

    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]  # its fields that point at a person, an account or another subject
    label: Text  # what its rows are, plural: "committee memberships"
    holds: Text  # what personal data they hold
    erasure: Erasure
    because: Text = ""  # why they are kept, ended, refused, or hold nothing about the person
    keep_years: int | None = None  # how long kept rows are kept
    #: The rows that stand for the person: their ids. Models that point at them are personal data too.
    subject: Callable[[Subject], Iterable[int]] | None = None
    account_field: str = ""  # of a subject: the field that names the person's own login account
    export: Exporter | None = None
    not_exported_because: Text = ""
    erase: Eraser | None = None
    refuse: Refuser | None = None
    rows: Callable[[Subject], QuerySet[Any]] | None = None  # the rows about the person, if not found by ``fields``
    perm: str = ""  # the area permission a reader needs to see these rows in the export
    position: int = 500  # the order of the sections on the page
    app: str = ""  # the app that must be installed for this registration to count (third-party apps)

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def rows_for(self, subject: Subject) -> QuerySet[Any]:
        """The rows about ``subject``: its own ones if it is a subject, else those whose ``fields`` point at it."""
        if self.rows is not None:
            return self.rows(subject)
        model = self.model_class()
        if self.subject is not None:
            return model._default_manager.filter(pk__in=subject.ids(self.model))
        condition = Q(pk__in=[])
        for name in self.fields:
            target = getattr(model._meta.get_field(name), "related_model", None)
            if target is not None and target._meta.label in subjects():
                condition |= Q(**{f"{name}__in": subject.ids(target._meta.label)})
        return model._default_manager.filter(pk__in=model._default_manager.filter(condition).values("pk"))

    def section(self, subject: Subject) -> Section | None:
        """The export of these rows; without ``perm`` an empty shell (``rows is None``), read from nothing."""
        if self.export is None:
            return None
        if not self.visible_to(subject):
            return replace(self.export(subject, self.model_class()._default_manager.none()), rows=None, columns=())
        return self.export(subject, self.rows_for(subject))

    def visible_to(self, subject: Subject) -> bool:
        return not self.perm or subject.can(self.perm)

    def shown_on_erasure(self) -> bool:
        return self.erasure != Erasure.NONE

    def why(self) -> str:
        """What the erasure page says about these rows: how long they are kept, and why."""
        parts = []
        if self.keep_years:
            parts.append(_("Kept for %(years)d years.") % {"years": self.keep_years})
        if self.because:
            parts.append(str(self.because))
        return " ".join(parts)


_registry: dict[str, list[Registration]] = {}
_discovered = False


def register(registration: Registration) -> Registration:
    """Add ``registration`` to the registry (each app does it in its ``personal_data`` module)."""
    erasure = registration.erasure
    problems = []
    if erasure in (Erasure.ANONYMISE, Erasure.END) and registration.erase is None:
        problems.append(f"erasure {erasure} needs erase=")
    if erasure == Erasure.REFUSE and registration.refuse is None:
        problems.append("erasure refuse needs refuse=")
    if erasure in (Erasure.KEEP, Erasure.NONE, Erasure.REFUSE) and not registration.because:
        problems.append(f"erasure {erasure} needs because= (why)")
    if erasure == Erasure.KEEP and not registration.keep_years:
        problems.append("erasure keep needs keep_years=")
    if registration.export is None and not registration.not_exported_because:
        problems.append("no export= needs not_exported_because=")
    if problems:
        raise ImproperlyConfigured(f"Personal-data registration of {registration.model}: {'; '.join(problems)}")
    _registry.setdefault(registration.model, []).append(registration)
    return registration


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        import_module("quartier.personal_data_accounts")
        _discovered = True


def registrations() -> list[Registration]:
    """Every registration, in the order of the page's sections."""
    _discover()
    found = [
        registration
        for group in _registry.values()
        for registration in group
        if not registration.app or apps.is_installed(registration.app)
    ]
    return sorted(found, key=lambda registration: registration.position)


def registrations_of(model: type[models.Model] | str) -> list[Registration]:
    label = model if isinstance(model, str) else model._meta.label
    return [registration for registration in registrations() if registration.model == label]


def subjects() -> dict[str, Registration]:
    """The registrations of the models that stand for a person, by model label."""
    return {registration.model: registration for registration in registrations() if registration.subject is not None}


def covered_fields(model: type[models.Model] | str) -> set[str]:
    return {name for registration in registrations_of(model) for name in registration.fields}


def sections(subject: Subject) -> list[Section]:
    """Everything held about the subject, kind by kind (each in a fixed number of queries)."""
    found = [registration.section(subject) for registration in registrations()]
    return [section for section in found if section is not None]


def refusals(subject: Subject) -> list[str]:
    """Why the subject cannot be erased now (empty: it can)."""
    reasons: list[str] = []
    for registration in registrations():
        if registration.refuse is not None:
            reasons.extend(registration.refuse(subject, registration.rows_for(subject)))
    return reasons


def erase(subject: Subject, *, by: User, now: datetime.datetime) -> Erasing:
    """Run every registration's erasure for the subject. The caller holds the transaction and has checked
    ``refusals``; the audit trail must be off while this runs (its entries are scrubbed instead).

    Which rows each registration found is noted first (``erasing.touched``), so the audit trail's eraser, the
    last one, cuts the person out of every entry about any of them, deleted ones included.
    """
    for model in subjects():
        subject.ids(model)  # what stands for the person now, before anything changes
    subject.accounts()
    erasing = Erasing(subject=subject, by=by, now=now)
    for registration in registrations():
        if registration.erasure != Erasure.NONE:
            found = registration.rows_for(subject).values_list("pk", flat=True)
            erasing.touched.setdefault(registration.model, set()).update(found)
    for registration in registrations():
        rows = registration.rows_for(subject)
        if registration.erase is not None:
            registration.erase(subject, erasing, rows)
        elif registration.erasure == Erasure.DELETE:
            rows.delete()
    return erasing


@dataclass(frozen=True)
class ErasureLine:
    """One line of the erasure page: how many rows of a kind, what happens to them, and why."""

    label: Text
    count: int
    erasure: Erasure
    why: str
    holds: Text = ""
    extra: list[str] = field(default_factory=list)


def erasure_plan(subject: Subject) -> list[ErasureLine]:
    """What an erasure of the subject would do, kind by kind (kinds without rows left out)."""
    lines = []
    for registration in registrations():
        if not registration.shown_on_erasure():
            continue
        count = registration.rows_for(subject).count()
        if count:
            lines.append(
                ErasureLine(
                    label=registration.label,
                    count=count,
                    erasure=registration.erasure,
                    why=registration.why(),
                    holds=registration.holds,
                )
            )
    return lines


# --- the audit trail's changes, readable ---------------------------------------------------------------------

#: Bookkeeping fields the audit trail records but a person does not need to read.
_AUDIT_SKIPPED = {"id", "area", "created_at", "updated_at", "password", "last_login"}


def _audit_value(model_field: models.Field[Any, Any], value: object) -> str | None:
    if value is None or value in ("None", ""):
        return None
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value in (True, "True") else _("no"))
    return str(value)


def audit_changes(changes: dict[str, Any] | None, model: type[models.Model] | None) -> dict[str, tuple[str, ...]]:
    """The changes of an audit entry of ``model`` for people: its own plain fields only, as
    ``{field name: (label, old, new)}``; relations and empty values left out."""
    result: dict[str, tuple[str, ...]] = {}
    if model is None:
        return result
    for name, values in (changes or {}).items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a transition's "status", or a field that no longer exists
        if not model_field.concrete or model_field.is_relation or name in _AUDIT_SKIPPED:
            continue
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, None)
        old, new = _audit_value(model_field, old), _audit_value(model_field, new)  # type: ignore[arg-type]
        if old is None and new is None:
            continue  # an empty field recorded at creation
        result[name] = (capfirst(str(model_field.verbose_name)), old or "", new or "")
    return result
