"""Benchmark of the foundation: demo load, Excel import, scoped lists and export.

    python -m bench.foundation [--quick]

metrics   demo_load_s           load_demo on an empty database (3,588 + 17 enterprises, 717 users)
          import_rows_per_s     enterprise_import of N new rows (all-or-nothing, validated, with events)
          list_ms.<role>        first page + count of the scoped enterprise list, median of 5
          export_s              Excel export of every enterprise the leadership sees
baseline  demo_load_s           the issue's limit (60 s)
          import_rows_per_s     the per-row service path (enterprise_create for each row), measured on a sample
          list_ms               the same page without scoping (plain queryset), median of 5
ratios    demo_load             demo_load_s / limit (below 1 is within the limit)
          import_speedup        bulk import rate / per-row service rate
          list_overhead.<role>  scoped / unscoped time
"""

from __future__ import annotations

import io

from bench._harness import emit, median_ms, parse, throwaway_database, timed


def _workbook(n: int, start: int) -> bytes:
    from openpyxl import Workbook
    from stdnum.cn import uscc

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(["企业名称", "统一社会信用代码", "行政区划", "行业", "规上企业", "重点企业", "地址", "从业人数"])
    districts = ["510112", "510114", "510116", "510117", "510113", "510115"]
    for i in range(n):
        body = f"91{districts[i % len(districts)]}B{start + i:08d}"
        ws.append([f"成都基准测试制造有限公司{start + i}", body + uscc.calc_check_digit(body),
                   districts[i % len(districts)], "36", "是", "否", "测试路 1 号", 100 + i % 50])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    args = parse(__doc__ or "")
    rows = 2_000 if args.quick else 20_000
    sample = 50 if args.quick else 200
    with throwaway_database() as vendor:
        from qifu.demo import scenario
        from qifu.enterprises import imports, selectors, services
        from qifu.enterprises import io as enterprise_io
        from qifu.enterprises.models import Enterprise
        from qifu.organisations.models import User

        demo_s, _ = timed(scenario.load)
        admin = User.objects.get(username="admin")

        # per-row service path on a sample: what an import would cost without the bulk writer
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(_workbook(sample, 900_000)), read_only=True).active
        raw_rows = list(sheet.iter_rows(min_row=2, values_only=True))
        keys = ["name", "credit_code", "region", "industry", "above_scale", "key_enterprise", "address", "headcount"]

        def per_row() -> None:
            for values in raw_rows:
                data = services.clean_enterprise_data(dict(zip(keys, values, strict=True)))
                services.enterprise_create(actor=admin, data=data)

        per_row_s, _ = timed(per_row)

        content = _workbook(rows, 0)
        import_s, report = timed(lambda: imports.enterprise_import(actor=admin, file=content))
        assert report.ok and report.created == rows, report.to_dict()

        users = {
            "commissioner": User.objects.get(username="chenjingjing"),
            "command_center": User.objects.get(username="lqy_cc"),
            "leadership": User.objects.get(username="leader"),
        }

        def page(user: User | None) -> None:
            qs = selectors.enterprise_list(user=user) if user else (
                Enterprise.objects.select_related("region", "industry").order_by("name", "id"))
            list(qs[:50])
            qs.count()

        unscoped = median_ms(lambda: page(None))
        list_ms = {role: median_ms(lambda u=u: page(u)) for role, u in users.items()}
        export_s, data = timed(lambda: enterprise_io.export_enterprises(selectors.enterprise_list(user=users["leadership"])))
        total = Enterprise.objects.count()

    emit(
        "foundation",
        scale={"database": vendor, "enterprises": total, "import_rows": rows, "per_row_sample": sample},
        metrics={
            "demo_load_s": round(demo_s, 2),
            "import_s": round(import_s, 2),
            "import_rows_per_s": round(rows / import_s),
            "list_ms": list_ms,
            "export_s": round(export_s, 2),
            "export_bytes": len(data or b""),
        },
        baseline={
            "demo_load_s": 60,
            "import_rows_per_s": round(sample / per_row_s),
            "list_ms": unscoped,
        },
        ratios={
            "demo_load": round(demo_s / 60, 3),
            "import_speedup": round((rows / import_s) / (sample / per_row_s), 1),
            "list_overhead": {role: round(ms / unscoped, 2) for role, ms in list_ms.items()},
        },
    )


if __name__ == "__main__":
    main()
