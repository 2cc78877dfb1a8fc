"""A key project on the permission World: owner ``ent_project`` (served by the work team's ``team_leader``),
stationed team ``work_team``, passes decided by the transport department ``department`` (``dept_staff``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from qifu.projects.models import EquipmentItem, KeyProject, Milestone


def make_project(w: Any) -> SimpleNamespace:
    project = KeyProject.objects.create(code="p1", name="Refinery", owner=w.ent_project, region_id="510112",
                                        investment=Decimal("34500000000"), work_team=w.work_team,
                                        transport_unit=w.department)
    m1 = Milestone.objects.create(project=project, name="中交", planned_date=date(2020, 6, 30))
    m2 = Milestone.objects.create(project=project, name="投产", planned_date=date(2020, 9, 30), sort_order=1)
    return SimpleNamespace(project=project, m1=m1, m2=m2)


def item(project: KeyProject, number: str, **kw: Any) -> EquipmentItem:
    from django.utils import timezone

    values = {"name": "泵", "supplier": "S", "origin": "domestic", "status": "ordered", "updated_at": timezone.now()}
    values.update(kw)
    return EquipmentItem.objects.create(project=project, number=number, **values)


@pytest.fixture
def proj(world: Any) -> SimpleNamespace:
    return make_project(world)
