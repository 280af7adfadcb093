"""Every date a person can enter has a sane range (issue #15, finding 11).

Year 1 or 9999 gave server errors in meetings, the audit log's filters, the approval letter and the committee's
calendar feed. ``quartier.dates`` defines the ranges once; every date and datetime field of every form of the
project (the GET filter forms and the admin's forms included) takes its range from there, refuses a date outside
it with a German message naming the range, and tells the browser through ``min`` / ``max``. The walk below
fails when a form forgets it; the paths without a form (the audit log's date filter in the admin, the contact
list's filters and export) are tested one by one.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import django_filters
import pytest
from django import forms
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import translation

from actors.models import ContactNote, Organisation, Person
from committees.models import Committee, Meeting
from quartier import dates
from quartier.models import Quartier, User

PROJECT_APPS = ("quartier", "actors", "committees", "fonds", "isek", "reporting")
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def project_form_classes() -> Iterator[type[forms.BaseForm]]:
    """Every form class defined in the project's code (its modules imported first), and the forms of the
    formsets the project's modules make (``inlineformset_factory`` makes their form classes in Django's code)."""
    seen: set[type] = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                is_formset = inspect.isclass(value) and issubclass(value, forms.BaseFormSet)
                if is_formset and hasattr(value, "form") and value.form not in seen:
                    seen.add(value.form)
                    yield value.form
    pending = [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass not in seen and subclass.__module__.split(".")[0] in PROJECT_APPS:
                seen.add(subclass)
                yield subclass


def filterset_date_fields() -> Iterator[tuple[str, forms.Field]]:
    """The date fields of the filters above the lists (``*/filters.py``: their form classes are made by
    django-filter)."""
    pending = [django_filters.FilterSet]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.split(".")[0] in PROJECT_APPS:
                for name, filter_ in subclass.base_filters.items():
                    # A field of its own: ``filter_.field`` would keep it on the class's filter, and every
                    # FilterSet made later would copy it (with the choices it had then).
                    if issubclass(filter_.field_class, DATE_FIELDS):
                        field = filter_.field_class(label=filter_.label, **filter_.extra)
                        yield f"{subclass.__module__}.{subclass.__qualname__}.{name}", field


def admin_form_classes(superuser: User) -> Iterator[tuple[str, type[forms.BaseForm]]]:
    """The change form of every model in the admin, and of its inlines."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        obj = model()
        yield model._meta.label, model_admin.get_form(request, obj)
        for inline in model_admin.get_inline_instances(request, obj):
            yield f"{model._meta.label} inline {inline.model._meta.label}", inline.get_formset(request, obj).form


def date_fields(form_class: type[forms.BaseForm]) -> Iterator[tuple[str, forms.Field]]:
    for name, field in form_class.base_fields.items():
        if isinstance(field, DATE_FIELDS):
            yield name, field


def every_date_field(superuser: User) -> list[tuple[str, forms.Field]]:
    found = [
        (f"{form_class.__module__}.{form_class.__qualname__}.{name}", field)
        for form_class in project_form_classes()
        for name, field in date_fields(form_class)
    ]
    found += list(filterset_date_fields())
    found += [
        (f"admin {label}.{name}", field)
        for label, form in admin_form_classes(superuser)
        for name, field in date_fields(form)
    ]
    return found


def test_every_date_field_of_every_form_has_the_sane_range(superuser: User) -> None:
    fields = every_date_field(superuser)
    names = {name for name, _field in fields}
    # The walk finds the forms: the office's, the public form's, the filters and the admin's.
    for expected in (
        "committees.forms.MeetingForm.starts_at",
        "committees.forms.BallotForm.deadline",
        "actors.filters.ContactFilterSet.date_from",
        "actors.forms.contacts.ContactNoteForm.follow_up_due",
        "fonds.forms.public.ProjectForm.start",
        "fonds.forms.public.ReceiptForm.date",
        "fonds.forms.office.PaymentForm.paid_on",
        "isek.forms.MilestoneForm.date",
        "admin quartier.User.date_joined",
    ):
        assert expected in names, expected
    without_range = [name for name, field in fields if dates.range_of(field) is None]
    assert without_range == []
    without_attributes = [
        name
        for name, field in fields
        if not isinstance(field, forms.SplitDateTimeField) and not {"min", "max"} <= set(field.widget.attrs)
    ]
    assert without_attributes == []


def test_every_date_field_refuses_year_1_and_9999_with_a_german_message_naming_the_range(superuser: User) -> None:
    with translation.override("de"):
        for name, field in every_date_field(superuser):
            date_range = dates.range_of(field)
            for year in (1, 9999):
                if isinstance(field, forms.SplitDateTimeField):
                    value: object = [f"{year:04d}-06-01", "12:00:00"]
                elif isinstance(field, forms.DateTimeField):
                    value = f"{year:04d}-06-01T12:00"
                else:
                    value = f"{year:04d}-06-01"
                with pytest.raises(forms.ValidationError) as refused:
                    field.clean(value)
                message = " ".join(refused.value.messages)
                assert date_range.message() in message, (name, message)
            assert date_range.first.strftime("%d.%m.%Y") in date_range.message()
            assert date_range.last.strftime("%d.%m.%Y") in date_range.message()


def test_the_ranges_take_their_ends_and_nothing_beyond() -> None:
    field = dates.DateField()
    assert field.clean("1990-01-01") == datetime.date(1990, 1, 1)
    assert field.clean("2100-12-31") == datetime.date(2100, 12, 31)
    for beyond in ("1989-12-31", "2101-01-01"):
        with pytest.raises(forms.ValidationError):
            field.clean(beyond)
    assert dates.HistoryDateField().clean("1950-05-01") == datetime.date(1950, 5, 1)
    moment = dates.DateTimeField()
    assert moment.clean("2100-12-31T23:59").year == 2100
    with pytest.raises(forms.ValidationError):
        moment.clean("2101-01-01T00:00")
    assert moment.widget.attrs["min"] == "1990-01-01T00:00" and moment.widget.attrs["max"] == "2100-12-31T23:59"


# --- each kind of input -------------------------------------------------------------------------------------------

RANGE_MESSAGE = "Bitte geben Sie ein Datum zwischen dem 01.01.1990 und dem 31.12.2100 an."


@pytest.mark.parametrize("year", [1, 9999])
def test_a_meeting_in_year_1_or_9999_is_refused_and_not_saved(
    client: Client, area: Quartier, jury: Committee, role_users: dict[str, User], year: int
) -> None:
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/sitzungen/neu/"
    response = client.post(url, {"starts_at": f"{year:04d}-06-01T18:00", "duration_minutes": "90", "place": "Büro"})
    assert response.status_code in (200, 400)
    assert RANGE_MESSAGE in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("year", [1, 9999])
def test_the_contact_list_filtered_by_year_1_or_9999_says_so_and_leaves_the_filter_out(
    client: Client, area: Quartier, role_users: dict[str, User], year: int, today: datetime.date
) -> None:
    ContactNote.objects.create(area=area, staff=role_users["gwa"], topic="Rückruf", date=today, channel="email")
    client.force_login(role_users["gwa"])
    for parameter in ("date_from", "date_to"):
        url = f"/gebiet/{area.slug}/kontakte/?{parameter}={year:04d}-01-01"
        page = client.get(url)
        assert page.status_code == 200 and RANGE_MESSAGE in page.content.decode()
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and RANGE_MESSAGE in fragment.content.decode()
        export = client.get(f"{url}&export=csv")
        assert export.status_code == 400 and RANGE_MESSAGE in export.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "timestamp__year=9999",
        "timestamp__year=9999&timestamp__month=12",
        "timestamp__year=9999&timestamp__month=12&timestamp__day=31",
        "timestamp__year=1",
        "timestamp__year=0",
        "timestamp__year=2026&timestamp__month=13",
        "timestamp__year=99999999999999999999",
        "timestamp__year=abc",
    ],
)
def test_the_audit_logs_date_filter_in_the_admin_refuses_years_out_of_range(
    client: Client, superuser: User, query: str
) -> None:
    client.force_login(superuser)
    response = Client(raise_request_exception=False)
    response.force_login(superuser)
    answer = response.get(f"/admin/auditlog/logentry/?{query}")
    assert answer.status_code == 404, answer.status_code
    assert client.get("/admin/auditlog/logentry/?timestamp__year=2026").status_code == 200


def test_the_admin_refuses_a_users_dates_out_of_range(client: Client, area: Quartier, superuser: User) -> None:
    from demo.factories import UserFactory
    from tests.test_admin import user_change_data

    user = UserFactory()
    client.force_login(superuser)
    for day in ("0001-01-01", "9999-12-31"):
        data = {**user_change_data(user, []), "date_joined_0": day, "last_login_0": day, "last_login_1": "10:00:00"}
        with translation.override("de"):
            response = client.post(f"/admin/quartier/user/{user.pk}/change/", data)
        assert response.status_code == 200
        assert RANGE_MESSAGE in response.content.decode()
    user.refresh_from_db()
    assert user.last_login is None and user.date_joined.year != 1


@pytest.mark.parametrize("year", [1, 9999])
def test_the_public_form_refuses_a_project_in_year_1_or_9999(client: Client, aktionsfonds: object, year: int) -> None:
    from tests.fonds.test_public import PROJECT, start

    token, application = start(client, aktionsfonds)  # type: ignore[arg-type]
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, "start": f"{year:04d}-06-01"})
    assert response.status_code == 400 and RANGE_MESSAGE in response.content.decode()
    application.refresh_from_db()
    assert application.start is None


def test_affiliations_reach_back_further_than_events(area: Quartier) -> None:
    """Historical data (a membership since 1975) has the wider range; a year 1 is still refused."""
    from actors.forms.persons import AffiliationForm

    organisation = Organisation.objects.create(area=area, name="Kirchengemeinde")
    person = Person.objects.create(area=area, last_name="Alt")
    fields = AffiliationForm.base_fields
    assert dates.range_of(fields["start"]) == dates.HISTORY
    assert fields["start"].clean("1975-04-01") == datetime.date(1975, 4, 1)
    with pytest.raises(forms.ValidationError):
        fields["start"].clean("0001-04-01")
    assert organisation.pk and person.pk
