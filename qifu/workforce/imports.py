"""The personal list upload: every row validated (ID numbers with their check digit, phones, origin codes),
then all rows written or none, with a row-by-row report."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qifu.core import access, excel
from qifu.core.excel import ImportReport
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import User

from . import io, services


def workers_import(*, actor: User, enterprise_id: int, file: Any, dry_run: bool = False) -> ImportReport:
    """Import an enterprise's personal list; rows are matched to existing workers by ID number."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=enterprise_id)
    report = ImportReport(dry_run=dry_run, columns=io.WORKER_COLUMNS)
    rows, file_errors = excel.read_rows(file, io.WORKER_COLUMNS)
    if file_errors:
        report.errors.extend(file_errors)
        return report
    report.rows = len(rows)
    seen: dict[str, int] = {}
    valid: list[dict[str, Any]] = []
    for row in rows:
        data = services.WorkerInput(name=row.get("name"), phone=row.get("phone"), id_number=row.get("id_number"),
                                    origin=row.get("origin"), job=row.get("job") or "")
        errors, cleaned = services.worker_errors(data)
        for field, messages in errors.items():
            for message in messages:
                report.add_error(row.number, field, message, row.get(field))
        if cleaned["id_number"]:
            if cleaned["id_number"] in seen:
                report.add_error(row.number, "id_number", _("The same ID number is already in row %(row)d.")
                                 % {"row": seen[cleaned["id_number"]]}, row.get("id_number"))
            seen.setdefault(cleaned["id_number"], row.number)
        if not errors:
            valid.append(cleaned)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        report.created, report.updated = services.write_workers(actor=actor, enterprise=enterprise, rows=valid)
    return report
