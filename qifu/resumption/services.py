"""Writes for work resumption: filing a daily status report (a second one the same day replaces the first,
which stays as history) and the commissioners' reminders. Each service checks permission through
core.access, validates, writes, records its event and refreshes the rollup in one transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events, notify
from qifu.core.errors import Conflict
from qifu.enterprises.models import Enterprise
from qifu.ledger.models import Problem
from qifu.organisations.choices import Role
from qifu.organisations.models import User

from . import notices, rollup
from .choices import Channel, Obstacle, ResumptionStatus
from .models import StatusReport

MAX_CAPACITY = 150
MAX_REMARKS = 2000


@dataclass
class ReportInput:
    """A status report as typed on the form, sent to the API or read from an Excel row."""

    enterprise_id: int
    date: date
    status: str
    employees_expected: int
    employees_on_duty: int
    capacity: int
    obstacle: str = ""
    problem_id: int | None = None
    remarks: str = ""


EARLIEST = date(2000, 1, 1)


def _int(value: Any, field: str, errors: dict[str, list[str]]) -> int:
    """A whole number from a form, JSON or an Excel cell; records the field's error and returns 0 if not."""
    number: int | None = None
    if value in (None, ""):
        errors.setdefault(field, []).append(_("This field is required."))
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        number = int(value.strip())
    if number is None:
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return 0
    if number < 0:
        errors.setdefault(field, []).append(_("Enter a number that is not negative."))
    return number


def earliest_date(user: User | None, today: date) -> date:
    """The earliest day a user may file or correct a report for: administrators any day since 2000; others
    within ``QIFU_REPORT_BACKDATE_DAYS`` (so figures already briefed are not quietly rewritten)."""
    if user is not None and access.has_role(user, Role.ADMINISTRATOR):
        return EARLIEST
    return max(EARLIEST, today - timedelta(days=settings.QIFU_REPORT_BACKDATE_DAYS))


def report_errors(data: ReportInput, *, today: date, enterprise: Enterprise | None,
                  earliest: date | None = None) -> dict[str, list[str]]:
    """Every field error of a report (empty when valid): the same rules for the form, the API and Excel."""
    errors: dict[str, list[str]] = {}
    earliest = earliest or EARLIEST
    if data.date is None:
        errors["date"] = [_("This field is required.")]
    elif data.date > today:
        errors["date"] = [_("The date is in the future.")]
    elif data.date < earliest:
        errors["date"] = [_("Reports can be filed or corrected back to %(date)s only.") % {
            "date": earliest.isoformat()}]
    if data.status not in ResumptionStatus.values:
        errors["status"] = [_("Choose one of: not resumed, partly resumed, resumed, at full capacity.")]
    expected = _int(data.employees_expected, "employees_expected", errors)
    on_duty = _int(data.employees_on_duty, "employees_on_duty", errors)
    capacity = _int(data.capacity, "capacity", errors)
    if "capacity" not in errors and not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Capacity utilisation must be between 0 and 150%.")]
    if "employees_on_duty" not in errors and "employees_expected" not in errors and on_duty > expected \
            and not (data.remarks or "").strip():
        errors["employees_on_duty"] = [
            _("More employees on duty than expected: explain why in the remarks, or correct the numbers.")
        ]
    if data.obstacle not in Obstacle.values:
        errors["obstacle"] = [_("Unknown obstacle.")]
    if len(data.remarks or "") > MAX_REMARKS:
        errors["remarks"] = [_("At most %(n)d characters.") % {"n": MAX_REMARKS}]
    if data.problem_id is not None and enterprise is not None and not Problem.objects.filter(
        pk=data.problem_id, enterprise_id=enterprise.pk
    ).exists():
        errors["problem_id"] = [_("The problem is not in this enterprise's ledger.")]
    return errors


def may_report(user: User, enterprise: Enterprise) -> bool:
    """The enterprise's contact, its commissioner and its district's command center (and administrators)."""
    return access.allowed(user, access.CHANGE, enterprise)


def report_file(
    *, actor: User, data: ReportInput, channel: str = Channel.WEB, now: datetime | None = None
) -> StatusReport:
    """File an enterprise's status for a day; an existing report for that day is kept as history."""
    now = now or timezone.now()
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=data.enterprise_id)
    today = timezone.localdate(now)
    errors = report_errors(data, today=today, enterprise=enterprise, earliest=earliest_date(actor, today))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            report = _write(actor=actor, enterprise=enterprise, data=data, channel=channel, now=now)
    except IntegrityError:
        raise Conflict(_("Another report for this enterprise and day was filed at the same moment; try again.")) \
            from None
    return report


def _write(*, actor: User | None, enterprise: Enterprise, data: ReportInput, channel: str, now: datetime,
           refresh: bool = True) -> StatusReport:
    previous = (
        StatusReport.objects.select_for_update()
        .filter(enterprise=enterprise, date=data.date, is_current=True)
        .first()
    )
    if previous is not None:
        StatusReport.objects.filter(pk=previous.pk).update(is_current=False, superseded_at=now)
    report = StatusReport.objects.create(
        enterprise=enterprise, date=data.date, status=data.status,
        employees_expected=int(data.employees_expected), employees_on_duty=int(data.employees_on_duty),
        capacity=int(data.capacity), obstacle=data.obstacle or "", problem_id=data.problem_id,
        remarks=(data.remarks or "").strip(), region_id=enterprise.region_id, industry_id=enterprise.industry_id,
        channel=channel, reported_by=actor if actor is not None and actor.pk else None, reported_at=now,
    )
    values = {f: getattr(report, f) for f in (
        "date", "status", "employees_expected", "employees_on_duty", "capacity", "obstacle", "problem_id")}
    events.record(
        "resumption.report_replaced" if previous else "resumption.report_filed",
        actor=actor, target=report, enterprise=enterprise.pk, channel=channel,
        replaces=previous.pk if previous else None, **values,
    )
    if refresh:
        keys = {(report.date, report.region_id, report.industry_id)}
        if previous is not None:
            keys.add((previous.date, previous.region_id, previous.industry_id))
        rollup.refresh(keys)
    return report


def reports_follow_enterprises(enterprise_ids: Sequence[int]) -> None:
    """Enterprises changed region, industry or jurisdiction (called by the enterprise services inside their
    transaction): their reports move with them and the rollup groups they left and joined are recomputed, so a
    district's figures always count the enterprises it has now, never more reports than enterprises."""
    reports = StatusReport.objects.filter(enterprise_id__in=list(enterprise_ids))
    keys = set(reports.order_by().values_list("date", "region_id", "industry_id").distinct())
    if not keys:
        return
    current = Enterprise.objects.filter(pk=OuterRef("enterprise_id"))
    reports.update(region_id=Subquery(current.values("region_id")[:1]),
                   industry_id=Subquery(current.values("industry_id")[:1]))
    keys |= set(reports.order_by().values_list("date", "region_id", "industry_id").distinct())
    rollup.refresh(keys)


def reminders_send(*, day: date, now: datetime | None = None) -> int:
    """Remind each commissioner whose enterprises have not reported on ``day`` (once per commissioner and
    day, on working days of the official calendar); returns the number of commissioners reminded.
    Idempotent (the notices carry a dedup key); all reminders are written in one batch."""
    from qifu.core import workdays

    from .selectors import non_reporters_by_commissioner

    if not workdays.calendar().is_workday(day):
        return 0
    todo = non_reporters_by_commissioner(day=day)
    messages = [
        {"recipients": [commissioner], "code": notices.REMINDER,
         "params": {"count": len(enterprises), "date": day.isoformat(),
                    "names": "、".join(e.name for e in enterprises[:5]) + ("…" if len(enterprises) > 5 else "")},
         "link": reverse("resumption-pending") + f"?date={day.isoformat()}",
         "dedup_key": f"{notices.REMINDER}:{day.isoformat()}"}
        for commissioner, enterprises in todo
    ]
    with transaction.atomic():
        created = {n.recipient_id for n in notify.notify_many(messages)}
        reminded = [(c, es) for c, es in todo if c.pk in created]
        events.record_many([
            events.build("resumption.reminded", actor=None, target=c, system="resumption-reminders", date=day,
                         enterprises=[e.pk for e in es])
            for c, es in reminded
        ])
    return len(reminded)


def briefings_send(*, day: date) -> int:
    """Deliver the day's briefing to leadership and command center staff through the notification channels
    (in-app, email, webhooks), each with the headline of their own scope and a link; once per reader and day."""
    from .briefing import pct
    from .selectors import day_figures, scope_for

    readers = User.objects.filter(
        is_active=True, role_grants__role__in=[Role.LEADERSHIP, Role.COMMAND_CENTER]
    ).distinct().order_by("pk")
    sent = 0
    link = reverse("resumption-briefing") + f"?date={day.isoformat()}"
    for reader in readers:
        totals = day_figures(scope=scope_for(user=reader), day=day)["totals"]
        with transaction.atomic():
            created = notify.notify(
                recipients=[reader], code=notices.BRIEFING, link=link,
                unit_webhooks=[g.unit_id for g in reader.role_grants.all()
                               if g.unit_id and g.role in (Role.LEADERSHIP, Role.COMMAND_CENTER)],
                params={"date": day.isoformat(), "resumption_rate": pct(totals["resumption_rate"]),
                        "return_rate": pct(totals["return_rate"]), "capacity_rate": pct(totals["capacity_rate"])},
                dedup_key=f"{notices.BRIEFING}:{day.isoformat()}",
            )
            sent += bool(created)
    return sent
