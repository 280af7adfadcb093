from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.filters import OrganisationFilterSet
from actors.forms.organisations import OrganisationForm
from actors.models import Organisation
from actors.selectors.organisations import (
    organisation_detail,
    organisations_by_ids,
    organisations_for,
    with_field_of_action_names,
)
from actors.services.organisations import organisation_create, organisation_update
from actors.views.rows import organisation_rows
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import number_column, table_response
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import Quartier


def get_organisation_for(area: Quartier, pk: int) -> Organisation:
    organisation = Organisation.objects.filter(area=area, pk=pk).first()
    if organisation is None:
        raise Http404(_("This organisation does not exist."))
    return organisation


@require_GET
@area_view(permissions.VIEW_ACTORS)
def organisation_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return list_page(
        request,
        template="actors/organisation_list.html",
        title=_("Organisations"),
        filterset=OrganisationFilterSet(request.GET, queryset=organisations_for(area), area=area),
        read_page=lambda ids: organisations_by_ids(area, ids),
        export=lambda organisations, fmt: organisations_export(
            with_field_of_action_names(organisations), area=area, fmt=fmt
        ),
        context={
            "area": area,
            "can_change": permissions.CHANGE_ACTORS in request.area_perms,
        },
        page_context=lambda page: {"rows": organisation_rows(page.object_list, area=area)},
    )


def organisations_export(organisations: object, *, area: Quartier, fmt: str) -> HttpResponse:
    kinds = dict(Organisation.Kind.choices)
    rows = (
        [
            org.pk,
            org.name,
            kinds.get(org.kind, org.kind),
            ", ".join(org.field_of_action_names),
            org.street,
            org.postcode,
            org.city,
            _("yes") if org.inside_area else _("no"),
            org.email,
            org.phone,
            org.website,
            _("yes") if org.active else _("no"),
        ]
        for org in organisations  # type: ignore[attr-defined]
    )
    # The number first: the import reads this file back and finds each organisation by it (actors.imports).
    headers = [
        number_column(_("No.")),
        _("Name"),
        _("Kind"),
        _("Fields of action"),
        _("Street and number"),
        _("Postcode"),
        _("City"),
        _("Inside the area"),
        _("Email address"),
        _("Phone"),
        _("Website"),
        _("Active"),
    ]
    return table_response(
        filename=f"organisationen-{area.slug}", title=_("Organisations"), headers=headers, rows=rows, fmt=fmt
    )


@require_GET
@area_view(permissions.VIEW_ACTORS)
def organisation_page(request: AreaRequest, area: Quartier, organisation_pk: int) -> HttpResponse:
    perms = request.area_perms
    organisation = organisation_detail(
        area,
        organisation_pk,
        with_people=permissions.VIEW_PERSONS in perms,
        with_contacts=permissions.VIEW_CONTACTS in perms,
    )
    if organisation is None:
        raise Http404(_("This organisation does not exist."))
    context = {
        "area": area,
        "organisation": organisation,
        "can_change": permissions.CHANGE_ACTORS in perms,
        "can_see_people": permissions.VIEW_PERSONS in perms,
        "can_see_contacts": permissions.VIEW_CONTACTS in perms,
    }
    return render(request, "actors/organisation_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def organisation_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = OrganisationForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(area=area, data=form.cleaned_data, by=request.user)
        messages.success(request, _("The organisation was created."))
        return redirect("organisation_page", slug=area.slug, organisation_pk=organisation.pk)
    return render(request, "actors/organisation_form.html", {"area": area, "form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def organisation_edit(request: AreaRequest, area: Quartier, organisation_pk: int) -> HttpResponse:
    organisation = get_organisation_for(area, organisation_pk)
    form = OrganisationForm(request.POST or None, instance=organisation, area=area)
    if request.method == "POST" and form.is_valid():
        changed = {field: form.cleaned_data[field] for field in form.changed_data if field != "confirm_duplicate"}
        organisation_update(organisation=organisation, data=changed, by=request.user)
        messages.success(request, _("The organisation was saved."))
        return redirect("organisation_page", slug=area.slug, organisation_pk=organisation.pk)
    return render(request, "actors/organisation_form.html", {"area": area, "form": form, "organisation": organisation})
