"""The permission world plus the transport department and a health authority for Chengdu, and a roster."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from qifu.core.testing.factories import UnitFactory, make_user, region
from qifu.organisations.choices import Role, UnitKind
from qifu.workforce.models import Authority


def id_number(seed: int) -> str:
    """A valid resident ID number (GB 11643 check digit) born in 1990 in Wuhan's 江岸区."""
    body = f"420102199001{(seed % 28) + 1:02d}{seed % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def add_authorities(w: Any) -> Any:
    chengdu = region("510100")
    Authority.objects.get_or_create(unit=w.department, kind="transport", region=chengdu)
    if not hasattr(w, "health_staff"):
        w.health_unit = UnitFactory(name="Health commission", code="dept-wjw", kind=UnitKind.DEPARTMENT,
                                    region=chengdu)
        w.health_staff = make_user(Role.DEPARTMENT, w.health_unit, username="health", unit=w.health_unit)
        Authority.objects.create(unit=w.health_unit, kind="health", region=chengdu)
    return w


@pytest.fixture
def ww(world: Any) -> Any:
    return add_authorities(world)


def tomorrow() -> Any:
    return timezone.localdate() + timedelta(days=1)
