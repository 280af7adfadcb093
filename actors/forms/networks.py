from __future__ import annotations

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from actors.forms.pickers import organisation_picker, person_picker
from actors.models import Network, NetworkMembership, Organisation, Person
from actors.selectors.networks import member_choices
from actors.services.networks import DOUBLE_MEMBER, MemberRow, overlapping_rows
from quartier import dates
from quartier.forms import QuickFilterForm, ReferenceChoiceField, choices_from_reference
from quartier.models import FieldOfAction, Quartier
from quartier.reference import fields_of_action

# The same words as the database constraints use (actors.models), shown at the field that needs changing.
ONE_MEMBER = _("A member is either an organisation or a person.")
END_BEFORE_START = _("The end cannot be before the start.")


class PictureFilterForm(QuickFilterForm):
    """The one filter of the network picture."""

    field_of_action = ReferenceChoiceField(
        reference=fields_of_action, label=_("Field of action"), queryset=FieldOfAction.objects.all()
    )

    def chosen_field_of_action(self) -> FieldOfAction | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["field_of_action"]


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = ["name", "kind", "purpose", "fields_of_action", "rhythm", "lead_organisation"]
        widgets = {
            "fields_of_action": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"rhythm": _("For example: every first Tuesday of the month, 17:00")}

    def __init__(self, *args: object, area: Quartier, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices_from_reference(self)
        organisation_picker(self.fields["lead_organisation"], area=area)


class MembershipForm(forms.ModelForm):
    """One member row: an organisation or a person of this area, with an optional period."""

    class Meta:
        model = NetworkMembership
        fields = ["organisation", "person", "start", "end"]
        # A membership may have begun long before the office: the wider, historical range.
        field_classes = {"start": dates.HistoryDateField, "end": dates.HistoryDateField}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(
        self,
        *args: object,
        area: Quartier,
        choices: tuple[list[tuple[int, str]], list[tuple[int, str]]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisations, persons = choices
        organisation, person = self.fields["organisation"], self.fields["person"]
        organisation.queryset = Organisation.objects.filter(area=area)
        person.queryset = Person.objects.filter(area=area, erased_at__isnull=True)
        if self.instance.pk:
            # An existing member stays who it is (the page shows the name); to replace it, delete the row and add
            # another. This also keeps the form small: no list of every organisation and person per member.
            for field in (organisation, person):
                field.disabled = True
                field.widget = forms.HiddenInput()
        else:
            # The options come from one query for the whole formset (a queryset would ask once per row).
            organisation.empty_label = person.empty_label = "–"
            organisation_picker(organisation, area=area, choices=organisations)
            person_picker(person, area=area, choices=persons)
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d.%m.%Y"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        has_organisation = cleaned.get("organisation") is not None
        has_person = cleaned.get("person") is not None
        if has_organisation == has_person and not self.has_error("organisation") and not self.has_error("person"):
            self.add_error("organisation", ONE_MEMBER)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", END_BEFORE_START)
        return cleaned

    @property
    def member(self) -> Organisation | Person | None:
        """The member of an existing row."""
        return self.instance.organisation or self.instance.person if self.instance.pk else None

    def to_row(self) -> MemberRow:
        data = self.cleaned_data
        return MemberRow(
            organisation=data.get("organisation"),
            person=data.get("person"),
            start=data.get("start"),
            end=data.get("end"),
            membership=self.instance if self.instance.pk else None,
        )


class BaseMembershipFormSet(BaseInlineFormSet):
    def __init__(self, *args: object, area: Quartier, **kwargs: object) -> None:
        self.area = area
        self.member_choices = member_choices(area)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, object]:
        return {**super().get_form_kwargs(index), "area": self.area, "choices": self.member_choices}

    def kept_forms(self) -> list[MembershipForm]:
        """The filled rows not marked for removal (after validation)."""
        return [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms if not self._should_delete_form(form)):
            return
        forms_ = self.kept_forms()
        for index in overlapping_rows([form.to_row() for form in forms_]):
            # The row's error makes the formset invalid (is_valid asks every form again). An existing member's
            # fields are hidden: its error goes to the row as a whole.
            form = forms_[index]
            if form.instance.pk:
                form.add_error(None, DOUBLE_MEMBER)
            else:
                form.add_error("person" if form.cleaned_data.get("person") else "organisation", DOUBLE_MEMBER)

    def rows(self) -> list[MemberRow]:
        return [form.to_row() for form in self.kept_forms()]


MembershipFormSet = inlineformset_factory(
    Network,
    NetworkMembership,
    form=MembershipForm,
    formset=BaseMembershipFormSet,
    fields=["organisation", "person", "start", "end"],
    extra=3,
    can_delete=True,
    # A tampered form count must not make the server build thousands of forms (Django's default is 2,000).
    max_num=300,
    absolute_max=300,
    validate_max=True,
)
