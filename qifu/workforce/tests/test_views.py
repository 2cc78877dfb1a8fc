"""Pages: masked personal list in the HTML, Chinese errors on bad input with nothing changed, the warning on the
status pages of a supplier's customer."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from qifu.workforce import services
from qifu.workforce.models import BusPlan

from .conftest import id_number
from .test_services import upload

pytestmark = pytest.mark.django_db


def test_roster_page_masks_for_officials(client: Any, ww: Any) -> None:
    upload(ww, n=1)
    client.force_login(ww.commissioner)
    html = client.get(reverse("workforce-roster", kwargs={"pk": ww.ent_lqy.pk})).content.decode()
    assert id_number(0) not in html and "4201************" in html and "138****0000" in html
    client.force_login(ww.contact_user)
    assert id_number(0) in client.get(reverse("workforce-roster", kwargs={"pk": ww.ent_lqy.pk})).content.decode()


def test_bad_plan_shows_chinese_errors(client: Any, ww: Any) -> None:
    client.force_login(ww.contact_user)
    response = client.post(reverse("workforce-plan-create", kwargs={"pk": ww.ent_lqy.pk}),
                           {"date": "2000-01-01", "seats": 45}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    text = response.content.decode()
    assert "日期不能早于今天" in text and "没有滞留原籍待返岗的人员" in text
    assert not BusPlan.objects.exists()


def test_supplier_health_event_warns_the_customer_status_pages(client: Any, ww: Any) -> None:
    services.health_event_report(actor=ww.commissioner2, data=services.HealthEventInput(
        enterprise_id=ww.ent_lqy2.pk, person_name="x", description="发热", customer_ids=(ww.ent_lqy.pk,)))
    client.force_login(ww.commissioner)
    for name in ("resumption-history", "enterprise-detail"):
        html = client.get(reverse(name, kwargs={"pk": ww.ent_lqy.pk}), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "有疑似病例正在排查" in html, name


def test_return_figures_pages_for_a_district_and_the_city(client: Any, ww: Any) -> None:
    from openpyxl import load_workbook

    services.origin_group_set(actor=ww.contact_user, enterprise_id=ww.ent_lqy.pk, origin_code="420102",
                              expected=80, counts={"at_origin": 20, "at_work": 60})
    client.force_login(ww.leader)
    html = client.get(reverse("workforce-figures", kwargs={"code": "510100"}),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "返岗率" in html and "75.0%" in html and 'id="chart-return"' in html and "湖北省" in html
    assert reverse("workforce-figures", kwargs={"code": "510112"}) in html  # the city lists its districts
    response = client.get(reverse("workforce-figures", kwargs={"code": "510112"}) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else
                                              [response.content]))).active
    rows = list(sheet.values)
    assert rows[1][1] == 80 and rows[-1][1] == 60 and rows[-1][2] == 75.0  # before the holiday, then today
    client.force_login(ww.cc_staff)  # Longquanyi's command center: its district, not the city
    assert client.get(reverse("workforce-figures", kwargs={"code": "510112"})).status_code == 200
    assert client.get(reverse("workforce-figures", kwargs={"code": "510100"})).status_code == 404
    client.force_login(ww.cc_other)  # Jinjiang's command center sees its own district, without Longquanyi's workers
    assert "75.0%" not in client.get(reverse("workforce-figures", kwargs={"code": "510104"})).content.decode()
    client.force_login(ww.contact_user)
    assert client.get(reverse("workforce-figures", kwargs={"code": "510112"})).status_code == 403


def test_project_page_records_the_lodging_rule(client: Any, ww: Any) -> None:
    from qifu.projects.tests.conftest import make_project
    from qifu.workforce.models import LodgingRule

    project = make_project(ww).project
    p = services.ledger_problem_raise(actor=ww.team_leader, enterprise_id=ww.ent_project.pk, kind="lodging",
                                      title="周边乡镇拒绝外省员工入住")
    url = reverse("workforce-project", kwargs={"pk": project.pk})
    client.force_login(ww.team_member)
    bad = client.post(url, {"rule": "点对点、不拒收", "problem": "NO-SUCH", "shuttles": "杜浔镇, 6点半, , 45"},
                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and not LodgingRule.objects.exists()
    ok = client.post(url, {"rule": "点对点、不拒收", "problem": p.number,
                           "shuttles": "杜浔镇集中住宿点, 06:30, 18:30, 45\n霞美镇，06:40，，33"})
    assert ok.status_code == 302
    rule = LodgingRule.objects.get(project=project)
    assert rule.problem_id == p.pk and project.shuttles.count() == 2
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "杜浔镇集中住宿点" in html and p.number in html
    client.force_login(ww.dept_staff)  # the project's transport department reads it, cannot change it
    assert client.get(url).status_code == 200 and client.post(url, {"rule": "x"}).status_code == 403


def test_personal_list_upload_previews_then_confirms(client: Any, ww: Any) -> None:
    from qifu.workforce.models import Worker

    from .test_services import sheet

    upload(ww, n=2)
    client.force_login(ww.contact_user)
    url = reverse("workforce-import", kwargs={"pk": ww.ent_lqy.pk})
    response = client.post(url, {"op": "preview", "file": sheet([["工人0", "13800000000", id_number(0), "420102", ""]])},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200 and "不再返岗" in html and Worker.objects.filter(state="at_origin").count() == 2
    token = response.context["token"]
    confirm = {"op": "confirm", "token": token, "created": 0, "updated": 1, "unchanged": 0, "not_returning": 1,
               "removed": 0}
    assert client.post(url, confirm).status_code == 302
    assert Worker.objects.get(id_number=id_number(1)).state == "not_returning"
    assert client.post(url, confirm).status_code == 302  # the file is used once
    assert Worker.objects.filter(state="not_returning").count() == 1


def test_a_supplier_in_the_supply_chain_warns_its_buyers(client: Any, ww: Any) -> None:
    from qifu.supplychain.models import SupplyLink
    from qifu.workforce import selectors

    SupplyLink.objects.create(buyer=ww.ent_lqy, supplier=ww.ent_lqy2, part="线束", stock_days=3)
    event = services.health_event_report(actor=ww.commissioner2, data=services.HealthEventInput(
        enterprise_id=ww.ent_lqy2.pk, person_name="x", description="发热"))
    assert ww.ent_lqy.name in event.notified
    assert selectors.health_warnings(user=ww.admin, enterprise_ids=[ww.ent_lqy.pk])[ww.ent_lqy.pk][0]["kind"] == "supplier"
    services.health_event_close(actor=ww.health_staff, event_id=event.pk, status="cleared", outcome="两次核酸阴性")
    assert selectors.health_warnings(user=ww.admin, enterprise_ids=[ww.ent_lqy.pk]) == {}
