"""Resumption pages: the dashboard and the lists behind its figures, the daily status form, the imports,
the power cross-check and the daily briefing. Views parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qifu.core import access
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.ledger.choices import OPEN_STATUSES
from qifu.ledger.models import Problem

from . import briefing as briefing_module
from . import imports, io, power, selectors, services
from .choices import Channel
from .forms import DashboardForm, DrillForm, ReportForm
from .models import StatusReport


def _require_dashboard(request: HttpRequest) -> None:
    if not access.can(request.user, "resumption.dashboard"):
        raise PermissionDenied


def latest_day(user: Any) -> date:
    """The most recent day with reports (not after today): what the dashboard opens on."""
    today = timezone.localdate()
    latest = StatusReport.objects.filter(date__lte=today).aggregate(d=Max("date"))["d"]
    return latest or today


def _params(request: HttpRequest, form_class: type[DashboardForm] = DashboardForm) -> dict[str, Any]:
    form = form_class(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return {"form": form, "day": data.get("date") or latest_day(request.user), "region": data.get("region") or "",
            **{k: data.get(k) or "" for k in ("kind", "district", "industry")}}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    p = _params(request)
    data = selectors.dashboard(user=request.user, day=p["day"], region=p["region"])
    chart = {
        "trend": [{"date": r["date"].isoformat(), "resumption": r["resumption_rate"], "return": r["return_rate"],
                   "capacity": r["capacity_rate"]} for r in data["trend"]],
        "districts": [{"key": r["key"], "label": r["label"], "rate": r["resumption_rate"]} for r in data["by_district"]],
        "industries": [{"key": r["key"], "label": r["label"], "rate": r["resumption_rate"]}
                       for r in data["by_industry"]],
    }
    context = {**data, "form": p["form"], "day": p["day"], "chart": chart, "formulas": selectors.FORMULAS,
               "power_formula": power.FORMULAS["power_index"] % {"share": f"{power.share():.0%}"}}
    return render(request, "resumption/dashboard.html", context)


@login_required
@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    p = _params(request, DrillForm)
    scope = selectors.scope_for(user=request.user, region=p["region"])
    qs = selectors.drilldown(scope=scope, day=p["day"], kind=p["kind"] or "enterprises", district=p["district"],
                             industry=p["industry"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "resumption/drilldown.html", {
        "page": page, "count": page.paginator.count, "day": p["day"], "kind": p["kind"] or "enterprises",
        "kind_label": selectors.DRILL_LABELS.get(p["kind"] or "enterprises", ""),
        "district": p["district"], "industry": p["industry"], "query": query.urlencode(),
    })


@login_required
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    """The enterprises the user reports for that have not reported on the day (today by default)."""
    form = DashboardForm(request.GET or None)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or timezone.localdate()
    qs = selectors.non_reporters(user=request.user, day=day)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "resumption/pending.html", {"page": page, "day": day, "count": page.paginator.count})


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.VIEW, pk=pk)
    if not services.may_report(request.user, enterprise):
        raise PermissionDenied
    problems = Problem.objects.filter(enterprise=enterprise, status__in=OPEN_STATUSES).order_by("-reported_at")
    last = StatusReport.objects.filter(enterprise=enterprise, is_current=True).order_by("-date").first()
    day = timezone.localdate()
    initial = {"date": day, "employees_expected": last.employees_expected if last else
               enterprise.headcount or None, "status": last.status if last else None}
    if last is not None and last.date == day:  # correcting today's report: start from all of it
        initial |= {"employees_on_duty": last.employees_on_duty, "capacity": last.capacity,
                    "obstacle": last.obstacle, "problem": last.problem_id, "remarks": last.remarks}
    form = ReportForm(request.POST or None, initial=initial, problems=problems)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.report_file(actor=request.user, channel=Channel.WEB, data=services.ReportInput(
                enterprise_id=enterprise.pk, date=d["date"], status=d["status"],
                employees_expected=d["employees_expected"], employees_on_duty=d["employees_on_duty"],
                capacity=d["capacity"], obstacle=d["obstacle"] or "", problem_id=d["problem"], remarks=d["remarks"],
            ))
        except ValidationError as exc:
            add_service_errors(form, exc if not hasattr(exc, "error_dict") else ValidationError(
                {("problem" if k == "problem_id" else k): v for k, v in exc.error_dict.items()}))
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Status for %(date)s recorded.") % {"date": d["date"].isoformat()})
            return redirect("resumption-history", pk=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "resumption/report_form.html", {"form": form, "enterprise": enterprise, "last": last},
                  status=status)


@login_required
@require_GET
def report_history(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_or_404(Enterprise, request.user, access.VIEW, pk=pk)
    reports = selectors.report_list(user=request.user, enterprise_id=enterprise.pk, history=True)
    page = Paginator(reports, 60).get_page(request.GET.get("page"))
    return render(request, "resumption/history.html", {
        "enterprise": enterprise, "page": page, "may_report": services.may_report(request.user, enterprise)})


def _require(request: HttpRequest, capability: str) -> None:
    if not access.can(request.user, capability):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def report_import(request: HttpRequest) -> HttpResponse:
    _require(request, "resumption.import")
    return import_page(request, run=imports.reports_import, title=_("Import daily status reports"),
                       template_url="resumption-import-template")


@login_required
@require_GET
def report_template(request: HttpRequest) -> HttpResponse:
    _require(request, "resumption.import")
    from qifu.core import excel

    return xlsx_response("status-reports-template.xlsx",
                         excel.template_workbook(io.REPORT_COLUMNS, _("Status reports")))


@login_required
@require_http_methods(["GET", "POST"])
def power_import(request: HttpRequest) -> HttpResponse:
    _require(request, "power.import")

    def run(*, actor: Any, file: Any) -> Any:
        return imports.power_import(actor=actor, file=file, filename=getattr(file, "name", ""))

    return import_page(request, run=run, title=_("Import power readings"), template_url="power-import-template")


@login_required
@require_GET
def power_template(request: HttpRequest) -> HttpResponse:
    _require(request, "power.import")
    from qifu.core import excel

    return xlsx_response("power-readings-template.xlsx", excel.template_workbook(io.POWER_COLUMNS, _("Power")))


@login_required
@require_GET
def power_check(request: HttpRequest) -> HttpResponse:
    """Enterprises whose self-reported status and power consumption disagree on the day."""
    _require_dashboard(request)
    p = _params(request)
    scope = selectors.scope_for(user=request.user, region=p["region"])
    return render(request, "resumption/power.html", {
        "form": p["form"], "day": p["day"], "rows": power.disagreements(scope=scope, day=p["day"]),
        "index": power.day_index(scope=scope, day=p["day"]),
        "formula": power.FORMULAS["power_index"] % {"share": f"{power.share():.0%}"},
        "can_import": access.can(request.user, "power.import"),
    })


@login_required
@require_GET
def briefing(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    p = _params(request)
    data = briefing_module.build(user=request.user, day=p["day"], region=p["region"])
    return render(request, "resumption/briefing.html", {"form": p["form"], "day": p["day"], "b": data,
                                                        "query": request.GET.urlencode()})


@login_required
@require_GET
def briefing_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "docx"):
        raise Http404
    _require_dashboard(request)
    p = _params(request)
    data = briefing_module.build(user=request.user, day=p["day"], region=p["region"])
    name = f"briefing-{p['day']:%Y%m%d}{('-' + p['region']) if p['region'] else ''}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(name, briefing_module.to_xlsx(data))
    response = HttpResponse(briefing_module.to_docx(data), content_type=briefing_module.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
