"""Excel columns of the equipment ledger, in the layout the sites keep (设备台账), and the parsing of a row's
values (from Excel, a form or the API) into model values: choices by code, English or Chinese label."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qifu.core.excel import Column, normalise_header, parse_bool

from . import countries
from .choices import EquipmentStatus, Origin, Risk, TransportMode

C = Column
EQUIPMENT_COLUMNS: tuple[Column, ...] = (
    C("number", gettext_lazy("Item number"), aliases=("设备位号", "位号", "设备编号", "序号"), required=True,
      example="C-1101", text=True, width=12),
    C("name", gettext_lazy("Equipment name"), aliases=("设备名称", "名称"), required=True, example="洗涤塔", width=20),
    C("specification", gettext_lazy("Specification / model"), aliases=("规格型号", "型号", "规格"),
      example="Φ4200×38000", width=18),
    C("quantity", gettext_lazy("Quantity"), aliases=("数量", "台套数", "台数"), example=1, width=8),
    C("supplier", gettext_lazy("Supplier"), aliases=("供应商", "制造商", "生产厂家"), required=True,
      example="中国一重集团有限公司", width=24),
    C("origin", gettext_lazy("Origin"), aliases=("国产/进口", "来源", "产地类别"), required=True, example="国产",
      help_text=gettext_lazy("Domestic or imported (国产/进口)."), width=10),
    C("region", gettext_lazy("Region code"), aliases=("产地行政区划代码", "国内产地代码", "产地代码"), text=True,
      example="230200", help_text=gettext_lazy("Domestic items: the GB/T 2260 code of where it is made."), width=10),
    C("country", gettext_lazy("Country"), aliases=("国别", "原产国", "进口国别"), example="DE",
      help_text=gettext_lazy("Imported items: ISO 3166 code or name (DE, 德国)."), width=10),
    C("contract_value", gettext_lazy("Contract value (yuan)"), aliases=("合同金额", "合同金额（元）", "价格", "金额"),
      example="12800000.00", width=14),
    C("contract_delivery", gettext_lazy("Contract delivery date"), aliases=("合同交货期", "合同交货日期"),
      example="2020-03-15", width=12),
    C("planned_arrival", gettext_lazy("Planned arrival"), aliases=("计划到货日期", "预计到货", "计划到场"),
      example="2020-03-20", width=12),
    C("actual_arrival", gettext_lazy("Actual arrival"), aliases=("实际到货日期", "实际到场"), width=12),
    C("transport_mode", gettext_lazy("Transport mode"), aliases=("运输方式",), example="海运", width=10),
    C("route", gettext_lazy("Route"), aliases=("运输路线", "路线"), example="大连港—古雷港11号泊位", width=24),
    C("status", gettext_lazy("Status"), aliases=("状态", "设备状态", "进度"), required=True, example="运输中",
      help_text=gettext_lazy("Ordered, in production, ready to ship, in transit, at port, on site, installed."),
      width=10),
    C("foreign_technicians", gettext_lazy("Foreign technicians needed"), aliases=("需外籍技术人员", "外籍技术人员"),
      example="否", width=8),
    C("outside_technicians", gettext_lazy("Out-of-town technicians needed"), aliases=("需外地技术人员", "外地技术人员"),
      example="是", width=8),
    C("risk", gettext_lazy("Risk"), aliases=("风险等级", "延期风险", "风险"), example="延期风险", width=10),
    C("risk_reason", gettext_lazy("Risk reason"), aliases=("风险原因", "延期原因"), width=24),
    C("difficulty", gettext_lazy("Difficulty"), aliases=("难点", "困难", "存在困难"), width=24),
    C("measures", gettext_lazy("Measures"), aliases=("措施", "解决措施", "应对措施"), width=24),
    C("milestone", gettext_lazy("Gated milestone"), aliases=("制约节点", "关联节点", "节点"), example="中交",
      width=12),
    C("responsible_unit", gettext_lazy("Responsible unit"), aliases=("责任单位",), width=20),
    C("updated_at", gettext_lazy("Last update"), aliases=("最后更新", "更新时间"), importable=False, width=16),
)

# How sites write the choices besides the codes and the translated labels (data, not display).
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "origin": {"国产": "domestic", "国内": "domestic", "进口": "imported", "国外": "imported"},
    "status": {"已订货": "ordered", "已下单": "ordered", "已签合同": "ordered", "制造中": "in_production",
               "生产中": "in_production", "待发运": "ready_to_ship", "已发运": "in_transit", "在途": "in_transit",
               "运输中": "in_transit", "到港": "at_port", "在港": "at_port", "已到港": "at_port",
               "已到货": "on_site", "已到场": "on_site", "到场": "on_site", "已安装": "installed"},
    "transport_mode": {"公路": "road", "汽运": "road", "铁路": "rail", "海运": "sea", "水运": "sea", "空运": "air",
                       "多式联运": "multimodal", "海陆联运": "multimodal"},
    "risk": {"无": "normal", "正常": "normal", "延期": "delay", "延期风险": "delay", "有风险": "delay",
             "重大风险": "major", "重大": "major"},
}
CHOICES: dict[str, type[TextChoices]] = {"origin": Origin, "status": EquipmentStatus,
                                         "transport_mode": TransportMode, "risk": Risk}
TEXT_LIMITS = {"number": 32, "name": 128, "specification": 128, "supplier": 128, "route": 200}
MAX_QUANTITY = 1_000_000
MAX_VALUE = Decimal("99999999999999.99")


def _choice_index(key: str) -> dict[str, str]:
    choices = CHOICES[key]
    index = {normalise_header(k): v for k, v in CHOICE_ALIASES.get(key, {}).items()}
    for value, label in choices.choices:
        index[normalise_header(value)] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                index[normalise_header(str(label))] = value
        with translation.override(None):
            index[normalise_header(str(label))] = value
    return index


@dataclass
class Refs:
    """What a row's references resolve against: the project's milestones, units, known region codes."""

    milestones: dict[str, int]  # normalised name or str(id) → id
    milestone_dates: dict[int, date]
    units: dict[str, int]  # normalised code, name, short name or str(id) → id
    regions: set[str]
    choice_index: dict[str, dict[str, str]] = field(default_factory=dict)

    def choice(self, key: str, value: Any) -> str | None:
        if key not in self.choice_index:
            self.choice_index[key] = _choice_index(key)
        return self.choice_index[key].get(normalise_header(value))


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(value).strip())
    if not m:
        raise ValueError(value)
    return date(int(m[1]), int(m[2]), int(m[3]))


def parse_item(values: Mapping[str, Any], refs: Refs) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Model values of one equipment item and the errors by field (same rules for Excel, forms and API).
    Keys absent from ``values`` are left out of the result (a partial update)."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    def has(key: str) -> bool:
        return key in values

    def text(key: str) -> str:
        value = values.get(key)
        return "" if value is None else str(value).strip()

    for key in ("number", "name", "supplier"):
        if has(key) and not text(key):
            err(key, _("This field is required."))
    for key in ("number", "name", "specification", "supplier", "route", "risk_reason", "difficulty", "measures"):
        if has(key):
            out[key] = text(key)
            if key in TEXT_LIMITS and len(out[key]) > TEXT_LIMITS[key]:
                err(key, _("At most %(n)d characters.") % {"n": TEXT_LIMITS[key]})
    if has("quantity"):
        raw = values.get("quantity")
        try:
            quantity = 1 if raw in (None, "") else int(Decimal(str(raw)))
            if Decimal(str(raw or 1)) != quantity or not 1 <= quantity <= MAX_QUANTITY:
                raise ValueError
            out["quantity"] = quantity
        except (ValueError, InvalidOperation):
            err("quantity", _("Enter a whole number of at least 1."))
    for key in CHOICES:
        if not has(key):
            continue
        if values.get(key) in (None, ""):
            if key in ("origin", "status"):
                err(key, _("This field is required."))
            else:
                out[key] = "" if key == "transport_mode" else Risk.NORMAL
            continue
        choice = refs.choice(key, values.get(key))
        if choice is None:
            labels = "、".join(str(label) for label in CHOICES[key].labels)
            err(key, _("Unknown value “%(value)s”; use one of: %(choices)s.") % {"value": values.get(key),
                                                                               "choices": labels})
        else:
            out[key] = choice
    if has("region"):
        code = text("region")
        if code and code not in refs.regions:
            err("region", _("Not a GB/T 2260 region code: %(code)s.") % {"code": code})
        out["region_id"] = code or None
    if has("country"):
        country = countries.normalise(text("country"))
        if country is None:
            err("country", _("Not an ISO 3166 country: %(value)s.") % {"value": text("country")})
        else:
            out["country"] = country
    origin = out.get("origin")
    if origin == Origin.IMPORTED and has("country") and not out.get("country") and "country" not in errors:
        err("country", _("An imported item needs its country of origin."))
    if origin == Origin.DOMESTIC and out.get("country") not in (None, "", "CN"):
        err("country", _("A domestic item has no foreign country; mark it imported or clear the country."))
    if origin == Origin.DOMESTIC:
        out["country"] = ""
    if origin == Origin.IMPORTED and out.get("region_id"):
        err("region", _("An imported item has no domestic region code."))
    if has("contract_value"):
        raw = values.get("contract_value")
        if raw in (None, ""):
            out["contract_value"] = None
        else:
            try:
                amount = Decimal(str(raw).replace(",", "").replace("，", "").strip()).quantize(Decimal("0.01"))
                if amount < 0 or amount > MAX_VALUE:
                    raise InvalidOperation
                out["contract_value"] = amount
            except InvalidOperation:
                err("contract_value", _("Enter an amount in yuan, e.g. 12800000.00."))
    for key in ("contract_delivery", "planned_arrival", "actual_arrival"):
        if has(key):
            raw = values.get(key)
            try:
                out[key] = None if raw in (None, "") else parse_date(raw)
            except ValueError:
                err(key, _("Enter a date as YYYY-MM-DD."))
            if out.get(key) and not date(2000, 1, 1) <= out[key] <= date(2100, 12, 31):
                err(key, _("Enter a date as YYYY-MM-DD."))
    for key in ("foreign_technicians", "outside_technicians"):
        if has(key):
            try:
                out[key] = parse_bool(values.get(key))
            except ValueError:
                err(key, _("Enter yes or no (是/否)."))
    if has("milestone"):
        raw = text("milestone")
        milestone = refs.milestones.get(normalise_header(raw)) if raw else None
        if raw and milestone is None:
            err("milestone", _("No milestone “%(name)s” in this project.") % {"name": raw})
        out["milestone_id"] = milestone
    if has("responsible_unit"):
        raw = text("responsible_unit")
        unit = refs.units.get(normalise_header(raw)) if raw else None
        if raw and unit is None:
            err("responsible_unit", _("Unknown unit “%(name)s”.") % {"name": raw})
        out["responsible_unit_id"] = unit
    if out.get("status") in ("on_site", "installed") and has("actual_arrival") and not out.get("actual_arrival") \
            and "actual_arrival" not in errors:
        err("actual_arrival", _("An item on site needs its actual arrival date."))
    return out, errors


def export_row(item: Any, milestone_names: Mapping[int, str], unit_names: Mapping[int, str]) -> dict[str, Any]:
    """One item as a row of the sheet (labels in the active language, so it re-imports)."""
    from qifu.core.excel import bool_label

    return {
        "number": item.number, "name": item.name, "specification": item.specification, "quantity": item.quantity,
        "supplier": item.supplier, "origin": Origin(item.origin).label, "region": item.region_id or "",
        "country": item.country, "contract_value": item.contract_value, "contract_delivery": item.contract_delivery,
        "planned_arrival": item.planned_arrival, "actual_arrival": item.actual_arrival,
        "transport_mode": TransportMode(item.transport_mode).label if item.transport_mode else "",
        "route": item.route, "status": EquipmentStatus(item.status).label,
        "foreign_technicians": bool_label(item.foreign_technicians),
        "outside_technicians": bool_label(item.outside_technicians), "risk": Risk(item.risk).label,
        "risk_reason": item.risk_reason, "difficulty": item.difficulty, "measures": item.measures,
        "milestone": milestone_names.get(item.milestone_id, "") if item.milestone_id else "",
        "responsible_unit": unit_names.get(item.responsible_unit_id, "") if item.responsible_unit_id else "",
        "updated_at": item.updated_at,
    }
