"""The notifications page: each person sees and marks only their own; the unread badge in the top bar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qifu.core import notify
from qifu.notifications.models import Notification

pytestmark = pytest.mark.django_db


def notice(user: Any, name: str, **kwargs: Any) -> Notification:
    (created,) = notify.notify(recipients=[user], code="test.greeting", params={"name": name}, email=False, **kwargs)
    return created


def test_the_list_shows_only_ones_own_newest_first_unread_bold(client: Any, world: Any) -> None:
    old = notice(world.commissioner, "Old Works", link="/enterprises/")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1), read_at=timezone.now()
    )
    notice(world.commissioner, "New Works")
    notice(world.cc_staff, "Somebody Else's")
    client.force_login(world.commissioner)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("notification-list")).content.decode()
    assert html.index("Hello New Works") < html.index("Hello Old Works")
    assert "<strong>Hello New Works</strong>" in html
    assert '<a href="/enterprises/">Hello Old Works</a>' in html and "<strong><a href=\"/enterprises/\">" not in html
    assert "Somebody Else" not in html
    unread = client.get(reverse("notification-list"), {"unread": "1"}).content.decode()
    assert "New Works" in unread and "Old Works" not in unread


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client: Any, world: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.QIFU_PAGE_SIZE = 5
    for i in range(12):
        notice(world.commissioner, f"Works {i:02d}")
    client.force_login(world.commissioner)
    client.get(reverse("notification-list"))  # warm up the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notification-list"), {"page": 3}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and html.count('id="notification-') == 2


def test_mark_read_with_htmx_updates_the_row_and_the_badge(client: Any, world: Any) -> None:
    first = notice(world.commissioner, "A")
    notice(world.commissioner, "B")
    client.force_login(world.commissioner)
    response = client.post(reverse("notification-read", args=[first.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "<strong>" not in html
    assert 'id="notifications-link" hx-swap-oob="true"' in html and ">1</span>" in html
    first.refresh_from_db()
    assert first.read_at is not None
    # marking again changes nothing (and is no error)
    read_at = first.read_at
    client.post(reverse("notification-read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at == read_at


def test_nobody_marks_anothers_notification(client: Any, world: Any) -> None:
    theirs = notice(world.commissioner, "A")
    for user in (world.commissioner2, world.admin, world.leader):
        client.force_login(user)
        assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notification-read", args=[theirs.pk])).status_code == 405


def test_mark_all_read_only_touches_ones_own(client: Any, world: Any) -> None:
    mine = [notice(world.commissioner, "A"), notice(world.commissioner, "B")]
    theirs = notice(world.cc_staff, "C")
    client.force_login(world.commissioner)
    response = client.post(reverse("notification-read-all"), {"next": "https://evil.example.com/"})
    assert response.status_code == 302 and response["Location"] == reverse("notification-list")
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_top_bar_shows_the_unread_count(client: Any, world: Any) -> None:
    client.force_login(world.commissioner)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert 'id="notifications-link"' in html and "tag-key" not in html.split('id="notifications-link"')[1][:120]
    notice(world.commissioner, "A")
    notice(world.commissioner, "B")
    html = client.get(reverse("home")).content.decode()
    link = html.split('id="notifications-link"')[1].split("</a>")[0]
    assert "Notifications" in link and ">2</span>" in link
