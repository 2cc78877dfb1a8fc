"""Back office for the organisation: units, sections, users and their roles, reference data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from qifu.core.admin_mixins import EventRecordingAdmin

from .models import ApiToken, Industry, Region, RoleGrant, Section, Unit, User


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Unit)
class UnitAdmin(EventRecordingAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "region", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code", "domain")
    autocomplete_fields = ("region", "parent")
    inlines = [SectionInline]


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
