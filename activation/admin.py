"""The admin of events (for administrators): its form checks the links as the services do
(``activation.services.check_links``), so no path links an event to another area's rows. An event's or a series'
area is chosen when it is made and never changed: its series, its links and its photos are of that area."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from activation import models
from activation.services import check_links


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = models.Event
        fields = [
            "area",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "description",
            "public",
            "organisations",
            "persons",
            "fields_of_action",
            "target_groups",
            "measures",
            "applications",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        area = cleaned.get("area") or getattr(self.instance, "area", None)
        if area is not None:
            try:
                check_links(area, cleaned)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class AreaFixedAdmin(admin.ModelAdmin):
    """The area is chosen when the row is made and shown, not offered, afterwards."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "area"] if obj is not None else fields


@admin.register(models.Event)
class EventAdmin(AreaFixedAdmin):
    form = EventAdminForm
    list_display = ["title", "area", "kind", "starts_at", "public", "participants"]
    list_filter = ["area", "kind", "public"]
    search_fields = ["title", "place"]
    raw_id_fields = ["organisations", "persons", "measures", "applications"]
    # The counts have their rules in ``event_record_counts``: recorded on the event's page only.
    readonly_fields = ["participants", "under_18", "age_18_64", "age_65_plus", "note", "series", "detached"]
    filter_horizontal = ["fields_of_action", "target_groups"]


@admin.register(models.Series)
class SeriesAdmin(AreaFixedAdmin):
    list_display = ["title", "area", "frequency", "first_day", "last_day"]
    list_filter = ["area"]
    # The rule, the organisers and the links are handed to the series' events by ``series_update``: changed in the
    # office's series form only.
    readonly_fields = [
        "frequency",
        "first_day",
        "last_day",
        "start_time",
        "end_time",
        "organisations",
        "persons",
        "measures",
        "applications",
    ]


# --- surveys: the questionnaire's rules are the builder's (``activation.survey_builder``), the answers'
# ``submit_response``'s; the admin shows them and changes only the texts.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionInline(ReadOnlyInline):
    model = models.Question
    fields = ["position", "kind", "text", "required"]


class InvitationInline(ReadOnlyInline):
    model = models.Invitation
    fields = ["organisation", "sent_to", "sent_at"]


@admin.register(models.Survey)
class SurveyAdmin(AreaFixedAdmin):
    list_display = ["title", "area", "status", "audience", "closes_on"]
    list_filter = ["area", "status", "audience"]
    search_fields = ["title"]
    # Who answers is chosen while it is a draft, the status moves through its machine (``survey_services``):
    # on the survey's page only.
    readonly_fields = ["status", "audience", "network", "opened_at", "closed_at"]
    exclude = ["translations"]
    inlines = [QuestionInline, InvitationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the area's survey pages, through the builder
