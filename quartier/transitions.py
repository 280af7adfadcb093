"""One way to change a status: each stateful model declares its machine once, every change goes through it.

A ``StateMachine`` names the moves a model's status may make: each ``Move`` starts from a set of states and
leads to one, and has a label (what the step does, as the audit trail and a refusal name it). A service locks
the row (``lock``), checks what only it knows, and then ``apply``s the move: the machine checks the state it
starts from (a refusal is a ``ValidationError`` with the code ``invalid_transition`` that names the current
state and the step), sets the target and the extra fields, saves only those, records the step where the model
keeps a history (``record``) and writes the audit entry with the actor, its step named in German.
``transition`` does both for a service with nothing of its own to check.

Views, forms and templates ask the machine which moves are possible now (``allowed``, ``can``) instead of
copying its sets. A background job that claims a row with a conditional ``UPDATE`` uses ``update``: the same
declared sources, in the ``WHERE`` of one statement.

The machines are declared in the services of the app that owns the model and registered here by model
(``machine_for``); ``tests/test_transitions.py`` checks that every model with a status has one.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier.audit import acting_as, audit_transition
from quartier.models import User

#: A message or label, translated now or when shown.
Label: TypeAlias = str | Promise

INVALID_TRANSITION = "invalid_transition"

#: The refusal of a machine that has none of its own.
DEFAULT_REFUSAL = _("“%(move)s” is not possible while the status is “%(status)s”.")


class Recorder(Protocol):
    """Writes one step into the model's own history (``StatusChange`` and the like)."""

    def __call__(
        self, obj: Any, *, from_state: str, to_state: str, by: User | None, note: str, now: datetime.datetime
    ) -> None: ...


@dataclass(frozen=True)
class Move:
    """One step: from any of ``sources`` to ``target``.

    ``label`` says what the step does ("einreichen"). ``refusal`` replaces the machine's message when the step
    is not possible, ``refusal_from`` does so for particular current states; both may use ``%(status)s`` (the
    current state's label) and ``%(move)s`` (the step's label). ``audit`` is the step's name in the audit trail
    when it is not the move's own (names already written stay the same). ``done`` says that the step was taken
    ("eingereicht"), as the history pages show it (``quartier.history``)."""

    sources: frozenset[str]
    target: str
    label: Label
    done: Label | None = None
    refusal: Label | None = None
    refusal_from: Mapping[str, Label] = field(default_factory=dict)
    audit: str = ""


#: Every declared machine, by its model.
_MACHINES: dict[type[models.Model], StateMachine] = {}


@dataclass(frozen=True)
class StateMachine:
    """The declared moves of ``model``'s ``field``. Registers itself for ``machine_for``."""

    model: type[models.Model]
    moves: Mapping[str, Move]
    field: str = "status"
    #: The refusal when a move has none of its own.
    refusal: Label = DEFAULT_REFUSAL
    #: Writes the model's own history of steps; None where the audit trail is the only record.
    record: Recorder | None = None
    #: Whether each step is written to the audit trail (``quartier.audit``).
    audited: bool = True
    #: Related rows fetched with the locked row (``select_related``).
    lock_related: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        states = set(self.states())
        for name, move in self.moves.items():
            unknown = (set(move.sources) | {move.target}) - states
            if unknown:
                raise ValueError(f"{self.model.__name__}.{name}: unknown states {sorted(unknown)}")
        if self.model in _MACHINES:
            raise ValueError(f"{self.model.__name__} has a state machine already")
        _MACHINES[self.model] = self

    # --- reading ------------------------------------------------------------------------------------------------

    def states(self) -> list[str]:
        """Every state of the field, in the order of its choices."""
        return [value for value, _label in self.model._meta.get_field(self.field).flatchoices]

    def state_label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).flatchoices).get(state, state))

    def state_of(self, obj_or_state: models.Model | str) -> str:
        return obj_or_state if isinstance(obj_or_state, str) else getattr(obj_or_state, self.field)

    def sources(self, move: str) -> frozenset[str]:
        return self.moves[move].sources

    def target(self, move: str) -> str:
        return self.moves[move].target

    def can(self, obj_or_state: models.Model | str, move: str) -> bool:
        """May ``move`` start from the object's (or the given) state?"""
        return self.state_of(obj_or_state) in self.moves[move].sources

    def allowed(self, obj_or_state: models.Model | str) -> list[str]:
        """The moves possible from the object's (or the given) state, in the order they are declared."""
        state = self.state_of(obj_or_state)
        return [name for name, move in self.moves.items() if state in move.sources]

    def targets(self, obj_or_state: models.Model | str) -> list[str]:
        """The states reachable in one step, in the order of the field's choices."""
        reachable = {self.moves[name].target for name in self.allowed(obj_or_state)}
        return [state for state in self.states() if state in reachable]

    def move_to(self, obj_or_state: models.Model | str, target: str) -> str | None:
        """The move that leads from the object's (or the given) state to ``target``, if one does."""
        return next((name for name in self.allowed(obj_or_state) if self.moves[name].target == target), None)

    # --- checking and moving ------------------------------------------------------------------------------------

    def refusal_for(self, state: str, move: str) -> ValidationError:
        declared = self.moves[move]
        message = declared.refusal_from.get(state) or declared.refusal or self.refusal
        return ValidationError(
            str(message) % {"status": self.state_label(state), "move": declared.label},
            code=INVALID_TRANSITION,
            params={"status": state, "move": move},
        )

    def check(self, obj: models.Model, move: str) -> None:
        """Refuse (``ValidationError``, code ``invalid_transition``) unless ``move`` may start where ``obj`` is."""
        state = self.state_of(obj)
        if state not in self.moves[move].sources:
            raise self.refusal_for(state, move)

    def lock(self, obj: models.Model) -> Any:
        """``obj``'s row, locked until the transaction ends (``select_for_update``), read afresh."""
        rows = self.model._default_manager.select_for_update()
        if self.lock_related:
            rows = rows.select_related(*self.lock_related)
        return rows.get(pk=obj.pk)

    def assign(self, obj: models.Model, move: str) -> str:
        """Check ``move`` and set the target on ``obj`` without saving (for a caller that saves many rows at
        once); returns the state it started from."""
        self.check(obj, move)
        before = self.state_of(obj)
        setattr(obj, self.field, self.moves[move].target)
        return before

    def apply(
        self,
        obj: Any,
        move: str,
        *,
        by: User | None,
        note: str = "",
        now: datetime.datetime | None = None,
        **fields: object,
    ) -> Any:
        """Make ``move`` on the locked ``obj``: check where it starts, set the target and ``fields``, save
        those (and the fields that stamp each save), record the step and audit it. Returns ``obj``."""
        now = now or timezone.now()
        unchanged = copy.copy(obj)
        before = self.assign(obj, move)
        declared = self.moves[move]
        for name, value in fields.items():
            setattr(obj, name, value)
        stamps = [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
        # An audited step is recorded once, below, with every field it changed: auditlog's own entry of this save
        # would show the same step a second time, as a plain change of the status.
        quiet = disable_auditlog() if self.audited else contextlib.nullcontext()
        with acting_as(by), quiet:
            obj.save(update_fields=list(dict.fromkeys([self.field, *fields, *stamps])))
        if self.record is not None:
            self.record(obj, from_state=before, to_state=declared.target, by=by, note=note, now=now)
        if self.audited:
            with translation.override(settings.LANGUAGE_CODE):
                label = str(declared.label)
            audit_transition(
                obj=obj,
                transition=declared.audit or move,
                from_state=before,
                to_state=declared.target,
                by=by,
                label=label,
                changes=self._changes(unchanged, obj, [self.field, *fields]),
            )
        return obj

    def _changes(self, unchanged: models.Model, changed: models.Model, names: list[str]) -> dict[str, Any]:
        """The fields of ``names`` that the step changed, as auditlog records them (with its registration's
        exclusions and masks); ``audit_transition`` adds the status."""
        if not auditlog.contains(self.model):
            return {}
        return dict(model_instance_diff(unchanged, changed, fields_to_check=names) or {})

    def transition(
        self,
        obj: models.Model,
        move: str,
        *,
        by: User | None,
        note: str = "",
        now: datetime.datetime | None = None,
        **fields: object,
    ) -> Any:
        """Lock ``obj``'s row and make ``move`` (``apply``). Call it inside a transaction."""
        return self.apply(self.lock(obj), move, by=by, note=note, now=now, **fields)

    def update(self, rows: models.QuerySet[Any], move: str, **fields: object) -> int:
        """Make ``move`` on those of ``rows`` whose state allows it, in one conditional ``UPDATE`` (a claim:
        of two at the same moment only one changes the row). Neither recorded nor audited. Returns how many
        rows moved."""
        declared = self.moves[move]
        return rows.filter(**{f"{self.field}__in": declared.sources}).update(**{self.field: declared.target}, **fields)


def machine_for(model: type[models.Model]) -> StateMachine | None:
    """The machine declared for ``model`` (its services module must have been imported)."""
    return _MACHINES.get(model)


def machines() -> list[StateMachine]:
    """Every machine declared so far."""
    return list(_MACHINES.values())


def transition(
    obj: models.Model,
    move: str,
    *,
    by: User | None,
    note: str = "",
    now: datetime.datetime | None = None,
    **fields: object,
) -> Any:
    """Lock ``obj``'s row and make ``move`` through the machine declared for its model."""
    machine = machine_for(type(obj))
    if machine is None:
        raise LookupError(f"{type(obj).__name__} has no state machine")
    return machine.transition(obj, move, by=by, note=note, now=now, **fields)
