"""A small ledger world on top of the permission World: categories routed to the task force, sections."""

from __future__ import annotations

from typing import Any

import pytest

from qifu.core.testing.factories import SectionFactory


@pytest.fixture
def lw(world: Any) -> Any:
    from qifu.ledger.models import ProblemCategory

    ProblemCategory.objects.filter(code__in=["protective_supplies", "logistics"]).update(task_force=world.task_force)
    world.category = ProblemCategory.objects.get(code="protective_supplies")
    world.dept_section = SectionFactory(unit=world.department, name="Road freight")
    return world
