"""Workforce return in the browser: a district's return figures with the chart, and a full personal list
uploaded, previewed and confirmed on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_ledger import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_district_return_figures_show_the_rate_and_the_chart(live_server: Any, page: Any) -> None:
    from qifu.core.testing.factories import World
    from qifu.workforce import services
    from qifu.workforce.tests.conftest import add_authorities

    w = add_authorities(World())
    services.origin_group_set(actor=w.contact_user, enterprise_id=w.ent_lqy.pk, origin_code="420102", expected=80,
                              counts={"at_origin": 20, "at_work": 60})
    sign_in(page, live_server.url, "cc_lqy")
    page.goto(f"{live_server.url}/workforce/figures/510112/")
    assert page.locator("#return-figures .rate").inner_text() == "75.0%"
    page.wait_for_function("() => window.echarts && document.querySelector('#chart-return canvas')")


def test_personal_list_upload_is_previewed_then_saved(live_server: Any, page: Any, tmp_path: Path) -> None:
    from qifu.core.testing.factories import World
    from qifu.workforce.models import Worker
    from qifu.workforce.tests.conftest import add_authorities, id_number
    from qifu.workforce.tests.test_services import sheet, upload

    w = add_authorities(World())
    upload(w, n=2)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(sheet([["工人0", "13800000000", id_number(0), "420102", "焊工"]]).getvalue())
    sign_in(page, live_server.url, w.contact_user.username)
    page.goto(f"{live_server.url}/enterprises/{w.ent_lqy.pk}/workforce/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button.primary")
    preview = page.locator("#preview")
    assert "1" in preview.inner_text() and "不再返岗" in preview.inner_text()
    assert Worker.objects.filter(state="not_returning").count() == 0
    page.click("#preview button.primary")
    page.wait_for_url(f"**/enterprises/{w.ent_lqy.pk}/workforce/")
    assert Worker.objects.get(id_number=id_number(1)).state == "not_returning"
