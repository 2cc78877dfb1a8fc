"""A commissioner signs in on a phone, opens "my enterprises" and then an enterprise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qifu.core.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_commissioner_signs_in_and_opens_an_enterprise(live_server: Any, page: Any, artifacts: Path) -> None:
    from qifu.core.testing.factories import World

    world = World()
    world.commissioner.full_name = "陈晶晶"
    world.commissioner.phone = "13800000001"
    world.commissioner.save()
    world.ent_lqy.name = "四川一汽丰田汽车有限公司"
    world.ent_lqy.save()

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "comm")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "欢迎" in page.content() and "陈晶晶" in page.content()

    page.goto(f"{live_server.url}/workbench/")
    cards = page.locator(".enterprise-card")
    assert cards.count() == 1  # only the enterprise assigned to this commissioner
    page.screenshot(path=str(artifacts / "commissioner-workbench.png"), full_page=True)
    cards.first.locator("a").click()
    page.wait_for_url("**/enterprises/*/")
    heading = page.locator("h1").inner_text()
    assert "四川一汽丰田汽车有限公司" in heading
    body = page.locator("main").inner_text()
    assert world.ent_lqy.credit_code in body
    assert "龙泉驿区" in body
    assert "陈晶晶" in body  # the commissioner serving it
    page.screenshot(path=str(artifacts / "commissioner-enterprise.png"), full_page=True)

    # another commissioner's enterprise is not reachable by URL either
    response = page.goto(f"{live_server.url}/enterprises/{world.ent_lqy2.pk}/")
    assert response.status == 404
