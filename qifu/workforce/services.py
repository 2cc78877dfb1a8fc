"""Writes of the workforce return. Each service is keyword-only with an ``actor``, checks permission through
core.access, validates (field errors in Chinese through gettext), writes, records its event in the same
transaction and notifies (in-app rows in the transaction, deliveries on commit)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events, notify
from qifu.core.errors import Conflict
from qifu.enterprises.models import Enterprise
from qifu.ledger import services as ledger
from qifu.ledger.models import Problem, ProblemCategory
from qifu.organisations.models import Region, User
from qifu.projects.models import KeyProject

from . import notices
from .choices import (
    TRIP_TRANSITIONS,
    WORKER_TRANSITIONS,
    AuthorityKind,
    HealthStatus,
    HealthStepKind,
    PlanStatus,
    StepResult,
    TripState,
    WorkerState,
)
from .models import (
    Authority,
    BusPlan,
    HealthEvent,
    HealthStep,
    LodgingRule,
    OriginGroup,
    ProjectMember,
    ReturnTally,
    Shuttle,
    Trip,
    Worker,
)
from .planning import Origin, PlanError, plan_buses
from .selectors import project_enterprise_ids
from .validators import clean_id_number, clean_phone, mask_id

MAX_SEATS = 80
ON_SITE_FIELDS = ("arrived", "observation", "at_work")


def province_of(code: str) -> str:
    return code[:2] + "0000"


def _tally(enterprise: Enterprise, province: str, day: date | None, delta: int) -> None:
    """Add ``delta`` to the enterprise's and its district's tally (day None: the pre-holiday headcount)."""
    if not delta:
        return
    for enterprise_id in (enterprise.pk, None):
        rows = ReturnTally.objects.filter(enterprise_id=enterprise_id, district_id=enterprise.region_id,
                                          province_id=province, date=day)
        if not rows.update(count=F("count") + delta):
            ReturnTally.objects.create(enterprise_id=enterprise_id, district_id=enterprise.region_id,
                                       province_id=province, date=day, count=delta)


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


def _origin(code: Any, errors: dict[str, list[str]], field: str = "origin") -> Region | None:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None:
        errors.setdefault(field, []).append(_("Unknown region code (GB/T 2260, six digits)."))
    return region


def _group(enterprise: Enterprise, origin: Region) -> OriginGroup:
    group, _created = OriginGroup.objects.select_for_update().get_or_create(enterprise=enterprise, origin=origin)
    return group


def _move(enterprise: Enterprise, origin: Region, from_state: str, to_state: str, count: int, day: date) -> None:
    """Move ``count`` workers of one origin between states in the aggregates; arrivals on site are tallied."""
    if to_state not in WORKER_TRANSITIONS.get(from_state, ()):
        raise ValidationError({"state": [_("Workers cannot go from this state to that one.")]})
    group = _group(enterprise, origin)
    if getattr(group, from_state) < count:
        raise ValidationError({"count": [_("Only %(n)d workers of this origin are in that state.")
                                         % {"n": getattr(group, from_state)}]})
    setattr(group, from_state, getattr(group, from_state) - count)
    setattr(group, to_state, getattr(group, to_state) + count)
    group.save()
    was_on_site, is_on_site = from_state in ON_SITE_FIELDS, to_state in ON_SITE_FIELDS
    if is_on_site != was_on_site:
        _tally(enterprise, province_of(origin.code), day, count if is_on_site else -count)


# --- the roster ---------------------------------------------------------------------------------------------


def _counts(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, int]:
    counts = {}
    for state in WorkerState.values:
        value = data.get(state, 0)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.setdefault(state, []).append(_("Enter a number that is not negative."))
            value = 0
        counts[state] = value
    return counts


@transaction.atomic
def origin_group_set(*, actor: User, enterprise_id: int, origin_code: str, expected: Any,
                     counts: dict[str, Any]) -> OriginGroup:
    """Set an origin's aggregate numbers (for enterprises without a personal list for that origin)."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=enterprise_id)
    errors: dict[str, list[str]] = {}
    origin = _origin(origin_code, errors)
    numbers = _counts(counts, errors)
    if not isinstance(expected, int) or isinstance(expected, bool) or expected < 0:
        errors["expected"] = [_("Enter a number that is not negative.")]
    elif sum(numbers.values()) > expected and "expected" not in errors:
        errors["expected"] = [_("The states add up to more workers than were there before the holiday.")]
    if origin is not None and Worker.objects.filter(enterprise=enterprise, origin=origin).exists():
        errors["origin"] = [_("This origin's numbers follow the enterprise's personal list; change the workers.")]
    if errors:
        raise ValidationError(errors)
    assert origin is not None
    group = _group(enterprise, origin)
    before = {"expected": group.expected, **{s: getattr(group, s) for s in WorkerState.values}}
    _tally(enterprise, province_of(origin.code), None, expected - group.expected)
    on_site_before = group.on_site
    group.expected = expected
    for state, n in numbers.items():
        setattr(group, state, n)
    group.save()
    _tally(enterprise, province_of(origin.code), _today(), group.on_site - on_site_before)
    events.record("workforce.group_set", actor=actor, target=enterprise, origin=origin.code, old=before,
                  new={"expected": expected, **numbers})
    return group


@transaction.atomic
def origin_group_move(*, actor: User, enterprise_id: int, origin_code: str, from_state: str, to_state: str,
                      count: int) -> OriginGroup:
    """Move some workers of an aggregate origin between states (e.g. 30 arrived → at work)."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=enterprise_id)
    errors: dict[str, list[str]] = {}
    origin = _origin(origin_code, errors)
    if not isinstance(count, int) or count <= 0:
        errors["count"] = [_("Enter a positive number.")]
    for field, state in (("from_state", from_state), ("to_state", to_state)):
        if state not in WorkerState.values:
            errors[field] = [_("Not a valid choice.")]
    if errors:
        raise ValidationError(errors)
    assert origin is not None
    if Worker.objects.filter(enterprise=enterprise, origin=origin).exists():
        raise ValidationError({"origin": [_("This origin's numbers follow the enterprise's personal list; change "
                                            "the workers.")]})
    _move(enterprise, origin, from_state, to_state, count, _today())
    events.record("workforce.group_moved", actor=actor, target=enterprise, origin=origin.code, old=from_state,
                  new=to_state, count=count)
    return OriginGroup.objects.get(enterprise=enterprise, origin=origin)


@transaction.atomic
def worker_move(*, actor: User, worker_id: int, to_state: str) -> Worker:
    """Move one named worker to another state (arrived → in observation → at work…)."""
    worker = access.get_or_404(Worker.objects.select_related("enterprise", "origin"), actor, access.VIEW,
                               pk=worker_id)
    if not access.allowed(actor, access.CHANGE, worker.enterprise):
        raise PermissionDenied
    worker = Worker.objects.select_for_update().select_related("enterprise", "origin").get(pk=worker.pk)
    if to_state not in WORKER_TRANSITIONS.get(worker.state, ()):
        raise ValidationError({"state": [_("Workers cannot go from this state to that one.")]})
    old = worker.state
    _move(worker.enterprise, worker.origin, old, to_state, 1, _today())
    worker.state = to_state
    worker.save(update_fields=["state", "updated_at"])
    events.record("workforce.worker_moved", actor=actor, target=worker, old=old, new=to_state)
    return worker


@dataclass
class WorkerInput:
    name: str
    phone: str
    id_number: str
    origin: str
    job: str = ""


def worker_errors(data: WorkerInput, regions: dict[str, Region] | None = None
                  ) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Field errors of one personal-list row (empty when valid) and its cleaned values; ``regions`` (code →
    region) spares an import one query per row."""
    errors: dict[str, list[str]] = {}
    name = str(data.name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 64:
        errors["name"] = [_("At most %(n)d characters.") % {"n": 64}]
    phone = clean_phone(data.phone)
    if phone is None:
        errors["phone"] = [_("Enter a mobile number (11 digits) or a landline with its area code.")]
    id_number = clean_id_number(data.id_number)
    if id_number is None:
        errors["id_number"] = [_("Not a valid resident ID number (18 characters; the check digit does not match).")]
    if regions is None:
        origin = _origin(data.origin, errors)
    else:
        origin = regions.get(str(data.origin or "").strip())
        if origin is None:
            errors.setdefault("origin", []).append(_("Unknown region code (GB/T 2260, six digits)."))
    return errors, {"name": name, "phone": phone, "id_number": id_number, "origin": origin,
                    "job": str(data.job or "").strip()[:64]}


@dataclass
class ListChange:
    """What uploading a full personal list does to the enterprise's list: workers added, changed (fields, or
    listed again after "not returning"), unchanged, still away and left off (→ not returning), already back and
    left off (→ removed: they have left the enterprise), and errors that block the whole upload."""

    created: list[dict[str, Any]]
    changed: list[tuple[Worker, dict[str, Any]]]
    unchanged: int
    not_returning: list[Worker]
    removed: list[Worker]
    blocked: list[tuple[Worker, str]]

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.changed), "unchanged": self.unchanged,
                "not_returning": len(self.not_returning), "removed": len(self.removed)}


FIELDS = ("name", "phone", "job")  # and the origin, compared by code


def list_change(*, enterprise: Enterprise, rows: list[dict[str, Any]], lock: bool = False) -> ListChange:
    """Compare an uploaded list (the enterprise's full list, matched by ID number) with the stored one.
    A worker left off who is still at origin is marked not returning (they were on the pre-holiday headcount,
    so the return rate keeps counting them; listing them again brings them back); one already on site is
    removed (back, then left the enterprise); one on a bus that is planned or on its way blocks the upload."""
    qs = Worker.objects.filter(enterprise=enterprise).select_related("trip").only(
        "id", "enterprise_id", "name", "phone", "id_number", "origin_id", "job", "state", "trip", "trip__state",
        "trip__number", "trip__date")
    existing = {w.id_number: w for w in (qs.select_for_update(of=("self",)) if lock else qs)}
    change = ListChange([], [], 0, [], [], [])
    listed = set()
    for row in rows:
        listed.add(row["id_number"])
        worker = existing.get(row["id_number"])
        if worker is None:
            change.created.append(row)
            continue
        differs = worker.origin_id != row["origin"].code or any(getattr(worker, f) != row[f] for f in FIELDS)
        if differs or worker.state == WorkerState.NOT_RETURNING:
            change.changed.append((worker, row))
        else:
            change.unchanged += 1
    for id_number, worker in existing.items():
        if id_number in listed or worker.state == WorkerState.NOT_RETURNING:
            continue
        on_bus = worker.trip is not None and worker.trip.state in (TripState.PLANNED, TripState.DEPARTED)
        if worker.state == WorkerState.TRAVELLING or on_bus:
            change.blocked.append((worker, _("%(name)s (%(id)s) is on bus %(bus)s of %(date)s: keep them on the "
                                             "list, or cancel the bus first.") % {
                "name": worker.name, "id": mask_id(worker.id_number), "bus": worker.trip.number if worker.trip else "—",
                "date": worker.trip.date.isoformat() if worker.trip else "—"}))
        elif worker.state == WorkerState.AT_ORIGIN:
            change.not_returning.append(worker)
        else:
            change.removed.append(worker)
    return change


def write_workers(*, actor: User, enterprise: Enterprise, rows: list[dict[str, Any]],
                  expected: dict[str, int] | None = None) -> ListChange:
    """Make the enterprise's personal list the uploaded one (see ``list_change``), keeping the origin
    aggregates and the tallies in step. Runs in the caller's transaction (the import). ``expected`` are the
    counts the user confirmed in the preview: if the list changed since, nothing is written (Conflict)."""
    change = list_change(enterprise=enterprise, rows=rows, lock=True)
    if change.blocked:
        raise ValidationError({"__all__": [m for _w, m in change.blocked]})
    if expected is not None and expected != change.counts:
        raise Conflict(_("The personal list changed since the preview; upload the file again to check."))
    today = _today()
    # counts per origin and tallies per (province, day) are summed first, then written once each: an upload of
    # ten thousand workers costs a few statements per origin, not per worker
    groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tallies: dict[tuple[str, date | None], int] = defaultdict(int)

    def count(origin: str, state: str, sign: int) -> None:
        groups[origin]["expected"] += sign
        groups[origin][state] += sign
        tallies[(province_of(origin), None)] += sign
        if state in ON_SITE_FIELDS:
            tallies[(province_of(origin), today)] += sign

    Worker.objects.bulk_create([Worker(enterprise=enterprise, state=WorkerState.AT_ORIGIN, **row)
                                for row in change.created], batch_size=1000)
    for row in change.created:
        count(row["origin"].code, WorkerState.AT_ORIGIN, 1)
    now = timezone.now()
    for worker, row in change.changed:
        if worker.state == WorkerState.NOT_RETURNING:  # listed again: expected back
            groups[worker.origin_id][WorkerState.NOT_RETURNING] -= 1
            groups[worker.origin_id][WorkerState.AT_ORIGIN] += 1
            worker.state = WorkerState.AT_ORIGIN
        if worker.origin_id != row["origin"].code:
            count(worker.origin_id, worker.state, -1)
            count(row["origin"].code, worker.state, 1)
        for key, value in row.items():
            setattr(worker, key, value)
        worker.updated_at = now
    Worker.objects.bulk_update([w for w, _row in change.changed], ["name", "phone", "id_number", "origin", "job",
                                                                   "state", "updated_at"], batch_size=1000)
    for worker in change.not_returning:
        groups[worker.origin_id][WorkerState.AT_ORIGIN] -= 1
        groups[worker.origin_id][WorkerState.NOT_RETURNING] += 1
    Worker.objects.filter(pk__in=[w.pk for w in change.not_returning]).update(
        state=WorkerState.NOT_RETURNING, trip=None, updated_at=now)
    for worker in change.removed:
        count(worker.origin_id, worker.state, -1)
    Worker.objects.filter(pk__in=[w.pk for w in change.removed]).delete()
    regions = {r.code: r for r in Region.objects.filter(code__in=list(groups))}
    for code, delta in groups.items():
        group = _group(enterprise, regions[code])
        for field, d in delta.items():
            setattr(group, field, getattr(group, field) + d)
        group.save()
    for (province, day), d in tallies.items():
        _tally(enterprise, province, day, d)
    # the event holds counts, never the personal data of those added or removed
    events.record("workforce.workers_imported", actor=actor, target=enterprise, **change.counts)
    return change


@transaction.atomic
def personal_data_viewed(*, actor: User, enterprise: Enterprise, what: str, count: int) -> None:
    """Log a view of unmasked phones and ID numbers (who, when, what, how many)."""
    events.record("workforce.personal_data_viewed", actor=actor, target=enterprise, what=what, count=count)


# --- chartered buses ------------------------------------------------------------------------------------------


def _staff_of(kind: str, enterprise: Enterprise) -> list[User]:
    units = [a.unit_id for a in Authority.objects.select_related("region").filter(kind=kind)
             if enterprise.region_id.startswith(a.region.code_prefix)]
    return list(User.objects.filter(role_grants__unit_id__in=units, is_active=True).distinct())


@transaction.atomic
def plan_propose(*, actor: User, enterprise_id: int, travel_date: date | None, seats: Any,
                 time_limit_s: float = 2.0) -> BusPlan:
    """Plan chartered buses for the enterprise's workers still at origin and send it to the transport
    department for approval."""
    enterprise = access.get_or_404(Enterprise.objects.select_related("region"), actor, access.CHANGE,
                                   pk=enterprise_id)
    errors: dict[str, list[str]] = {}
    if not isinstance(seats, int) or isinstance(seats, bool) or not 2 <= seats <= MAX_SEATS:
        errors["seats"] = [_("Seats per bus must be between 2 and %(n)d.") % {"n": MAX_SEATS}]
    if travel_date is None:
        errors["date"] = [_("This field is required.")]
    elif travel_date < _today():
        errors["date"] = [_("The date is in the past.")]
    groups = list(OriginGroup.objects.filter(enterprise=enterprise, at_origin__gt=0).select_related("origin"))
    if not groups:
        errors["__all__"] = [_("No workers of this enterprise are waiting at their origin.")]
    site = enterprise.region
    if errors:
        raise ValidationError(errors)
    origins = [Origin(g.origin_id, g.at_origin, g.origin.longitude, g.origin.latitude) for g in groups]
    try:
        result = plan_buses(origins, (site.longitude, site.latitude), seats=seats, time_limit_s=time_limit_s)
    except PlanError as exc:
        raise ValidationError({"seats": [str(exc)]}) from None
    plan = BusPlan.objects.create(
        enterprise=enterprise, date=travel_date, seats=seats, result=result.as_dict(), bus_count=result.bus_count,
        lower_bound_buses=result.lower_bound_buses, distance_km=round(result.distance_km, 1),
        lower_bound_km=round(result.lower_bound_km, 1), method=result.method[:255], created_by=actor,
        created_at=timezone.now())
    events.record("workforce.plan_proposed", actor=actor, target=plan, enterprise=enterprise.pk,
                  buses=result.bus_count, workers=result.workers)
    notify.notify(recipients=_staff_of(AuthorityKind.TRANSPORT, enterprise), code=notices.PLAN_PROPOSED,
                  params={"enterprise": enterprise.name, "buses": result.bus_count, "workers": result.workers,
                          "date": travel_date.isoformat() if travel_date else ""},
                  link=f"/workforce/plans/{plan.pk}/")
    return plan


@transaction.atomic
def plan_decide(*, actor: User, plan_id: int, approve: bool, note: str = "") -> BusPlan:
    """The transport department approves a proposed plan (it becomes trips with their manifests) or rejects it."""
    plan = access.get_or_404(BusPlan.objects.select_related("enterprise"), actor, access.VIEW, pk=plan_id)
    if not access.may_approve_transport(actor, plan.enterprise):
        raise PermissionDenied(_("Only the transport department approves chartered buses."))
    plan = BusPlan.objects.select_for_update().select_related("enterprise").get(pk=plan.pk)
    if plan.status != PlanStatus.PROPOSED:
        raise Conflict(_("This plan has already been decided."))
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.REJECTED
    plan.decided_by, plan.decided_at, plan.note = actor, timezone.now(), (note or "").strip()[:255]
    plan.save()
    if approve:
        named: dict[str, list[Worker]] = {}
        for w in Worker.objects.select_for_update().filter(enterprise=plan.enterprise, state=WorkerState.AT_ORIGIN,
                                                           trip__isnull=True).order_by("id"):
            named.setdefault(w.origin_id, []).append(w)
        for number, bus in enumerate(plan.result.get("buses", []), start=1):
            trip = Trip.objects.create(
                plan=plan, enterprise=plan.enterprise, number=number, date=plan.date, seats=plan.seats,
                passengers=sum(n for _c, n in bus["pickups"]), pickups=bus["pickups"],
                distance_km=bus["distance_km"])
            for code, n in bus["pickups"]:
                riders = named.get(code, [])[:n]
                named[code] = named.get(code, [])[n:]
                Worker.objects.filter(pk__in=[w.pk for w in riders]).update(trip=trip)
    events.record("workforce.plan_decided", actor=actor, target=plan, status=plan.status, note=plan.note)
    notify.notify(recipients=[plan.created_by], code=notices.PLAN_DECIDED,
                  params={"enterprise": plan.enterprise.name, "decision": plan.get_status_display(),
                          "buses": plan.bus_count, "date": plan.date.isoformat()}, link=f"/workforce/plans/{plan.pk}/")
    return plan


@transaction.atomic
def trip_transition(*, actor: User, trip_id: int, action: str) -> Trip:
    """A bus departs (its riders are travelling), arrives (they are on site: the roster and figures follow) or
    is cancelled before leaving."""
    trip = access.get_or_404(Trip.objects.select_related("enterprise"), actor, access.VIEW, pk=trip_id)
    if not (access.allowed(actor, access.CHANGE, trip.enterprise) or access.may_approve_transport(actor,
                                                                                                   trip.enterprise)):
        raise PermissionDenied
    rule = TRIP_TRANSITIONS.get(action)
    if rule is None:
        raise ValidationError({"action": [_("Not a valid choice.")]})
    trip = Trip.objects.select_for_update().select_related("enterprise").get(pk=trip.pk)
    if trip.state != rule["from"]:
        raise Conflict(_("The bus is not in a state that allows this."))
    now = timezone.now()
    regions = {r.code: r for r in Region.objects.filter(code__in=[c for c, _n in trip.pickups])}
    riders = Worker.objects.select_for_update().filter(trip=trip)
    if action == "depart":
        for code, n in trip.pickups:
            _move(trip.enterprise, regions[code], WorkerState.AT_ORIGIN, WorkerState.TRAVELLING, n, _today(now))
        riders.update(state=WorkerState.TRAVELLING, updated_at=now)
        trip.departed_at = now
    elif action == "arrive":
        for code, n in trip.pickups:
            _move(trip.enterprise, regions[code], WorkerState.TRAVELLING, WorkerState.ARRIVED, n, _today(now))
        riders.update(state=WorkerState.ARRIVED, updated_at=now)
        trip.arrived_at = now
    else:
        riders.update(trip=None)
    old = trip.state
    trip.state = rule["to"]
    trip.save()
    events.record(f"workforce.trip_{trip.state}", actor=actor, target=trip, old=old, new=trip.state)
    return trip


# --- ledger problems: transport the enterprise cannot arrange, lodging refused ------------------------------------


LEDGER_CATEGORY = {"transport": "logistics", "lodging": "staffing"}


@transaction.atomic
def ledger_problem_raise(*, actor: User, enterprise_id: int, kind: str, title: str, description: str = "",
                         origin_code: str = "", workers: int | None = None) -> Problem:
    """A transport request the enterprise cannot arrange, or a town refusing lodging, becomes a ledger problem
    (through the ledger's own service, so it follows the tiered workflow)."""
    if kind not in LEDGER_CATEGORY:
        raise ValidationError({"kind": [_("Not a valid choice.")]})
    errors: dict[str, list[str]] = {}
    origin = _origin(origin_code, errors) if origin_code else None
    if workers is not None and workers <= 0:
        errors["workers"] = [_("Enter a positive number.")]
    if errors:
        raise ValidationError(errors)
    details = [description.strip()]
    if origin is not None:
        details.append(_("Origin: %(origin)s") % {"origin": origin.full_name or origin.name})
    if workers:
        details.append(_("Workers: %(n)d") % {"n": workers})
    category = ProblemCategory.objects.filter(code=LEDGER_CATEGORY[kind]).first()
    problem = ledger.problem_report(actor=actor, data=ledger.ProblemInput(
        enterprise_id=enterprise_id, title=title, description="\n".join(d for d in details if d),
        category_id=category.pk if category else None))
    events.record("workforce.ledger_problem", actor=actor, target=problem.enterprise, kind=kind,
                  problem=problem.pk)
    return problem


@dataclass
class ShuttleInput:
    lodging: str
    departs: time
    seats: int
    returns: time | None = None


def _project_for_change(actor: User, project_id: int) -> KeyProject:
    """The key project whose workforce the actor keeps: its work team, its region's command center, an
    administrator (the key project's own CHANGE rule); 404 when invisible, 403 when only visible."""
    project = access.get_or_404(KeyProject.objects.select_related("owner"), actor, access.CHANGE, pk=project_id)
    return KeyProject.objects.select_for_update().select_related("owner").get(pk=project.pk)


@transaction.atomic
def project_rule_set(*, actor: User, project_id: int, rule: str, shuttles: list[ShuttleInput],
                     problem_id: int | None = None) -> LodgingRule:
    """Record the lodging rule agreed for a key project (e.g. 点对点、不拒收, daily shuttle to site only), its
    shuttles (replacing the previous list) and the ledger problem it settled (towns refusing lodging)."""
    project = _project_for_change(actor, project_id)
    errors: dict[str, list[str]] = {}
    rule = (rule or "").strip()
    if not rule:
        errors["rule"] = [_("This field is required.")]
    for i, s in enumerate(shuttles):
        if not (s.lodging or "").strip():
            errors.setdefault("shuttles", []).append(_("Shuttle %(n)d: the lodging is required.") % {"n": i + 1})
        if not isinstance(s.seats, int) or isinstance(s.seats, bool) or s.seats <= 0:
            errors.setdefault("shuttles", []).append(_("Shuttle %(n)d: enter the seats.") % {"n": i + 1})
        if not isinstance(s.departs, time):
            errors.setdefault("shuttles", []).append(_("Shuttle %(n)d: enter the departure time.") % {"n": i + 1})
    problem = None
    if problem_id is not None:
        # a problem of one of the project's enterprises (the work team may not follow every contractor's ledger;
        # the link itself discloses nothing: the same error whether the number exists or not)
        problem = Problem.objects.filter(pk=problem_id, enterprise_id__in=project_enterprise_ids(project)).first()
        if problem is None:
            errors["problem_id"] = [_("Choose a ledger problem of one of the project's enterprises.")]
    if errors:
        raise ValidationError(errors)
    current = LodgingRule.objects.filter(project=project).first()
    old = {"rule": current.rule, "problem": current.problem_id} if current else None
    lodging, _created = LodgingRule.objects.update_or_create(project=project, defaults={
        "rule": rule, "agreed_at": timezone.now(), "agreed_by": actor,
        "problem": problem if problem is not None else (current.problem if current else None)})
    Shuttle.objects.filter(project=project).delete()
    Shuttle.objects.bulk_create([Shuttle(project=project, lodging=s.lodging.strip()[:128], departs=s.departs,
                                         returns=s.returns, seats=s.seats) for s in shuttles])
    events.record("workforce.rule_set", actor=actor, target=project, old=old,
                  new={"rule": rule, "problem": lodging.problem_id}, shuttles=len(shuttles))
    return lodging


@transaction.atomic
def project_members_set(*, actor: User, project_id: int, enterprise_ids: list[int]) -> list[int]:
    """Set which enterprises (besides the owner) make up the key project's roster: contractors on site."""
    project = _project_for_change(actor, project_id)
    wanted = sorted({int(i) for i in enterprise_ids} - {project.owner_id})
    found = set(Enterprise.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if len(found) != len(wanted):
        raise ValidationError({"enterprise_ids": [_("Unknown enterprise.")]})
    before = sorted(ProjectMember.objects.filter(project=project).values_list("enterprise_id", flat=True))
    ProjectMember.objects.filter(project=project).exclude(enterprise_id__in=wanted).delete()
    ProjectMember.objects.bulk_create([ProjectMember(project=project, enterprise_id=e) for e in wanted
                                       if e not in before])
    events.record("workforce.members_set", actor=actor, target=project, old=before, new=wanted)
    return project_enterprise_ids(project)


# --- health events ----------------------------------------------------------------------------------------------


@dataclass
class HealthEventInput:
    enterprise_id: int
    person_name: str
    description: str
    phone: str = ""
    id_number: str = ""
    customer_ids: tuple[int, ...] = ()


@transaction.atomic
def health_event_report(*, actor: User, data: HealthEventInput, now: datetime | None = None) -> HealthEvent:
    """An enterprise or its commissioner reports a suspected case; the health authority, the commissioner and the
    plants it supplies are told."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=data.enterprise_id)
    errors: dict[str, list[str]] = {}
    name = (data.person_name or "").strip()
    if not name:
        errors["person_name"] = [_("This field is required.")]
    if not (data.description or "").strip():
        errors["description"] = [_("This field is required.")]
    phone = clean_phone(data.phone) if data.phone else ""
    if phone is None:
        errors["phone"] = [_("Enter a mobile number (11 digits) or a landline with its area code.")]
    id_number = clean_id_number(data.id_number) if data.id_number else ""
    if id_number is None:
        errors["id_number"] = [_("Not a valid resident ID number (18 characters; the check digit does not match).")]
    customers = list(Enterprise.objects.filter(pk__in=list(data.customer_ids)))
    if len(customers) != len(set(data.customer_ids)):
        errors["customer_ids"] = [_("Unknown enterprise.")]
    # the plants it supplies: those named, and every buyer recorded in the supply chain
    from qifu.supplychain.models import SupplyLink

    named = {c.pk for c in customers}
    customers += list(Enterprise.objects.filter(pk__in=SupplyLink.objects.filter(supplier=enterprise).values(
        "buyer_id")).exclude(pk__in=named | {enterprise.pk}).order_by("name"))
    if errors:
        raise ValidationError(errors)
    at = now or timezone.now()
    health_staff = _staff_of(AuthorityKind.HEALTH, enterprise)
    commissioner = ledger._active_commissioner(enterprise)
    recipients = [*health_staff, *([commissioner] if commissioner else [])]
    notified_units = sorted({u.unit.name for u in health_staff if u.unit_id})
    from qifu.enterprises.models import EnterpriseContact
    from qifu.supplychain.selectors import downstream_tiers

    recipients += [c.user for c in EnterpriseContact.objects.filter(enterprise__in=customers, user__isnull=False)
                   .select_related("user")]
    # The firms further down the supply chain (its buyers' buyers, at any tier) are told as well, through their
    # contacts: a plant three tiers down stops as surely as a direct buyer when the supplier closes.
    further = set(downstream_tiers([enterprise.pk])) - {c.pk for c in customers} - {enterprise.pk}
    further_contacts = list(EnterpriseContact.objects.filter(enterprise_id__in=further, user__isnull=False)
                            .select_related("user", "enterprise").order_by("enterprise__name", "pk")) if further else []
    recipients += [c.user for c in further_contacts]
    told_further = list(dict.fromkeys(c.enterprise.name for c in further_contacts))
    event = HealthEvent.objects.create(enterprise=enterprise, person_name=name[:64], phone=phone or "",
                                       id_number=id_number or "", description=data.description.strip(),
                                       reported_by=actor, reported_at=at,
                                       notified=notified_units + [c.name for c in customers] + told_further)
    event.customers.set(customers)
    events.record("workforce.health_reported", actor=actor, target=event, enterprise=enterprise.pk,
                  customers=[c.pk for c in customers])
    # The notice carries no personal data: the description is what happened, not who.
    notify.notify(recipients=recipients, code=notices.HEALTH_OPENED,
                  params={"enterprise": enterprise.name, "description": event.description[:200]},
                  link=f"/workforce/health/{event.pk}/")
    return event


def _may_handle(actor: User, event: HealthEvent) -> bool:
    return access.allowed(actor, access.CHANGE, event.enterprise) or any(
        event.enterprise.region_id.startswith(p) for p in access.authority_prefixes(actor, AuthorityKind.HEALTH))


@transaction.atomic
def health_step_add(*, actor: User, event_id: int, kind: str, at: datetime | None, result: str,
                    note: str = "") -> HealthStep:
    """Record one step (hospital, CT, nucleic-acid test, expert review…) with its time and result."""
    event = access.get_or_404(HealthEvent.objects.select_related("enterprise"), actor, access.VIEW, pk=event_id)
    if not _may_handle(actor, event):
        raise PermissionDenied
    event = HealthEvent.objects.select_for_update().select_related("enterprise").get(pk=event.pk)
    errors: dict[str, list[str]] = {}
    if event.status != HealthStatus.OPEN:
        raise Conflict(_("The event is closed."))
    if kind not in HealthStepKind.values:
        errors["kind"] = [_("Not a valid choice.")]
    if result not in StepResult.values:
        errors["result"] = [_("Not a valid choice.")]
    if at is None:
        errors["at"] = [_("This field is required.")]
    elif at < event.reported_at - timedelta(days=2) or at > timezone.now() + timedelta(hours=1):
        errors["at"] = [_("The time must lie between the report and now.")]
    if errors:
        raise ValidationError(errors)
    step = HealthStep.objects.create(event=event, kind=kind, at=at, result=result, note=(note or "").strip()[:255],
                                     recorded_by=actor)
    events.record("workforce.health_step", actor=actor, target=event, step=kind, result=result, at=at)
    return step


@transaction.atomic
def health_event_close(*, actor: User, event_id: int, status: str, outcome: str) -> HealthEvent:
    """Close the event as negative (the warning clears) or as a confirmed case."""
    event = access.get_or_404(HealthEvent.objects.select_related("enterprise"), actor, access.VIEW, pk=event_id)
    if not _may_handle(actor, event):
        raise PermissionDenied
    event = HealthEvent.objects.select_for_update().select_related("enterprise").get(pk=event.pk)
    if event.status != HealthStatus.OPEN:
        raise Conflict(_("The event is closed."))
    errors: dict[str, list[str]] = {}
    if status not in (HealthStatus.CLEARED, HealthStatus.CONFIRMED):
        errors["status"] = [_("Not a valid choice.")]
    if not (outcome or "").strip():
        errors["outcome"] = [_("This field is required.")]
    if status == HealthStatus.CLEARED and event.steps.filter(result=StepResult.POSITIVE).exists():
        errors["status"] = [_("A step was positive: the event cannot be closed as negative.")]
    if errors:
        raise ValidationError(errors)
    event.status, event.outcome, event.closed_at = status, outcome.strip(), timezone.now()
    event.save()
    events.record("workforce.health_closed", actor=actor, target=event, status=status)
    notify.notify(recipients=_staff_of(AuthorityKind.HEALTH, event.enterprise), code=notices.HEALTH_CLOSED,
                  params={"enterprise": event.enterprise.name, "outcome": event.outcome[:200]},
                  link=f"/workforce/health/{event.pk}/")
    return event
