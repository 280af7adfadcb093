"""The office's forms for funds, applications, decisions and payments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Meeting
from committees.services.meetings import MEETING
from fonds.models import Fund, Payment, Receipt, Repayment
from fonds.services.funds import FUND_FIELDS
from quartier import dates
from quartier.forms import whole_number
from quartier.sorting import german
from quartier.text import SingleLineField


class FundForm(forms.ModelForm):
    criteria = forms.CharField(
        label=_("Eligibility checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One criterion per line."),
    )

    class Meta:
        model = Fund
        fields = list(FUND_FIELDS)  # what the service takes, in the order the form shows it
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"name": SingleLineField}  # one line: it is part of the applicants' mail subjects

    def __init__(self, *args: object, area: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(area=area).order_by(*german("name"))
        if self.instance.pk and not self.is_bound:
            self.initial["criteria"] = "\n".join(self.instance.criteria.values_list("text", flat=True))

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("criteria", "").splitlines() if line.strip()]


class QueryForm(forms.Form):
    question = forms.CharField(label=_("Question to the applicant"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("defer", _("Defer"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Approved amount (€)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("Empty: the requested amount."),
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        formfield_callback = dates.formfield
        fields = ["amount", "paid_on", "method"]
        localized_fields = ["amount"]  # a decimal comma, as the office writes amounts
        widgets = {"paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, period: tuple[date | None, date] | None = None, **kwargs: object) -> None:
        """``period``: the days the payment may be dated (``fonds.services.payments.payment_period``), shown
        beside the field; the service checks them."""
        super().__init__(*args, **kwargs)
        if period is not None:
            first, last = period
            widget = self.fields["paid_on"].widget
            widget.attrs["max"] = last.isoformat()
            if first is not None:
                widget.attrs["min"] = first.isoformat()
                self.fields["paid_on"].help_text = _("From %(first)s to %(last)s.") % {
                    "first": date_format(first, "SHORT_DATE_FORMAT"),
                    "last": date_format(last, "SHORT_DATE_FORMAT"),
                }
            else:
                self.fields["paid_on"].help_text = _("Until %(last)s.") % {
                    "last": date_format(last, "SHORT_DATE_FORMAT")
                }


class RepaymentForm(forms.ModelForm):
    class Meta:
        model = Repayment
        formfield_callback = dates.formfield
        fields = ["amount", "received_on"]
        localized_fields = ["amount"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def receipt_decisions(data: Mapping[str, str]) -> dict[int, tuple[bool, str]]:
    """The decisions on receipts a form sends: ``receipt-decision-<receipt id>`` ("anerkannt" or
    "nicht_anerkannt", the stored values) and ``receipt-reason-<receipt id>`` (the reason for a receipt not accepted).
    Receipts without a decision are left out; a made-up id or decision refuses the form."""
    decisions: dict[int, tuple[bool, str]] = {}
    for key, value in data.items():
        number = key.removeprefix("receipt-decision-")
        if number == key or not value:
            continue
        pk = whole_number(number)
        if pk is None:
            raise ValidationError(_("This receipt belongs to another application."), code="foreign_receipt")
        if value not in {Receipt.Decision.ACCEPTED, Receipt.Decision.DISALLOWED}:
            raise ValidationError(_("Choose whether the receipt is accepted or not."), code="unknown_decision")
        decisions[pk] = (value == Receipt.Decision.ACCEPTED, str(data.get(f"receipt-reason-{number}", ""))[:2000])
    return decisions


class RoundForm(forms.Form):
    deadline = dates.DateTimeField(
        label=_("Submission deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    meeting = forms.ModelChoiceField(
        label=_("Deciding meeting"), queryset=None, required=False, empty_label=_("none yet")
    )

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(committee_id=fund.committee_id, status__in=MEETING.sources("hold"))
            .select_related("committee")
            .order_by("starts_at")
        )
