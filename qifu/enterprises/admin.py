"""Back office view of enterprises. Changes go through the app's pages and services (validation, events),
so the admin only reads them."""

from django.contrib import admin

from qifu.core.admin_mixins import ReadOnlyAdmin

from .models import CommissionerAssignment, Enterprise, EnterpriseContact


class ContactInline(ReadOnlyAdmin, admin.TabularInline):
    model = EnterpriseContact
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "industry", "headcount", "annual_output", "above_scale",
                    "key_enterprise", "is_external")
    list_filter = ("above_scale", "key_enterprise", "is_external", "industry__parent")
    search_fields = ("name", "credit_code")
    inlines = [ContactInline]


@admin.register(CommissionerAssignment)
class AssignmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("enterprise", "commissioner", "started_at", "ended_at", "assigned_by")
    search_fields = ("enterprise__name", "commissioner__username", "commissioner__full_name")
