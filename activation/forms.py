"""The office's forms of the activation work. They check what a form can (types, the date range); every rule of the
area's data is the services' (``activation.services``), shown on the form through ``quartier.forms.refusal_on``."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activation.models import AGE_BANDS, Event, Photo, Series
from activation.services import COUNT_MAX, PHOTO_MAX_BYTES
from actors.forms.pickers import organisation_picker, person_picker
from actors.models import TargetGroup
from fonds.models import Application
from fonds.uploads import ACCEPT_IMAGES, human_size
from isek.models import Measure, Version
from quartier import dates
from quartier.models import Quartier
from quartier.reference import target_groups


def measures_to_choose(area: Quartier, linked: Any = ()) -> Any:
    """The measures of the area's newest ISEK version, and those the event links already."""
    newest = Version.objects.filter(area=area).order_by("-created_at", "-pk").values("pk")[:1]
    return (
        Measure.objects.filter(version__area=area)
        .filter(Q(version__in=newest) | Q(pk__in=linked))
        .select_related("version")
        .order_by("number", "pk")
    )


def applications_to_choose(area: Quartier, linked: Any = ()) -> Any:
    """The area's applications of last year's funds and later (handed in, not drafts), and those linked already."""
    since = timezone.localdate().year - 1
    return (
        Application.objects.filter(area=area)
        .filter(Q(fund__year__gte=since) & ~Q(status="entwurf") | Q(pk__in=linked))
        .select_related("fund")
        .order_by("-fund__year", "title", "pk")
    )


#: The links an event's and a series' forms pick: organisers by the area's pickers, ISEK measures and fund
#: applications from lists.
LINK_FIELDS = ["organisations", "persons", "fields_of_action", "target_groups", "measures", "applications"]
LINK_WIDGETS = {"fields_of_action": forms.CheckboxSelectMultiple, "target_groups": forms.CheckboxSelectMultiple}


def set_up_links(form: forms.ModelForm, *, area: Quartier, with_persons: bool) -> None:
    """The pickers and lists of ``form``'s links (``LINK_FIELDS``) for ``area``: its organisations and persons (those
    only ``with_persons``: the persons field is left out otherwise, and the record keeps its persons), the measures
    of its newest ISEK and its recent fund applications, and whatever the record links already."""
    record = form.instance
    organisation_picker(form.fields["organisations"], area=area)
    if with_persons:
        current = record.persons.values("pk") if record.pk else []
        person_picker(form.fields["persons"], area=area, keep=current)
    else:
        form.fields.pop("persons")
    form.fields["measures"].queryset = measures_to_choose(area, record.measures.values("pk") if record.pk else [])
    form.fields["measures"].label_from_instance = lambda measure: f"{measure.number} {measure.title}"
    form.fields["applications"].queryset = applications_to_choose(
        area, record.applications.values("pk") if record.pk else []
    )
    form.fields["applications"].label_from_instance = lambda app: f"{app.title} ({app.fund})"
    for name in ("measures", "applications"):
        form.fields[name].widget.attrs["size"] = 6


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = dates.formfield
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "description",
            "public",
            *LINK_FIELDS,
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), **LINK_WIDGETS}

    def __init__(self, *args: Any, area: Quartier, with_persons: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_up_links(self, area=area, with_persons=with_persons)
        self.fields["public"].help_text = _(
            "Shown in the area's public calendar and its calendar feed, with the organising organisations (never "
            "the persons)."
        )


class CountsForm(forms.Form):
    """How many took part (in total, by age band and by target group) and the note afterwards."""

    participants = forms.IntegerField(
        label=_("Participants in total"), min_value=0, max_value=COUNT_MAX, required=False
    )
    note = forms.CharField(label=_("Note afterwards"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        initial = {
            "participants": event.participants,
            "note": event.note,
            **{name: getattr(event, name) for name, _label in AGE_BANDS},
            **{f"group_{row.target_group_id}": row.count for row in event.group_counts.all()},
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in AGE_BANDS:
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=COUNT_MAX, required=False)
        self.groups: list[TargetGroup] = list(target_groups())
        for group in self.groups:
            self.fields[f"group_{group.pk}"] = forms.IntegerField(
                label=group.name, min_value=0, max_value=COUNT_MAX, required=False
            )
        self.order_fields(["participants", *(name for name, _label in AGE_BANDS)])

    def age_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in AGE_BANDS]

    def group_fields(self) -> list[forms.BoundField]:
        return [self[f"group_{group.pk}"] for group in self.groups]

    def ages(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name, _label in AGE_BANDS}

    def group_counts(self) -> dict[TargetGroup, int | None]:
        return {group: self.cleaned_data.get(f"group_{group.pk}") for group in self.groups}


class PhotoForm(forms.ModelForm):
    file = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most %(max)s.") % {"max": human_size(PHOTO_MAX_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_IMAGES}),
    )

    class Meta:
        model = Photo
        fields = ["caption", "consent", "consent_how"]
        help_texts = {
            "consent": _("Without it the photo stays with the office: it is never shown publicly."),
            "consent_how": _("For example: written consent form, signed by everyone shown"),
        }


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        formfield_callback = dates.formfield
        fields = [
            "title",
            "kind",
            "frequency",
            "first_day",
            "last_day",
            "start_time",
            "end_time",
            "place",
            "description",
            "public",
            *LINK_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            **LINK_WIDGETS,
        }
        help_texts = {
            "last_day": _("At most one year ahead: each day of the series becomes an event of its own."),
        }

    def __init__(self, *args: Any, area: Quartier, with_persons: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_up_links(self, area=area, with_persons=with_persons)
        self.fields["organisations"].help_text = _(
            "The organisers and links are handed to each event of the series, and to its coming events when they "
            "change here (not to those changed on their own)."
        )
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("first_day", today)
            self.initial.setdefault("last_day", today + datetime.timedelta(days=90))

    def _post_clean(self) -> None:
        # The model's rules are the service's to check (its messages name the fields): not twice here.
        pass
