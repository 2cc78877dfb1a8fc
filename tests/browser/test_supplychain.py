"""A plant's supply-chain page: days to stop, the ECharts graph, raising a routed problem from the table."""

from __future__ import annotations

from typing import Any

import pytest

from .test_ledger import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_plant_page_shows_days_to_stop_and_raises_a_problem(live_server: Any, page: Any) -> None:
    from qifu.core.testing.factories import World
    from qifu.supplychain.tests.conftest import build

    w = build(World())
    sign_in(page, live_server.url, "comm")
    page.goto(f"{live_server.url}/supplychain/plants/{w.ent_lqy.pk}/?date=2020-02-20")
    assert page.locator("#days-to-stop .num").inner_text() == "4"
    # the list of every supplier opens with the most critical one: the local supplier that stops the plant first
    assert page.locator("#all-suppliers tbody tr").first.get_attribute("data-row") == str(w.ent_lqy2.pk)
    page.wait_for_function("() => window.echarts && document.querySelector('#chain-graph canvas')")
    row = page.locator(f"tr[data-supplier='{w.ent_cq.pk}']")
    assert "跨省协调" in row.inner_text()
    row.get_by_role("button").click()
    page.wait_for_url("**/supplychain/plants/**")
    assert "已提交并转办" in page.content()
    raised = page.locator(f"tr[data-supplier='{w.ent_cq.pk}']").inner_text()
    assert "LQY-" in raised and "Sichuan cross-province office" in raised  # routed straight to the province
    # the local supplier's stock is corrected on its link's page: the plant now runs 6 days instead of 4
    page.locator(f"a[data-link='{w.l_local.pk}']").click()
    page.wait_for_url("**/supplychain/links/**")
    page.fill("input[name='stock_days']", "6")
    page.locator("#link-form button[type='submit']").click()
    page.wait_for_url("**/supplychain/plants/**")
    assert page.locator("#days-to-stop .num").inner_text() == "6"
