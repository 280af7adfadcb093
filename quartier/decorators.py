"""The decorator every area page uses: login, area lookup and permission in one step."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Ballot, Meeting, Membership
from quartier.http import AreaRequest
from quartier.models import Quartier, running_on
from quartier.permissions import AREA_PERMISSIONS, VOTE, area_permissions, is_committee_member
from quartier.selectors import memberships_of_cached

AreaView = Callable[..., HttpResponse]
LAST_AREA = "quartier_last_area"  # the session remembers the area last opened, for the start page


def get_area_for(request: HttpRequest, slug: str, perm: str) -> tuple[Quartier, frozenset[str]]:
    """The area ``slug`` and the user's permissions there, if they may use ``perm``.

    404 for an area that does not exist or where the user holds no role (so
    outsiders learn nothing about other areas), 403 where they hold a role
    but not this permission.
    """
    # The user's areas are read with their roles in one query (every area for a superuser): an area that is not
    # among them does not exist for them.
    area = next((m.area for m in memberships_of_cached(request.user) if m.area.slug == slug), None)
    if area is None:
        raise Http404(_("This area does not exist."))
    perms = area_permissions(request.user, area)
    if not perms:
        raise Http404(_("This area does not exist."))
    if perm not in perms:
        raise PermissionDenied(_("Your role in this area does not allow this."))
    return area, perms


def area_view(perm: str) -> Callable[[AreaView], AreaView]:
    """Wrap a view ``view(request, area, **kwargs)`` reached at ``/gebiet/<slug>/...``.

    The required permission is kept on the view as ``required_permission`` so
    the URL walker in the tests can check every view against the matrix.
    """
    if perm not in AREA_PERMISSIONS:
        raise ValueError(f"Unknown area permission {perm!r}")

    def decorator(view: AreaView) -> AreaView:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            area, perms = get_area_for(request, slug, perm)
            area_request = cast(AreaRequest, request)  # the view is typed so: it may rely on what is set here
            area_request.area = area
            area_request.area_perms = perms
            if request.session.get(LAST_AREA) != area.slug:
                request.session[LAST_AREA] = area.slug
            return view(request, area, *args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def member_view(view: AreaView) -> AreaView:
    """Wrap a committee member's view ``view(request, ballot, **kwargs)`` reached with ``ballot_pk``.

    404 for a ballot that does not exist, is a draft, or belongs to a committee the user is not a
    member of: nobody learns about other committees.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, ballot_pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        ballot = (
            Ballot.objects.exclude(status=Ballot.Status.DRAFT)
            .select_related("committee", "committee__area")
            .filter(pk=ballot_pk)
            .first()
        )
        if ballot is None or not is_committee_member(request.user, ballot.committee_id):
            raise Http404(_("This ballot does not exist."))
        return view(request, ballot, *args, **kwargs)

    wrapped.required_committee_permission = VOTE  # type: ignore[attr-defined]
    return wrapped


def meeting_member_view(view: AreaView) -> AreaView:
    """Wrap a committee member's view ``view(request, meeting, **kwargs)`` reached with ``meeting_pk``: 404 for
    a meeting of a committee the user is not a member of."""

    @wraps(view)
    def wrapped(request: HttpRequest, meeting_pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        meeting = Meeting.objects.select_related("committee").filter(pk=meeting_pk).first()
        if meeting is None or not is_committee_member(request.user, meeting.committee_id):
            raise Http404(_("This meeting does not exist."))
        return view(request, meeting, *args, **kwargs)

    wrapped.required_committee_permission = VOTE  # type: ignore[attr-defined]
    return wrapped


def own_membership_view(view: AreaView) -> AreaView:
    """Wrap a committee member's view ``view(request, membership, **kwargs)`` reached with ``membership_pk``: 404
    unless the membership's account is the user's and its term runs today (nobody acts in another's name)."""

    @wraps(view)
    def wrapped(request: HttpRequest, membership_pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = (
            Membership.objects.filter(pk=membership_pk, user=request.user)
            .filter(running_on(timezone.localdate()))
            .select_related("committee")
            .first()
        )
        if membership is None or not request.user.is_active:
            raise Http404(_("This membership does not exist."))
        return view(request, membership, *args, **kwargs)

    wrapped.required_committee_permission = VOTE  # type: ignore[attr-defined]
    return wrapped


def public_view(view: AreaView) -> AreaView:
    """Mark a view that anyone may open (login, health check, …) for the URL walker."""
    view.public = True  # type: ignore[attr-defined]
    return view


def resident_page(view: AreaView) -> AreaView:
    """Mark a public page for residents (anyone may open it): it is offered in every language of ``LANGUAGES``, the
    visitor's choice (``quartier.languages``); every other page stays in the office's languages."""
    view.public = True  # type: ignore[attr-defined]
    view.resident_page = True  # type: ignore[attr-defined]
    return view


def public_for_visitors(view: AreaView) -> AreaView:
    """Mark a view that anyone may open who is not signed in, and whose signed-in part is the office's: a session
    that still owes its second factor is sent to the code page first (``quartier.twofactor``)."""
    view.public = True  # type: ignore[attr-defined]
    view.signed_in_part = True  # type: ignore[attr-defined]
    return view
