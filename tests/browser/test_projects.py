"""The work team strikes an arrived item off the equipment ledger with one tap on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from .test_ledger import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_check_off_an_arrived_item_on_a_phone(live_server: Any, page: Any) -> None:
    from qifu.core.testing.factories import World
    from qifu.projects.models import EquipmentItem
    from qifu.projects.tests.conftest import item, make_project

    w = World()
    p = make_project(w).project
    tower = item(p, "T-1101", name="洗涤塔", status="at_port", risk="delay")
    item(p, "P-2001", name="离心泵")
    sign_in(page, live_server.url, "team_member")
    page.goto(f"{live_server.url}/projects/{p.pk}/equipment/?status=open")
    row = page.locator(f"#item-{tower.pk}")
    row.locator("button.checkoff").click()
    page.wait_for_selector(f"#item-{tower.pk}.muted")  # htmx swapped the row: struck off, no button left
    assert page.locator(f"#item-{tower.pk} button.checkoff").count() == 0
    assert page.locator("button.checkoff").count() == 1  # the other item still waits
    tower.refresh_from_db()
    assert (tower.status, tower.risk) == ("on_site", "normal")
    assert EquipmentItem.objects.get(number="P-2001").status == "ordered"
