from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.filters import PersonFilterSet
from actors.forms.persons import EraseForm, PersonAffiliationFormSet, PersonForm
from actors.models import Person
from actors.selectors.persons import (
    person_data,
    person_detail,
    person_in_area,
    persons_for,
    persons_for_review,
    review_cutoff,
)
from actors.services.persons import person_create, person_erase, person_erasure_plan, person_update
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import FORMATS, number_column, table_response
from quartier.forms import refusal_on
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import Quartier

VCARD = "vcf"


class PersonErased(Exception):
    def __init__(self, person: Person) -> None:
        self.person = person


def get_person_for(area: Quartier, pk: int) -> Person:
    """The person ``pk`` of ``area``; 404 if it is not there, ``PersonErased`` if their data was erased."""
    person = person_in_area(area, pk)
    if person is None:
        raise Http404(_("This person does not exist."))
    if person.erased_at is not None:
        raise PersonErased(person)
    return person


def erased_page(request: HttpRequest, area: Quartier, person: Person) -> HttpResponse:
    """What a page about an erased person shows instead: that the data is gone (410 Gone)."""
    return render(request, "actors/person_erased.html", {"area": area, "person": person}, status=410)


def _perms(request: AreaRequest) -> frozenset[str]:
    return request.area_perms


# --- the list and its exports ------------------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_PERSONS)
def person_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    def export(persons: QuerySet[Person], fmt: str) -> HttpResponse:
        if fmt == VCARD:
            return persons_vcards(persons, area=area)
        return persons_export(persons, area=area, fmt=fmt)

    return list_page(
        request,
        template="actors/person_list.html",
        title=_("Persons"),
        filterset=PersonFilterSet(request.GET, queryset=persons_for(area), area=area),
        export=export,
        formats=(*FORMATS, VCARD),
        context={"area": area, "can_change": permissions.CHANGE_ACTORS in _perms(request)},
    )


def _current_organisations(person: Person) -> list[str]:
    today = timezone.localdate()
    return [
        affiliation.organisation.name
        for affiliation in person.affiliation_set.all()
        if affiliation.end is None or affiliation.end >= today
    ]


def persons_export(persons: Iterable[Person], *, area: Quartier, fmt: str) -> HttpResponse:
    rows = (
        [
            person.pk,
            person.last_name,
            person.first_name,
            person.email,
            person.phone,
            person.address,
            _("yes") if person.is_resident else _("no"),
            person.languages,
            _("yes") if person.is_key_person else _("no"),
            person.get_legal_basis_display(),
            ", ".join(_current_organisations(person)),
        ]
        for person in persons
    )
    # The number first: the import reads this file back and finds each person by it (actors.imports).
    headers = [
        number_column(_("No.")),
        _("Last name"),
        _("First name"),
        _("Email address"),
        _("Phone"),
        _("Address"),
        _("Lives in the area"),
        _("Languages"),
        _("Key person"),
        _("Legal basis"),
        _("Organisations"),
    ]
    return table_response(filename=f"personen-{area.slug}", title=_("Persons"), headers=headers, rows=rows, fmt=fmt)


def vcard_escape(value: str) -> str:
    """A text value escaped for vCard 3.0 (RFC 2426): backslash, comma, semicolon and line breaks."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def vcard_fold(line: str) -> str:
    """Fold a content line after at most 75 octets (UTF-8), never inside a character (RFC 2425 5.8.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def vcard(person: Person) -> str:
    """One person as a vCard 3.0."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{vcard_escape(person.last_name)};{vcard_escape(person.first_name)};;;",
        f"FN:{vcard_escape(str(person))}",
    ]
    for name in _current_organisations(person):
        lines.append(f"ORG:{vcard_escape(name)}")
    if person.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{vcard_escape(person.email)}")
    if person.phone:
        lines.append(f"TEL;TYPE=VOICE:{vcard_escape(person.phone)}")
    if person.address:
        lines.append(f"ADR;TYPE=HOME:;;{vcard_escape(person.address.strip())};;;;")
    lines.append("END:VCARD")
    return "".join(vcard_fold(line) + "\r\n" for line in lines)


def persons_vcards(persons: Iterable[Person], *, area: Quartier) -> HttpResponse:
    response = HttpResponse("".join(vcard(person) for person in persons), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personen-{area.slug}.vcf"'
    return response


# --- one person -------------------------------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_PERSONS)
def person_page(request: AreaRequest, area: Quartier, person_pk: int) -> HttpResponse:
    person = person_detail(area, person_pk)
    if person is None:
        raise Http404(_("This person does not exist."))
    if person.erased_at is not None:
        return erased_page(request, area, person)
    perms = _perms(request)
    context = {
        "area": area,
        "person": person,
        "can_change": permissions.CHANGE_ACTORS in perms,
        "can_read_notes": permissions.VIEW_CONTACTS in perms,
    }
    return render(request, "actors/person_detail.html", context)


def _person_form(request: HttpRequest, area: Quartier, person: Person | None) -> HttpResponse:
    instance = person or Person(area=area)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, instance=instance)
    formset = PersonAffiliationFormSet(data, instance=instance, prefix="affiliations", area=area)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with refusal_on(form):
            if person is None:
                saved = person_create(area=area, data=form.cleaned_data, affiliations=formset.rows(), by=request.user)
                messages.success(request, _("The person was created."))
            else:
                changed = {field: form.cleaned_data[field] for field in form.changed_data}
                saved = person_update(person=person, data=changed, affiliations=formset.rows(), by=request.user)
                messages.success(request, _("The person was saved."))
            return redirect("person_page", slug=area.slug, person_pk=saved.pk)
    context = {"area": area, "form": form, "formset": formset, "person": person}
    return render(request, "actors/person_form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def person_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _person_form(request, area, None)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def person_edit(request: AreaRequest, area: Quartier, person_pk: int) -> HttpResponse:
    try:
        person = get_person_for(area, person_pk)
    except PersonErased as erased:
        return erased_page(request, area, erased.person)
    return _person_form(request, area, person)


# --- GDPR: access, erasure, review ------------------------------------------------------------------------


@require_GET
@area_view(permissions.VIEW_PERSONS)
def person_data_page(request: AreaRequest, area: Quartier, person_pk: int) -> HttpResponse:
    try:
        person = get_person_for(area, person_pk)
    except PersonErased as erased:
        return erased_page(request, area, erased.person)
    perms = _perms(request)
    data = person_data(area, person, perms=perms)
    if request.GET.get("format") == "json":
        content = json.dumps(data.json(area=area), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-daten.json"'
        return response
    context = {"area": area, "person": person, "data": data, "can_change": permissions.CHANGE_ACTORS in perms}
    return render(request, "actors/person_data.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def person_erase_page(request: AreaRequest, area: Quartier, person_pk: int) -> HttpResponse:
    try:
        person = get_person_for(area, person_pk)
    except PersonErased as erased:
        return erased_page(request, area, erased.person)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            person_erase(person=person, by=request.user)
            messages.success(request, _("The person's data was erased."))
            return redirect("person_list", slug=area.slug)
    plan, refusals = person_erasure_plan(person=person)
    context = {"area": area, "person": person, "form": form, "plan": plan, "refusals": refusals}
    return render(request, "actors/person_erase.html", context)


@require_GET
@area_view(permissions.CHANGE_ACTORS)
def person_review(request: AreaRequest, area: Quartier) -> HttpResponse:
    years = int(getattr(settings, "GDPR_REVIEW_YEARS", 3))
    cutoff = review_cutoff(years)
    return list_page(
        request,
        template="actors/person_review.html",
        title=_("Persons to review"),
        rows=persons_for_review(area, cutoff=cutoff),
        context={"area": area, "years": years, "cutoff": cutoff},
    )


urlpatterns = [
    path("personen/", person_list, name="person_list"),
    path("personen/neu/", person_new, name="person_new"),
    path("personen/pruefen/", person_review, name="person_review"),
    path("personen/<int:person_pk>/", person_page, name="person_page"),
    path("personen/<int:person_pk>/bearbeiten/", person_edit, name="person_edit"),
    path("personen/<int:person_pk>/daten/", person_data_page, name="person_data"),
    path("personen/<int:person_pk>/loeschen/", person_erase_page, name="person_erase"),
]
