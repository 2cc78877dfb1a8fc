"""Excel columns of a plant's supplier list (import template and export: an export re-imports cleanly)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from qifu.core.excel import Column, bool_label
from qifu.enterprises.io import EXAMPLE_CREDIT_CODE

from .models import SupplyLink

LINK_COLUMNS: tuple[Column, ...] = (
    Column("buyer_credit_code", _("Buyer credit code"), aliases=("采购方信用代码", "客户信用代码", "上级客户"),
           help_text=_("Empty: the plant itself. For a second-tier supplier: the credit code of the supplier it "
                       "delivers to."), text=True, width=22),
    Column("buyer_name", _("Buyer"), aliases=("采购方", "客户"), importable=False, width=30),
    Column("supplier_credit_code", _("Supplier credit code"), aliases=("供应商信用代码", "供应商统一社会信用代码"),
           required=True, example=EXAMPLE_CREDIT_CODE, text=True, width=22),
    Column("supplier_name", _("Supplier name"), aliases=("供应商名称", "供应商"), example=_("Example Auto Parts Co., Ltd."),
           help_text=_("Needed when the supplier is not yet on the platform (it is then added as external)."),
           width=32),
    Column("supplier_region", _("Supplier region code"), aliases=("供应商所在地区代码", "所在地区代码", "行政区划代码"),
           example="500110", help_text=_("Six-digit GB/T 2260 code; needed for a supplier not yet on the platform."),
           text=True, width=12),
    Column("supplier_industry", _("Supplier industry"), aliases=("供应商行业代码", "行业代码"), example="36",
           help_text=_("Two-digit GB/T 4754-2017 division; needed for a supplier not yet on the platform."),
           text=True, width=10),
    Column("part", _("Parts or materials"), aliases=("配套零部件", "零部件", "供应产品", "物料"), required=True,
           example=_("Wiring harness"), width=24),
    Column("critical", _("Critical"), aliases=("关键件", "是否关键"), example=_("Yes"),
           help_text=_("Yes if the buyer's production stops without it (empty: yes)."), width=8),
    Column("stock_days", _("Stock (days)"), aliases=("库存天数", "库存可用天数"), required=True, example=5, width=10),
    Column("alternative", _("Alternative source"), aliases=("替代货源", "有无替代"), example=_("No"), width=10),
    Column("alternative_lead_days", _("Alternative lead time (days)"), aliases=("替代货源周期", "替代供货天数"),
           width=12),
    Column("share", _("Share of the buyer's need (%)"), aliases=("占需求比例", "供货占比"), example=60, width=12),
)


def link_rows(links: list[SupplyLink], plant_id: int) -> Iterator[dict[str, Any]]:
    for lk in links:
        yield {
            "buyer_credit_code": "" if lk.buyer_id == plant_id else lk.buyer.credit_code,
            "buyer_name": lk.buyer.name,
            "supplier_credit_code": lk.supplier.credit_code,
            "supplier_name": lk.supplier.name,
            "supplier_region": lk.supplier.region_id,
            "supplier_industry": lk.supplier.industry_id,
            "part": lk.part,
            "critical": bool_label(lk.critical),
            "stock_days": float(lk.stock_days),
            "alternative": bool_label(lk.has_alternative),
            "alternative_lead_days": float(lk.alternative_lead_days) if lk.alternative_lead_days is not None else None,
            "share": lk.share,
        }
