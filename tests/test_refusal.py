"""The one helper that shows a service's refusal on its form (``quartier.forms.refusal_on``) or as a notice
(``refusal_in_messages``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import RequestFactory

from demo.factories import UserFactory
from quartier.forms import Refusal, refusal_in_messages, refusal_on
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.services import area_update, role_grant

APPS = ["actors", "committees", "fonds", "isek", "reporting", "quartier"]


class NameForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def _sent_form() -> NameForm:
    form = NameForm({"name": "Kiez", "note": ""})
    assert form.is_valid()
    return form


def test_a_field_refusal_shows_at_the_field_with_its_code() -> None:
    form = _sent_form()
    with refusal_on(form) as refusal:
        raise ValidationError({"name": ValidationError("Name taken.", code="duplicate")})
    assert refusal.refused
    assert form.errors == {"name": ["Name taken."]}
    assert form.has_error("name", code="duplicate")
    assert "name" not in form.cleaned_data  # a refused value is no longer clean


def test_a_refusal_without_a_field_shows_above_the_form_with_its_code() -> None:
    form = _sent_form()
    with refusal_on(form) as refusal:
        raise ValidationError("The fund is closed.", code="closed")
    assert form.non_field_errors() == ["The fund is closed."]
    assert form.has_error(NON_FIELD_ERRORS, code="closed")
    assert refusal.text == "The fund is closed."


def test_a_refusal_naming_a_field_the_form_lacks_shows_above_the_form() -> None:
    form = _sent_form()
    with refusal_on(form):
        raise ValidationError(
            {
                "budget": [ValidationError("Over budget.", code="over"), ValidationError("No year.", code="year")],
                "note": ValidationError("Too short.", code="short"),
                NON_FIELD_ERRORS: ValidationError("Locked.", code="locked"),
            }
        )
    assert form.non_field_errors() == ["Over budget.", "No year.", "Locked."]
    assert [error.code for error in form.errors.as_data()[NON_FIELD_ERRORS]] == ["over", "year", "locked"]
    assert form.errors["note"] == ["Too short."]
    assert "name" not in form.errors


def test_a_list_of_refusals_keeps_each_message_and_code() -> None:
    form = _sent_form()
    with refusal_on(form):
        raise ValidationError([ValidationError("First.", code="a"), ValidationError("%(n)s left.", params={"n": 2})])
    assert form.non_field_errors() == ["First.", "2 left."]
    assert form.has_error(NON_FIELD_ERRORS, code="a")


def test_the_code_after_a_refusal_in_the_block_does_not_run() -> None:
    form = _sent_form()
    ran = []
    with refusal_on(form):
        raise ValidationError("No.")
        ran.append("after")  # type: ignore[unreachable]
    assert ran == []


def test_a_block_without_refusal_leaves_the_form_alone() -> None:
    form = _sent_form()
    with refusal_on(form) as refusal:
        saved = "saved"
    assert saved == "saved"
    assert not refusal.refused
    assert refusal.text == ""
    assert form.errors == {}


def test_other_errors_pass_through() -> None:
    form = _sent_form()
    with pytest.raises(KeyError), refusal_on(form):
        raise KeyError("bug")
    assert form.errors == {}


def test_a_refusal_can_be_caught_without_showing_it() -> None:
    with Refusal() as refusal:
        raise ValidationError("Not now.")
    assert refusal.text == "Not now."


def test_a_refusal_in_messages_becomes_one_error_notice() -> None:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with refusal_in_messages(request, prefix="Kiez: "):
        raise ValidationError(["One.", "Two."])
    assert [(str(message), message.tags) for message in get_messages(request)] == [("Kiez: One. Two.", "error")]


def test_a_refused_duplicate_role_saves_nothing_and_shows_its_code(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    form = _sent_form()
    with refusal_on(form):
        role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    assert form.has_error(NON_FIELD_ERRORS, code="duplicate")
    assert RoleAssignment.objects.filter(user=user, area=area).count() == 1


def test_a_refused_update_shows_its_fields_errors_and_saves_nothing(area: Quartier) -> None:
    by = User.objects.create_user("office")
    name, slug = area.name, area.slug
    form = _sent_form()
    with refusal_on(form):  # the form has a name but no slug: the slug's refusal shows above the form
        area_update(area=area, by=by, data={"name": "", "slug": ""})
    assert form.has_error("name", code="blank")
    assert form.has_error(NON_FIELD_ERRORS, code="blank")
    area.refresh_from_db()
    assert (area.name, area.slug) == (name, slug)


def test_a_refusal_can_be_shown_at_one_field_of_the_form() -> None:
    form = _sent_form()
    with refusal_on(form, field="note"):
        raise ValidationError({"budget": "Over budget.", "name": "Name taken."})
    assert form.errors == {"note": ["Over budget."], "name": ["Name taken."]}
    form = _sent_form()
    with refusal_on(form, field="note"):
        raise ValidationError("Too large.", code="size")
    assert form.has_error("note", code="size")


def test_a_refusals_messages_are_kept_as_a_list() -> None:
    with Refusal() as refusal:
        raise ValidationError({"name": ["One.", "Two."]})
    assert refusal.messages == ["One.", "Two."]
    with Refusal() as nothing:
        pass
    assert nothing.messages == []


# Views that catch a refusal together with a PermissionDenied (shown the same way): not a form's refusal.
REFUSAL_AND_DENIAL = {"committees/views/members.py", "fonds/views/office.py"}


def test_views_show_refusals_through_the_helper_instead_of_their_own_except() -> None:
    root = Path(__file__).resolve().parent.parent
    views = [path for app in APPS for path in (root / app).glob("**/views*.py")]
    views += [path for app in APPS for path in (root / app).glob("**/views/*.py")]
    copies = {
        str(path.relative_to(root))
        for path in views
        for line in path.read_text().splitlines()
        if line.strip().startswith(("except ValidationError", "except (ValidationError"))
    }
    assert views
    assert copies <= REFUSAL_AND_DENIAL
