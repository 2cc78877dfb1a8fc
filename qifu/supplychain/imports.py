"""All-or-nothing import of a plant's supplier list: every row is validated first; any error rejects the
whole file with a row-by-row report. A row's buyer is the plant (empty buyer column) or a supplier already in
the plant's network or in the same file (its second tier). Suppliers not yet on the platform are added as
external enterprises (every enterprise of the jurisdiction is registered already), with their region code;
a row for an existing (buyer, supplier, part) updates that link."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qifu.core import access, events, excel
from qifu.core.excel import ImportReport, Row
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalise_credit_code, resolve_industry, resolve_region
from qifu.organisations.models import Industry, Region, User

from . import io, selectors, services
from .models import SupplyLink

# Rows checked together: one query for their enterprises.
CHECK_BATCH = 1_000


def _code(row: Row, key: str, report: ImportReport, required: bool) -> str | None:
    raw = row.get(key)
    if raw in (None, ""):
        if required:
            report.add_error(row.number, key, _("This field is required."))
        return None
    try:
        return normalise_credit_code(str(raw))
    except ValidationError as exc:
        report.add_error(row.number, key, exc.messages[0], raw)
        return None


def _bool(row: Row, key: str, report: ImportReport, default: bool) -> bool:
    if row.get(key) in (None, ""):
        return default
    try:
        return excel.parse_bool(row.get(key))
    except ValueError:
        report.add_error(row.number, key, _("Enter yes or no."), row.get(key))
        return default


def links_import(*, actor: User, plant_id: int, file: Any, dry_run: bool = False) -> ImportReport:
    """Import the supplier list of the plant (all tiers) from an Excel file."""
    access.require_capability(actor, "supplychain.import")
    plant = access.get_or_404(Enterprise, actor, access.CHANGE, pk=plant_id)
    report = ImportReport(dry_run=dry_run, columns=io.LINK_COLUMNS)
    existing_links = selectors.network_links(user=actor, plant_id=plant.pk)
    network = {plant.pk} | {lk.supplier_id for lk in existing_links}
    regions = {r.code: r for r in Region.objects.all()}
    industries = {i.code: i for i in Industry.objects.filter(level=2)}
    known: dict[str, Enterprise] = {}  # the file's enterprises already on the platform, by credit code
    looked_up: set[str] = set()
    in_file: set[str] = set()  # the suppliers' codes in the file
    buyers: list[tuple[int, str, Any]] = []  # rows whose buyer is not the plant: row, code, cell
    new_suppliers: dict[str, dict[str, Any]] = {}
    planned: list[tuple[int, str, str, services.LinkInput]] = []  # row, buyer code, supplier code, values
    seen: dict[tuple[str, str, str], int] = {}

    def check(rows: list[Row]) -> None:
        codes = {str(r.get(k)).strip().upper() for r in rows for k in ("buyer_credit_code", "supplier_credit_code")
                 if r.get(k)} - looked_up
        looked_up.update(codes)
        known.update((e.credit_code, e) for e in Enterprise.objects.filter(credit_code__in=codes))
        for row in rows:
            buyer_code = _code(row, "buyer_credit_code", report, required=False) or plant.credit_code
            supplier_code = _code(row, "supplier_credit_code", report, required=True)
            if buyer_code != plant.credit_code:
                buyers.append((row.number, buyer_code, row.get("buyer_credit_code")))
            if row.get("supplier_credit_code"):
                in_file.add(str(row.get("supplier_credit_code")).strip().upper())
            if supplier_code and supplier_code not in known and supplier_code not in new_suppliers:
                spec: dict[str, Any] = {"name": str(row.get("supplier_name") or "").strip()}
                if not spec["name"]:
                    report.add_error(row.number, "supplier_name",
                                     _("The supplier is not on the platform yet: give its name."))
                elif len(spec["name"]) > 128:
                    report.add_error(row.number, "supplier_name", _("At most %(n)d characters.") % {"n": 128})
                for key, resolve, table in (("supplier_region", resolve_region, regions),
                                            ("supplier_industry", resolve_industry, industries)):
                    try:
                        spec[key] = resolve(str(row.get(key) or ""), table)
                    except ValidationError as exc:
                        report.add_error(row.number, key, exc.messages[0], row.get(key))
                new_suppliers[supplier_code] = spec
            if supplier_code and supplier_code == buyer_code:
                report.add_error(row.number, "supplier_credit_code", _("An enterprise cannot supply itself."),
                                 row.get("supplier_credit_code"))
            data = services.LinkInput(
                buyer_id=0, supplier_id=-1, part=str(row.get("part") or ""), stock_days=row.get("stock_days"),
                critical=_bool(row, "critical", report, True), has_alternative=_bool(row, "alternative", report, False),
                alternative_lead_days=row.get("alternative_lead_days"), share=row.get("share"))
            errors, clean = services.link_errors(data)
            for field, messages in errors.items():
                column = {"supplier": "supplier_credit_code", "alternative_lead_days": "alternative_lead_days"}.get(
                    field, field)
                for message in messages:
                    report.add_error(row.number, column, message, row.get(column))
            key = (buyer_code, supplier_code or "", clean["part"])
            if supplier_code and key in seen:
                report.add_error(row.number, "part", _("Repeats row %(row)d.") % {"row": seen[key]}, row.get("part"))
            seen.setdefault(key, row.number)
            if supplier_code:
                planned.append((row.number, buyer_code, supplier_code, data))

    # The sheet is read as a stream and checked a batch of rows at a time (one query for the batch's
    # enterprises), so only the planned links are held, not the cells as well.
    with excel.stream_rows(file, io.LINK_COLUMNS) as sheet:
        for batch in sheet.batches(CHECK_BATCH):
            check(batch)
    if sheet.errors:  # the file as a whole is refused: its rows' errors would only add noise
        report.errors[:] = sheet.errors
        return report
    report.rows = sheet.count
    # A buyer may be a supplier listed further down the file: checked once every row has been read.
    for number, buyer_code, cell in buyers:
        buyer = known.get(buyer_code)
        if buyer_code not in in_file and (buyer is None or buyer.pk not in network):
            report.add_error(number, "buyer_credit_code", _(
                "The buyer must be the plant or one of its suppliers (in its network or in this file)."), cell)
    if not report.ok or dry_run:
        if report.ok:
            report.created = sum(1 for _n, b, s, d in planned
                                 if not _existing(known, b, s, d.part))
            report.updated = len(planned) - report.created
        return report
    with transaction.atomic():
        _write(actor, plant, planned, new_suppliers, known, report)
    return report


def _existing(known: dict[str, Enterprise], buyer: str, supplier: str, part: str) -> SupplyLink | None:
    if buyer not in known or supplier not in known:
        return None
    return SupplyLink.objects.filter(buyer=known[buyer], supplier=known[supplier], part=part.strip()).first()


def _write(actor: User, plant: Enterprise, planned: list[tuple[int, str, str, services.LinkInput]],
           new_suppliers: dict[str, dict[str, Any]], known: dict[str, Enterprise], report: ImportReport) -> None:
    known[plant.credit_code] = plant
    evts = []
    for code, spec in new_suppliers.items():
        e = Enterprise.objects.create(name=spec["name"], credit_code=code, region=spec["supplier_region"],
                                      industry=spec["supplier_industry"], is_external=True)
        known[code] = e
        evts.append(events.build("supplychain.external_supplier_added", actor=actor, target=e, plant=plant.pk,
                                 region=e.region_id))
    for _number, buyer_code, supplier_code, data in planned:
        _errors, clean = services.link_errors(data)
        buyer, supplier = known[buyer_code], known[supplier_code]
        link = SupplyLink.objects.filter(buyer=buyer, supplier=supplier, part=clean["part"]).first()
        if link is None:
            link = SupplyLink.objects.create(buyer=buyer, supplier=supplier, **clean)
            report.created += 1
            evts.append(events.build("supplychain.link_created", actor=actor, target=link, buyer=buyer.pk,
                                     supplier=supplier.pk, channel="import", **clean))
            continue
        changes = events.diff(link, clean)
        if not changes:
            report.unchanged += 1
            continue
        for k, v in clean.items():
            setattr(link, k, v)
        link.version += 1
        link.save()
        report.updated += 1
        evts.append(events.build("supplychain.link_updated", actor=actor, target=link, changes=changes,
                                 channel="import"))
    events.record_many(evts)
