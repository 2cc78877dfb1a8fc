"""The notification endpoints under /api/v1/notifications: one's own only, 404 for anyone else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qifu.core import notify
from qifu.notifications.models import Notification
from qifu.organisations import services as organisation_services

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications"


def bearer(user: Any, **headers: str) -> Client:
    _token, raw = organisation_services.token_create(actor=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}", **headers})


def notice(user: Any, name: str) -> Notification:
    (created,) = notify.notify(recipients=[user], code="test.greeting", params={"name": name}, link="/x/", email=False)
    return created


def test_list_is_ones_own_with_unread_filter(world: Any) -> None:
    first, second = notice(world.commissioner, "A"), notice(world.commissioner, "B")
    notice(world.cc_staff, "C")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    api = bearer(world.commissioner, **{"Accept-Language": "en"})
    body = api.get(API).json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    item = body["items"][0]
    assert item["title"] == "Hello B" and item["body"] == "Something happened at B."
    assert (item["code"], item["params"], item["link"], item["is_read"]) == ("test.greeting", {"name": "B"}, "/x/", False)
    assert [i["id"] for i in api.get(API, {"unread": "true"}).json()["items"]] == [second.pk]
    assert [i["id"] for i in api.get(API, {"unread": "false"}).json()["items"]] == [first.pk]
    assert api.get(f"{API}/unread-count").json() == {"count": 1}


def test_mark_read_own_only(world: Any) -> None:
    mine, theirs = notice(world.commissioner, "A"), notice(world.cc_staff, "B")
    api = bearer(world.commissioner)
    response = api.post(f"{API}/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True
    response = api.post(f"{API}/{theirs.pk}/read")
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # an administrator is no exception: another person's notices are private
    assert bearer(world.admin).post(f"{API}/{theirs.pk}/read").status_code == 404
    assert bearer(world.admin).get(API).json()["count"] == 0


def test_read_all_and_count(world: Any) -> None:
    notice(world.commissioner, "A")
    notice(world.commissioner, "B")
    theirs = notice(world.cc_staff, "C")
    api = bearer(world.commissioner)
    assert api.get(f"{API}/unread-count").json() == {"count": 2}
    assert api.post(f"{API}/read-all").json() == {"marked": 2}
    assert api.post(f"{API}/read-all").json() == {"marked": 0}
    assert api.get(f"{API}/unread-count").json() == {"count": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_gets_401(client: Any, world: Any) -> None:
    assert client.get(API).status_code == 401
    assert client.post(f"{API}/read-all").status_code == 401
