"""The equipment sheet: the sites' layout in and out, all or nothing with a row report."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from qifu.core import excel
from qifu.core.models import Event
from qifu.projects import imports, io
from qifu.projects.models import EquipmentItem

pytestmark = pytest.mark.django_db

HEADERS = ["设备位号", "设备名称", "规格型号", "数量", "供应商", "国产/进口", "产地代码", "国别", "合同金额",
           "合同交货期", "计划到货日期", "实际到货日期", "运输方式", "状态", "需外籍技术人员", "风险等级", "难点", "措施",
           "制约节点"]


def sheet(*rows: list[Any], headers: list[str] = HEADERS) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["古雷炼化一体化项目设备台账"])  # a title row above the header, as sites keep it
    ws.append(headers)
    for r in rows:
        ws.append(r)
    import io as _io

    out = _io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["T-1101", "洗涤塔", "Φ5600", 1, "中国一重", "国产", "230200", "", "12,800,000.00", "2020-03-10", "2020-03-16",
     "2020-03-18", "海运", "已安装", "否", "正常", "塔体超大", "滚装上岸", "中交"],
    ["K-2001", "压缩机", "MCL", 2, "Nuovo Pignone", "进口", "", "意大利", 5600000, "2020-05-01", "2020-07-20", None,
     "海运", "生产中", "是", "延期风险", "工厂停工", "驻厂跟踪", "中交"],
]


def test_import_creates_then_reimport_is_unchanged(world: Any, proj: Any) -> None:
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*GOOD))
    assert report.ok, report.to_dict()
    assert (report.created, report.updated) == (2, 0)
    k = EquipmentItem.objects.get(number="K-2001")
    assert (k.origin, k.country, k.status, k.risk, k.quantity, k.foreign_technicians) == (
        "imported", "IT", "in_production", "delay", 2, True)
    assert k.suggested_risk == "delay"  # 20 days after 中交
    assert str(EquipmentItem.objects.get(number="T-1101").contract_value) == "12800000.00"
    assert Event.objects.filter(code="equipment.created").count() == 2
    again = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_reimport_updates_only_what_changed_with_its_history(world: Any, proj: Any) -> None:
    from datetime import date

    from qifu.core import events

    imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*GOOD))
    t, k = EquipmentItem.objects.get(number="T-1101"), EquipmentItem.objects.get(number="K-2001")
    # K-2001 arrived on site; T-1101 untouched; a third item is new
    changed = [*GOOD[1][:11], "2020-06-18", "海运", "已到场", *GOOD[1][14:]]
    added = ["P-3001", "离心泵", "", 1, "大连深蓝", "国产", "210200", "", "", "", "2020-04-01", None, "公路", "已订货",
             "否", "正常", "", "", "投产"]
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk,
                                      file=sheet(GOOD[0], changed, added))
    assert report.ok, report.to_dict()
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    k2, t2 = EquipmentItem.objects.get(pk=k.pk), EquipmentItem.objects.get(pk=t.pk)
    assert (k2.status, k2.actual_arrival, k2.version) == ("on_site", date(2020, 6, 18), k.version + 1)
    assert k2.suggested_risk == "normal" and k2.risk == "delay"  # the team's risk stays until they confirm
    assert (k2.name, k2.supplier, k2.country) == ("压缩机", "Nuovo Pignone", "IT")
    assert (t2.version, t2.updated_at) == (t.version, t.updated_at)
    (event,) = [e for e in events.timeline(k2) if e.code == "equipment.changed"]
    assert event.data["changes"] == {"actual_arrival": {"old": None, "new": "2020-06-18"},
                                     "status": {"old": "in_production", "new": "on_site"}}
    assert not [e for e in events.timeline(t2) if e.code == "equipment.changed"]
    assert EquipmentItem.objects.get(number="P-3001").milestone_id == proj.m2.pk


def test_a_bad_file_is_rejected_whole_with_a_row_report(world: Any, proj: Any) -> None:
    bad = [
        GOOD[0],
        ["K-2001", "压缩机", "", 1, "X", "进口", "", "Atlantis", "", "2020-13-01", "", "", "飞", "在路上", "也许", "", "",
         "", "不存在"],
        ["T-1101", "", "", 0, "", "国产", "999999", "DE", "-5", "", "", "", "", "已到货", "", "", "", "", ""],
    ]
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*bad))
    assert not report.ok
    errors = {(e.row, e.column) for e in report.errors}
    assert {(4, "country"), (4, "contract_delivery"), (4, "transport_mode"), (4, "status"),
            (4, "foreign_technicians"), (4, "milestone")} <= errors
    assert {(5, "number"), (5, "name"), (5, "supplier"), (5, "quantity"), (5, "region"), (5, "country"),
            (5, "contract_value"), (5, "actual_arrival")} <= errors
    assert EquipmentItem.objects.count() == 0
    assert report.as_workbook()[:2] == b"PK"


def test_missing_required_column_and_rights(world: Any, proj: Any) -> None:
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk,
                                      file=sheet(["A", "B"], headers=["设备位号", "设备名称"]))
    assert not report.ok and {e.column for e in report.errors} >= {"supplier", "origin", "status"}
    from qifu.core.access import NotFound

    with pytest.raises(NotFound):  # a command center of another district cannot even see the project
        imports.equipment_import(actor=world.cc_other, project_id=proj.project.pk, file=sheet(*GOOD))


def test_export_reimports_unchanged(world: Any, proj: Any, client: Any) -> None:
    imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*GOOD))
    client.force_login(world.team_member)
    response = client.get(f"/projects/{proj.project.pk}/equipment/export.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = excel.read_workbook_values(content)
    assert len(rows) == 3 and rows[0][0] == str(io.EQUIPMENT_COLUMNS[0].label)
    again = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=content)
    assert again.ok and again.unchanged == 2, again.to_dict()


def test_no_header_names_two_columns() -> None:
    assert excel.header_conflicts(io.EQUIPMENT_COLUMNS) == []


def numbered(i: int) -> list[Any]:
    return [f"P-{i:04d}", *GOOD[0][1:]]


def test_an_error_in_the_last_row_writes_nothing_and_reports_that_row(world: Any, proj: Any) -> None:
    rows = [numbered(i) for i in range(40)]
    rows[-1] = [*rows[-1][:13], "在路上", *rows[-1][14:]]  # an unknown status, in row 42 of the sheet
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*rows))
    assert [(e.row, e.column) for e in report.errors] == [(42, "status")]
    assert (report.created, report.updated) == (0, 0)
    assert EquipmentItem.objects.count() == 0 and not Event.objects.filter(code__startswith="equipment.").exists()


def test_a_sheet_over_the_row_limit_is_refused_whole(world: Any, proj: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with translation.override("en"):
        report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk,
                                          file=sheet(*[numbered(i) for i in range(4)]))
    error = report.errors[0]
    assert len(report.errors) == 1 and error.row is None and "more than 3 data rows" in error.message
    assert EquipmentItem.objects.count() == 0
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk,
                                      file=sheet(*[numbered(i) for i in range(3)]))
    assert report.ok and report.created == report.rows == 3


def test_a_sheet_without_data_rows_and_a_dry_run(world: Any, proj: Any) -> None:
    with translation.override("en"):
        report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet())
    assert "no data rows" in report.errors[0].message and len(report.errors) == 1
    bad = [numbered(0), [*numbered(1)[:13], "在路上", *numbered(1)[14:]]]
    report = imports.equipment_import(actor=world.team_member, project_id=proj.project.pk, file=sheet(*bad),
                                      dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(4, "status")] and report.rows == 2
    assert EquipmentItem.objects.count() == 0

