"""The office's pages of events and activities, and the area's public calendar (page and ICS feed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activation import calendar
from activation.filters import EventFilterSet
from activation.forms import CountsForm, EventForm, PhotoForm, SeriesForm
from activation.models import AGE_BANDS, Event, Kind, Photo, Series
from activation.selectors import (
    event_detail,
    events_exported,
    events_for,
    events_listed,
    public_events,
    public_photo,
)
from activation.services import (
    event_create,
    event_delete,
    event_record_counts,
    event_update,
    photo_add,
    photo_consent_withdraw,
    photo_delete,
    series_create,
    series_delete,
    series_update,
)
from activation.survey_result_views import urlpatterns as survey_result_urls
from quartier import permissions
from quartier.decorators import area_view, public_view, resident_page
from quartier.exports import date_column, number_column, table_response
from quartier.forms import refusal_on
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import Quartier
from quartier.pages import area_or_404


def get_event_for(area: Quartier, pk: int) -> Event:
    event = Event.objects.filter(area=area, pk=pk).first()
    if event is None:
        raise Http404(_("This event does not exist."))
    return event


def get_photo_for(area: Quartier, pk: int) -> Photo:
    photo = Photo.objects.filter(event__area=area, pk=pk).select_related("event__area").first()
    if photo is None:
        raise Http404(_("This photo does not exist."))
    return photo


def get_series_for(area: Quartier, pk: int) -> Series:
    series = Series.objects.filter(area=area, pk=pk).first()
    if series is None:
        raise Http404(_("This series does not exist."))
    return series


@require_GET
@area_view(permissions.VIEW_EVENTS)
def event_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    return list_page(
        request,
        template="activation/event_list.html",
        title=_("Events and activities"),
        filterset=EventFilterSet(request.GET, queryset=events_for(area), area=area),
        read_page=lambda ids: events_listed(area, ids),
        export=lambda rows, fmt: events_export(rows, area=area, fmt=fmt),
        context={"area": area, "can_change": permissions.CHANGE_EVENTS in request.area_perms},
    )


def events_export(rows: Any, *, area: Quartier, fmt: str) -> HttpResponse:
    kinds = dict(Kind.choices)
    table = (
        [
            event.pk,
            event.title,
            str(kinds.get(event.kind, event.kind)),
            timezone.localtime(event.starts_at).date(),
            timezone.localtime(event.starts_at).strftime("%H:%M"),
            timezone.localtime(event.ends_at).strftime("%H:%M"),
            event.place,
            _("yes") if event.public else _("no"),
            ", ".join(organisation.name for organisation in event.organisations.all()),
            ", ".join(field.name for field in event.fields_of_action.all()),
            ", ".join(group.name for group in event.target_groups.all()),
            event.participants,
            *(getattr(event, name) for name, _label in AGE_BANDS),
        ]
        for event in events_exported(rows)
    )
    headers = [
        number_column(_("No.")),
        _("Title"),
        _("Kind"),
        date_column(_("Day")),
        _("From"),
        _("Until"),
        _("Place"),
        _("Public"),
        _("Organisations"),
        _("Fields of action"),
        _("Target groups"),
        number_column(_("Participants")),
        *(number_column(label) for _name, label in AGE_BANDS),
    ]
    return table_response(
        filename=f"veranstaltungen-{area.slug}", title=_("Events"), headers=headers, rows=table, fmt=fmt
    )


@require_GET
@area_view(permissions.VIEW_EVENTS)
def event_page(request: AreaRequest, area: Quartier, event_pk: int) -> HttpResponse:
    perms = request.area_perms
    event = event_detail(area, event_pk, with_persons=permissions.VIEW_PERSONS in perms)
    if event is None:
        raise Http404(_("This event does not exist."))
    context = {
        "area": area,
        "event": event,
        "ages": [(label, getattr(event, name)) for name, label in AGE_BANDS],
        "begun": event.starts_at <= timezone.now(),
        "can_change": permissions.CHANGE_EVENTS in perms,
        "can_see_persons": permissions.VIEW_PERSONS in perms,
        "can_see_funds": permissions.VIEW_FUNDS in perms,
        "can_see_isek": permissions.VIEW_ISEK in perms,
    }
    return render(request, "activation/event_detail.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    return _event_form(request, area, Event(area=area))


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_edit(request: AreaRequest, area: Quartier, event_pk: int) -> HttpResponse:
    return _event_form(request, area, get_event_for(area, event_pk))


def _event_form(request: AreaRequest, area: Quartier, event: Event) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    form = EventForm(request.POST or None, instance=event, area=area, with_persons=with_persons)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            if event.pk:
                changed = {name: form.cleaned_data[name] for name in form.changed_data}
                event = event_update(event=event, data=changed, by=request.user)
                messages.success(request, _("The event was saved."))
            else:
                event = event_create(area=area, data=form.cleaned_data, by=request.user)
                messages.success(request, _("The event was created."))
            return redirect("event_page", slug=area.slug, event_pk=event.pk)
    back = event.get_absolute_url() if event.pk else reverse("event_list", args=[area.slug])
    context = {
        "area": area,
        "form": form,
        "title": _("Edit event") if event.pk else _("New event"),
        "back": back,
        "event": event if event.pk else None,
    }
    return render(request, "activation/event_form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_counts(request: AreaRequest, area: Quartier, event_pk: int) -> HttpResponse:
    event = get_event_for(area, event_pk)
    form = CountsForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            event_record_counts(
                event=event,
                participants=form.cleaned_data["participants"],
                ages=form.ages(),
                groups=form.group_counts(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("The participants are recorded."))
            return redirect("event_page", slug=area.slug, event_pk=event.pk)
    context = {
        "area": area,
        "event": event,
        "form": form,
        "title": _("Participants and note"),
        "back": event.get_absolute_url(),
        "begun": event.starts_at <= timezone.now(),
    }
    return render(request, "activation/event_counts.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_photo_new(request: AreaRequest, area: Quartier, event_pk: int) -> HttpResponse:
    event = get_event_for(area, event_pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form, field="file"):
            photo_add(
                event=event,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                consent=form.cleaned_data["consent"],
                consent_how=form.cleaned_data["consent_how"],
                by=request.user,
            )
            messages.success(request, _("The photo was added."))
            return redirect("event_page", slug=area.slug, event_pk=event.pk)
    context = {"area": area, "event": event, "form": form, "title": _("Add a photo"), "back": event.get_absolute_url()}
    return render(request, "activation/photo_form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_remove(request: AreaRequest, area: Quartier, event_pk: int) -> HttpResponse:
    """Delete one event (of a series: that one date) with its counts and photos, after the office has seen what
    goes with it."""
    event = get_event_for(area, event_pk)
    if request.method == "POST":
        title = event.title
        event_delete(event=event, by=request.user)
        messages.success(request, _("The event “%(title)s” was deleted.") % {"title": title})
        return redirect("event_list", slug=area.slug)
    context = {
        "area": area,
        "event": event,
        "photos": event.photos.count(),
        "group_counts": event.group_counts.count(),
        "back": event.get_absolute_url(),
    }
    return render(request, "activation/event_delete.html", context)


@require_POST
@area_view(permissions.CHANGE_EVENTS)
def event_photo_withdraw(request: AreaRequest, area: Quartier, photo_pk: int) -> HttpResponse:
    """The consent of the people shown is withdrawn: the photo is no longer public, at once."""
    photo = get_photo_for(area, photo_pk)
    photo_consent_withdraw(photo=photo, by=request.user)
    messages.success(request, _("The consent is withdrawn: the photo is no longer shown publicly."))
    return redirect(photo.event.get_absolute_url() + "#photos")


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def event_photo_delete(request: AreaRequest, area: Quartier, photo_pk: int) -> HttpResponse:
    """Delete a photo with its file, after the office has seen which one (a page of its own, as for an event: no
    script needed to ask)."""
    photo = get_photo_for(area, photo_pk)
    event = photo.event
    back = event.get_absolute_url() + "#photos"
    if request.method == "POST":
        photo_delete(photo=photo, by=request.user)
        messages.success(request, _("The photo was deleted."))
        return redirect(back)
    return render(request, "activation/photo_delete.html", {"area": area, "photo": photo, "event": event, "back": back})


def photo_response(photo: Photo) -> FileResponse:
    response = FileResponse(photo.file.open("rb"), filename=photo.name, content_type=photo.content_type)
    # Never kept by a browser or a proxy: a photo whose consent is withdrawn (or whose event is no longer public)
    # must be gone at once.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@area_view(permissions.VIEW_EVENTS)
def event_photo(request: AreaRequest, area: Quartier, photo_pk: int) -> HttpResponse:
    photo = Photo.objects.filter(event__area=area, pk=photo_pk).first()
    if photo is None:
        raise Http404(_("This photo does not exist."))
    return photo_response(photo)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def series_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    form = SeriesForm(request.POST or None, instance=Series(area=area), area=area, with_persons=with_persons)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            series = series_create(area=area, data=form.cleaned_data, by=request.user)
            count = series.events.count()
            messages.success(request, _("The series was made with %(count)d events.") % {"count": count})
            return redirect("series_edit", slug=area.slug, series_pk=series.pk)
    context = {
        "area": area,
        "form": form,
        "title": _("New series of events"),
        "back": reverse("event_list", args=[area.slug]),
        "series": None,
    }
    return render(request, "activation/series_form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def series_edit(request: AreaRequest, area: Quartier, series_pk: int) -> HttpResponse:
    series = get_series_for(area, series_pk)
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    form = SeriesForm(request.POST or None, instance=series, area=area, with_persons=with_persons)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            series_update(series=series, data=form.cleaned_data, by=request.user)
            messages.success(request, _("The series and its coming events were saved."))
            return redirect("series_edit", slug=area.slug, series_pk=series.pk)
    context = {
        "area": area,
        "form": form,
        "title": _("Series: %(title)s") % {"title": series.title},
        "back": reverse("event_list", args=[area.slug]),
        "series": series,
        "events": series.events.order_by("starts_at").only("pk", "title", "starts_at", "detached", "participants"),
    }
    return render(request, "activation/series_form.html", context)


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_EVENTS)
def series_remove(request: AreaRequest, area: Quartier, series_pk: int) -> HttpResponse:
    series = get_series_for(area, series_pk)
    now = timezone.now()
    if request.method == "POST":
        deleted = series_delete(series=series, by=request.user, now=now)
        messages.success(request, _("The series was deleted with its %(count)d coming events.") % {"count": deleted})
        return redirect("event_list", slug=area.slug)
    context = {
        "area": area,
        "series": series,
        "coming": series.events.filter(starts_at__gt=now).count(),
        "kept": series.events.filter(starts_at__lte=now).count(),
    }
    return render(request, "activation/series_delete.html", context)


urlpatterns = [
    path("veranstaltungen/", event_list, name="event_list"),
    path("veranstaltungen/neu/", event_new, name="event_new"),
    path("veranstaltungen/<int:event_pk>/", event_page, name="event_page"),
    path("veranstaltungen/<int:event_pk>/bearbeiten/", event_edit, name="event_edit"),
    path("veranstaltungen/<int:event_pk>/loeschen/", event_remove, name="event_remove"),
    path("veranstaltungen/<int:event_pk>/teilnehmende/", event_counts, name="event_counts"),
    path("veranstaltungen/<int:event_pk>/fotos/neu/", event_photo_new, name="event_photo_new"),
    path("veranstaltungen/fotos/<int:photo_pk>/", event_photo, name="event_photo"),
    path(
        "veranstaltungen/fotos/<int:photo_pk>/einwilligung-zurueckziehen/",
        event_photo_withdraw,
        name="event_photo_withdraw",
    ),
    path("veranstaltungen/fotos/<int:photo_pk>/loeschen/", event_photo_delete, name="event_photo_delete"),
    path("veranstaltungen/reihen/neu/", series_new, name="series_new"),
    path("veranstaltungen/reihen/<int:series_pk>/", series_edit, name="series_edit"),
    path("veranstaltungen/reihen/<int:series_pk>/loeschen/", series_remove, name="series_remove"),
]
urlpatterns += survey_result_urls


# --- The public calendar -------------------------------------------------------------------------------------------


@resident_page
@require_GET
def public_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The area's public events: the coming ones, and those of the last month with their photos (only those whose
    consent is recorded). Organising organisations are named, persons never."""
    area = area_or_404(slug)
    now = timezone.now()
    events = public_events(area, now=now)
    context = {
        "area": area,
        "coming": [event for event in events if event.ends_at >= now],
        "past": list(reversed([event for event in events if event.ends_at < now])),
    }
    return render(request, "activation/public_calendar.html", context)


@resident_page
@require_GET
def public_calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    area = area_or_404(slug)
    events = public_events(area, now=timezone.now())
    response = HttpResponse(calendar.public_feed(area, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="veranstaltungen-{area.slug}.ics"'
    return response


@public_view
@require_GET
def public_event_photo(request: HttpRequest, slug: str, photo_pk: int) -> HttpResponse:
    photo = public_photo(area_or_404(slug), photo_pk)
    if photo is None:
        raise Http404(_("This photo does not exist."))
    return photo_response(photo)


public_urlpatterns = [
    path("<slug:slug>/veranstaltungen/", public_calendar, name="public_calendar"),
    path("<slug:slug>/veranstaltungen.ics", public_calendar_feed, name="public_calendar_feed"),
    path("<slug:slug>/veranstaltungen/fotos/<int:photo_pk>/", public_event_photo, name="public_event_photo"),
]
