"""The office's forms for committees, members, meetings and ballots."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from actors.forms.pickers import person_picker
from committees.models import AgendaItem, Attendance, Ballot, BallotItem, Committee, Meeting, Membership, Result
from quartier import dates
from quartier.sorting import german

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]

#: An item's title is what the public pages and the open data show of its decision (the description is the
#: members'): the office is told so where it types one.
PUBLIC_TITLE_HELP = _(
    "Published with the decision on the public pages and in the open data: no names of private persons here, "
    "those belong in the description."
)


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "kind", "quorum_members", "quorum_share", "majority_rule", "resident_share", "term_years"]
        help_texts = {
            "quorum_members": _("Leave empty when only the share counts."),
            "quorum_share": _(
                "For example 50 for half of the voting members. Leave empty when only the number counts."
            ),
            "resident_share": _("For example 51 for a neighbourhood council, 100 for an action fund jury."),
        }


class MembershipForm(forms.ModelForm):
    """A member's seat. Never their voting account: it is made for the member by invitation (the account card
    beside this form), never picked, so the form has no such field and takes none that is posted."""

    class Meta:
        model = Membership
        formfield_callback = dates.formfield
        fields = ["person", "member_type", "voting", "deputy_of", "start", "end", "named_publicly", "language"]
        widgets = {"start": DATE, "end": DATE}
        help_texts = {"deputy_of": _("Only for deputies: the member they stand in for.")}

    def __init__(self, *args: object, committee: Committee, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        person_picker(self.fields["person"], area=committee.area)
        deputies = Membership.objects.filter(committee=committee).select_related("person")
        if self.instance.pk:
            deputies = deputies.exclude(pk=self.instance.pk)
        self.fields["deputy_of"].queryset = deputies.order_by(*german("person__last_name", "person__first_name"), "pk")
        self.fields["deputy_of"].label_from_instance = lambda membership: str(membership.person)
        # A form without the field (a page from before it) keeps the member's language, or German for a new one.
        self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language or settings.LANGUAGE_CODE


class MeetingForm(forms.ModelForm):
    starts_at = dates.DateTimeField(label=_("date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    online_link = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ["starts_at", "duration_minutes", "place", "online_link"]
        help_texts = {"place": _("Give a place, an online link or both.")}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"title": PUBLIC_TITLE_HELP}


class MinutesForm(forms.ModelForm):
    """The minutes of one agenda item: what was said, and the counts of the vote. The result is computed from
    the counts by the committee's rules; only "deferred" is chosen by hand. Recusals are recorded per member."""

    deferred = forms.BooleanField(
        label=_("Deferred / not voted on"),
        required=False,
        help_text=_("Tick this when the committee did not vote on the item; leave the counts empty then."),
    )

    class Meta:
        model = AgendaItem
        fields = ["minutes", "decision", "yes", "no", "abstain"]
        widgets = {
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "decision": _("The wording of the resolution, if the committee voted."),
            "abstain": _(
                "The result follows from the counts, the voting members present and the committee's rules. "
                "Record recusals above, member by member."
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deferred"].initial = self.instance.result == Result.DEFERRED


class AttendanceForm(forms.Form):
    membership = forms.IntegerField()
    status = forms.ChoiceField(choices=Attendance.Status.choices)


class BallotForm(forms.ModelForm):
    deadline = dates.DateTimeField(label=_("deadline"), widget=DATETIME, input_formats=DATETIME_FORMATS)

    class Meta:
        model = Ballot
        fields = ["title", "deadline", "secret"]
        help_texts = {
            "secret": _("In a secret ballot nobody can tell afterwards who voted how; only who took part is known."),
        }


class BallotItemForm(forms.ModelForm):
    class Meta:
        model = BallotItem
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": PUBLIC_TITLE_HELP}
