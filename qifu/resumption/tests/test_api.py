"""The API: filing with JSON field errors, the history, and figures identical to the dashboard's."""

from __future__ import annotations

from typing import Any

import pytest

from qifu.resumption import selectors
from qifu.resumption.models import StatusReport

from .conftest import DAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/resumption"


def test_file_replace_and_history(client: Any, rw: Any) -> None:
    client.force_login(rw.commissioner)
    body = {"enterprise_id": rw.ent_lqy.pk, "date": DAY.isoformat(), "status": "full", "employees_expected": 100,
            "employees_on_duty": 100, "capacity": 101}
    response = client.post(f"{URL}/reports", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "api" and response.json()["is_current"]
    history = client.get(f"{URL}/reports", {"enterprise_id": rw.ent_lqy.pk, "history": True}).json()
    assert [r["status"] for r in history["items"]] == ["full", "resumed", "partly"]
    assert [r["is_current"] for r in history["items"]] == [True, False, False]
    current = client.get(f"{URL}/reports", {"date": DAY.isoformat()}).json()
    assert [r["enterprise_id"] for r in current["items"]] == [rw.ent_lqy.pk]  # the commissioner's scope


def test_bad_input_gets_field_errors_and_changes_nothing(client: Any, rw: Any) -> None:
    client.force_login(rw.commissioner)
    before = StatusReport.objects.count()
    body = {"enterprise_id": rw.ent_lqy.pk, "date": "2099-01-01", "status": "resumed", "employees_expected": 10,
            "employees_on_duty": 20, "capacity": 200}
    response = client.post(f"{URL}/reports", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date", "capacity", "employees_on_duty"}
    assert StatusReport.objects.count() == before
    other = client.post(f"{URL}/reports", body | {"enterprise_id": rw.ent_jj.pk}, content_type="application/json")
    assert other.status_code == 404


def test_figures_are_the_dashboards(client: Any, rw: Any) -> None:
    client.force_login(rw.cc_staff)
    data = client.get(f"{URL}/figures", {"day": DAY.isoformat()}).json()
    expected = selectors.day_figures(scope=selectors.scope_for(user=rw.cc_staff), day=DAY)
    assert data["totals"] == expected["totals"]
    assert data["scope"] == "regions" and [r["key"] for r in data["by_district"]] == ["510112"]
    page = client.get("/resumption/", {"date": DAY.isoformat()})
    assert page.status_code == 200
    assert page.context["totals"] == expected["totals"]
    drill = client.get(f"{URL}/drilldown", {"day": DAY.isoformat(), "kind": "not_reported"}).json()
    assert [e["name"] for e in drill["items"]] == ["Project owner"]
    trend = client.get(f"{URL}/trend", {"start": DAY.isoformat(), "end": DAY.isoformat()}).json()
    assert trend[0]["resumption_rate"] == expected["totals"]["resumption_rate"]
    client.force_login(rw.contact_user)
    assert client.get(f"{URL}/figures").status_code == 403
