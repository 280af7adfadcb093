"""Contact notes: the list with search, filters and export; a note; its forms; follow-ups; the quick entry."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.filters import ContactFilterSet
from actors.forms.contacts import ContactNoteForm, QuickContactForm, cannot_read_notice
from actors.models import ContactNote, Organisation, Person
from actors.selectors.contacts import (
    contact_note_detail,
    contact_notes_by_ids,
    contact_notes_for,
    contact_notes_shown,
    recent_contacts_for,
)
from actors.services.contacts import (
    can_take_follow_up,
    contact_note_create,
    contact_note_set_follow_up_done,
    contact_note_update,
)
from actors.views.rows import FollowUpButton, contact_rows_html, follow_up_html
from quartier import permissions
from quartier.decorators import area_view
from quartier.exports import Column, date_column, table_response
from quartier.forms import Refusal, refusal_on, whole_number
from quartier.http import AreaRequest
from quartier.lists import list_page
from quartier.models import Quartier
from quartier.net import safe_next


def get_note_for(area: Quartier, pk: int) -> ContactNote:
    note = ContactNote.objects.filter(area=area, pk=pk).first()
    if note is None:
        raise Http404(_("This contact note does not exist."))
    return note


@require_GET
@area_view(permissions.VIEW_CONTACTS)
def contact_list(request: AreaRequest, area: Quartier) -> HttpResponse:
    perms = request.area_perms
    with_persons = permissions.VIEW_PERSONS in perms
    today = timezone.localdate()
    return list_page(
        request,
        template="actors/contact_list.html",
        title=_("Contact notes"),
        filterset=ContactFilterSet(request.GET, queryset=contact_notes_for(area), area=area),
        read_page=lambda ids: contact_notes_by_ids(area, ids, with_persons=with_persons),
        export=lambda notes, fmt: contacts_export(
            contact_notes_shown(notes, with_persons=with_persons), area=area, fmt=fmt, with_persons=with_persons
        ),
        context={
            "area": area,
            "can_change": permissions.CHANGE_CONTACTS in perms,
            "can_see_people": with_persons,
        },
        page_context=lambda page: {
            "rows": contact_rows_html(
                page.object_list,
                area=area,
                today=today,
                with_persons=with_persons,
                button=FollowUpButton.of(request, can_change=permissions.CHANGE_CONTACTS in perms),
            )
        },
    )


def contacts_export(notes: Iterable[ContactNote], *, area: Quartier, fmt: str, with_persons: bool) -> HttpResponse:
    def row(note: ContactNote) -> list[object]:
        cells: list[object] = [
            note.date,
            note.get_channel_display(),
            note.staff.get_display_name(),
            note.topic,
            ", ".join(field.name for field in note.fields_of_action.all()),
            ", ".join(org.name for org in note.organisations.all()),
        ]
        if with_persons:
            cells.append(", ".join(str(person) for person in note.persons.all()))
        cells += [
            note.text,
            note.follow_up_due,
            note.follow_up_assignee.get_display_name() if note.follow_up_assignee else "",
            (_("yes") if note.follow_up_done else _("no")) if note.follow_up_due else "",
        ]
        return cells

    headers: list[str | Column] = [
        date_column(_("Date")),
        _("Channel"),
        _("Staff member"),
        _("Topic"),
        _("Fields of action"),
        _("Organisations"),
    ]
    if with_persons:
        headers.append(_("Persons"))
    headers += [_("Note"), date_column(_("Follow-up due")), _("Follow-up by"), _("Follow-up done")]
    return table_response(
        filename=f"kontakte-{area.slug}",
        title=_("Contact notes"),
        headers=headers,
        rows=(row(note) for note in notes),
        fmt=fmt,
    )


@require_GET
@area_view(permissions.VIEW_CONTACTS)
def contact_page(request: AreaRequest, area: Quartier, note_pk: int) -> HttpResponse:
    perms = request.area_perms
    note = contact_note_detail(area, note_pk, with_persons=permissions.VIEW_PERSONS in perms)
    if note is None:
        raise Http404(_("This contact note does not exist."))
    open_follow_up = note.follow_up_assignee is not None and not note.follow_up_done
    today = timezone.localdate()
    context = {
        "area": area,
        "note": note,
        "follow_up": follow_up_html(
            note,
            area=area,
            today=today,
            button=FollowUpButton.of(request, can_change=permissions.CHANGE_CONTACTS in perms),
        ),
        "assignee_cannot_read": cannot_read_notice(note.follow_up_assignee)
        if open_follow_up and not can_take_follow_up(note.follow_up_assignee, area)
        else "",
        "can_change": permissions.CHANGE_CONTACTS in perms,
        "can_see_people": permissions.VIEW_PERSONS in perms,
        "today": today,
    }
    return render(request, "actors/contact_detail.html", context)


def _form_data(form: ContactNoteForm, fields: Iterable[str]) -> dict[str, object]:
    return {field: form.cleaned_data[field] for field in fields if field in form.cleaned_data}


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONTACTS)
def contact_new(request: AreaRequest, area: Quartier) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    form = ContactNoteForm(
        request.POST if request.method == "POST" else None, area=area, by=request.user, with_persons=with_persons
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            note = contact_note_create(area=area, data=_form_data(form, form.fields), by=request.user)
            messages.success(request, _("The contact note was saved."))
            return redirect("contact_page", slug=area.slug, note_pk=note.pk)
    return render(request, "actors/contact_form.html", {"area": area, "form": form, "note": None})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONTACTS)
def contact_edit(request: AreaRequest, area: Quartier, note_pk: int) -> HttpResponse:
    with_persons = permissions.VIEW_PERSONS in request.area_perms
    note = get_note_for(area, note_pk)
    form = ContactNoteForm(
        request.POST if request.method == "POST" else None,
        instance=note,
        area=area,
        by=request.user,
        with_persons=with_persons,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            contact_note_update(note=note, data=_form_data(form, form.changed_data), by=request.user)
            messages.success(request, _("The contact note was saved."))
            return redirect("contact_page", slug=area.slug, note_pk=note.pk)
    return render(request, "actors/contact_form.html", {"area": area, "form": form, "note": note})


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONTACTS)
def contact_follow_up_done(request: AreaRequest, area: Quartier, note_pk: int) -> HttpResponse:
    """Mark the follow-up done (``done=1``) or open again (``done=0``).

    htmx gets the follow-up fragment back; without JavaScript the browser goes back where it came from.
    GET shows a small page with the button, for links and for browsers without JavaScript.
    """
    note = contact_note_detail(area, note_pk, with_persons=False)
    if note is None:
        raise Http404(_("This contact note does not exist."))
    error = ""
    if request.method == "POST":
        done = request.POST.get("done")
        if done not in ("0", "1"):  # a page from before the field had this name, or a forged form: change nothing
            error = _("This button is out of date. Please reload the page and try again.")
        else:
            with Refusal() as refusal:
                contact_note_set_follow_up_done(note=note, done=done == "1", by=request.user)
            error = refusal.text
        if not request.htmx:
            if error:
                messages.error(request, error)
            else:
                messages.success(
                    request,
                    _("The follow-up is marked as done.") if note.follow_up_done else _("The follow-up is open again."),
                )
            return redirect(safe_next(request, reverse("contact_page", args=[area.slug, note.pk])))
    follow_up = follow_up_html(
        note,
        area=area,
        today=timezone.localdate(),
        button=FollowUpButton.of(request, can_change=True, next=safe_next(request, "")),
        error=error,
        changed=request.method == "POST" and not error,
    )
    if request.htmx:
        response = HttpResponse(follow_up)
    else:
        response = render(
            request, "actors/contact_follow_up.html", {"area": area, "note": note, "follow_up": follow_up}
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _quick_actor(area: Quartier, data: dict[str, str]) -> tuple[Organisation | None, Person | None]:
    """The organisation or person of this area the quick note is about (404 for anything else)."""
    organisation_pk = data.get("organisation_pk", "")
    person_pk = data.get("person_pk", "")
    if organisation_pk:
        number = whole_number(organisation_pk)
        organisation = Organisation.objects.filter(area=area, pk=number).first() if number is not None else None
        if organisation is None:
            raise Http404(_("This organisation does not exist."))
        return organisation, None
    if person_pk:
        number = whole_number(person_pk)
        person = (
            Person.objects.filter(area=area, pk=number, erased_at__isnull=True).first() if number is not None else None
        )
        if person is None:
            raise Http404(_("This person does not exist."))
        return None, person
    return None, None


def _actor_url(area: Quartier, organisation: Organisation | None, person: Person | None) -> str:
    """The page of the actor a quick note is about (the list of notes if it has none yet)."""
    try:
        if organisation is not None:
            return reverse("organisation_page", args=[area.slug, organisation.pk])
        if person is not None:
            return reverse("person_page", args=[area.slug, person.pk])
    except NoReverseMatch:
        pass
    return reverse("contact_list", args=[area.slug])


@require_http_methods(["GET", "POST"])
@area_view(permissions.CHANGE_CONTACTS)
def contact_quick(request: AreaRequest, area: Quartier) -> HttpResponse:
    """The quick contact note about one organisation or person, from that actor's page.

    POST with htmx answers with the refreshed block of recent contacts and the form (always HTTP 200, so
    htmx swaps errors in too); without JavaScript it goes back to ``next``. GET shows the form: as a
    fragment for htmx (the actor page loads it), as a page otherwise.
    """
    source = request.POST if request.method == "POST" else request.GET
    organisation, person = _quick_actor(area, source)  # type: ignore[arg-type]
    if request.method == "POST" and organisation is None and person is None:
        raise Http404(_("A quick note needs an organisation or a person."))
    if person is not None and permissions.VIEW_PERSONS not in request.area_perms:
        raise Http404(_("This person does not exist."))
    actor = organisation or person
    next_url = safe_next(request, _actor_url(area, organisation, person))
    form = QuickContactForm(request.POST if request.method == "POST" else None, area=area, by=request.user)
    saved = None
    if request.method == "POST" and form.is_valid():
        data: dict[str, object] = dict(form.cleaned_data)
        if organisation is not None:
            data["organisations"] = [organisation]
        else:
            data["persons"] = [person]
        with refusal_on(form):
            saved = contact_note_create(area=area, data=data, by=request.user)
            if not request.htmx:
                messages.success(request, _("The contact note was saved."))
                return redirect(next_url)
            form = QuickContactForm(area=area, by=request.user)
    context = {
        "area": area,
        "form": form,
        "organisation": organisation,
        "person": person,
        "actor": actor,
        "next": next_url,
        "saved": saved,
    }
    partial = "block" if request.method == "POST" else "form"
    if partial == "block" or not request.htmx:
        context["notes"] = recent_contacts_for(area, organisation=organisation, person=person)
    if request.htmx:
        response = render(request, f"actors/contacts/quick.html#{partial}", context)
    else:
        response = render(request, "actors/contact_quick.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


urlpatterns = [
    path("kontakte/", contact_list, name="contact_list"),
    path("kontakte/neu/", contact_new, name="contact_new"),
    path("kontakte/schnell/", contact_quick, name="contact_quick"),
    path("kontakte/<int:note_pk>/", contact_page, name="contact_page"),
    path("kontakte/<int:note_pk>/bearbeiten/", contact_edit, name="contact_edit"),
    path("kontakte/<int:note_pk>/erledigt/", contact_follow_up_done, name="contact_follow_up_done"),
]
