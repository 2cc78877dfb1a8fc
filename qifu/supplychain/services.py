"""Writes of the supply chain: supply links (one at a time or a plant's whole list from Excel, all or
nothing), external suppliers as enterprises, and raising a ledger problem for a blocking supplier, routed to
its coordination level through the ledger's own services. Each service checks permission through
core.access, validates, writes and records its event in one transaction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events
from qifu.core.errors import Conflict
from qifu.enterprises.models import Enterprise
from qifu.ledger import rules as ledger_rules
from qifu.ledger import services as ledger
from qifu.ledger.choices import Channel, Nature, Priority
from qifu.ledger.models import ProblemCategory
from qifu.organisations.choices import CoordinationRole, UnitKind
from qifu.organisations.models import Unit, User

from . import selectors
from .choices import Level
from .models import SupplierProblem, SupplyLink

MAX_DAYS = Decimal("3650")
SUPPLY_CHAIN_CATEGORY = "supply_chain"


@dataclass
class LinkInput:
    """A supply link as typed on a form, sent to the API or read from an Excel row."""

    buyer_id: int
    supplier_id: int
    part: str
    stock_days: Any
    critical: bool = True
    has_alternative: bool = False
    alternative_lead_days: Any = None
    share: Any = None


def _decimal(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number of days."))
        return None
    if not number.is_finite() or number < 0 or number > MAX_DAYS:
        errors.setdefault(field, []).append(_("Enter a number of days between 0 and 3650."))
        return None
    return number.quantize(Decimal("0.1"))


def link_errors(data: LinkInput) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Every field error of a link (empty when valid) and the cleaned values: the same rules everywhere."""
    errors: dict[str, list[str]] = {}
    part = (data.part or "").strip()
    if not part:
        errors["part"] = [_("Name the parts or materials supplied.")]
    elif len(part) > 128:
        errors["part"] = [_("At most %(n)d characters.") % {"n": 128}]
    if data.buyer_id == data.supplier_id:
        errors["supplier"] = [_("An enterprise cannot supply itself.")]
    stock = _decimal(data.stock_days, "stock_days", errors, required=True)
    lead = _decimal(data.alternative_lead_days, "alternative_lead_days", errors, required=False)
    if data.has_alternative and lead is None and "alternative_lead_days" not in errors:
        errors["alternative_lead_days"] = [_("Give the alternative source's lead time in days.")]
    if not data.has_alternative and lead is not None:
        errors["alternative_lead_days"] = [_("A lead time needs an alternative source.")]
    share: int | None = None
    if data.share not in (None, ""):
        try:
            share = int(Decimal(str(data.share).strip().rstrip("%")))
        except (InvalidOperation, ValueError):
            share = -1
        if not 0 <= share <= 100:
            errors["share"] = [_("The share is a percentage between 0 and 100.")]
    return errors, {"part": part, "stock_days": stock, "critical": bool(data.critical),
                    "has_alternative": bool(data.has_alternative), "alternative_lead_days": lead, "share": share}


def _buyer(actor: User, buyer_id: int) -> Enterprise:
    """The buyer whose supplier list the actor changes (access.SUPPLIERS: the plant's commissioner anywhere in its
    upstream network): 403 when the actor may see it but not change its list, 404 otherwise."""
    buyer = access.restrict(Enterprise.objects.filter(pk=buyer_id), actor, access.SUPPLIERS).first()
    if buyer is not None:
        return buyer
    if access.restrict(Enterprise.objects.filter(pk=buyer_id), actor, access.VIEW).exists():
        raise PermissionDenied
    raise access.NotFound


@transaction.atomic
def link_create(*, actor: User, data: LinkInput) -> SupplyLink:
    """Record that a supplier delivers a part to a buyer (who may change the buyer's supplier list may add to it)."""
    buyer = _buyer(actor, data.buyer_id)
    supplier = Enterprise.objects.filter(pk=data.supplier_id).first()
    errors, clean = link_errors(data)
    if supplier is None:
        errors["supplier"] = [_("No such enterprise.")]
    elif SupplyLink.objects.filter(buyer=buyer, supplier=supplier, part=clean["part"]).exists():
        errors["part"] = [_("This supplier already delivers this part to this buyer.")]
    if errors:
        raise ValidationError(errors)
    link = SupplyLink.objects.create(buyer=buyer, supplier=supplier, **clean)
    events.record("supplychain.link_created", actor=actor, target=link, buyer=buyer.pk, supplier=supplier.pk,
                  **clean)
    return link


@transaction.atomic
def link_update(*, actor: User, link_id: int, data: LinkInput, version: int | None = None) -> SupplyLink:
    """Change a link's part, stock, alternative or share (buyer and supplier stay)."""
    link = access.get_or_404(SupplyLink.objects.select_for_update(), actor, access.CHANGE, pk=link_id)
    if version is not None and link.version != version:
        raise Conflict(_("Someone else changed this supply link meanwhile; reload it and try again."),
                       current_version=link.version)
    data.buyer_id, data.supplier_id = link.buyer_id, link.supplier_id
    errors, clean = link_errors(data)
    if not errors and SupplyLink.objects.filter(buyer_id=link.buyer_id, supplier_id=link.supplier_id,
                                                part=clean["part"]).exclude(pk=link.pk).exists():
        errors["part"] = [_("This supplier already delivers this part to this buyer.")]
    if errors:
        raise ValidationError(errors)
    changes = events.diff(link, clean)
    if changes:
        for k, v in clean.items():
            setattr(link, k, v)
        link.version += 1
        link.save()
        events.record("supplychain.link_updated", actor=actor, target=link, changes=changes)
    return link


@transaction.atomic
def link_delete(*, actor: User, link_id: int) -> None:
    link = access.get_or_404(SupplyLink, actor, access.CHANGE, pk=link_id)
    events.record("supplychain.link_deleted", actor=actor, target=link, buyer=link.buyer_id,
                  supplier=link.supplier_id, part=link.part)
    link.delete()


# --- raising a ledger problem for a blocking supplier ------------------------------------------------------


def _provincial(region_code: str) -> Any:
    return Unit.objects.filter(is_active=True, region_id=region_code[:2] + "0000").order_by("sort_order", "id")


def _by_role_or_sole(region_code: str, role: str, **fallback: Any) -> tuple[Unit | None, int]:
    """The active unit holding ``role`` at the province's code; when none does, the one unit that fits the old
    rule (``fallback`` filters) and how many fit it, so that an ambiguous guess is never made. A unit named for
    another role is not a candidate."""
    units = _provincial(region_code)
    holder = units.filter(coordination_role=role).first()
    if holder is not None:
        return holder, 1
    candidates = list(units.filter(coordination_role="", **fallback)[:2])
    return (candidates[0] if len(candidates) == 1 else None), len(candidates)


def provincial_department(region_code: str) -> Unit | None:
    """The province's economic department: the active unit with the coordination role *provincial economic
    department* registered at the province's code. When no unit holds the role, the only department or
    economic bureau registered there; None when there are several (a health commission and a transport
    department must not get supply-chain problems by sort order) or none — raising a problem then stops with
    "no unit is set up to coordinate at this level" and writes nothing."""
    unit, _count = _by_role_or_sole(
        region_code, CoordinationRole.ECONOMIC_DEPARTMENT, kind__in=(UnitKind.DEPARTMENT, UnitKind.ECONOMIC_BUREAU)
    )
    return unit


def cross_province_office(region_code: str) -> Unit | None:
    """The province's cross-province coordination office: the active unit with the coordination role
    *cross-province coordination office* at the province's code. When no unit holds the role, the only service
    task force registered there; the provincial economic department when there is none; None when there are
    several task forces and none holds the role."""
    unit, count = _by_role_or_sole(
        region_code, CoordinationRole.CROSS_PROVINCE_OFFICE, kind=UnitKind.SERVICE_TASK_FORCE
    )
    if unit is None and count == 0:
        return provincial_department(region_code)
    return unit


def coordinating_unit(level: str, plant: Enterprise, category: ProblemCategory) -> Unit | None:
    """The unit that must coordinate a blocking supplier at ``level`` (None at the district level: the plant's
    commissioner takes it, with the district's command center above)."""
    if level == Level.CITY:
        return category.task_force
    if level == Level.PROVINCE:
        return provincial_department(plant.region_id)
    if level == Level.CROSS_PROVINCE:
        return cross_province_office(plant.region_id)
    return None


def _title_and_description(plant: Enterprise, row: selectors.SupplierRow, days_to_stop: float,
                           target: Unit | None) -> tuple[str, str]:
    parts = "、".join(sorted({lk.part for lk in row.links})) or "-"
    tts_text = _("not before its alternative source") if math.isinf(row.tts) else \
        _("%(days)s days") % {"days": selectors.days_label(row.tts)}
    title = _("Supplier %(supplier)s has not resumed: %(plant)s is at risk of stopping") % {
        "supplier": row.enterprise.name, "plant": plant.name}
    lines = [
        _("Supplier: %(supplier)s (%(region)s, tier %(tier)d), supplies: %(parts)s.") % {
            "supplier": row.enterprise.name, "region": row.enterprise.region_id, "tier": row.tier, "parts": parts},
        _("Without it the plant runs for %(tts)s; the plant's days to stop: %(dts)s.") % {
            "tts": tts_text, "dts": selectors.days_label(days_to_stop) if not math.isinf(days_to_stop) else "∞"},
        _("Coordination level: %(level)s.") % {"level": Level(row.level).label},
    ]
    if row.via[:-1]:
        lines.append(_("Through: %(via)s.") % {"via": " → ".join(row.via)})
    if target is not None:
        lines.append(_("To be coordinated by: %(unit)s.") % {"unit": target.name})
    return title[:200], "\n".join(lines)


@transaction.atomic
def problem_raise(*, actor: User, plant_id: int, supplier_id: int, day: date | None = None) -> SupplierProblem:
    """Raise a pre-filled ledger problem for one of the plant's blocking suppliers, routed to the supplier's
    coordination level by the ledger's services: same district — reported to the plant's commissioner
    (accepted at once when the commissioner raises it); another district — its first hop at the city's
    supply-chain task force; another city — dispatched to the provincial economic department; another
    province — at the province's cross-province coordination office. Linked to the supplier and the plant."""
    day = day or timezone.localdate()
    analysis = selectors.plant_analysis(user=actor, plant_id=plant_id, day=day)
    plant = analysis.plant
    row = next((r for r in analysis.suppliers if r.enterprise.pk == supplier_id), None)
    if row is None:
        raise access.NotFound
    if not row.blocked:
        raise ValidationError({"supplier": [_("This supplier has resumed: there is nothing to raise.")]})
    if row.problem_open:
        raise Conflict(_("Problem %(number)s is already open for this supplier.") % {
            "number": row.raised.problem.number if row.raised else ""})
    if not ledger_rules.may_report(actor, plant):
        raise PermissionDenied(_("Only the plant, its commissioner or its command center may raise its problems."))
    category = ProblemCategory.objects.filter(code=SUPPLY_CHAIN_CATEGORY, is_active=True).first()
    if category is None:
        raise ValidationError(_("The supply-chain problem category is missing; ask the administrator."))
    target = coordinating_unit(row.level, plant, category)
    if row.level != Level.DISTRICT and (target is None or not target.is_active):
        raise ValidationError(_("No unit is set up to coordinate at this level (%(level)s); ask the "
                                "administrator.") % {"level": Level(row.level).label})
    title, description = _title_and_description(plant, row, analysis.days_to_stop, target)
    urgent = not math.isinf(row.tts) and row.tts <= 3
    data = ledger.ProblemInput(
        enterprise_id=plant.pk, title=title, description=description, category_id=category.pk,
        nature=Nature.INDIVIDUAL if row.level == Level.DISTRICT else Nature.COMMON,
        priority=Priority.URGENT if urgent else Priority.HIGH,
        channel=Channel.COMMISSIONER if ledger_rules.is_enterprise_commissioner(actor, _bare(plant))
        else Channel.SELF_REPORT)
    if target is None:
        problem = ledger.problem_report(actor=actor, data=data)
    else:
        problem = ledger.problem_report_routed(actor=actor, data=data, route=ledger.InitialRoute(
            unit_id=target.pk, basis=SUPPLY_CHAIN_CATEGORY, level=row.level))
    link = SupplierProblem.objects.create(
        plant=plant, supplier=row.enterprise, problem=problem, level=row.level, target_unit=target,
        days_to_stop=None if math.isinf(analysis.days_to_stop) else Decimal(str(round(analysis.days_to_stop, 1))),
        raised_by=actor, raised_at=timezone.now())
    events.record("supplychain.problem_raised", actor=actor, target=link, plant=plant.pk, supplier=row.enterprise.pk,
                  problem=problem.pk, level=row.level, tts=selectors.days_label(row.tts),
                  days_to_stop=selectors.days_label(analysis.days_to_stop))
    return link


def _bare(plant: Enterprise) -> Any:
    """A stand-in problem for the ledger's rule "is the actor the enterprise's commissioner"."""
    from qifu.ledger.models import Problem

    return Problem(enterprise=plant, first_receiver_id=None)

