"""The resumption dashboard renders its figures and charts (ECharts from the app's own static files)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_ledger import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_dashboard_shows_the_resumption_rate(live_server: Any, page: Any) -> None:
    from qifu.core.testing.factories import World
    from qifu.resumption.tests.conftest import DAY, file

    w = World()
    file(w.commissioner, w.ent_lqy, "resumed", 100, 80, 70)
    file(w.commissioner2, w.ent_lqy2, "not_resumed", 50, 0, 0)
    sign_in(page, live_server.url, "cc_lqy")
    page.goto(f"{live_server.url}/resumption/?date={DAY.isoformat()}")
    assert page.locator("#fig-resumption-rate .num").inner_text() == "33.3%"  # 1 of LQY's 3 enterprises
    page.wait_for_function("() => window.echarts && document.querySelector('#chart-trend canvas')")
    page.click("#fig-resumption-rate")
    page.wait_for_url("**/resumption/enterprises/**")
    assert page.locator("#drill-count").inner_text() == "1"
