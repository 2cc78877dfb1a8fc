"""API for the problem ledger: list and read through the caller's scope, one endpoint per transition."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from qifu.core import access
from qifu.core.pagination import PageWithoutCount
from qifu.core.schemas import XLSX_OPENAPI, ImportReportOut
from qifu.core.views import xlsx_response
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user
from qifu.organisations.models import Unit

from . import extensions, imports, io, kpis, merging, rules, selectors, services
from .models import Problem
from .schemas import (
    CategoryOut,
    ConfirmIn,
    DispatchIn,
    EventOut,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    MergeIn,
    MergeIntoIn,
    MessageIn,
    ProblemDetailOut,
    ProblemFilterIn,
    ProblemIn,
    ProblemOut,
    ProgressIn,
    ReasonIn,
    ResolveIn,
    ReturnIn,
    SuggestionsOut,
    Versioned,
)

router = Router(tags=["ledger"])


def _detail(request: HttpRequest, problem_id: int) -> Problem:
    """The problem as the caller sees it, with its hops and the actions open to the caller."""
    user = auth_user(request)
    problem = selectors.problem_get(user=user, pk=problem_id)
    problem.hops = list(selectors.problem_assignments(problem=problem))  # type: ignore[attr-defined]
    problem.actions = selectors.possible_actions(user=user, problem=problem)  # type: ignore[attr-defined]
    return problem


@router.get("/categories", response=list[CategoryOut], summary="Problem categories (admin-editable)")
def category_list(request: HttpRequest) -> Any:
    return list(selectors.categories())


@router.get("", response=list[ProblemOut],
            summary="The ledger: problems the caller may see, filtered and sorted (counts: /problems/counts)")
@paginate(PageWithoutCount, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def problem_list(request: HttpRequest, filters: ProblemFilterIn = Query(...)) -> QuerySet[Problem]:  # noqa: B008
    return selectors.problem_list(user=auth_user(request), filters=selectors.ProblemFilter(**filters.model_dump()))


@router.get("/kpis", response=dict[str, Any],
            summary="KPIs per responsible unit or tier (and overall) over the caller's scope, with their formulas")
def problem_kpis(request: HttpRequest, by: str = "unit", filters: ProblemFilterIn = Query(...)) -> Any:  # noqa: B008
    user = auth_user(request)
    if not access.is_official(user):
        raise PermissionDenied
    flt = selectors.ProblemFilter(**filters.model_dump())
    qs = selectors.problem_list(user=user, filters=flt)
    group = by if by in ("unit", "tier") else "unit"
    overall, rows, as_of = kpis.for_scope(user=user, qs=qs, by=group, filtered=flt != selectors.ProblemFilter())
    return {"overall": overall, "by": group, "rows": rows, "as_of": as_of.isoformat() if as_of else None,
            "formulas": {k: str(v) for k, v in kpis.FORMULAS.items()}}


@router.get("/counts", response=dict[str, int], summary="Counts per status and warning for the same filters")
def problem_counts(request: HttpRequest, filters: ProblemFilterIn = Query(...)) -> Any:  # noqa: B008
    qs = selectors.problem_list(user=auth_user(request), filters=selectors.ProblemFilter(**filters.model_dump()))
    return selectors.problem_counts(qs=qs)


@router.post("", response={201: ProblemDetailOut}, summary="Report a problem of an enterprise")
def problem_report(request: HttpRequest, payload: ProblemIn) -> Any:
    problem = services.problem_report(actor=auth_user(request), data=services.ProblemInput(**payload.model_dump()))
    return Status(201, _detail(request, problem.pk))


@router.get("/export.xlsx", response={200: None}, openapi_extra=XLSX_OPENAPI,
            summary="The filtered ledger as Excel, in the columns offices use (streamed)")
def problem_export(request: HttpRequest, filters: ProblemFilterIn = Query(...)) -> HttpResponse:  # noqa: B008
    user = auth_user(request)
    access.require_capability(user, "ledger.export")
    response = xlsx_response(f"ledger-{timezone.localdate():%Y%m%d}.xlsx")
    io.export_problems(selectors.problem_list(user=user, filters=selectors.ProblemFilter(**filters.model_dump())),
                       out=response)
    return response


@router.post("/import", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Import an existing Excel ledger: all rows or none, with a row-by-row report")
def ledger_import(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> Any:  # noqa: B008
    user = auth_user(request)
    access.require_capability(user, "ledger.import")
    report = imports.ledger_import(actor=user, file=file, dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.get("/returns/{unit_id}.xlsx", response={200: None}, openapi_extra=XLSX_OPENAPI,
            summary="A unit's open problems as a return sheet to fill in (定期报送)")
def return_sheet(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = auth_user(request)
    access.require_capability(user, "ledger.return")
    unit = access.get_or_404(Unit, user, access.VIEW, pk=unit_id)
    if not rules.may_file_return(user, unit):
        raise PermissionDenied
    response = xlsx_response(f"return-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx")
    io.ledger_export_for_unit(unit, Problem.objects.restrict(user), out=response)
    return response


@router.post("/returns", response={200: ImportReportOut, 400: ImportReportOut},
             summary="Upload a filled return sheet: progress and resolutions, refused per row if changed since")
def return_import(request: HttpRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    user = auth_user(request)
    access.require_capability(user, "ledger.return")
    report = imports.progress_import(actor=user, file=file)
    return Status(200 if report.ok else 400, report.to_dict())


@router.post("/merge", response={201: ProblemDetailOut},
             summary="Group the same problem of many enterprises into one common problem (task forces)")
def problems_merge(request: HttpRequest, payload: MergeIn) -> Any:
    parent = services.problems_merge(actor=auth_user(request), **payload.model_dump())
    return Status(201, _detail(request, parent.pk))


@router.post("/extensions/{extension_id}/decide", response=ExtensionOut,
             summary="The tier above grants or refuses a deadline extension")
def extension_decide(request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn) -> Any:
    return services.extension_decide(actor=auth_user(request), extension_id=extension_id, **payload.model_dump())


@router.get("/suggestions", response=SuggestionsOut,
            summary="Suggested groups of similar open problems in the caller's scope, to merge (task forces)")
def problem_suggestions(request: HttpRequest, refresh: bool = False) -> Any:
    return merging.as_api(merging.suggestions(user=auth_user(request), refresh=refresh))


@router.post("/{problem_id}/children", response=ProblemDetailOut,
             summary="Add more enterprises' problems to a common problem that is still open (task forces)")
def problems_merge_into(request: HttpRequest, problem_id: int, payload: MergeIntoIn) -> Any:
    services.problems_merge_into(actor=auth_user(request), parent_id=problem_id, problem_ids=payload.problem_ids)
    return _detail(request, problem_id)


@router.get("/extensions", response=list[ExtensionOut],
            summary="Deadline extension requests waiting for the caller's decision, oldest first (at most 500)")
def extensions_to_decide(request: HttpRequest) -> Any:
    user = auth_user(request)
    if not extensions.may_decide_any(user):
        return []
    return list(extensions.to_decide(user=user)[:500])


@router.get("/{problem_id}", response=ProblemDetailOut, summary="One problem with its hops and possible actions")
def problem_detail(request: HttpRequest, problem_id: int) -> Any:
    return _detail(request, problem_id)


@router.get("/{problem_id}/events", response=list[EventOut], summary="The problem's timeline, oldest first")
def problem_events(request: HttpRequest, problem_id: int) -> Any:
    problem = selectors.problem_get(user=auth_user(request), pk=problem_id)
    return list(selectors.problem_timeline(problem=problem))


@router.post("/{problem_id}/accept", response=ProblemDetailOut, summary="The commissioner accepts it (首接负责)")
def problem_accept(request: HttpRequest, problem_id: int, payload: Versioned) -> Any:
    services.problem_accept(actor=auth_user(request), problem_id=problem_id, version=payload.version)
    return _detail(request, problem_id)


@router.post("/{problem_id}/resolve-on-site", response=ProblemDetailOut, summary="Solved on site by the commissioner")
def problem_resolve_on_site(request: HttpRequest, problem_id: int, payload: ResolveIn) -> Any:
    services.problem_resolve_on_site(actor=auth_user(request), problem_id=problem_id,
                                     resolution_type=payload.resolution_type, resolution=payload.resolution,
                                     version=payload.version)
    return _detail(request, problem_id)


@router.post("/{problem_id}/escalate", response=ProblemDetailOut,
             summary="To the district command center (individual) or the task force of its domain (common)")
def problem_escalate(request: HttpRequest, problem_id: int, payload: ReasonIn) -> Any:
    services.problem_escalate(actor=auth_user(request), problem_id=problem_id, reason=payload.reason,
                              version=payload.version)
    return _detail(request, problem_id)


@router.post("/{problem_id}/dispatch", response=ProblemDetailOut,
             summary="Assign to one or more departments (also reassignment 改派)")
def problem_dispatch(request: HttpRequest, problem_id: int, payload: DispatchIn) -> Any:
    services.problem_dispatch(
        actor=auth_user(request), problem_id=problem_id, instructions=payload.instructions, version=payload.version,
        targets=[services.DispatchTarget(**t.model_dump()) for t in payload.targets],
    )
    return _detail(request, problem_id)


@router.post("/{problem_id}/progress", response={201: ProblemDetailOut}, summary="A progress report (定期报送)")
def problem_progress(request: HttpRequest, problem_id: int, payload: ProgressIn) -> Any:
    services.problem_report_progress(actor=auth_user(request), problem_id=problem_id, **payload.model_dump())
    return Status(201, _detail(request, problem_id))


@router.post("/{problem_id}/resolve", response=ProblemDetailOut, summary="Resolve (a department's part, or the whole)")
def problem_resolve(request: HttpRequest, problem_id: int, payload: ResolveIn) -> Any:
    services.problem_resolve(actor=auth_user(request), problem_id=problem_id, **payload.model_dump())
    return _detail(request, problem_id)


@router.post("/{problem_id}/confirm", response=ProblemDetailOut,
             summary="The enterprise confirms and rates; unsatisfied reopens it (重办)")
def problem_confirm(request: HttpRequest, problem_id: int, payload: ConfirmIn) -> Any:
    services.problem_confirm(actor=auth_user(request), problem_id=problem_id, **payload.model_dump())
    return _detail(request, problem_id)


@router.post("/{problem_id}/check", response=ProblemDetailOut, summary="The commissioner checks the resolution")
def problem_check(request: HttpRequest, problem_id: int, payload: Versioned) -> Any:
    services.problem_check(actor=auth_user(request), problem_id=problem_id, version=payload.version)
    return _detail(request, problem_id)


@router.post("/{problem_id}/chase", response=ProblemDetailOut, summary="A supervisor chases it (催办)")
def problem_chase(request: HttpRequest, problem_id: int, payload: MessageIn) -> Any:
    services.problem_chase(actor=auth_user(request), problem_id=problem_id, message=payload.message)
    return _detail(request, problem_id)


@router.post("/{problem_id}/extensions", response={201: ExtensionOut},
             summary="Ask for a later deadline, with a reason")
def extension_request(request: HttpRequest, problem_id: int, payload: ExtensionIn) -> Any:
    return Status(201, services.extension_request(actor=auth_user(request), problem_id=problem_id,
                                                  **payload.model_dump()))


@router.post("/assignments/{assignment_id}/acknowledge", response=ProblemDetailOut,
             summary="A department acknowledges receipt (签收)")
def assignment_acknowledge(request: HttpRequest, assignment_id: int) -> Any:
    assignment = services.assignment_acknowledge(actor=auth_user(request), assignment_id=assignment_id)
    return _detail(request, assignment.problem_id)


@router.post("/assignments/{assignment_id}/return", response=ProblemDetailOut,
             summary="A department sends it back: wrongly dispatched (退单) or beyond its power")
def assignment_return(request: HttpRequest, assignment_id: int, payload: ReturnIn) -> Any:
    problem = services.assignment_return(actor=auth_user(request), assignment_id=assignment_id, **payload.model_dump())
    return _detail(request, problem.pk)
