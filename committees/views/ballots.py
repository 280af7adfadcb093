"""The office's ballot pages: draft a ballot and its items, open it, follow who has voted, close it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.forms import BallotForm, BallotItemForm
from committees.models import Ballot
from committees.selectors import ballot_office_page
from committees.services.ballots import (
    ballot_close,
    ballot_create,
    ballot_item_add,
    ballot_item_delete,
    ballot_open,
    ballot_update,
)
from committees.views.office import can_change, form_page, get_committee_for, save_form
from quartier import permissions
from quartier.decorators import area_view
from quartier.forms import refusal_in_messages
from quartier.http import AreaRequest
from quartier.models import Quartier
from quartier.pages import render_page


def get_ballot_for(area: Quartier, pk: int) -> Ballot:
    ballot = Ballot.objects.filter(committee__area=area, pk=pk).select_related("committee").first()
    if ballot is None:
        raise Http404(_("This ballot does not exist."))
    return ballot


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def ballot_detail(request: AreaRequest, area: Quartier, ballot_pk: int) -> HttpResponse:
    progress = ballot_office_page(ballot_pk, area)
    if progress is None:
        raise Http404(_("This ballot does not exist."))
    ballot = progress.ballot
    is_open = ballot.status == Ballot.Status.OPEN
    complete = is_open and all(done == progress.items for _member, done in progress.voters)
    context = {
        "area": area,
        "ballot": ballot,
        "progress": progress,
        "can_change": can_change(request),
        "item_form": BallotItemForm(),
        "complete": complete,
        "past_deadline": is_open and ballot.deadline <= timezone.now(),
    }
    return render_page(request, "committees/ballot_office.html", "participation", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def ballot_new(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    committee = get_committee_for(area, committee_pk)
    form = BallotForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda data: ballot_create(committee=committee, data=data, by=request.user),
        _("The ballot was drafted. Now add the items to vote on, then open it."),
    )
    if saved is not None:
        return redirect("ballot_office", slug=area.slug, ballot_pk=saved.pk)
    title = _("New ballot of %(committee)s") % {"committee": committee.name}
    return form_page(request, area, form, title=title, back=reverse("committee_page", args=[area.slug, committee.pk]))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def ballot_edit(request: AreaRequest, area: Quartier, ballot_pk: int) -> HttpResponse:
    ballot = get_ballot_for(area, ballot_pk)
    back = reverse("ballot_office", args=[area.slug, ballot.pk])
    title = _("Edit %(name)s") % {"name": ballot.title}
    if ballot.status != Ballot.Status.DRAFT:
        locked = _("An opened ballot can no longer be changed.")
        return form_page(request, area, None, title=title, back=back, locked=locked)
    form = BallotForm(request.POST if request.method == "POST" else None, instance=ballot)
    saved = save_form(
        request, form, lambda data: ballot_update(ballot=ballot, data=data, by=request.user), _("The ballot was saved.")
    )
    if saved is not None:
        return redirect(back)
    if request.method == "POST":
        ballot.refresh_from_db()
    return form_page(request, area, form, title=title, back=back)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def ballot_item_new(request: AreaRequest, area: Quartier, ballot_pk: int) -> HttpResponse:
    ballot = get_ballot_for(area, ballot_pk)
    form = BallotItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The item needs a title."))
    else:
        with refusal_in_messages(request):
            item = ballot_item_add(ballot=ballot, data=form.cleaned_data, by=request.user)
            messages.success(request, _("“%(title)s” was added.") % {"title": item.title})
    return redirect(reverse("ballot_office", args=[area.slug, ballot.pk]) + "#items")


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def ballot_item_remove(request: AreaRequest, area: Quartier, ballot_pk: int, item_pk: int) -> HttpResponse:
    ballot = get_ballot_for(area, ballot_pk)
    item = ballot.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404(_("This item is not part of the ballot."))
    with refusal_in_messages(request):
        ballot_item_delete(item=item, by=request.user)
        messages.success(request, _("“%(title)s” was removed.") % {"title": item.title})
    return redirect(reverse("ballot_office", args=[area.slug, ballot.pk]) + "#items")


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def ballot_action(request: AreaRequest, area: Quartier, ballot_pk: int) -> HttpResponse:
    """Open a drafted ballot, or close an open one (at the deadline, or once everyone has voted)."""
    ballot = get_ballot_for(area, ballot_pk)
    action = request.POST.get("action", "")
    with refusal_in_messages(request):
        if action == "open":
            ballot_open(ballot=ballot, by=request.user)
            messages.success(request, _("The ballot is open. The members can vote now."))
        elif action == "close":
            ballot_close(ballot=ballot, by=request.user)
            messages.success(request, _("The ballot is closed and its results are final."))
        else:
            raise ValidationError(_("Unknown action."))
    return redirect("ballot_office", slug=area.slug, ballot_pk=ballot.pk)


urlpatterns = [
    path("gremien/<int:committee_pk>/abstimmungen/neu/", ballot_new, name="ballot_new"),
    path("gremien/abstimmungen/<int:ballot_pk>/", ballot_detail, name="ballot_office"),
    path("gremien/abstimmungen/<int:ballot_pk>/bearbeiten/", ballot_edit, name="ballot_edit"),
    path("gremien/abstimmungen/<int:ballot_pk>/status/", ballot_action, name="ballot_action"),
    path("gremien/abstimmungen/<int:ballot_pk>/punkte/", ballot_item_new, name="ballot_item_new"),
    path(
        "gremien/abstimmungen/<int:ballot_pk>/punkte/<int:item_pk>/entfernen/",
        ballot_item_remove,
        name="ballot_item_remove",
    ),
]
