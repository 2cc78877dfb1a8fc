"""Writes of the key-project app: one service per state change. Each checks permission through core.access,
validates, writes and records its event (core.events: codes with JSON old/new values) in one transaction;
notifications are in-app rows in the same transaction, sent onwards after commit by core.notify.

Logistics requests do not route anything themselves: they report a ledger problem through
``qifu.ledger.services.problem_report`` and the ledger's own transitions take it from there."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events, notify
from qifu.core.errors import Conflict
from qifu.core.excel import normalise_header
from qifu.enterprises.models import Enterprise
from qifu.ledger import services as ledger_services
from qifu.ledger.choices import Channel, Priority
from qifu.ledger.models import ProblemCategory
from qifu.organisations.choices import Role, UnitKind
from qifu.organisations.models import Region, Unit, User

from . import countries, io, notices, risk, signing
from .choices import (
    ARRIVED,
    PASS_TRANSITIONS,
    EquipmentStatus,
    LogisticsKind,
    PassPurpose,
    PassStatus,
    Risk,
    Stage,
    VehicleType,
)
from .models import CountryNote, EquipmentItem, KeyProject, LogisticsRequest, Milestone, VehiclePass

# --- projects and milestones ------------------------------------------------------------------------------


@dataclass
class ProjectInput:
    code: str
    name: str
    owner_id: int
    region_code: str
    investment: Decimal
    work_team_id: int | None = None
    stage: str = Stage.CONSTRUCTION
    transport_unit_id: int | None = None
    description: str = ""
    work_team_name: str = ""  # a new work team unit of that name, when no existing one is chosen


PROJECT_FIELDS = ("name", "owner_id", "region_code", "investment", "stage", "work_team_id", "transport_unit_id",
                  "description")
# Who the project belongs to and who works on it: only its registrars (administrators, the region's command
# center) change these; the stationed team edits the rest.
MANAGED_FIELDS = ("owner_id", "region_code", "work_team_id", "transport_unit_id")


def may_manage(user: User, project: KeyProject | None = None, region_code: str | None = None) -> bool:
    """Administrators and the command center of the project's region register projects, change their owner,
    region and units, and station commissioners in the work team."""
    code = region_code if region_code is not None else (project.region_id if project else "")
    return access.has_role(user, Role.ADMINISTRATOR) or bool(
        code and access.region_in_scope(user, code, Role.COMMAND_CENTER))


def _project_errors(data: Mapping[str, Any], actor: User) -> dict[str, list[str]]:
    """Field checks shared by create and update (only the keys present are checked)."""
    errors: dict[str, list[str]] = {}
    if "name" in data and (not (data["name"] or "").strip() or len(data["name"].strip()) > 128):
        errors["name"] = [_("This field is required.")]
    if "region_code" in data and not Region.objects.filter(code=data["region_code"] or "").exists():
        errors["region_code"] = [_("Not a GB/T 2260 region code: %(code)s.") % {"code": data["region_code"]}]
    if "owner_id" in data and not Enterprise.objects.restrict(actor, access.VIEW).filter(
            pk=data["owner_id"]).exists():
        errors["owner_id"] = [_("Unknown enterprise.")]
    if data.get("work_team_id") is not None and not Unit.objects.filter(
            pk=data["work_team_id"], kind=UnitKind.WORK_TEAM, is_active=True).exists():
        errors["work_team_id"] = [_("Choose a key-project work team.")]
    if data.get("transport_unit_id") and not Unit.objects.filter(
            pk=data["transport_unit_id"], kind=UnitKind.DEPARTMENT, is_active=True).exists():
        errors["transport_unit_id"] = [_("Choose a department.")]
    if "stage" in data and data["stage"] not in Stage.values:
        errors["stage"] = [_("Not a valid choice.")]
    if "investment" in data and (data["investment"] is None or data["investment"] < 0
                                 or data["investment"] >= Decimal("1e14")):
        errors["investment"] = [_("Enter an amount in yuan, e.g. 12800000.00.")]
    return errors


def _new_work_team(name: str, region: Region) -> Unit:
    code = f"team-{secrets.token_hex(4)}"
    while Unit.objects.filter(code=code).exists():
        code = f"team-{secrets.token_hex(4)}"
    return Unit.objects.create(name=name, code=code, kind=UnitKind.WORK_TEAM, region=region)


@transaction.atomic
def project_create(*, actor: User, data: ProjectInput) -> KeyProject:
    """Register a key project (administrators and the command center of its region), with an existing work team
    or a new one of the given name."""
    if not may_manage(actor, region_code=data.region_code or ""):
        raise PermissionDenied
    values = {f: getattr(data, f) for f in PROJECT_FIELDS}
    errors = _project_errors(values, actor)
    code = (data.code or "").strip().lower()
    if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        errors["code"] = [_("Letters, digits and hyphens, at most 32.")]
    elif KeyProject.objects.filter(code=code).exists():
        errors["code"] = [_("Choose a code that is not used yet.")]
    team_name = (data.work_team_name or "").strip()
    if data.work_team_id is None and not team_name:
        errors["work_team_id"] = [_("Choose a work team or name a new one.")]
    elif data.work_team_id is None and len(team_name) > 128:
        errors["work_team_name"] = [_("At most %(n)d characters.") % {"n": 128}]
    if errors:
        raise ValidationError(errors)
    region = Region.objects.get(code=data.region_code)
    team_id = data.work_team_id
    if team_id is None:
        team = _new_work_team(team_name, region)
        events.record("unit.created", actor=actor, target=team, name=team.name, kind=team.kind, via="project")
        team_id = team.pk
    project = KeyProject.objects.create(
        code=code, name=data.name.strip(), owner_id=data.owner_id, region=region, investment=data.investment,
        stage=data.stage, work_team_id=team_id, transport_unit_id=data.transport_unit_id,
        description=(data.description or "").strip())
    events.record("project.created", actor=actor, target=project, name=project.name, project_code=project.code,
                  values={f: getattr(project, "region_id" if f == "region_code" else f) for f in PROJECT_FIELDS})
    return project


@transaction.atomic
def project_update(*, actor: User, project_id: int, values: Mapping[str, Any],
                   version: int | None = None) -> KeyProject:
    """Change some of a project's fields (``values`` keyed as ``PROJECT_FIELDS``); its owner, region and units
    only by its registrars. Stale versions are refused; the event keeps old and new values."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=project_id)
    project = KeyProject.objects.select_for_update().get(pk=project.pk)
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({k: [_("This field cannot be changed here.")] for k in sorted(unknown)})
    if version is not None and version != project.version:
        raise Conflict(_("Someone changed this project meanwhile; reload it and try again."),
                       current_version=project.version)
    clean = dict(values)
    if clean.get("name") is not None:
        clean["name"] = clean["name"].strip()
    if clean.get("description") is not None:
        clean["description"] = clean["description"].strip()
    if "work_team_id" in clean and clean["work_team_id"] is None:
        clean.pop("work_team_id")  # a project always has its team
    stored = {("region_id" if k == "region_code" else k): v for k, v in clean.items()}
    changes = events.diff(project, stored)
    managed = [f for f in MANAGED_FIELDS if ("region_id" if f == "region_code" else f) in changes]
    if managed and not may_manage(actor, project):
        raise PermissionDenied
    errors = _project_errors({k: v for k, v in clean.items()
                              if ("region_id" if k == "region_code" else k) in changes}, actor)
    if errors:
        raise ValidationError(errors)
    if "region_id" in changes and not may_manage(actor, region_code=clean["region_code"]):
        raise PermissionDenied  # a command center moves a project only within its own region
    if not changes:
        return project
    for key, value in stored.items():
        setattr(project, key, value)
    project.version += 1
    project.save()
    events.record("project.changed", actor=actor, target=project, changes=changes)
    return project


def work_team_members(project: KeyProject) -> list[User]:
    """The commissioners stationed in the project's work team (a commissioner grant at the team unit)."""
    return list(User.objects.filter(role_grants__unit_id=project.work_team_id, role_grants__role=Role.COMMISSIONER,
                                    is_active=True).distinct().order_by("pk"))


@transaction.atomic
def work_team_add(*, actor: User, project_id: int, username: str) -> User:
    """Station a commissioner in the project's work team: they keep the project's ledgers from then on."""
    project = access.get_or_404(KeyProject, actor, access.VIEW, pk=project_id)
    if not may_manage(actor, project):
        raise PermissionDenied
    from qifu.organisations.models import RoleGrant

    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": [_("No active user with this login.")]})
    if not RoleGrant.objects.filter(user=user, role=Role.COMMISSIONER).exists():
        raise ValidationError({"username": [_("Only service commissioners join a work team.")]})
    if RoleGrant.objects.filter(user=user, role=Role.COMMISSIONER, unit_id=project.work_team_id).exists():
        raise ValidationError({"username": [_("Already in the work team.")]})
    RoleGrant.objects.create(user=user, role=Role.COMMISSIONER, unit_id=project.work_team_id)
    if user.unit_id is None:
        user.unit_id = project.work_team_id
        user.save(update_fields=["unit"])
    events.record("work_team.member_added", actor=actor, target=project, user=user.pk, username=user.username,
                  unit=project.work_team_id)
    return user


@transaction.atomic
def work_team_remove(*, actor: User, project_id: int, user_id: int) -> User:
    """Withdraw a commissioner from the project's work team (their other grants stay)."""
    project = access.get_or_404(KeyProject, actor, access.VIEW, pk=project_id)
    if not may_manage(actor, project):
        raise PermissionDenied
    from qifu.organisations.models import RoleGrant

    grant = RoleGrant.objects.filter(user_id=user_id, role=Role.COMMISSIONER, unit_id=project.work_team_id).first()
    if grant is None:
        raise access.NotFound
    user = grant.user
    grant.delete()
    if user.unit_id == project.work_team_id:
        other = RoleGrant.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True).first()
        user.unit_id = other
        user.save(update_fields=["unit"])
    events.record("work_team.member_removed", actor=actor, target=project, user=user.pk, username=user.username,
                  unit=project.work_team_id)
    return user


@transaction.atomic
def milestone_save(*, actor: User, project_id: int, name: str, planned_date: date,
                   actual_date: date | None = None, milestone_id: int | None = None) -> Milestone:
    """Add or change a milestone; the gated items' risk suggestions follow its date."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=project_id)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError({"name": [_("This field is required.")]})
    if planned_date is None:
        raise ValidationError({"planned_date": [_("Enter a date as YYYY-MM-DD.")]})
    clash = Milestone.objects.filter(project=project, name=name).exclude(pk=milestone_id)
    if clash.exists():
        raise ValidationError({"name": [_("The project already has a milestone of this name.")]})
    if milestone_id is None:
        milestone = Milestone.objects.create(project=project, name=name, planned_date=planned_date,
                                             actual_date=actual_date, sort_order=project.milestones.count())
        events.record("milestone.created", actor=actor, target=milestone, name=name, planned_date=planned_date)
    else:
        milestone = Milestone.objects.select_for_update().filter(project=project, pk=milestone_id).first()
        if milestone is None:
            raise access.NotFound
        changes = events.diff(milestone, {"name": name, "planned_date": planned_date, "actual_date": actual_date})
        milestone.name, milestone.planned_date, milestone.actual_date = name, planned_date, actual_date
        milestone.save()
        events.record("milestone.changed", actor=actor, target=milestone, changes=changes)
        suggestions_refresh(project_id=project.pk, today=timezone.localdate(), milestone_id=milestone.pk)
    return milestone


# --- equipment ledger --------------------------------------------------------------------------------------


def refs_for(project: KeyProject) -> io.Refs:
    """What item rows of ``project`` may refer to."""
    milestones: dict[str, int] = {}
    dates: dict[int, date] = {}
    for m in Milestone.objects.filter(project=project):
        milestones[normalise_header(m.name)] = m.pk
        milestones[str(m.pk)] = m.pk
        dates[m.pk] = m.planned_date
    units: dict[str, int] = {}
    for pk, code, name, short in Unit.objects.filter(is_active=True).values_list("pk", "code", "name", "short_name"):
        for key in (code, name, short, str(pk)):
            if key:
                units.setdefault(normalise_header(key), pk)
    regions = set(Region.objects.values_list("code", flat=True))
    return io.Refs(milestones=milestones, milestone_dates=dates, units=units, regions=regions)


def suggestion_for(item: EquipmentItem, milestone_dates: Mapping[int, date], today: date) -> str:
    return risk.suggest(status=item.status, origin=item.origin, planned=item.planned_arrival,
                        contract=item.contract_delivery, actual=item.actual_arrival,
                        milestone=milestone_dates.get(item.milestone_id) if item.milestone_id else None, today=today)


ITEM_FIELDS = ("number", "name", "specification", "quantity", "supplier", "origin", "region_id", "country",
               "contract_value", "contract_delivery", "planned_arrival", "actual_arrival", "transport_mode", "route",
               "status", "foreign_technicians", "outside_technicians", "risk", "risk_reason", "difficulty",
               "measures", "milestone_id", "responsible_unit_id")
CREATE_REQUIRED = ("number", "name", "supplier", "origin", "status")


def _whole_item_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Rules across fields, checked on the item as it will be stored."""
    errors: dict[str, list[str]] = {}
    if values.get("origin") == "imported" and not values.get("country"):
        errors["country"] = [_("An imported item needs its country of origin.")]
    if values.get("origin") == "imported" and values.get("region_id"):
        errors["region"] = [_("An imported item has no domestic region code.")]
    if values.get("status") in ARRIVED and not values.get("actual_arrival"):
        errors["actual_arrival"] = [_("An item on site needs its actual arrival date.")]
    return errors


@transaction.atomic
def equipment_save(*, actor: User, project_id: int, values: Mapping[str, Any], item_id: int | None = None,
                   version: int | None = None) -> EquipmentItem:
    """Create an item or change some of its fields (``values`` as typed: codes or labels); stale versions are
    refused. Every change is recorded with its old and new values."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=project_id)
    refs = refs_for(project)
    clean, errors = io.parse_item(values, refs)
    if item_id is None:
        for key in CREATE_REQUIRED:
            if key not in values:
                errors.setdefault(key, [_("This field is required.")])
        if "number" in clean and EquipmentItem.objects.filter(project=project, number=clean["number"]).exists():
            errors.setdefault("number", []).append(_("The project already has an item with this number."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if item_id is None:
        item = EquipmentItem(project=project, updated_at=now, updated_by=actor)
        for key, value in clean.items():
            setattr(item, key, value)
    else:
        item = EquipmentItem.objects.select_for_update().filter(project=project, pk=item_id).first()
        if item is None:
            raise access.NotFound
        if version is not None and version != item.version:
            raise Conflict(_("Someone changed this item meanwhile; reload it and try again."),
                           current_version=item.version)
        if "number" in clean and clean["number"] != item.number and EquipmentItem.objects.filter(
                project=project, number=clean["number"]).exists():
            raise ValidationError({"number": [_("The project already has an item with this number.")]})
        changes = events.diff(item, clean)
        if not changes:
            return item
        for key, value in clean.items():
            setattr(item, key, value)
    whole = _whole_item_errors({f: getattr(item, f) for f in ITEM_FIELDS})
    if whole:
        raise ValidationError(whole)
    item.suggested_risk = suggestion_for(item, refs.milestone_dates, timezone.localdate())
    item.updated_at, item.updated_by = now, actor
    if item_id is None:
        item.save()
        events.record("equipment.created", actor=actor, target=item,
                      values={f: getattr(item, f) for f in ITEM_FIELDS})
    else:
        item.version += 1
        item.save()
        events.record("equipment.changed", actor=actor, target=item, changes=changes)
    return item


def _lock_item(actor: User, item_id: int) -> EquipmentItem:
    item = access.get_or_404(EquipmentItem, actor, access.VIEW, pk=item_id)
    access.get_or_404(KeyProject, actor, access.CHANGE, pk=item.project_id)
    return EquipmentItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def equipment_mark_arrived(*, actor: User, item_id: int, on: date | None = None) -> EquipmentItem:
    """Strike an item off as arrived on site (the phone check-off): status on site, the arrival date, and its
    delay risk closed (the old risk stays in the event)."""
    item = _lock_item(actor, item_id)
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": [_("The arrival date is in the future.")]})
    if item.status in ARRIVED:
        raise Conflict(_("This item is already on site."))
    old = {"status": item.status, "actual_arrival": item.actual_arrival, "risk": item.risk}
    item.status, item.actual_arrival = EquipmentStatus.ON_SITE, on
    item.risk = item.suggested_risk = Risk.NORMAL
    item.updated_at, item.updated_by = timezone.now(), actor
    item.version += 1
    item.save()
    events.record("equipment.arrived", actor=actor, target=item, old=old, on=on)
    return item


@transaction.atomic
def equipment_set_risk(*, actor: User, item_id: int, risk_level: str, reason: str = "") -> EquipmentItem:
    """The team confirms the suggested risk, or overrides it with a reason."""
    item = _lock_item(actor, item_id)
    reason = (reason or "").strip()
    if risk_level not in Risk.values:
        raise ValidationError({"risk": [_("Not a valid choice.")]})
    overridden = risk_level != item.suggested_risk
    if overridden and not reason:
        raise ValidationError({"reason": [_("Give a reason when you do not follow the suggestion.")]})
    old = {"risk": item.risk, "risk_reason": item.risk_reason}
    item.risk = risk_level
    if reason:
        item.risk_reason = reason
    item.updated_at, item.updated_by = timezone.now(), actor
    item.version += 1
    item.save()
    events.record("equipment.risk_overridden" if overridden else "equipment.risk_confirmed", actor=actor,
                  target=item, old=old, risk=risk_level, suggested=item.suggested_risk, reason=reason)
    return item


@transaction.atomic
def equipment_replace_supplier(*, actor: User, item_id: int, supplier: str, reason: str,
                               values: Mapping[str, Any] | None = None) -> EquipmentItem:
    """该换的换: a new supplier for an item, recorded as a replacement with the old one and the reason;
    ``values`` may carry the new origin, country, region, dates and route."""
    item = _lock_item(actor, item_id)
    supplier, reason = (supplier or "").strip(), (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not supplier or len(supplier) > 128:
        errors["supplier"] = [_("This field is required.")]
    elif supplier == item.supplier:
        errors["supplier"] = [_("This is the current supplier.")]
    if not reason:
        errors["reason"] = [_("This field is required.")]
    refs = refs_for(item.project)
    clean, more = io.parse_item({**(values or {}), "supplier": supplier}, refs)
    errors |= {k: v for k, v in more.items() if k not in errors}
    if errors:
        raise ValidationError(errors)
    changes = events.diff(item, clean)
    previous = item.supplier
    for key, value in clean.items():
        setattr(item, key, value)
    whole = _whole_item_errors({f: getattr(item, f) for f in ITEM_FIELDS})
    if whole:
        raise ValidationError(whole)
    item.previous_supplier, item.supplier_replaced_at = previous, timezone.now()
    item.suggested_risk = suggestion_for(item, refs.milestone_dates, timezone.localdate())
    item.updated_at, item.updated_by = item.supplier_replaced_at, actor
    item.version += 1
    item.save()
    events.record("equipment.supplier_replaced", actor=actor, target=item, old_supplier=previous,
                  new_supplier=supplier, reason=reason, changes=changes)
    return item


def suggestions_refresh(*, project_id: int | None = None, today: date, milestone_id: int | None = None,
                        chunk: int = 2000) -> int:
    """Recompute the risk suggestions of items not on site (daily: dates pass; after a milestone moves).
    Idempotent; returns how many changed. A system job: no acting user, no per-item event (the suggestion is
    derived data; the team's risk is what changes only with an event)."""
    qs = EquipmentItem.objects.exclude(status__in=ARRIVED)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if milestone_id is not None:
        qs = qs.filter(milestone_id=milestone_id)
    dates = dict(Milestone.objects.values_list("pk", "planned_date"))
    changed = 0
    batch: list[EquipmentItem] = []
    for item in qs.only("pk", "status", "origin", "planned_arrival", "contract_delivery", "actual_arrival",
                        "milestone_id", "suggested_risk").iterator(chunk_size=chunk):
        new = suggestion_for(item, dates, today)
        if new != item.suggested_risk:
            item.suggested_risk = new
            batch.append(item)
        if len(batch) >= chunk:
            with transaction.atomic():
                EquipmentItem.objects.bulk_update(batch, ["suggested_risk"])
            changed += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            EquipmentItem.objects.bulk_update(batch, ["suggested_risk"])
        changed += len(batch)
    return changed


@transaction.atomic
def country_note_save(*, actor: User, project_id: int, country: str, situation: str) -> CountryNote:
    """The team's note on a supplier country's situation (one per country and project; replaces the last)."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=project_id)
    code = countries.normalise(country)
    errors: dict[str, list[str]] = {}
    if not code:
        errors["country"] = [_("Not an ISO 3166 country: %(value)s.") % {"value": country}]
    if not (situation or "").strip():
        errors["situation"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    note = CountryNote.objects.select_for_update().filter(project=project, country=code).first()
    old = note.situation if note else ""
    if note is None:
        note = CountryNote(project=project, country=code)
    note.situation, note.updated_at, note.updated_by = situation.strip(), timezone.now(), actor
    note.save()
    events.record("country_note.saved", actor=actor, target=note, country=code, old=old, new=note.situation)
    return note


# --- logistics requests ------------------------------------------------------------------------------------

LOGISTICS_PRIORITY = {LogisticsKind.OVERSIZE: Priority.HIGH, LogisticsKind.URGENT: Priority.URGENT,
                      LogisticsKind.CUSTOMS: Priority.HIGH, LogisticsKind.GREEN_CHANNEL: Priority.HIGH}


@dataclass
class LogisticsInput:
    project_id: int
    kind: str
    title: str
    description: str = ""
    location: str = ""
    needed_at: datetime | None = None
    item_ids: Sequence[int] = ()


@transaction.atomic
def logistics_request_create(*, actor: User, data: LogisticsInput) -> LogisticsRequest:
    """A transport, customs or green-channel request: reported as a ledger problem of the project's owner
    (category logistics) and routed like any other, linked to its equipment items."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=data.project_id)
    errors: dict[str, list[str]] = {}
    if data.kind not in LogisticsKind.values:
        errors["kind"] = [_("Not a valid choice.")]
    items = list(EquipmentItem.objects.filter(project=project, pk__in=list(data.item_ids)))
    if len(items) != len(set(data.item_ids)):
        errors["item_ids"] = [_("Some items are not in this project's equipment ledger.")]
    if data.needed_at is not None and timezone.is_naive(data.needed_at):
        errors["needed_at"] = [_("Give the time with its time zone.")]
    if errors:
        raise ValidationError(errors)
    category = ProblemCategory.objects.filter(code="logistics").first()
    lines = [(data.description or "").strip()]
    if data.location:
        lines.append(_("Location: %(place)s") % {"place": data.location})
    if data.needed_at:
        lines.append(_("Needed at: %(time)s") % {
            "time": timezone.localtime(data.needed_at).strftime("%Y-%m-%d %H:%M")})
    if items:
        lines.append(_("Equipment: %(items)s") % {"items": "、".join(f"{i.number} {i.name}" for i in items)})
    problem = ledger_services.problem_report(actor=actor, data=ledger_services.ProblemInput(
        enterprise_id=project.owner_id, title=data.title, description="\n".join(x for x in lines if x),
        category_id=category.pk if category else None, priority=LOGISTICS_PRIORITY.get(data.kind, Priority.HIGH),
        channel=Channel.COMMISSIONER))
    request = LogisticsRequest.objects.create(project=project, kind=data.kind, problem=problem,
                                              location=(data.location or "").strip()[:128],
                                              needed_at=data.needed_at, requested_by=actor)
    request.items.set(items)
    events.record("logistics.requested", actor=actor, target=request, kind=data.kind, problem=problem.pk,
                  items=[i.pk for i in items])
    return request


# --- vehicle passes ----------------------------------------------------------------------------------------

PLATE_MAX = 10
MAX_VALIDITY_DAYS = 92


@dataclass
class PassInput:
    project_id: int
    enterprise_id: int
    plate: str
    vehicle_type: str
    driver_name: str
    route: str
    purpose: str
    valid_from: date
    valid_until: date
    driver_phone: str = ""


def normalise_plate(plate: str) -> str:
    return "".join((plate or "").split()).replace("·", "").replace("-", "").upper()


def _pass_number(at: datetime) -> str:
    return f"TX{timezone.localtime(at):%Y%m%d}{secrets.randbelow(10**6):06d}"


@transaction.atomic
def pass_apply(*, actor: User, data: PassInput) -> VehiclePass:
    """An enterprise applies for a pass for one vehicle on one route to a key project's site; the project's
    transport department decides."""
    enterprise = access.get_or_404(Enterprise, actor, access.VIEW, pk=data.enterprise_id)
    if not access.allowed(actor, access.CHANGE, enterprise):
        raise PermissionDenied
    project = KeyProject.objects.filter(pk=data.project_id).first()
    errors: dict[str, list[str]] = {}
    if project is None:
        errors["project_id"] = [_("Unknown key project.")]
    elif project.transport_unit_id is None:
        errors["project_id"] = [_("This project has no transport department for passes yet.")]
    plate = normalise_plate(data.plate)
    if not 6 <= len(plate) <= PLATE_MAX:
        errors["plate"] = [_("Enter the plate number, e.g. 闽E12345.")]
    for key in ("driver_name", "route"):
        if not (getattr(data, key) or "").strip():
            errors[key] = [_("This field is required.")]
    if len(data.route or "") > 200:
        errors["route"] = [_("At most %(n)d characters.") % {"n": 200}]
    if data.vehicle_type not in VehicleType.values:
        errors["vehicle_type"] = [_("Not a valid choice.")]
    if data.purpose not in PassPurpose.values:
        errors["purpose"] = [_("Not a valid choice.")]
    if not data.valid_from or not data.valid_until or data.valid_until < data.valid_from:
        errors["valid_until"] = [_("The pass must end on or after its first day.")]
    elif (data.valid_until - data.valid_from).days >= MAX_VALIDITY_DAYS:
        errors["valid_until"] = [_("A pass is valid for at most %(n)d days.") % {"n": MAX_VALIDITY_DAYS}]
    elif data.valid_until < timezone.localdate():
        errors["valid_until"] = [_("The pass would already have expired.")]
    if errors:
        raise ValidationError(errors)
    assert project is not None
    at = timezone.now()
    vp = VehiclePass.objects.create(
        number=_pass_number(at), project=project, enterprise=enterprise, authority_id=project.transport_unit_id,
        plate=plate, vehicle_type=data.vehicle_type, driver_name=data.driver_name.strip()[:32],
        driver_phone=(data.driver_phone or "").strip()[:20], route=data.route.strip(), purpose=data.purpose,
        valid_from=data.valid_from, valid_until=data.valid_until, applied_by=actor, applied_at=at)
    events.record("pass.applied", actor=actor, target=vp, plate=plate, project=project.pk)
    staff = User.objects.filter(role_grants__unit_id=project.transport_unit_id, is_active=True).distinct()
    notify.notify(recipients=list(staff), code=notices.VEHICLE_APPLIED, params={"plate": plate, "number": vp.number},
                  link=reverse("pass-detail", args=[vp.pk]))
    return vp


def _lock_pass(actor: User, pass_id: int, target: str) -> VehiclePass:
    vp = access.get_or_404(VehiclePass, actor, access.CHANGE, pk=pass_id)
    vp = VehiclePass.objects.select_for_update().get(pk=vp.pk)
    if target not in PASS_TRANSITIONS[vp.status]:
        raise Conflict(_("The pass is %(status)s; this is no longer possible.") % {
            "status": PassStatus(vp.status).label})
    return vp


@transaction.atomic
def pass_decide(*, actor: User, pass_id: int, approve: bool, reason: str = "") -> VehiclePass:
    """The transport department approves a pass, or refuses it with a reason."""
    target = PassStatus.APPROVED if approve else PassStatus.REFUSED
    vp = _lock_pass(actor, pass_id, target)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    vp.status, vp.reason, vp.decided_by, vp.decided_at = target, reason, actor, timezone.now()
    vp.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    events.record("pass.approved" if approve else "pass.refused", actor=actor, target=vp, reason=reason)
    notify.notify(recipients=[vp.applied_by], code=notices.VEHICLE_APPROVED if approve else notices.VEHICLE_REFUSED,
                  params={"plate": vp.plate, "number": vp.number, "reason": reason},
                  link=reverse("pass-detail", args=[vp.pk]))
    return vp


@transaction.atomic
def pass_revoke(*, actor: User, pass_id: int, reason: str) -> VehiclePass:
    """Withdraw an approved pass: checkpoints see it as invalid from now on."""
    vp = _lock_pass(actor, pass_id, PassStatus.REVOKED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("This field is required.")]})
    vp.status, vp.reason, vp.revoked_at = PassStatus.REVOKED, reason, timezone.now()
    vp.save(update_fields=["status", "reason", "revoked_at"])
    events.record("pass.revoked", actor=actor, target=vp, reason=reason)
    notify.notify(recipients=[vp.applied_by], code=notices.VEHICLE_REVOKED,
                  params={"plate": vp.plate, "number": vp.number, "reason": reason},
                  link=reverse("pass-detail", args=[vp.pk]))
    return vp


def pass_token(vp: VehiclePass, key: bytes | None = None) -> str:
    """The signed content of an approved pass's QR code."""
    return signing.sign(signing.SignedFields(vp.pk, vp.plate, vp.valid_from, vp.valid_until),
                        key or settings.QIFU_PASS_KEY)


def validity_days(vp: VehiclePass) -> int:
    return (vp.valid_until - vp.valid_from).days + 1

