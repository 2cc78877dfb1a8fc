"""The power-based cross-check (电力复工指数): an enterprise counts as resumed by power when its day's kWh
exceeds a share (settings.QIFU_POWER_RESUMED_SHARE, default 30%) of its baseline; its power-based capacity
is kWh ÷ baseline. The baseline is the account's explicit ``baseline_kwh`` when set, otherwise the daily
average of the enterprise's readings in the previous December."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .choices import RESUMED_STATUSES
from .models import PowerAccount, PowerReading, StatusReport

if TYPE_CHECKING:
    from .selectors import Scope

FORMULAS = {
    "power_index": _(
        "Power index = enterprises whose day's consumption exceeds %(share)s of their baseline ÷ enterprises with "
        "a reading and a baseline (baseline: the previous December's daily average unless set on the account)"
    ),
}


def share() -> float:
    return float(getattr(settings, "QIFU_POWER_RESUMED_SHARE", 0.3))


def baselines(enterprise_ids: Any, year: int) -> dict[int, Decimal]:
    """Baseline daily kWh per enterprise for figures in ``year`` (``enterprise_ids``: ids or a values() qs)."""
    out: dict[int, Decimal] = {}
    december = PowerReading.objects.filter(
        enterprise_id__in=enterprise_ids, date__range=(date(year - 1, 12, 1), date(year - 1, 12, 31))
    ).order_by().values("enterprise_id").annotate(total=Sum("kwh"), days=Count("date", distinct=True))
    for row in december:  # the average of the daily totals over all the enterprise's meters
        if row["total"] and row["days"]:
            out[row["enterprise_id"]] = Decimal(row["total"]) / row["days"]
    explicit = PowerAccount.objects.filter(enterprise_id__in=enterprise_ids, baseline_kwh__isnull=False).order_by() \
        .values("enterprise_id").annotate(total=Sum("baseline_kwh"))
    for row in explicit:
        out[row["enterprise_id"]] = Decimal(row["total"])
    return out


def resumed_by_power(kwh: Decimal, baseline: Decimal) -> bool:
    return baseline > 0 and kwh > baseline * Decimal(str(share()))


def day_rows(*, scope: Scope, day: date) -> list[dict[str, Any]]:
    """Per enterprise in scope with a reading on ``day``: kWh, baseline, power capacity, and its report."""
    enterprises = scope.enterprises().values("pk")
    readings = dict(PowerReading.objects.filter(date=day, enterprise_id__in=enterprises).order_by()
                    .values("enterprise_id").annotate(total=Sum("kwh")).values_list("enterprise_id", "total"))
    if not readings:
        return []
    base = baselines(list(readings), day.year)
    reports = {r["enterprise_id"]: r for r in StatusReport.objects.filter(
        date=day, is_current=True, enterprise_id__in=list(readings)).values("enterprise_id", "status", "capacity")}
    rows = []
    for eid, kwh in readings.items():
        b = base.get(eid)
        report = reports.get(eid)
        by_power = resumed_by_power(kwh, b) if b else None
        by_report = report["status"] in RESUMED_STATUSES if report else None
        rows.append({
            "enterprise_id": eid, "kwh": kwh, "baseline": b,
            "power_capacity": round(float(kwh / b), 4) if b else None,
            "resumed_by_power": by_power,
            "status": report["status"] if report else None,
            "capacity": report["capacity"] if report else None,
            "resumed_by_report": by_report,
            "disagrees": by_power is not None and by_report is not None and by_power != by_report,
        })
    return rows


def day_index(*, scope: Scope, day: date) -> dict[str, Any]:
    """The power index beside the self-reported rates: how many were measured, resumed by power, disagree."""
    rows = [r for r in day_rows(scope=scope, day=day) if r["baseline"]]
    measured = len(rows)
    resumed = sum(1 for r in rows if r["resumed_by_power"])
    return {
        "measured": measured,
        "resumed_by_power": resumed,
        "power_index": round(resumed / measured, 4) if measured else None,
        "power_capacity": round(sum(r["power_capacity"] for r in rows) / measured, 4) if measured else None,
        "disagreements": sum(1 for r in rows if r["disagrees"]),
        "share": share(),
    }


def disagreements(*, scope: Scope, day: date) -> list[dict[str, Any]]:
    """Enterprises whose report and power disagree on ``day``, for the commissioner to check."""
    from qifu.enterprises.models import Enterprise

    rows = [r for r in day_rows(scope=scope, day=day) if r["disagrees"]]
    names = {e.pk: e for e in Enterprise.objects.filter(pk__in=[r["enterprise_id"] for r in rows])
             .select_related("region")}
    for r in rows:
        r["enterprise"] = names[r["enterprise_id"]]
    return sorted(rows, key=lambda r: (r["enterprise"].region_id, r["enterprise"].name))
