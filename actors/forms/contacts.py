from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.forms.pickers import organisation_picker, person_picker
from actors.models import ContactNote
from actors.selectors.contacts import follow_up_assignees
from actors.services.contacts import NOTE_FIELDS, can_take_follow_up, contact_note_check
from quartier import dates
from quartier.forms import OneQueryChoiceField, choices_from_reference
from quartier.models import Quartier, User

MULTIPLE_HELP = _("Hold the Ctrl key (on a Mac: Cmd) to choose several.")


DateInput = dates.DateInput  # the browser's date picker (other forms import it from here)


def cannot_read_notice(user: User) -> str:
    return _("%(name)s can no longer read contact notes in this area: please give the follow-up to someone else.") % {
        "name": user.get_display_name()
    }


class StaffChoiceField(OneQueryChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_display_name()


class _CheckedByService:
    """Ask the service's rules in ``clean`` so the user sees them as field errors."""

    area: Quartier
    by: User

    def check_with_service(self: forms.ModelForm, cleaned: dict[str, object]) -> None:  # type: ignore[misc]
        instance = self.instance
        current = {field: getattr(instance, field) for field in NOTE_FIELDS} if instance.pk else {}
        changed = self.changed_data if instance.pk else list(cleaned)
        try:
            contact_note_check(
                area=self.area,  # type: ignore[attr-defined]
                values={**current, **cleaned},
                changed=[field for field in changed if field in cleaned],
                by=self.by,  # type: ignore[attr-defined]
            )
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                for message in messages:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, message)
                    elif field not in self.fields:
                        self.add_error(None, message)


class ContactNoteForm(_CheckedByService, forms.ModelForm):
    class Meta:
        model = ContactNote
        formfield_callback = dates.formfield
        fields = [
            "date",
            "staff",
            "channel",
            "topic",
            "fields_of_action",
            "organisations",
            "persons",
            "text",
            "follow_up_due",
            "follow_up_assignee",
            "follow_up_done",
        ]
        field_classes = {"staff": StaffChoiceField, "follow_up_assignee": StaffChoiceField}
        widgets = {
            "date": DateInput,
            "follow_up_due": DateInput,
            "fields_of_action": forms.CheckboxSelectMultiple,
            "organisations": forms.SelectMultiple(attrs={"size": 8}),
            "persons": forms.SelectMultiple(attrs={"size": 8}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "organisations": MULTIPLE_HELP,
            "persons": MULTIPLE_HELP,
            "follow_up_due": _("Leave empty when nothing needs to follow."),
        }

    def __init__(self, *args: object, area: Quartier, by: User, with_persons: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices_from_reference(self)
        self.area = area
        self.by = by
        note = self.instance
        works_here = Q(role_assignments__area=area, is_active=True)
        self.fields["staff"].queryset = (
            User.objects.filter(works_here | Q(pk=by.pk) | Q(pk=note.staff_id or 0))
            .distinct()
            .order_by("display_name", "username")
        )
        # Only who can read the note; the present assignee stays choosable even if they have lost the right, so
        # the rest of the note can be corrected, and the field says so.
        self.fields["follow_up_assignee"].queryset = (
            User.objects.filter(
                Q(pk__in=follow_up_assignees(area).values("pk")) | Q(pk=note.follow_up_assignee_id or 0)
            )
            .distinct()
            .order_by("display_name", "username")
        )
        self.fields["follow_up_assignee"].empty_label = _("nobody")
        self.assignee_cannot_read: User | None = None
        open_follow_up = note.pk and note.follow_up_assignee_id and not note.follow_up_done
        if open_follow_up and not can_take_follow_up(note.follow_up_assignee, area):
            self.assignee_cannot_read = note.follow_up_assignee
            self.fields["follow_up_assignee"].help_text = cannot_read_notice(note.follow_up_assignee)
        organisation_picker(self.fields["organisations"], area=area)
        if with_persons:
            # Persons linked already stay linked, even once their data was erased.
            current = note.persons.values("pk") if note.pk else []
            person_picker(self.fields["persons"], area=area, keep=current)
        else:
            self.fields.pop("persons")
        if not note.pk:
            self.fields.pop("follow_up_done")
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("staff", by.pk)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        self.check_with_service(cleaned)
        return cleaned


class QuickContactForm(_CheckedByService, forms.ModelForm):
    """The short form on an organisation's or person's page: the note is about that actor, by the user."""

    class Meta:
        model = ContactNote
        formfield_callback = dates.formfield
        fields = ["date", "channel", "topic", "text"]
        widgets = {"date": DateInput, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, area: Quartier, by: User, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "quick_%s")
        super().__init__(*args, **kwargs)
        self.area = area
        self.by = by
        self.initial.setdefault("date", timezone.localdate())

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        self.check_with_service(cleaned)
        return cleaned
