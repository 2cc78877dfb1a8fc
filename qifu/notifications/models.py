"""Notifications (in-app, one per recipient), the group webhooks they may go to, and the delivery log."""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.core.querysets import RestrictedQuerySet

from .choices import Channel, DeliveryStatus, WebhookKind


class Notification(models.Model):
    """A notice to one person: a message code with JSON parameters, rendered in the reader's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    code = models.CharField(_("message"), max_length=64, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Plain text in the platform's default language, rendered once at creation for channels and logs.
    summary = models.TextField(_("summary"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The same notice (e.g. "problem 123 turned red on 2020-03-02") is never created twice for a person.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedup_key"], name="notification_unique_dedup_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # the unread badge on every page: COUNT over this small partial index
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.code} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @cached_property
    def rendered(self) -> tuple[str, str]:
        """(title, body) in the active language."""
        from qifu.core import notify

        return notify.render(self.code, self.params)

    @property
    def title(self) -> str:
        return self.rendered[0]

    @property
    def body(self) -> str:
        return self.rendered[1]


class WebhookEndpoint(models.Model):
    """A WeCom or DingTalk group robot (or any JSON webhook), usually the group of one unit."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=WebhookKind.choices)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        help_text=_("The robot's address, including its key or access token. Keep it secret."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk: the robot's signing secret (SEC…), if it signs. Generic: the HMAC key."),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    @property
    def host(self) -> str:
        """Where it points, without the secret key in the query string."""
        return urlsplit(self.url).netloc


class Delivery(models.Model):
    """One message sent (or to be sent) through one channel: the delivery log, with retries."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    code = models.CharField(_("message"), max_length=64, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    email = models.EmailField(_("email address"), blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    # What is sent, rendered at creation: {"subject", "body"} for email, the JSON body for a webhook.
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # A group message is posted once per notice even when several people are notified of it.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "dedup_key"], name="delivery_unique_webhook_dedup_key"),
            models.CheckConstraint(
                condition=(
                    models.Q(channel=Channel.EMAIL, endpoint__isnull=True)
                    | models.Q(channel=Channel.WEBHOOK, email="")
                ),
                name="delivery_one_target",
            ),
        ]
        indexes = [
            # the retry job: due deliveries only
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="delivery_due_idx",
            ),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}"

    @property
    def target(self) -> str:
        if self.channel == Channel.EMAIL:
            return self.email
        return str(self.endpoint) if self.endpoint_id else "—"
