"""Supply-chain pages: the region-wide view, a plant's analysis (graph and table), raising a problem for a
blocking supplier, the supplier list's import and export. Views parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.resumption.views import latest_day

from . import imports, io, selectors, services
from .choices import Level

DEFAULT_WITHIN = 7


def _require_view(request: HttpRequest) -> None:
    if not access.can(request.user, "supplychain.view"):
        raise PermissionDenied


def _day(request: HttpRequest) -> date:
    return parse_date(request.GET.get("date") or request.POST.get("date") or "") or latest_day(request.user)


def _within(request: HttpRequest) -> int:
    try:
        return max(0, min(int(request.GET.get("within", DEFAULT_WITHIN)), 365))
    except ValueError:
        return DEFAULT_WITHIN


@login_required
@require_GET
def region(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    data = selectors.region_overview(user=request.user, day=_day(request), within_days=_within(request),
                                     rank=request.GET.get("rank", "plants"))
    return render(request, "supplychain/region.html", {**data, "method": selectors.METHOD})


def graph_data(analysis: selectors.Analysis) -> dict[str, Any]:
    """Nodes and links for the ECharts graph: colour (category) by status, columns by tier, grouped within a
    tier by coordination level (region), the region and level in each node's tooltip."""
    levels = list(Level)
    nodes = [{"id": str(analysis.plant.pk), "name": analysis.plant.name, "tier": 0, "status": analysis.plant_status,
              "blocked": False, "category": 0, "tts": None, "region": analysis.plant.region.name, "level": "",
              "order": 0}]
    for r in analysis.suppliers:
        nodes.append({"id": str(r.enterprise.pk), "name": r.enterprise.name, "tier": r.tier, "status": r.status,
                      "blocked": r.blocked, "category": 1 if r.blocked else 2, "tts": r.tts_days,
                      "region": r.enterprise.region.name, "level": r.level_label, "rank": r.rank,
                      "order": levels.index(Level(r.level))})
    links = [{"source": str(lk.supplier_id), "target": str(lk.buyer_id), "part": lk.part,
              "stock": float(lk.stock_days)} for lk in analysis.links]
    return {"nodes": nodes, "links": links,
            "categories": [_("Plant"), _("Not resumed"), _("Resumed")]}


@login_required
@require_GET
def plant(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    analysis = selectors.plant_analysis(user=request.user, plant_id=pk, day=_day(request))
    may_raise = services.ledger_rules.may_report(request.user, analysis.plant)
    return render(request, "supplychain/plant.html", {
        "a": analysis, "day": analysis.day, "graph": graph_data(analysis), "method": selectors.METHOD,
        "may_raise": may_raise, "may_import": access.can(request.user, "supplychain.import")
        and access.allowed(request.user, access.CHANGE, analysis.plant),
    })


@login_required
@require_POST
def raise_problem(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        supplier_id = int(request.POST.get("supplier", ""))
    except ValueError:
        supplier_id = 0
    day = _day(request)
    try:
        link = services.problem_raise(actor=request.user, plant_id=pk, supplier_id=supplier_id, day=day)
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message)
    else:
        messages.success(request, _("Problem %(number)s raised and routed: %(level)s.") % {
            "number": link.problem.number, "level": link.get_level_display()})
    return redirect(f"{reverse('supplychain-plant', args=[pk])}?date={day:%Y-%m-%d}")


@login_required
@require_http_methods(["GET", "POST"])
def link_import(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can(request.user, "supplychain.import"):
        raise PermissionDenied
    plant_obj = access.get_or_404(Enterprise, request.user, access.CHANGE, pk=pk)

    def run(*, actor: Any, file: Any) -> Any:
        return imports.links_import(actor=actor, plant_id=plant_obj.pk, file=file)

    return import_page(request, run=run, title=_("Import the supplier list of %(plant)s") % {"plant": plant_obj.name},
                       template_url="supplychain-import-template")


@login_required
@require_GET
def link_template(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "supplychain.import"):
        raise PermissionDenied
    return xlsx_response("supplier-list-template.xlsx", excel.template_workbook(io.LINK_COLUMNS, _("Suppliers")))


@login_required
@require_GET
def link_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    plant_obj = access.get_or_404(Enterprise, request.user, access.VIEW, pk=pk)
    links = selectors.network_links(user=request.user, plant_id=plant_obj.pk)
    response = xlsx_response(f"suppliers-{plant_obj.pk}.xlsx")
    excel.write_workbook(io.LINK_COLUMNS, io.link_rows(links, plant_obj.pk), _("Suppliers"), out=response)
    return response
