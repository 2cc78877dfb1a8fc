"""API for work resumption: status reports (file, list, history, import), the dashboard's figures (the same
selector as the pages), the lists behind them, the power cross-check and the daily briefing."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access
from qifu.core.schemas import XLSX_OPENAPI, ImportReportOut
from qifu.core.views import xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import briefing, imports, power, selectors, services
from .choices import Channel
from .models import StatusReport
from .schemas import (
    DayOut,
    DisagreementOut,
    EnterpriseDayOut,
    FiguresOut,
    ReportFilterIn,
    ReportIn,
    ReportOut,
)

router = Router(tags=["resumption"])
MAX_TREND_DAYS = 366


def _dashboard_user(request: HttpRequest) -> Any:
    user = auth_user(request)
    if not access.can(user, "resumption.dashboard"):
        raise PermissionDenied
    return user


def _day(value: date | None) -> date:
    from .views import latest_day

    return value or latest_day(None)


def _enterprise_day(e: Any) -> dict[str, Any]:
    return {"id": e.pk, "name": e.name, "credit_code": e.credit_code, "region_code": e.region_id,
            "industry_code": e.industry_id, "key_enterprise": e.key_enterprise, "status": e.day_status,
            "employees_on_duty": e.day_on_duty, "employees_expected": e.day_expected, "capacity": e.day_capacity}


@router.get("/reports", response=list[ReportOut], summary="Status reports the caller may see (current ones unless "
            "history=true)")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def report_list(request: HttpRequest, filters: ReportFilterIn = Query(...)) -> QuerySet[StatusReport]:  # noqa: B008
    return selectors.report_list(user=auth_user(request), day=filters.date, enterprise_id=filters.enterprise_id,
                                 history=filters.history)


@router.post("/reports", response={201: ReportOut}, summary="File an enterprise's status for a day (a second "
             "report the same day replaces the first, which stays in the history)")
def report_file(request: HttpRequest, payload: ReportIn) -> Any:
    report = services.report_file(actor=auth_user(request), data=services.ReportInput(**payload.model_dump()),
                                  channel=Channel.API)
    return Status(201, selectors.report_get(user=auth_user(request), pk=report.pk))


@router.post("/reports/import", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Import a district's status sheet: all rows or none, with a row-by-row report")
def report_import(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> Any:  # noqa: B008
    report = imports.reports_import(actor=auth_user(request), file=file, dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.get("/reports/{report_id}", response=ReportOut, summary="One status report")
def report_get(request: HttpRequest, report_id: int) -> Any:
    return selectors.report_get(user=auth_user(request), pk=report_id)


@router.get("/pending", response=list[EnterpriseDayOut],
            summary="Enterprises the caller reports for that have not reported on the day (today by default)")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def pending(request: HttpRequest, day: date | None = None) -> QuerySet[Enterprise]:
    from django.utils import timezone

    user = auth_user(request)
    d = day or timezone.localdate()
    return selectors.with_report(selectors.non_reporters(user=user, day=d), d)  # paged in SQL


@router.get("/figures", response=FiguresOut, summary="The dashboard's figures for a day, by district and industry "
            "(exactly those on the dashboard)")
def figures(request: HttpRequest, day: date | None = None, region: str = "") -> Any:
    user = _dashboard_user(request)
    data = selectors.dashboard(user=user, day=_day(day), region=region, trend_days=1)
    data.pop("trend")
    data["key_not_resumed"] = [_enterprise_day(e) for e in data["key_not_resumed"]]
    data["formulas"] = {k: str(v) for k, v in selectors.FORMULAS.items()}
    return data


@router.get("/trend", response=list[DayOut], summary="The totals for every day of a period (at most a year)")
def trend(request: HttpRequest, start: date | None = None, end: date | None = None, region: str = "") -> Any:
    user = _dashboard_user(request)
    last = _day(end)
    first = start or last - timedelta(days=selectors.TREND_DAYS - 1)
    if first > last or (last - first).days >= MAX_TREND_DAYS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"start": ["The period must run forwards and last at most a year."]})
    return selectors.trend(scope=selectors.scope_for(user=user, region=region), start=first, end=last)


@router.get("/drilldown", response=list[EnterpriseDayOut], summary="The enterprises behind a figure")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def drilldown(request: HttpRequest, day: date | None = None, kind: str = "enterprises", region: str = "",
              district: str = "", industry: str = "") -> QuerySet[Enterprise]:
    user = _dashboard_user(request)
    if kind not in selectors.DRILL_KINDS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"kind": [f"One of {', '.join(selectors.DRILL_KINDS)}."]})
    return selectors.drilldown(scope=selectors.scope_for(user=user, region=region), day=_day(day), kind=kind,
                               district=district, industry=industry)  # paged in SQL


@router.get("/power/disagreements", response=list[DisagreementOut],
            summary="Enterprises whose report and power consumption disagree on the day")
def power_disagreements(request: HttpRequest, day: date | None = None, region: str = "") -> Any:
    user = _dashboard_user(request)
    rows = power.disagreements(scope=selectors.scope_for(user=user, region=region), day=_day(day))
    return [{**r, "enterprise_name": r["enterprise"].name} for r in rows]


@router.post("/power/import", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Import daily kWh per enterprise (Excel or CSV, by credit code or power account number)")
def power_import(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> Any:  # noqa: B008
    report = imports.power_import(actor=auth_user(request), file=file, filename=file.name or "", dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.get("/briefing.xlsx", response={200: None}, openapi_extra=XLSX_OPENAPI,
            summary="The daily briefing as an Excel workbook")
def briefing_xlsx(request: HttpRequest, day: date | None = None, region: str = "") -> HttpResponse:
    user = _dashboard_user(request)
    d = _day(day)
    return xlsx_response(f"briefing-{d:%Y%m%d}.xlsx", briefing.to_xlsx(briefing.build(user=user, day=d,
                                                                                       region=region)))


@router.get("/briefing.docx", response={200: None},
            openapi_extra={"responses": {"200": {"description": "Word document",
                                                 "content": {briefing.DOCX_CONTENT_TYPE: {}}}}},
            summary="The daily briefing as a Word document")
def briefing_docx(request: HttpRequest, day: date | None = None, region: str = "") -> HttpResponse:
    user = _dashboard_user(request)
    d = _day(day)
    response = HttpResponse(briefing.to_docx(briefing.build(user=user, day=d, region=region)),
                            content_type=briefing.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="briefing-{d:%Y%m%d}.docx"'
    return response
