"""The demo scenario (``manage.py load_demo``): the seed's counts, the logins, idempotency, refusal."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings
from stdnum.cn import uscc

from qifu.demo import scenario
from qifu.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseContact
from qifu.organisations.choices import CoordinationRole, Role, UnitKind
from qifu.organisations.models import Region, RoleGrant, Section, Unit, User

pytestmark = pytest.mark.django_db(transaction=False)

COUNTED = (Unit, Section, Enterprise, EnterpriseContact, CommissionerAssignment, User, RoleGrant)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the scenario twice, once for the whole module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = scenario.load()
        after_first = _counts()
        out = StringIO()
        call_command("load_demo", stdout=out)
        # The load's deferred foreign-key checks run once here, in the outer transaction. Otherwise every test's
        # teardown runs them all again: Django checks constraints before rolling back the test's savepoint, and
        # PostgreSQL puts the pending checks back with the savepoint (12–18 s per test on PostgreSQL).
        connection.check_constraints()
        yield SimpleNamespace(first=first, after_first=after_first, after_second=_counts(), output=out.getvalue())
        transaction.set_rollback(True)


def test_counts_as_the_seed_says(demo):  # type: ignore[no-untyped-def]
    chengdu = Enterprise.objects.filter(region__code__startswith="5101", is_external=False)
    assert chengdu.filter(above_scale=True).count() == 3588
    assert Enterprise.objects.filter(above_scale=True).count() == 3588
    # 一户一专员: every enterprise in jurisdiction has exactly one active commissioner, externals none.
    in_jurisdiction = Enterprise.objects.filter(is_external=False)
    active = CommissionerAssignment.objects.filter(ended_at__isnull=True)
    assert active.count() == in_jurisdiction.count() == 3588 + len(scenario.GULEI_ENTERPRISES)
    assert not active.filter(enterprise__is_external=True).exists()
    assert not active.values("enterprise").annotate(n=Count("id")).filter(n__gt=1).exists()
    per_commissioner = list(active.values("commissioner").annotate(n=Count("id")).values_list("n", flat=True))
    assert 600 <= len(per_commissioner) <= 700
    assert max(per_commissioner) <= 8
    # every enterprise has a primary contact
    assert not Enterprise.objects.exclude(contacts__is_primary=True).exists()

    faw = Enterprise.objects.get(name="四川一汽丰田汽车有限公司")
    assert (faw.region_id, faw.industry_id, faw.key_enterprise, faw.above_scale) == ("510112", "36", True, True)
    suppliers = Enterprise.objects.filter(name__in=[s["name"] for s in scenario.FAW_TOYOTA_SUPPLIERS])
    assert suppliers.count() == len(scenario.FAW_TOYOTA_SUPPLIERS) == 40
    assert suppliers.filter(region__code__startswith="51").count() == 28
    assert suppliers.filter(region__code__startswith="5101").count() == 26
    assert suppliers.filter(region_id="510112").count() == 20
    assert suppliers.filter(region__code__startswith="50").count() == 12
    assert suppliers.filter(is_external=True).count() == 14
    assert suppliers.filter(name="天津矢崎汽车配件有限公司成都分公司", region_id="510112").exists()

    gulei = Enterprise.objects.get(name="福建古雷石化有限公司")
    assert gulei.industry_id == "25" and gulei.key_enterprise
    assert gulei.commissioner.username == "gulei_team"


def test_units(demo):  # type: ignore[no-untyped-def]
    kinds = Unit.objects.values("kind").annotate(n=Count("id"))
    n = {row["kind"]: row["n"] for row in kinds}
    # Chengdu's six service task forces, and the province's cross-province coordination office
    assert Unit.objects.filter(kind=UnitKind.SERVICE_TASK_FORCE, region_id="510100").count() == 6
    assert n[UnitKind.SERVICE_TASK_FORCE] == 7
    assert Unit.objects.get(code="sc-kszx").region_id == "510000"
    assert n[UnitKind.LEADERSHIP_TASK_FORCE] == 8
    districts = set(Region.objects.filter(parent_id="510100").exclude(name="市辖区").values_list("code", flat=True))
    assert districts
    command_centers = Unit.objects.filter(kind=UnitKind.COMMAND_CENTER, region__code__startswith="5101")
    assert set(command_centers.values_list("region_id", flat=True)) == districts
    assert command_centers.count() == len(districts)
    bureaus = Unit.objects.filter(kind=UnitKind.ECONOMIC_BUREAU)
    assert set(bureaus.values_list("region_id", flat=True)) == districts
    assert Section.objects.filter(unit__code="lqy-jxj", name="工业运行服务与信息电子科").exists()
    for dept in Unit.objects.filter(kind=UnitKind.DEPARTMENT, region_id="510100"):
        assert 2 <= dept.sections.count() <= 4, dept
    assert Unit.objects.get(code="cd-hq").kind == UnitKind.HEADQUARTERS
    assert Unit.objects.get(code="sc-jxt").region_id == "510000"
    # the supply chain routes to the province's units by their coordination role, not by sort order
    assert Unit.objects.get(code="sc-jxt").coordination_role == CoordinationRole.ECONOMIC_DEPARTMENT
    assert Unit.objects.get(code="sc-kszx").coordination_role == CoordinationRole.CROSS_PROVINCE_OFFICE
    assert Unit.objects.exclude(coordination_role="").count() == 2
    team = Unit.objects.get(code="gulei-team")
    assert team.kind == UnitKind.WORK_TEAM
    assert team.region_id == Unit.objects.get(code="gulei-cc").region_id == scenario.GULEI_REGION
    members = User.objects.filter(unit=team)
    assert members.count() == 5
    assert all(m.has_role(Role.COMMISSIONER) for m in members)


def test_demo_logins(demo):  # type: ignore[no-untyped-def]
    from django.conf import settings

    expected = {
        "admin": Role.ADMINISTRATOR,
        "leader": Role.LEADERSHIP,
        "lqy_cc": Role.COMMAND_CENTER,
        "tf_supplies": Role.TASK_FORCE,
        "dept_transport": Role.DEPARTMENT,
        "lqy_jxj": Role.DEPARTMENT,
        "chenjingjing": Role.COMMISSIONER,
        "faw_contact": Role.ENTERPRISE_CONTACT,
        "gulei_team": Role.COMMISSIONER,
        "yexianghua": Role.DEPARTMENT,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.has_role(role), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="chenjingjing").check_password(settings.DEMO_PASSWORD)
    assert len({u.password for u in User.objects.filter(username__in=expected)}) == 1  # one hash for all

    chen = User.objects.get(username="chenjingjing")
    assert chen.full_name == "陈晶晶" and chen.unit.code == "lqy-jxj"
    assert chen.section.name == "工业运行服务与信息电子科"
    served = set(
        CommissionerAssignment.objects.filter(commissioner=chen, ended_at__isnull=True).values_list(
            "enterprise__name", flat=True
        )
    )
    assert "四川一汽丰田汽车有限公司" in served and 3 <= len(served) <= 6
    assert User.objects.get(username="dept_transport").section.unit.code == "cd-jtj"
    contact = EnterpriseContact.objects.get(user__username="faw_contact")
    assert contact.enterprise.name == "四川一汽丰田汽车有限公司"
    for login in demo.first.logins:
        assert login.username in demo.output


def test_idempotent_and_valid_codes(demo):  # type: ignore[no-untyped-def]
    assert demo.after_second == demo.after_first
    assert "nothing (already loaded)" in demo.output
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(uscc.is_valid(c) for c in codes)
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    # region of registration inside the code matches the enterprise's region
    assert all(c[2:8] == r for c, r in Enterprise.objects.values_list("credit_code", "region_id"))


def test_a_reload_names_the_coordinating_units_of_a_demo_loaded_before_roles(demo):  # type: ignore[no-untyped-def]
    Unit.objects.filter(code__in=("sc-jxt", "sc-kszx")).update(coordination_role="")
    before = _counts()
    scenario.load()
    assert dict(Unit.objects.filter(code__in=("sc-jxt", "sc-kszx")).values_list("code", "coordination_role")) == {
        "sc-jxt": CoordinationRole.ECONOMIC_DEPARTMENT, "sc-kszx": CoordinationRole.CROSS_PROVINCE_OFFICE}
    assert _counts() == before


def test_deterministic_plan(demo):  # type: ignore[no-untyped-def]
    regions = {r.code: r for r in Region.objects.all()}
    a, b = scenario.build_plan(regions), scenario.build_plan(regions)
    assert a.enterprises == b.enterprises and a.users == b.users
    assert {e.credit_code for e in a.enterprises} == set(Enterprise.objects.values_list("credit_code", flat=True))


@override_settings(PRODUCTION=True, DEMO_PASSWORD="")


def test_production_without_explicit_password_refuses():
    with pytest.raises(CommandError, match="QIFU_DEMO_PASSWORD"):
        call_command("load_demo", stdout=StringIO())


def test_resumption_rises_and_the_faw_chain_follows_the_seed(demo):  # type: ignore[no-untyped-def]
    from datetime import date

    from qifu.resumption import power, rollup, selectors
    from qifu.resumption.models import DailyFigure, StatusReport

    leader = User.objects.get(username="leader")
    scope = selectors.scope_for(user=leader)
    assert scope.kind == "all"
    first = selectors.day_figures(scope=scope, day=date(2020, 2, 1))["totals"]
    last = selectors.day_figures(scope=scope, day=date(2020, 4, 30))["totals"]
    assert first["enterprises"] == 3588 + 3  # and FAW Toyota, 福建古雷石化… inside the jurisdiction
    assert first["resumption_rate"] < 0.3 < 0.95 < last["resumption_rate"]
    districts = selectors.day_figures(scope=scope, day=date(2020, 2, 20))["by_district"]
    assert len({r["resumption_rate"] for r in districts}) > 10  # districts differ
    # the Longquanyi suppliers resumed before those outside Chengdu
    faw = Enterprise.objects.get(name="四川一汽丰田汽车有限公司")
    first_day = {}
    for e in Enterprise.objects.filter(name__in=[s["name"] for s in scenario.FAW_TOYOTA_SUPPLIERS]):
        day = StatusReport.objects.filter(enterprise=e, status__in=["partly", "resumed", "full"]).order_by(
            "date").values_list("date", flat=True).first()
        first_day.setdefault("lqy" if e.region_id == "510112" else "other", []).append(day)
    assert max(first_day["lqy"]) < min(first_day["other"]) or sorted(first_day["lqy"])[10] < sorted(
        first_day["other"])[10]
    assert StatusReport.objects.filter(enterprise=faw, date=date(2020, 2, 17), status="partly").exists()
    # the rollup is what rebuilding it from the reports gives; power mostly agrees
    stored = sorted(DailyFigure.objects.filter(date="2020-03-02").values_list("region_id", "industry_id",
                                                                             *rollup.FIELDS))
    rollup.rebuild([date(2020, 3, 2)])
    assert stored == sorted(DailyFigure.objects.filter(date="2020-03-02").values_list("region_id", "industry_id",
                                                                                     *rollup.FIELDS))
    index = power.day_index(scope=scope, day=date(2020, 3, 2))
    assert index["measured"] > 3000 and 0 < index["disagreements"] < index["measured"] * 0.05
    early = power.day_index(scope=scope, day=date(2020, 2, 3))  # a few disagree, from the first day on
    assert early["disagreements"] < early["measured"] * 0.05


def test_the_faw_supply_network_follows_the_seed_and_days_to_stop_moves(demo):  # type: ignore[no-untyped-def]
    from collections import Counter
    from datetime import date

    from qifu.supplychain import selectors
    from qifu.supplychain.models import SupplyLink

    faw = Enterprise.objects.get(name="四川一汽丰田汽车有限公司")
    direct = SupplyLink.objects.filter(buyer=faw).select_related("supplier")
    regions = Counter("lqy" if lk.supplier.region_id == "510112" else "chengdu" if lk.supplier.region_id[:4] == "5101"
                      else "sichuan" if lk.supplier.region_id[:2] == "51" else lk.supplier.region_id[:2] for lk in direct)
    assert regions == {"lqy": 20, "chengdu": 6, "sichuan": 2, "50": 12}
    assert SupplyLink.objects.filter(buyer__in=[lk.supplier for lk in direct]).count() == 10  # a second tier
    assert direct.filter(has_alternative=True).exists() and direct.filter(critical=False).exists()
    user = User.objects.get(username="chenjingjing")
    days = [selectors.plant_analysis(user=user, plant_id=faw.pk, day=date(2020, 2, d)).days_to_stop
            for d in (10, 24)] + [selectors.plant_analysis(user=user, plant_id=faw.pk, day=date(2020, 3, 8)).days_to_stop]
    assert days[0] < days[1] < days[2]
    overview = selectors.region_overview(user=User.objects.get(username="leader"), day=date(2020, 2, 24))
    assert len(overview["plants"]) == 3 and overview["blockers"][0]["plants"] >= 2
    assert faw.annual_output == 2_400_000 and overview["blockers"][0]["output"] > 2_400_000


def test_workforce_as_the_seed_tells_it(demo):  # type: ignore[no-untyped-def]
    from datetime import date

    from qifu.workforce import selectors
    from qifu.workforce.models import BusPlan, HealthEvent, ReturnTally, Worker

    leader = User.objects.get(username="leader")
    gulei = Enterprise.objects.get(name=scenario.GULEI_OWNER["name"])
    f = selectors.figures(user=leader, enterprise_id=gulei.pk)
    assert f.baseline == 7000
    assert round(1 - f.baseline_by_province["350000"] / f.baseline, 2) == 0.72
    assert f.baseline_by_province["420000"] >= 550
    by_day = {d["date"]: d["on_site"] for d in f.days}
    assert by_day[date(2020, 3, 28)] > 10_000 and by_day[date(2020, 2, 8)] < by_day[date(2020, 2, 20)]
    assert BusPlan.objects.filter(enterprise=gulei, date=date(2020, 2, 9), status="approved").exists()
    # the 66 Luzhou interns: masked for officials, in full for FAW Toyota itself
    faw = Enterprise.objects.get(name=scenario.FAW_TOYOTA["name"])
    assert Worker.objects.filter(enterprise=faw, origin_id="510502").count() == 66
    rows, unmasked = selectors.personal_list(user=User.objects.get(username="chenjingjing"), enterprise=faw)
    assert not unmasked and all("*" in r["id_number"] for r in rows)
    assert selectors.personal_list(user=User.objects.get(username="faw_contact"), enterprise=faw)[1]
    event = HealthEvent.objects.get(enterprise__name="天津矢崎汽车配件有限公司成都分公司")
    assert event.status == "cleared" and event.customers.filter(pk=faw.pk).exists()
    assert {"nat_1", "nat_2", "ct", "expert_review"} <= set(event.steps.values_list("kind", flat=True))
    assert ReturnTally.objects.filter(enterprise__isnull=True).exists()
    # the workforce hangs on the Gulei key project; the towns' refusal is a closed ledger problem linked to the
    # rule recorded on the project with its shuttles
    from qifu.projects.models import KeyProject
    from qifu.workforce.models import LodgingRule

    project = KeyProject.objects.get(code="gulei")
    assert selectors.figures(user=leader, project_id=project.pk).baseline >= 7000
    assert len(selectors.project_enterprise_ids(project)) == len(scenario.GULEI_ENTERPRISES)
    rule = LodgingRule.objects.select_related("problem").get(project=project)
    assert "点对点、不拒收" in rule.rule and project.shuttles.count() == 3
    assert rule.problem.status == "closed" and rule.problem.category.code == "staffing"
    assert rule.problem.reported_at.date() == date(2020, 2, 10) and "点对点、不拒收" in rule.problem.resolution
    assert rule.problem.events.filter(code="escalated").exists()


def test_gulei_equipment_ledger_as_the_seed_counts_it(demo):  # type: ignore[no-untyped-def]
    from qifu.projects import selectors
    from qifu.projects.models import EquipmentItem, KeyProject, LogisticsRequest, VehiclePass

    project = KeyProject.objects.get(code="gulei")
    assert project.investment >= 34_500_000_000 and project.work_team.code == "gulei-team"
    team_member = User.objects.get(username="gulei_js1")
    data = selectors.risk_view(user=team_member, project=project)
    origin = {r["key"]: r["total"] for r in data["by_origin"]}
    assert (origin["domestic"], origin["imported"], data["total"]) == (963, 778, 1741)
    assert (data["risk_totals"]["delay"], data["risk_totals"]["major"]) == (721, 4)
    assert data["late_count"] > 0 and data["countries"] and all(c["note"] for c in data["countries"][:5])
    arrivals = EquipmentItem.objects.filter(project=project, actual_arrival__isnull=False)
    assert {d.month for d in arrivals.values_list("actual_arrival", flat=True)} == {2, 3, 4}
    tower = LogisticsRequest.objects.get(project=project, kind="oversize")
    assert "11号码头" in tower.problem.title and tower.items.get().name == "洗涤塔"
    assert tower.problem.enterprise_id == project.owner_id
    assert VehiclePass.objects.filter(project=project).count() >= 300
    assert EquipmentItem.objects.count() == 1741  # the second load added nothing
