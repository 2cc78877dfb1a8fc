"""Back office: group webhooks (editable, every change recorded as an event) and the delivery log
(read-only, with "retry now")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from qifu.core.admin_mixins import EventRecordingAdmin

from . import services
from .models import Delivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "kind", "unit", "url", "secret", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(EventRecordingAdmin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "kind", "unit", "host", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)
    fields = ("name", "kind", "unit", "url", "secret", "is_active")

    @admin.display(description=_("host"))
    def host(self, obj: WebhookEndpoint) -> str:
        return obj.host


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "target", "code", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "endpoint")
    search_fields = ("email", "code", "endpoint__name")
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "notification", "code", "channel", "email", "endpoint", "payload", "status", "attempts", "last_error",
        "next_attempt_at", "sent_at", "created_at", "dedup_key",
    )
    actions = ["retry_now"]

    @admin.display(description=_("target"))
    def target(self, obj: Delivery) -> str:
        return obj.target

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry_now(self, request: Any, queryset: Any) -> None:
        count = services.deliveries_retry_now(actor=request.user, delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(n)d delivery queued for another attempt.", "%(n)d deliveries queued for another attempt.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # the log is written by the sender only; "retry now" needs no change permission

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
