"""Pages: masked personal list in the HTML, Chinese errors on bad input with nothing changed, the warning on the
status pages of a supplier's customer."""

from __future__ import annotations

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
