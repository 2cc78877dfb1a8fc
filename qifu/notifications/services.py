"""Writes for notifications: creating notices and their deliveries (through ``qifu.core.notify``),
attempting deliveries exactly once each, retrying with backoff, and marking notices read."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone, translation

from qifu.core import access, events, notify
from qifu.organisations.models import Unit, User

from . import channels
from .choices import BACKOFF, CLAIM_LEASE, MAX_ATTEMPTS, RETRYABLE, Channel, DeliveryStatus
from .models import Delivery, Notification, WebhookEndpoint

logger = logging.getLogger(__name__)

SEND_CHUNK = 100  # deliveries per background task
RETRY_BATCH = 200  # deliveries per run of the retry job


# --- creating notices ----------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(params, cls=_Encoder))


def _insert_deduplicated(model: type[models.Model], objs: list[Any], exists: Any) -> list[Any]:
    """Insert ``objs`` at once; if a concurrent transaction inserted the same dedup key meanwhile (a
    unique violation), insert them one by one and skip those that ``exists(obj)`` now."""
    if not objs:
        return []
    try:
        with transaction.atomic():
            return model._default_manager.bulk_create(objs)
    except IntegrityError:
        if not any(getattr(o, "dedup_key", None) for o in objs):
            raise
    created = []
    for obj in objs:
        obj.pk = None
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError:
            if obj.dedup_key and exists(obj):
                continue
            raise
        created.append(obj)
    return created


@dataclass
class Message:
    """One message to some people and group webhooks (see ``qifu.core.notify.Message``)."""

    recipients: Iterable[User]
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    dedup_key: str | None = None
    units: Iterable[Unit | int] = ()
    endpoints: Iterable[WebhookEndpoint] = ()
    email: bool = True


def _check_link(link: str) -> None:
    if link and not (link.startswith(("https://", "http://")) or (link.startswith("/") and not link.startswith("//"))):
        raise ValueError(f"a notification link must be a path on this site or an http(s) URL, not {link!r}")


@transaction.atomic
def notifications_create(
    *,
    recipients: Iterable[User],
    code: str,
    params: dict[str, Any],
    link: str = "",
    dedup_key: str | None = None,
    units: Iterable[Unit | int] = (),
    endpoints: Iterable[WebhookEndpoint] = (),
    email: bool = True,
) -> list[Notification]:
    """Write the notices and their deliveries in the caller's transaction; send after it commits.
    (Call ``qifu.core.notify.notify``, which checks the message code, rather than this.)"""
    return notifications_create_many(messages=[Message(
        recipients=recipients, code=code, params=params, link=link, dedup_key=dedup_key, units=units,
        endpoints=endpoints, email=email)])


@transaction.atomic
def notifications_create_many(*, messages: Sequence[Message]) -> list[Notification]:
    """Many messages in a fixed number of queries (a sweep that turns thousands of problems red writes its
    notices in one go): one lookup of deduplication keys, one of webhooks, one insert of notices, one of
    deliveries. Same rules as for one message: inactive users skipped, a key already sent to a recipient or
    a webhook is not sent again, sending starts after the caller's transaction commits."""
    for m in messages:
        _check_link(m.link)
    prepared = []
    for m in messages:
        people: dict[int, User] = {}
        for user in m.recipients:
            if user is not None and user.is_active:
                people.setdefault(user.pk, user)
        prepared.append((m, _jsonable(m.params), m.dedup_key or None, people))

    keys = {key for _m, _p, key, people in prepared if key and people}
    if keys:
        sent = set(Notification.objects.filter(dedup_key__in=keys).values_list("dedup_key", "recipient_id"))
        for _m, _p, key, people in prepared:
            if key:
                for recipient_id in [pk for pk in people if (key, pk) in sent]:
                    people.pop(recipient_id)

    unit_ids = {u if isinstance(u, int) else u.pk for m in messages for u in m.units}
    by_unit: dict[int, list[WebhookEndpoint]] = {}
    if unit_ids:
        for ep in WebhookEndpoint.objects.filter(is_active=True, unit_id__in=unit_ids).order_by("pk"):
            by_unit.setdefault(ep.unit_id, []).append(ep)

    now = timezone.now()
    notices: list[Notification] = []
    webhook_deliveries: list[Delivery] = []
    email_deliveries: list[tuple[Notification, str, dict[str, Any]]] = []
    # Channels get the platform's language; the in-app list renders each notice for its reader.
    with translation.override(settings.LANGUAGE_CODE):
        for m, params, key, people in prepared:
            title, body = notify.render(m.code, params)
            summary = f"{title}\n{body}" if body else title
            email_payload = channels.email_payload(title=title, body=body, link=m.link) if m.email else None
            for pk, user in people.items():
                notice = Notification(recipient_id=pk, code=m.code, params=params, summary=summary, link=m.link,
                                      dedup_key=key, created_at=now)
                notices.append(notice)
                if email_payload is not None and (user.email or "").strip():
                    email_deliveries.append((notice, user.email.strip(), email_payload))
            hooks: dict[int, WebhookEndpoint] = {}
            for u in m.units:
                for ep in by_unit.get(u if isinstance(u, int) else u.pk, ()):
                    hooks[ep.pk] = ep
            for ep in m.endpoints:
                if ep.is_active:
                    hooks.setdefault(ep.pk, ep)
            for ep in hooks.values():
                webhook_deliveries.append(Delivery(
                    code=m.code, channel=Channel.WEBHOOK, endpoint=ep, dedup_key=key, next_attempt_at=now,
                    created_at=now,
                    payload=channels.webhook_payload(kind=ep.kind, code=m.code, title=title, body=body, link=m.link),
                ))

    hook_keys = {d.dedup_key for d in webhook_deliveries if d.dedup_key}
    if hook_keys:
        done = set(Delivery.objects.filter(dedup_key__in=hook_keys, endpoint__isnull=False)
                   .values_list("dedup_key", "endpoint_id"))
        seen: set[tuple[str, int]] = set()
        kept = []
        for d in webhook_deliveries:
            pair = (d.dedup_key, d.endpoint_id)
            if d.dedup_key and (pair in done or pair in seen):
                continue
            seen.add(pair)
            kept.append(d)
        webhook_deliveries = kept

    created = _insert_deduplicated(
        Notification, notices,
        lambda n: Notification.objects.filter(recipient_id=n.recipient_id, dedup_key=n.dedup_key).exists(),
    )
    alive = {id(n) for n in created}
    deliveries = [
        Delivery(notification=notice, code=notice.code, channel=Channel.EMAIL, email=address, payload=payload,
                 next_attempt_at=now, created_at=now)
        for notice, address, payload in email_deliveries if id(notice) in alive
    ]
    Delivery.objects.bulk_create(deliveries)
    deliveries += _insert_deduplicated(
        Delivery, webhook_deliveries,
        lambda d: Delivery.objects.filter(endpoint_id=d.endpoint_id, dedup_key=d.dedup_key).exists(),
    )
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(partial(_schedule_sending, ids), robust=True)
    return created


def _schedule_sending(delivery_ids: list[int]) -> None:
    """Hand the deliveries to the worker (if the queue is down, the retry job sends them later)."""
    from .tasks import send_deliveries

    for i in range(0, len(delivery_ids), SEND_CHUNK):
        send_deliveries(delivery_ids[i : i + SEND_CHUNK])


# --- sending ---------------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take one attempt of a due delivery, atomically (one UPDATE … WHERE status is pending/failed and due):
    of any number of workers, exactly one gets it. The claim moves next_attempt_at a lease ahead, so a
    worker that dies mid-send leaves the delivery to a later retry instead of stuck."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, status__in=RETRYABLE, next_attempt_at__lte=now).update(
            attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE
        )
    )


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        channels.send_email(address=delivery.email, payload=delivery.payload)
        return
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.is_active:
        raise channels.DeliveryError("the webhook endpoint is inactive")
    channels.send_webhook(kind=endpoint.kind, url=endpoint.url, secret=endpoint.secret, payload=delivery.payload)


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """Attempt one delivery if it is due and nobody else is on it; its new status, or None if skipped."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    return _attempt_claimed(delivery_id, now)


def _attempt_claimed(delivery_id: int, now: datetime) -> str:
    """Send a delivery this worker has claimed, and record the outcome (backoff or giving up on failure)."""
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        _send(delivery)
    except channels.DeliveryError as exc:
        error = str(exc)
    except Exception as exc:  # a broken mail server or a bug must not stop the other deliveries
        logger.exception("delivery %s failed", delivery_id)
        error = f"{type(exc).__name__}: {exc}"
    else:
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
        return DeliveryStatus.SENT
    nowhere = delivery.channel == Channel.WEBHOOK and (delivery.endpoint is None or not delivery.endpoint.is_active)
    hopeless = nowhere or delivery.attempts >= MAX_ATTEMPTS
    status = DeliveryStatus.GAVE_UP if hopeless else DeliveryStatus.FAILED
    next_at = None if hopeless else now + BACKOFF[delivery.attempts - 1]
    Delivery.objects.filter(pk=delivery_id).update(status=status, next_attempt_at=next_at, last_error=error[:2000])
    logger.warning("delivery %s attempt %s: %s (%s)", delivery_id, delivery.attempts, error, status)
    return status


def deliveries_send(*, delivery_ids: Iterable[int], now: datetime | None = None) -> dict[str, int]:
    """Attempt the given deliveries (those due and not taken by another worker); counts by outcome."""
    counts: dict[str, int] = {}
    for delivery_id in delivery_ids:
        outcome = delivery_attempt(delivery_id=delivery_id, now=now) or "skipped"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def deliveries_retry_due(*, now: datetime | None = None, batch: int = RETRY_BATCH) -> dict[str, int]:
    """The retry job: attempt every due delivery once. Idempotent and safe with several workers: on
    PostgreSQL they pick disjoint rows (SKIP LOCKED); the per-delivery claim decides in any case."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    while True:
        with transaction.atomic():
            due = Delivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=now).order_by(
                "next_attempt_at", "pk"
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("pk", flat=True)[:batch])
            claimed = [pk for pk in ids if _claim(pk, now)]
        # sent outside the claiming transaction, so that other workers see the claims at once
        for pk in claimed:
            outcome = _attempt_claimed(pk, now)
            counts[outcome] = counts.get(outcome, 0) + 1
        if len(ids) < batch:
            return counts


@transaction.atomic
def deliveries_retry_now(*, actor: User, delivery_ids: Iterable[int]) -> int:
    """An administrator asks for another attempt now (also after giving up); sent ones are never resent."""
    qs = Delivery.objects.restrict(actor, access.CHANGE).filter(pk__in=list(delivery_ids)).exclude(
        status=DeliveryStatus.SENT
    )
    chosen = list(qs.select_for_update())
    if not chosen:
        return 0
    now = timezone.now()
    Delivery.objects.filter(pk__in=[d.pk for d in chosen]).update(status=DeliveryStatus.PENDING, next_attempt_at=now)
    events.record_many(
        [
            events.build("notification.delivery_retried", actor=actor, target=d, status=d.status, attempts=d.attempts)
            for d in chosen
        ]
    )
    transaction.on_commit(partial(_schedule_sending, [d.pk for d in chosen]), robust=True)
    return len(chosen)


# --- reading ---------------------------------------------------------------------------------------


def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notices read (no event: a person's own reading is not a state change
    anyone audits); 404 for anyone else's."""
    notice = access.get_or_404(Notification, actor, access.CHANGE, pk=notification_id)
    if notice.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all of the actor's unread notices read; how many there were."""
    return (
        Notification.objects.restrict(actor, access.CHANGE)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
