"""The move from workforce.Project to projects.KeyProject keeps the data: enterprises become members, the rule a
LodgingRule, the shuttles follow; a project matching no key project stops the migration instead of vanishing."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workforce", "0001_initial")]
AFTER = [("workforce", "0002_key_projects")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in {app for app, _name in target}]
    return executor.loader.project_state([*others, *target]).apps


@pytest.fixture
def reference(transactional_db: Any) -> None:
    """A transactional test may follow another one's flush, which empties the migration-loaded tables."""
    from qifu.core import workdays
    from qifu.core.models import CalendarDay
    from qifu.ledger.migrations import _seed
    from qifu.organisations import reference as loaders
    from qifu.organisations.models import Industry, Region

    if not Region.objects.exists():
        loaders.load_regions(Region)
    if not Industry.objects.exists():
        loaders.load_industries(Industry)
    if not CalendarDay.objects.exists():
        workdays.seed_calendar()
    _seed.seed_categories()


@pytest.mark.django_db(transaction=True)
def test_old_projects_map_to_key_projects_by_name_or_owner(reference: None) -> None:
    from qifu.core.testing.factories import World

    world = World()
    apps = _migrate(BEFORE)
    try:
        Project = apps.get_model("workforce", "Project")
        Shuttle = apps.get_model("workforce", "Shuttle")
        KeyProject = apps.get_model("projects", "KeyProject")
        key = KeyProject.objects.create(code="p1", name="Refinery", owner_id=world.ent_project.pk, region_id="510112",
                                        investment=Decimal(1), work_team_id=world.work_team.pk)
        by_owner = Project.objects.create(name="古雷项目", region_id="510112", lodging_rule="点对点、不拒收")
        by_owner.enterprises.set([world.ent_project.pk, world.ent_lqy.pk])
        Shuttle.objects.create(project=by_owner, lodging="杜浔镇", departs=time(6, 30), seats=45)
        apps = _migrate(AFTER)
        rule = apps.get_model("workforce", "LodgingRule").objects.get(project_id=key.pk)
        assert rule.rule == "点对点、不拒收"
        members = apps.get_model("workforce", "ProjectMember").objects.filter(project_id=key.pk)
        assert sorted(members.values_list("enterprise_id", flat=True)) == sorted([world.ent_project.pk,
                                                                                  world.ent_lqy.pk])
        assert apps.get_model("workforce", "Shuttle").objects.get().project_id == key.pk
        # an orphan project: the migration stops with its name, nothing is dropped (going back is for empty
        # shuttle lists only: the old model cannot hold a shuttle without its project)
        apps.get_model("workforce", "Shuttle").objects.all().delete()
        apps = _migrate(BEFORE)
        apps.get_model("workforce", "Project").objects.create(name="无主项目", region_id="510112")
        with pytest.raises(RuntimeError, match="无主项目"):
            _migrate(AFTER)
        apps.get_model("workforce", "Project").objects.filter(name="无主项目").delete()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
