"""The request form of the annual report (a new version; Steuerung releases one as the final report)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The office's own words at the start of the report."),
    )
    outlook = forms.CharField(
        label=_("Outlook"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What comes next year; at the end of the report."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].validators[-1:] = []  # the max is checked below, with today's year

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Choose a year up to the current one."))
        return year
