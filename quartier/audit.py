"""The audit trail, on django-auditlog.

Creates, changes and deletes of registered models are recorded by auditlog
itself (with the request's user as actor through its middleware). Services
add two things here: ``acting_as`` names the actor outside a request (commands,
Celery tasks), and ``audit_transition`` records a state transition by name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.db.models import Model

from quartier.models import User


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


def audit_transition(*, obj: Model, transition: str, from_state: str, to_state: str, by: User | None) -> LogEntry:
    """Record that ``obj`` went from ``from_state`` to ``to_state`` through ``transition``."""
    extra = obj.get_additional_data() if hasattr(obj, "get_additional_data") else {}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"status": [from_state, to_state]},
        actor=by,
        additional_data={**(extra or {}), "transition": transition},
    )
