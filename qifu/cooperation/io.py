"""Excel of the cooperation platform: the figures workbook (Chinese headers through the translation system)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def figures_workbook(data: dict[str, Any]) -> bytes:
    """Totals, by category, by region, by week and unmet demands, one sheet each, numbers as numbers."""
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, headers: list[str], rows: list[list[Any]], first: bool = False) -> None:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(headers)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for i, header in enumerate(headers, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, min(40, len(header) * 2 + 4))

    t = data["totals"]
    sheet(_("Totals"), [_("Figure"), _("Value")], [
        [_("Listings"), t["listings"]], [_("Supply"), t["supplies"]], [_("Demand"), t["demands"]],
        [_("Matches"), t["matches"]], [_("Contacts exchanged"), t["contacts"]], [_("Deals"), t["deals"]],
        [_("Deal value (yuan)"), float(t["deal_value"])], [_("Unmet demands"), t["unmet"]],
    ], first=True)
    flow = [_("Supply"), _("Demand"), _("Matches"), _("Contacts exchanged"), _("Deals"), _("Deal value (yuan)")]

    def numbers(r: dict[str, Any]) -> list[Any]:
        return [r["supplies"], r["demands"], r["matches"], r["contacts"], r["deals"], float(r["deal_value"])]

    sheet(_("By category"), [_("Product category"), *flow, _("Unmet demands")],
          [[r["category"], *numbers(r), r["unmet"]] for r in data["by_category"]])
    sheet(_("By region"), [_("Region code"), _("Region"), *flow],
          [[r["region"], r["name"], *numbers(r)] for r in data["by_region"]])
    sheet(_("By week"), [_("Week starting"), *flow], [[r["week"], *numbers(r)] for r in data["by_week"]])
    sheet(_("Unmet demands"), [_("Product category"), _("Open demands without a good match")],
          [[r["category"], r["n"]] for r in data["unmet"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
