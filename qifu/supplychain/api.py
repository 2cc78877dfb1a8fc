"""API of the supply chain: links (list, create, change, delete, a plant's list as Excel in and out), a
plant's impact analysis with its method, raising a problem for a blocking supplier, the region-wide view."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access, excel
from qifu.core.schemas import XLSX_OPENAPI, ImportReportOut
from qifu.core.views import xlsx_response
from qifu.enterprises.models import Enterprise
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user
from qifu.resumption.views import latest_day

from . import imports, io, selectors, services
from .models import SupplierProblem, SupplyLink
from .schemas import AnalysisOut, LinkIn, LinkOut, LinkPatchIn, PlantOut, RaisedOut, RaiseIn, RegionOut

router = Router(tags=["supplychain"])


def _viewer(request: HttpRequest) -> Any:
    user = auth_user(request)
    if not access.can(user, "supplychain.view"):
        raise PermissionDenied
    return user


def _raised(sp: SupplierProblem | None) -> dict[str, Any] | None:
    if sp is None:
        return None
    p = sp.problem
    return {"id": sp.pk, "plant_id": sp.plant_id, "supplier_id": sp.supplier_id, "problem_id": p.pk,
            "problem_number": p.number, "problem_status": p.status, "problem_tier": p.tier,
            "responsible_unit": p.responsible_unit.name if p.responsible_unit_id else None, "level": sp.level,
            "target_unit": sp.target_unit.name if sp.target_unit_id else None,
            "days_to_stop": float(sp.days_to_stop) if sp.days_to_stop is not None else None}


def _plant(r: dict[str, Any]) -> dict[str, Any]:
    return {"plant_id": r["plant"].pk, "plant_name": r["plant"].name, "region_code": r["plant"].region_id,
            "days_to_stop": selectors.days_label(r["days_to_stop"]),
            "bottleneck_id": r["bottleneck"].pk if r["bottleneck"] else None, "blocked": r["blocked"],
            "suppliers": r["suppliers"],
            "annual_output": float(r["output"]) if r["output"] is not None else None}


def _blocker(b: dict[str, Any]) -> dict[str, Any]:
    s = b["supplier"]
    return {"supplier_id": s.pk, "supplier_name": s.name, "region_code": s.region_id, "external": s.is_external,
            "status": b["status"], "plants": b["plants"], "output": b["output"], "unknown_output": b["unknown_output"],
            "employees": b["employees"], "soonest_days": selectors.days_label(b["soonest"]),
            "without_problem": b["without_problem"]}


@router.get("/links", response=list[LinkOut], summary="Supply links the caller may see (filter by buyer or supplier)")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def link_list(request: HttpRequest, buyer_id: int | None = None, supplier_id: int | None = None) -> QuerySet:
    qs = SupplyLink.objects.restrict(auth_user(request), access.VIEW).order_by("id")
    if buyer_id:
        qs = qs.filter(buyer_id=buyer_id)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return qs


@router.post("/links", response={201: LinkOut}, summary="Add a supply link (who may change the buyer)")
def link_create(request: HttpRequest, payload: LinkIn) -> Any:
    link = services.link_create(actor=auth_user(request), data=services.LinkInput(**payload.dict()))
    return Status(201, link)


@router.patch("/links/{link_id}", response=LinkOut, summary="Change a supply link (version guards stale edits)")
def link_update(request: HttpRequest, link_id: int, payload: LinkPatchIn) -> Any:
    data = payload.dict()
    version = data.pop("version")
    return services.link_update(actor=auth_user(request), link_id=link_id, version=version,
                                data=services.LinkInput(buyer_id=0, supplier_id=0, **data))


@router.delete("/links/{link_id}", response={204: None}, summary="Remove a supply link")
def link_delete(request: HttpRequest, link_id: int) -> Any:
    services.link_delete(actor=auth_user(request), link_id=link_id)
    return Status(204, None)


@router.get("/plants", response=list[PlantOut], summary="The plants the caller may see, soonest stop first")
def plant_list(request: HttpRequest, date: date | None = None) -> Any:
    user = _viewer(request)
    return [_plant(r) for r in selectors.plant_summaries(user=user, day=date or latest_day(user))]


@router.get("/plants/{plant_id}/analysis", response=AnalysisOut,
            summary="A plant's impact analysis: blocked suppliers at every tier, TTS, days to stop, ranking, method; "
                    "the suppliers a page at a time (most critical first), the figures over all of them")
def plant_analysis(request: HttpRequest, plant_id: int, date: date | None = None,
                   sort: Literal["critical", "tier", "name"] = "critical",
                   show: Literal["all", "blocked", "resumed"] = "all", q: str = "",
                   page: int = 1, page_size: int = PAGE_SIZE) -> Any:
    user = _viewer(request)
    page, page_size = max(page, 1), max(1, min(page_size, MAX_PAGE_SIZE))
    a = selectors.plant_analysis(user=user, plant_id=plant_id, day=date or latest_day(user))
    rows = selectors.supplier_rows(a, order=sort, show=show, query=q[:100])
    start = (page - 1) * page_size
    return {
        "plant_id": a.plant.pk, "plant_name": a.plant.name, "date": a.day, "plant_status": a.plant_status,
        "days_to_stop": a.days_to_stop_label, "bottleneck_id": a.bottleneck.pk if a.bottleneck else None,
        "method": [str(m) for m in selectors.METHOD],
        "supplier_total": len(a.suppliers), "blocked_total": len(a.blocked), "count": len(rows), "page": page,
        "page_size": page_size,
        "suppliers": [{
            "id": r.enterprise.pk, "name": r.enterprise.name, "credit_code": r.enterprise.credit_code,
            "region_code": r.enterprise.region_id, "external": r.enterprise.is_external, "tier": r.tier,
            "status": r.status, "status_date": r.status_date, "blocked": r.blocked, "tts_days": r.tts_days,
            "gap_days": r.gap_days, "rank": r.rank, "level": r.level, "via": r.via, "problem": _raised(r.raised),
            "health_event_since": r.health_since,
        } for r in rows[start:start + page_size]],
    }


@router.post("/plants/{plant_id}/problems", response={201: RaisedOut},
             summary="Raise a pre-filled ledger problem for a blocking supplier, routed to its coordination level")
def raise_problem(request: HttpRequest, plant_id: int, payload: RaiseIn) -> Any:
    user = _viewer(request)
    sp = services.problem_raise(actor=user, plant_id=plant_id, supplier_id=payload.supplier_id,
                                day=payload.date or latest_day(user))
    return Status(201, _raised(sp))


@router.post("/plants/{plant_id}/import", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Import the plant's supplier list (Excel, all or nothing with a row report)")
def link_import(request: HttpRequest, plant_id: int, file: UploadedFile = File(...),  # noqa: B008
                dry_run: bool = False) -> Any:
    report = imports.links_import(actor=auth_user(request), plant_id=plant_id, file=file, dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.get("/plants/{plant_id}/suppliers.xlsx", response={200: None}, openapi_extra=XLSX_OPENAPI,
            summary="The plant's supplier list (all tiers) as Excel, in the import's columns")
def link_export(request: HttpRequest, plant_id: int) -> HttpResponse:
    user = _viewer(request)
    plant = access.get_or_404(Enterprise, user, access.VIEW, pk=plant_id)
    links = selectors.network_links(user=user, plant_id=plant.pk)
    return xlsx_response(f"suppliers-{plant.pk}.xlsx",
                         excel.write_workbook(io.LINK_COLUMNS, io.link_rows(links, plant.pk), "suppliers"))


@router.get("/region", response=RegionOut,
            summary="Region-wide: plants stopping within N days, suppliers blocking the most plants, unraised ones")
def region(request: HttpRequest, date: date | None = None, within: int = 7, rank: str = "plants") -> Any:
    user = _viewer(request)
    data = selectors.region_overview(user=user, day=date or latest_day(user), within_days=max(0, min(within, 365)),
                                     rank=rank)
    return {"date": data["day"], "within_days": data["within_days"], "rank": data["rank"],
            "blocker_count": data["blocker_count"], "unraised_count": data["unraised_count"], "plants": [_plant(r) for r in data["plants"]],
            "stopping": [_plant(r) for r in data["stopping"]], "blockers": [_blocker(b) for b in data["blockers"]],
            "unraised": [_blocker(b) for b in data["unraised"]], "method": [str(m) for m in selectors.METHOD]}
