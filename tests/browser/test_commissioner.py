"""A commissioner signs in on a phone, opens "my enterprises" and then an enterprise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qifu.core.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


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
    page.click("main button.primary")
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


def test_command_center_registers_an_enterprise_with_the_region_picker(
    live_server: Any, page: Any, artifacts: Path
) -> None:
    from qifu.core.testing.factories import World, credit_code
    from qifu.enterprises.models import Enterprise

    World()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cc_lqy")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/enterprises/new/")

    good = credit_code(777)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.fill("#id_name", "成都测试新材料有限公司")
    page.fill("#id_credit_code", bad)
    # cascade: province → city → district, each level loaded by htmx
    page.select_option("select.region-level[data-level='1']", "510000")
    page.wait_for_selector("select.region-level[data-level='2'] option[value='510100']", state="attached")
    page.select_option("select.region-level[data-level='2']", "510100")
    page.wait_for_selector("select.region-level[data-level='3'] option[value='510112']", state="attached")
    page.select_option("select.region-level[data-level='3']", "510112")
    assert page.input_value("#id_region") == "510112"
    page.select_option("#id_industry", "36")
    page.click("main button.primary")

    error = page.locator(".error").first.inner_text()
    assert "校验" in error  # the wrong check character is explained, in Chinese
    assert not Enterprise.objects.filter(name="成都测试新材料有限公司").exists()
    page.screenshot(path=str(artifacts / "enterprise-form-error.png"), full_page=True)

    page.fill("#id_credit_code", good)
    page.click("main button.primary")
    page.wait_for_url("**/enterprises/*/")
    assert "成都测试新材料有限公司" in page.locator("h1").inner_text()
    enterprise = Enterprise.objects.get(credit_code=good)
    assert enterprise.region_id == "510112" and enterprise.industry_id == "36"
