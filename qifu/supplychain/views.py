"""Supply-chain pages: the region-wide view, a plant's analysis (graph and table), raising a problem for a
blocking supplier, the supplier list's import and export. Views parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.forms import add_service_errors
from qifu.core.views import import_page, xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalise_credit_code
from qifu.resumption.views import latest_day

from . import imports, io, selectors, services
from .choices import Level
from .forms import LinkForm, NewLinkForm
from .models import SupplyLink

DEFAULT_WITHIN = 7
SUPPLIER_PAGE = 50  # rows per page of a plant's supplier tables (a plant may have tens of thousands)
SORT_LABELS = {"critical": gettext_lazy("Most critical first"), "tier": gettext_lazy("By tier"),
               "name": gettext_lazy("By name")}
SHOW_LABELS = {"all": gettext_lazy("Every supplier"), "blocked": gettext_lazy("Not resumed"),
               "resumed": gettext_lazy("Resumed")}


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
    # Open health events at a listed plant or its suppliers at any tier, and at a listed blocking supplier (its
    # own event: shown like the plant analysis shows it, wherever the supplier is).
    from qifu.workforce.selectors import health_warnings

    data["plant_health"] = health_warnings(user=request.user, enterprise_ids=[r["plant"].pk for r in data["plants"]])
    data["supplier_health"] = selectors.open_health_events([b["supplier"].pk for b in data["blockers"]])
    return render(request, "supplychain/region.html", {**data, "method": selectors.METHOD})


def graph_data(analysis: selectors.Analysis) -> dict[str, Any]:
    """Nodes and links for the ECharts graph: colour (category) by status, columns by tier, grouped within a
    tier by coordination level (region), the region and level in each node's tooltip; a large network draws its
    most critical suppliers only (selectors.graph_suppliers), the tables list every one."""
    levels = list(Level)
    drawn = selectors.graph_suppliers(analysis)
    ids = {analysis.plant.pk} | {r.enterprise.pk for r in drawn}
    nodes = [{"id": str(analysis.plant.pk), "name": analysis.plant.name, "tier": 0, "status": analysis.plant_status,
              "blocked": False, "category": 0, "tts": None, "region": analysis.plant.region.name, "level": "",
              "order": 0}]
    for r in drawn:
        nodes.append({"id": str(r.enterprise.pk), "name": r.enterprise.name, "tier": r.tier, "status": r.status,
                      "blocked": r.blocked, "category": 1 if r.blocked else 2, "tts": r.tts_days,
                      "region": r.enterprise.region.name, "level": r.level_label, "rank": r.rank,
                      "order": levels.index(Level(r.level))})
    links = [{"source": str(lk.supplier_id), "target": str(lk.buyer_id), "part": lk.part,
              "stock": float(lk.stock_days)} for lk in analysis.links
             if lk.supplier_id in ids and lk.buyer_id in ids]
    return {"nodes": nodes, "links": links, "drawn": len(drawn), "total": len(analysis.suppliers),
            "categories": [_("Plant"), _("Not resumed"), _("Resumed")]}


def _choice(request: HttpRequest, name: str, choices: tuple[str, ...]) -> str:
    value = request.GET.get(name, "")
    return value if value in choices else choices[0]


def _query(day: date, **params: Any) -> str:
    """The query string of the plant page's other settings, for a pager's links (empty values left out)."""
    return urlencode({"date": f"{day:%Y-%m-%d}", **{k: v for k, v in params.items() if v not in ("", None, 1)}})


@login_required
@require_GET
def plant(request: HttpRequest, pk: int) -> HttpResponse:
    """A plant's analysis: the figures over every supplier, the tables a page at a time (most critical first)."""
    _require_view(request)
    analysis = selectors.plant_analysis(user=request.user, plant_id=pk, day=_day(request))
    may_raise = services.ledger_rules.may_report(request.user, analysis.plant)
    editable = selectors.editable_buyers(user=request.user, plant_id=analysis.plant.pk, links=analysis.links)
    order = _choice(request, "sort", selectors.SUPPLIER_ORDERS)
    show = _choice(request, "show", selectors.SUPPLIER_SHOWS)
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.supplier_rows(analysis, order=order, show=show, query=q)
    page = Paginator(rows, SUPPLIER_PAGE).get_page(request.GET.get("page"))
    blocked_page = Paginator(analysis.blocked, SUPPLIER_PAGE).get_page(request.GET.get("blocked_page"))
    return render(request, "supplychain/plant.html", {
        "a": analysis, "day": analysis.day, "graph": graph_data(analysis), "method": selectors.METHOD,
        "may_raise": may_raise, "may_import": access.can(request.user, "supplychain.import")
        and access.allowed(request.user, access.CHANGE, analysis.plant),
        "may_add": bool(editable), "editable": editable,
        "page": page, "blocked_page": blocked_page, "sort": order, "show": show, "q": q, "shown_count": len(rows),
        "page_query": _query(analysis.day, sort=order, show=show, q=q, blocked_page=blocked_page.number),
        "blocked_query": _query(analysis.day, sort=order, show=show, q=q, page=page.number),
        "sorts": [(k, SORT_LABELS[k]) for k in selectors.SUPPLIER_ORDERS],
        "shows": [(k, SHOW_LABELS[k]) for k in selectors.SUPPLIER_SHOWS],
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


def _link_data(cleaned: dict[str, Any], buyer_id: int, supplier_id: int) -> services.LinkInput:
    return services.LinkInput(
        buyer_id=buyer_id, supplier_id=supplier_id, part=cleaned["part"], stock_days=cleaned["stock_days"],
        critical=cleaned["critical"], has_alternative=cleaned["has_alternative"],
        alternative_lead_days=cleaned.get("alternative_lead_days"), share=cleaned.get("share"))


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one supply link to the plant's network: to the plant itself or to one of its suppliers."""
    _require_view(request)
    plant_obj = access.get_or_404(Enterprise, request.user, access.VIEW, pk=pk)
    links = selectors.network_links(user=request.user, plant_id=plant_obj.pk)
    editable = selectors.editable_buyers(user=request.user, plant_id=plant_obj.pk, links=links)
    if not editable:
        raise PermissionDenied
    names = {plant_obj.pk: plant_obj.name, **{lk.supplier_id: lk.supplier.name for lk in links}}
    buyers = [(eid, names[eid]) for eid in [plant_obj.pk, *sorted(set(names) - {plant_obj.pk}, key=names.get)]
              if eid in editable]
    form = NewLinkForm(request.POST or None, buyers=buyers,
                       initial={"buyer": plant_obj.pk, "critical": True, "stock_days": 3})
    if request.method == "POST":
        valid = form.is_valid()  # the supplier's code is checked too when other fields are wrong
        supplier = None
        if form.cleaned_data.get("supplier_credit_code"):
            try:
                code = normalise_credit_code(form.cleaned_data["supplier_credit_code"])
                supplier = Enterprise.objects.filter(credit_code=code).first()
                if supplier is None:
                    form.add_error("supplier_credit_code", _("No enterprise on the platform has this credit code; "
                                                             "add it by importing the supplier list."))
            except ValidationError as exc:
                form.add_error("supplier_credit_code", exc.messages)
        if valid and supplier is not None:
            try:
                link = services.link_create(actor=request.user, data=_link_data(
                    form.cleaned_data, form.cleaned_data["buyer"], supplier.pk))
            except ValidationError as exc:
                add_service_errors(form, exc)
                if "supplier" in getattr(exc, "error_dict", {}):
                    form.add_error("supplier_credit_code", exc.error_dict["supplier"][0].messages)
            else:
                messages.success(request, _("Supply link added: %(supplier)s → %(buyer)s.") % {
                    "supplier": link.supplier.name, "buyer": link.buyer.name})
                return redirect("supplychain-plant", pk=plant_obj.pk)
    return render(request, "supplychain/link_form.html", {
        "form": form, "plant": plant_obj, "title": _("Add a supply link to %(plant)s") % {"plant": plant_obj.name}})


def _back(request: HttpRequest, link: SupplyLink) -> str:
    """The plant page the user came from (``?plant=``, on the day it showed), else the link's buyer's."""
    plant = request.GET.get("plant") or request.POST.get("plant") or ""
    url = reverse("supplychain-plant", args=[int(plant) if plant.isdigit() else link.buyer_id])
    day = parse_date(request.GET.get("date") or request.POST.get("date") or "")
    return f"{url}?date={day:%Y-%m-%d}" if day else url


@login_required
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one link's part, stock, alternative, share or criticality; a stale version is refused."""
    _require_view(request)
    link = access.get_or_404(SupplyLink.objects.select_related("buyer", "supplier"), request.user, access.CHANGE,
                             pk=pk)
    initial = {"part": link.part, "critical": link.critical, "stock_days": link.stock_days,
               "has_alternative": link.has_alternative, "alternative_lead_days": link.alternative_lead_days,
               "share": link.share, "version": link.version}
    form = LinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_update(actor=request.user, link_id=link.pk, version=form.cleaned_data.get("version"),
                                 data=_link_data(form.cleaned_data, link.buyer_id, link.supplier_id))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_back(request, link))
    return render(request, "supplychain/link_form.html", {
        "form": form, "link": link, "back": _back(request, link),
        "title": _("%(supplier)s → %(buyer)s") % {"supplier": link.supplier.name, "buyer": link.buyer.name}})


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one supply link (recorded as an event with what it was)."""
    _require_view(request)
    link = access.get_or_404(SupplyLink.objects.select_related("buyer", "supplier"), request.user, access.CHANGE,
                             pk=pk)
    back = _back(request, link)
    services.link_delete(actor=request.user, link_id=link.pk)
    messages.success(request, _("Supply link removed: %(supplier)s → %(buyer)s (%(part)s).") % {
        "supplier": link.supplier.name, "buyer": link.buyer.name, "part": link.part})
    return redirect(back)
