"""The Django admin, for administrators only: areas, users and their roles, and the legal texts.

Role assignments are written through ``quartier.services`` so every grant
and revocation is audited with who made it and checked by the same rules as
anywhere else. Permissions follow the roles at request time; nothing is
copied.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from committees.services.members import check_staff_account
from quartier import dates, services
from quartier.forms import refusal_on, whole_number
from quartier.models import FieldOfAction, LegalText, Quartier, RoleAssignment, User


def _refuse_bound_account(user: User | None) -> None:
    """A committee member's voting account never becomes staff (``committees.services.members``)."""
    if isinstance(user, User) and user.pk is not None:
        check_staff_account(user=user, lock=True)


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        formfield_callback = dates.formfield

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("is_staff") or cleaned.get("is_superuser"):
            with refusal_on(self):
                _refuse_bound_account(self.instance)
        return cleaned


class RoleFormSet(BaseInlineFormSet):
    """Refuses a role for a committee member's voting account before anything is saved."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if self._should_delete_form(form) or form.instance.pk or not form.has_changed():
                continue
            data = getattr(form, "cleaned_data", None) or {}
            user = data.get("user") or (self.instance if isinstance(self.instance, User) else None)
            try:
                _refuse_bound_account(user)
            except ValidationError as error:
                form.add_error(None, error)
                raise ValidationError(error.messages) from error


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleFormSet
    extra = 1
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A role is granted or revoked, never edited in place.
        return False


class UserRoleInline(RoleAssignmentInline):
    fields = ("area", "role", "created_at")


class AreaRoleInline(RoleAssignmentInline):
    fields = ("user", "role", "created_at")


class RoleServiceMixin:
    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        # The admin's change message reads these, which formset.save() would set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            instance = inline_form.instance
            if formset._should_delete_form(inline_form):
                if instance.pk:
                    formset.deleted_objects.append(instance)
                    services.role_revoke(assignment=instance, by=request.user)
            elif instance.pk is None and inline_form.has_changed() and inline_form.cleaned_data:
                formset.new_objects.append(
                    services.role_grant(
                        user=inline_form.cleaned_data.get("user") or form.instance,
                        area=inline_form.cleaned_data.get("area") or form.instance,
                        role=inline_form.cleaned_data["role"],
                        by=request.user,
                    )
                )


@admin.register(User)
class UserAdmin(RoleServiceMixin, DjangoUserAdmin):
    form = UserForm
    inlines = [UserRoleInline]
    list_display = ("username", "display_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )


@admin.register(Quartier)
class QuartierAdmin(RoleServiceMixin, admin.ModelAdmin):
    inlines = [AreaRoleInline]
    list_display = ("name", "municipality", "programme", "funding_start", "funding_end")
    search_fields = ("name", "municipality")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    """The installation's legal texts (area left empty) and, where needed, an area's own; the area's office writes
    its own on the area's profile page too."""

    list_display = ("kind", "area", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("area",)
    fields = ("area", "kind", "text", "feedback_email")


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "position", "cross_cutting")


# --- dates in the admin: the same sane range as everywhere (quartier.dates) -----------------------------------------


def keep_admin_dates_in_range(site: admin.AdminSite) -> None:
    """Give every model admin of ``site`` (the project's and other packages', with their inlines) the ranged date
    fields of ``quartier.dates``, and answer a date hierarchy's year, month or day out of range with 404: Django
    computes the next year or day from it, which overflows at the year 9999 (a server error in the audit log)."""
    for model_admin in site._registry.values():
        _use_ranged_dates(model_admin.formfield_overrides)
        for inline in model_admin.inlines:
            inline.formfield_overrides = {**inline.formfield_overrides, **dates.ADMIN_OVERRIDES}
        if model_admin.date_hierarchy and not getattr(model_admin.changelist_view, "checks_date_range", False):
            model_admin.changelist_view = _date_hierarchy_in_range(  # type: ignore[method-assign]
                model_admin.changelist_view, model_admin.date_hierarchy
            )


def _use_ranged_dates(overrides: dict[type, dict[str, Any]]) -> None:
    for db_field, override in dates.ADMIN_OVERRIDES.items():
        overrides.setdefault(db_field, {}).update(override)


def _date_hierarchy_in_range(view: Callable[..., HttpResponse], field: str) -> Callable[..., HttpResponse]:
    ends = {
        "year": (dates.EVENTS.first.year, dates.EVENTS.last.year),
        "month": (1, 12),
        "day": (1, 31),
    }

    @wraps(view)
    def changelist_view(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        for part, (low, high) in ends.items():
            for value in request.GET.getlist(f"{field}__{part}"):
                number = whole_number(value)
                if number is None or not low <= number <= high:
                    raise Http404(_("There is nothing for this date."))
        return view(request, extra_context)

    changelist_view.checks_date_range = True  # type: ignore[attr-defined]
    return changelist_view
