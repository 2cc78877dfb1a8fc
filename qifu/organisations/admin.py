"""Back office for the organisation: units, sections, users and their roles, reference data."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qifu.core import events
from qifu.core.admin_mixins import EventRecordingAdmin

from .models import ApiToken, Industry, Region, RoleGrant, Section, Unit, User
from .services import coordination_role_errors


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class UnitAdminForm(forms.ModelForm):
    """The unit form of the back office, with the coordination role checked by the services' own rules."""

    class Meta:
        model = Unit
        fields = (
            "name", "short_name", "code", "kind", "region", "parent", "domain", "coordination_role", "is_active",
            "sort_order",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fields = ("coordination_role", "region", "kind", "is_active")
        if any(f in self.errors for f in fields):
            return data
        current = {f: data.get(f, getattr(self.instance, f, None)) for f in fields}
        for field, messages in coordination_role_errors(
            role=current["coordination_role"] or "", region=current["region"], kind=current["kind"] or "",
            is_active=bool(current["is_active"]), unit_id=self.instance.pk,
        ).items():
            for message in messages:
                self.add_error(field, message)
        return data


@admin.register(Unit)
class UnitAdmin(EventRecordingAdmin, admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("name", "kind", "coordination_role", "code", "region", "parent", "is_active")
    list_filter = ("kind", "coordination_role", "is_active")
    search_fields = ("name", "short_name", "code", "domain")
    autocomplete_fields = ("region", "parent")
    inlines = [SectionInline]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        # The role decides where problems are routed: besides the admin event, record its old and new value
        # with the same code as the service does.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if "coordination_role" in form.changed_data:
                events.record(
                    "unit.coordination_role_changed", actor=request.user, target=obj,
                    changes={"coordination_role": {"old": form.initial.get("coordination_role", "") if change
                                                   else "", "new": obj.coordination_role}},
                )


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(User)
class UserAdmin(EventRecordingAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "unit", "section", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "role_grants__role", "unit__kind")
    search_fields = ("username", "full_name", "phone", "email")
    autocomplete_fields = ("unit",)
    inlines = [RoleGrantInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("qifu"), {"fields": ("full_name", "phone", "title", "unit", "section")}),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # reference data: refreshed by `manage.py load_reference`


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
    search_fields = ("user__username", "name")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are created on the profile page, where the raw value is shown once
