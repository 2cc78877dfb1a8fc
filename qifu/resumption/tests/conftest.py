"""A small resumption fixture on the permission World, with rates that can be computed by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qifu.resumption import services
from qifu.resumption.choices import Channel

DAY = date(2020, 3, 2)


def file(actor: Any, enterprise: Any, status: str, expected: int, on_duty: int, capacity: int, *, day: date = DAY,
         **kw: Any) -> Any:
    return services.report_file(actor=actor, channel=Channel.WEB, data=services.ReportInput(
        enterprise_id=enterprise.pk, date=day, status=status, employees_expected=expected,
        employees_on_duty=on_duty, capacity=capacity, **kw))


@pytest.fixture
def rw(world: Any) -> Any:
    """ent_lqy resumed (a partly report replaced), ent_lqy2 not resumed, ent_jj at full capacity,
    ent_project never reported, ent_cq (outside the jurisdiction) resumed but not counted."""
    w = world
    w.first = file(w.contact_user, w.ent_lqy, "partly", 100, 40, 30)
    w.second = file(w.commissioner, w.ent_lqy, "resumed", 100, 80, 70)
    file(w.commissioner2, w.ent_lqy2, "not_resumed", 50, 0, 0)
    file(w.admin, w.ent_jj, "full", 30, 30, 100)
    file(w.admin, w.ent_cq, "resumed", 10, 10, 90)
    return w
