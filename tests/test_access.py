"""The access module: each role's scope over enterprises, deny by default, 404 vs 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from qifu.core import access
from qifu.core.access import NotFound
from qifu.core.models import Event
from qifu.enterprises.models import Enterprise


def names(user: Any, action: str = access.VIEW) -> set[str]:
    return set(Enterprise.objects.restrict(user, action).values_list("name", flat=True))


ALL = {"LQY Motor", "LQY Parts", "JJ Foods", "CQ Supplier", "Project owner"}


@pytest.mark.django_db
def test_view_scopes_per_role(world: Any) -> None:
    assert names(world.admin) == ALL
    assert names(world.leader) == ALL
    assert names(world.contact_user) == {"LQY Motor"}
    assert names(world.commissioner) == {"LQY Motor"}
    assert names(world.commissioner2) == {"LQY Parts"}
    # the command center sees its district, not the neighbouring one nor Chongqing
    assert names(world.cc_staff) == {"LQY Motor", "LQY Parts", "Project owner"}
    assert names(world.cc_other) == {"JJ Foods"}
    assert names(world.bureau_staff) == {"LQY Motor", "LQY Parts", "Project owner"}
    # a work team sees what its commissioners serve
    assert names(world.team_member) == {"Project owner"}
    # task forces and departments see what is routed to them: nothing yet
    assert names(world.tf_member) == set()
    assert names(world.dept_staff) == set()
    assert names(world.nobody) == set()


@pytest.mark.django_db
def test_change_and_assign_scopes(world: Any) -> None:
    assert names(world.commissioner, access.CHANGE) == {"LQY Motor"}
    assert names(world.contact_user, access.CHANGE) == {"LQY Motor"}
    assert names(world.leader, access.CHANGE) == set()
    assert names(world.bureau_staff, access.CHANGE) == set()
    assert names(world.cc_staff, access.ASSIGN) == {"LQY Motor", "LQY Parts", "Project owner"}
    assert names(world.commissioner, access.ASSIGN) == set()
    assert names(world.admin, access.DELETE) == ALL
    assert names(world.cc_staff, access.DELETE) == set()


@pytest.mark.django_db
def test_anonymous_and_inactive_see_nothing(world: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert names(AnonymousUser()) == set()
    world.admin.is_active = False
    world.admin.save()
    world.admin._qifu_grants = None
    assert names(world.admin) == set()


@pytest.mark.django_db
def test_models_without_rule_are_denied(world: Any) -> None:
    # deny by default: a model the access module has no rule for is invisible, even to administrators
    from django.contrib.sessions.models import Session

    assert access.restrict(Session.objects.all(), world.admin).count() == 0
    assert access.restrict(Event.objects.all(), world.admin).model is Event


@pytest.mark.django_db
def test_missing_and_invisible_look_the_same(world: Any) -> None:
    with pytest.raises(NotFound):
        access.get_or_404(Enterprise, world.commissioner, pk=world.ent_jj.pk)
    with pytest.raises(NotFound):
        access.get_or_404(Enterprise, world.commissioner, pk=999_999)
    # visible but not allowed to act: 403
    with pytest.raises(PermissionDenied):
        access.get_or_404(Enterprise, world.leader, access.CHANGE, pk=world.ent_lqy.pk)
    assert access.get_or_404(Enterprise, world.commissioner, pk=world.ent_lqy.pk) == world.ent_lqy


@pytest.mark.django_db
def test_capabilities(world: Any) -> None:
    assert access.can(world.cc_staff, "enterprise.add")
    assert access.can(world.admin, "enterprise.import")
    assert not access.can(world.commissioner, "enterprise.add")
    assert not access.can(world.leader, "commissioner.import")
    assert not access.can(world.nobody, "enterprise.export")
    assert not access.can(world.admin, "no.such.capability")


@pytest.mark.django_db
def test_scoped_list_runs_a_fixed_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    from qifu.core.testing.factories import AssignmentFactory, EnterpriseFactory
    from qifu.enterprises import selectors

    for _ in range(30):
        AssignmentFactory(enterprise=EnterpriseFactory(), commissioner=world.commissioner)
    world.commissioner._qifu_grants = None
    with django_assert_max_num_queries(4):
        rows = list(selectors.enterprise_list(user=world.commissioner))
        assert len(rows) == 31
        assert all(r.commissioner == world.commissioner for r in rows)
