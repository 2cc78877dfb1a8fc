"""Excel columns for the problem ledger: the ledger export in the columns offices use, the ledger import, and
the sheet departments fill in and send back (定期报送 by Excel).

Headers are English msgids with a context ("ledger sheet"), so each can carry the exact Chinese text offices
use (办理状态, not the generic 状态); the Chinese texts are also accepted as aliases on read. Exports stream:
``values_list`` of exactly the needed columns, joined names through the same query, the latest progress report
as a subquery, ``iterator(chunk_size=2000)`` and openpyxl's write-only mode, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from qifu.core import excel
from qifu.core.excel import Column
from qifu.organisations.models import Unit

from .choices import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATUSES,
    Nature,
    Rating,
    ResolutionType,
    Status,
    Tier,
    WarningColour,
)
from .models import Assignment, Problem, ProgressReport

CTX = "ledger sheet"
CHUNK = 2000


# --- the ledger (问题台账) ------------------------------------------------------------------------

SEQ = Column("seq", pgettext_lazy("ledger sheet", "No."), aliases=("序号", "编号序号"), importable=False, width=6)
NUMBER = Column(
    "number",
    pgettext_lazy("ledger sheet", "Ledger number"),
    aliases=("台账编号", "问题编号", "编号"),
    text=True,
    help_text=pgettext_lazy("ledger sheet", "Optional. A ledger number already in the system is refused: this import only creates."),
    width=18,
)
ENTERPRISE = Column(
    "enterprise",
    pgettext_lazy("ledger sheet", "Enterprise name"),
    aliases=("企业名称", "企业", "单位名称", "企业全称"),
    example="成都某某汽车零部件有限公司",
    help_text=pgettext_lazy("ledger sheet", "The registered name, exactly; or fill in the credit code instead."),
    width=32,
)
CREDIT_CODE = Column(
    "credit_code",
    pgettext_lazy("ledger sheet", "Credit code"),
    aliases=("统一社会信用代码", "社会信用代码", "信用代码", "USCC"),
    text=True,
    help_text=pgettext_lazy("ledger sheet", "The 18-character unified social credit code; it decides when both are given."),
    width=22,
)
DISTRICT = Column("district", pgettext_lazy("ledger sheet", "District"), aliases=("所在区县", "区县", "所在区域"), importable=False, width=12)
DESCRIPTION = Column(
    "description",
    pgettext_lazy("ledger sheet", "Problem description"),
    aliases=("问题描述", "问题", "问题内容", "存在问题"),
    required=True,
    example="员工复工需要口罩 2000 只",
    help_text=pgettext_lazy("ledger sheet", "The first line becomes the title (up to 200 characters); the whole text the description."),
    width=50,
)
CATEGORY = Column(
    "category",
    pgettext_lazy("ledger sheet", "Problem category"),
    aliases=("问题类型", "问题类别", "类型", "类别"),
    required=True,
    example="protective_supplies",
    help_text=pgettext_lazy("ledger sheet", "A problem category, by name or code."),
    width=14,
)
NATURE = Column(
    "nature",
    pgettext_lazy("ledger sheet", "Problem nature"),
    aliases=("问题性质", "性质"),
    example="个性",
    help_text=pgettext_lazy("ledger sheet", "个性 (individual) or 共性 (common); empty means individual."),
    width=10,
)
UNIT = Column("unit", pgettext_lazy("ledger sheet", "Responsible unit"), aliases=("责任单位", "牵头单位"), importable=False, width=20)
SECTION = Column("section", pgettext_lazy("ledger sheet", "Responsible section"), aliases=("责任科室", "科室"), importable=False, width=14)
DEADLINE = Column(
    "deadline",
    pgettext_lazy("ledger sheet", "Deadline"),
    aliases=("完成时限", "办结时限", "时限"),
    example="2020-02-20",
    help_text=pgettext_lazy("ledger sheet", "Optional: a date (2020-02-20). Empty: the default deadline counted from the import."),
    width=12,
)
PROGRESS = Column("progress", pgettext_lazy("ledger sheet", "Progress"), aliases=("办理进展", "进展情况", "进展"), width=40)
STATUS = Column(
    "status",
    pgettext_lazy("ledger sheet", "Handling status"),
    aliases=("办理状态", "状态", "办结状态"),
    example="办理中",
    help_text=pgettext_lazy("ledger sheet", "Empty or 办理中 for an open problem; 已办结 for one already finished (imported as closed)."),
    width=12,
)
WARNING = Column("warning", pgettext_lazy("ledger sheet", "Warning"), aliases=("预警", "预警状态", "督办预警"), importable=False, width=10)
RATING = Column("rating", pgettext_lazy("ledger sheet", "Enterprise rating"), aliases=("企业评价", "评价", "满意度"), importable=False, width=12)

# The export, in the order offices use.
LEDGER_COLUMNS: tuple[Column, ...] = (
    SEQ, NUMBER, ENTERPRISE, DISTRICT, DESCRIPTION, CATEGORY, NATURE, UNIT, SECTION, DEADLINE, PROGRESS, STATUS,
    WARNING, RATING,
)
# The import: the same columns (an export re-imports, and is refused for its existing numbers) plus the credit
# code. Progress is read on import only as the resolution of a row already finished.
LEDGER_IMPORT_COLUMNS: tuple[Column, ...] = (
    SEQ, NUMBER, ENTERPRISE, CREDIT_CODE, DISTRICT, DESCRIPTION, CATEGORY, NATURE, UNIT, SECTION, DEADLINE,
    PROGRESS, STATUS, WARNING, RATING,
)


def ledger_template() -> bytes:
    """The ledger import template (.xlsx)."""
    columns = [c for c in LEDGER_IMPORT_COLUMNS if c.importable]
    return excel.template_workbook(columns, pgettext_lazy("ledger sheet", "Ledger"), [{c.key: c.example for c in columns}])


def _local_date(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value is not None else None


def problem_text(title: str, description: str) -> str:
    """问题描述 as one cell: the description when it already starts with the title, both otherwise."""
    description = (description or "").strip()
    if not description:
        return title
    if description.startswith(title):
        return description
    return f"{title}\n{description}"


_LATEST_PROGRESS = Subquery(
    ProgressReport.objects.filter(problem=OuterRef("pk")).order_by("-created_at", "-id").values("progress")[:1]
)
_LEDGER_FIELDS = (
    "number", "enterprise__name", "enterprise__region__name", "title", "description", "category__name", "nature",
    "responsible_unit__name", "responsible_section__name", "deadline", "status", "resolution", "latest_progress",
    "warning", "rating",
)


def _ledger_rows(queryset: QuerySet[Problem]) -> Iterator[dict[str, Any]]:
    # Labels resolved once per export, in the active language, not once per row.
    natures = {k: str(v) for k, v in Nature.choices}
    statuses = {k: str(v) for k, v in Status.choices}
    warnings = {k: str(v) for k, v in WarningColour.choices if k}
    ratings = {k: str(v) for k, v in Rating.choices}
    qs = queryset.annotate(latest_progress=_LATEST_PROGRESS).values_list(*_LEDGER_FIELDS)
    for seq, row in enumerate(qs.iterator(chunk_size=CHUNK), start=1):
        (number, enterprise, district, title, description, category, nature, unit, section, deadline, status,
         resolution, latest, warning, rating) = row
        finished = status in (Status.RESOLVED, Status.CLOSED)
        yield {
            "seq": seq,
            "number": number,
            "enterprise": enterprise,
            "district": district,
            "description": problem_text(title, description),
            "category": category,
            "nature": natures.get(nature, nature),
            "unit": unit,
            "section": section,
            "deadline": _local_date(deadline),
            "progress": resolution if finished and resolution else latest,
            "status": statuses.get(status, status),
            "warning": warnings.get(warning, ""),
            "rating": ratings.get(rating, ""),
        }


def export_problems(queryset: QuerySet[Problem], *, out: IO[bytes] | None = None) -> bytes | None:
    """The problems of ``queryset`` (already scoped and sorted by the caller, e.g. selectors.problem_list) as
    the office ledger .xlsx, or written to ``out``. Constant memory: one query, streamed."""
    return excel.write_workbook(LEDGER_COLUMNS, _ledger_rows(queryset), pgettext_lazy("ledger sheet", "Ledger"), out=out)


# --- departments' returns (定期报送) ----------------------------------------------------------------

RESOLVED = Column(
    "resolved",
    pgettext_lazy("ledger sheet", "Resolved"),
    aliases=("是否办结", "办结", "已办结"),
    help_text=pgettext_lazy("ledger sheet", "Yes when your unit has finished its part; fill in the resolution type and details."),
    width=8,
)
RESOLUTION_TYPE = Column(
    "resolution_type",
    pgettext_lazy("ledger sheet", "Resolution type"),
    aliases=("办结类型", "解决类型", "办理结果"),
    help_text=pgettext_lazy("ledger sheet", "Solved (已解决), explained (解释说明) or partly solved (部分解决)."),
    width=14,
)
RESOLUTION = Column(
    "resolution",
    pgettext_lazy("ledger sheet", "Resolution details"),
    aliases=("办结情况", "办结说明", "解决情况"),
    width=40,
)
RETURN_COLUMNS: tuple[Column, ...] = (
    SEQ,
    Column("number", pgettext_lazy("ledger sheet", "Ledger number"), aliases=("台账编号", "问题编号", "编号"), required=True, text=True,
           width=18),
    Column("enterprise", pgettext_lazy("ledger sheet", "Enterprise name"), aliases=("企业名称", "企业"), importable=False, width=28),
    Column("description", pgettext_lazy("ledger sheet", "Problem description"), aliases=("问题描述", "问题"), importable=False, width=50),
    Column("deadline", pgettext_lazy("ledger sheet", "Deadline"), aliases=("完成时限", "办结时限", "时限"), importable=False, width=12),
    Column("progress", pgettext_lazy("ledger sheet", "Progress"), aliases=("办理进展", "进展情况", "进展"), width=40),
    Column("next_step", pgettext_lazy("ledger sheet", "Next step"), aliases=("下一步", "下一步工作", "下一步计划"), width=30),
    Column("blocker", pgettext_lazy("ledger sheet", "Difficulties"), aliases=("存在困难", "困难", "存在问题和困难"), width=30),
    RESOLVED,
    RESOLUTION_TYPE,
    RESOLUTION,
    # Trailing, for the conflict check: a row whose problem changed since the export is refused.
    Column("version", pgettext_lazy("ledger sheet", "Version"), aliases=("版本", "版本号"), required=True, width=6),
)

# Words offices write for the resolution types, accepted besides the codes and the translated labels.
RESOLUTION_TYPE_WORDS: dict[str, str] = {
    "已解决": ResolutionType.SOLVED,
    "解决": ResolutionType.SOLVED,
    "已办结": ResolutionType.SOLVED,
    "解释说明": ResolutionType.EXPLAINED,
    "政策解释": ResolutionType.EXPLAINED,
    "已解释": ResolutionType.EXPLAINED,
    "暂无法解决": ResolutionType.EXPLAINED,
    "部分解决": ResolutionType.PARTLY,
}


def unit_open_problems(unit: Unit, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
    """The open problems of ``queryset`` that ``unit`` holds: an active department hop, or the unit itself
    responsible (a command center or task force)."""
    hops = Assignment.objects.filter(unit=unit, status__in=ACTIVE_ASSIGNMENT, tier=Tier.DEPARTMENT)
    return queryset.filter(status__in=OPEN_STATUSES).filter(
        Q(pk__in=hops.values("problem_id")) | Q(responsible_unit=unit)
    )


def _unit_rows(unit: Unit, queryset: QuerySet[Problem]) -> Iterator[dict[str, Any]]:
    hop_deadline = Subquery(
        Assignment.objects.filter(problem=OuterRef("pk"), unit=unit, status__in=ACTIVE_ASSIGNMENT)
        .order_by("-assigned_at", "-id")
        .values("deadline")[:1]
    )
    qs = (
        unit_open_problems(unit, queryset)
        .annotate(unit_deadline=Coalesce(hop_deadline, "deadline"))
        .values_list("number", "enterprise__name", "title", "description", "unit_deadline", "version")
    )
    for seq, (number, enterprise, title, description, deadline, version) in enumerate(
        qs.iterator(chunk_size=CHUNK), start=1
    ):
        yield {
            "seq": seq,
            "number": number,
            "enterprise": enterprise,
            "description": problem_text(title, description),
            "deadline": _local_date(deadline),
            "version": version,
        }


def ledger_export_for_unit(
    unit: Unit, queryset: QuerySet[Problem], *, out: IO[bytes] | None = None
) -> bytes | None:
    """The open problems ``unit`` holds, from ``queryset`` (scoped by the caller), as the sheet its staff fill
    in and import back with ``imports.progress_import``; the deadline is the unit's own hop deadline."""
    return excel.write_workbook(RETURN_COLUMNS, _unit_rows(unit, queryset), pgettext_lazy("ledger sheet", "Progress return"), out=out)
