"""States and kinds of notifications, deliveries and webhook endpoints; the retry schedule."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # waiting for its first attempt
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")  # the last attempt failed; another one is due at next_attempt_at
    GAVE_UP = "gave_up", _("gave up")  # no attempt left (or nowhere to send it)


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    GENERIC = "generic", _("generic JSON webhook")


# A delivery that may still be attempted (the claim and the retry job select these).
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)

# Wait after the n-th failed attempt; after the last one the delivery gives up (5 attempts in all).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120))
MAX_ATTEMPTS = len(BACKOFF) + 1

# A claimed attempt pushes next_attempt_at this far ahead, so that a worker that dies while sending
# leaves the delivery to be retried later instead of stuck; longer than any send can take.
CLAIM_LEASE = timedelta(minutes=10)
