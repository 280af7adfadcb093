from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Network, Organisation, TargetGroup
from actors.selectors.organisations import OrganisationFilter, organisations_named_like
from quartier.forms import OneQueryChoiceField, QuickFilterForm, ReferenceChoiceField
from quartier.models import FieldOfAction, Quartier
from quartier.reference import fields_of_action, target_groups


class OrganisationFilterForm(QuickFilterForm):
    """The search and filters above the organisation list (a GET form; German parameter names)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    art = forms.ChoiceField(label=_("Kind"), required=False)
    handlungsfeld = ReferenceChoiceField(
        reference=fields_of_action, label=_("Field of action"), queryset=FieldOfAction.objects.all()
    )
    zielgruppe = ReferenceChoiceField(
        reference=target_groups, label=_("Target group"), queryset=TargetGroup.objects.all()
    )
    netzwerk = OneQueryChoiceField(
        label=_("Network"), queryset=Network.objects.none(), required=False, empty_label=_("all")
    )
    lage = forms.ChoiceField(
        label=_("Location"),
        required=False,
        choices=[("", _("all")), ("innen", _("inside the area")), ("aussen", _("outside the area"))],
    )
    inaktive = forms.BooleanField(label=_("Include inactive organisations"), required=False)

    def __init__(self, *args: object, area: Quartier, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["art"].choices = [("", _("all")), *Organisation.Kind.choices]
        self.fields["netzwerk"].queryset = Network.objects.filter(quartier=area).order_by("name")

    def to_filter(self) -> OrganisationFilter:
        """The filter for the valid parameters; an invalid one is ignored rather than failing the list."""
        if not self.is_bound:
            return OrganisationFilter()
        self.is_valid()
        data = self.cleaned_data  # holds only the fields that were valid
        location = data.get("lage", "")
        return OrganisationFilter(
            q=data.get("q", ""),
            kind=data.get("art", ""),
            field_of_action=data["handlungsfeld"].pk if data.get("handlungsfeld") else None,
            target_group=data["zielgruppe"].pk if data.get("zielgruppe") else None,
            network=data["netzwerk"].pk if data.get("netzwerk") else None,
            inside_area={"innen": True, "aussen": False}.get(location),
            active_only=not data.get("inaktive", False),
        )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, this is a different organisation with the same name"), required=False
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "fields_of_action",
            "target_groups",
            "street",
            "postcode",
            "city",
            "inside_area",
            "email",
            "phone",
            "website",
            "description",
            "active",
        ]
        widgets = {
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: object, area: Quartier, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.duplicates: list[Organisation] = []
        if not self.is_bound or not self.data.get("name"):
            self.fields.pop("confirm_duplicate")

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (postcode.isdigit() and len(postcode) == 5):
            raise forms.ValidationError(_("A German postcode has five digits."))
        return postcode

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            self.duplicates = list(organisations_named_like(self.area, name, exclude_pk=self.instance.pk)[:5])
            if self.duplicates and not cleaned.get("confirm_duplicate"):
                self.add_error(
                    "name",
                    _(
                        "This area already has an organisation with this name. Open it below, or confirm "
                        "that this is a different one."
                    ),
                )
        return cleaned
