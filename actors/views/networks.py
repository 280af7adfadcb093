from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.filters import NetworkFilterSet
from actors.forms.networks import MembershipFormSet, NetworkForm, PictureFilterForm
from actors.models import Network, NetworkMembership
from actors.network_picture import layout
from actors.selectors.networks import network_detail, network_picture_data, networks_for, with_member_organisations
from actors.services.networks import network_create, network_update
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import number_column, table_response
from quartier.forms import refusal_on
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import Quartier
from quartier.pages import render_page
from quartier.sorting import german


def get_network_for(area: Quartier, pk: int) -> Network:
    network = Network.objects.filter(area=area, pk=pk).first()
    if network is None:
        raise Http404(_("This network does not exist."))
    return network


@require_GET
@area_view(permissions.VIEW_ACTORS)
def network_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    today = timezone.localdate()
    return list_page(
        request,
        template="actors/network_list.html",
        title=_("Networks"),
        filterset=NetworkFilterSet(request.GET, queryset=networks_for(area, today=today)),
        export=lambda networks, fmt: networks_export(
            with_member_organisations(networks, today=today), area=area, fmt=fmt
        ),
        context={
            "area": area,
            "can_change": permissions.CHANGE_ACTORS in request.area_perms,
        },
    )


def networks_export(networks: QuerySet[Network], *, area: Quartier, fmt: str) -> HttpResponse:
    kinds = dict(Network.Kind.choices)
    rows = (
        [
            network.name,
            kinds.get(network.kind, network.kind),
            ", ".join(field.name for field in network.fields_of_action.all()),
            network.purpose,
            network.rhythm,
            network.lead_organisation.name if network.lead_organisation else "",
            network.organisation_count,
            network.person_count,
            ", ".join(membership.organisation.name for membership in network.current_organisations),
        ]
        for network in networks
    )
    headers = [
        _("Name"),
        _("Kind"),
        _("Fields of action"),
        _("Purpose"),
        _("Meets"),
        _("Lead organisation"),
        number_column(_("Member organisations (number)")),
        number_column(_("Member persons (number)")),
        _("Member organisations"),
    ]
    return table_response(filename=f"netzwerke-{area.slug}", title=_("Networks"), headers=headers, rows=rows, fmt=fmt)


@require_GET
@area_view(permissions.VIEW_ACTORS)
def network_page(request: AreaRequest, area: Quartier, network_pk: int) -> HttpResponse:
    perms = request.area_perms
    can_see_persons = permissions.VIEW_PERSONS in perms
    page = network_detail(area, network_pk, with_persons=can_see_persons, today=timezone.localdate())
    if page is None:
        raise Http404(_("This network does not exist."))
    context = {
        "area": area,
        "network": page.network,
        "members": page,
        "can_change": permissions.CHANGE_ACTORS in perms,
        "can_see_persons": can_see_persons,
    }
    return render(request, "actors/network_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def network_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _network_form(request, area, Network(area=area))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_ACTORS)
def network_edit(request: AreaRequest, area: Quartier, network_pk: int) -> HttpResponse:
    return _network_form(request, area, get_network_for(area, network_pk))


def _network_form(request: HttpRequest, area: Quartier, network: Network) -> HttpResponse:
    """The create and the edit form: the network's fields and its members, saved together."""
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data, instance=network, area=area)
    members = MembershipFormSet(
        data,
        instance=network,
        prefix="members",
        area=area,
        queryset=NetworkMembership.objects.select_related("organisation", "person").order_by(
            *german("organisation__name", "person__last_name", "person__first_name"), "start", "pk"
        ),
    )
    if request.method == "POST" and form.is_valid() and members.is_valid():
        with refusal_on(form):
            if network.pk:
                network = network_update(
                    network=network, data=form.cleaned_data, members=members.rows(), by=request.user
                )
                messages.success(request, _("The network was saved."))
            else:
                network = network_create(area=area, data=form.cleaned_data, members=members.rows(), by=request.user)
                messages.success(request, _("The network was created."))
            return redirect("network_page", slug=area.slug, network_pk=network.pk)
    context = {"area": area, "form": form, "members": members, "network": network if network.pk else None}
    return render(request, "actors/network_form.html", context)


@require_GET
@area_view(permissions.VIEW_ACTORS)
def network_picture(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = PictureFilterForm(request.GET or None)
    field_of_action = form.chosen_field_of_action()
    networks = network_picture_data(
        area, field_of_action=field_of_action.pk if field_of_action else None, today=timezone.localdate()
    )
    picture = layout(
        [(network.pk, network.name) for network in networks],
        ((network.pk, pk, name) for network in networks for pk, name in network.organisations),
    )
    context = {
        "area": area,
        "form": form,
        "field_of_action": field_of_action,
        "networks": networks,
        "picture": picture,
    }
    return render_page(request, "actors/network_picture.html", "picture", context)


urlpatterns = [
    path("netzwerke/", network_list, name="network_list"),
    path("netzwerke/neu/", network_new, name="network_new"),
    path("netzwerke/bild/", network_picture, name="network_picture"),
    path("netzwerke/<int:network_pk>/", network_page, name="network_page"),
    path("netzwerke/<int:network_pk>/bearbeiten/", network_edit, name="network_edit"),
]
