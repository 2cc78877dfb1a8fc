"""Excel columns for enterprises and commissioner assignments: import templates and exports.

An export has the template's columns plus columns for people to read (region and industry names, the
commissioner); those are recognised and ignored on import, so an edited export re-imports cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from qifu.core import excel
from qifu.core.excel import Column

from .models import CommissionerAssignment, Enterprise

_EXAMPLE_BODY = "91510112MA61W4XB1"
EXAMPLE_CREDIT_CODE = _EXAMPLE_BODY + uscc.calc_check_digit(_EXAMPLE_BODY)

# Chinese aliases are the headers offices already use in their own sheets: accepted on read only.
ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        _("Enterprise name"),
        aliases=("企业名称", "企业", "名称", "单位名称", "企业全称", "name"),
        required=True,
        example=_("Example Auto Parts Co., Ltd."),
        help_text=_("The registered name of the enterprise."),
        width=36,
    ),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码", "社会信用代码", "信用代码", "USCC", "Unified social credit code"),
        required=True,
        example=EXAMPLE_CREDIT_CODE,
        help_text=_(
            "The 18-character unified social credit code (GB 32100-2015). It identifies the enterprise: "
            "a code already registered updates that enterprise."
        ),
        text=True,
        width=22,
    ),
    Column(
        "region",
        _("Region code"),
        aliases=("区域代码", "行政区划代码", "区划代码", "所属区域", "所在区域", "区域", "行政区划", "所在区县", "区县", "Region"),
        required=True,
        example="510112",
        help_text=_("The six-digit GB/T 2260 code of the district or county, or the region's full name."),
        text=True,
        width=12,
    ),
    Column(
        "region_name",
        _("Region name"),
        aliases=("区域名称", "行政区划名称", "所属区域名称"),
        importable=False,
        width=24,
    ),
    Column(
        "industry",
        _("Industry code"),
        aliases=("行业代码", "所属行业", "行业", "行业大类", "国民经济行业", "行业分类", "Industry"),
        required=True,
        example="36",
        help_text=_("The two-digit GB/T 4754-2017 division code, e.g. 36, C36 or “36 name”."),
        text=True,
        width=12,
    ),
    Column(
        "industry_name",
        _("Industry name"),
        aliases=("行业名称", "所属行业名称"),
        importable=False,
        width=24,
    ),
    Column(
        "above_scale",
        _("Above designated size"),
        aliases=("规上企业", "是否规上", "是否规上企业", "规模以上", "规模以上企业", "规上"),
        example=_("Yes"),
        help_text=_("Yes or No (empty means No)."),
        width=10,
    ),
    Column(
        "key_enterprise",
        _("Key enterprise"),
        aliases=("重点企业", "是否重点企业", "重点"),
        example=_("No"),
        help_text=_("Yes or No (empty means No)."),
        width=10,
    ),
    Column(
        "address",
        _("Address"),
        aliases=("地址", "企业地址", "注册地址", "经营地址", "生产经营地址"),
        example=_("1 Example Road"),
        help_text=_("Optional, up to 255 characters."),
        width=36,
    ),
    Column(
        "headcount",
        _("Headcount"),
        aliases=("员工人数", "职工人数", "从业人数", "用工人数", "人数", "员工数"),
        example=120,
        help_text=_("The number of employees, a whole number (empty means 0)."),
        width=10,
    ),
    Column(
        "annual_output",
        _("Annual output (10,000 yuan)"),
        aliases=("产值", "年产值", "产值（万元）", "产值(万元)", "年产值（万元）", "年产值(万元)", "工业总产值"),
        example=52000,
        help_text=_("The last year's output value in 10,000 yuan (empty: unknown)."),
        width=14,
    ),
    Column(
        "is_external",
        _("Outside jurisdiction"),
        aliases=("辖区外", "是否辖区外", "辖区外企业", "外地企业", "External"),
        example=_("No"),
        help_text=_("Yes for enterprises outside the platform's jurisdiction, e.g. out-of-province suppliers."),
        width=10,
    ),
    Column(
        "commissioner",
        _("Commissioner username"),
        aliases=("专员账号", "服务专员账号", "专员用户名"),
        importable=False,
        text=True,
        width=16,
    ),
    Column(
        "commissioner_name",
        _("Commissioner name"),
        aliases=("服务专员", "驻企服务专员", "专员", "专员姓名"),
        importable=False,
        width=14,
    ),
    Column(
        "commissioner_phone",
        _("Commissioner phone"),
        aliases=("专员电话", "专员联系电话", "专员手机"),
        importable=False,
        text=True,
        width=16,
    ),
)

ASSIGNMENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码", "社会信用代码", "信用代码", "USCC", "Unified social credit code"),
        required=True,
        example=EXAMPLE_CREDIT_CODE,
        help_text=_("The unified social credit code of an enterprise already registered in your area."),
        text=True,
        width=22,
    ),
    Column(
        "enterprise_name",
        _("Enterprise name"),
        aliases=("企业名称", "企业", "名称", "单位名称"),
        importable=False,
        width=36,
    ),
    Column(
        "commissioner",
        _("Commissioner username"),
        aliases=("专员账号", "服务专员账号", "专员用户名", "用户名", "账号", "Username"),
        required=True,
        example="zhang.wei",
        help_text=_("The sign-in name of an active service commissioner."),
        text=True,
        width=18,
    ),
    Column(
        "commissioner_name",
        _("Commissioner name"),
        aliases=("服务专员", "驻企服务专员", "专员", "专员姓名"),
        importable=False,
        width=14,
    ),
    Column(
        "reason",
        _("Reason"),
        aliases=("原因", "调整原因", "变更原因", "备注"),
        example=_("Initial assignment"),
        help_text=_("Optional, up to 255 characters; kept in the assignment history."),
        width=36,
    ),
)


def enterprise_template() -> bytes:
    """The enterprise import template (.xlsx)."""
    return excel.template_workbook(ENTERPRISE_COLUMNS, _("Enterprises"), _example_rows(ENTERPRISE_COLUMNS))


def assignment_template() -> bytes:
    """The commissioner assignment import template (.xlsx)."""
    return excel.template_workbook(ASSIGNMENT_COLUMNS, _("Commissioners"), _example_rows(ASSIGNMENT_COLUMNS))


def _example_rows(columns: tuple[Column, ...]) -> list[dict[str, Any]]:
    return [{c.key: c.example for c in columns if c.importable}]


def _with_commissioner(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Region, industry and the active commissioner in the same query (subqueries, not a prefetch, so the
    rows stream with ``iterator()`` and the caller's own prefetches do not clash)."""
    active = CommissionerAssignment.objects.filter(enterprise=OuterRef("pk"), ended_at__isnull=True)
    return queryset.select_related("region", "industry").annotate(
        export_commissioner_username=Subquery(active.values("commissioner__username")[:1]),
        export_commissioner_name=Subquery(active.values("commissioner__full_name")[:1]),
        export_commissioner_phone=Subquery(active.values("commissioner__phone")[:1]),
    )


def enterprise_row(enterprise: Enterprise) -> dict[str, Any]:
    """One export row; booleans as the translated Yes/No that the importer reads back."""
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "region": enterprise.region_id,
        "region_name": enterprise.region.full_name,
        "industry": enterprise.industry_id,
        "industry_name": enterprise.industry.name,
        "above_scale": excel.bool_label(enterprise.above_scale),
        "key_enterprise": excel.bool_label(enterprise.key_enterprise),
        "address": enterprise.address,
        "headcount": enterprise.headcount,
        "annual_output": float(enterprise.annual_output) if enterprise.annual_output is not None else None,
        "is_external": excel.bool_label(enterprise.is_external),
        "commissioner": getattr(enterprise, "export_commissioner_username", None),
        "commissioner_name": getattr(enterprise, "export_commissioner_name", None),
        "commissioner_phone": getattr(enterprise, "export_commissioner_phone", None),
    }


def _stream(queryset: QuerySet[Enterprise]) -> Iterator[Enterprise]:
    return _with_commissioner(queryset).iterator(chunk_size=2000)


def export_enterprises(queryset: QuerySet[Enterprise], *, out: IO[bytes] | None = None) -> bytes | None:
    """The enterprises of ``queryset`` (already scoped by the caller, e.g. selectors.enterprise_list) as
    .xlsx bytes, or written to ``out``. Streams rows; fine for 100,000 enterprises."""
    rows = (enterprise_row(e) for e in _stream(queryset))
    return excel.write_workbook(ENTERPRISE_COLUMNS, rows, _("Enterprises"), out=out)


def export_assignments(queryset: QuerySet[Enterprise], *, out: IO[bytes] | None = None) -> bytes | None:
    """The current commissioner of each enterprise of ``queryset`` in the assignment import layout, to edit
    and import back."""
    rows = (
        {
            "credit_code": e.credit_code,
            "enterprise_name": e.name,
            "commissioner": getattr(e, "export_commissioner_username", None),
            "commissioner_name": getattr(e, "export_commissioner_name", None),
            "reason": "",
        }
        for e in _stream(queryset)
    )
    return excel.write_workbook(ASSIGNMENT_COLUMNS, rows, _("Commissioners"), out=out)
