"""A problem walked from the enterprise's report to its confirmation, through the pages, on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qifu.core.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(f"{base}/")


def act(page: Any, label: str, fields: dict[str, str] | None = None) -> None:
    """Open the action's panel, fill it and submit it; wait for the page to come back."""
    action = page.locator("details.action", has=page.locator("summary", has_text=label)).first
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    for selector, value in (fields or {}).items():
        element = action.locator(selector).first
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        elif element.get_attribute("type") in ("checkbox", "radio"):
            element.check()
        else:
            element.fill(value)
    with page.expect_navigation():
        action.locator("form button.primary").click()
    assert page.locator(".msg-error").count() == 0, page.locator(".msg-error").all_inner_texts()


def test_problem_from_report_to_confirmation(live_server: Any, page: Any, artifacts: Path) -> None:
    from qifu.core.testing.factories import World
    from qifu.ledger.models import Problem, ProblemCategory

    w = World()
    ProblemCategory.objects.filter(code="protective_supplies").update(task_force=w.task_force)
    base = live_server.url

    # the enterprise reports
    sign_in(page, base, "contact")
    page.goto(f"{base}/enterprises/{w.ent_lqy.pk}/")
    page.click("text=上报问题")
    page.fill("#id_title", "口罩紧缺，复工员工无口罩")
    page.select_option("#id_category", label="防护物资")
    page.click("main button.primary")
    page.wait_for_url("**/problems/*/")
    number = page.locator("h1 .mono").inner_text()
    assert number.startswith("LQY-")
    problem = Problem.objects.get(number=number)
    detail = f"{base}/problems/{problem.pk}/"

    sign_in(page, base, "comm")
    page.goto(detail)
    act(page, "受理")
    act(page, "上报", {"textarea[name=reason]": "超出专员协调能力，需指挥部协调"})
    sign_in(page, base, "cc_lqy")
    page.goto(detail)
    act(page, "交办职能部门", {f"input[name=units][value='{w.department.pk}']": "on"})
    sign_in(page, base, "dept")
    page.goto(detail)
    act(page, "签收")
    act(page, "办结", {"select[name=resolution_type]": "solved", "textarea[name=resolution]": "已调配口罩 2000 只"})
    page.screenshot(path=str(artifacts / "ledger-resolved.png"), full_page=True)

    sign_in(page, base, "contact")
    page.goto(detail)
    act(page, "确认并评价", {"input[name=rating][value=satisfied]": "on"})
    sign_in(page, base, "comm")
    page.goto(detail)
    act(page, "核实办理结果")
    body = page.locator("main").inner_text()
    assert "已办结" in body or "已关闭" in body
    page.screenshot(path=str(artifacts / "ledger-closed.png"), full_page=True)
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.rating == "satisfied"
    assert list(problem.events.values_list("code", flat=True)) == [
        "reported", "accepted", "escalated", "dispatched", "acknowledged", "resolved", "confirmed", "checked", "closed"]
