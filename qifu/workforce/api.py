"""API of the workforce return: rosters and personal lists (masked as on the pages, unmasked reads logged),
the upload, return figures, bus plans and trips, ledger requests, project lodging rules, health events."""

# No "from __future__ import annotations": ninja reads the annotations at import time.
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qifu.core import access
from qifu.organisations.api import MAX_PAGE_SIZE, PAGE_SIZE, auth_user

from . import imports, selectors, services
from .models import BusPlan, HealthEvent, Trip
from .schemas import (
    CloseIn,
    DecisionIn,
    FiguresOut,
    GroupIn,
    GroupMoveIn,
    GroupOut,
    HealthEventIn,
    HealthEventOut,
    MembersIn,
    PlanIn,
    PlanOut,
    ProblemRefOut,
    ProjectOut,
    RequestIn,
    RosterOut,
    RuleIn,
    StepIn,
    TripOut,
    WarningOut,
    WorkerImportReportOut,
    WorkerMoveIn,
    WorkerOut,
    WorkersOut,
)

router = Router(tags=["workforce"])


class FigureFilterIn(Schema):
    enterprise_id: int | None = None
    project_id: int | None = None
    region: str = ""


def _group(g: Any) -> dict[str, Any]:
    return {"origin": g.origin_id, "origin_name": g.origin.full_name or g.origin.name, "expected": g.expected,
            **{s: getattr(g, s) for s in selectors.STATES}}


@router.get("/enterprises/{enterprise_id}/roster", response=RosterOut, summary="An enterprise's roster by origin")
def roster_get(request: HttpRequest, enterprise_id: int) -> Any:
    user = auth_user(request)
    enterprise = selectors.enterprise_get(user=user, pk=enterprise_id)
    r = selectors.roster(user=user, enterprise=enterprise)
    return {"enterprise_id": enterprise.pk, "enterprise_name": enterprise.name, "totals": r.totals,
            "by_province": r.by_province, "groups": [_group(g) for g in r.groups], "named_workers": r.named}


@router.post("/enterprises/{enterprise_id}/groups", response=GroupOut,
             summary="Set an origin's aggregate numbers (enterprises without a personal list for it)")
def group_set(request: HttpRequest, enterprise_id: int, payload: GroupIn) -> Any:
    data = payload.model_dump()
    origin, expected = data.pop("origin"), data.pop("expected")
    g = services.origin_group_set(actor=auth_user(request), enterprise_id=enterprise_id, origin_code=origin,
                                  expected=expected, counts=data)
    return _group(g)


@router.post("/enterprises/{enterprise_id}/groups/move", response=GroupOut,
             summary="Move some workers of an aggregate origin between states")
def group_move(request: HttpRequest, enterprise_id: int, payload: GroupMoveIn) -> Any:
    g = services.origin_group_move(actor=auth_user(request), enterprise_id=enterprise_id, origin_code=payload.origin,
                                   from_state=payload.from_state, to_state=payload.to_state, count=payload.count)
    return _group(g)


@router.get("/enterprises/{enterprise_id}/workers", response=WorkersOut,
            summary="The personal list (phones and ID numbers masked except for the enterprise and the health "
                    "authority; unmasked reads are logged)")
def workers_list(request: HttpRequest, enterprise_id: int, state: str = "") -> Any:
    user = auth_user(request)
    enterprise = selectors.enterprise_get(user=user, pk=enterprise_id)
    rows, unmasked = selectors.personal_list(user=user, enterprise=enterprise, state=state, what="api")
    return {"unmasked": unmasked, "items": rows}


@router.post("/enterprises/{enterprise_id}/workers/import",
             response={200: WorkerImportReportOut, 400: WorkerImportReportOut},
             summary="Upload the full personal list: all rows or none, with a row-by-row report; dry_run=true "
                     "previews how many workers are added, changed, marked not returning (left off while still at "
                     "origin) and removed (left off when already back)")
def workers_import(request: HttpRequest, enterprise_id: int, file: UploadedFile = File(...),  # noqa: B008
                   dry_run: bool = False) -> Any:
    report = imports.workers_import(actor=auth_user(request), enterprise_id=enterprise_id, file=file,
                                    dry_run=dry_run)
    return Status(200 if report.ok else 400, report.to_dict())


@router.post("/workers/{worker_id}/move", response=WorkerOut, summary="Move a named worker to another state")
def worker_move(request: HttpRequest, worker_id: int, payload: WorkerMoveIn) -> Any:
    user = auth_user(request)
    w = services.worker_move(actor=user, worker_id=worker_id, to_state=payload.state)
    rows, _u = selectors.personal_list(user=user, enterprise=w.enterprise, what="api")
    return next(r for r in rows if r["id"] == w.pk)


@router.get("/figures", response=FiguresOut, summary="Return figures day by day by origin province (an enterprise, "
            "a project, a district or city by region code, or everything in scope)")
def figures(request: HttpRequest, filters: FigureFilterIn = Query(...)) -> Any:  # noqa: B008
    user = auth_user(request)
    if filters.enterprise_id is None and filters.project_id is None and not access.can(user, "workforce.figures"):
        raise PermissionDenied
    f = selectors.figures(user=user, enterprise_id=filters.enterprise_id, project_id=filters.project_id,
                          region=filters.region)
    return {"baseline": f.baseline, "baseline_by_province": f.baseline_by_province,
            "provinces": [list(p) for p in f.provinces], "days": f.days}


@router.get("/plans", response=list[PlanOut], summary="Chartered-bus plans the caller may see")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def plan_list(request: HttpRequest, status: str = "") -> Any:
    qs = selectors.plans(user=auth_user(request))
    return qs.filter(status=status) if status else qs


@router.post("/enterprises/{enterprise_id}/plans", response={201: PlanOut},
             summary="Plan chartered buses for the workers still at origin (sent for approval)")
def plan_create(request: HttpRequest, enterprise_id: int, payload: PlanIn) -> Any:
    plan = services.plan_propose(actor=auth_user(request), enterprise_id=enterprise_id, travel_date=payload.date,
                                 seats=payload.seats)
    return Status(201, plan)


@router.get("/plans/{plan_id}", response=PlanOut, summary="One plan")
def plan_get(request: HttpRequest, plan_id: int) -> BusPlan:
    return selectors.plan_get(user=auth_user(request), pk=plan_id)


@router.post("/plans/{plan_id}/decision", response=PlanOut,
             summary="The transport department approves (the plan becomes trips) or rejects a plan")
def plan_decide(request: HttpRequest, plan_id: int, payload: DecisionIn) -> BusPlan:
    return services.plan_decide(actor=auth_user(request), plan_id=plan_id, approve=payload.approve,
                                note=payload.note)


@router.get("/trips", response=list[TripOut], summary="Trips the caller may see")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def trip_list(request: HttpRequest, plan_id: int | None = None) -> Any:
    return selectors.trips(user=auth_user(request), plan_id=plan_id)


@router.post("/trips/{trip_id}/{action}", response=TripOut,
             summary="depart, arrive (the roster and figures follow) or cancel a trip")
def trip_act(request: HttpRequest, trip_id: int, action: str) -> Trip:
    return services.trip_transition(actor=auth_user(request), trip_id=trip_id, action=action)


@router.post("/enterprises/{enterprise_id}/requests", response={201: ProblemRefOut},
             summary="Transport the enterprise cannot arrange, or lodging refused: becomes a ledger problem")
def request_create(request: HttpRequest, enterprise_id: int, payload: RequestIn) -> Any:
    p = services.ledger_problem_raise(actor=auth_user(request), enterprise_id=enterprise_id, kind=payload.kind,
                                      title=payload.title, description=payload.description,
                                      origin_code=payload.origin, workers=payload.workers)
    return Status(201, {"problem_id": p.pk, "number": p.number})


def _project(user: Any, p: Any) -> dict[str, Any]:
    w = selectors.project_workforce(user=user, project=p)
    return {"id": p.pk, "code": p.code, "name": p.name, "region_code": p.region_id, "owner_id": p.owner_id,
            "lodging_rule": w.rule.rule if w.rule else "", "rule_agreed_at": w.rule.agreed_at if w.rule else None,
            "rule_problem_id": w.rule.problem_id if w.rule else None,
            "enterprise_ids": [e.pk for e in w.enterprises], "totals": w.totals,
            "shuttles": [{"lodging": s.lodging, "departs": s.departs, "returns": s.returns, "seats": s.seats}
                         for s in w.shuttles]}


@router.get("/projects", response=list[ProjectOut],
            summary="Key projects with their roster totals, lodging rules and shuttles")
def project_list(request: HttpRequest) -> Any:
    user = auth_user(request)
    return [_project(user, p) for p in selectors.projects(user=user)[:PAGE_SIZE]]


@router.get("/projects/{project_id}", response=ProjectOut, summary="One key project's workforce")
def project_get(request: HttpRequest, project_id: int) -> Any:
    user = auth_user(request)
    return _project(user, selectors.project_get(user=user, pk=project_id))


@router.post("/projects/{project_id}/rule", response=ProjectOut,
             summary="Record the agreed lodging rule, its daily shuttles and the ledger problem it settled")
def project_rule(request: HttpRequest, project_id: int, payload: RuleIn) -> Any:
    user = auth_user(request)
    services.project_rule_set(actor=user, project_id=project_id, rule=payload.rule,
                              shuttles=[services.ShuttleInput(**s.model_dump()) for s in payload.shuttles],
                              problem_id=payload.problem_id)
    return _project(user, selectors.project_get(user=user, pk=project_id))


@router.post("/projects/{project_id}/members", response=ProjectOut,
            summary="Set the enterprises (besides the owner) whose rosters make up the project's")
def project_members(request: HttpRequest, project_id: int, payload: MembersIn) -> Any:
    user = auth_user(request)
    services.project_members_set(actor=user, project_id=project_id, enterprise_ids=payload.enterprise_ids)
    return _project(user, selectors.project_get(user=user, pk=project_id))


def _event(user: Any, e: HealthEvent) -> dict[str, Any]:
    person = selectors.mask_health_event(user, e)
    return {"id": e.pk, "enterprise_id": e.enterprise_id, "enterprise_name": e.enterprise.name,
            "person_name": e.person_name, "phone": person["phone"], "id_number": person["id_number"],
            "description": e.description, "status": e.status, "reported_at": e.reported_at,
            "closed_at": e.closed_at, "outcome": e.outcome, "notified": e.notified,
            "customer_ids": [c.pk for c in e.customers.all()],
            "steps": list(e.steps.values("kind", "at", "result", "note"))}


@router.get("/health-events", response=list[HealthEventOut], summary="Health events the caller may see")
def health_list(request: HttpRequest, open_only: bool = False) -> Any:
    user = auth_user(request)
    return [_event(user, e) for e in selectors.health_events(user=user, open_only=open_only)[:PAGE_SIZE]]


@router.post("/health-events", response={201: HealthEventOut}, summary="Report a suspected case")
def health_create(request: HttpRequest, payload: HealthEventIn) -> Any:
    user = auth_user(request)
    e = services.health_event_report(actor=user, data=services.HealthEventInput(
        **{**payload.model_dump(), "customer_ids": tuple(payload.customer_ids)}))
    return Status(201, _event(user, e))


@router.get("/health-events/{event_id}", response=HealthEventOut, summary="One health event")
def health_get(request: HttpRequest, event_id: int) -> Any:
    user = auth_user(request)
    return _event(user, selectors.health_event_get(user=user, pk=event_id))


@router.post("/health-events/{event_id}/steps", response={201: HealthEventOut},
             summary="Record a step (hospital, CT, nucleic-acid test, expert review) with its time and result")
def health_step(request: HttpRequest, event_id: int, payload: StepIn) -> Any:
    user = auth_user(request)
    services.health_step_add(actor=user, event_id=event_id, kind=payload.kind, at=payload.at, result=payload.result,
                             note=payload.note)
    return Status(201, _event(user, selectors.health_event_get(user=user, pk=event_id)))


@router.post("/health-events/{event_id}/close", response=HealthEventOut,
             summary="Close as negative (the warning clears) or as a confirmed case")
def health_close(request: HttpRequest, event_id: int, payload: CloseIn) -> Any:
    user = auth_user(request)
    services.health_event_close(actor=user, event_id=event_id, status=payload.status, outcome=payload.outcome)
    return _event(user, selectors.health_event_get(user=user, pk=event_id))


@router.get("/enterprises/{enterprise_id}/warnings", response=list[WarningOut],
            summary="Open health events at the enterprise or its suppliers at any tier (no personal data)")
def warnings(request: HttpRequest, enterprise_id: int) -> Any:
    user = auth_user(request)
    enterprise = selectors.enterprise_get(user=user, pk=enterprise_id)
    return selectors.health_warnings(user=user, enterprise_ids=[enterprise.pk]).get(enterprise.pk, [])
