"""Channels: exact WeCom and DingTalk payloads posted to a real local server, email, retries with backoff,
giving up, and a retry job that sends each delivery at most once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from qifu.core import notify
from qifu.core.models import Event
from qifu.notifications import services, tasks
from qifu.notifications.choices import BACKOFF, MAX_ATTEMPTS, Channel, DeliveryStatus, WebhookKind
from qifu.notifications.models import Delivery, Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db

BODY = "Something happened at LQY Motor."


def view_details() -> str:
    with translation.override("zh-hans"):
        return gettext("View details")


def endpoint(world: Any, server: Any, kind: str, path: str, secret: str = "") -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=f"{kind} group", kind=kind, url=f"{server.url}{path}", secret=secret, unit=world.bureau_lqy
    )


def send(world: Any, capture: Any, **kwargs: Any) -> list[Notification]:
    options: dict[str, Any] = {
        "recipients": [world.commissioner],
        "code": "test.greeting",
        "params": {"name": "LQY Motor"},
        "link": "/enterprises/7/",
        "unit_webhooks": [world.bureau_lqy],
        "email": False,
    }
    options.update(kwargs)
    with capture(execute=True):
        return notify.notify(**options)


def test_wecom_robot_gets_a_markdown_message(
    world: Any, webhook_server: Any, base_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint(world, webhook_server, WebhookKind.WECOM, "/cgi-bin/webhook/send?key=abc-123")
    send(world, django_capture_on_commit_callbacks)
    (request,) = webhook_server.requests
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": "abc-123"}
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.json == {
        "msgtype": "markdown",
        "markdown": {"content": f"**Hello LQY Motor**\n{BODY}\n[{view_details()}](https://qifu.example.cn/enterprises/7/)"},
    }
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_dingtalk_robot_gets_a_signed_markdown_message(
    world: Any, webhook_server: Any, base_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    secret = "SEC0123456789abcdef"
    endpoint(world, webhook_server, WebhookKind.DINGTALK, "/robot/send?access_token=tok", secret=secret)
    before = int(time.time() * 1000)
    send(world, django_capture_on_commit_callbacks)
    (request,) = webhook_server.requests
    assert request.path == "/robot/send"
    assert set(request.query) == {"access_token", "timestamp", "sign"} and request.query["access_token"] == "tok"
    timestamp = int(request.query["timestamp"])  # milliseconds
    assert before <= timestamp <= int(time.time() * 1000)
    expected = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert request.query["sign"] == base64.b64encode(expected).decode()
    assert request.json == {
        "msgtype": "markdown",
        "markdown": {
            "title": "Hello LQY Motor",
            "text": f"#### Hello LQY Motor\n\n{BODY}\n\n[{view_details()}](https://qifu.example.cn/enterprises/7/)",
        },
    }


def test_the_link_is_absolute_with_the_default_base_url(
    world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    send(world, django_capture_on_commit_callbacks)
    assert "(http://127.0.0.1:8000/enterprises/7/)" in webhook_server.requests[0].json["markdown"]["content"]


def test_generic_webhook_is_signed_with_hmac_when_it_has_a_secret(
    world: Any, webhook_server: Any, base_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    webhook_server.default = (204, b"")
    endpoint(world, webhook_server, WebhookKind.GENERIC, "/hook", secret="s3cret")
    send(world, django_capture_on_commit_callbacks)
    (request,) = webhook_server.requests
    assert request.json == {
        "code": "test.greeting",
        "title": "Hello LQY Motor",
        "text": BODY,
        "link": "https://qifu.example.cn/enterprises/7/",
    }
    ts = request.headers["X-Qifu-Timestamp"]
    digest = hmac.new(b"s3cret", f"{ts}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Qifu-Signature"] == f"sha256={digest}"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_email_goes_through_djangos_mail_backend(
    world: Any, mailoutbox: Any, base_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    world.commissioner.email = "comm@example.cn"
    world.commissioner.save()
    send(world, django_capture_on_commit_callbacks, email=True, unit_webhooks=[])
    (message,) = mailoutbox
    assert message.to == ["comm@example.cn"]
    assert message.subject == "Hello LQY Motor"
    assert message.body == f"{BODY}\n\n{view_details()}: https://qifu.example.cn/enterprises/7/"
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == (Channel.EMAIL, DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None


def test_a_failing_webhook_is_retried_with_backoff_then_given_up(
    world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    webhook_server.default = (500, b"oops")
    endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    (notice,) = send(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "HTTP 500" in delivery.last_error
    waits = []
    for attempt in range(2, MAX_ATTEMPTS + 1):
        due = delivery.next_attempt_at
        assert services.deliveries_retry_due(now=due - timedelta(seconds=1)) == {}  # not due yet
        assert services.deliveries_retry_due(now=due) == {
            (DeliveryStatus.GAVE_UP if attempt == MAX_ATTEMPTS else DeliveryStatus.FAILED): 1
        }
        previous_due, delivery = due, Delivery.objects.get()
        assert delivery.attempts == attempt
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - previous_due)
    assert waits == list(BACKOFF[1:])  # 5, 30, 120 minutes after the 2nd, 3rd, 4th attempt
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.next_attempt_at is None
    assert len(webhook_server.requests) == MAX_ATTEMPTS
    # nothing more is tried, and the in-app notice is still there
    assert services.deliveries_retry_due(now=delivery.created_at + timedelta(days=30)) == {}
    assert len(webhook_server.requests) == MAX_ATTEMPTS
    assert Notification.objects.filter(pk=notice.pk, recipient=world.commissioner).exists()


def test_first_retry_waits_one_minute(world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any) -> None:
    webhook_server.default = (500, b"")
    endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    send(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert timedelta(seconds=59) < delivery.next_attempt_at - delivery.created_at < timedelta(seconds=70)


def test_a_robot_errcode_is_a_failure(world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any) -> None:
    webhook_server.answers = [(200, json.dumps({"errcode": 310000, "errmsg": "sign not match"}).encode())]
    endpoint(world, webhook_server, WebhookKind.DINGTALK, "/robot/send?access_token=t", secret="SECx")
    send(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "310000" in delivery.last_error
    # the next answer is {"errcode": 0}: the retry sends it
    assert services.deliveries_retry_due(now=delivery.next_attempt_at) == {DeliveryStatus.SENT: 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    # the signature is fresh on each attempt
    assert len(webhook_server.requests) == 2


def test_an_unreachable_webhook_fails_quietly(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    WebhookEndpoint.objects.create(name="dead", kind=WebhookKind.WECOM, url=f"http://127.0.0.1:{port}/w", unit=world.bureau_lqy)
    send(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "cannot reach" in delivery.last_error


def test_an_inactive_endpoint_gives_up_without_sending(
    world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hook = endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    with django_capture_on_commit_callbacks(execute=False):  # created, but the worker has not run yet
        notify.notify(recipients=[], code="test.greeting", params={}, unit_webhooks=[world.bureau_lqy])
    WebhookEndpoint.objects.filter(pk=hook.pk).update(is_active=False)
    assert services.deliveries_retry_due() == {DeliveryStatus.GAVE_UP: 1}
    assert webhook_server.requests == []


def test_the_retry_job_sends_each_delivery_once(
    world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue was lost (queue down)
        for n in range(3):
            notify.notify(recipients=[], code="test.greeting", params={"name": n}, unit_webhooks=[world.bureau_lqy])
    assert services.deliveries_retry_due() == {DeliveryStatus.SENT: 3}
    assert services.deliveries_retry_due() == {}
    tasks.retry_due_deliveries()  # the periodic task itself (huey runs it at once in tests)
    assert len(webhook_server.requests) == 3
    assert Delivery.objects.filter(status=DeliveryStatus.SENT, attempts=1).count() == 3


def test_a_delivery_claimed_by_another_worker_is_left_alone(
    world: Any, webhook_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify(recipients=[], code="test.greeting", params={}, unit_webhooks=[world.bureau_lqy])
    delivery = Delivery.objects.get()
    now = delivery.next_attempt_at
    assert services._claim(delivery.pk, now)  # worker A takes it …
    assert not services._claim(delivery.pk, now)  # … so worker B cannot
    assert services.deliveries_retry_due(now=now) == {}  # nor can the retry job
    assert services.delivery_attempt(delivery_id=delivery.pk, now=now) is None  # nor the on-commit task
    assert services._attempt_claimed(delivery.pk, now) == DeliveryStatus.SENT  # A sends it
    assert services.deliveries_send(delivery_ids=[delivery.pk]) == {"skipped": 1}
    assert services.deliveries_retry_due(now=now + timedelta(hours=3)) == {}  # even after the lease
    assert len(webhook_server.requests) == 1


def test_the_retry_job_skips_rows_locked_by_another_worker(world: Any) -> None:
    """PostgreSQL skips rows another worker holds; SQLite serialises writers, so no lock clause is sent."""
    with CaptureQueriesContext(connection) as ctx:
        services.deliveries_retry_due()
    skip_locked = any("SKIP LOCKED" in q["sql"] for q in ctx.captured_queries)
    assert skip_locked == connection.features.has_select_for_update_skip_locked


def test_administrators_retry_now_even_after_giving_up(
    world: Any, webhook_server: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    webhook_server.default = (500, b"")
    hook = endpoint(world, webhook_server, WebhookKind.WECOM, "/w")
    send(world, django_capture_on_commit_callbacks)
    Delivery.objects.update(status=DeliveryStatus.GAVE_UP, attempts=MAX_ATTEMPTS, next_attempt_at=None)
    webhook_server.default = (200, b'{"errcode": 0, "errmsg": "ok"}')
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/delivery/", {"action": "retry_now", "_selected_action": [delivery.pk]}
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == MAX_ATTEMPTS + 1
    assert Event.objects.filter(code="notification.delivery_retried", target_id=str(delivery.pk), actor=world.admin).exists()
    # a sent delivery is never sent again
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/notifications/delivery/", {"action": "retry_now", "_selected_action": [delivery.pk]})
    assert len(webhook_server.requests) == 2
    assert client.get("/admin/notifications/delivery/?status=sent&channel=webhook").status_code == 200
    assert client.get(f"/admin/notifications/delivery/{delivery.pk}/change/").status_code == 200
    assert client.get(f"/admin/notifications/webhookendpoint/{hook.pk}/change/").status_code == 200


def test_webhook_endpoint_changes_in_the_admin_are_recorded(world: Any, client: Any) -> None:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    response = client.post(
        "/admin/notifications/webhookendpoint/add/",
        {"name": "LQY group", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
         "secret": "", "unit": world.bureau_lqy.pk, "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    hook = WebhookEndpoint.objects.get()
    assert Event.objects.filter(code="admin.created", target_type="notifications.webhookendpoint",
                                target_id=str(hook.pk), actor=world.admin).exists()
    assert "key=k" not in client.get("/admin/notifications/webhookendpoint/").content.decode()
