"""The office's pages about the area's committees: the list, a committee's page, and their forms."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.calendar import feed_path
from committees.forms import CommitteeForm, MembershipForm
from committees.models import Committee, Membership
from committees.rules import Composition
from committees.selectors import committee_detail, committees_of_area, staff_calendar_link_since
from committees.services.calendar_links import calendar_link_renew
from committees.services.committees import committee_create, committee_update, membership_create, membership_update
from committees.services.members import invitation_address, member_account_create, membership_account_remove
from quartier import permissions
from quartier.decorators import area_view
from quartier.forms import refusal_in_messages, refusal_on
from quartier.http import AreaRequest
from quartier.mail import OUTBOX_SHOWN, mails_about
from quartier.models import Mail, Quartier


def composition_of(committee: object) -> Composition:
    return Composition(
        voting_members=committee.voting_members,  # type: ignore[attr-defined]
        residents=committee.residents,  # type: ignore[attr-defined]
        required_share=Decimal(committee.resident_share),  # type: ignore[attr-defined]
    )


def _percent(value: Decimal) -> str:
    """47.1 -> "47,1", 51.00 -> "51": the German way, without trailing zeros."""
    value = Decimal(value).normalize()
    exponent = int(value.as_tuple().exponent)
    if exponent >= 0:
        return str(int(value))
    return number_format(value, decimal_pos=-exponent)


def composition_warning(composition: Composition) -> str:
    """What a committee that breaks its composition rule must be told, with the numbers; "" when it meets the
    rule. A committee without voting members today meets none (``Composition.meets_rule``): it can decide
    nothing, and says so like its tag does."""
    if composition.meets_rule:
        return ""
    if not composition.voting_members:
        if not composition.required_share:
            return _("The committee has no voting members today.")
        return _("The committee has no voting members today; %(required)s %% of them must be residents.") % {
            "required": _percent(composition.required_share)
        }
    return _(
        "The share of residents is now %(share)s %% (%(residents)s of %(voting)s voting members); "
        "%(required)s %% are needed."
    ) % {
        "share": _percent(composition.resident_share),
        "residents": composition.residents,
        "voting": composition.voting_members,
        "required": _percent(composition.required_share),
    }


def composition_warning_now(area: Quartier, committee: Committee) -> str:
    """The warning for ``committee`` as it is composed today, after an edit. One query."""
    counted = committees_of_area(area).filter(pk=committee.pk).first()
    return composition_warning(composition_of(counted)) if counted is not None else ""


def get_committee_for(area: Quartier, pk: int) -> Committee:
    committee = Committee.objects.filter(area=area, pk=pk).first()
    if committee is None:
        raise Http404(_("This committee does not exist."))
    return committee


def can_change(request: AreaRequest) -> bool:
    return permissions.CHANGE_COMMITTEES in request.area_perms


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, object]], Model],
    notice: str,
    check: Callable[[Model], str] | None = None,
) -> Model | None:
    """Validate ``form`` and hand its data to ``save`` (a service); a refusal lands on the form. ``check`` says
    what is wrong after a save that is kept all the same (a broken composition rule): then the notice is a
    warning with that added."""
    if request.method != "POST" or not form.is_valid():
        return None
    with refusal_on(form):
        saved = save(form.cleaned_data)
        problem = check(saved) if check is not None else ""
        if problem:
            messages.warning(request, f"{notice} {problem}")
        else:
            messages.success(request, notice)
        return saved
    return None


def form_page(
    request: HttpRequest,
    area: Quartier,
    form: forms.BaseForm | None,
    *,
    title: str,
    back: str,
    locked: str = "",
    account: dict[str, str] | None = None,
    mails: list[Mail] | None = None,
) -> HttpResponse:
    """One form of the committees module on its own page (or, when ``locked``, why it cannot be changed); for a
    member, their voting ``account`` and their outbox (``mails``)."""
    context = {
        "area": area,
        "form": form,
        "title": title,
        "back": back,
        "locked": locked,
        "account": account,
        "mails": mails,
    }
    return render(request, "committees/form.html", context)


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def committee_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    committees = [(committee, composition_of(committee)) for committee in committees_of_area(area)]
    warnings = [(committee, composition_warning(composition)) for committee, composition in committees]
    warnings = [(committee, warning) for committee, warning in warnings if warning]
    context = {"area": area, "committees": committees, "warnings": warnings, "can_change": can_change(request)}
    return render(request, "committees/committee_list.html", context)


def _committee_page_context(request: AreaRequest, area: Quartier, committee_pk: int) -> dict[str, object]:
    detail = committee_detail(committee_pk, area)
    if detail is None:
        raise Http404(_("This committee does not exist."))
    committee = detail["committee"]
    composition = composition_of(committee)
    detail.update(
        {
            "area": area,
            "composition": composition,
            "composition_warning": composition_warning(composition),
            "can_change": can_change(request),
            "calendar_link_since": staff_calendar_link_since(committee.pk, request.user),  # type: ignore[attr-defined]
        }
    )
    return detail


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def committee_page(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    return render(request, "committees/committee_detail.html", _committee_page_context(request, area, committee_pk))


@never_cache  # the new link is shown once and kept nowhere
@require_POST
@area_view(permissions.VIEW_COMMITTEES)
def committee_calendar_link(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    """A new personal calendar link of the staff member to the committee's meetings; their old one stops at once."""
    committee = get_committee_for(area, committee_pk)
    token = calendar_link_renew(committee=committee, by=request.user)
    context = _committee_page_context(request, area, committee.pk)
    context["new_feed_url"] = request.build_absolute_uri(feed_path(token))
    if request.htmx:
        return render(request, "committees/committee_detail.html#calendar", context)
    return render(request, "committees/committee_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def committee_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = CommitteeForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda data: committee_create(area=area, data=data, by=request.user),
        _("The committee was created."),
    )
    if saved is not None:
        return redirect("committee_page", slug=area.slug, committee_pk=saved.pk)
    return form_page(request, area, form, title=_("New committee"), back=reverse("committee_list", args=[area.slug]))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def committee_edit(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    committee = get_committee_for(area, committee_pk)
    form = CommitteeForm(request.POST if request.method == "POST" else None, instance=committee)
    saved = save_form(
        request,
        form,
        lambda data: committee_update(committee=committee, data=data, by=request.user),
        _("The committee was saved."),
        check=lambda saved: composition_warning_now(area, committee),
    )
    if saved is not None:
        return redirect("committee_page", slug=area.slug, committee_pk=committee.pk)
    if request.method == "POST":
        committee.refresh_from_db()  # the form wrote its refused values into the instance
    title = _("Edit %(name)s") % {"name": committee.name}
    back = reverse("committee_page", args=[area.slug, committee.pk])
    return form_page(request, area, form, title=title, back=back)


def _membership_form(
    request: HttpRequest, area: Quartier, committee: Committee, membership: Membership
) -> HttpResponse:
    form = MembershipForm(request.POST if request.method == "POST" else None, instance=membership, committee=committee)
    if membership.pk:
        saved = save_form(
            request,
            form,
            lambda data: membership_update(membership=membership, data=data, by=request.user),
            _("The member was saved."),
            check=lambda saved: composition_warning_now(area, committee),
        )
    else:
        saved = save_form(
            request,
            form,
            lambda data: membership_create(committee=committee, data=data, by=request.user),
            _("The member was added."),
            check=lambda saved: composition_warning_now(area, committee),
        )
    if saved is not None:
        return redirect("committee_page", slug=area.slug, committee_pk=committee.pk)
    if membership.pk:
        if request.method == "POST":
            membership.refresh_from_db()
        title = _("Edit the membership of %(name)s") % {"name": membership.person}
        account = {
            "url": reverse("membership_account", args=[area.slug, committee.pk, membership.pk]),
            "email": invitation_address(membership),
            "person_url": reverse("person_edit", args=[area.slug, membership.person_id]),
            "user": membership.user,
        }
        back = reverse("committee_page", args=[area.slug, committee.pk])
        mails = list(mails_about(membership)[:OUTBOX_SHOWN])
        return form_page(request, area, form, title=title, back=back, account=account, mails=mails)
    else:
        title = _("New member of %(committee)s") % {"committee": committee.name}
    back = reverse("committee_page", args=[area.slug, committee.pk])
    return form_page(request, area, form, title=title, back=back)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def membership_new(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    committee = get_committee_for(area, committee_pk)
    return _membership_form(request, area, committee, Membership(committee=committee))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def membership_edit(request: AreaRequest, area: Quartier, committee_pk: int, membership_pk: int) -> HttpResponse:
    committee = get_committee_for(area, committee_pk)
    membership = (
        Membership.objects.filter(committee=committee, pk=membership_pk).select_related("person", "user").first()
    )
    if membership is None:
        raise Http404(_("This member does not exist."))
    return _membership_form(request, area, committee, membership)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def membership_account(request: AreaRequest, area: Quartier, committee_pk: int, membership_pk: int) -> HttpResponse:
    """The member's voting account: make it by invitation (they get an email to set their password at the address
    recorded in their person data, never one typed here; the account the same person already votes with is used
    if there is one), or remove it (``action=remove``)."""
    committee = get_committee_for(area, committee_pk)
    membership = Membership.objects.filter(committee=committee, pk=membership_pk).select_related("person").first()
    if membership is None:
        raise Http404(_("This member does not exist."))
    back = redirect("membership_edit", slug=area.slug, committee_pk=committee.pk, membership_pk=membership.pk)
    if request.POST.get("action") == "remove":
        with refusal_in_messages(request):
            membership_account_remove(membership=membership, by=request.user)
            messages.success(request, _("The account was removed from the membership; the member was told by email."))
        return back
    with refusal_in_messages(request) as refusal:  # the address is the one in the person's data; never a posted one
        user = member_account_create(membership=membership, by=request.user)
    if refusal.refused:
        return back
    if not user.committee_memberships.exclude(pk=membership.pk).exists():
        notice = _("The account “%(username)s” was made; %(email)s gets a link to set the password.")
    else:
        notice = _("The member already votes with the account “%(username)s”; it now also votes here.")
    messages.success(request, notice % {"username": user.username, "email": user.email})
    return back


urlpatterns = [
    path("gremien/", committee_list, name="committee_list"),
    path("gremien/neu/", committee_new, name="committee_new"),
    path("gremien/<int:committee_pk>/", committee_page, name="committee_page"),
    path("gremien/<int:committee_pk>/bearbeiten/", committee_edit, name="committee_edit"),
    path("gremien/<int:committee_pk>/kalender/", committee_calendar_link, name="committee_calendar_link"),
    path("gremien/<int:committee_pk>/mitglieder/neu/", membership_new, name="membership_new"),
    path("gremien/<int:committee_pk>/mitglieder/<int:membership_pk>/", membership_edit, name="membership_edit"),
    path(
        "gremien/<int:committee_pk>/mitglieder/<int:membership_pk>/konto/",
        membership_account,
        name="membership_account",
    ),
]
