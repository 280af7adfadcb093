from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from actors.models import TargetGroup
from quartier import reference
from quartier.auth import login_failures_forget
from quartier.display import HtmlPattern, escape_text, joined
from quartier.models import FieldOfAction, LegalKind, LegalText, Quartier

# --- Filter bars: widgets written without templates -------------------------------------------------------------


def _text(value: Any) -> str:
    """``conditional_escape(localize(value))``, without Django's checks for lazy strings around each call: a filter
    bar writes hundreds of them. (``html.escape`` writes what Django's ``escape`` writes.)"""
    if type(value) is str:
        return escape_text(value)
    if isinstance(value, Promise):  # a translated label: localize leaves it, conditional_escape turns it into text
        value = str(value)
        return value if isinstance(value, SafeData) else escape_text(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape_text(str(localize(value)))


def _attributes(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, `` name`` for True, nothing for False."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{escape_text(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A ``Select`` that writes the markup of Django's ``select.html`` and ``select_option.html`` itself
    (tests/test_quick_widgets.py compares the two), without rendering a template and two includes per option:
    so written, the four filters above the measures were a sixth of the measures page's time. The form renderer
    is not used."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        # The choices are walked here as ``Select.optgroups`` walks them, without a dictionary per option
        # (``create_option``): the first option whose value is chosen is selected, a top-level ``None`` is "".
        chosen = self.format_value(value)
        parts = [f'<select name="{_text(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False

        def option(subvalue: Any, sublabel: Any) -> None:
            nonlocal has_selected
            text = str(subvalue)
            if not has_selected and text in chosen:
                has_selected = True
                parts.append(f'\n  <option value="{escape_text(text)}" selected>{_text(sublabel)}</option>\n')
            else:  # the template ends in a newline
                parts.append(f'\n  <option value="{escape_text(text)}">{_text(sublabel)}</option>\n')

        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{_text(option_value)}">')
                for subvalue, sublabel in option_label:
                    option(subvalue, sublabel)
                parts.append("\n  </optgroup>")
            else:
                option("" if option_value is None else option_value, option_label)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # every value escaped above  # nosec B308, B703


class QuickInputMixin:
    """An ``Input`` widget (text, search, date, checkbox …) that writes the markup of Django's ``input.html``
    itself, without rendering templates (tests/test_quick_widgets.py compares the two)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else f' value="{_text(str(widget["value"]))}"'
        html = f'<input type="{_text(widget["type"])}" name="{_text(name)}"{shown}'
        return mark_safe(f"{html}{_attributes(widget['attrs'])}>")  # noqa: S308  # escaped above  # nosec B308, B703


_QUICK_INPUTS: dict[type, type] = {}


def quick_widget(widget: forms.Widget) -> forms.Widget:
    """``widget`` written without templates where a quick class writes the same markup: a plain ``Select``
    and the plain inputs; any other widget is left as it is."""
    kind = type(widget)
    if kind is forms.Select:
        widget.__class__ = QuickSelect
    elif issubclass(kind, forms.widgets.Input) and kind.template_name in {
        "django/forms/widgets/text.html",
        "django/forms/widgets/search.html",
        "django/forms/widgets/date.html",
        "django/forms/widgets/number.html",
        "django/forms/widgets/checkbox.html",
    }:
        if kind not in _QUICK_INPUTS:
            _QUICK_INPUTS[kind] = type(f"Quick{kind.__name__}", (QuickInputMixin, kind), {})
        widget.__class__ = _QUICK_INPUTS[kind]
    return widget


@dataclass(frozen=True)
class BarField:
    """A field of a filter bar as ``QuickFilterForm.bar`` writes it: every text worked out in Python once,
    instead of a template asking a bound field for each of them."""

    name: str
    id: str
    label: str
    widget: SafeString
    checkbox: bool  # the box comes before its label
    help_text: str
    value: str  # what the field holds, as text (the search box's words)

    @property
    def placed(self) -> dict[str, str]:
        """What the bar's pattern of a filter takes."""
        return {"id": self.id, "label": self.label, "widget": self.widget}


#: A filter of the bar (``QuickFilterForm.filters_html``).
_BAR_CHECKBOX = HtmlPattern(
    '\n      <div class="field field--checkbox">{widget} <label for="{id}">{label}</label></div>\n      '
)
_BAR_FIELD = HtmlPattern(
    '\n      <div class="field">\n        <label for="{id}">{label}</label>\n        {widget}\n      </div>\n      '
)


#: The search and filter bar (``QuickFilterForm.bar``).
_BAR = HtmlPattern(
    '<form class="filters" method="get" action="{action}" role="search"\n'
    '      hx-get="{action}" hx-target="{target}" hx-replace-url="true"\n'
    '      hx-trigger="input changed delay:300ms from:input[name=q], change from:select, change from:input[type=date],'
    ' change from:input[type=checkbox], submit">\n'
    '  {kept}<div class="field field--search">\n'
    '    <label for="{search_id}">{search_label}</label>\n'
    "    {search_help}\n"
    '    <input type="search" name="q" id="{search_id}" value="{search_value}" autocomplete="off"{described}>\n'
    "  </div>\n"
    "  {opening}\n"
    '    <div class="filters__fields">\n'
    "      {filters}\n"
    "    </div>\n"
    "  {closing}\n"
    '  <div class="actions"><button type="submit" class="button">{button}</button></div>\n'
    "</form>\n"
)
_BAR_KEPT = HtmlPattern('<input type="hidden" name="{name}" value="{value}">\n  ')
_BAR_HELP = HtmlPattern('<p class="help" id="{id}_helptext">{text}</p>')
_BAR_DESCRIBED = HtmlPattern(' aria-describedby="{id}_helptext"')
_BAR_FOLDED = HtmlPattern('<details class="filters__more"{open}>\n    <summary>{label}</summary>')
_OPEN = SafeString(" open")


class QuickFilterForm(forms.Form):
    """The base of a search and filter bar above a list: each field's widget written without templates
    (``quick_widget``), so a bar costs little on every request of its list. ``search`` is the search box
    (the field ``q``), ``filters`` the others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            quick_widget(field.widget)

    @cached_property
    def _bar(self) -> list[BarField]:
        fields = []
        for bound in self:
            value = bound.value()
            fields.append(
                BarField(
                    name=bound.name,
                    id=bound.id_for_label,
                    label=str(bound.label),
                    widget=bound.as_widget() if bound.name != "q" else SafeString(""),
                    checkbox=getattr(bound.field.widget, "input_type", None) == "checkbox",
                    help_text=str(bound.help_text or ""),
                    value="" if value is None else str(value),
                )
            )
        return fields

    @property
    def search(self) -> BarField | None:
        return next((field for field in self._bar if field.name == "q"), None)

    @property
    def filters(self) -> list[BarField]:
        return [field for field in self._bar if field.name != "q"]

    @cached_property
    def filters_html(self) -> SafeString:
        """The filters (``filters``) as the bar (``bar``) places them, each a ``div.field``."""
        return joined((_BAR_CHECKBOX if field.checkbox else _BAR_FIELD)(**field.placed) for field in self.filters)

    def bar(
        self, *, action: str, target: str, keep: Iterable[tuple[str, object]] = (), collapse: bool = False
    ) -> SafeString:
        """The search and filter bar above a list (``{% filter_bar %}``), written in Python as it stands above every
        list: the search box (``search``), the other fields (``filters_html``), ``keep`` (pairs of name and value
        the list keeps as they are: hidden inputs, the version of a plan, the sort order). Typing searches after a
        pause, a changed filter applies at once (htmx swaps ``target`` and keeps the URL in step); without
        JavaScript it is a plain GET form to ``action``. ``collapse`` folds the filters away on small screens."""
        search = self.search
        search_id, help_text = (search.id, search.help_text) if search is not None else ("", "")
        return _BAR(
            action=action,
            target=target or "#results",
            kept=joined(_BAR_KEPT(name=name, value=value) for name, value in keep),
            search_id=search_id,
            search_label=search.label if search is not None else "",
            search_help=_BAR_HELP(id=search_id, text=help_text) if help_text else "",
            search_value=search.value if search is not None else "",
            described=_BAR_DESCRIBED(id=search_id) if help_text else "",
            opening=_BAR_FOLDED(open=_OPEN if self.narrowed else "", label=_("Filters")) if collapse else "",
            filters=self.filters_html,
            closing=SafeString("</details>") if collapse else "",
            button=_("Filter"),
        )

    @property
    def narrowed(self) -> bool:
        """Whether a filter (not the search box) is set: the bar shows its filters unfolded then."""
        return any(self.data.get(name) for name in self.fields if name != "q")


class _ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """The choices read by a plain query: ``ModelChoiceIterator`` reads them through a server-side cursor
    (DECLARE, FETCH and CLOSE, three round trips to the database for six fields of action)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class OneQueryChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose options are read in one plain query."""

    iterator = _ChoicesInOneQuery


class _ReferenceChoices(forms.models.ModelChoiceIterator):
    """The choices from the cached reference data (``quartier.reference``): no query."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.reference():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.reference()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.reference())


#: The reference data a form's choices can come from instead of a query (``quartier.reference``), by model.
REFERENCE_CHOICES: dict[type[Model], Callable[[], list[Any]]] = {
    FieldOfAction: reference.fields_of_action,
    TargetGroup: reference.target_groups,
}


def choices_from_reference(form: forms.BaseForm) -> None:
    """Let the form's fields that offer every field of action or every target group (as a model form makes them)
    show their options from the cached reference data instead of a query each. Checking a choice that was sent
    still asks the database, as for any model choice."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        source = REFERENCE_CHOICES.get(queryset.model) if queryset is not None else None
        if source is not None and not queryset.query.where:  # every row: the reference holds them all
            field.reference = source  # type: ignore[attr-defined]
            field.iterator = _ReferenceChoices  # type: ignore[attr-defined]
            field.widget.choices = field.choices  # the widget took its choices when the queryset was set


class ReferenceChoiceField(forms.ModelChoiceField):
    """An optional filter by a field of action or a target group: its options and the chosen one come from the
    cached reference data (``reference``: ``quartier.reference.fields_of_action`` or ``target_groups``), so
    neither showing nor using the filter asks the database. ``queryset`` names the model, as for any
    ``ModelChoiceField``."""

    iterator = _ReferenceChoices

    def __init__(self, *, reference: Callable[[], list[Model]], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("all"))
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(**kwargs)
        self.reference = reference

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        for obj in self.reference():
            if str(obj.pk) == str(value):
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


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


class AreaProfileForm(forms.ModelForm):
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
            "office_email",
            "office_phone",
            "description",
        ]
        widgets = {
            "office_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "office_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
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


def _legal_field(name: str) -> Any:
    return LegalText._meta.get_field(name)


class LegalTextForm(forms.Form):
    """An area's own legal text: its kind (only when it is made), the text, and the feedback address an
    accessibility statement needs. Plain text; the service checks the model's rules once more."""

    kind = forms.ChoiceField(label=_legal_field("kind").verbose_name, choices=LegalKind.choices)
    text = forms.CharField(
        label=_legal_field("text").verbose_name,
        help_text=_legal_field("text").help_text,
        max_length=LegalText.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    feedback_email = forms.EmailField(
        label=_legal_field("feedback_email").verbose_name,
        help_text=_legal_field("feedback_email").help_text,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        """``kind``: the kind of the text being changed (the field is left out); None for a new text."""
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind is not None:
            del self.fields["kind"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = self.kind or cleaned.get("kind")
        if (
            kind == LegalKind.ACCESSIBILITY
            and not cleaned.get("feedback_email")
            and "feedback_email" not in self.errors
        ):
            self.add_error(
                "feedback_email",
                _("An accessibility statement needs an address where people can report barriers (BITV 2.0 § 7)."),
            )
        return cleaned


def attach_errors(form: forms.Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's refusal on the form that was sent: each message at its field where the refusal names one
    the form has, else at ``field`` (None: above the form); the messages keep their codes."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)


def refusal_text(error: ValidationError) -> str:
    """A refusal's messages as one line, for a notice or an htmx fragment."""
    return " ".join(error.messages)


class Refusal:
    """A ``with`` block that calls a service: a ``ValidationError`` raised in it (the service's refusal; its
    transaction has rolled back already) ends the block, is kept in ``error`` and shown by ``show``, and the code
    after the block runs. Anything else passes. The usual view::

        with refusal_on(form):
            saved = thing_create(area=area, data=form.cleaned_data, by=request.user)
            messages.success(request, _("Saved."))
            return redirect(saved)
        return render(request, "page.html", {"form": form})
    """

    def __init__(self, show: Callable[[ValidationError], None] | None = None) -> None:
        self.show = show
        self.error: ValidationError | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None

    @property
    def messages(self) -> list[str]:
        """The refusal's messages; none when there was none."""
        return self.error.messages if self.error is not None else []

    @property
    def text(self) -> str:
        """The refusal as one line; "" when there was none."""
        return refusal_text(self.error) if self.error is not None else ""

    def __enter__(self) -> Refusal:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: Any) -> bool:
        if not isinstance(error, ValidationError):
            return False
        self.error = error
        if self.show is not None:
            self.show(error)
        return True


def refusal_on(form: forms.Form, field: str | None = None) -> Refusal:
    """Show a refusal raised in the block on ``form`` (``attach_errors``): at the fields it names, the rest at
    ``field`` or, without one, above the form."""
    return Refusal(lambda error: attach_errors(form, error, field))


def refusal_in_messages(request: HttpRequest, prefix: str = "") -> Refusal:
    """Show a refusal raised in the block as an error notice on the next page (after ``prefix``, if any)."""
    return Refusal(lambda error: messages.error(request, f"{prefix}{refusal_text(error)}"))


def valid_data(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or its errors raised as a refusal: for a small form posted from a page that shows
    refusals as notices, so that the form's errors and the service's read alike::

        with refusal_in_messages(request):
            payment_record(application=application, by=request.user, **valid_data(PaymentForm(request.POST)))
            messages.success(request, _("The payment is recorded."))
    """
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    return form.cleaned_data


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


class MailChoicesForm(forms.Form):
    """Which optional mails the account gets, and whether at once or in one daily digest."""

    ballot_opened = forms.BooleanField(label=_("a ballot of my committee opens"), required=False)
    ballot_closed = forms.BooleanField(label=_("a ballot of my committee closes, with its results"), required=False)
    minutes_approved = forms.BooleanField(
        label=_("the minutes of a meeting of my committee are approved"), required=False
    )
    delivery = forms.ChoiceField(
        label=_("How do you want to get them?"),
        choices=[("now", _("a mail for each, at once")), ("digest", _("one summary a day"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a mail for each or one summary a day.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = any(data.get(name) for name in ("ballot_opened", "ballot_closed", "minutes_approved"))
        if data.get("delivery") == "digest" and not chosen:
            raise ValidationError(
                _("A daily summary needs at least one kind of mail. Choose one, or a mail for each."), code="empty"
            )
        return data
