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
            "organisations",
            "persons",
            "fields_of_action",
            "target_groups",
            "measures",
            "applications",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, area: Quartier, with_persons: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event = self.instance
        organisation_picker(self.fields["organisations"], area=area)
        if with_persons:
            current = event.persons.values("pk") if event.pk else []
            person_picker(self.fields["persons"], area=area, keep=current)
        else:
            self.fields.pop("persons")
        self.fields["measures"].queryset = measures_to_choose(area, event.measures.values("pk") if event.pk else [])
        self.fields["measures"].label_from_instance = lambda measure: f"{measure.number} {measure.title}"
        self.fields["applications"].queryset = applications_to_choose(
            area, event.applications.values("pk") if event.pk else []
        )
        self.fields["applications"].label_from_instance = lambda app: f"{app.title} ({app.fund})"
        for name in ("measures", "applications"):
            self.fields[name].widget.attrs["size"] = 6
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
            "fields_of_action",
            "target_groups",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "last_day": _("At most one year ahead: each day of the series becomes an event of its own."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("first_day", today)
            self.initial.setdefault("last_day", today + datetime.timedelta(days=90))

    def _post_clean(self) -> None:
        # The model's rules are the service's to check (its messages name the fields): not twice here.
        pass
