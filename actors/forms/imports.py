from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.imports import KIND_LABELS, MAX_BYTES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=list(KIND_LABELS.items()), widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
