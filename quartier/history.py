"""The history as the office reads it: each audit entry of a page in German words, written once for every history
page (the area's, an object's, the dashboard's latest changes).

An entry says who did what to which object: a field by its label, a choice by its label, a linked object by its
name, yes and no for a checkbox, "—" for nothing; a step of a lifecycle by its verb (``Move.done``); created and
deleted as such; objects added to or removed from a many-to-many field; a person's affiliation or a network's
member added, changed or removed, on the histories of both sides (``HISTORY_OF``). The names of the linked objects
of a whole page are read in one query (``quartier.selectors.lists_of``), whatever their number and kinds.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier import display
from quartier.selectors import lists_of
from quartier.transitions import machine_for

#: What auditlog recorded for the manager of related objects ("actors.NetworkMembership.None").
_UNREAD = re.compile(r"^\w+\.\w+\.None$")

#: What stands for no value.
EMPTY = "—"
#: Longer texts are cut here.
LONGEST = 200

#: Fields no entry shows: the key, the area (every entry of a page belongs to it) and the stamps of each save.
HIDDEN = frozenset({"id", "area", "created_at", "updated_at"})

#: Names of fields that are no model field (any more): what earlier entries recorded.
OTHER_FIELDS = {"members": gettext_lazy("members")}

#: Steps recorded outside a state machine (``quartier.audit.audit_transition``), by their name.
OTHER_STEPS = {
    "erase": gettext_lazy("personal data erased"),
    "end_on_erasure": gettext_lazy("ended with the erasure of the person"),
}

#: Related objects whose name (``__str__``) needs more of their row's relations.
NAME_NEEDS = {
    ("committees", "meeting"): ("committee",),
    ("committees", "membership"): ("person", "committee"),
}

#: Links between two objects (``HISTORY_OF``): a sentence for each action, with the names of both sides.
LINKS: dict[tuple[str, str], dict[int, Any]] = {
    ("actors", "affiliation"): {
        LogEntry.Action.CREATE: gettext_lazy("%(person)s added to the organisation “%(organisation)s”"),
        LogEntry.Action.UPDATE: gettext_lazy("Affiliation of %(person)s with “%(organisation)s” changed"),
        LogEntry.Action.DELETE: gettext_lazy("%(person)s removed from the organisation “%(organisation)s”"),
    },
    ("actors", "networkmembership"): {
        LogEntry.Action.CREATE: gettext_lazy("%(member)s added as a member of the network “%(network)s”"),
        LogEntry.Action.UPDATE: gettext_lazy("Membership of %(member)s in the network “%(network)s” changed"),
        LogEntry.Action.DELETE: gettext_lazy("%(member)s removed from the network “%(network)s”"),
    },
}


@dataclass(frozen=True)
class Change:
    """One field of an entry: its label and the values before and after, or (``note``) what was added or removed."""

    label: str
    before: str = ""
    after: str = ""
    note: str = ""


@dataclass(frozen=True)
class Entry:
    pk: int
    timestamp: datetime.datetime
    iso: str  # the moment as ``<time datetime>`` writes it (``date:"c"``), and as people read it (short)
    when: str
    actor: str
    summary: str
    changes: tuple[Change, ...]


def readable(entries: Iterable[LogEntry], *, with_changes: bool = True) -> list[Entry]:
    """``entries`` (with ``actor`` and ``content_type`` selected) as the history pages show them; the changed
    fields too with ``with_changes``. At most one query: the names of the linked objects."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        _wanted_names(entry, wanted, with_changes=with_changes)
    names = _names(wanted)
    _day, moment = display.short_dates()
    return [_entry(entry, names, moment, with_changes=with_changes) for entry in entries]


# --- the names of linked objects ----------------------------------------------------------------------------------


def _model(entry: LogEntry) -> type[models.Model] | None:
    return entry.content_type.model_class()


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _key(field: models.Field, raw: object) -> Any | None:
    """The primary key a foreign key's recorded value names, or None."""
    if raw in (None, "", "None"):
        return None
    related = field.related_model
    if not isinstance(related, type):
        return None
    try:
        return related._meta.pk.to_python(raw)
    except (ValidationError, TypeError, ValueError):
        return None


def _link_fields(entry: LogEntry) -> dict[str, models.Field]:
    """The fields a link's sentence names (``HISTORY_OF``): for a link model, its foreign keys by name."""
    model = _model(entry)
    if model is None or (model._meta.app_label, model._meta.model_name) not in LINKS:
        return {}
    return {name: field for name in getattr(model, "HISTORY_OF", ()) if (field := _field(model, name)) is not None}


def _wanted_names(entry: LogEntry, wanted: dict[type[models.Model], set[Any]], *, with_changes: bool) -> None:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    for field in _link_fields(entry).values():
        key = _key(field, data.get(field.attname))
        if key is not None:
            wanted[field.related_model].add(key)  # type: ignore[index]
    if not with_changes or entry.action == LogEntry.Action.DELETE:
        return
    model = _model(entry)
    for name, values in _changes(entry).items():
        changed = _field(model, name)
        if changed is None or not changed.is_relation or changed.many_to_many or name in HIDDEN:
            continue
        for raw in values if isinstance(values, (list, tuple)) else ():
            key = _key(changed, raw)
            if key is not None:
                wanted[changed.related_model].add(key)  # type: ignore[index]


def _names(wanted: dict[type[models.Model], set[Any]]) -> dict[tuple[type[models.Model], Any], str]:
    if not wanted:
        return {}
    querysets = {}
    order = list(wanted)
    for number, model in enumerate(order):
        rows = model._default_manager.filter(pk__in=sorted(wanted[model], key=str))
        needs = NAME_NEEDS.get((model._meta.app_label, model._meta.model_name or ""))
        querysets[f"m{number}"] = rows.select_related(*needs) if needs else rows
    found = lists_of(**querysets)
    return {(model, obj.pk): str(obj) for number, model in enumerate(order) for obj in found[f"m{number}"]}


# --- one entry ----------------------------------------------------------------------------------------------------


def _changes(entry: LogEntry) -> dict[str, Any]:
    changes = entry.changes_dict
    return changes if isinstance(changes, dict) else {}


def _entry(
    entry: LogEntry,
    names: dict[tuple[type[models.Model], Any], str],
    moment: Callable[[datetime.datetime], str],
    *,
    with_changes: bool,
) -> Entry:
    model = _model(entry)
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    step = data.get("transition")
    changes: tuple[Change, ...] = ()
    if with_changes and entry.action != LogEntry.Action.DELETE:
        skip = {"status"} if step else set()
        skip |= set(_link_fields(entry))  # a link's sentence names both sides already
        changes = tuple(
            change
            for name, values in _changes(entry).items()
            if name not in HIDDEN and name not in skip
            if (change := _change(model, name, values, names, created=entry.action == LogEntry.Action.CREATE))
        )
    return Entry(
        pk=entry.pk,
        timestamp=entry.timestamp,
        iso=localtime(entry.timestamp).isoformat(),
        when=moment(entry.timestamp),
        actor=entry.actor.get_display_name() if entry.actor is not None else _("System"),
        summary=_summary(entry, model, data, names),
        changes=changes,
    )


def _summary(
    entry: LogEntry,
    model: type[models.Model] | None,
    data: dict[str, Any],
    names: dict[tuple[type[models.Model], Any], str],
) -> str:
    link = _link_sentence(entry, model, data, names)
    if link:
        return link
    kind = capfirst(str(model._meta.verbose_name)) if model is not None else capfirst(entry.content_type.name)
    return _("%(kind)s “%(name)s” %(what)s") % {"kind": kind, "name": entry.object_repr, "what": _what(entry, model)}


def _link_sentence(
    entry: LogEntry,
    model: type[models.Model] | None,
    data: dict[str, Any],
    names: dict[tuple[type[models.Model], Any], str],
) -> str:
    fields = _link_fields(entry)
    if not fields or model is None:
        return ""
    sentence = LINKS[(model._meta.app_label, model._meta.model_name or "")].get(entry.action)
    if sentence is None:
        return ""
    values = dict.fromkeys(("person", "organisation", "network"), EMPTY)
    for name, field in fields.items():
        key = _key(field, data.get(field.attname))
        if key is not None:
            values[name] = names.get((field.related_model, key), _("deleted"))  # type: ignore[arg-type]
    values["member"] = values["organisation"] if values["organisation"] != EMPTY else values["person"]
    return str(sentence) % values


def _what(entry: LogEntry, model: type[models.Model] | None) -> str:
    """The verb of an entry: created, changed, deleted, or the step it took."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    transition = data.get("transition")
    if transition:
        return step_done(model, str(transition), _changes(entry).get("status"), str(data.get("step") or ""))
    return {
        LogEntry.Action.CREATE: _("created"),
        LogEntry.Action.UPDATE: _("changed"),
        LogEntry.Action.DELETE: _("deleted"),
    }.get(entry.action, _("opened"))


def step_done(model: type[models.Model] | None, transition: str, status: object, step: str = "") -> str:
    """A recorded step as done ("eingereicht"): from the move the machine of ``model`` declares under the name
    ``transition`` (several moves may share one, told apart by the ``status`` [from, to] recorded); a step outside
    a machine from ``OTHER_STEPS``; else the step's recorded label, else its name."""
    machine = machine_for(model) if model is not None else None
    if machine is not None:
        moves = [move for name, move in machine.moves.items() if (move.audit or name) == transition]
        if isinstance(status, (list, tuple)) and len(status) == 2:
            exact = [move for move in moves if move.target == status[1] and status[0] in move.sources]
            moves = exact or moves
        if moves and moves[0].done:
            return str(moves[0].done)
    if transition in OTHER_STEPS:
        return str(OTHER_STEPS[transition])
    return step or transition


def _change(
    model: type[models.Model] | None,
    name: str,
    values: object,
    names: dict[tuple[type[models.Model], Any], str],
    *,
    created: bool,
) -> Change | None:
    field = _field(model, name)
    many = model is not None and name in {f.name for f in model._meta.many_to_many}
    if many:
        many_field = model._meta.get_field(name)  # type: ignore[union-attr]
        label = capfirst(str(getattr(many_field, "verbose_name", name)))
    elif field is not None:
        label = capfirst(str(field.verbose_name))
    else:
        label = capfirst(str(OTHER_FIELDS.get(name, name)))
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(str(item) for item in values.get("objects") or []) or EMPTY
        if values.get("operation") == "add":
            return Change(label=label, note=_("added: %(objects)s") % {"objects": objects})
        return Change(label=label, note=_("removed: %(objects)s") % {"objects": objects})
    if not isinstance(values, (list, tuple)) or len(values) != 2:
        return None
    if field is None and all(raw in (None, "None") or _UNREAD.match(str(raw)) for raw in values):
        return None  # a related object's manager, as earlier entries recorded it on creation: nothing to read
    if field is not None and isinstance(field, models.GeneratedField):
        return None
    before, after = (value_text(field, raw, names) for raw in values)
    if created:
        return Change(label=label, after=after) if after != EMPTY else None
    return Change(label=label, before=before, after=after)


def value_text(field: models.Field | None, raw: object, names: dict[tuple[type[models.Model], Any], str]) -> str:
    """A value as auditlog recorded it (a text), in words: see the module's docstring."""
    if raw is None or raw in ("", "None"):
        return EMPTY
    text = str(raw)
    if field is None:
        return _cut(text)
    if field.is_relation:
        key = _key(field, raw)
        if key is None:
            return _cut(text)
        name = names.get((field.related_model, key))  # type: ignore[arg-type]
        return name if name is not None else _("deleted (no. %(pk)s)") % {"pk": key}
    choices = _choices(field)
    if choices:
        return _choice_text(choices, text)
    if isinstance(field, models.BooleanField):
        return {"True": _("yes"), "False": _("no")}.get(text, text)
    if isinstance(field, models.DateTimeField):
        return _moment(text)
    if isinstance(field, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(text[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if isinstance(field, models.DecimalField):
        try:
            return formats.number_format(decimal.Decimal(text), decimal_pos=field.decimal_places, force_grouping=True)
        except decimal.InvalidOperation:
            return text
    if isinstance(field, models.FileField):
        return text.rsplit("/", 1)[-1]
    return _cut(text)


def _choices(field: models.Field) -> dict[str, str]:
    flat: Sequence[tuple[Any, Any]] = field.flatchoices or getattr(
        getattr(field, "base_field", None), "flatchoices", []
    )
    return {str(value): str(label) for value, label in flat or []}


def _choice_text(choices: dict[str, str], text: str) -> str:
    if text.startswith("["):  # a list of choices (an array field), as Python wrote it
        try:
            values = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            values = None
        if isinstance(values, list):
            return ", ".join(choices.get(str(value), str(value)) for value in values) or EMPTY
    return choices.get(text, text)


def _moment(text: str) -> str:
    """A moment as auditlog records it (in UTC, without the zone), in the local time."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"
