"""The personal list upload: every row validated (ID numbers with their check digit, phones, origin codes),
then all rows written or none, with a row-by-row report. The file is the enterprise's full list: a preview
(``dry_run``) says how many workers it adds, changes, marks not returning and removes, and the confirmed upload
writes exactly that or nothing (see ``services.list_change``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qifu.core import access, excel
from qifu.core.excel import ImportReport
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Region, User

from . import io, services

# Rows checked together: one query for their origin regions.
CHECK_BATCH = 1_000


@dataclass
class WorkerImportReport(ImportReport):
    """The import report plus the workers the full list marks not returning or removes."""

    not_returning: int = 0
    removed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "not_returning": self.not_returning, "removed": self.removed}

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "not_returning": self.not_returning, "removed": self.removed}


def workers_import(*, actor: User, enterprise_id: int, file: Any, dry_run: bool = False,
                   expected: dict[str, int] | None = None) -> WorkerImportReport:
    """Import an enterprise's full personal list; rows are matched to existing workers by ID number. With
    ``dry_run`` nothing is written and the report holds what the upload would do; ``expected`` (the counts of
    the preview the user confirmed) makes the upload refuse if the stored list changed in between."""
    enterprise = access.get_or_404(Enterprise, actor, access.CHANGE, pk=enterprise_id)
    report = WorkerImportReport(dry_run=dry_run, columns=io.WORKER_COLUMNS)
    regions: dict[str, Region] = {}
    looked_up: set[str] = set()
    seen: dict[str, int] = {}
    valid: list[dict[str, Any]] = []

    def check(rows: list[excel.Row]) -> None:
        codes = {str(row.get("origin") or "").strip() for row in rows} - looked_up
        looked_up.update(codes)
        regions.update((r.code, r) for r in Region.objects.filter(code__in=codes))
        for row in rows:
            data = services.WorkerInput(name=row.get("name"), phone=row.get("phone"), id_number=row.get("id_number"),
                                        origin=row.get("origin"), job=row.get("job") or "")
            errors, cleaned = services.worker_errors(data, regions)
            for field, messages in errors.items():
                for message in messages:
                    report.add_error(row.number, field, message, row.get(field))
            if cleaned["id_number"]:
                if cleaned["id_number"] in seen:
                    report.add_error(row.number, "id_number", _("The same ID number is already in row %(row)d.")
                                     % {"row": seen[cleaned["id_number"]]}, row.get("id_number"))
                seen.setdefault(cleaned["id_number"], row.number)
            if not errors and not report.errors:
                valid.append(cleaned)
        if report.errors:
            valid.clear()  # nothing will be written

    # The sheet is read as a stream and checked a batch of rows at a time (one query for the batch's origin
    # regions), so only the cleaned values of the list are held, not its cells as well.
    with excel.stream_rows(file, io.WORKER_COLUMNS) as sheet:
        for batch in sheet.batches(CHECK_BATCH):
            check(batch)
    if sheet.errors:  # the file as a whole is refused: its rows' errors would only add noise
        report.errors[:] = sheet.errors
        return report
    report.rows = sheet.count
    if report.errors:
        return report
    if dry_run:
        change = services.list_change(enterprise=enterprise, rows=valid)
    else:
        try:
            with transaction.atomic():
                change = services.write_workers(actor=actor, enterprise=enterprise, rows=valid, expected=expected)
        except ValidationError:
            change = services.list_change(enterprise=enterprise, rows=valid)
    for _worker, message in change.blocked:
        report.add_error(None, "", message)
    counts = change.counts
    report.created, report.updated, report.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    report.not_returning, report.removed = counts["not_returning"], counts["removed"]
    return report
