from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.forms.pickers import organisation_picker
from actors.models import Affiliation, Person
from actors.selectors.pickers import Choice, organisation_choices
from actors.services.persons import PERSON_FIELDS, AffiliationRow
from quartier import dates
from quartier.models import Quartier
from quartier.sorting import german


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    class Meta:
        formfield_callback = dates.formfield
        model = Person
        fields = list(PERSON_FIELDS)  # what the service takes, in the order the form shows it
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "key_person_note": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.RadioSelect,
            "consent_date": _date_input(),
            "interest_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "languages": _("For example: German, Turkish, Arabic"),
            "consent_date": _("Only with consent: the day it was given."),
            "consent_scope": _("For example: invitations to the neighbourhood conference"),
            "consent_how": _("For example: signed form, by email"),
            "interest_reason": _("Only with a legitimate interest: why the office may keep the data."),
        }

    #: The form's parts, each shown as a fieldset with this legend.
    GROUPS = (
        (_("Name and contact"), ("first_name", "last_name", "email", "phone", "address", "languages", "is_resident")),
        (_("Key person"), ("is_key_person", "key_person_note")),
        (
            _("Data protection"),
            ("legal_basis", "consent_date", "consent_scope", "consent_how", "interest_reason"),
        ),
    )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean_consent_date(self) -> object:
        date = self.cleaned_data.get("consent_date")
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("The date of the consent cannot be in the future."), code="future")
        return date

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        basis = cleaned.get("legal_basis")
        if basis == Person.LegalBasis.CONSENT and not cleaned.get("consent_date") and "consent_date" not in self.errors:
            self.add_error("consent_date", forms.ValidationError(_("Consent needs the date it was given."), "required"))
        if basis == Person.LegalBasis.LEGITIMATE_INTEREST and not (cleaned.get("interest_reason") or "").strip():
            self.add_error(
                "interest_reason", forms.ValidationError(_("A legitimate interest needs its reason."), "required")
            )
        return cleaned


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["organisation", "function", "start", "end"]
        widgets = {"start": _date_input(), "end": _date_input()}
        # An affiliation may have begun long before the office: the wider, historical range.
        field_classes = {"start": dates.HistoryDateField, "end": dates.HistoryDateField}

    def __init__(self, *args: object, area: Quartier, organisations: list[Choice], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The choices are read once for all rows (see PersonAffiliationFormSet), not once per row.
        organisation_picker(self.fields["organisation"], area=area, choices=organisations)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", forms.ValidationError(_("The end cannot be before the start."), "end_before_start"))
        return cleaned


class BasePersonAffiliationFormSet(BaseInlineFormSet):
    def __init__(self, *args: object, area: Quartier, **kwargs: object) -> None:
        self.area = area
        self.organisations = organisation_choices(area)
        kwargs.setdefault(
            "queryset", Affiliation.objects.select_related("organisation").order_by(*german("organisation__name"), "pk")
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, object]:
        return {**super().get_form_kwargs(index), "area": self.area, "organisations": self.organisations}

    def rows(self) -> list[AffiliationRow]:
        """The affiliations as the person should have them after saving (a valid formset only)."""
        rows = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            rows.append(
                AffiliationRow(
                    organisation=data["organisation"],
                    function=data.get("function", ""),
                    start=data.get("start"),
                    end=data.get("end"),
                    pk=form.instance.pk,
                )
            )
        return rows


PersonAffiliationFormSet = inlineformset_factory(
    Person,
    Affiliation,
    form=AffiliationForm,
    formset=BasePersonAffiliationFormSet,
    fields=["organisation", "function", "start", "end"],
    extra=1,
    can_delete=True,
    # A tampered form count must not make the server build thousands of forms (Django's default is 2,000).
    max_num=50,
    absolute_max=50,
    validate_max=True,
)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the personal data will be removed and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
