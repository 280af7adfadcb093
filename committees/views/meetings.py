"""The meeting editor: date and place, the agenda (htmx), attendance with the quorum, minutes, invitation
and approval of the previous meeting's minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.forms import AgendaItemForm, MeetingForm, MinutesForm
from committees.minutes import circular_resolutions
from committees.models import AgendaItem, Attendance, Meeting, Membership
from committees.selectors import MeetingPage, meeting_page, previous_meeting
from committees.services.invitations import meeting_invite
from committees.services.meetings import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    agenda_recusal_record,
    attendance_record,
    meeting_create,
    meeting_mark_held,
    meeting_update,
    minutes_approve,
)
from committees.tasks import send_meeting_invitations
from committees.views.office import can_change, form_page, get_committee_for, save_form
from quartier import permissions
from quartier.decorators import area_view
from quartier.forms import Refusal, refusal_in_messages, refusal_on, whole_number
from quartier.http import AreaRequest
from quartier.models import Quartier


def get_meeting_for(area: Quartier, pk: int) -> Meeting:
    meeting = Meeting.objects.filter(committee__area=area, pk=pk).select_related("committee").first()
    if meeting is None:
        raise Http404(_("This meeting does not exist."))
    return meeting


def get_item_for(meeting: Meeting, pk: int) -> AgendaItem:
    item = meeting.items.filter(pk=pk).first()
    if item is None:
        raise Http404(_("This agenda item does not exist."))
    item.meeting = meeting
    return item


def _context(request: AreaRequest, area: Quartier, page: MeetingPage, **extra: object) -> dict[str, object]:
    meeting = page.meeting
    editable = can_change(request) and meeting.status != Meeting.Status.APPROVED
    begun = meeting.starts_at <= timezone.now()
    previous = page.previous
    can_approve_previous = bool(
        can_change(request) and begun and previous is not None and previous.status == Meeting.Status.HELD
    )
    planning = meeting.status in {Meeting.Status.PLANNED, Meeting.Status.INVITED}
    return {
        "area": area,
        "page": page,
        "meeting": meeting,
        "can_change": can_change(request),
        "editable": editable,
        "begun": begun,
        "planning": planning,
        "can_approve_previous": can_approve_previous,
        "has_steps": planning or can_approve_previous,
        "item_form": AgendaItemForm(),
        "agenda": [(item, MinutesForm(instance=item, prefix=f"item-{item.pk}")) for item in page.items],
        "attendance_choices": Attendance.Status.choices,
        **extra,
    }


def _page_or_404(area: Quartier, meeting_pk: int) -> MeetingPage:
    page = meeting_page(meeting_pk, area)
    if page is None:
        raise Http404(_("This meeting does not exist."))
    return page


@require_GET
@area_view(permissions.VIEW_COMMITTEES)
def meeting_detail(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    page = _page_or_404(area, meeting_pk)
    resolutions = circular_resolutions(page.meeting, page.previous)
    return render(request, "committees/meeting.html", _context(request, area, page, resolutions=resolutions))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def meeting_new(request: AreaRequest, area: Quartier, committee_pk: int) -> HttpResponse:
    committee = get_committee_for(area, committee_pk)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    saved = save_form(
        request,
        form,
        lambda data: meeting_create(committee=committee, data=data, by=request.user),
        _("The meeting was planned. Now add its agenda."),
    )
    if saved is not None:
        return redirect("meeting_page", slug=area.slug, meeting_pk=saved.pk)
    title = _("New meeting of %(committee)s") % {"committee": committee.name}
    return form_page(request, area, form, title=title, back=reverse("committee_page", args=[area.slug, committee.pk]))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_COMMITTEES)
def meeting_edit(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    meeting = get_meeting_for(area, meeting_pk)
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    notice = _("The meeting was saved.")
    if meeting.status == Meeting.Status.INVITED:
        notice = _("The meeting was saved. Send the invitation again so the members learn of the change.")
    saved = save_form(request, form, lambda data: meeting_update(meeting=meeting, data=data, by=request.user), notice)
    back = reverse("meeting_page", args=[area.slug, meeting.pk])
    if saved is not None:
        return redirect(back)
    if request.method == "POST":
        meeting.refresh_from_db()
    title = _("Date and place of the meeting")
    return form_page(request, area, form, title=title, back=back)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def meeting_action(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    """Send the invitation, mark the meeting as held, or approve the previous meeting's minutes here."""
    meeting = get_meeting_for(area, meeting_pk)
    action = request.POST.get("action", "")
    with refusal_in_messages(request):
        if action == "invite":
            unreachable = meeting_invite(meeting=meeting, by=request.user, send=send_meeting_invitations.delay)
            messages.success(request, _("The invitation is being sent to the members."))
            if unreachable:
                names = ", ".join(str(member.person) for member in unreachable)
                messages.warning(
                    request,
                    _("These members have no email address; invite them by letter: %(names)s") % {"names": names},
                )
        elif action == "held":
            meeting_mark_held(meeting=meeting, by=request.user)
            messages.success(request, _("The meeting is marked as held. Now record the minutes."))
        elif action == "approve_previous":
            previous = previous_meeting(meeting)
            if previous is None:
                raise ValidationError(_("There is no earlier meeting whose minutes could be approved."))
            minutes_approve(meeting=previous, at=meeting, by=request.user)
            messages.success(request, _("The minutes of the previous meeting are approved."))
        else:
            raise ValidationError(_("Unknown action."))
    return redirect("meeting_page", slug=area.slug, meeting_pk=meeting.pk)


def _agenda(request: AreaRequest, area: Quartier, meeting: Meeting, **extra: object) -> HttpResponse:
    """The agenda part of the meeting page for htmx, or the whole page after a plain form post."""
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, extra["error"])
        elif extra.get("notice"):
            messages.success(request, extra["notice"])
        return redirect("meeting_page", slug=area.slug, meeting_pk=meeting.pk)
    page = _page_or_404(area, meeting.pk)
    context = _context(request, area, page, **extra)
    return render(request, "committees/meeting.html#agenda", context)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def agenda_add(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    meeting = get_meeting_for(area, meeting_pk)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, _("The agenda item needs a title."))
            return redirect("meeting_page", slug=area.slug, meeting_pk=meeting.pk)
        page = _page_or_404(area, meeting.pk)
        return render(request, "committees/meeting.html#agenda", _context(request, area, page, item_form=form))
    with Refusal() as refusal:
        item = agenda_item_add(meeting=meeting, data=form.cleaned_data, by=request.user)
        return _agenda(request, area, meeting, notice=_("“%(title)s” was added to the agenda.") % {"title": item.title})
    return _agenda(request, area, meeting, error=refusal.text)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def agenda_move(request: AreaRequest, area: Quartier, meeting_pk: int, agenda_item_pk: int) -> HttpResponse:
    meeting = get_meeting_for(area, meeting_pk)
    item = get_item_for(meeting, agenda_item_pk)
    up = request.POST.get("direction") != "down"
    with Refusal() as refusal:
        agenda_item_move(item=item, up=up, by=request.user)
        notice = _("“%(title)s” moved up.") if up else _("“%(title)s” moved down.")
        return _agenda(request, area, meeting, notice=notice % {"title": item.title})
    return _agenda(request, area, meeting, error=refusal.text)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def agenda_delete(request: AreaRequest, area: Quartier, meeting_pk: int, agenda_item_pk: int) -> HttpResponse:
    meeting = get_meeting_for(area, meeting_pk)
    item = get_item_for(meeting, agenda_item_pk)
    if request.POST.get("confirm") != "yes":  # the form's button says so; a bare POST removes nothing
        return _agenda(request, area, meeting, error=_("Nothing was removed: please use the Remove button."))
    with Refusal() as refusal:
        agenda_item_delete(item=item, by=request.user)
        return _agenda(
            request, area, meeting, notice=_("“%(title)s” was removed from the agenda.") % {"title": item.title}
        )
    return _agenda(request, area, meeting, error=refusal.text)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def agenda_minutes(request: AreaRequest, area: Quartier, meeting_pk: int, agenda_item_pk: int) -> HttpResponse:
    """Save one item's minutes and decision; a refusal shows at the item, nothing is saved."""
    meeting = get_meeting_for(area, meeting_pk)
    item = get_item_for(meeting, agenda_item_pk)
    form = MinutesForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    notice = ""
    if form.is_valid():
        with refusal_on(form):
            agenda_item_update(item=item, data=form.cleaned_data, by=request.user)
            notice = _("The minutes of “%(title)s” are saved.") % {"title": item.title}
    if not form.errors and not request.htmx:
        messages.success(request, notice)
        return redirect("meeting_page", slug=area.slug, meeting_pk=meeting.pk)
    # A refusal shows in the form's error summary; when the form is not shown (an approved meeting, one
    # that has not begun), the refusal of the whole item shows at the item.
    error = " ".join(str(message) for message in form.non_field_errors())
    return _agenda_item(request, area, meeting, item, notice=notice, error=error, form=form)


def _agenda_item(
    request: AreaRequest,
    area: Quartier,
    meeting: Meeting,
    item: AgendaItem,
    *,
    notice: str,
    error: str,
    form: MinutesForm | None = None,
) -> HttpResponse:
    """One item of the agenda for htmx, as it is saved now (the form as sent, when it was refused; a refusal
    that is not the form's shows at the item)."""
    page = _page_or_404(area, meeting.pk)
    state = next(entry for entry in page.items if entry.pk == item.pk)
    shown = form if form is not None and form.errors else MinutesForm(instance=state, prefix=f"item-{item.pk}")
    context = _context(
        request, area, page, notice=notice, error=error, item=state, minutes_form=shown, open_item=item.pk,
        error_at_item=form is None,
    )  # fmt: skip
    return render(request, "committees/meeting.html#agenda-item", context)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def agenda_recusal(request: AreaRequest, area: Quartier, meeting_pk: int, agenda_item_pk: int) -> HttpResponse:
    """Record that a member present was recused from an item (``action=recused``) or took part (``voted``)."""
    meeting = get_meeting_for(area, meeting_pk)
    item = get_item_for(meeting, agenda_item_pk)
    action = request.POST.get("action", "")
    number = whole_number(request.POST.get("membership"))
    membership = (
        Membership.objects.filter(pk=number, committee_id=meeting.committee_id).select_related("person").first()
        if number is not None
        else None
    )
    notice = ""
    with Refusal() as refusal:
        if action not in {"recused", "voted"}:
            raise ValidationError(_("Unknown action."))
        if membership is None:
            raise ValidationError(
                _("Only a voting member present at the meeting (or a deputy standing in) can be recused from an item.")
            )
        agenda_recusal_record(item=item, membership=membership, recused=action == "recused", by=request.user)
        names = {"name": str(membership.person), "title": item.title}
        if action == "recused":
            notice = _("%(name)s is recorded as recused from “%(title)s”.") % names
        else:
            notice = _("%(name)s is recorded as taking part in the vote on “%(title)s”.") % names
    error = refusal.text
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(reverse("meeting_page", args=[area.slug, meeting.pk]) + f"#agenda-item-{item.pk}")
    return _agenda_item(request, area, meeting, item, notice=notice, error=error)


@require_POST
@area_view(permissions.CHANGE_COMMITTEES)
def attendance_save(request: AreaRequest, area: Quartier, meeting_pk: int) -> HttpResponse:
    """Record the attendance the form gives (``attendance-<member>``); answer with the quorum."""
    meeting = get_meeting_for(area, meeting_pk)
    statuses: dict[int, str] = {}
    with Refusal() as refusal:
        for key, status in request.POST.items():
            number = key.removeprefix("attendance-")
            if number == key:
                continue
            member = whole_number(number)
            if member is None:
                raise ValidationError(_("This person is not a member of the committee on the day of the meeting."))
            statuses[member] = status
        attendance_record(meeting=meeting, statuses=statuses, by=request.user)
    error = refusal.text
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("The attendance is saved."))
        return redirect(reverse("meeting_page", args=[area.slug, meeting.pk]) + "#attendance")
    page = _page_or_404(area, meeting.pk)
    return render(request, "committees/meeting.html#quorum", _context(request, area, page, error=error, oob=True))


urlpatterns = [
    path("gremien/<int:committee_pk>/sitzungen/neu/", meeting_new, name="meeting_new"),
    path("gremien/sitzungen/<int:meeting_pk>/", meeting_detail, name="meeting_page"),
    path("gremien/sitzungen/<int:meeting_pk>/bearbeiten/", meeting_edit, name="meeting_edit"),
    path("gremien/sitzungen/<int:meeting_pk>/status/", meeting_action, name="meeting_action"),
    path("gremien/sitzungen/<int:meeting_pk>/anwesenheit/", attendance_save, name="meeting_attendance"),
    path("gremien/sitzungen/<int:meeting_pk>/tagesordnung/", agenda_add, name="agenda_add"),
    path(
        "gremien/sitzungen/<int:meeting_pk>/tagesordnung/<int:agenda_item_pk>/",
        agenda_minutes,
        name="agenda_minutes",
    ),
    path(
        "gremien/sitzungen/<int:meeting_pk>/tagesordnung/<int:agenda_item_pk>/befangenheit/",
        agenda_recusal,
        name="agenda_recusal",
    ),
    path(
        "gremien/sitzungen/<int:meeting_pk>/tagesordnung/<int:agenda_item_pk>/verschieben/",
        agenda_move,
        name="agenda_move",
    ),
    path(
        "gremien/sitzungen/<int:meeting_pk>/tagesordnung/<int:agenda_item_pk>/entfernen/",
        agenda_delete,
        name="agenda_delete",
    ),
]
