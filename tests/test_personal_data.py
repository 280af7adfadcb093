"""The personal-data registry (``quartier.personal_data``) knows every model that points at a person or an
account: a new one fails here, with the model, the field and what to add."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import ForeignObjectRel, Model

from quartier.personal_data import Erasure, Registration, covered_fields, register, registrations, subjects

PROJECT_APPS = {"quartier", "actors", "committees", "fonds", "isek", "reporting"}


def pointers(model: type[Model]) -> Iterator[tuple[str, str]]:
    """The fields of ``model`` that point at a person, an account or another row standing for a person,
    with what they point at: foreign keys, one-to-one and many-to-many fields, and generic relations."""
    stand_ins = set(subjects())
    for field in model._meta.get_fields(include_hidden=True):
        if isinstance(field, ForeignObjectRel):
            continue  # the other side of a relation: found on the model that holds it
        if isinstance(field, GenericForeignKey):
            yield field.name, "anything (a generic relation), a person's record included"
        elif field.is_relation and field.related_model is not None:
            target = field.related_model._meta.label
            if target in stand_ins:
                yield field.name, target


def where_to_register(model: type[Model]) -> str:
    app = model._meta.app_config
    if app.label in PROJECT_APPS:
        return f"{app.name}/personal_data.py"
    return "quartier/personal_data_accounts.py (third-party apps are registered beside the account)"


def test_the_person_and_the_account_stand_for_a_person() -> None:
    assert "actors.Person" in subjects()
    assert settings.AUTH_USER_MODEL in subjects()


def test_every_model_that_points_at_a_person_or_an_account_is_in_the_personal_data_registry() -> None:
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        known = covered_fields(model)
        for name, target in pointers(model):
            if name in known:
                continue
            missing.append(
                f"{label}.{name} points at {target} but the personal-data registry does not know it. "
                f"Add to {where_to_register(model)}:\n"
                f"    register(Registration(\n"
                f'        model="{label}", fields=("{name}",),\n'
                f'        label=_("what its rows are"), holds=_("what it holds about the person"),\n'
                f"        erasure=Erasure.DELETE | ANONYMISE | END | KEEP | REFUSE | NONE,\n"
                f'        because=_("why it is kept / ended / refused / holds nothing"), keep_years=N if kept,\n'
                f'        export=export_it,  # or not_exported_because=_("why not")\n'
                f"        erase=erase_it,  # for ANONYMISE and END\n"
                f"    ))\n"
                f"  and give the person in tests/actors/test_gdpr.py::everything a row of it."
            )
    assert not missing, "\n\n".join(missing)


def test_every_registration_names_a_model_and_fields_that_exist() -> None:
    problems = []
    for registration in registrations():
        try:
            model = registration.model_class()
        except LookupError:
            problems.append(f"{registration.model}: no such model")
            continue
        for name in (*registration.fields, *([registration.account_field] if registration.account_field else [])):
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                problems.append(f"{registration.model}.{name}: no such field")
    assert not problems, "\n".join(problems)


def test_models_that_name_an_account_without_a_foreign_key_are_registered_too() -> None:
    """Sessions and the login throttle name the account by its id in the session data or by user name."""
    for label, app in (("sessions.Session", "django.contrib.sessions"), ("axes.AccessAttempt", "axes")):
        if apps.is_installed(app):
            assert any(registration.model == label for registration in registrations()), label


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"erasure": Erasure.ANONYMISE}, "needs erase="),
        ({"erasure": Erasure.KEEP, "keep_years": 10}, "needs because="),
        ({"erasure": Erasure.KEEP, "because": "Law"}, "needs keep_years="),
        ({"erasure": Erasure.REFUSE, "because": "First this"}, "needs refuse="),
        ({"erasure": Erasure.DELETE, "export": None}, "not_exported_because="),
    ],
)
def test_a_registration_must_say_how_it_is_erased_and_exported(kwargs: dict[str, object], problem: str) -> None:
    values: dict[str, object] = {
        "model": "actors.Affiliation",
        "fields": ("person",),
        "label": "x",
        "holds": "x",
        "export": lambda subject, rows: None,
        **kwargs,
    }
    with pytest.raises(ImproperlyConfigured, match=problem):
        register(Registration(**values))  # type: ignore[arg-type]
