"""The committee member's pages, mobile first: my ballots, one ballot, and voting with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from committees.calendar import feed_path
from committees.models import Ballot, Choice, Membership
from committees.selectors import (
    ballots_of_member,
    calendar_memberships,
    item_states,
    meetings_of_member,
    membership_of,
)
from committees.services.ballots import conflict_declare, conflict_dismiss, vote_cast
from committees.services.calendar_links import calendar_link_renew
from fonds.models import Application
from quartier.decorators import member_view, own_membership_view
from quartier.http import HtmxRequest


def _my_ballots_context(request: HttpRequest) -> dict[str, object]:
    ballots = list(ballots_of_member(request.user))
    return {
        "open_ballots": [ballot for ballot in ballots if ballot.status == Ballot.Status.OPEN],
        "closed_ballots": [ballot for ballot in ballots if ballot.status == Ballot.Status.CLOSED],
        "meetings": meetings_of_member(request.user),
        "application_type": _application_type(),
        "calendar_memberships": calendar_memberships(request.user),
    }


@require_GET
@login_required
def my_ballots(request: HttpRequest) -> HttpResponse:
    return render(request, "committees/my_ballots.html", _my_ballots_context(request))


@never_cache  # the new link is shown once and kept nowhere
@require_POST
@own_membership_view
def member_calendar_link(request: HtmxRequest, membership: Membership) -> HttpResponse:
    """A new personal calendar link for the member's committee; the old one stops at once."""
    token = calendar_link_renew(committee=membership.committee, membership=membership, by=request.user)
    context = _my_ballots_context(request)
    context["new_link"] = {"membership": membership.pk, "url": request.build_absolute_uri(feed_path(token))}
    if request.htmx:
        return render(request, "committees/my_ballots.html#calendar", context)
    return render(request, "committees/my_ballots.html", context)


def _application_type() -> int:
    """The content type of fund applications: items about one link to its details for the members."""
    return ContentType.objects.get_for_model(Application).pk


def _ballot_context(request: HttpRequest, ballot: Ballot) -> dict[str, object]:
    membership = membership_of(request.user, ballot)
    states = item_states(ballot, membership)
    can_vote = bool(membership and membership.voting and ballot.status == Ballot.Status.OPEN)
    can_vote = can_vote and timezone.now() < ballot.deadline
    return {
        "ballot": ballot,
        "application_type": _application_type(),
        "membership": membership,
        "states": states,
        "done": sum(1 for state in states if state.done),
        "can_vote": can_vote,
        "choices": Choice.choices,
    }


@never_cache  # the member's own secret vote: kept by no browser or proxy
@require_GET
@member_view
def ballot_page(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    return render(request, "committees/ballot.html", _ballot_context(request, ballot))


@never_cache
@require_POST
@member_view
def item_action(request: HtmxRequest, ballot: Ballot, item_pk: int) -> HttpResponse:
    """Vote, declare a conflict, or dismiss a conflict flag for one item."""
    item = ballot.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404(_("This item is not part of the ballot."))
    membership = membership_of(request.user, ballot)
    if membership is None:
        raise Http404(_("This ballot does not exist."))
    action = request.POST.get("action", "")
    error = ""
    try:
        if action == "vote":
            vote_cast(item=item, membership=membership, choice=request.POST.get("choice", ""), by=request.user)
            notice = _("Your vote on “%(item)s” is saved.") % {"item": item.title}
        elif action == "recuse":
            conflict_declare(item=item, membership=membership, by=request.user)
            notice = _("You are recused from “%(item)s”.") % {"item": item.title}
        elif action == "dismiss":
            conflict_dismiss(item=item, membership=membership, by=request.user)
            notice = _("You can now vote on “%(item)s”.") % {"item": item.title}
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, PermissionDenied) as refused:
        error = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
        notice = ""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect("ballot_page", ballot_pk=ballot.pk)
    context = _ballot_context(request, ballot)
    context.update(
        {
            "state": next(state for state in context["states"] if state.item.pk == item.pk),
            "notice": notice,
            "error": error,
            "oob": True,
        }
    )
    # The item's card, and the summary at the top swapped out of band.
    html = render_to_string("committees/ballot.html#item", context, request) + render_to_string(
        "committees/ballot.html#summary", context, request
    )
    return HttpResponse(html)


urlpatterns = [
    path("", my_ballots, name="my_ballots"),
    path("<int:ballot_pk>/", ballot_page, name="ballot_page"),
    path("<int:ballot_pk>/punkte/<int:item_pk>/", item_action, name="ballot_item_action"),
    path("kalender/<int:membership_pk>/", member_calendar_link, name="member_calendar_link"),
]
