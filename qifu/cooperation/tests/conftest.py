"""A small market on the permission World: LQY Motor (ent_lqy) needs masks, JJ Foods (ent_jj) supplies them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from qifu.cooperation import index, services


@pytest.fixture(autouse=True)
def fresh_index() -> Any:
    """The process-wide index must not carry listings of another test's rolled-back database."""
    index.reset()
    yield
    index.reset()


def listing_input(enterprise: Any, kind: str = "demand", title: str = "急需KN95口罩", **kw: Any) -> Any:
    values = {"category": "防疫物资/口罩", "region": enterprise.region_id, "quantity": 10000, "unit": "只",
              "valid_until": date.today() + timedelta(days=30), "contact_name": "王经理",
              "contact_phone": "028-84800000", "description": "员工复工防护使用"}
    values.update(kw)
    return services.ListingInput(enterprise_id=enterprise.pk, kind=kind, title=title, **values)


def post(actor: Any, enterprise: Any, kind: str = "demand", title: str = "急需KN95口罩", publish: bool = True,
         **kw: Any) -> Any:
    return services.listing_create(actor=actor, data=listing_input(enterprise, kind, title, **kw), publish=publish)


@pytest.fixture
def market(world: Any) -> Any:
    w = world
    w.supply = post(w.admin, w.ent_jj, "supply", "供应KN95防护口罩", spec="GB2626-2006 KN95", quantity=50000,
                    contact_name="李厂长", contact_phone="13800000001", description="日产20万只，现货")
    w.other_supply = post(w.admin, w.ent_cq, "supply", "6203-2RS 深沟球轴承", category="汽车零部件/轴承",
                          quantity=20000, unit="套", contact_phone="13800000002", description="现货")
    w.demand = post(w.contact_user, w.ent_lqy)
    return w
