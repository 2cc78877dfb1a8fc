"""The daily briefing (日报): the day's figures in the register of a government briefing, for a date and the
reader's scope, as an Excel workbook (openpyxl) and a Word document (python-docx). The figures come from the
same selectors as the dashboard."""

from __future__ import annotations

import io as _io
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qifu.ledger.choices import Tier
from qifu.ledger.selectors import ProblemFilter, problem_list
from qifu.organisations.models import Region, User

from . import selectors
from .choices import Obstacle, ResumptionStatus

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROWS = 30


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def points(today: float | None, yesterday: float | None) -> str:
    """The change in percentage points, signed (“+3.2”)."""
    if today is None or yesterday is None:
        return "—"
    return f"{(today - yesterday) * 100:+.1f}"


def _scope_name(scope: selectors.Scope) -> str:
    if scope.region:
        region = Region.objects.filter(code__startswith=scope.region).order_by("code").first()
        return region.name if region else scope.region
    if scope.kind == "regions" and len(scope.prefixes) == 1:
        region = Region.objects.filter(code__startswith=scope.prefixes[0]).order_by("code").first()
        return region.name if region else ""
    return _("all enterprises in scope") if scope.kind == "enterprises" else _("the whole area")


def build(*, user: User, day: date, region: str = "") -> dict[str, Any]:
    """The briefing's contents: headline and change since yesterday, tables, key problems, overdue by unit."""
    scope = selectors.scope_for(user=user, region=region)
    today = selectors.day_figures(scope=scope, day=day)
    before = selectors.day_figures(scope=scope, day=day - timedelta(days=1))["totals"]
    t = today["totals"]
    problems = problem_list(user=user, filters=ProblemFilter(region=region, status="open"))
    leadership = list(problems.filter(tier=Tier.LEADERSHIP).order_by("deadline", "id")[:ROWS])
    overdue = list(
        problems.filter(warning="red").order_by().values("responsible_unit__name").annotate(n=Count("id"))
        .order_by("-n", "responsible_unit__name")[:ROWS]
    )
    obstacles = dict(
        scope.reports().filter(date=day).exclude(obstacle="").order_by().values_list("obstacle")
        .annotate(n=Count("id")).values_list("obstacle", "n")
    )
    headline = _(
        "As of %(date)s, of %(enterprises)d enterprises in %(scope)s, %(resumed)d have resumed work "
        "(resumption rate %(resumption)s, %(d_resumption)s points on the previous day); return-to-post rate "
        "%(return)s (%(d_return)s points); capacity recovery %(capacity)s (%(d_capacity)s points); "
        "%(full)d at full capacity; %(not_reported)d did not report."
    ) % {
        "date": day.isoformat(), "enterprises": t["enterprises"], "scope": _scope_name(scope),
        "resumed": t["resumed_any"], "resumption": pct(t["resumption_rate"]),
        "d_resumption": points(t["resumption_rate"], before["resumption_rate"]),
        "return": pct(t["return_rate"]), "d_return": points(t["return_rate"], before["return_rate"]),
        "capacity": pct(t["capacity_rate"]), "d_capacity": points(t["capacity_rate"], before["capacity_rate"]),
        "full": t["full"], "not_reported": t["not_reported"],
    }
    return {
        "title": _("Daily briefing on work resumption"),
        "date": day, "scope": _scope_name(scope), "headline": headline, "totals": t, "yesterday": before,
        "by_district": today["by_district"], "by_industry": today["by_industry"],
        "worst_districts": today["worst_districts"], "worst_industries": today["worst_industries"],
        "key_not_resumed": list(selectors.key_not_resumed(scope=scope, day=day)[:ROWS]),
        "leadership_problems": leadership,
        "overdue_by_unit": [{"unit": r["responsible_unit__name"] or "—", "n": r["n"]} for r in overdue],
        "obstacles": sorted(((str(Obstacle(k).label), n) for k, n in obstacles.items() if k in Obstacle.values),
                            key=lambda x: -x[1]),
    }


def _group_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    head = [_("Name"), _("Enterprises"), _("Resumed"), _("Resumption rate"), _("Return-to-post rate"),
            _("Capacity recovery"), _("Not reported")]
    body = [[r["label"], r["enterprises"], r["resumed_any"], pct(r["resumption_rate"]), pct(r["return_rate"]),
             pct(r["capacity_rate"]), r["not_reported"]] for r in rows]
    return head, body


def _sections(b: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The briefing's tables: (heading, header row, rows)."""
    t, y = b["totals"], b["yesterday"]
    headline = (
        [_("Figure"), _("Today"), _("Previous day"), _("Change (points)")],
        [[_("Resumption rate"), pct(t["resumption_rate"]), pct(y["resumption_rate"]),
          points(t["resumption_rate"], y["resumption_rate"])],
         [_("Return-to-post rate"), pct(t["return_rate"]), pct(y["return_rate"]),
          points(t["return_rate"], y["return_rate"])],
         [_("Capacity recovery"), pct(t["capacity_rate"]), pct(y["capacity_rate"]),
          points(t["capacity_rate"], y["capacity_rate"])],
         [_("Enterprises resumed"), t["resumed_any"], y["resumed_any"], t["resumed_any"] - y["resumed_any"]],
         [_("At full capacity"), t["full"], y["full"], t["full"] - y["full"]]],
    )
    out = [(_("1. Headline figures"), *headline)]
    out.append((_("2. By district"), *_group_table(b["by_district"])))
    out.append((_("3. By industry"), *_group_table(b["by_industry"])))
    out.append((_("4. Key enterprises not yet resumed"), [_("Enterprise"), _("District"), _("Status")],
                [[e.name, e.region.name, str(ResumptionStatus(e.day_status).label) if e.day_status else _("not reported")]
                 for e in b["key_not_resumed"]]))
    out.append((_("5. Key problems at the leadership task forces"),
                [_("Ledger number"), _("Enterprise"), _("Problem"), _("Responsible unit"), _("Deadline")],
                [[p.number, p.enterprise.name if p.enterprise else "", p.title,
                  p.responsible_unit.name if p.responsible_unit else "",
                  timezone.localdate(p.deadline).isoformat() if p.deadline else ""] for p in b["leadership_problems"]]))
    out.append((_("6. Overdue problems by responsible unit"), [_("Responsible unit"), _("Overdue problems")],
                [[r["unit"], r["n"]] for r in b["overdue_by_unit"]]))
    out.append((_("7. Main obstacles reported"), [_("Obstacle"), _("Enterprises")],
                [[k, n] for k, n in b["obstacles"]]))
    return out


def to_xlsx(b: dict[str, Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Briefing")[:31]
    sheet.append([f"{b['title']} · {b['scope']} · {b['date'].isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([b["headline"]])
    sheet["A2"].alignment = Alignment(wrap_text=True)
    for heading, head, rows in _sections(b):
        sheet.append([])
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(head)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    sheet.column_dimensions["A"].width = 36
    for col in "BCDEFG":
        sheet.column_dimensions[col].width = 16
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_docx(b: dict[str, Any]) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    title = document.add_heading(b["title"], level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = document.add_paragraph(f"{b['scope']} · {b['date'].isoformat()}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(b["headline"])
    for heading, head, rows in _sections(b):
        document.add_heading(heading, level=2)
        if not rows:
            document.add_paragraph(_("None."))
            continue
        table = document.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
    buffer = _io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
