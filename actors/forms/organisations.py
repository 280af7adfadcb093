from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation
from actors.selectors.organisations import organisations_named_like
from quartier.forms import choices_from_reference
from quartier.models import Quartier


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
        choices_from_reference(self)
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
