"""The per-day rollup (``DailyFigure``): sums of the current reports per day, district and industry.

Services refresh the groups they touch inside their own transaction (``refresh``); bulk loads and repairs
recompute whole days set-based (``rebuild``). Enterprises outside the jurisdiction are left out of the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from .choices import ResumptionStatus
from .models import DailyFigure, StatusReport

Key = tuple[date, str, str]  # (date, region code, industry code)

SUMS = {
    "reported": Count("id"),
    "not_resumed": Count("id", filter=Q(status=ResumptionStatus.NOT_RESUMED)),
    "partly": Count("id", filter=Q(status=ResumptionStatus.PARTLY)),
    "resumed": Count("id", filter=Q(status=ResumptionStatus.RESUMED)),
    "full": Count("id", filter=Q(status=ResumptionStatus.FULL)),
    "employees_expected": Sum("employees_expected"),
    "employees_on_duty": Sum("employees_on_duty"),
    "capacity_sum": Sum("capacity"),
}
FIELDS = tuple(SUMS)


def counted_reports() -> QuerySet[StatusReport]:
    """The reports the figures count: current ones of enterprises inside the jurisdiction."""
    return StatusReport.objects.filter(is_current=True, enterprise__is_external=False)


def _write(rows: Iterable[dict]) -> int:
    objs = [
        DailyFigure(date=r["date"], region_id=r["region_id"], industry_id=r["industry_id"],
                    **{f: r[f] or 0 for f in FIELDS})
        for r in rows
    ]
    DailyFigure.objects.bulk_create(
        objs, batch_size=1000, update_conflicts=True, unique_fields=["date", "region", "industry"],
        update_fields=list(FIELDS),
    )
    return len(objs)


def refresh(keys: Iterable[Key]) -> None:
    """Recompute the given groups from the reports (call inside the writing transaction)."""
    wanted = set(keys)
    if not wanted:
        return
    # Lock the groups' rows (creating them first) so two reports in one group cannot both miss each other.
    for day, region, industry in sorted(wanted):
        DailyFigure.objects.get_or_create(date=day, region_id=region, industry_id=industry)
    for day in sorted({k[0] for k in wanted}):
        list(DailyFigure.objects.select_for_update().filter(
            date=day, region_id__in={k[1] for k in wanted if k[0] == day}).values_list("pk"))
    rows = (
        counted_reports()
        .filter(date__in={k[0] for k in wanted}, region_id__in={k[1] for k in wanted},
                industry_id__in={k[2] for k in wanted})
        .order_by().values("date", "region_id", "industry_id").annotate(**SUMS)
    )
    found = {(r["date"], r["region_id"], r["industry_id"]): r for r in rows}
    out = []
    for key in wanted:
        row = found.get(key) or {"date": key[0], "region_id": key[1], "industry_id": key[2]}
        out.append(dict.fromkeys(FIELDS, 0) | row)
    _write(out)


def rebuild(days: Iterable[date] | None = None) -> int:
    """Recompute whole days (all days when None) set-based; returns the rows written."""
    qs = counted_reports()
    figures = DailyFigure.objects.all()
    if days is not None:
        day_list = sorted(set(days))
        qs = qs.filter(date__in=day_list)
        figures = figures.filter(date__in=day_list)
    with transaction.atomic():
        # Lock the days' rows first: a report filed meanwhile waits in its own refresh() (which locks the
        # same rows) and recomputes its group after this commits, instead of being overwritten by stale sums.
        list(figures.select_for_update().values_list("pk", flat=True))
        figures.delete()
        rows = qs.order_by().values("date", "region_id", "industry_id").annotate(**SUMS)
        return _write(rows.iterator(chunk_size=5000))
