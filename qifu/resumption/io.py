"""Excel columns of the resumption imports (districts' daily status sheets, the grid company's readings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qifu.core.excel import Column, normalise_header
from qifu.enterprises.io import EXAMPLE_CREDIT_CODE

from .choices import Obstacle, ResumptionStatus

REPORT_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", _("Credit code"), aliases=("统一社会信用代码", "社会信用代码", "信用代码"), required=True,
           example=EXAMPLE_CREDIT_CODE, help_text=_("The enterprise's 18-character unified social credit code."),
           text=True, width=22),
    Column("name", _("Enterprise name"), aliases=("企业名称", "企业"), importable=False, width=30),
    Column("date", _("Date"), aliases=("日期", "填报日期", "报告日期"), required=True, example="2020-02-20",
           help_text=_("The day reported on (YYYY-MM-DD), not in the future."), width=12),
    Column("status", _("Status"), aliases=("复工状态", "状态"), required=True, example=_("Partly resumed"),
           help_text=_("Not resumed, partly resumed, resumed or at full capacity (未复工/部分复工/已复工/已达产)."),
           width=14),
    Column("employees_expected", _("Employees expected"), aliases=("应到岗人数", "应返岗人数", "职工总数"),
           required=True, example=120, width=12),
    Column("employees_on_duty", _("Employees on duty"), aliases=("实到岗人数", "到岗人数", "返岗人数"),
           required=True, example=80, width=12),
    Column("capacity", _("Capacity utilisation (%)"), aliases=("产能利用率", "产能恢复", "产能"), required=True,
           example=60, help_text=_("0 to 150."), width=12),
    Column("obstacle", _("Main obstacle"), aliases=("主要困难", "主要问题"), example=_("Workers cannot return"),
           width=20),
    Column("problem", _("Ledger number"), aliases=("台账编号", "问题编号"),
           help_text=_("The ledger number of the problem behind the obstacle, if there is one."), text=True,
           width=16),
    Column("remarks", _("Remarks"), aliases=("备注", "说明"), width=40),
)

POWER_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", _("Credit code"), aliases=("统一社会信用代码", "社会信用代码", "信用代码"),
           example=EXAMPLE_CREDIT_CODE, text=True, width=22,
           help_text=_("The credit code, the power account number, or both.")),
    Column("account", _("Power account number"), aliases=("户号", "用电户号", "电力户号"), text=True, width=16,
           example="0281234567"),
    Column("date", _("Date"), aliases=("日期", "用电日期"), required=True, example="2020-02-20", width=12),
    Column("kwh", _("kWh"), aliases=("用电量", "日用电量", "用电量(千瓦时)", "千瓦时"), required=True, example=1520.5,
           width=12),
)


def _words(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    words = {normalise_header(v): v for v in choices.values if v}
    for code, _name in getattr(settings, "LANGUAGES", ()):
        with translation.override(code):
            words.update({normalise_header(str(label)): v for v, label in choices.choices if v})
    words.update({normalise_header(k): v for k, v in extra.items()})
    return words


STATUS_WORDS = {"未复工": ResumptionStatus.NOT_RESUMED, "部分复工": ResumptionStatus.PARTLY,
                "已复工": ResumptionStatus.RESUMED, "全面复工": ResumptionStatus.RESUMED,
                "已达产": ResumptionStatus.FULL, "达产": ResumptionStatus.FULL}


def parse_status(value: Any) -> str | None:
    return _words(ResumptionStatus, STATUS_WORDS).get(normalise_header(value))


def parse_obstacle(value: Any) -> str | None:
    if value in (None, ""):
        return ""
    return _words(Obstacle, {"无": "", "招工难": Obstacle.WORKERS, "员工返岗": Obstacle.WORKERS,
                             "原材料": Obstacle.MATERIALS, "防疫物资": Obstacle.PROTECTIVE,
                             "物流": Obstacle.LOGISTICS, "资金": Obstacle.FUNDING, "订单": Obstacle.ORDERS,
                             "审批": Obstacle.APPROVALS, "其他": Obstacle.OTHER}).get(normalise_header(value))


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007  (a calendar day, no time)
        except ValueError:
            continue
    return None
