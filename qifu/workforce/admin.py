"""Back office: which units act as transport department or health authority for which region, and which
enterprises make up a key project's roster (rules and shuttles are recorded through the service)."""

from __future__ import annotations

from django.contrib import admin

from qifu.core.admin_mixins import EventRecordingAdmin

from .models import Authority, ProjectMember


@admin.register(Authority)
class AuthorityAdmin(EventRecordingAdmin, admin.ModelAdmin):
    list_display = ("unit", "kind", "region")
    list_filter = ("kind",)
    autocomplete_fields = ("unit",)
    raw_id_fields = ("region",)


@admin.register(ProjectMember)
class ProjectMemberAdmin(EventRecordingAdmin, admin.ModelAdmin):
    list_display = ("project", "enterprise")
    list_filter = ("project",)
    raw_id_fields = ("enterprise",)
