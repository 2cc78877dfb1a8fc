"""Excel imports for the problem ledger: an existing office ledger (creates problems) and departments' progress
returns (定期报送 by Excel). Every row is validated first; then all rows are written in one transaction, or none
when any row has an error (the report lists every one)."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from qifu.core import access, excel
from qifu.core.errors import Conflict
from qifu.core.excel import ImportReport, Row
from qifu.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseContact
from qifu.enterprises.validators import normalise_credit_code
from qifu.organisations.choices import Role
from qifu.organisations.models import User

from . import deadlines, io, rules, services
from .choices import ACTIVE_ASSIGNMENT, Channel, CloseReason, Nature, Priority, ResolutionType, Status, Tier
from .models import Assignment, Problem, ProblemCategory, ProblemEvent

BATCH = 500
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _word(value: Any) -> str:
    return excel.normalise_header(value)


def _choice_lookup(choices: Sequence[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Codes, their labels in every configured language, and the words offices use, normalised."""
    lookup = {_word(k): k for k in extra.values()}
    lookup.update({_word(word): code for word, code in extra.items()})
    for code, _name in getattr(settings, "LANGUAGES", ()):
        with translation.override(code):
            for value, label in choices:
                lookup.setdefault(_word(label), value)
    for value, _label in choices:
        lookup.setdefault(_word(value), value)
    return lookup


_NATURE_WORDS = {
    "个性": Nature.INDIVIDUAL, "个性问题": Nature.INDIVIDUAL, "个案": Nature.INDIVIDUAL,
    "共性": Nature.COMMON, "共性问题": Nature.COMMON,
}
# How offices write an open or a finished problem in 办理状态.
_OPEN_WORDS = {"办理中", "处理中", "在办", "未办结", "待办", "待处理", "正在办理", "推进中", "未解决"}
_FINISHED_WORDS = {"已办结", "办结", "已解决", "已完成", "完成", "已处理", "已关闭"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(value: Any) -> date | None:
    """A date cell as offices type it: a real date, an Excel serial number, 2020-02-20, 2020/2/20, 2020年2月20日.
    None when empty; ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return from_excel(value).date()
    m = _DATE_RE.match(str(value))
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))  # ValueError for 2020-02-30
    raise ValueError(value)


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


# --- the ledger -----------------------------------------------------------------------------------


@dataclass
class _NewProblem:
    row: int
    enterprise: Enterprise
    title: str
    description: str
    category: ProblemCategory
    nature: str
    deadline: datetime | None
    finished: bool
    source_number: str
    source_status: str
    progress: str


def _category_lookup() -> dict[str, ProblemCategory]:
    lookup: dict[str, ProblemCategory] = {}
    for category in ProblemCategory.objects.filter(is_active=True):
        lookup.setdefault(_word(category.code), category)
        lookup.setdefault(_word(category.name), category)
    return lookup


def _visible_enterprises(actor: User, *, codes: Sequence[str], names: Sequence[str]) -> tuple[
    dict[str, Enterprise], dict[str, list[Enterprise]]
]:
    """The enterprises the actor may see with these credit codes and exact names (one query per 500)."""
    visible = Enterprise.objects.restrict(actor, access.VIEW).only("pk", "name", "credit_code", "region_id")
    by_code: dict[str, Enterprise] = {}
    for chunk in _chunks(codes):
        by_code.update((e.credit_code, e) for e in visible.filter(credit_code__in=chunk))
    by_name: dict[str, list[Enterprise]] = defaultdict(list)
    for chunk in _chunks(names):
        for e in visible.filter(name__in=chunk).order_by("pk"):
            by_name[e.name].append(e)
    return by_code, by_name


def _reportable(actor: User, enterprises: Sequence[Enterprise]) -> set[int]:
    """The pks ``rules.may_report`` allows, computed for all enterprises at once."""
    if rules.is_admin(actor):
        return {e.pk for e in enterprises}
    allowed = {e.pk for e in enterprises if access.region_in_scope(actor, e.region_id, Role.COMMAND_CENTER)}
    rest = [e.pk for e in enterprises if e.pk not in allowed]
    for chunk in _chunks(rest):
        if access.has_role(actor, Role.COMMISSIONER):
            allowed.update(
                CommissionerAssignment.objects.filter(
                    enterprise_id__in=chunk, commissioner=actor, ended_at__isnull=True
                ).values_list("enterprise_id", flat=True)
            )
        if access.has_role(actor, Role.ENTERPRISE_CONTACT):
            allowed.update(
                EnterpriseContact.objects.filter(enterprise_id__in=chunk, user=actor).values_list(
                    "enterprise_id", flat=True
                )
            )
    return allowed


def _taken_numbers(numbers: Sequence[str]) -> set[str]:
    """Ledger numbers already in the system: a problem's own number, or the source number of an import."""
    taken: set[str] = set()
    for chunk in _chunks(numbers):
        taken.update(Problem.objects.filter(number__in=chunk).values_list("number", flat=True))
        taken.update(
            ProblemEvent.objects.filter(code="imported", data__source_number__in=chunk).values_list(
                "data__source_number", flat=True
            )
        )
    return taken


def _resolve_enterprise(
    report: ImportReport,
    row: Row,
    by_code: dict[str, Enterprise],
    by_name: dict[str, list[Enterprise]],
) -> Enterprise | None:
    raw_code, name = row.get("credit_code"), row.get("enterprise")
    if raw_code:
        try:
            code = normalise_credit_code(str(raw_code))
        except ValidationError as exc:
            for message in exc.messages:
                report.add_error(row.number, "credit_code", message, raw_code)
            return None
        enterprise = by_code.get(code)
        if enterprise is None:
            # Missing and outside the actor's area look the same.
            report.add_error(
                row.number, "credit_code", _("No enterprise with credit code %(code)s in your area.") % {"code": code},
                raw_code,
            )
        return enterprise
    if not name:
        report.add_error(row.number, "enterprise", _("Fill in the enterprise name or its credit code."))
        return None
    found = by_name.get(str(name), [])
    if not found:
        report.add_error(
            row.number, "enterprise", _("No enterprise named “%(name)s” in your area.") % {"name": name}, name
        )
        return None
    if len(found) > 1:
        report.add_error(
            row.number,
            "enterprise",
            _("Several enterprises are named “%(name)s”; add the credit code column.") % {"name": name},
            name,
        )
        return None
    return found[0]


@transaction.atomic
def ledger_import(
    *, actor: User, file: Any, dry_run: bool = False, max_rows: int = excel.DEFAULT_MAX_ROWS
) -> ImportReport:
    """Create problems from an existing office ledger, all or nothing.

    Open rows become problems reported to the enterprise's commissioner (status reported, commissioner tier,
    like a new report); rows whose 办理状态 says finished (已办结…) are recorded as closed with no close reason,
    since nobody confirmed them here. Each problem gets one "imported" event carrying the source row, number,
    status and progress text: the import records no step that did not happen in this system.
    """
    columns = io.LEDGER_IMPORT_COLUMNS
    report = ImportReport(columns=columns, dry_run=dry_run)
    rows, file_errors = excel.read_rows(file, columns, max_rows=max_rows)
    if file_errors:
        report.errors.extend(file_errors)
        return report
    report.rows = len(rows)

    codes: set[str] = set()
    for row in rows:
        if row.get("credit_code"):
            with contextlib.suppress(ValidationError):  # reported with the row below
                codes.add(normalise_credit_code(str(row.get("credit_code"))))
    names = sorted({str(r.get("enterprise")) for r in rows if r.get("enterprise") and not r.get("credit_code")})
    by_code, by_name = _visible_enterprises(actor, codes=sorted(codes), names=names)
    candidates = {e.pk: e for e in [*by_code.values(), *(e for es in by_name.values() for e in es)]}
    reportable = _reportable(actor, list(candidates.values()))
    categories = _category_lookup()
    natures = _choice_lookup(Nature.choices, _NATURE_WORDS)

    rows_by_number: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.get("number"):
            rows_by_number[str(row.get("number"))].append(row.number)
    taken = _taken_numbers(sorted(rows_by_number))

    parsed: list[_NewProblem] = []
    for row in rows:
        ok = True
        number = str(row.get("number") or "")
        if number and number in taken:
            ok = False
            report.add_error(
                row.number, "number",
                _("Ledger number %(number)s is already in the system; this import only creates problems.")
                % {"number": number}, number,
            )
        elif number and len(rows_by_number[number]) > 1:
            ok = False
            report.add_error(
                row.number, "number",
                _("Ledger number %(number)s appears more than once in the file (rows %(rows)s).")
                % {"number": number, "rows": ", ".join(str(n) for n in rows_by_number[number])}, number,
            )
        enterprise = _resolve_enterprise(report, row, by_code, by_name)
        if enterprise is not None and enterprise.pk not in reportable:
            column = "credit_code" if row.get("credit_code") else "enterprise"
            report.add_error(
                row.number, column,
                _("Only the enterprise, its commissioner or its command center may report its problems."),
                row.get(column),
            )
            enterprise = None
        text = str(row.get("description") or "").strip()
        title = text.splitlines()[0].strip()[:200] if text else ""
        if not title:
            ok = False
            report.add_error(row.number, "description", _("The problem description is required."))
        category = categories.get(_word(row.get("category")))
        if category is None:
            ok = False
            if row.get("category") is None:
                report.add_error(row.number, "category", _("The problem category is required."))
            else:
                report.add_error(
                    row.number, "category", _("Unknown problem category “%(value)s”.") % {"value": row.get("category")},
                    row.get("category"),
                )
        nature = natures.get(_word(row.get("nature"))) if row.get("nature") is not None else Nature.INDIVIDUAL
        if nature is None:
            ok = False
            report.add_error(row.number, "nature", _("Enter 个性 (individual) or 共性 (common)."), row.get("nature"))
        deadline: datetime | None = None
        try:
            day = parse_date(row.get("deadline"))
            deadline = _end_of_day(day) if day else None
        except (ValueError, OverflowError):
            ok = False
            report.add_error(row.number, "deadline", _("Enter a date such as 2020-02-20."), row.get("deadline"))
        status_word = str(row.get("status") or "").strip()
        finished = _word(status_word) in {_word(w) for w in _FINISHED_WORDS}
        if status_word and not finished and _word(status_word) not in {_word(w) for w in _OPEN_WORDS}:
            ok = False
            report.add_error(
                row.number, "status", _("Unknown handling status; write 办理中 or 已办结."), status_word
            )
        if not ok or enterprise is None or category is None or nature is None:
            continue
        parsed.append(
            _NewProblem(
                row=row.number, enterprise=enterprise, title=title, description=text, category=category,
                nature=nature, deadline=deadline, finished=finished, source_number=number,
                source_status=status_word, progress=str(row.get("progress") or "").strip(),
            )
        )
    if report.errors:
        return report
    report.created = len(parsed)
    if dry_run:
        return report
    _create_problems(actor, parsed)
    return report


def _create_problems(actor: User, items: Sequence[_NewProblem]) -> list[Problem]:
    at = timezone.now()
    commissioners: dict[int, User] = {}
    for chunk in _chunks(sorted({i.enterprise.pk for i in items})):
        for a in CommissionerAssignment.objects.filter(enterprise_id__in=chunk, ended_at__isnull=True).select_related(
            "commissioner"
        ):
            commissioners[a.enterprise_id] = a.commissioner
    default_deadline = deadlines.problem_deadline(at, crisis=False)
    problems = []
    for item in items:
        commissioner = commissioners.get(item.enterprise.pk)
        problem = Problem(
            number=services.next_number(item.enterprise, at),
            enterprise=item.enterprise,
            region_code=item.enterprise.region_id,
            reported_by=actor,
            channel=Channel.IMPORT,
            title=item.title,
            description=item.description,
            category=item.category,
            nature=item.nature,
            priority=Priority.NORMAL,
            status=Status.CLOSED if item.finished else Status.REPORTED,
            tier=Tier.COMMISSIONER,
            responsible_unit_id=commissioner.unit_id if commissioner else None,
            owner=commissioner,
            reported_at=at,
            deadline=item.deadline or default_deadline,
        )
        if item.finished:
            # What the file says was done, without claiming a confirmation or a check that never happened here.
            problem.resolution = item.progress
            problem.closed_at = at
            problem.close_reason = CloseReason.IMPORTED
        problems.append(problem)
    Problem.objects.bulk_create(problems, batch_size=BATCH)
    if any(p.pk is None for p in problems):  # a database that cannot return ids from a bulk insert
        ids: dict[str, int] = {}
        for chunk in _chunks([p.number for p in problems]):
            ids.update(Problem.objects.filter(number__in=chunk).values_list("number", "pk"))
        for p in problems:
            p.pk = ids[p.number]
    ProblemEvent.objects.bulk_create(
        [
            ProblemEvent(
                problem=p, code="imported", actor=actor, from_status="", to_status=p.status, from_tier="",
                to_tier=p.tier, created_at=at,
                data={
                    "source_row": item.row,
                    "source_number": item.source_number,
                    "source_status": item.source_status,
                    "source_progress": item.progress,
                    "channel": Channel.IMPORT,
                },
            )
            for p, item in zip(problems, items, strict=True)
        ],
        batch_size=BATCH,
    )
    return problems


# --- departments' progress returns (定期报送) ---------------------------------------------------------


@dataclass
class _ReturnRow:
    row: int
    problem: Problem
    assignment: Assignment | None
    progress: str
    next_step: str
    blocker: str
    resolution_type: str
    resolution: str


def _parse_version(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _service_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, Conflict):
        return exc.message
    if isinstance(exc, Http404):
        return _("No such problem in your area.")
    return str(exc) or _("Your role does not allow this step on this problem.")


@transaction.atomic
def progress_import(*, actor: User, file: Any, max_rows: int = excel.DEFAULT_MAX_ROWS) -> ImportReport:
    """Read back a department's return sheet (io.ledger_export_for_unit), all or nothing.

    A row with progress text becomes a progress report (services.problem_report_progress); a row with the
    resolution filled in resolves the unit's part (services.problem_resolve). A row whose problem changed since
    the export (its version differs) is refused as a conflict, never overwritten. In the report, ``created``
    counts progress reports, ``updated`` resolutions and ``unchanged`` rows left blank.
    """
    columns = io.RETURN_COLUMNS
    report = ImportReport(columns=columns)
    rows, file_errors = excel.read_rows(file, columns, max_rows=max_rows)
    if file_errors:
        report.errors.extend(file_errors)
        return report
    report.rows = len(rows)

    numbers = sorted({str(r.get("number")) for r in rows if r.get("number")})
    problems: dict[str, Problem] = {}
    visible = Problem.objects.restrict(actor, access.VIEW)
    for chunk in _chunks(numbers):
        # Locked from the version check to the last write, so nothing can change in between.
        locked = Problem.objects.select_for_update(of=("self",)).select_related("enterprise", "category").filter(
            pk__in=visible.filter(number__in=chunk).values("pk")
        )
        problems.update((p.number, p) for p in locked)
    hops: dict[int, list[Assignment]] = defaultdict(list)
    for chunk in _chunks([p.pk for p in problems.values()]):
        for a in Assignment.objects.filter(problem_id__in=chunk, status__in=ACTIVE_ASSIGNMENT, tier=Tier.DEPARTMENT):
            hops[a.problem_id].append(a)
    types = _choice_lookup(ResolutionType.choices, io.RESOLUTION_TYPE_WORDS)

    rows_by_number: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        rows_by_number[str(row.get("number") or "")].append(row.number)

    work: list[_ReturnRow] = []
    for row in rows:
        number = str(row.get("number") or "")
        if not number:
            report.add_error(row.number, "number", _("The ledger number is required."))
            continue
        if len(rows_by_number[number]) > 1:
            report.add_error(
                row.number, "number",
                _("Ledger number %(number)s appears more than once in the file (rows %(rows)s).")
                % {"number": number, "rows": ", ".join(str(n) for n in rows_by_number[number])}, number,
            )
            continue
        problem = problems.get(number)
        if problem is None:
            report.add_error(
                row.number, "number", _("No problem with ledger number %(number)s in your area.") % {"number": number},
                number,
            )
            continue
        version = _parse_version(row.get("version"))
        if version is None:
            report.add_error(
                row.number, "version", _("The version is missing or not a number; export the sheet again."),
                row.get("version"),
            )
            continue
        if version != problem.version:
            report.add_error(
                row.number, "version",
                _("Problem %(number)s changed since the export; export the sheet again and re-enter this row.")
                % {"number": number}, row.get("version"),
            )
            continue
        progress = str(row.get("progress") or "").strip()
        next_step = str(row.get("next_step") or "").strip()
        blocker = str(row.get("blocker") or "").strip()
        resolution = str(row.get("resolution") or "").strip()
        raw_type = row.get("resolution_type")
        try:
            resolved = excel.parse_bool(row.get("resolved"))
        except ValueError:
            report.add_error(row.number, "resolved", _("Enter Yes or No."), row.get("resolved"))
            continue
        if not (progress or next_step or blocker or resolved or resolution or raw_type):
            report.unchanged += 1
            continue
        ok = True
        if (next_step or blocker) and not progress:
            ok = False
            report.add_error(row.number, "progress", _("Fill in the progress as well as the next step or difficulties."))
        mine = next((a for a in hops.get(problem.pk, []) if rules.holds_assignment(actor, a)), None)
        if progress and not rules.possible("report_progress", actor, problem, mine):
            ok = False
            report.add_error(row.number, "number", _("You may not report progress on problem %(number)s.")
                             % {"number": number}, number)
        resolution_type = ""
        wants_resolution = bool(resolved or resolution or raw_type)
        if wants_resolution:
            resolution_type = types.get(_word(raw_type), "") if raw_type else ""
            if not resolution_type:
                ok = False
                report.add_error(
                    row.number, "resolution_type",
                    _("Choose how it was resolved: solved, explained or partly solved."), raw_type,
                )
            if not resolution:
                ok = False
                report.add_error(row.number, "resolution", _("Describe how it was resolved."))
            if not rules.possible("resolve", actor, problem, mine):
                ok = False
                report.add_error(row.number, "number", _("You may not resolve problem %(number)s.")
                                 % {"number": number}, number)
        if ok:
            work.append(_ReturnRow(row.number, problem, mine, progress, next_step, blocker, resolution_type,
                                   resolution))
    if report.errors:
        report.unchanged = 0
        return report

    for item in work:
        try:
            if item.progress:
                services.problem_report_progress(
                    actor=actor, problem_id=item.problem.pk, progress=item.progress, next_step=item.next_step,
                    blocker=item.blocker, assignment_id=item.assignment.pk if item.assignment else None,
                )
                report.created += 1
            if item.resolution_type:
                services.problem_resolve(
                    actor=actor, problem_id=item.problem.pk, resolution_type=item.resolution_type,
                    resolution=item.resolution, assignment_id=item.assignment.pk if item.assignment else None,
                )
                report.updated += 1
        except (ValidationError, PermissionDenied, Conflict, Http404) as exc:
            # One row failed in its service: nothing of this file stays written.
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
            report.add_error(item.row, "number", _service_error(exc), item.problem.number)
            return report
    return report
