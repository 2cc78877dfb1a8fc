"""The enterprise endpoints under /api/v1/enterprises: scopes per role, errors, writes and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qifu.core.models import Event
from qifu.core.testing.factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    credit_code,
    make_user,
)
from qifu.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseContact
from qifu.organisations import services as organisation_services
from qifu.organisations.choices import Role

API = "/api/v1"

LQY = {"LQY Motor", "LQY Parts", "Project owner"}
ALL = LQY | {"JJ Foods", "CQ Supplier"}

# Which enterprises each role sees in the list (issue 2's scopes).
VISIBLE: dict[str, set[str]] = {
    "admin": ALL,
    "leader": ALL,
    "cc_staff": LQY,
    "cc_other": {"JJ Foods"},
    "tf_member": set(),
    "dept_staff": set(),
    "bureau_staff": LQY,
    "commissioner": {"LQY Motor"},
    "team_member": {"Project owner"},
    "contact_user": {"LQY Motor"},
    "nobody": set(),
}


def session(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def bearer(user: Any, **kwargs: Any) -> Client:
    _token, raw = organisation_services.token_create(actor=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"}, **kwargs)


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def new_enterprise(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "New Motor Works",
        "credit_code": credit_code(900001),
        "region": "510112",
        "industry": "36",
        "above_scale": True,
        "headcount": 120,
    }
    body.update(overrides)
    return body


def wrong_check_character(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


# --- scopes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_each_role_lists_exactly_its_scope(world: Any, role: str) -> None:
    user = world.cc_other if role == "cc_other" else world.role_users()[role]
    response = session(user).get(f"{API}/enterprises")
    assert names(response) == VISIBLE[role]
    assert response.json()["count"] == len(VISIBLE[role])


@pytest.mark.parametrize("path", ["", "/assignments", "/events"])
def test_outside_scope_is_indistinguishable_from_missing(world: Any, path: str) -> None:
    client = session(world.commissioner)
    hidden = client.get(f"{API}/enterprises/{world.ent_jj.pk}{path}")
    missing = client.get(f"{API}/enterprises/987654{path}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found"}


def test_writes_outside_scope_answer_404(world: Any) -> None:
    client = session(world.commissioner)
    url = f"{API}/enterprises/{world.ent_jj.pk}"
    assert (
        client.patch(url, {"version": 1, "address": "x"}, content_type="application/json").status_code == 404
    )
    assert (
        client.post(f"{url}/contacts", {"name": "Someone"}, content_type="application/json").status_code
        == 404
    )
    assert Enterprise.objects.get(pk=world.ent_jj.pk).address == ""
    assert not EnterpriseContact.objects.filter(enterprise=world.ent_jj).exists()


def test_detail_for_those_in_scope(world: Any) -> None:
    body = session(world.contact_user).get(f"{API}/enterprises/{world.ent_lqy.pk}").json()
    assert body["name"] == "LQY Motor"
    assert body["region"]["code"] == "510112"
    assert "龙泉驿" in body["region"]["full_name"]
    assert body["industry"] == {"code": "36", "name": "汽车制造业"}
    assert body["commissioner"]["id"] == world.commissioner.pk
    assert body["commissioner_since"] is not None
    assert [c["name"] for c in body["contacts"]] == ["Contact person"]
    assert body["contacts"][0]["has_account"] is True


# --- authentication -------------------------------------------------------------------------


def test_without_credentials_is_401(world: Any) -> None:
    response = Client().get(f"{API}/enterprises")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_wrong_or_revoked_token_is_401(world: Any) -> None:
    assert (
        Client(headers={"Authorization": "Bearer not-a-token"}).get(f"{API}/enterprises").status_code == 401
    )
    token, raw = organisation_services.token_create(actor=world.admin, name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert names(client.get(f"{API}/enterprises")) == ALL
    organisation_services.token_revoke(actor=world.admin, token_id=token.pk)
    assert client.get(f"{API}/enterprises").status_code == 401


def test_token_of_inactive_user_is_401(world: Any) -> None:
    client = bearer(world.cc_staff)
    world.cc_staff.is_active = False
    world.cc_staff.save()
    assert client.get(f"{API}/enterprises").status_code == 401


def test_token_auth_lists_the_token_owners_scope(world: Any) -> None:
    assert names(bearer(world.commissioner).get(f"{API}/enterprises")) == {"LQY Motor"}


def test_session_post_without_csrf_token_is_refused(world: Any) -> None:
    client = session(world.cc_staff, enforce_csrf_checks=True)
    response = client.post(f"{API}/enterprises", new_enterprise(), content_type="application/json")
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="New Motor Works").exists()


def test_session_post_with_csrf_token_is_accepted(world: Any) -> None:
    client = session(world.cc_staff, enforce_csrf_checks=True)
    secret = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = client.post(
        f"{API}/enterprises",
        new_enterprise(),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201, response.content


def test_token_post_needs_no_csrf_token(world: Any) -> None:
    client = bearer(world.cc_staff, enforce_csrf_checks=True)
    response = client.post(f"{API}/enterprises", new_enterprise(), content_type="application/json")
    assert response.status_code == 201, response.content


# --- create -----------------------------------------------------------------------------------


def test_command_center_creates_in_its_district(world: Any) -> None:
    response = session(world.cc_staff).post(
        f"{API}/enterprises",
        new_enterprise(credit_code=" " + credit_code(900001).lower()),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == credit_code(900001)  # stored normalised
    assert body["version"] == 1
    assert body["commissioner"] is None
    created = Enterprise.objects.get(pk=body["id"])
    assert created.region_id == "510112" and created.industry_id == "36" and created.headcount == 120
    assert Event.objects.filter(code="enterprise.created", target_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_code": wrong_check_character(credit_code(900001))}, "credit_code"),
        ({"credit_code": "12345"}, "credit_code"),
        ({"region": "999999"}, "region"),
        ({"industry": "99"}, "industry"),
        ({"industry": "C"}, "industry"),  # a section, not a division
        ({"name": "  "}, "name"),
        ({"headcount": -1}, "headcount"),
        ({"region": "510104"}, "region"),  # a real region, but another district's
    ],
)
def test_invalid_enterprise_is_400_with_field_errors_and_nothing_saved(
    world: Any, overrides: dict[str, Any], field: str
) -> None:
    before = Enterprise.objects.count()
    response = session(world.cc_staff).post(
        f"{API}/enterprises", new_enterprise(**overrides), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Invalid input"
    assert field in body["errors"] and body["errors"][field]
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_400(world: Any) -> None:
    before = Enterprise.objects.count()
    response = session(world.admin).post(
        f"{API}/enterprises",
        new_enterprise(credit_code=world.ent_jj.credit_code),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]
    assert Enterprise.objects.count() == before


def test_missing_and_unknown_fields_are_400(world: Any) -> None:
    body = new_enterprise()
    del body["name"]
    body["colour"] = "red"
    response = session(world.admin).post(f"{API}/enterprises", body, content_type="application/json")
    assert response.status_code == 400
    assert {"name", "colour"} <= set(response.json()["errors"])


@pytest.mark.parametrize("role", ["commissioner", "leader", "bureau_staff", "contact_user"])
def test_roles_without_enterprise_add_get_403(world: Any, role: str) -> None:
    client = session(world.role_users()[role])
    for body in (new_enterprise(), new_enterprise(region="999999")):  # 403 before any field error
        response = client.post(f"{API}/enterprises", body, content_type="application/json")
        assert response.status_code == 403
        assert response.json() == {"detail": "Not allowed"}
    assert not Enterprise.objects.filter(name="New Motor Works").exists()


# --- update -----------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(world: Any) -> None:
    url = f"{API}/enterprises/{world.ent_lqy.pk}"
    response = session(world.cc_staff).patch(
        url, {"version": 1, "headcount": 250, "key_enterprise": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["headcount"] == 250 and body["key_enterprise"] is True
    fresh = Enterprise.objects.get(pk=world.ent_lqy.pk)
    assert (fresh.name, fresh.credit_code, fresh.region_id, fresh.industry_id, fresh.above_scale) == (
        "LQY Motor",
        world.ent_lqy.credit_code,
        "510112",
        "36",
        True,
    )


def test_stale_patch_is_409_and_the_row_unchanged(world: Any) -> None:
    client = session(world.cc_staff)
    url = f"{API}/enterprises/{world.ent_lqy.pk}"
    assert (
        client.patch(url, {"version": 1, "headcount": 250}, content_type="application/json").status_code
        == 200
    )
    response = client.patch(
        url, {"version": 1, "headcount": 7, "name": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    fresh = Enterprise.objects.get(pk=world.ent_lqy.pk)
    assert (fresh.version, fresh.headcount, fresh.name) == (2, 250, "LQY Motor")


def test_patch_requires_version_and_known_fields(world: Any) -> None:
    client = session(world.cc_staff)
    url = f"{API}/enterprises/{world.ent_lqy.pk}"
    assert "version" in client.patch(url, {"headcount": 3}, content_type="application/json").json()["errors"]
    response = client.patch(url, {"version": 1, "version_two": 3}, content_type="application/json")
    assert response.status_code == 400 and "version_two" in response.json()["errors"]


def test_patch_invalid_value_is_400(world: Any) -> None:
    response = session(world.cc_staff).patch(
        f"{API}/enterprises/{world.ent_lqy.pk}",
        {"version": 1, "industry": "99"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "industry" in response.json()["errors"]
    assert Enterprise.objects.get(pk=world.ent_lqy.pk).version == 1


def test_commissioner_changes_contact_fields_but_not_the_rest(world: Any) -> None:
    client = session(world.commissioner)
    url = f"{API}/enterprises/{world.ent_lqy.pk}"
    assert (
        client.patch(url, {"version": 1, "name": "Other"}, content_type="application/json").status_code == 403
    )
    response = client.patch(url, {"version": 1, "address": "1 Auto Road"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["address"] == "1 Auto Road"


def test_leadership_sees_but_may_not_change(world: Any) -> None:
    response = session(world.leader).patch(
        f"{API}/enterprises/{world.ent_lqy.pk}",
        {"version": 1, "headcount": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=world.ent_lqy.pk).headcount == 100


# --- commissioners, contacts, events ----------------------------------------------------------


def test_reassigning_keeps_the_history(world: Any) -> None:
    client = session(world.cc_staff)
    base = f"{API}/enterprises/{world.ent_lqy.pk}"
    response = client.post(
        f"{base}/commissioner",
        {"commissioner_id": world.commissioner2.pk, "reason": "rotation"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["commissioner"]["id"] == world.commissioner2.pk
    assert response.json()["assigned_by"]["id"] == world.cc_staff.pk

    history = client.get(f"{base}/assignments").json()
    assert history["count"] == 2
    newest, previous = history["items"]
    assert (newest["commissioner"]["id"], newest["active"], newest["reason"]) == (
        world.commissioner2.pk,
        True,
        "rotation",
    )
    assert (previous["commissioner"]["id"], previous["active"]) == (world.commissioner.pk, False)
    assert previous["ended_at"] is not None

    again = client.post(
        f"{base}/commissioner", {"commissioner_id": world.commissioner2.pk}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["id"] == newest["id"]
    assert CommissionerAssignment.objects.filter(enterprise=world.ent_lqy).count() == 2
    # The previous commissioner no longer sees the enterprise.
    assert session(world.commissioner).get(base).status_code == 404


def test_assigning_someone_who_is_not_a_commissioner_is_400(world: Any) -> None:
    response = session(world.cc_staff).post(
        f"{API}/enterprises/{world.ent_lqy.pk}/commissioner",
        {"commissioner_id": world.bureau_staff.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "commissioner" in response.json()["errors"]


def test_commissioner_may_not_assign(world: Any) -> None:
    response = session(world.commissioner).post(
        f"{API}/enterprises/{world.ent_lqy.pk}/commissioner",
        {"commissioner_id": world.commissioner2.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert world.ent_lqy.active_assignment.commissioner_id == world.commissioner.pk


def test_contacts_are_added_by_those_who_may_change(world: Any) -> None:
    url = f"{API}/enterprises/{world.ent_lqy.pk}/contacts"
    body = {"name": "Wang Fang", "position": "HR", "phone": "13800000000", "email": "wf@example.com"}
    response = session(world.contact_user).post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Wang Fang" and response.json()["has_account"] is False
    assert session(world.leader).post(url, body, content_type="application/json").status_code == 403
    bad = session(world.cc_staff).post(
        url, {**body, "email": "not-an-email"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    assert EnterpriseContact.objects.filter(enterprise=world.ent_lqy, name="Wang Fang").count() == 1


def test_timeline_lists_the_changes(world: Any) -> None:
    client = session(world.cc_staff)
    url = f"{API}/enterprises/{world.ent_lqy.pk}"
    client.patch(url, {"version": 1, "headcount": 300}, content_type="application/json")
    events = client.get(f"{url}/events").json()
    assert events[0]["code"] == "enterprise.updated"
    assert events[0]["actor"]["id"] == world.cc_staff.pk
    assert events[0]["data"]["changes"]["headcount"] == {"old": 100, "new": 300}
    assert len(client.get(f"{url}/events?limit=1").json()) == 1


# --- filters, pagination, query counts --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=510100", LQY | {"JJ Foods"}),
        ("region=510000", LQY | {"JJ Foods"}),
        ("region=510104", {"JJ Foods"}),
        ("region=500113", {"CQ Supplier"}),
        ("region=500100", {"CQ Supplier"}),
        ("industry=C", ALL),
        ("industry=14", {"JJ Foods"}),
        ("industry=36", ALL - {"JJ Foods"}),
        ("without_commissioner=true", {"JJ Foods", "CQ Supplier"}),
        ("q=motor", {"LQY Motor"}),
        ("key_only=true", set()),
        ("above_scale=false", set()),
    ],
)
def test_list_filters(world: Any, query: str, expected: set[str]) -> None:
    assert names(session(world.admin).get(f"{API}/enterprises?{query}")) == expected


def test_list_item_shape(world: Any) -> None:
    items = session(world.admin).get(f"{API}/enterprises?q=LQY Motor").json()["items"]
    assert items == [
        {
            "id": world.ent_lqy.pk,
            "name": "LQY Motor",
            "credit_code": world.ent_lqy.credit_code,
            "region": {"code": "510112", "full_name": world.ent_lqy.region.full_name},
            "industry": {"code": "36", "name": "汽车制造业"},
            "above_scale": True,
            "key_enterprise": False,
            "is_external": False,
            "headcount": 100,
            "annual_output": None,
            "version": 1,
            "commissioner": {
                "id": world.commissioner.pk,
                "name": world.commissioner.display_name,
                "phone": world.commissioner.phone,
            },
        }
    ]


def test_pagination(world: Any) -> None:
    client = session(world.admin)
    first = client.get(f"{API}/enterprises?page_size=2").json()
    last = client.get(f"{API}/enterprises?page_size=2&page=3").json()
    assert first["count"] == last["count"] == 5
    assert len(first["items"]) == 2 and len(last["items"]) == 1
    assert client.get(f"{API}/enterprises?page=0").status_code == 400


def _list_queries(client: Client, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/enterprises", {"page_size": 200, **params})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["admin", "cc_staff", "commissioner"])
def test_list_query_count_does_not_grow_with_rows(
    world: Any, role: str, django_assert_max_num_queries: Any
) -> None:
    user = world.role_users()[role]
    client = session(user)
    client.get(f"{API}/enterprises")  # warm up the session
    few = _list_queries(client)
    for n in range(30):
        commissioner = user if role == "commissioner" else make_user(Role.COMMISSIONER, world.bureau_lqy)
        enterprise = EnterpriseFactory(name=f"Bulk {n}")
        AssignmentFactory(enterprise=enterprise, commissioner=commissioner)
        ContactFactory(enterprise=enterprise)
    assert names(client.get(f"{API}/enterprises?page_size=200")) >= {f"Bulk {n}" for n in range(30)}
    assert _list_queries(client) == few
    with django_assert_max_num_queries(8):
        client.get(f"{API}/enterprises", {"page_size": 200})


def test_detail_query_count_is_bounded(world: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(10):
        ContactFactory(enterprise=world.ent_lqy)
    client = session(world.cc_staff)
    with django_assert_max_num_queries(10):
        assert client.get(f"{API}/enterprises/{world.ent_lqy.pk}").status_code == 200


def test_commissioner_without_full_name_renders_with_username(world: Any) -> None:
    plain = make_user(Role.COMMISSIONER, world.bureau_lqy, full_name="")
    response = session(world.cc_staff).post(
        f"{API}/enterprises/{world.ent_lqy2.pk}/commissioner",
        {"commissioner_id": plain.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = session(world.admin).get(f"{API}/enterprises/{world.ent_lqy2.pk}").json()
    assert body["commissioner"] == {"id": plain.pk, "name": plain.username, "phone": ""}


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_api_import_is_all_or_nothing_with_a_row_report(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qifu.core.testing.factories import credit_code

    header = ["企业名称", "统一社会信用代码", "行政区划代码", "行业代码"]
    bad = credit_code(80002)[:-1] + ("0" if credit_code(80002)[-1] != "0" else "1")
    client.force_login(world.cc_staff)
    before = Enterprise.objects.count()
    response = client.post(
        "/api/v1/enterprises/import",
        {"file": SimpleUploadedFile("e.xlsx", _xlsx([header, ["甲", credit_code(80001), "510112", "36"], ["乙", bad, "510112", "36"]]))},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and [e["row"] for e in body["errors"]] == [3]
    assert body["errors"][0]["column"] == "credit_code"
    assert Enterprise.objects.count() == before
    response = client.post(
        "/api/v1/enterprises/import",
        {"file": SimpleUploadedFile("e.xlsx", _xlsx([header, ["甲", credit_code(80001), "510112", "36"]]))},
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    client.force_login(world.commissioner)
    response = client.post("/api/v1/enterprises/import", {"file": SimpleUploadedFile("e.xlsx", b"x")})
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_export_is_scoped(client: Any, world: Any) -> None:
    import io

    from openpyxl import load_workbook

    client.force_login(world.commissioner)
    response = client.get("/api/v1/enterprises/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]] == ["LQY Motor"]
