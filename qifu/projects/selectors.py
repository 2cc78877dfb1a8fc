"""Reads of the key-project app, each starting from ``restrict(user, action)``: projects, the equipment ledger
and its risk view, logistics requests, passes, and the public check of a pass's QR code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from qifu.core import access, events

from . import countries, risk, signing
from .choices import ARRIVED, EquipmentStatus, Origin, PassStatus, Risk
from .models import CountryNote, EquipmentItem, KeyProject, LogisticsRequest, Milestone, VehiclePass

LATE_LIMIT = 100


def project_list(*, user: Any) -> QuerySet[KeyProject]:
    return KeyProject.objects.restrict(user, access.VIEW).select_related("owner", "work_team", "region")


def project_get(*, user: Any, pk: int, action: str = access.VIEW) -> KeyProject:
    return access.get_or_404(project_list(user=user), user, action, pk=pk)


def may_change(user: Any, project: KeyProject) -> bool:
    return access.allowed(user, access.CHANGE, project)


def equipment_list(*, user: Any, project_id: int, q: str = "", status: str = "", risk_level: str = "",
                   origin: str = "", country: str = "", pending: bool = False) -> QuerySet[EquipmentItem]:
    qs = EquipmentItem.objects.restrict(user, access.VIEW).filter(project_id=project_id)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q) | Q(supplier__icontains=q))
    if status == "open":
        qs = qs.exclude(status__in=ARRIVED)
    elif status:
        qs = qs.filter(status=status)
    if risk_level == "at_risk":
        qs = qs.filter(risk__in=(Risk.DELAY, Risk.MAJOR))
    elif risk_level:
        qs = qs.filter(risk=risk_level)
    if origin:
        qs = qs.filter(origin=origin)
    if country:
        qs = qs.filter(country=country)
    if pending:
        qs = qs.exclude(risk=F("suggested_risk"))
    return qs.select_related("milestone").order_by("number")


def item_history(item: EquipmentItem, limit: int = 200) -> Any:
    return events.timeline(item, limit=limit)


@dataclass
class LateItem:
    pk: int
    number: str
    name: str
    origin: str
    status: str
    risk: str
    planned_arrival: date
    milestone: str
    milestone_date: date
    slack_days: int

    @property
    def risk_label(self) -> str:
        return str(Risk(self.risk).label)


def risk_view(*, user: Any, project: KeyProject) -> dict[str, Any]:
    """The figures of the risk view: counts by origin, status and risk; items arriving after the milestone
    they gate with their slack; imported items by country with the team's notes; suggestions to review;
    supplier replacements. One grouped scan of the project's items gives every count (a few hundred groups
    whatever the size); the three short lists read at most 100 rows each."""
    items = EquipmentItem.objects.restrict(user, access.VIEW).filter(project=project)
    groups = list(items.values("origin", "risk", "status", "country").annotate(
        n=Count("pk"), pending=Count("pk", filter=~Q(risk=F("suggested_risk")))).order_by())
    by_origin_risk: dict[tuple[str, str], int] = {}
    by_status: dict[str, int] = {}
    country_rows: dict[str, dict[str, Any]] = {}
    pending_count = 0
    for g in groups:
        by_origin_risk[(g["origin"], g["risk"])] = by_origin_risk.get((g["origin"], g["risk"]), 0) + g["n"]
        by_status[g["status"]] = by_status.get(g["status"], 0) + g["n"]
        pending_count += g["pending"]
        if g["origin"] == Origin.IMPORTED:
            row = country_rows.setdefault(g["country"], {
                "code": g["country"], "name": countries.name(g["country"]), "total": 0, "arrived": 0,
                **dict.fromkeys(Risk.values, 0)})
            row[g["risk"]] += g["n"]
            row["total"] += g["n"]
            row["arrived"] += g["n"] if g["status"] in ARRIVED else 0
    replacement_count = items.filter(supplier_replaced_at__isnull=False).count()
    # Late items, milestone by milestone: a range on the (project, milestone, planned arrival) index each.
    late_count, late = 0, []
    for m in Milestone.objects.filter(project=project).order_by("planned_date"):
        late_m = items.filter(milestone_id=m.pk, planned_arrival__gt=m.planned_date).exclude(status__in=ARRIVED)
        n = late_m.count()
        late_count += n
        if n:
            for row in late_m.values("pk", "number", "name", "origin", "status", "risk", "planned_arrival").order_by(
                    "-planned_arrival")[:LATE_LIMIT]:
                late.append(LateItem(row["pk"], row["number"], row["name"], row["origin"], row["status"],
                                     row["risk"], row["planned_arrival"], m.name, m.planned_date,
                                     risk.slack_days(row["planned_arrival"], m.planned_date) or 0))
    late.sort(key=lambda x: (x.slack_days, x.number))
    late = late[:LATE_LIMIT]
    origin_rows = []
    for value, label in Origin.choices:
        row = {"key": value, "label": label, "total": 0}
        for r in Risk.values:
            row[r] = by_origin_risk.get((value, r), 0)
            row["total"] += row[r]
        origin_rows.append(row)
    risk_totals = {r: sum(by_origin_risk.get((o, r), 0) for o in Origin.values) for r in Risk.values}
    status_rows = [{"key": v, "label": label, "n": by_status.get(v, 0)} for v, label in EquipmentStatus.choices]
    notes = {n.country: n for n in CountryNote.objects.restrict(user, access.VIEW).filter(project=project)}
    for code, row in country_rows.items():
        note = notes.get(code)
        row["note"] = note.situation if note else ""
        row["note_updated_at"] = note.updated_at if note else None
    return {
        "total": sum(by_origin_risk.values()),
        "by_origin": origin_rows,
        "by_status": status_rows,
        "risk_totals": risk_totals,
        "arrived": sum(by_status.get(s, 0) for s in ARRIVED),
        "late_count": late_count,
        "late": late,
        "countries": sorted(country_rows.values(), key=lambda r: (-r["total"], r["code"])),
        "pending_count": pending_count,
        "pending": list(items.exclude(risk=F("suggested_risk")).order_by("number")[:50]) if pending_count else [],
        "replacements": list(items.filter(supplier_replaced_at__isnull=False).order_by("-supplier_replaced_at")[:50])
        if replacement_count else [],
        "replacement_count": replacement_count,
    }


def logistics_list(*, user: Any, project_id: int | None = None) -> QuerySet[LogisticsRequest]:
    qs = LogisticsRequest.objects.restrict(user, access.VIEW).select_related("problem", "project")
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.prefetch_related("items")


def pass_list(*, user: Any, status: str = "", project_id: int | None = None, q: str = "") -> QuerySet[VehiclePass]:
    qs = VehiclePass.objects.restrict(user, access.VIEW).select_related("enterprise", "project")
    if status:
        qs = qs.filter(status=status)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if q:
        qs = qs.filter(Q(plate__icontains=q.replace(" ", "")) | Q(number__icontains=q))
    return qs.order_by("-applied_at", "-id")


def may_decide(user: Any, vp: VehiclePass) -> bool:
    return access.allowed(user, access.CHANGE, vp)


# --- the public check of a QR code -------------------------------------------------------------------------

INVALID_SIGNATURE = "invalid_signature"
UNKNOWN = "unknown"
ALTERED = "altered"
NOT_APPROVED = "not_approved"
REVOKED = "revoked"
NOT_YET = "not_yet_valid"
EXPIRED = "expired"
VALID = "valid"


@dataclass(frozen=True)
class PassCheck:
    """What a checkpoint sees: the verdict, and for a genuine pass only the plate, vehicle type, route and
    validity (no names, phone numbers or enterprise)."""

    result: str
    plate: str = ""
    vehicle_type: str = ""
    route: str = ""
    valid_from: date | None = None
    valid_until: date | None = None

    @property
    def valid(self) -> bool:
        return self.result == VALID


_PASS_ROW_SQL = ""


def _pass_row(pass_id: int) -> tuple[Any, ...] | None:
    """The stored fields a check compares, by primary key (plain SQL: this runs for every scan)."""
    global _PASS_ROW_SQL
    if not _PASS_ROW_SQL:
        meta = VehiclePass._meta
        _PASS_ROW_SQL = (f"SELECT plate, valid_from, valid_until, status, vehicle_type, route FROM {meta.db_table} "  # noqa: S608
                         f"WHERE {meta.pk.column} = %s")
    with connection.cursor() as cursor:
        cursor.execute(_PASS_ROW_SQL, [pass_id])
        row = cursor.fetchone()
    if row is None:
        return None
    plate, valid_from, valid_until, status, vehicle_type, route = row
    return plate, _as_date(valid_from), _as_date(valid_until), status, vehicle_type, route


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def pass_check(token: str, *, today: date, key: bytes | None = None) -> PassCheck:
    """Verify a scanned QR content: the HMAC signature, then the pass as stored now (revoked, changed after
    printing), then the day."""
    fields = signing.verify(token, key or settings.QIFU_PASS_KEY)
    if fields is None:
        return PassCheck(INVALID_SIGNATURE)
    row = _pass_row(fields.pass_id)
    if row is None:
        return PassCheck(UNKNOWN)
    plate, valid_from, valid_until, status, vehicle_type, route = row
    if (plate, valid_from, valid_until) != (fields.plate, fields.valid_from, fields.valid_until):
        return PassCheck(ALTERED)
    shown = {"plate": plate, "vehicle_type": vehicle_type, "route": route, "valid_from": valid_from,
             "valid_until": valid_until}
    if status == PassStatus.REVOKED:
        return PassCheck(REVOKED, **shown)
    if status != PassStatus.APPROVED:
        return PassCheck(NOT_APPROVED)
    if today < valid_from:
        return PassCheck(NOT_YET, **shown)
    if today > valid_until:
        return PassCheck(EXPIRED, **shown)
    return PassCheck(VALID, **shown)
