from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.forms.contacts import DateInput
from actors.forms.pickers import organisation_picker, person_picker
from actors.models import Concern
from actors.services.concerns import CONCERN, CONCERN_FIELDS, concern_check
from quartier import dates
from quartier.models import Quartier


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        formfield_callback = dates.formfield
        fields = list(CONCERN_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "raised_on": DateInput}
        help_texts = {
            "raised_by_person": _("Leave both empty for an anonymous concern."),
            "raised_by_organisation": _("Leave both empty for an anonymous concern."),
        }

    def __init__(self, *args: object, area: Quartier, with_persons: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        concern = self.instance
        self.fields["field_of_action"].empty_label = _("none")
        self.fields["raised_by_organisation"].empty_label = _("nobody (anonymous)")
        organisation_picker(self.fields["raised_by_organisation"], area=area)
        if with_persons:
            self.fields["raised_by_person"].empty_label = _("nobody (anonymous)")
            keep = [concern.raised_by_person_id] if concern.raised_by_person_id else []
            person_picker(self.fields["raised_by_person"], area=area, keep=keep)
        else:
            self.fields.pop("raised_by_person")
        if not concern.pk:
            self.initial.setdefault("raised_on", timezone.localdate())

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        try:
            concern_check(area=self.area, values=cleaned)
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                if field not in self.errors:
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


class ConcernStatusForm(forms.Form):
    """The next step of a concern: only the statuses it may go to from where it is."""

    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the concern cannot be carried out: say why."),
    )
    forwarded_to = forms.CharField(
        label=_("Forwarded to (administrative unit)"),
        required=False,
        max_length=200,
        help_text=_("Needed when the concern is forwarded."),
    )
    answer = forms.CharField(label=_("Answer received"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, concern: Concern, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "status_%s")
        kwargs.setdefault("initial", {"forwarded_to": concern.forwarded_to, "answer": concern.answer})
        super().__init__(*args, **kwargs)
        self.concern = concern
        labels = dict(Concern.Status.choices)
        self.fields["to_status"].choices = [
            ("", _("choose")),
            *[(status, labels[status]) for status in CONCERN.targets(concern)],
        ]
