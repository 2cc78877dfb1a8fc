"""The all-or-nothing import of a project's equipment ledger from the sites' Excel sheet: every row is parsed
and checked first (the same rules as the form and the API); any error rejects the whole file with a row-by-row
report. Rows are matched to existing items by item number: new numbers are created, changed rows updated (with
their old and new values in the event log), identical rows left alone. Shaped for 50,000 rows: the sheet streamed
by calamine (each row's values kept as a tuple, not its cells), the project's items read once as tuples and
diffed in memory, new items and their events written set-based (core.bulk: COPY / executemany), changed ones by
one prepared UPDATE per set of changed fields (only those columns, the suggestion, the stamp and the version);
one event per created or changed item with its old and new values, one for the import."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access, bulk, events
from qifu.core.excel import ImportReport, stream_rows
from qifu.core.models import Event

from . import io, risk
from .models import EquipmentItem, KeyProject
from .services import ITEM_FIELDS, _whole_item_errors, refs_for

# What a new item has when its row leaves a column out (the model's defaults).
NEW_DEFAULTS: dict[str, Any] = {
    "specification": "", "quantity": 1, "region_id": None, "country": "", "contract_value": None,
    "contract_delivery": None, "planned_arrival": None, "actual_arrival": None, "transport_mode": "", "route": "",
    "foreign_technicians": False, "outside_technicians": False, "risk": "normal", "risk_reason": "",
    "difficulty": "", "measures": "", "milestone_id": None, "responsible_unit_id": None,
}

MAX_ROWS = 60_000


def equipment_import(*, actor: Any, project_id: int, file: Any, dry_run: bool = False) -> ImportReport:
    """Import (or, with ``dry_run``, only check) an equipment sheet into ``project_id``'s ledger."""
    project = access.get_or_404(KeyProject, actor, access.CHANGE, pk=project_id)
    report = ImportReport(columns=io.EQUIPMENT_COLUMNS, dry_run=dry_run)
    refs = refs_for(project)
    parsed: list[tuple[Any, ...]] = []  # each valid row's values packed in ITEM_FIELDS order (see _pack)
    seen: dict[str, int] = {}
    # One pass over the sheet, a row at a time: each row's cells are dropped once parsed, so only the model
    # values of the rows are held (not the cells of all 50,000 rows as well). Nothing is written before the
    # stream's own checks (no data rows, too many rows…) have seen the last row.
    with stream_rows(file, io.EQUIPMENT_COLUMNS, max_rows=MAX_ROWS, engine="calamine") as sheet:
        for row in sheet:
            values, errors = io.parse_item(row.values, refs)
            number = values.get("number")
            if number and number in seen:
                errors.setdefault("number", []).append(
                    _("The item number also appears in row %(row)d.") % {"row": seen[number]})
            elif number:
                seen[number] = row.number
            if not errors:
                errors = _whole_item_errors(values)
            for key, messages in errors.items():
                column = {"region_id": "region", "milestone_id": "milestone",
                          "responsible_unit_id": "responsible_unit"}.get(key, key)
                for message in messages:
                    report.add_error(row.number, column, message, row.get(column))
            if report.errors or dry_run:
                parsed.clear()  # nothing will be written: keep no values
            else:
                parsed.append(_pack(values))
    if sheet.errors:  # the file as a whole is refused: its rows' errors would only add noise
        report.errors[:] = sheet.errors
        return report
    report.rows = sheet.count
    seen.clear()
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        _write(actor, project, parsed, refs, report)
    return report


# A column the sheet leaves out: an existing item keeps its value, a new one gets the default.
_ABSENT: Any = object()
_ALL_ABSENT = (_ABSENT,) * len(ITEM_FIELDS)


def _pack(values: dict[str, Any]) -> tuple[Any, ...]:
    """A row's values as a tuple in ITEM_FIELDS order, _ABSENT for the columns the sheet leaves out: at 50,000
    rows held until the write, a tuple takes a quarter of the memory of the dict."""
    return tuple(map(values.get, ITEM_FIELDS, _ALL_ABSENT))  # map over C functions: no Python frame per field


def _write(actor: Any, project: KeyProject, parsed: list[tuple[Any, ...]], refs: io.Refs,
           report: ImportReport) -> None:
    now = timezone.now()
    today = timezone.localdate()
    # The project's items as plain tuples (one locked read, no model instances): at 50,000 rows that is what
    # makes a re-import cheap. Columns: pk, then ITEM_FIELDS, then the suggestion.
    existing: dict[str, tuple[Any, ...]] = {}
    if EquipmentItem.objects.filter(project=project).exists():
        for row in (EquipmentItem.objects.select_for_update().filter(project=project)
                    .values_list("pk", *ITEM_FIELDS, "suggested_risk").iterator(chunk_size=5000)):
            existing[row[1 + NUMBER]] = row
    new_values: list[tuple[Any, ...]] = []
    # rows to update, grouped by the fields that changed: (fields…) -> [(new values…, suggestion, pk)]
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
    changes_by_item: list[tuple[int, dict[str, Any]]] = []
    for values in parsed:
        old = existing.get(values[NUMBER])
        if old is None:
            new_values.append(values)
            continue
        if values == old[1:1 + len(ITEM_FIELDS)]:  # the common case on a re-import, compared in C
            report.unchanged += 1
            continue
        changes = {}
        for key, value, before in zip(ITEM_FIELDS, values, old[1:], strict=False):
            if value is not _ABSENT and before != value:
                changes[key] = {"old": _jsonable(before), "new": _jsonable(value)}
        if not changes:
            report.unchanged += 1
            continue
        full = {f: (old[1 + i] if values[i] is _ABSENT else values[i]) for i, f in enumerate(ITEM_FIELDS)}
        suggested = _suggest(full, refs, today)
        fields = tuple(sorted(changes))
        groups[fields].append((*(values[FIELD_INDEX[f]] for f in fields), suggested, now, actor.pk, old[0]))
        changes_by_item.append((old[0], changes))
    existing.clear()
    parsed.clear()  # the new items' values live on in new_values, the changed ones in groups

    def new_rows() -> Iterator[tuple[Any, ...]]:  # built while inserting: no second copy of 50,000 rows
        for values in new_values:
            full = {f: (NEW_DEFAULTS[f] if v is _ABSENT else v) for f, v in zip(ITEM_FIELDS, values, strict=True)}
            yield (project.pk, *(full[f] for f in ITEM_FIELDS), _suggest(full, refs, today), now, actor.pk, "", 1)

    if new_values:
        bulk.insert(EquipmentItem, ["project_id", *ITEM_FIELDS, "suggested_risk", "updated_at", "updated_by_id",
                                    "previous_supplier", "version"], new_rows())
    for fields, rows in groups.items():
        bulk.update(EquipmentItem, [*fields, "suggested_risk", "updated_at", "updated_by_id"], rows,
                    increment=["version"])
    report.created, report.updated = len(new_values), len(changes_by_item)
    if not new_values and not changes_by_item:
        return
    created_numbers = {values[NUMBER] for values in new_values}
    created_ids = [pk for number, pk in EquipmentItem.objects.filter(project=project).values_list("number", "pk")
                   .iterator(chunk_size=5000) if number in created_numbers] if created_numbers else []
    target = EquipmentItem._meta.label_lower

    def event_rows() -> Iterator[tuple[Any, ...]]:
        for pk in created_ids:
            yield ("equipment.created", actor.pk, "", target, str(pk), {"via": "import"}, now)
        for pk, c in changes_by_item:
            yield ("equipment.changed", actor.pk, "", target, str(pk), {"via": "import", "changes": c}, now)

    bulk.insert(Event, ["code", "actor_id", "actor_label", "target_type", "target_id", "data", "created_at"],
                event_rows())
    bulk.analyze_if_large(EquipmentItem, report.created + report.updated)
    events.record("equipment.imported", actor=actor, target=project, rows=report.rows, created=report.created,
                  updated=report.updated, unchanged=report.unchanged)


FIELD_INDEX = {f: i for i, f in enumerate(ITEM_FIELDS)}
NUMBER = FIELD_INDEX["number"]


def _suggest(full: dict[str, Any], refs: io.Refs, today: Any) -> str:
    return risk.suggest(
        status=full["status"], origin=full["origin"], planned=full["planned_arrival"],
        contract=full["contract_delivery"], actual=full["actual_arrival"],
        milestone=refs.milestone_dates.get(full["milestone_id"]) if full["milestone_id"] else None, today=today)


def _jsonable(value: Any) -> Any:
    """As the event log stores values (events.diff): dates in ISO form, amounts as strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
