"""API for enterprises, their contacts, commissioner assignments and timelines.

Thin endpoints: parse, call one selector or service, render. Every read goes through the caller's
scope, so an enterprise the caller may not see answers 404 exactly like one that does not exist.
"""

# No "from __future__ import annotations" here: ninja reads the parameter annotations at import time.
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access
from qifu.core.schemas import XLSX_OPENAPI, ImportReportOut
from qifu.core.views import xlsx_response
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import imports, io, selectors, services
from .models import CommissionerAssignment, Enterprise
from .schemas import (
    AssignmentOut,
    CommissionerAssignIn,
    ContactIn,
    ContactOut,
    EnterpriseDetailOut,
    EnterpriseFilterIn,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    EventOut,
)

router = Router(tags=["enterprises"])

def _import(request: HttpRequest, run: Any, file: UploadedFile, dry_run: bool) -> Any:
    report = run(actor=auth_user(request), file=file, dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.post(
    "/import",
    response={200: ImportReportOut, 400: ImportReportOut},
    summary="Import enterprises from Excel: all rows or none, with a row-by-row report",
)
def enterprise_import(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> Any:  # noqa: B008
    return _import(request, imports.enterprise_import, file, dry_run)


@router.post(
    "/assignments/import",
    response={200: ImportReportOut, 400: ImportReportOut},
    summary="Import commissioner assignments from Excel: all rows or none, with a row-by-row report",
)
def assignment_import(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> Any:  # noqa: B008
    return _import(request, imports.assignment_import, file, dry_run)


@router.get(
    "/export.xlsx",
    summary="Excel export of the enterprises the caller may see (same filters as the list)",
    response={200: None},
    openapi_extra=XLSX_OPENAPI,
)
def enterprise_export(request: HttpRequest, filters: EnterpriseFilterIn = Query(...)) -> HttpResponse:  # noqa: B008
    user = auth_user(request)
    access.require_capability(user, "enterprise.export")
    qs = selectors.enterprise_list(user=user, filters=selectors.EnterpriseFilter(**filters.model_dump()))
    return xlsx_response(f"enterprises-{timezone.localdate():%Y%m%d}.xlsx", io.export_enterprises(qs))


@router.get("", response=list[EnterpriseOut], summary="List the enterprises the caller may see")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def enterprise_list(request: HttpRequest, filters: EnterpriseFilterIn = Query(...)) -> QuerySet[Enterprise]:  # noqa: B008
    return selectors.enterprise_list(
        user=auth_user(request), filters=selectors.EnterpriseFilter(**filters.model_dump())
    )


@router.post(
    "",
    response={201: EnterpriseDetailOut},
    summary="Register an enterprise (administrators; command center staff in their district)",
)
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Any:
    user = auth_user(request)
    # Refuse before validating, so that someone who may not register learns nothing from field errors.
    access.require_capability(user, "enterprise.add")
    data = services.clean_enterprise_data(payload.model_dump())
    enterprise = services.enterprise_create(actor=user, data=data)
    return Status(201, selectors.enterprise_get(user=user, pk=enterprise.pk))


@router.get(
    "/{enterprise_id}", response=EnterpriseDetailOut, summary="One enterprise with contacts and commissioner"
)
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> Any:
    return selectors.enterprise_get(user=auth_user(request), pk=enterprise_id)


@router.patch(
    "/{enterprise_id}",
    response=EnterpriseDetailOut,
    summary="Change some fields of an enterprise; a stale version answers 409",
)
def enterprise_update(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch) -> Any:
    user = auth_user(request)
    services.enterprise_update(
        actor=user, enterprise_id=enterprise_id, expected_version=payload.version, changes=payload.changes()
    )
    return selectors.enterprise_get(user=user, pk=enterprise_id)


@router.get(
    "/{enterprise_id}/assignments",
    response=list[AssignmentOut],
    summary="The enterprise's commissioner assignments, newest first",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def assignment_list(request: HttpRequest, enterprise_id: int) -> QuerySet[CommissionerAssignment]:
    user = auth_user(request)
    enterprise = access.get_or_404(Enterprise, user, access.VIEW, pk=enterprise_id)
    return selectors.assignment_history(user=user, enterprise=enterprise)


@router.post(
    "/{enterprise_id}/commissioner",
    response={200: AssignmentOut, 201: AssignmentOut},
    summary="Assign the enterprise's commissioner (201; 200 if that commissioner already serves it)",
)
def commissioner_assign(request: HttpRequest, enterprise_id: int, payload: CommissionerAssignIn) -> Any:
    user = auth_user(request)
    assignment = services.commissioner_assign(
        actor=user,
        enterprise_id=enterprise_id,
        commissioner_id=payload.commissioner_id,
        reason=payload.reason,
    )
    if assignment is not None:
        return Status(201, assignment)
    enterprise = access.get_or_404(Enterprise, user, access.VIEW, pk=enterprise_id)
    current = (
        selectors.assignment_history(user=user, enterprise=enterprise).filter(ended_at__isnull=True).first()
    )
    return Status(200, current)


@router.post("/{enterprise_id}/contacts", response={201: ContactOut}, summary="Add a contact person")
def contact_add(request: HttpRequest, enterprise_id: int, payload: ContactIn) -> Any:
    contact = services.contact_add(
        actor=auth_user(request), enterprise_id=enterprise_id, **payload.model_dump()
    )
    return Status(201, contact)


@router.get(
    "/{enterprise_id}/events", response=list[EventOut], summary="The enterprise's timeline, newest first"
)
def event_list(
    request: HttpRequest,
    enterprise_id: int,
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="How many of the latest events"),
) -> Any:
    user = auth_user(request)
    enterprise = access.get_or_404(Enterprise, user, access.VIEW, pk=enterprise_id)
    return selectors.enterprise_timeline(user=user, enterprise=enterprise, limit=limit)
