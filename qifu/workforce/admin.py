"""Back office: which units act as transport department or health authority for which region, and the key
projects with their enterprises (rules and shuttles are recorded through the service)."""

from __future__ import annotations

from django.contrib import admin

from qifu.core.admin_mixins import EventRecordingAdmin

from .models import Authority, Project


@admin.register(Authority)
class AuthorityAdmin(EventRecordingAdmin, admin.ModelAdmin):
    list_display = ("unit", "kind", "region")
    list_filter = ("kind",)
    autocomplete_fields = ("unit",)
    raw_id_fields = ("region",)


@admin.register(Project)
class ProjectAdmin(EventRecordingAdmin, admin.ModelAdmin):
    list_display = ("name", "region", "rule_agreed_at")
    raw_id_fields = ("region", "enterprises")
    readonly_fields = ("lodging_rule", "rule_agreed_at")
