"""Display names of ledger event codes and tiers (events store codes, never text)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from qifu.ledger.choices import Tier

register = template.Library()

EVENT_LABELS = {
    "reported": _("Reported"),
    "accepted": _("Accepted by the commissioner"),
    "escalated": _("Escalated"),
    "dispatched": _("Assigned to departments"),
    "acknowledged": _("Receipt acknowledged"),
    "progress": _("Progress reported"),
    "part_resolved": _("A department resolved its part"),
    "resolved": _("Resolved"),
    "returned": _("Sent back"),
    "confirmed": _("Confirmed by the enterprise"),
    "reopened": _("Reopened (unsatisfied)"),
    "checked": _("Checked by the commissioner"),
    "closed": _("Closed"),
    "chased": _("Chased"),
    "warning": _("Supervision warning"),
    "escalated_overdue": _("Escalated: overdue"),
    "merged": _("Merged into a common problem"),
    "merged_in": _("More enterprises' problems merged in"),
    "extension_requested": _("Deadline extension requested"),
    "extension_decided": _("Deadline extension decided"),
    "attached": _("File attached"),
    "imported": _("Imported from an Excel ledger"),
    "routed": _("Sent to its coordination level"),
}
# Why a problem was routed (services.ROUTE_BASES): the basis and its levels, as codes on the event.
ROUTE_BASIS_LABELS = {"supply_chain": _("Supply-chain coordination")}
ROUTE_LEVEL_LABELS = {
    "district": _("same district"),
    "city": _("another district of the city"),
    "province": _("another city of the province"),
    "cross_province": _("cross-province"),
}


@register.filter
def route_reason(event: object) -> str:
    """"Supply-chain coordination: cross-province" for a routed event; empty for any other."""
    if getattr(event, "code", "") != "routed":
        return ""
    data = getattr(event, "data", None) or {}
    basis, level = data.get("basis", ""), data.get("level", "")
    return _("%(basis)s: %(level)s") % {"basis": ROUTE_BASIS_LABELS.get(basis, basis),
                                       "level": ROUTE_LEVEL_LABELS.get(level, level)}


@register.filter
def problem_event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


@register.filter
def tier_label(code: str) -> str:
    try:
        return str(Tier(code).label)
    except ValueError:
        return code or "—"


@register.filter
def percent(value: float | None) -> str:
    """0.756 → "75.6%"; no denominator → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%"
