"""The power cross-check: resumed by power above 30% of the baseline (last December's daily average)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qifu.resumption import imports, io, power, selectors
from qifu.resumption.models import PowerAccount, PowerReading

from .conftest import DAY

pytestmark = pytest.mark.django_db


def csv_file(lines: list[str]) -> bytes:
    return ("\n".join(["统一社会信用代码,户号,日期,用电量"] + lines)).encode("utf-8")


def test_power_rule_and_disagreements(rw: Any) -> None:
    now = __import__("django.utils.timezone", fromlist=["now"]).now()
    # December baselines: lqy 1000 kWh a day, lqy2 200, jj 500
    for e, kwh in ((rw.ent_lqy, 1000), (rw.ent_lqy2, 200), (rw.ent_jj, 500)):
        PowerReading.objects.bulk_create([PowerReading(enterprise=e, date=date(2019, 12, d), kwh=kwh + (d % 2) * 10 - 5,
                                                       imported_at=now) for d in range(1, 31)])
    report = imports.power_import(actor=rw.admin, file=csv_file([
        f"{rw.ent_lqy.credit_code},0281000001,{DAY.isoformat()},250",  # 25%: not resumed by power, report says resumed
        f"{rw.ent_lqy2.credit_code},,{DAY.isoformat()},150",  # 75%: resumed by power, report says not resumed
        f",0281000001,{(DAY.replace(day=1)).isoformat()},900",  # by account number, registered on the line above
        f"{rw.ent_jj.credit_code},,{DAY.isoformat()},450",  # 90%: agrees
    ]), filename="grid.csv")
    assert report.ok, report.errors
    assert PowerAccount.objects.get(number="0281000001").enterprise == rw.ent_lqy
    assert power.baselines([rw.ent_lqy.pk], 2020)[rw.ent_lqy.pk] == Decimal(1000)
    scope = selectors.scope_for(user=rw.leader)
    index = power.day_index(scope=scope, day=DAY)
    assert (index["measured"], index["resumed_by_power"], index["disagreements"]) == (3, 2, 2)
    rows = {r["enterprise"].name: r for r in power.disagreements(scope=scope, day=DAY)}
    assert set(rows) == {"LQY Motor", "LQY Parts"}
    assert rows["LQY Motor"]["power_capacity"] == 0.25 and rows["LQY Parts"]["resumed_by_power"] is True
    # an explicit baseline on the account wins over December's average
    PowerAccount.objects.filter(number="0281000001").update(baseline_kwh=Decimal(500))
    assert power.day_index(scope=scope, day=DAY)["disagreements"] == 1


def test_power_import_is_all_or_nothing(rw: Any) -> None:
    content = csv_file([f"{rw.ent_lqy.credit_code},,{DAY.isoformat()},250", f",9999,{DAY.isoformat()},1",
                        f"{rw.ent_jj.credit_code},,2020-13-01,-4"])
    report = imports.power_import(actor=rw.admin, file=content, filename="grid.csv")
    assert {(e.row, e.column) for e in report.errors} == {(3, "account"), (4, "date"), (4, "kwh")}
    assert not PowerReading.objects.exists()
    assert io.POWER_COLUMNS


def test_an_enterprise_with_two_meters_is_counted_by_their_sum(rw: Any) -> None:
    first = imports.power_import(actor=rw.admin, file=csv_file([
        f"{rw.ent_lqy.credit_code},A1,{DAY.isoformat()},300",
        f"{rw.ent_lqy.credit_code},A2,{DAY.isoformat()},500",
    ]), filename="grid.csv")
    assert first.ok, first.errors
    PowerAccount.objects.filter(number="A1").update(baseline_kwh=Decimal(1000))
    PowerAccount.objects.filter(number="A2").update(baseline_kwh=Decimal(1000))
    row = next(r for r in power.day_rows(scope=selectors.scope_for(user=rw.leader), day=DAY)
               if r["enterprise_id"] == rw.ent_lqy.pk)
    assert (row["kwh"], row["baseline"], row["power_capacity"]) == (Decimal(800), Decimal(2000), 0.4)
    # A second file with one meter's corrected figure replaces that meter only.
    again = imports.power_import(actor=rw.admin, file=csv_file([f",A2,{DAY.isoformat()},700"]), filename="grid.csv")
    assert again.ok and again.updated == 1
    assert sum(PowerReading.objects.filter(enterprise=rw.ent_lqy, date=DAY).values_list("kwh", flat=True)) == 1000
    # The same meter and day twice, or one new account for two enterprises, reject the file.
    bad = imports.power_import(actor=rw.admin, file=csv_file([
        f"{rw.ent_lqy.credit_code},A1,{DAY.isoformat()},1",
        f"{rw.ent_lqy.credit_code},A1,{DAY.isoformat()},2",
        f"{rw.ent_lqy.credit_code},N1,{DAY.isoformat()},1",
        f"{rw.ent_jj.credit_code},N1,{DAY.isoformat()},1",
    ]), filename="grid.csv")
    assert {(e.row, e.column) for e in bad.errors} == {(3, "date"), (5, "account")}
