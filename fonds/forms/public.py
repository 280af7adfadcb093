"""Forms of the public application: who applies, the project, the cost plan, attachments and the proof of use.

Amounts are typed the German way ("1.234,50", "120,50 €"); a plain "12.50" works too. Rows of the cost
plan and of the receipts are named ``line-<n>-…`` and ``receipt-<n>-…``: the page adds and removes them,
so there is no management form to keep in step.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from actors.models import TargetGroup
from fonds.models import CostLine
from fonds.uploads import ACCEPT, ACCEPT_IMAGES, CheckedFile, check_upload
from quartier import dates, reference
from quartier.models import FieldOfAction
from quartier.text import SingleLineField

MAX_ROWS = 50
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class EuroField(forms.DecimalField):
    """An amount in euros with two places, typed as people in Germany type it."""

    def __init__(self, *, label: object, positive: bool = False, **kwargs: Any) -> None:
        limit = Decimal("0.01") if positive else Decimal("0")
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Enter the amount in euros as a number, for example 120,50."),
                "min_value": _("An amount must be more than 0 €.") if positive else _("An amount cannot be negative."),
                "required": _("Enter the amount in euros."),
                "max_digits": _("This amount is too large."),
                "max_whole_digits": _("This amount is too large."),
                "max_decimal_places": _("Give the amount in euros and cents, with at most two places after the comma."),
            },
        )
        super().__init__(
            label=label,
            max_digits=12,
            decimal_places=2,
            min_value=limit,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "pub-money"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif THOUSANDS.match(value):  # "1.500" is fifteen hundred in German
                value = value.replace(".", "")
            if value.startswith("."):
                value = "0" + value
        return super().to_python(value)


class ApplicantForm(forms.Form):
    """Step 1: who applies. A new person (and organisation) is made from it; nobody is looked up."""

    first_name = SingleLineField(label=_("first name"), max_length=100, required=False)
    last_name = SingleLineField(
        label=_("last name"),
        max_length=100,
        error_messages={"required": _("Please enter your last name.")},
    )
    organisation = SingleLineField(
        label=_("Initiative, association or organisation"),
        max_length=200,
        required=False,
        help_text=_("Only if you apply for a group. Leave empty if you apply as a private person."),
    )
    email = forms.EmailField(
        label=_("email address"),
        max_length=254,
        help_text=_("We send you a private link to your application to this address."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, for example name@example.org."),
        },
    )
    phone = SingleLineField(
        label=_("Phone (optional)"),
        max_length=50,
        required=False,
        help_text=_("So that the neighbourhood office can call you back with questions."),
    )
    street = SingleLineField(
        label=_("Street and number (optional)"),
        max_length=150,
        required=False,
        help_text=_("Your postal address, so that our letters (the decision on your application) reach you by post."),
    )
    postcode = SingleLineField(label=_("Postcode"), max_length=5, required=False)
    city = SingleLineField(label=_("Town"), max_length=80, required=False)
    is_resident = forms.BooleanField(label=_("I live in the area."), required=False)
    age_confirmed = forms.BooleanField(
        label=_("I am at least 16 years old."),
        error_messages={"required": _("You must be at least 16 years old to apply. Please confirm your age.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"

    def clean(self) -> dict[str, Any]:
        """A postal address is optional, but whole: street, postcode and town, or none of them."""
        cleaned = super().clean() or {}
        parts = {name: cleaned.get(name) or "" for name in ("street", "postcode", "city")}
        if any(parts.values()):
            messages = {
                "street": _("Please enter your street and house number, or leave the whole address empty."),
                "postcode": _("Please enter your postcode, or leave the whole address empty."),
                "city": _("Please enter your town, or leave the whole address empty."),
            }
            for name, value in parts.items():
                if not value and name not in self.errors:
                    self.add_error(name, messages[name])
            if parts["postcode"] and not re.fullmatch(r"[0-9]{5}", parts["postcode"]):
                self.add_error("postcode", _("Please enter a postcode of five digits, for example 12345."))
        return cleaned


class ProjectForm(forms.Form):
    """Step 2: the project."""

    title = SingleLineField(
        label=_("Title of your project"),
        max_length=200,
        help_text=format_lazy(
            "{} {}",
            _("A short name, for example “Summer party in the courtyard”."),
            _("It is published with the committee's decision: please do not put your name in it."),
        ),
        error_messages={"required": _("Please give your project a title.")},
    )
    description = forms.CharField(
        label=_("What do you plan to do?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please describe your project.")},
    )
    goals = forms.CharField(
        label=_("What should the project achieve in the neighbourhood?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    place = SingleLineField(label=_("Where does it take place?"), max_length=200, required=False)
    start = dates.DateField(label=_("start"), required=False, widget=DATE, input_formats=DATE_FORMATS)
    end = dates.DateField(label=_("end"), required=False, widget=DATE, input_formats=DATE_FORMATS)
    expected_participants = forms.IntegerField(
        label=_("How many people do you expect?"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a whole number, for example 40.")},
    )
    volunteer_contribution = forms.CharField(
        label=_("What do you and others do as volunteers?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    fields_of_action = forms.ModelMultipleChoiceField(
        label=_("Which topics does the project concern?"),
        queryset=FieldOfAction.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Who is the project for?"),
        queryset=TargetGroup.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("fields_of_action", "target_groups"):  # in the resident's language
            self.fields[name].label_from_instance = reference.label_of  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class CostLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of cost"), choices=CostLine.Category.choices)
    description = SingleLineField(
        label=_("What for?"),
        max_length=200,
        error_messages={"required": _("Say what this amount is for.")},
    )
    amount = EuroField(label=_("amount (€)"), positive=True)

    def is_blank(self) -> bool:
        return not (
            self.data.get(self.add_prefix("description"), "").strip()
            or self.data.get(self.add_prefix("amount"), "").strip()
        )


class CostForm(forms.Form):
    """Step 3 without its lines: the money that does not come from the fund."""

    own_contribution = EuroField(
        label=_("Own money (€)"),
        required=False,
        help_text=_("Money you or your group put in yourselves."),
    )
    other_funding = EuroField(
        label=_("Other funding (€)"),
        required=False,
        help_text=_("Money from others, for example donations or another fund."),
    )

    def clean_own_contribution(self) -> Decimal:
        return self.cleaned_data.get("own_contribution") or Decimal("0")

    def clean_other_funding(self) -> Decimal:
        return self.cleaned_data.get("other_funding") or Decimal("0")


def row_numbers(data: QueryDict | dict[str, Any], prefix: str) -> list[int]:
    """The row numbers present in ``data`` for rows named ``<prefix>-<n>-…`` (at most 50)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,3}})-")
    numbers = sorted({int(match.group(1)) for key in data if (match := pattern.match(key))})
    return numbers[:MAX_ROWS]


def line_forms(data: QueryDict | None, *, count: int = 0) -> list[CostLineForm]:
    """The cost plan's rows from ``data`` (bound), or ``count`` empty rows."""
    if data is None:
        return [CostLineForm(prefix=f"line-{n}") for n in range(count)]
    return [CostLineForm(data, prefix=f"line-{n}") for n in row_numbers(data, "line")]


def line_rows(data: QueryDict) -> list[dict[str, str]]:
    """The raw values of the cost plan's rows, to show them again after a row was added or removed."""
    return [
        {name: data.get(f"line-{n}-{name}", "") for name in ("category", "description", "amount")}
        for n in row_numbers(data, "line")
    ]


def unbound_line_forms(rows: list[dict[str, str]]) -> list[CostLineForm]:
    """Rows shown with the values typed so far, without errors (after "add" or "remove")."""
    return [CostLineForm(prefix=f"line-{n}", initial=row) for n, row in enumerate(rows)]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Please choose a file."), "empty": _("The file is empty.")},
    )

    def clean_file(self) -> CheckedFile:
        return check_upload(self.cleaned_data["file"])


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos (or none)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_IMAGES, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(super().clean(upload, initial), images_only=True))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class ReceiptForm(forms.Form):
    date = dates.DateField(
        label=_("date"),
        widget=DATE,
        input_formats=DATE_FORMATS,
        error_messages={"required": _("Enter the date of the receipt.")},
    )
    vendor = SingleLineField(
        label=_("Shop or company"),
        max_length=200,
        error_messages={"required": _("Enter where you paid.")},
    )
    amount = EuroField(label=_("amount (€)"), positive=True)
    scan = forms.FileField(
        label=_("Scan or photo of the receipt (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def clean_scan(self) -> CheckedFile | None:
        upload = self.cleaned_data.get("scan")
        return check_upload(upload) if upload else None

    def is_blank(self) -> bool:
        values = [self.data.get(self.add_prefix(name), "").strip() for name in ("date", "vendor", "amount")]
        return not any(values) and not self.files.get(self.add_prefix("scan"))


def receipt_forms(data: QueryDict | None, files: Any = None, *, count: int = 3) -> list[ReceiptForm]:
    if data is None:
        return [ReceiptForm(prefix=f"receipt-{n}") for n in range(count)]
    numbers = sorted(set(row_numbers(data, "receipt")) | set(row_numbers(files or {}, "receipt")))[:MAX_ROWS]
    return [ReceiptForm(data, files, prefix=f"receipt-{n}") for n in numbers]


class ProofForm(forms.Form):
    report = forms.CharField(
        label=_("What happened? A short report"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe in a few words what happened.")},
    )
    participants = forms.IntegerField(
        label=_("How many people took part?"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a whole number, for example 40.")},
    )
    photos = PhotosField(
        label=_("Photos (optional)"), required=False, help_text=_("PNG, JPEG or WebP, at most 10 MB each.")
    )


class AnswerForm(forms.Form):
    """The applicant's answer to the office's question, with a file if they want to upload one again."""

    answer = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your answer to the question.")},
    )
    file = forms.FileField(
        label=_("A file (optional)"),
        help_text=_("PDF, PNG, JPEG or WebP, at most 10 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": _("The file is empty.")},
    )

    def clean_answer(self) -> str:
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Write your answer to the question."), code="required")
        return answer

    def clean_file(self) -> CheckedFile | None:
        upload = self.cleaned_data.get("file")
        return check_upload(upload) if upload else None
