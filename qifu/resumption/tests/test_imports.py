"""A district's Excel upload of daily status reports: all rows or none, with a row-by-row report."""

from __future__ import annotations

from typing import Any

import pytest

from qifu.core import excel
from qifu.resumption import imports, io
from qifu.resumption.models import DailyFigure, StatusReport

from .conftest import DAY

pytestmark = pytest.mark.django_db


def sheet(rows: list[dict[str, Any]]) -> bytes:
    return excel.write_workbook(io.REPORT_COLUMNS, rows, "reports") or b""


def row(enterprise: Any, **kw: Any) -> dict[str, Any]:
    return {"credit_code": enterprise.credit_code, "date": DAY.isoformat(), "status": "已复工",
            "employees_expected": 100, "employees_on_duty": 90, "capacity": 80} | kw


def test_one_bad_row_rejects_the_whole_file(rw: Any) -> None:
    before = StatusReport.objects.count()
    content = sheet([row(rw.ent_project), row(rw.ent_lqy2, capacity=200), row(rw.ent_jj), row(rw.ent_lqy, status="?")])
    report = imports.reports_import(actor=rw.cc_staff, file=content)
    assert not report.ok
    problems = {(e.row, e.column) for e in report.errors}
    # row 3: capacity out of range; row 4: JJ is not the LQY command center's; row 5: unknown status
    assert problems == {(3, "capacity"), (4, "credit_code"), (5, "status")}
    assert StatusReport.objects.count() == before


def test_a_good_file_is_written_and_replaces_reports_of_the_same_day(rw: Any) -> None:
    content = sheet([row(rw.ent_project, status="部分复工", employees_on_duty=20, capacity=15),
                     row(rw.ent_lqy2, status="Resumed")])
    report = imports.reports_import(actor=rw.cc_staff, file=content)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    assert StatusReport.objects.filter(enterprise=rw.ent_lqy2, date=DAY).count() == 2
    current = StatusReport.objects.get(enterprise=rw.ent_lqy2, date=DAY, is_current=True)
    assert (current.status, current.channel, current.reported_by) == ("resumed", "import", rw.cc_staff)
    fig = DailyFigure.objects.get(date=DAY, region_id="510112", industry_id="36")
    assert (fig.reported, fig.partly, fig.resumed) == (3, 1, 2)


def test_the_same_enterprise_twice_in_one_file_is_an_error(rw: Any) -> None:
    report = imports.reports_import(actor=rw.cc_staff, file=sheet([row(rw.ent_project), row(rw.ent_project)]))
    assert [(e.row, e.column) for e in report.errors] == [(3, "credit_code")]
