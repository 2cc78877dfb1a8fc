"""Units' coordination roles: set by administrators through the service, the back office and the API, one active
holder per region and role, recorded as events and shown on the unit pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from qifu.core.models import Event
from qifu.core.testing.factories import UnitFactory, region
from qifu.organisations import services
from qifu.organisations.choices import CoordinationRole, UnitKind
from qifu.organisations.models import Unit

API = "/api/v1"
ECONOMIC = CoordinationRole.ECONOMIC_DEPARTMENT
OFFICE = CoordinationRole.CROSS_PROVINCE_OFFICE


@pytest.fixture
def province(world: Any) -> Any:
    """Two departments at Sichuan's code (the health commission sorts first) and a task force."""
    world.health = UnitFactory(name="Sichuan health commission", code="sc-wjw", kind=UnitKind.DEPARTMENT,
                               region=region("510000"), sort_order=1)
    world.economic = UnitFactory(name="Sichuan economic department", code="sc-jxt", kind=UnitKind.DEPARTMENT,
                                 region=region("510000"), sort_order=9)
    world.office = UnitFactory(name="Sichuan cross-province office", code="sc-kszx",
                               kind=UnitKind.SERVICE_TASK_FORCE, region=region("510000"))
    return world


def role_events(unit: Unit) -> list[dict[str, Any]]:
    return list(Event.objects.filter(code="unit.coordination_role_changed", target_id=str(unit.pk))
                .order_by("id").values_list("data", flat=True))


def test_an_administrator_sets_and_clears_a_role_and_each_change_is_an_event(province: Any) -> None:
    w = province
    unit = services.unit_set_coordination_role(actor=w.admin, unit_id=w.economic.pk, role=ECONOMIC)
    assert Unit.objects.get(pk=w.economic.pk).coordination_role == ECONOMIC == unit.coordination_role
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.economic.pk, role=ECONOMIC)  # no change: no event
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.economic.pk, role="")
    assert role_events(w.economic) == [
        {"changes": {"coordination_role": {"old": "", "new": ECONOMIC}}},
        {"changes": {"coordination_role": {"old": ECONOMIC, "new": ""}}},
    ]
    event = Event.objects.filter(code="unit.coordination_role_changed").first()
    assert event is not None and event.actor == w.admin


def test_only_administrators_set_roles(province: Any) -> None:
    for user in (province.leader, province.cc_staff, province.dept_staff):
        with pytest.raises(PermissionDenied):
            services.unit_set_coordination_role(actor=user, unit_id=province.economic.pk, role=ECONOMIC)
    assert Unit.objects.get(pk=province.economic.pk).coordination_role == ""
    assert role_events(province.economic) == []


def test_a_second_active_holder_in_the_region_is_refused_with_a_field_error(province: Any) -> None:
    w = province
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.economic.pk, role=ECONOMIC)
    with pytest.raises(ValidationError) as exc:
        services.unit_set_coordination_role(actor=w.admin, unit_id=w.health.pk, role=ECONOMIC)
    assert list(exc.value.message_dict) == ["coordination_role"]
    assert "Sichuan economic department" in exc.value.message_dict["coordination_role"][0]
    assert Unit.objects.get(pk=w.health.pk).coordination_role == ""
    assert role_events(w.health) == []
    # the same role in another province, and another role in the same province, are fine
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.office.pk, role=OFFICE)
    chongqing = UnitFactory(name="Chongqing economic commission", code="cq-jxw", region=region("500000"))
    services.unit_set_coordination_role(actor=w.admin, unit_id=chongqing.pk, role=ECONOMIC)
    # an inactive unit's role does not count, and the database refuses a second active holder too
    Unit.objects.filter(pk=w.economic.pk).update(is_active=False)
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.health.pk, role=ECONOMIC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=w.economic.pk).update(is_active=True)


def test_the_error_is_in_chinese_for_chinese_users(province: Any) -> None:
    from django.utils import translation

    services.unit_set_coordination_role(actor=province.admin, unit_id=province.economic.pk, role=ECONOMIC)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.unit_set_coordination_role(actor=province.admin, unit_id=province.health.pk, role=ECONOMIC)
    assert "协调角色" in exc.value.message_dict["coordination_role"][0]


@pytest.mark.parametrize(("unit_attr", "role"), [
    ("bureau_lqy", ECONOMIC),  # a district bureau is not at a province's code
    ("work_team", OFFICE),  # a work team takes no problems
    ("office", ECONOMIC),  # a task force is not an economic department
    ("office", "galaxy"),
])
def test_roles_that_cannot_route_are_refused(province: Any, unit_attr: str, role: str) -> None:
    unit = getattr(province, unit_attr)
    with pytest.raises(ValidationError) as exc:
        services.unit_set_coordination_role(actor=province.admin, unit_id=unit.pk, role=role)
    assert list(exc.value.message_dict) == ["coordination_role"]
    assert Unit.objects.get(pk=unit.pk).coordination_role == ""


# --- the back office -------------------------------------------------------------------------------


def admin_client(world: Any) -> Client:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def unit_form(unit: Unit, **changes: Any) -> dict[str, Any]:
    data = {
        "name": unit.name, "short_name": unit.short_name, "code": unit.code, "kind": unit.kind,
        "region": unit.region_id, "parent": unit.parent_id or "", "domain": unit.domain,
        "coordination_role": unit.coordination_role, "is_active": "on" if unit.is_active else "",
        "sort_order": unit.sort_order,
        "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k not in ("is_active",)}


def test_the_back_office_edits_the_role_with_the_same_rules(province: Any) -> None:
    w, client = province, admin_client(province)
    url = f"/admin/organisations/unit/{w.economic.pk}/change/"
    response = client.post(url, unit_form(w.economic, coordination_role=ECONOMIC))
    assert response.status_code == 302, response.content
    assert Unit.objects.get(pk=w.economic.pk).coordination_role == ECONOMIC
    assert role_events(w.economic) == [{"changes": {"coordination_role": {"old": "", "new": ECONOMIC}}}]
    assert Event.objects.filter(code="admin.changed", target_id=str(w.economic.pk)).exists()
    # a second holder: the form shows the error on the field and nothing is written
    response = client.post(f"/admin/organisations/unit/{w.health.pk}/change/",
                           unit_form(w.health, coordination_role=ECONOMIC))
    assert response.status_code == 200
    assert "Sichuan economic department" in str(response.context["adminform"].form.errors["coordination_role"])
    assert Unit.objects.get(pk=w.health.pk).coordination_role == ""
    # reactivating a former holder while another holds the role is refused the same way
    services.unit_set_coordination_role(actor=w.admin, unit_id=w.economic.pk, role="")
    Unit.objects.filter(pk=w.health.pk).update(coordination_role=ECONOMIC)
    w.economic.refresh_from_db()
    Unit.objects.filter(pk=w.economic.pk).update(is_active=False, coordination_role=ECONOMIC)
    w.economic.refresh_from_db()
    response = client.post(url, unit_form(w.economic, is_active="on"))
    assert response.status_code == 200 and "coordination_role" in response.context["adminform"].form.errors
    assert not Unit.objects.get(pk=w.economic.pk).is_active
    # a new unit created with a role records it too
    response = client.post("/admin/organisations/unit/add/", unit_form(
        Unit(name="Hunan office", code="hn-kszx", kind=UnitKind.SERVICE_TASK_FORCE, region=region("430000")),
        coordination_role=OFFICE))
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Unit.objects.get(code="hn-kszx")
    assert created.coordination_role == OFFICE
    assert role_events(created) == [{"changes": {"coordination_role": {"old": "", "new": OFFICE}}}]


# --- the API and the pages -------------------------------------------------------------------------


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_reads_filters_and_sets_the_role(province: Any) -> None:
    w = province
    admin = session(w.admin)
    response = admin.patch(f"{API}/units/{w.economic.pk}", {"coordination_role": ECONOMIC},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["coordination_role"] == ECONOMIC
    assert role_events(w.economic) == [{"changes": {"coordination_role": {"old": "", "new": ECONOMIC}}}]
    listed = session(w.commissioner).get(f"{API}/units?coordination_role={ECONOMIC}").json()["items"]
    assert [u["code"] for u in listed] == ["sc-jxt"]
    response = admin.patch(f"{API}/units/{w.health.pk}", {"coordination_role": ECONOMIC},
                           content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["coordination_role"]
    response = session(w.dept_staff).patch(f"{API}/units/{w.health.pk}", {"coordination_role": ""},
                                           content_type="application/json")
    assert response.status_code == 403
    assert Unit.objects.get(pk=w.health.pk).coordination_role == ""


def test_the_unit_pages_show_the_role(province: Any) -> None:
    services.unit_set_coordination_role(actor=province.admin, unit_id=province.office.pk, role=OFFICE)
    client = session(province.commissioner)
    label = str(CoordinationRole.CROSS_PROVINCE_OFFICE.label)
    assert label in client.get(f"/units/{province.office.pk}/").content.decode()
    assert label in client.get("/units/").content.decode()
    assert label not in client.get(f"/units/{province.health.pk}/").content.decode()
