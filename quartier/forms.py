from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quartier.auth import login_failures_forget
from quartier.models import Quartier


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Username/email address or password is wrong. Please try again."),
        "inactive": _("This account is deactivated."),
    }


class NewPasswordForm(SetPasswordForm):
    """The new password set through a mailed link: it also clears the login throttle's count of the account,
    which the lockout page sends there (the guesses were at the old password)."""

    def save(self, commit: bool = True):  # type: ignore[no-untyped-def]
        user = super().save(commit=commit)
        if commit:
            login_failures_forget(user)
        return user


class QuartierProfileForm(forms.ModelForm):
    class Meta:
        model = Quartier
        fields = [
            "name",
            "municipality",
            "programme",
            "funding_start",
            "funding_end",
            "office_address",
            "opening_hours",
            "description",
        ]
        widgets = {
            "office_address": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        start, end = cleaned.get("funding_start"), cleaned.get("funding_end")
        if start is not None and end is not None and end < start:
            self.add_error("funding_end", _("The funding period cannot end before it starts."))
        return cleaned


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form that was sent: at its field where it names one the form has, else
    above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app (or, where offered, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: object, app_only: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if app_only:
            self.fields["code"].label = _("Six-digit code from your app")
            self.fields["code"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
        else:
            self.fields["code"].help_text = _("The six-digit code from your app, or one of your recovery codes.")


def whole_number(value: object) -> int | None:
    """``value`` (a key sent in a form or a query string) as a whole number, or None when it is none.

    Only the digits 0-9 and at most 18 of them: ``str.isdigit`` also takes "²" or "①", which ``int()``
    refuses, as it refuses a number of thousands of digits; both were server errors where a view checked
    with ``isdigit`` and then looked the key up."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
