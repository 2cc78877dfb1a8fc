"""All-or-nothing imports: a district's daily status sheet, and the grid company's daily readings (Excel or
CSV). Every row is validated first; any error rejects the whole file with a row-by-row report."""

from __future__ import annotations

import csv
import io as _io
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, events, excel
from qifu.core.excel import Column, ImportReport, Row, RowError
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalise_credit_code
from qifu.ledger.models import Problem
from qifu.organisations.models import User

from . import io, rollup, services
from .choices import Channel
from .models import PowerAccount, PowerReading, StatusReport


def _enterprises(actor: User) -> dict[str, Enterprise]:
    return {e.credit_code: e for e in Enterprise.objects.restrict(actor, access.CHANGE)}


def _credit(row: Row, report: ImportReport, known: dict[str, Enterprise], required: bool = True) -> Enterprise | None:
    raw = row.get("credit_code")
    if not raw:
        if required:
            report.add_error(row.number, "credit_code", _("This field is required."))
        return None
    try:
        code = normalise_credit_code(str(raw))
    except ValidationError as exc:
        report.add_error(row.number, "credit_code", exc.messages[0], raw)
        return None
    enterprise = known.get(code)
    if enterprise is None:
        report.add_error(row.number, "credit_code", _("No enterprise with this credit code that you may report for."),
                         raw)
    return enterprise


def reports_import(*, actor: User, file: Any, dry_run: bool = False, now: datetime | None = None) -> ImportReport:
    """Import a sheet of daily status reports; a row for a day already reported replaces that report."""
    access.require_capability(actor, "resumption.import")
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ImportReport(dry_run=dry_run, columns=io.REPORT_COLUMNS)
    rows, file_errors = excel.read_rows(file, io.REPORT_COLUMNS)
    if file_errors:
        report.errors.extend(file_errors)
        return report
    report.rows = len(rows)
    known = _enterprises(actor)
    earliest = services.earliest_date(actor, today)
    problems = dict(Problem.objects.restrict(actor).filter(
        number__in=[str(r.get("problem")) for r in rows if r.get("problem")]).values_list("number", "pk"))
    seen: dict[tuple[int, Any], int] = {}
    valid: list[tuple[Enterprise, services.ReportInput]] = []
    for row in rows:
        before = len(report.errors)
        enterprise = _credit(row, report, known)
        day = io.parse_date(row.get("date"))
        if day is None:
            report.add_error(row.number, "date", _("Enter a date as YYYY-MM-DD."), row.get("date"))
        status = io.parse_status(row.get("status"))
        if status is None:
            report.add_error(row.number, "status", _("Choose one of: not resumed, partly resumed, resumed, at full "
                                                     "capacity."), row.get("status"))
        obstacle = io.parse_obstacle(row.get("obstacle"))
        if obstacle is None:
            report.add_error(row.number, "obstacle", _("Unknown obstacle."), row.get("obstacle"))
        problem_id = None
        if row.get("problem"):
            problem_id = problems.get(str(row.get("problem")))
            if problem_id is None:
                report.add_error(row.number, "problem", _("No such problem in your ledger."), row.get("problem"))
        if enterprise is None or day is None or status is None or obstacle is None or len(report.errors) > before:
            continue
        data = services.ReportInput(
            enterprise_id=enterprise.pk, date=day, status=status, employees_expected=row.get("employees_expected"),
            employees_on_duty=row.get("employees_on_duty"), capacity=row.get("capacity"), obstacle=obstacle,
            problem_id=problem_id, remarks=str(row.get("remarks") or ""),
        )
        field_errors = services.report_errors(data, today=today, enterprise=enterprise, earliest=earliest)
        for field, messages in field_errors.items():
            column = "problem" if field == "problem_id" else field
            for message in messages:
                report.add_error(row.number, column, message, row.get(column))
        key = (enterprise.pk, day)
        if key in seen:
            report.add_error(row.number, "credit_code", _("The same enterprise and day are already in row %(row)d.")
                             % {"row": seen[key]}, row.get("credit_code"))
        seen.setdefault(key, row.number)
        if not field_errors:
            valid.append((enterprise, data))
    if report.errors or dry_run:
        return report
    existing = set(StatusReport.objects.filter(
        is_current=True, enterprise_id__in={e.pk for e, _d in valid}, date__in={d.date for _e, d in valid}
    ).values_list("enterprise_id", "date"))
    try:
        with transaction.atomic():
            keys = set()
            for enterprise, data in valid:
                previous = (enterprise.pk, data.date) in existing
                written = services._write(actor=actor, enterprise=enterprise, data=data, channel=Channel.IMPORT,
                                          now=now, refresh=False)
                keys.add((written.date, written.region_id, written.industry_id))
                if previous:
                    report.updated += 1
                else:
                    report.created += 1
            rollup.refresh(keys)
    except IntegrityError:
        # Someone filed a report for one of these enterprises and days at the same moment: nothing was written.
        report.created = report.updated = 0
        report.add_error(None, "date", _("Reports for these enterprises were filed meanwhile; import the file again."))
    return report


# --- power readings ----------------------------------------------------------------------------------------


def _read_csv(file: Any, columns: tuple[Column, ...]) -> tuple[list[Row], list[RowError]]:
    raw = file.read() if hasattr(file, "read") else bytes(file)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [RowError(None, "", _("The file is not an Excel workbook (.xlsx)."))]
    lines = list(csv.reader(_io.StringIO(text)))
    if not lines:
        return [], [RowError(None, "", _("The workbook contains no data."))]
    index = {name: c for c in columns for name in excel.accepted_headers(c)}
    keys = [index.get(excel.normalise_header(h)) for h in lines[0]]
    missing = [c for c in columns if c.required and c not in keys]
    if missing:
        return [], [RowError(1, c.key, _("The required column “%(label)s” is missing.") % {"label": c.label})
                    for c in missing]
    rows = []
    for number, values in enumerate(lines[1:], start=2):
        record = {c.key: (v.strip() or None) for c, v in zip(keys, values, strict=False) if c is not None}
        if any(record.values()):
            rows.append(Row(number, record))
    return rows, []


def power_import(*, actor: User, file: Any, filename: str = "", dry_run: bool = False,
                 now: datetime | None = None) -> ImportReport:
    """Import daily kWh per meter, keyed by credit code or power account number (a reading for a meter and day
    already imported is replaced; an enterprise's day is the sum of its meters). An account number seen with a
    credit code is registered to it."""
    access.require_capability(actor, "power.import")
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ImportReport(dry_run=dry_run, columns=io.POWER_COLUMNS)
    head = file.read(4) if hasattr(file, "read") else bytes(file)[:4]
    if hasattr(file, "seek"):
        file.seek(0)
    if filename.lower().endswith(".csv") or (head and not head.startswith(b"PK")):
        rows, file_errors = _read_csv(file, io.POWER_COLUMNS)
    else:
        rows, file_errors = excel.read_rows(file, io.POWER_COLUMNS)
    if file_errors:
        report.errors.extend(file_errors)
        return report
    report.rows = len(rows)
    known = _enterprises(actor)
    by_id = {e.pk: e for e in known.values()}
    accounts = {a.number: a for a in PowerAccount.objects.filter(
        number__in=[str(r.get("account")) for r in rows if r.get("account")])}
    valid: dict[tuple[int, str, Any], Decimal] = {}
    seen: dict[tuple[int, str, Any], int] = {}
    new_accounts: dict[str, int] = {}
    for row in rows:
        before = len(report.errors)
        enterprise = _credit(row, report, known, required=not row.get("account"))
        number = str(row.get("account") or "").strip()
        if number:
            account = accounts.get(number)
            if account is not None:
                if account.enterprise_id not in by_id:
                    report.add_error(row.number, "account", _("No enterprise with this power account that you may "
                                                               "report for."), number)
                elif enterprise is not None and account.enterprise_id != enterprise.pk:
                    report.add_error(row.number, "account", _("This power account belongs to another enterprise."),
                                     number)
                else:
                    enterprise = by_id[account.enterprise_id]
            elif enterprise is None and number in new_accounts:
                enterprise = by_id[new_accounts[number]]
            elif enterprise is None and row.get("credit_code") is None:
                report.add_error(row.number, "account", _("Unknown power account number."), number)
            elif enterprise is not None and new_accounts.setdefault(number, enterprise.pk) != enterprise.pk:
                report.add_error(row.number, "account", _("This power account is given for two enterprises in "
                                                           "this file."), number)
        day = excel_date = io.parse_date(row.get("date"))
        if excel_date is None:
            report.add_error(row.number, "date", _("Enter a date as YYYY-MM-DD."), row.get("date"))
        elif excel_date > today:
            report.add_error(row.number, "date", _("The date is in the future."), row.get("date"))
        try:
            kwh = Decimal(str(row.get("kwh"))).quantize(Decimal("0.1"))
            if kwh < 0 or not kwh.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            report.add_error(row.number, "kwh", _("Enter a number that is not negative."), row.get("kwh"))
            continue
        if len(report.errors) > before or enterprise is None or day is None:
            continue
        key = (enterprise.pk, number, day)
        if key in seen:
            report.add_error(row.number, "date", _("The same meter and day are already in row %(row)d.")
                             % {"row": seen[key]}, row.get("date"))
            continue
        seen[key] = row.number
        valid[key] = kwh
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        existing = set(PowerReading.objects.filter(
            enterprise_id__in={k[0] for k in valid}, date__in={k[2] for k in valid}).values_list(
            "enterprise_id", "meter", "date"))
        PowerReading.objects.bulk_create(
            [PowerReading(enterprise_id=e, meter=m, date=d, kwh=k, imported_at=now) for (e, m, d), k in valid.items()],
            batch_size=1000, update_conflicts=True, unique_fields=["enterprise", "meter", "date"],
            update_fields=["kwh", "imported_at"],
        )
        PowerAccount.objects.bulk_create([PowerAccount(number=n, enterprise_id=e) for n, e in new_accounts.items()])
        report.updated = len(existing & set(valid))
        report.created = len(valid) - report.updated
        events.record("resumption.power_imported", actor=actor, target=actor, rows=len(valid),
                      created=report.created, updated=report.updated)
    return report
