"""Set-based inserts and updates: values arrive as Django would have written them, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from qifu.core import bulk
from qifu.core.testing.factories import EnterpriseFactory
from qifu.resumption.models import PowerReading

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_insert_and_update_round_trip_dates_times_and_decimals() -> None:
    firm = EnterpriseFactory()
    morning = datetime(2020, 2, 10, 8, 0, tzinfo=SHANGHAI)
    rows = [(firm.pk, f"M{i % 3}", date(2020, 2, 10) + timedelta(days=i // 3), Decimal("12.5") + i,
             morning + timedelta(days=i // 3)) for i in range(30)]  # repeated dates and times: remembered once
    bulk.insert(PowerReading, ["enterprise_id", "meter", "date", "kwh", "imported_at"], rows)
    got = sorted(PowerReading.objects.values_list("meter", "date", "kwh", "imported_at"), key=lambda r: r[2])
    assert got == [(m, d, k, t) for _e, m, d, k, t in rows]
    first = PowerReading.objects.get(kwh=Decimal("12.5"))
    bulk.update(PowerReading, ["date", "kwh"], [(date(2020, 3, 1), Decimal("99.9"), first.pk)])
    first.refresh_from_db()
    assert (first.date, first.kwh, first.imported_at) == (date(2020, 3, 1), Decimal("99.9"), morning)


def test_a_row_of_the_wrong_length_is_refused_and_nothing_is_written() -> None:
    firm = EnterpriseFactory()
    with pytest.raises(ValueError, match="values for 5 columns"), transaction.atomic():  # as callers use it
        bulk.insert(PowerReading, ["enterprise_id", "meter", "date", "kwh", "imported_at"],
                    [(firm.pk, "M", date(2020, 2, 10), Decimal(1))])
    assert not PowerReading.objects.exists()
