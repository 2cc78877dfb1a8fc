"""A plant (the World's ent_lqy) with suppliers at every coordination level and a second tier."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qifu.core.testing.factories import EnterpriseFactory, UnitFactory, region
from qifu.ledger.models import ProblemCategory
from qifu.organisations.choices import UnitKind
from qifu.resumption import services as resumption
from qifu.resumption.choices import Channel
from qifu.supplychain import services
from qifu.supplychain.models import SupplyLink

DAY = date(2020, 2, 20)


def link(w: Any, buyer: Any, supplier: Any, stock: float, **kw: Any) -> SupplyLink:
    return services.link_create(actor=w.admin, data=services.LinkInput(
        buyer_id=buyer.pk, supplier_id=supplier.pk, part=kw.pop("part", "part"), stock_days=stock, **kw))


def status(w: Any, enterprise: Any, value: str, day: date = DAY) -> None:
    resumption.report_file(actor=w.admin, channel=Channel.WEB, data=resumption.ReportInput(
        enterprise_id=enterprise.pk, date=day, status=value, employees_expected=10, employees_on_duty=5, capacity=50))


def build(w: Any) -> Any:
    """ent_lqy is the plant; suppliers in its district, the city, the province (Deyang) and Chongqing."""
    w.ent_dy = EnterpriseFactory(name="Deyang Castings", region=region("510603"), is_external=True)
    w.sub = EnterpriseFactory(name="JJ Steel", region=region("510104"))
    w.dept_sc = UnitFactory(name="Sichuan economic department", code="sc-jxt", kind=UnitKind.DEPARTMENT,
                            region=region("510000"))
    w.cross_sc = UnitFactory(name="Sichuan cross-province office", code="sc-kszx",
                             kind=UnitKind.SERVICE_TASK_FORCE, region=region("510000"))
    ProblemCategory.objects.filter(code="supply_chain").update(task_force=w.task_force)
    w.l_local = link(w, w.ent_lqy, w.ent_lqy2, 4, share=50)
    w.l_city = link(w, w.ent_lqy, w.ent_jj, 6)
    w.l_prov = link(w, w.ent_lqy, w.ent_dy, 5, has_alternative=True, alternative_lead_days=3)
    w.l_cq = link(w, w.ent_lqy, w.ent_cq, 10)
    w.l_sub = link(w, w.ent_jj, w.sub, 1)
    for e in (w.ent_lqy, w.ent_jj):
        status(w, e, "resumed")
    for e in (w.ent_lqy2, w.ent_cq, w.sub):
        status(w, e, "not_resumed")
    # ent_dy never reported: it counts as not resumed
    return w


@pytest.fixture
def sc(world: Any) -> Any:
    return build(world)
