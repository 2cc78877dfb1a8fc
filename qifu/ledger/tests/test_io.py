"""The ledger's Excel export and import, and departments' progress returns (定期报送 by Excel)."""

from __future__ import annotations

import io as stdio
import re
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from qifu.core import excel
from qifu.ledger import imports, io, selectors, services
from qifu.ledger.choices import Channel, ResolutionType, Status
from qifu.ledger.models import Problem, ProblemEvent, ProgressReport

from .helpers import dispatched, report

pytestmark = pytest.mark.django_db

LEDGER_HEADERS_ZH = [
    "序号", "台账编号", "企业名称", "所在区县", "问题描述", "问题类型", "问题性质", "责任单位", "责任科室", "完成时限",
    "办理进展", "办理状态", "预警", "企业评价",
]


def xlsx(header: list[str], *rows: list[Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = stdio.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def errors_of(rep: excel.ImportReport) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in rep.errors}


# --- export ---------------------------------------------------------------------------------------


def test_no_header_clashes() -> None:
    assert excel.header_conflicts(io.LEDGER_IMPORT_COLUMNS) == []
    assert excel.header_conflicts(io.RETURN_COLUMNS) == []


def test_export_headers_in_the_offices_order(lw: Any) -> None:
    with translation.override("en"):
        english = [str(c.label) for c in io.LEDGER_COLUMNS]
        values = excel.read_workbook_values(io.export_problems(Problem.objects.all()) or b"")
    assert list(values[0]) == english
    with translation.override("zh-hans"):
        values = excel.read_workbook_values(io.export_problems(Problem.objects.all()) or b"")
    # The Chinese header once the lead's translations are in; until then the English msgid.
    for position, (header, zh, en) in enumerate(zip(values[0], LEDGER_HEADERS_ZH, english, strict=True)):
        assert header in (zh, en), (position, header)
    # Every Chinese header offices use is read back as its column.
    for zh, column in zip(LEDGER_HEADERS_ZH, io.LEDGER_COLUMNS, strict=True):
        assert excel.normalise_header(zh) in excel.accepted_headers(column)


def test_export_rows_of_the_scoped_queryset_with_latest_progress(lw: Any) -> None:
    mine = dispatched(lw)
    services.problem_report_progress(actor=lw.dept_staff, problem_id=mine.pk, progress="已联系供应商")
    services.problem_report_progress(actor=lw.dept_staff, problem_id=mine.pk, progress="首批 500 只已到货")
    other = services.problem_report(
        actor=lw.admin,
        data=services.ProblemInput(enterprise_id=lw.ent_jj.pk, title="冷链运输受阻", category_id=lw.category.pk),
    )
    with translation.override("en"):
        content = io.export_problems(selectors.problem_list(user=lw.cc_staff)) or b""
    header, *rows = excel.read_workbook_values(content)
    assert len(rows) == 1
    row = dict(zip([c.key for c in io.LEDGER_COLUMNS], rows[0], strict=True))
    mine.refresh_from_db()
    assert row["seq"] == 1
    assert row["number"] == mine.number != other.number
    assert row["enterprise"] == "LQY Motor"
    assert row["district"] == lw.ent_lqy.region.name
    assert row["description"].startswith("口罩紧缺")
    assert row["category"] == lw.category.name
    assert row["unit"] == "Transport bureau"
    assert row["section"] == "Road freight"
    assert row["progress"] == "首批 500 只已到货"
    assert row["status"] == "With departments"
    assert row["deadline"] is not None


def test_export_streams_in_constant_queries(lw: Any, django_assert_max_num_queries: Any) -> None:
    for _i in range(3):
        report(lw)
    with django_assert_max_num_queries(1):
        content = io.export_problems(Problem.objects.all()) or b""
    assert len(excel.read_workbook_values(content)) == 4


# --- ledger import --------------------------------------------------------------------------------

IMPORT_HEADER = ["台账编号", "企业名称", "统一社会信用代码", "问题描述", "问题类型", "问题性质", "完成时限", "办理状态", "办理进展"]


def test_import_creates_problems_with_numbers_and_imported_events(lw: Any) -> None:
    content = xlsx(
        IMPORT_HEADER,
        ["OLD-001", "LQY Motor", None, "口罩紧缺\n员工复工需要口罩 2000 只", "防护物资", "个性", "2020-02-20", "办理中", None],
        [None, None, lw.ent_lqy2.credit_code, "货车通行证办不下来", "logistics", "共性", None, None, None],
        ["OLD-003", "LQY Motor", None, "消毒液短缺", "防护物资", None, "2020/2/18", "已办结", "已协调 50 桶"],
    )
    rep = imports.ledger_import(actor=lw.cc_staff, file=content)
    assert rep.ok, rep.to_dict()
    assert rep.created == 3
    problems = list(Problem.objects.order_by("id"))
    assert len(problems) == 3
    first, second, third = problems
    assert all(re.fullmatch(r"LQY-\d{4}-\d{6}", p.number) for p in problems)
    assert len({p.number for p in problems}) == 3
    assert all(p.channel == Channel.IMPORT and p.reported_by == lw.cc_staff for p in problems)
    assert first.title == "口罩紧缺" and first.description == "口罩紧缺\n员工复工需要口罩 2000 只"
    assert first.status == Status.REPORTED and first.tier == "commissioner" and first.owner == lw.commissioner
    assert timezone.localtime(first.deadline).date().isoformat() == "2020-02-20"
    assert second.enterprise == lw.ent_lqy2 and second.nature == "common" and second.category.code == "logistics"
    assert third.status == Status.CLOSED and third.resolution == "已协调 50 桶" and third.close_reason == "imported"
    events = list(ProblemEvent.objects.order_by("problem_id"))
    assert [e.code for e in events] == ["imported"] * 3
    assert [e.data["source_row"] for e in events] == [2, 3, 4]
    assert events[0].data["source_number"] == "OLD-001" and events[0].actor == lw.cc_staff
    # The same file again: its ledger numbers are already in the system.
    again = imports.ledger_import(actor=lw.cc_staff, file=content)
    assert not again.ok and errors_of(again) == {(2, "number"), (4, "number")}
    assert Problem.objects.count() == 3


def test_import_dry_run_writes_nothing(lw: Any) -> None:
    content = xlsx(IMPORT_HEADER, [None, "LQY Motor", None, "口罩紧缺", "防护物资", None, None, None, None])
    rep = imports.ledger_import(actor=lw.cc_staff, file=content, dry_run=True)
    assert rep.ok and rep.created == 1 and rep.dry_run
    assert not Problem.objects.exists()


def test_import_bad_rows_are_reported_precisely_and_nothing_is_written(lw: Any) -> None:
    existing = report(lw)
    before_events = ProblemEvent.objects.count()
    content = xlsx(
        IMPORT_HEADER,
        [None, "LQY Motor", None, "正常的一行", "防护物资", None, None, None, None],  # good, but not written
        [None, "Nobody Ltd", None, "口罩紧缺", "防护物资", None, None, None, None],  # unknown enterprise
        [None, "LQY Motor", None, "口罩紧缺", "No such kind", None, None, None, None],  # unknown category
        [None, "LQY Motor", None, "口罩紧缺", "防护物资", None, "下周", None, None],  # bad date
        [existing.number, "LQY Motor", None, "口罩紧缺", "防护物资", None, None, None, None],  # number taken
        [None, "JJ Foods", None, "口罩紧缺", "防护物资", None, None, None, None],  # outside the actor's district
        [None, "LQY Motor", None, None, "防护物资", "个别", "2020-02-30", "挂起", None],  # several at once
    )
    rep = imports.ledger_import(actor=lw.cc_staff, file=content)
    assert not rep.ok
    assert errors_of(rep) == {
        (3, "enterprise"), (4, "category"), (5, "deadline"), (6, "number"), (7, "enterprise"),
        (8, "description"), (8, "nature"), (8, "deadline"), (8, "status"),
    }
    assert rep.created == 0
    assert Problem.objects.count() == 1
    assert ProblemEvent.objects.count() == before_events


def test_import_refuses_an_enterprise_the_actor_sees_but_may_not_report_for(lw: Any) -> None:
    # The commissioner of LQY Motor sees it; LQY Parts belongs to another commissioner.
    content = xlsx(IMPORT_HEADER, [None, None, lw.ent_lqy2.credit_code, "口罩紧缺", "防护物资", None, None, None, None])
    rep = imports.ledger_import(actor=lw.commissioner, file=content)
    assert not rep.ok and errors_of(rep) == {(2, "credit_code")}
    assert not Problem.objects.exists()


@pytest.mark.parametrize("content", [b"", b"not a workbook at all"])
def test_import_not_an_excel_file(lw: Any, content: bytes) -> None:
    rep = imports.ledger_import(actor=lw.cc_staff, file=content)
    assert not rep.ok and [(e.row, e.column) for e in rep.errors] == [(None, "")]
    rep = imports.progress_import(actor=lw.dept_staff, file=content)
    assert not rep.ok and [(e.row, e.column) for e in rep.errors] == [(None, "")]


def test_import_header_only(lw: Any) -> None:
    rep = imports.ledger_import(actor=lw.cc_staff, file=xlsx(IMPORT_HEADER))
    assert not rep.ok and rep.errors[0].row is None


# --- departments' returns -------------------------------------------------------------------------


def _unit_sheet(lw: Any) -> bytes:
    return io.ledger_export_for_unit(lw.department, selectors.problem_list(user=lw.dept_staff)) or b""


def _fill(content: bytes, values: dict[str, dict[str, Any]]) -> bytes:
    """Fill cells of an exported return sheet: {ledger number: {column key: value}}."""
    wb = load_workbook(stdio.BytesIO(content))
    ws = wb.active
    # the sheet is written in RETURN_COLUMNS order, whatever the language of its headers
    position = {c.key: i + 1 for i, c in enumerate(io.RETURN_COLUMNS)}
    for row in range(2, ws.max_row + 1):
        number = ws.cell(row, position["number"]).value
        for key, value in values.get(number, {}).items():
            ws.cell(row, position[key]).value = value
    buffer = stdio.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_return_round_trip(lw: Any) -> None:
    p1, p2 = dispatched(lw, title="口罩紧缺"), dispatched(lw, title="货车通行证")
    report(lw, title="不在本单位")  # still with the commissioner: not on the department's sheet
    with translation.override("en"):
        sheet = _unit_sheet(lw)
    header, *rows = excel.read_workbook_values(sheet)
    assert header[-1] == "Version"
    assert sorted(r[1] for r in rows) == sorted([p1.number, p2.number])
    filled = _fill(sheet, {
        p1.number: {"progress": "已联系供应商", "next_step": "明日送达", "blocker": "运力不足"},
        p2.number: {"resolved": "是", "resolution_type": "已解决", "resolution": "通行证已办理"},
    })
    rep = imports.progress_import(actor=lw.dept_staff, file=filled)
    assert rep.ok, rep.to_dict()
    assert (rep.created, rep.updated) == (1, 1)
    progress = ProgressReport.objects.get()
    assert (progress.problem_id, progress.progress, progress.next_step, progress.blocker) == (
        p1.pk, "已联系供应商", "明日送达", "运力不足")
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert p1.status == Status.DISPATCHED and p1.last_progress_at is not None
    assert p2.status == Status.RESOLVED and p2.resolution_type == ResolutionType.SOLVED
    assert p2.resolution == "通行证已办理"


def test_return_refuses_a_row_changed_since_the_export_and_applies_nothing(lw: Any) -> None:
    p1, p2 = dispatched(lw, title="口罩紧缺"), dispatched(lw, title="货车通行证")
    sheet = _unit_sheet(lw)
    services.problem_chase(actor=lw.cc_staff, problem_id=p1.pk, message="请加快办理")  # p1 changes meanwhile
    filled = _fill(sheet, {
        p1.number: {"progress": "已联系供应商"},
        p2.number: {"resolution_type": "solved", "resolution": "通行证已办理"},
    })
    rep = imports.progress_import(actor=lw.dept_staff, file=filled)
    assert not rep.ok
    rows = {r[1]: n for n, r in enumerate(excel.read_workbook_values(sheet)[1:], start=2)}
    assert errors_of(rep) == {(rows[p1.number], "version")}
    assert (rep.created, rep.updated) == (0, 0)
    assert not ProgressReport.objects.exists()
    p2.refresh_from_db()
    assert p2.status == Status.DISPATCHED


def test_return_unknown_numbers_and_problems_the_actor_may_not_act_on(lw: Any) -> None:
    p1 = dispatched(lw)
    version = Problem.objects.get(pk=p1.pk).version
    header = ["台账编号", "办理进展", "办结类型", "办结情况", "版本"]
    content = xlsx(
        header,
        ["LQY-1999-999999", "进展", None, None, 1],
        [p1.number, "进展", None, None, version],
        [p1.number.replace("-0", "-9", 1), None, "部分解决", None, 1],
    )
    # Another department's staff: sees nothing of p1.
    rep = imports.progress_import(actor=lw.bureau_staff, file=content)
    assert not rep.ok and errors_of(rep) == {(2, "number"), (3, "number"), (4, "number")}
    # The department: row 3 is fine, the resolution of row 4 has no details.
    content = xlsx(header, [p1.number, None, "部分解决", None, version])
    rep = imports.progress_import(actor=lw.dept_staff, file=content)
    assert not rep.ok and errors_of(rep) == {(2, "resolution")}
    # A commissioner sees p1 but may not act on it while it is with the department.
    content = xlsx(header, [p1.number, "进展", None, None, version])
    rep = imports.progress_import(actor=lw.commissioner, file=content)
    assert not rep.ok and errors_of(rep) == {(2, "number")}
    assert not ProgressReport.objects.exists()
