"""The audit trail, on django-auditlog.

Creates, changes and deletes of registered models are recorded by auditlog
itself (with the request's user as actor through its middleware). Services
add two things here: ``acting_as`` names the actor outside a request (commands,
Celery tasks), and ``audit_transition`` records a state transition by name (and its German label).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from quartier.models import User

#: The project's own apps: only their models have history pages.
PROJECT_APPS = frozenset({"quartier", "actors", "committees", "fonds", "isek", "reporting", "activation"})


def history_models() -> list[type[Model]]:
    """The models whose objects have a history page: the project's own models registered with the audit log
    that belong to an area (``get_area``). Django's models, other packages' and unaudited ones do not."""
    return [
        model for model in auditlog.get_models() if model._meta.app_label in PROJECT_APPS and hasattr(model, "get_area")
    ]


def area_history_models() -> list[type[Model]]:
    """The models whose entries the area's history lists (they record the area, ``get_additional_data``), by
    their names: the kinds of object its filter offers."""
    models = [
        model
        for model in auditlog.get_models()
        if model._meta.app_label in PROJECT_APPS and hasattr(model, "get_additional_data")
    ]
    return sorted(models, key=lambda model: str(model._meta.verbose_name_plural).casefold())


def entries_of(obj: Model) -> Q:
    """Where the audit entries of ``obj``'s history are: its own, and those of the links that show on it (a model's
    ``HISTORY_OF`` names its foreign keys to the objects on whose histories its entries appear; the entries
    record those keys, ``get_additional_data``)."""
    own = ContentType.objects.get_for_model(type(obj))
    where = Q(content_type=own, object_pk=str(obj.pk))
    for model in auditlog.get_models():
        for name in getattr(model, "HISTORY_OF", ()):
            field = model._meta.get_field(name)
            if field.related_model is type(obj):
                link = ContentType.objects.get_for_model(model)
                where |= Q(content_type=link, **{f"additional_data__{field.attname}": obj.pk})
    return where


def history_model(label: str) -> type[Model] | None:
    """The model named ``label`` (``app.model``, any case) if it has history pages, else ``None``."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if model in history_models() else None


def register(model: type[Model], *, exclude: Iterable[str] = (), m2m: Iterable[str] = ()) -> None:
    """Record ``model``'s creates, changes and deletes in the audit log (each app's ``ready``): its fields but
    ``exclude`` and its reverse relations (related objects are logged on their own; as fields of this one they are
    only noise), and the many-to-many fields ``m2m`` as objects added and removed, by their names (so never one
    whose objects are persons: their names would outlive an erasure in the log)."""
    reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
    auditlog.register(model, exclude_fields=[*exclude, *reverse], m2m_fields=set(m2m))


@contextlib.contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Record ``user`` as the actor of the changes inside (a service's ``by``).

    auditlog's ``set_actor`` leaves its context variable set when it ends; put
    back the enclosing context (the request's, if any) so that one stays intact.
    """
    if user is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def audit_transition(
    *,
    obj: Model,
    transition: str,
    from_state: str,
    to_state: str,
    by: User | None,
    label: str = "",
    changes: dict[str, Any] | None = None,
) -> LogEntry:
    """Record that ``obj`` went from ``from_state`` to ``to_state`` through ``transition``; ``label`` names the
    step for the history pages, in the project's language (``quartier.transitions`` gives it). ``changes`` are
    the fields the step changed (as auditlog records them; the status is added where missing): the step's one
    entry."""
    extra = obj.get_additional_data() if hasattr(obj, "get_additional_data") else {}
    if label:
        extra = {**(extra or {}), "step": label}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={**(changes or {}), "status": [from_state, to_state]},
        actor=by,
        additional_data={**(extra or {}), "transition": transition},
    )
