from __future__ import annotations

import copy

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from quartier import permissions
from quartier.decorators import area_view, public_view
from quartier.forms import QuartierProfileForm
from quartier.models import Quartier, Role
from quartier.pages import render_page
from quartier.selectors import area_changes, memberships_of_cached, object_history, roles_of, team_of
from quartier.services import quartier_update


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their area (or the one they used last), or let them choose."""
    memberships = memberships_of_cached(request.user)
    if not memberships and permissions.committee_member_ids(request.user):
        return redirect("my_ballots")  # a juror or council member: no area role, only their committees
    if len(memberships) == 1:
        return redirect(memberships[0].area)
    last = request.session.get("quartier_last_area")
    for membership in memberships:
        if membership.area.slug == last:
            return redirect(membership.area)
    return render(request, "quartier/home.html", {"memberships": memberships})


@require_GET
@login_required
def area_switch(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("gebiet", "")
    for membership in memberships_of_cached(request.user):
        if membership.area.slug == slug:
            return redirect(membership.area)
    raise Http404(_("This area does not exist."))


@require_GET
@area_view(permissions.VIEW_AREA)
def dashboard(request: HttpRequest, area: Quartier) -> HttpResponse:
    from django.utils import timezone

    from actors.selectors.contacts import follow_ups_due_for

    perms = request.area_perms  # type: ignore[attr-defined]
    context = {
        "area": area,
        "roles": [Role(role).label for role in roles_of(request.user, area)],
        "team": [(Role(role).label, members) for role, members in team_of(area).items()]
        if permissions.VIEW_TEAM in perms
        else None,
        "changes": list(area_changes(area)[:8]) if permissions.VIEW_AUDIT in perms else None,
        "other_areas": [m for m in memberships_of_cached(request.user) if m.area.pk != area.pk],
        "follow_ups": follow_ups_due_for(area, request.user, today=timezone.localdate())
        if permissions.VIEW_CONTACTS in perms
        else None,
    }
    return render(request, "quartier/dashboard.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_AREA)
def area_edit(request: HttpRequest, area: Quartier) -> HttpResponse:
    form = QuartierProfileForm(request.POST or None, instance=copy.copy(area))
    if request.method == "POST" and form.is_valid():
        quartier_update(quartier=area, by=request.user, data={f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, _("The area's profile was saved."))
        return redirect(area)
    return render(request, "quartier/area_form.html", {"area": area, "form": form})


@require_GET
@area_view(permissions.VIEW_AUDIT)
def area_history(request: HttpRequest, area: Quartier) -> HttpResponse:
    page = Paginator(area_changes(area), 50).get_page(request.GET.get("seite"))
    return render_page(request, "quartier/history.html", "entries", {"area": area, "page": page, "subject": None})


@require_GET
@area_view(permissions.VIEW_AUDIT)
def object_history_view(request: HttpRequest, area: Quartier, model: str, object_pk: str) -> HttpResponse:
    """The history of one object of the area; the object must belong to the area."""
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError) as exc:
        raise Http404(_("This object does not exist.")) from exc
    obj = model_class._default_manager.filter(pk=object_pk).first() if object_pk.isdigit() else None
    if obj is None or not hasattr(obj, "get_quartier") or obj.get_quartier().pk != area.pk:
        raise Http404(_("This object does not exist."))
    page = Paginator(object_history(obj), 50).get_page(request.GET.get("seite"))
    return render_page(request, "quartier/history.html", "entries", {"area": area, "page": page, "subject": obj})


@public_view
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes's answer to a login that is locked out: a page that says so and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
