"""Back office view of enterprises. Changes go through the app's pages and services (validation, events),
so the admin only reads them."""

from django.contrib import admin

from .models import CommissionerAssignment, Enterprise, EnterpriseContact


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ContactInline(admin.TabularInline):
    model = EnterpriseContact
    extra = 0

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "region", "industry", "above_scale", "key_enterprise", "is_external")
    list_filter = ("above_scale", "key_enterprise", "is_external", "industry__parent")
    search_fields = ("name", "credit_code")
    inlines = [ContactInline]


@admin.register(CommissionerAssignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "commissioner", "started_at", "ended_at", "assigned_by")
    search_fields = ("enterprise__name", "commissioner__username", "commissioner__full_name")
