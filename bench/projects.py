"""Benchmark of the key-project equipment ledger and vehicle passes.

    python -m bench.projects [--quick] [--items N] [--passes P]

In a throwaway database: a key project with its work team and milestones; an equipment workbook of N rows
(default 50,000; --quick 5,000) in the sites' layout (Chinese headers, a title row above them), written to a
temporary file; then

scale     items, passes, database, workbook_mb, reimport_changed (rows that differ in the second workbook)
metrics   import_s          imports.equipment_import of the workbook (read, validate every row, write all, events)
          import_cpu_s      the same, CPU time of this process (what the import costs on a busy machine)
          import_peak_mb    the process's peak resident memory after the import (whole process: Django, the
                            workbook reader, the rows, the writes; an upper bound of what the import needs)
          risk_view_ms      selectors.risk_view for the project as a work-team member, median of 5
          pass_verify_per_s selectors.pass_check of signed QR contents (HMAC + one primary-key read), one core
          reimport_s        the week-later workbook: the same items, 85% of them changed (status, dates, risk,
                            notes), each change written with its history entry
          reimport_unchanged_s  the first workbook again (every row compared, none changed)
baseline  the issue's targets (and the import's 15 s for the re-import)
ratios    import_rows_per_s
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench._harness import emit, median_ms, throwaway_database

HEADERS = ["设备位号", "设备名称", "规格型号", "数量", "供应商", "国产/进口", "产地代码", "国别", "合同金额（元）",
           "合同交货期", "计划到货日期", "实际到货日期", "运输方式", "运输路线", "状态", "需外籍技术人员",
           "需外地技术人员", "风险等级", "风险原因", "难点", "措施", "制约节点", "责任单位"]
NAMES = ("离心泵", "换热器", "空冷器", "反应器", "精馏塔", "储罐", "调节阀", "电动机", "压缩机", "过滤器")
STATUSES = ("已订货", "制造中", "待发运", "运输中", "已到港", "已到场", "已安装")
COUNTRIES = ("德国", "IT", "JP", "US", "CH", "KR", "FR")
REGIONS = ("230200", "210100", "620100", "330100", "310100", "350600")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 items, 500 passes")
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--passes", type=int, default=None)
    return parser.parse_args()


def item_row(i: int, seed: int) -> list[Any]:
    """Row ``i`` of the workbook, the same for the same ``seed`` (so a second workbook can change some rows)."""
    rng = random.Random(seed * 1_000_003 + i)  # noqa: S311 - benchmark data
    imported = rng.random() < 0.45
    status = rng.choice(STATUSES)
    arrived = status in ("已到场", "已安装")
    planned = date(2020, 2, 1) + timedelta(days=rng.randint(0, 200))
    return [
        f"E-{i + 1:06d}", rng.choice(NAMES), f"型号{rng.randint(100, 999)}", rng.randint(1, 4),
        f"供应商{rng.randint(1, 400)}", "进口" if imported else "国产", "" if imported else rng.choice(REGIONS),
        rng.choice(COUNTRIES) if imported else "", rng.randint(10_000, 50_000_000),
        planned - timedelta(days=10), planned, planned if arrived else None, "海运" if imported else "公路",
        "海运至古雷港", status, "是" if imported and rng.random() < 0.3 else "否", "否",
        rng.choice(("正常", "正常", "延期风险")), "", "", "", rng.choice(("中交", "投产")), "古雷工作队",
    ]


def changed_row(row: list[Any], i: int) -> tuple[list[Any], bool]:
    """The week after: most items moved on (status, dates, risk, notes), a few untouched."""
    rng = random.Random(7_000_000 + i)  # noqa: S311 - benchmark data
    if rng.random() >= CHANGED_SHARE:
        return row, False
    row = list(row)
    status = STATUSES.index(row[14])
    if status < 5:  # not yet on site: moves one step, or slips a week with a reason
        if rng.random() < 0.6:
            row[14] = STATUSES[status + 1]
            if row[14] == "已到场":
                row[11] = row[10]
        else:
            row[10] = row[10] + timedelta(days=7)
            row[17], row[18] = "延期风险", "港口拥堵，到货推迟一周"
    else:
        row[20] = "已验收，准备安装"
    if rng.random() < 0.3:
        row[19] = "协调海关提前申报"
    return row, True


CHANGED_SHARE = 0.85


def write_workbook(path: str, n: int, seed: int, changed: bool = False) -> int:
    """The workbook of ``n`` rows; ``changed``: the week-later version. Returns how many rows differ."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("设备台账")
    ws.append(["古雷炼化一体化项目设备台账（基准）"])
    ws.append(HEADERS)
    differing = 0
    for i in range(n):
        row = item_row(i, seed)
        if changed:
            row, moved = changed_row(row, i)
            differing += moved
        ws.append(row)
    wb.save(path)
    return differing


def build(rng: random.Random) -> tuple[Any, Any, Any]:
    from qifu.core.testing.factories import credit_code
    from qifu.enterprises.models import Enterprise
    from qifu.organisations.choices import Role, UnitKind
    from qifu.organisations.models import Industry, RoleGrant, Unit, User
    from qifu.projects.models import KeyProject, Milestone

    team = Unit.objects.create(name="古雷工作队", code="gulei-team", kind=UnitKind.WORK_TEAM, region_id="350623")
    transport = Unit.objects.create(name="漳州市交通运输局", code="zz-jtj", kind=UnitKind.DEPARTMENT, region_id="350600")
    member = User.objects.create(username="team", unit=team)
    RoleGrant.objects.create(user=member, role=Role.COMMISSIONER, unit=team)
    decider = User.objects.create(username="transport", unit=transport)
    RoleGrant.objects.create(user=decider, role=Role.DEPARTMENT, unit=transport)
    owner = Enterprise.objects.create(name="福建古雷石化有限公司", credit_code=credit_code(1), region_id="350623",
                                      industry=Industry.objects.get(code="25"))
    project = KeyProject.objects.create(code="gulei", name="古雷炼化一体化项目", owner=owner, region_id="350623",
                                        investment=Decimal("34500000000"), work_team=team, transport_unit=transport)
    Milestone.objects.create(project=project, name="中交", planned_date=date(2020, 6, 30))
    Milestone.objects.create(project=project, name="投产", planned_date=date(2020, 9, 30), sort_order=1)
    return project, member, decider


def passes(project: Any, applicant: Any, n: int, rng: random.Random) -> list[str]:
    from django.utils import timezone

    from qifu.projects import services
    from qifu.projects.models import VehiclePass

    today = timezone.localdate()
    now = timezone.now()
    rows = [VehiclePass(number=f"TX{i:010d}", project=project, enterprise=project.owner,
                        authority_id=project.transport_unit_id, plate=f"闽E{i:05d}", vehicle_type="bus",
                        driver_name="司机", route="古雷镇—园区", purpose="commuting", valid_from=today,
                        valid_until=today + timedelta(days=30), status="approved", applied_by=applicant,
                        applied_at=now) for i in range(n)]
    VehiclePass.objects.bulk_create(rows, batch_size=1000)
    return [services.pass_token(vp) for vp in VehiclePass.objects.all()]


def main() -> None:
    args = _args()
    n = args.items or (5_000 if args.quick else 50_000)
    n_passes = args.passes or (500 if args.quick else 2_000)
    rng = random.Random(2020)  # noqa: S311 - benchmark data
    with throwaway_database() as vendor:
        from django.utils import timezone

        from qifu.projects import imports, selectors

        project, member, _decider = build(rng)
        folder = tempfile.mkdtemp(prefix="qifu-bench-projects-")
        path = os.path.join(folder, "equipment.xlsx")
        write_workbook(path, n, seed=2020)
        later = os.path.join(folder, "equipment-later.xlsx")
        differing = write_workbook(later, n, seed=2020, changed=True)
        workbook_mb = round(os.path.getsize(path) / 2**20, 1)

        started, cpu = time.perf_counter(), time.process_time()
        report = imports.equipment_import(actor=member, project_id=project.pk, file=path)
        import_s = round(time.perf_counter() - started, 2)
        import_cpu_s = round(time.process_time() - cpu, 2)
        assert report.ok and report.created == n, report.to_dict()["errors"][:5]
        import_peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

        data = selectors.risk_view(user=member, project=project)
        assert data["total"] == n
        risk_view_ms = median_ms(lambda: selectors.risk_view(user=member, project=project))

        tokens = passes(project, member, n_passes, rng)
        today = timezone.localdate()
        assert selectors.pass_check(tokens[0], today=today).valid
        checked, started = 0, time.perf_counter()
        while time.perf_counter() - started < 2.0:
            for token in tokens:
                assert selectors.pass_check(token, today=today).valid
            checked += len(tokens)
        pass_verify_per_s = round(checked / (time.perf_counter() - started))

        started = time.perf_counter()
        again = imports.equipment_import(actor=member, project_id=project.pk, file=path)
        reimport_unchanged_s = round(time.perf_counter() - started, 2)
        assert again.ok and again.unchanged == n

        started = time.perf_counter()
        moved = imports.equipment_import(actor=member, project_id=project.pk, file=later)
        reimport_s = round(time.perf_counter() - started, 2)
        assert moved.ok and (moved.updated, moved.unchanged) == (differing, n - differing), moved.to_dict()["errors"][:5]
        os.remove(path)
        os.remove(later)

    emit(
        "projects",
        scale={"items": n, "passes": n_passes, "database": vendor, "workbook_mb": workbook_mb,
               "reimport_changed": differing},
        metrics={"import_s": import_s, "import_cpu_s": import_cpu_s, "import_peak_mb": import_peak_mb, "risk_view_ms": risk_view_ms,
                 "pass_verify_per_s": pass_verify_per_s, "reimport_s": reimport_s,
                 "reimport_unchanged_s": reimport_unchanged_s},
        # reimport_s: not in the issue; held to the import's own target
        baseline={"import_s": 15, "import_peak_mb": 300, "risk_view_ms": 200, "pass_verify_per_s": 1000,
                  "reimport_s": 15},
        ratios={"import_rows_per_s": round(n / import_s)},
    )


if __name__ == "__main__":
    main()
