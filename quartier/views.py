from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from quartier import permissions, twofactor
from quartier.audit import history_model
from quartier.dashboard import dashboard_of
from quartier.decorators import LAST_AREA, area_view, public_for_visitors, public_view, resident_page
from quartier.filters import HistoryFilterSet
from quartier.forms import (
    AreaProfileForm,
    LegalTextForm,
    MailChoicesForm,
    TwoFactorCodeForm,
    refusal_in_messages,
    refusal_on,
    whole_number,
)
from quartier.history import readable
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import LegalKind, MailChoices, Quartier, Role
from quartier.net import safe_next
from quartier.notifications import DEFAULT, mail_choices_save
from quartier.public import AREA_LEGAL_PAGES, front_page
from quartier.rows import dashboard_rows
from quartier.selectors import (
    area_changes,
    area_legal_text,
    legal_text_for,
    legal_texts_of,
    memberships_of_cached,
    object_history,
    roles_of,
)
from quartier.services import LEGAL_TEXT_FIELDS, area_update, legal_text_create, legal_text_delete, legal_text_update


@resident_page
@public_for_visitors
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page for a visitor who is not signed in (``quartier.public.front_page``). A signed-in user is sent
    to their area (or the one they used last), or chooses one."""
    if not request.user.is_authenticated:
        return front_page(request)
    memberships = memberships_of_cached(request.user)
    if not memberships and permissions.committee_member_ids(request.user):
        return redirect("my_ballots")  # a juror or council member: no area role, only their committees
    if len(memberships) == 1:
        return redirect(memberships[0].area)
    last = request.session.get(LAST_AREA)
    for membership in memberships:
        if membership.area.slug == last:
            return redirect(membership.area)
    return render(request, "quartier/home.html", {"memberships": memberships})


@require_GET
@login_required
def area_switch(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("area", "")
    for membership in memberships_of_cached(request.user):
        if membership.area.slug == slug:
            return redirect(membership.area)
    raise Http404(_("This area does not exist."))


@require_GET
@area_view(permissions.VIEW_AREA)
def dashboard(request: AreaRequest, area: Quartier) -> HttpResponse:
    roles = roles_of(request.user, area)
    today = timezone.localdate()
    board = dashboard_of(area, request.user, request.area_perms, roles, today=today)
    context = {
        "area": area,
        "roles": [Role(role).label for role in roles],
        "needs": board.needs,
        "today": today,
        "team": board.team,
        "changes": board.changes,
        "other_areas": [m for m in memberships_of_cached(request.user) if m.area.pk != area.pk],
        "follow_ups": board.follow_ups,
        "orphaned_follow_ups": board.orphaned_follow_ups,
        "rows": dashboard_rows(board, slug=area.slug, today=today),
    }
    return render(request, "quartier/dashboard.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_AREA)
def area_edit(request: AreaRequest, area: Quartier) -> HttpResponse:
    form = AreaProfileForm(request.POST or None, instance=copy.copy(area))
    if request.method == "POST" and form.is_valid():
        area_update(area=area, by=request.user, data={f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, _("The area's profile was saved."))
        return redirect(area)
    legal_texts = [(state, reverse(AREA_LEGAL_PAGES[state.kind], args=[area.slug])) for state in legal_texts_of(area)]
    context = {"area": area, "form": form, "legal_texts": legal_texts}
    return render(request, "quartier/area_form.html", context)


def _legal_text_data(form: LegalTextForm) -> dict[str, object]:
    return {name: form.cleaned_data[name] for name in LEGAL_TEXT_FIELDS}


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_AREA)
def legal_text_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    """Give the area its own Impressum, Datenschutzerklärung or Erklärung zur Barrierefreiheit (``?kind=``),
    starting from the installation's text."""
    kind = request.GET.get("kind", "")
    initial: dict[str, object] = {}
    if kind in LegalKind.values:
        installation = legal_text_for(kind, None)
        initial = {"kind": kind}
        if installation is not None:
            initial.update(text=installation.text, feedback_email=installation.feedback_email)
    form = LegalTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            legal_text = legal_text_create(
                area=area, kind=form.cleaned_data["kind"], data=_legal_text_data(form), by=request.user
            )
            messages.success(request, _("%(kind)s saved.") % {"kind": legal_text.get_kind_display()})
            return redirect("area_edit", slug=area.slug)
    context = {
        "area": area,
        "form": form,
        "title": _("Write a legal text"),
        "back": reverse("area_edit", args=[area.slug]),
    }
    return render(request, "quartier/legal_text_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_AREA)
def legal_text_edit(request: AreaRequest, area: Quartier, legal_text_pk: int) -> HttpResponse:
    """Change the area's own legal text, or remove it (``action=delete``: the installation's applies again). Only
    the area's own texts: another area's or the installation's is not found here."""
    legal_text = area_legal_text(area, legal_text_pk)
    if legal_text is None:
        raise Http404(_("This text does not exist."))
    label = legal_text.get_kind_display()
    if request.method == "POST" and request.POST.get("action") == "delete":
        with refusal_in_messages(request):
            legal_text_delete(legal_text=legal_text, by=request.user)
            messages.success(
                request, _("%(kind)s removed: the text of the whole installation applies.") % {"kind": label}
            )
        return redirect("area_edit", slug=area.slug)
    form = LegalTextForm(
        request.POST or None,
        kind=legal_text.kind,
        initial={"text": legal_text.text, "feedback_email": legal_text.feedback_email},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            legal_text_update(legal_text=legal_text, data=_legal_text_data(form), by=request.user)
            messages.success(request, _("%(kind)s saved.") % {"kind": label})
            return redirect("area_edit", slug=area.slug)
    context = {
        "area": area,
        "form": form,
        "legal_text": legal_text,
        "title": label,
        "back": reverse("area_edit", args=[area.slug]),
    }
    return render(request, "quartier/legal_text_form.html", context, status=400 if form.errors else 200)


@require_GET
@area_view(permissions.VIEW_AUDIT)
def area_history(request: AreaRequest, area: Quartier) -> HttpResponse:
    """The area's history, filtered by kind of object, by who made the change and by day."""
    filterset = HistoryFilterSet(request.GET, queryset=area_changes(area.pk), area=area)
    return _history_page(request, area, filterset=filterset, subject=None)


@require_GET
@area_view(permissions.VIEW_AUDIT)
def object_history_view(request: AreaRequest, area: Quartier, model: str, object_pk: str) -> HttpResponse:
    """The history of one object of the area: only of the project's own audited models (``history_model``),
    and the object must belong to the area."""
    model_class = history_model(model)
    pk = whole_number(object_pk)
    obj = model_class._default_manager.filter(pk=pk).first() if model_class is not None and pk is not None else None
    owner = obj.get_area() if obj is not None else None  # None also for what belongs to no area
    if owner is None or owner.pk != area.pk:
        raise Http404(_("This object does not exist."))
    return _history_page(request, area, rows=object_history(obj), subject=obj)


def _history_page(
    request: HttpRequest,
    area: Quartier,
    *,
    subject: object,
    rows: QuerySet[Any] | None = None,
    filterset: HistoryFilterSet | None = None,
) -> HttpResponse:
    """A history page, its entries in words (``quartier.history.readable``)."""
    return list_page(
        request,
        template="quartier/history.html",
        title=_("History of %(subject)s") % {"subject": subject} if subject else _("History"),
        rows=rows,
        filterset=filterset,
        page_size=50,
        page_context=lambda page: {"entries": readable(page.object_list)},
        context={"area": area, "subject": subject},
    )


@public_view
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes's answer to a login that is locked out: a page that says so and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"cooloff_minutes": minutes, "whole_account": getattr(request, "login_lockout", "") == "account"}
    return render(request, "registration/locked_out.html", context, status=429)


def _safe_next(request: HttpRequest) -> str:
    return safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the app, or a recovery code."""
    if twofactor.is_verified(request) or twofactor.app_device(request.user) is None:
        return redirect(_safe_next(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            twofactor.check_code_and_login(request, form.cleaned_data["code"])
            return redirect(_safe_next(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app (again, for a new phone), renew the recovery codes, or switch it off."""
    user = request.user
    device = twofactor.app_device(user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_by_action = {
        "confirm": TwoFactorCodeForm(request.POST if action == "confirm" else None, app_only=True, prefix="confirm"),
        "recovery": TwoFactorCodeForm(request.POST if action == "recovery" else None, app_only=True, prefix="recovery"),
        "disable": TwoFactorCodeForm(request.POST if action == "disable" else None, prefix="disable"),
    }
    recovery_codes: list[str] = []
    if request.method == "POST":
        form = forms_by_action.get(action)
        if form is None:
            messages.error(request, _("Unknown action."))
            return redirect("two_factor_setup")
        if device is None and action != "confirm":
            messages.error(request, _("Two-factor login is not set up for this account."))
            return redirect("two_factor_setup")
        if form.is_valid():
            code = form.cleaned_data["code"]
            with refusal_on(form):
                if action == "confirm":
                    recovery_codes = twofactor.app_confirm(request, code)
                elif action == "recovery":
                    recovery_codes = twofactor.recovery_codes_renew(user, code)
                else:
                    twofactor.two_factor_disable(request, code)
                    messages.success(request, _("Two-factor login is switched off."))
                    return redirect("two_factor_setup")
                device = twofactor.app_device(user)
                forms_by_action = {
                    key: TwoFactorCodeForm(app_only=key != "disable", prefix=key) for key in forms_by_action
                }
    # Right after a set-up or renewal the page shows the recovery codes only; else it offers a (new) set-up.
    pending = None if recovery_codes else twofactor.pending_app(request)
    context = {
        "device": device,
        "required": twofactor.is_required(user),
        "recovery_left": twofactor.recovery_codes_left(user),
        "recovery_codes": recovery_codes,
        "pending": pending,
        "qr": pending.qr_data_uri(user) if pending else "",
        "forms": forms_by_action,
        "next": safe_next(request, ""),
    }
    return render(request, "registration/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def mail_choices(request: HttpRequest) -> HttpResponse:
    """The account's choice of optional mails (a ballot opened or closed, minutes approved): each at once, in one
    daily summary, or not at all."""
    choices = MailChoices.objects.filter(user=request.user).first() or DEFAULT
    initial = {
        "ballot_opened": choices.ballot_opened,
        "ballot_closed": choices.ballot_closed,
        "minutes_approved": choices.minutes_approved,
        "delivery": "digest" if choices.digest else "now",
    }
    form = MailChoicesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, digest=form.cleaned_data["delivery"] == "digest")
        with refusal_on(form):
            mail_choices_save(user=request.user, data=data)
            messages.success(request, _("Your choice of mails is saved."))
            return redirect("mail_choices")
    return render(request, "quartier/mail_choices.html", {"form": form}, status=400 if form.errors else 200)
