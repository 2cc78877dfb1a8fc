"""Enterprise pages: what users see and what their input does (and does not) change."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from qifu.core.models import Event
from qifu.core.testing.factories import credit_code
from qifu.enterprises.models import CommissionerAssignment, Enterprise

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "成都新能源汽车部件有限公司",
    "credit_code": credit_code(424242),
    "region": "510112",
    "industry": "36",
    "above_scale": "on",
    "address": "龙泉驿区车城大道 1 号",
    "headcount": "120",
}


def test_commissioner_list_shows_only_their_enterprises(client: Any, world: Any) -> None:
    client.force_login(world.commissioner)
    html = client.get(reverse("enterprise-list")).content.decode()
    assert "LQY Motor" in html
    assert "LQY Parts" not in html and "JJ Foods" not in html


def test_list_filters_and_htmx_partial(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    html = client.get(reverse("enterprise-list"), {"region": "500000"}).content.decode()
    assert "CQ Supplier" in html and "LQY Motor" not in html
    partial = client.get(reverse("enterprise-list"), {"q": "Foods"}, HTTP_HX_REQUEST="true").content.decode()
    assert "JJ Foods" in partial and "<html" not in partial


def test_create_enterprise_in_own_district(client: Any, world: Any) -> None:
    client.force_login(world.cc_staff)
    response = client.post(reverse("enterprise-create"), GOOD)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=GOOD["credit_code"])
    assert enterprise.region_id == "510112" and enterprise.headcount == 120 and enterprise.above_scale
    assert Event.objects.filter(code="enterprise.created", target_id=str(enterprise.pk), actor=world.cc_staff).exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("credit_code", GOOD["credit_code"][:-1] + ("0" if GOOD["credit_code"][-1] != "0" else "1"), "校验"),
        ("credit_code", "123", "18"),
        ("industry", "99", None),
        ("region", "999999", "行政区划"),
        ("region", "510104", "本区"),  # another district than the command center's own
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(
    client: Any, world: Any, field: str, value: str, message: str | None
) -> None:
    client.force_login(world.cc_staff)
    before = (Enterprise.objects.count(), Event.objects.count())
    with translation.override("zh-hans"):
        response = client.post(reverse("enterprise-create"), {**GOOD, field: value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html or 'class="errors"' in html
    if message:
        assert message in html
    assert (Enterprise.objects.count(), Event.objects.count()) == before


def test_duplicate_credit_code_is_refused(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(reverse("enterprise-create"), {**GOOD, "credit_code": world.ent_lqy.credit_code})
    assert response.status_code == 200
    assert world.ent_lqy.credit_code in response.content.decode()
    assert Enterprise.objects.filter(credit_code=world.ent_lqy.credit_code).count() == 1


def test_stale_edit_is_refused_and_keeps_the_newer_change(client: Any, world: Any) -> None:
    client.force_login(world.cc_staff)
    url = reverse("enterprise-edit", kwargs={"pk": world.ent_lqy.pk})
    form = {
        "name": "LQY Motor Co.",
        "credit_code": world.ent_lqy.credit_code,
        "region": "510112",
        "industry": "36",
        "headcount": "200",
        "version": "1",
    }
    assert client.post(url, form).status_code == 302
    world.ent_lqy.refresh_from_db()
    assert world.ent_lqy.name == "LQY Motor Co." and world.ent_lqy.version == 2
    # a second form still carrying version 1 must not overwrite the first change
    response = client.post(url, {**form, "name": "Stale name", "headcount": "5"})
    assert response.status_code == 200
    world.ent_lqy.refresh_from_db()
    assert world.ent_lqy.name == "LQY Motor Co." and world.ent_lqy.headcount == 200
    event = Event.objects.get(code="enterprise.updated", target_id=str(world.ent_lqy.pk))
    assert event.data["changes"]["name"] == {"old": "LQY Motor", "new": "LQY Motor Co."}


def test_contact_may_change_only_address_and_headcount(client: Any, world: Any) -> None:
    client.force_login(world.contact_user)
    url = reverse("enterprise-edit", kwargs={"pk": world.ent_lqy.pk})
    response = client.post(url, {"name": "Hijacked", "headcount": "321", "address": "New address", "version": "1"})
    assert response.status_code == 302
    world.ent_lqy.refresh_from_db()
    assert world.ent_lqy.name == "LQY Motor"
    assert (world.ent_lqy.headcount, world.ent_lqy.address) == (321, "New address")


def test_assign_commissioner_keeps_history(client: Any, world: Any) -> None:
    client.force_login(world.cc_staff)
    url = reverse("commissioner-assign", kwargs={"pk": world.ent_lqy.pk})
    response = client.post(url, {"commissioner": str(world.commissioner2.pk), "reason": "rotation"})
    assert response.status_code == 302
    rows = list(CommissionerAssignment.objects.filter(enterprise=world.ent_lqy).order_by("started_at"))
    assert [r.commissioner for r in rows] == [world.commissioner, world.commissioner2]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    # the former commissioner no longer sees it; the new one does
    world.commissioner._qifu_grants = None
    assert not Enterprise.objects.restrict(world.commissioner).filter(pk=world.ent_lqy.pk).exists()
    assert Enterprise.objects.restrict(world.commissioner2).filter(pk=world.ent_lqy.pk).exists()
    detail = client.get(reverse("enterprise-detail", kwargs={"pk": world.ent_lqy.pk})).content.decode()
    assert "rotation" in detail


def test_assigning_a_non_commissioner_is_refused(client: Any, world: Any) -> None:
    client.force_login(world.cc_staff)
    url = reverse("commissioner-assign", kwargs={"pk": world.ent_lqy.pk})
    response = client.post(url, {"commissioner": str(world.dept_staff.pk)})
    assert response.status_code == 200  # not among the choices: the form refuses it
    assert CommissionerAssignment.objects.filter(enterprise=world.ent_lqy, ended_at__isnull=True).get().commissioner == world.commissioner


def test_workbench_lists_my_enterprises(client: Any, world: Any) -> None:
    client.force_login(world.commissioner)
    html = client.get(reverse("workbench")).content.decode()
    assert "LQY Motor" in html and "LQY Parts" not in html


def test_home_tells_the_enterprise_its_commissioner(client: Any, world: Any) -> None:
    world.commissioner.phone = "13800000001"
    world.commissioner.save()
    client.force_login(world.contact_user)
    html = client.get(reverse("home")).content.decode()
    assert world.commissioner.display_name in html and "13800000001" in html


def test_english_is_switchable(client: Any, world: Any) -> None:
    client.force_login(world.commissioner)
    client.post(reverse("set_language"), {"language": "en"})
    assert "My enterprises" in client.get(reverse("workbench")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert "我的企业" in client.get(reverse("workbench")).content.decode()


def test_region_picker_options(client: Any, world: Any) -> None:
    client.force_login(world.cc_staff)
    html = client.get(reverse("region-options"), {"parent": "510100"}).content.decode()
    assert 'value="510112"' in html and "龙泉驿区" in html


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_page_reports_every_bad_row_and_imports_nothing(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = ["企业名称", "统一社会信用代码", "行政区划", "行业"]
    bad_code = credit_code(90005)[:-1] + ("0" if credit_code(90005)[-1] != "0" else "1")
    content = _xlsx([header, ["甲公司", credit_code(90004), "510112", "36"], ["乙公司", bad_code, "510112", "36"],
                     ["丙公司", credit_code(90006), "999999", "36"]])
    client.force_login(world.cc_staff)
    before = (Enterprise.objects.count(), Event.objects.count())
    response = client.post(reverse("enterprise-import"),
                           {"file": SimpleUploadedFile("e.xlsx", content)}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert "校验" in html and "999999" in html
    assert (Enterprise.objects.count(), Event.objects.count()) == before

    good = _xlsx([header, ["甲公司", credit_code(90004), "510112", "36"], ["丙公司", credit_code(90006), "510112", "36"]])
    response = client.post(reverse("enterprise-import"), {"file": SimpleUploadedFile("e.xlsx", good)})
    assert response.status_code == 200, response.context["report"].to_dict()["errors"]
    assert Enterprise.objects.filter(name__in=["甲公司", "丙公司"], region_id="510112").count() == 2


def test_export_is_an_excel_of_my_scope(client: Any, world: Any) -> None:
    import io

    from openpyxl import load_workbook

    client.force_login(world.commissioner)
    response = client.get(reverse("enterprise-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert names == ["LQY Motor"]
