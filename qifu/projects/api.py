"""API for key projects: projects and milestones, the equipment ledger (with history, check-off, risk,
supplier replacement, Excel import/export), the risk view, country notes, logistics requests and vehicle
passes. Thin endpoints over the same selectors and services as the pages."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access
from qifu.core.schemas import XLSX_OPENAPI, ImportReportOut
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import imports, selectors, services
from .choices import PassStatus
from .models import EquipmentItem, KeyProject, Milestone, VehiclePass
from .schemas import (
    ArrivedIn,
    CountryNoteIn,
    CountryNoteOut,
    DecisionIn,
    ItemDetailOut,
    ItemFilterIn,
    ItemIn,
    ItemOut,
    LogisticsIn,
    LogisticsOut,
    MilestoneIn,
    MilestoneOut,
    PassIn,
    PassOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectPatchIn,
    ReasonIn,
    ReplaceIn,
    RiskIn,
    RiskViewOut,
    TeamMemberIn,
    TeamMemberOut,
)

router = Router(tags=["projects"])
pass_router = Router(tags=["vehicle passes"])


def _project(p: KeyProject) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "owner_id": p.owner_id, "region_code": p.region_id,
            "investment": p.investment, "stage": p.stage, "work_team_id": p.work_team_id,
            "transport_unit_id": p.transport_unit_id, "description": p.description, "version": p.version}


def _member(u: Any) -> dict[str, Any]:
    return {"id": u.pk, "username": u.username, "name": u.display_name, "title": u.title}


def _item(i: EquipmentItem) -> dict[str, Any]:
    data = {f: getattr(i, f) for f in ItemOut.model_fields if hasattr(i, f)}
    data["id"], data["region_code"] = i.pk, i.region_id
    return data


@router.get("", response=list[ProjectOut], summary="Key projects the caller may see")
def project_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_project(p) for p in selectors.project_list(user=auth_user(request))]


@router.post("", response={201: ProjectOut}, summary="Register a key project")
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    p = services.project_create(actor=auth_user(request), data=services.ProjectInput(**payload.dict()))
    return Status(201, _project(p))


@router.get("/{project_id}", response=ProjectDetailOut, summary="A key project with its milestones")
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    p = selectors.project_get(user=auth_user(request), pk=project_id)
    return {**_project(p), "milestones": list(Milestone.objects.filter(project=p)),
            "team": [_member(u) for u in services.work_team_members(p)]}


@router.patch("/{project_id}", response=ProjectOut, summary="Change some fields of a project (send its version)")
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatchIn) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    return _project(services.project_update(actor=auth_user(request), project_id=project_id, values=values,
                                            version=version))


@router.post("/{project_id}/team", response={201: TeamMemberOut},
             summary="Station a commissioner in the project's work team")
def team_add(request: HttpRequest, project_id: int, payload: TeamMemberIn) -> Any:
    user = services.work_team_add(actor=auth_user(request), project_id=project_id, username=payload.username)
    return Status(201, _member(user))


@router.delete("/{project_id}/team/{user_id}", response={204: None},
               summary="Withdraw a commissioner from the project's work team")
def team_remove(request: HttpRequest, project_id: int, user_id: int) -> Any:
    services.work_team_remove(actor=auth_user(request), project_id=project_id, user_id=user_id)
    return Status(204, None)


@router.post("/{project_id}/milestones", response=MilestoneOut, summary="Add or change a milestone")
def milestone_save(request: HttpRequest, project_id: int, payload: MilestoneIn) -> Milestone:
    return services.milestone_save(actor=auth_user(request), project_id=project_id, name=payload.name,
                                   planned_date=payload.planned_date, actual_date=payload.actual_date,
                                   milestone_id=payload.id)


@router.get("/{project_id}/equipment", response=list[ItemOut], summary="The project's equipment ledger")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def equipment_list(request: HttpRequest, project_id: int, filters: ItemFilterIn = Query(...)) -> QuerySet:  # noqa: B008
    user = auth_user(request)
    project = selectors.project_get(user=user, pk=project_id)
    return selectors.equipment_list(user=user, project_id=project.pk, q=filters.q, status=filters.status,
                                    risk_level=filters.risk, origin=filters.origin, country=filters.country,
                                    pending=filters.pending)


@router.post("/{project_id}/equipment", response={201: ItemOut}, summary="Add an item to the equipment ledger")
def equipment_create(request: HttpRequest, project_id: int, payload: ItemIn) -> Any:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    item = services.equipment_save(actor=auth_user(request), project_id=project_id, values=values)
    return Status(201, _item(item))


@router.get("/{project_id}/equipment/export", openapi_extra=XLSX_OPENAPI,
            summary="The equipment ledger as the sites' Excel sheet")
def equipment_export(request: HttpRequest, project_id: int) -> HttpResponse:
    from .views import export_response

    user = auth_user(request)
    return export_response(user, selectors.project_get(user=user, pk=project_id))


@router.post("/{project_id}/equipment/import", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Import the sites' equipment sheet: all rows or none, with a row-by-row report")
def equipment_import(request: HttpRequest, project_id: int, file: UploadedFile = File(...),  # noqa: B008
                     dry_run: bool = False) -> Any:
    report = imports.equipment_import(actor=auth_user(request), project_id=project_id, file=file, dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.get("/{project_id}/risk", response=RiskViewOut, summary="The risk view's figures")
def risk_view(request: HttpRequest, project_id: int) -> dict[str, Any]:
    user = auth_user(request)
    data = selectors.risk_view(user=user, project=selectors.project_get(user=user, pk=project_id))
    data["late"] = [vars(x) for x in data["late"]]
    data["by_origin"] = [{**r, "label": str(r["label"])} for r in data["by_origin"]]
    data["by_status"] = [{**r, "label": str(r["label"])} for r in data["by_status"]]
    return data


@router.post("/{project_id}/countries", response=CountryNoteOut, summary="The team's note on a supplier country")
def country_note(request: HttpRequest, project_id: int, payload: CountryNoteIn) -> Any:
    return services.country_note_save(actor=auth_user(request), project_id=project_id, country=payload.country,
                                      situation=payload.situation)


def _logistics(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "project_id": r.project_id, "kind": r.kind, "problem_id": r.problem_id,
            "problem_number": r.problem.number, "problem_status": r.problem.status, "location": r.location,
            "needed_at": r.needed_at, "item_ids": [i.pk for i in r.items.all()]}


@router.get("/{project_id}/logistics", response=list[LogisticsOut], summary="The project's logistics requests")
def logistics_list(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    user = auth_user(request)
    project = selectors.project_get(user=user, pk=project_id)
    return [_logistics(r) for r in selectors.logistics_list(user=user, project_id=project.pk)[:500]]


@router.post("/{project_id}/logistics", response={201: LogisticsOut},
             summary="A logistics request: becomes a ledger problem linked to its items")
def logistics_create(request: HttpRequest, project_id: int, payload: LogisticsIn) -> Any:
    r = services.logistics_request_create(actor=auth_user(request), data=services.LogisticsInput(
        project_id=project_id, **payload.dict()))
    return Status(201, _logistics(r))


@router.get("/equipment/{item_id}", response=ItemDetailOut, summary="An item with its full history")
def equipment_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = access.get_or_404(EquipmentItem, auth_user(request), access.VIEW, pk=item_id)
    history = [{"code": e.code, "at": e.created_at, "actor": e.actor.display_name if e.actor else e.actor_label,
                "data": e.data} for e in selectors.item_history(item)]
    return {**_item(item), "history": history}


@router.patch("/equipment/{item_id}", response=ItemOut, summary="Change some fields of an item (send its version)")
def equipment_update(request: HttpRequest, item_id: int, payload: ItemIn) -> dict[str, Any]:
    user = auth_user(request)
    item = access.get_or_404(EquipmentItem, user, access.VIEW, pk=item_id)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    return _item(services.equipment_save(actor=user, project_id=item.project_id, values=values, item_id=item.pk,
                                         version=version))


@router.post("/equipment/{item_id}/arrived", response=ItemOut, summary="Check the item off as arrived on site")
def equipment_arrived(request: HttpRequest, item_id: int, payload: ArrivedIn) -> dict[str, Any]:
    return _item(services.equipment_mark_arrived(actor=auth_user(request), item_id=item_id, on=payload.on))


@router.post("/equipment/{item_id}/risk", response=ItemOut,
             summary="Confirm the suggested risk or override it with a reason")
def equipment_risk(request: HttpRequest, item_id: int, payload: RiskIn) -> dict[str, Any]:
    return _item(services.equipment_set_risk(actor=auth_user(request), item_id=item_id, risk_level=payload.risk,
                                             reason=payload.reason))


@router.post("/equipment/{item_id}/replace-supplier", response=ItemOut, summary="Replace the item's supplier")
def equipment_replace(request: HttpRequest, item_id: int, payload: ReplaceIn) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True, exclude={"supplier", "reason"})
    return _item(services.equipment_replace_supplier(actor=auth_user(request), item_id=item_id,
                                                     supplier=payload.supplier, reason=payload.reason,
                                                     values=values))


# --- vehicle passes ----------------------------------------------------------------------------------------


def _pass(request: HttpRequest, vp: VehiclePass) -> dict[str, Any]:
    data = {f: getattr(vp, f) for f in PassOut.model_fields if hasattr(vp, f) and f != "qr_content"}
    data["id"] = vp.pk
    data["qr_content"] = request.build_absolute_uri(reverse("pass-check", args=[services.pass_token(vp)])) \
        if vp.status == PassStatus.APPROVED else None
    return data


@pass_router.get("", response=list[PassOut], summary="Vehicle passes the caller may see")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def pass_list(request: HttpRequest, status: str = "", project_id: int | None = None) -> QuerySet:
    """qr_content is given by the single-pass endpoint."""
    return selectors.pass_list(user=auth_user(request), status=status, project_id=project_id)


@pass_router.post("", response={201: PassOut}, summary="Apply for a vehicle pass")
def pass_apply(request: HttpRequest, payload: PassIn) -> Any:
    vp = services.pass_apply(actor=auth_user(request), data=services.PassInput(**payload.dict()))
    return Status(201, _pass(request, vp))


@pass_router.get("/{pass_id}", response=PassOut, summary="A vehicle pass (with its QR content once approved)")
def pass_detail(request: HttpRequest, pass_id: int) -> dict[str, Any]:
    return _pass(request, access.get_or_404(VehiclePass, auth_user(request), access.VIEW, pk=pass_id))


@pass_router.post("/{pass_id}/decision", response=PassOut, summary="Approve or refuse (with a reason) a pass")
def pass_decide(request: HttpRequest, pass_id: int, payload: DecisionIn) -> dict[str, Any]:
    return _pass(request, services.pass_decide(actor=auth_user(request), pass_id=pass_id, approve=payload.approve,
                                               reason=payload.reason))


@pass_router.post("/{pass_id}/revoke", response=PassOut, summary="Revoke an approved pass")
def pass_revoke(request: HttpRequest, pass_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _pass(request, services.pass_revoke(actor=auth_user(request), pass_id=pass_id, reason=payload.reason))

