"""Forms of the ISEK pages. Amounts are typed the German way ("1.234,50"), as in the funds' forms."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.forms.pickers import organisation_picker
from actors.models import Concern
from actors.selectors.pickers import organisation_choices
from committees.models import AgendaItem
from fonds.forms.public import DATE, DATE_FORMATS, EuroField
from fonds.models import Application
from isek.models import Goal, Indicator, Measure, Source, Version
from isek.services import YearPlan, split_urban_funding
from quartier import dates
from quartier.forms import choices_from_reference
from quartier.models import Role
from quartier.permissions import CHANGE_ISEK


class VersionForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200, help_text=_("For example: ISEK 2024, update 2026"))


class AdoptForm(forms.Form):
    adopted_on = dates.DateField(label=_("Adopted on"), widget=DATE, input_formats=DATE_FORMATS)
    adopted_by = forms.CharField(label=_("Adopted by (body)"), max_length=200)

    def clean_adopted_on(self) -> datetime.date:
        value = self.cleaned_data["adopted_on"]
        if value > timezone.localdate():
            raise ValidationError(_("A version cannot be adopted in the future."))
        return value


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "parent", "field_of_action", "position"]
        labels = {"parent": _("Under the overall goal")}
        help_texts = {"parent": _("Empty: this is an overall goal (Leitziel).")}

    def __init__(self, *args: Any, version: Version, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Goal.objects.filter(version=version, parent__isnull=True).order_by("position", "pk")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("none (overall goal)")
        self.fields["position"].required = False

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


class MeasureForm(forms.ModelForm):
    start = dates.DateField(label=_("start"), required=False, widget=DATE, input_formats=DATE_FORMATS)
    end = dates.DateField(label=_("end"), required=False, widget=DATE, input_formats=DATE_FORMATS)

    class Meta:
        model = Measure
        fields = [
            "number", "title", "description", "kind", "responsible_role", "status", "priority", "start", "end",
            "place", "fields_of_action", "goals", "lead_organisation", "partners", "concerns", "applications",
            "decisions",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
        }
        help_texts = {"priority": _("1 is the highest.")}

    LINKS = ("fields_of_action", "goals", "partners", "concerns", "applications", "decisions")

    def __init__(self, *args: Any, version: Version, perms: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_from_reference(self)
        area = version.area_id
        choices = organisation_choices(area)  # read once for both pickers
        organisation_picker(self.fields["lead_organisation"], area=version.area, choices=choices)
        organisation_picker(self.fields["partners"], area=version.area, choices=choices)
        self.fields["goals"].queryset = (
            Goal.objects.filter(version=version, parent__isnull=False).select_related("parent").order_by("position")
        )
        self.fields["concerns"].queryset = Concern.objects.filter(area_id=area).order_by("-raised_on")
        self.fields["applications"].queryset = (
            Application.objects.filter(area_id=area).select_related("fund").order_by("-created_at")
        )
        self.fields["decisions"].queryset = (
            AgendaItem.objects.filter(meeting__committee__area_id=area)
            .exclude(result="")
            .select_related("meeting__committee")
            .order_by("-meeting__starts_at")
        )
        self.fields["decisions"].label_from_instance = lambda item: (
            f"{item.meeting.committee.name}, {item.meeting.starts_at:%d.%m.%Y}: {item.title}"
        )
        self.fields["applications"].label_from_instance = lambda application: (
            f"{application.title} ({application.fund.name} {application.fund.year})"
        )
        if CHANGE_ISEK not in perms:
            # The office writes only the non-investive measures it is responsible for.
            self.fields["kind"].choices = [(Measure.Kind.SOCIAL.value, Measure.Kind.SOCIAL.label)]
            self.fields["responsible_role"].choices = [(Role.GEMEINWESENARBEIT.value, Role.GEMEINWESENARBEIT.label)]

    def data_and_links(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.LINKS}
        links = {name: self.cleaned_data[name] for name in self.LINKS}
        return data, links

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned

    def validate_unique(self) -> None:
        """The service checks the number (with a message that names it)."""


class ProgressNoteForm(forms.Form):
    date = dates.DateField(label=_("date"), widget=DATE, input_formats=DATE_FORMATS, initial=datetime.date.today)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MilestoneForm(forms.Form):
    date = dates.DateField(label=_("date"), widget=DATE, input_formats=DATE_FORMATS)
    title = forms.CharField(label=_("Milestone"), max_length=200)


class SpendingForm(forms.Form):
    date = dates.DateField(label=_("date"), widget=DATE, input_formats=DATE_FORMATS, initial=datetime.date.today)
    amount = EuroField(label=_("Amount (€)"), positive=True)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("Money spent cannot be dated in the future."))
        return value


URBAN = (Source.FEDERAL, Source.STATE, Source.MUNICIPAL)


def source_field(source: Source) -> str:
    """The plan form's field for a source of money: the member's English name; the stored value stays as it is."""
    return source.name.lower()


class YearPlanForm(forms.Form):
    """One year of the cost and financing plan. The urban development funding can be given as a whole; it is
    then split in thirds for federal, state and municipality unless those are filled in."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    cost = EuroField(label=_("Planned cost (€)"), required=False)
    urban = EuroField(
        label=_("Urban development funding in total (€)"),
        required=False,
        help_text=_("Split in thirds unless federal, state and municipality are filled in."),
    )
    federal = EuroField(label=_("Federal (€)"), required=False)
    state = EuroField(label=_("State (€)"), required=False)
    municipal = EuroField(label=_("Municipality (€)"), required=False)
    other_programme = EuroField(label=_("Other programmes (€)"), required=False)
    third_party = EuroField(label=_("Third parties (€)"), required=False)
    private = EuroField(label=_("Private (€)"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        urban = cleaned.get("urban")
        parts = [cleaned.get(source_field(source)) for source in URBAN]
        if urban is not None and any(part is not None for part in parts):
            given = sum((part or Decimal(0) for part in parts), Decimal(0))
            if given != urban:
                raise ValidationError(
                    _("Federal, state and municipality add up to %(given)s €, not to the total of %(total)s €.")
                    % {"given": given, "total": urban}
                )
        return cleaned

    def plan(self) -> YearPlan:
        data = self.cleaned_data
        financing = {source.value: data.get(source_field(source)) or Decimal(0) for source in Source}
        if data.get("urban") is not None and not any(data.get(source_field(source)) is not None for source in URBAN):
            financing.update(split_urban_funding(data["urban"]))
        return YearPlan(year=data["year"], cost=data.get("cost") or Decimal(0), financing=financing)


class BaseYearPlanFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        years = [form.cleaned_data["year"] for form in self.forms if form.cleaned_data.get("year")]
        twice = sorted({year for year in years if years.count(year) > 1})
        if twice:
            raise ValidationError(
                _("Each year only once: %(years)s appears twice.") % {"years": ", ".join(map(str, twice))}
            )

    def plans(self) -> list[YearPlan]:
        return [form.plan() for form in self.forms if form.cleaned_data.get("year")]


YearPlanFormSet = forms.formset_factory(YearPlanForm, formset=BaseYearPlanFormSet, extra=2, max_num=60)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name", "unit", "source", "field_of_action", "direction", "baseline_year", "baseline", "target_year",
            "target", "goals",
        ]  # fmt: skip
        widgets = {"goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, version: Version, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.filter(version=version).order_by("position", "pk")
        for name in ("baseline", "target"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("baseline_year"), cleaned.get("target_year")
        if first and last and last < first:
            self.add_error("target_year", _("The target year cannot be before the baseline year."))
        return cleaned


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, localize=True)
