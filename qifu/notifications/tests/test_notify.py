"""The facade other apps call: rows in the caller's transaction, sending only after commit, no duplicates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from qifu.core import notify
from qifu.notifications.choices import Channel, DeliveryStatus, WebhookKind
from qifu.notifications.models import Delivery, Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def wecom(world: Any, webhook_server: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="LQY bureau group", kind=WebhookKind.WECOM, url=f"{webhook_server.url}/wecom?key=k1", unit=world.bureau_lqy
    )


@pytest.fixture
def people(world: Any) -> Any:
    world.commissioner.email = "comm@example.cn"
    world.commissioner.save()
    world.cc_staff.email = ""
    world.cc_staff.save()
    return world


def greet(world: Any, **kwargs: Any) -> list[Notification]:
    options: dict[str, Any] = {
        "recipients": [world.commissioner, world.cc_staff],
        "code": "test.greeting",
        "params": {"name": "LQY Motor"},
        "link": f"/enterprises/{world.ent_lqy.pk}/",
        "unit_webhooks": [world.bureau_lqy],
    }
    options.update(kwargs)
    return notify.notify(**options)


def test_rows_are_written_in_the_callers_transaction_and_sent_after_commit(
    people: Any, wecom: Any, webhook_server: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        created = greet(people)
        # written now, inside the caller's transaction, but nothing has left the building yet
        assert {n.recipient_id for n in created} == {people.commissioner.pk, people.cc_staff.pk}
        deliveries = Delivery.objects.all()
        assert sorted(d.channel for d in deliveries) == [Channel.EMAIL, Channel.WEBHOOK]
        assert all(d.status == DeliveryStatus.PENDING for d in deliveries)
        assert webhook_server.requests == [] and mailoutbox == []
    assert len(webhook_server.requests) == 1
    assert [m.to for m in mailoutbox] == [["comm@example.cn"]]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert Delivery.objects.get(channel=Channel.EMAIL).notification.recipient == people.commissioner


def test_a_rolled_back_change_notifies_nobody(
    people: Any, wecom: Any, webhook_server: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        greet(people)
        raise Rollback
    assert callbacks == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert webhook_server.requests == [] and mailoutbox == []


def test_the_same_dedup_key_notifies_once(
    people: Any, wecom: Any, webhook_server: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            greet(people, dedup_key="sweep:problem-1:red")
    assert Notification.objects.count() == 2  # one each for the two recipients
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 1
    assert Delivery.objects.filter(channel=Channel.WEBHOOK).count() == 1
    assert len(webhook_server.requests) == 1 and len(mailoutbox) == 1

    # a third run that adds a recipient: only the newcomer gets it; the group is not told again
    with django_capture_on_commit_callbacks(execute=True):
        created = greet(
            people, recipients=[people.commissioner, people.cc_staff, people.leader], dedup_key="sweep:problem-1:red"
        )
    assert [n.recipient_id for n in created] == [people.leader.pk]
    assert len(webhook_server.requests) == 1


def test_without_dedup_key_each_call_notifies(people: Any) -> None:
    greet(people, unit_webhooks=[])
    greet(people, unit_webhooks=[])
    assert Notification.objects.filter(recipient=people.commissioner).count() == 2


def test_inactive_users_duplicates_and_email_off(people: Any) -> None:
    people.cc_staff.is_active = False
    people.cc_staff.save()
    created = greet(people, recipients=[people.commissioner, people.commissioner, people.cc_staff], email=False)
    assert [n.recipient_id for n in created] == [people.commissioner.pk]
    assert not Delivery.objects.exists()


def test_only_active_endpoints_of_the_given_units(people: Any, wecom: Any, webhook_server: Any) -> None:
    WebhookEndpoint.objects.create(
        name="old group", kind=WebhookKind.WECOM, url=f"{webhook_server.url}/old", unit=people.bureau_lqy, is_active=False
    )
    WebhookEndpoint.objects.create(name="other unit", kind=WebhookKind.WECOM, url=f"{webhook_server.url}/x", unit=people.cc_jj)
    ops = WebhookEndpoint.objects.create(name="ops", kind=WebhookKind.GENERIC, url=f"{webhook_server.url}/ops")
    greet(people, email=False, endpoints=[ops])
    assert set(Delivery.objects.values_list("endpoint__name", flat=True)) == {"LQY bureau group", "ops"}


def test_text_is_stored_as_code_and_params_and_rendered_per_reader(people: Any) -> None:
    (notice,) = notify.notify(recipients=[people.commissioner], code="test.limit", params={"n": 12})
    notice = Notification.objects.get(pk=notice.pk)
    assert (notice.code, notice.params) == ("test.limit", {"n": 12})
    assert notice.summary == "最多 12 个字符。"  # channels: the platform's language, at creation
    with translation.override("en"):
        assert Notification.objects.get(pk=notice.pk).title == "At most 12 characters."
    with translation.override("zh-hans"):
        assert Notification.objects.get(pk=notice.pk).title == "最多 12 个字符。"


def test_params_are_stored_as_json(people: Any) -> None:
    (notice,) = notify.notify(
        recipients=[people.commissioner], code="test.greeting", params={"name": people.ent_lqy, "day": date(2020, 2, 10)}
    )
    notice.refresh_from_db()
    assert notice.params == {"name": people.ent_lqy.pk, "day": "2020-02-10"}


def test_mistakes_are_refused(people: Any) -> None:
    with pytest.raises(ValueError, match="not registered"):
        notify.notify(recipients=[people.commissioner], code="test.nobody_registered_this", params={})
    with pytest.raises(ValueError, match="link"):
        notify.notify(recipients=[people.commissioner], code="test.greeting", params={}, link="javascript:alert(1)")
    with pytest.raises(ValueError, match="already registered"):
        notify.register("test.greeting", "Something else")
    with pytest.raises(ValueError):
        notify.register("Not A Code", "x")
    assert not Notification.objects.exists()


def test_rendering_survives_missing_or_wrong_parameters() -> None:
    assert notify.render("test.greeting", {}, language="en") == ("Hello ", "Something happened at .")
    assert notify.render("test.limit", {"n": "many"}, language="en") == ("At most %(n)d characters.", "")
    assert notify.render("retired.code", {"x": 1}) == ("retired.code", "")


def test_a_concurrent_duplicate_is_skipped_without_breaking_the_callers_transaction(people: Any) -> None:
    """Two sweeps racing past the "already notified?" check: the unique key decides, quietly."""
    from qifu.notifications.services import _insert_deduplicated

    Notification.objects.create(recipient=people.commissioner, code="test.greeting", dedup_key="k")
    with transaction.atomic():
        created = _insert_deduplicated(
            Notification,
            [
                Notification(recipient=people.commissioner, code="test.greeting", dedup_key="k"),
                Notification(recipient=people.cc_staff, code="test.greeting", dedup_key="k"),
            ],
            lambda n: Notification.objects.filter(recipient_id=n.recipient_id, dedup_key=n.dedup_key).exists(),
        )
        assert [n.recipient_id for n in created] == [people.cc_staff.pk]
        assert Notification.objects.count() == 2  # the transaction is still usable
