"""An enterprise contact posts a demand on a phone and sees the matching supply suggested, with why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from .test_ledger import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_posting_a_demand_shows_a_match(live_server: Any, page: Any) -> None:
    from qifu.cooperation import index
    from qifu.cooperation.services import ListingInput, listing_create
    from qifu.core.testing.factories import World

    index.reset()
    w = World()
    until = date.today() + timedelta(days=30)
    listing_create(actor=w.admin, publish=True, data=ListingInput(
        enterprise_id=w.ent_jj.pk, kind="supply", title="供应KN95防护口罩", category="防疫物资/口罩", region="510104",
        valid_until=until, contact_name="李厂长", contact_phone="13800000001", quantity=50000, unit="只",
        description="日产20万只，现货"))
    sign_in(page, live_server.url, "contact")
    page.goto(f"{live_server.url}/enterprises/{w.ent_lqy.pk}/listings/new/")
    page.select_option("#id_kind", "demand")
    page.fill("#id_title", "急需KN95口罩")
    page.fill("#id_category", "防疫物资/口罩")
    page.fill("#id_quantity", "10000")
    page.fill("#id_unit", "只")
    page.fill("#id_valid_until", until.isoformat())
    page.fill("#id_contact_name", "王经理")
    page.fill("#id_contact_phone", "028-84800000")
    with page.expect_navigation():
        page.click("button[name=publish]")
    row = page.locator("#suggestions tbody tr").first
    assert "供应KN95防护口罩" in row.inner_text()
    assert "KN95" in row.inner_text()  # the reason names the shared terms
    assert "13800000001" not in page.content()  # no contact before both sides agree
