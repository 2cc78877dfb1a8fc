"""Supply links, the analysis from the status reports, routed problems, imports and the API on the World."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from qifu.core.errors import Conflict
from qifu.core.testing.factories import credit_code
from qifu.ledger.choices import Status, Tier
from qifu.resumption import services as resumption
from qifu.resumption.choices import Channel
from qifu.supplychain import imports, selectors, services
from qifu.supplychain.models import SupplierProblem, SupplyLink

from .conftest import DAY, link, status


@pytest.mark.django_db
def test_analysis_reads_the_latest_status_and_counts_sub_suppliers_through_their_buyer(sc: Any) -> None:
    a = selectors.plant_analysis(user=sc.commissioner, plant_id=sc.ent_lqy.pk, day=DAY)
    rows = {r.enterprise.name: r for r in a.suppliers}
    assert a.days_to_stop == 4 and a.bottleneck == sc.ent_lqy2
    assert [r.enterprise.name for r in a.blocked] == ["LQY Parts", "JJ Steel", "CQ Supplier", "Deyang Castings"]
    assert rows["JJ Steel"].tts == 7 and rows["JJ Steel"].tier == 2  # 1 day at JJ Foods + 6 at the plant
    assert rows["Deyang Castings"].status == "no_report" and rows["Deyang Castings"].tts == float("inf")
    assert {r.enterprise.name: r.level for r in a.suppliers} == {
        "LQY Parts": "district", "JJ Foods": "city", "JJ Steel": "city", "Deyang Castings": "province",
        "CQ Supplier": "cross_province"}
    status(sc, sc.ent_lqy2, "partly", date(2020, 2, 21))  # the next day the local supplier is back
    later = selectors.plant_analysis(user=sc.commissioner, plant_id=sc.ent_lqy.pk, day=date(2020, 2, 21))
    assert later.days_to_stop == 7 and later.bottleneck == sc.sub


@pytest.mark.django_db
def test_problems_are_routed_to_the_coordination_level(sc: Any) -> None:
    # same district: the plant's commissioner takes it on site (accepted at once when the commissioner raises it)
    local = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_lqy2.pk, day=DAY)
    assert (local.level, local.problem.status, local.problem.tier) == ("district", Status.ACCEPTED, Tier.COMMISSIONER)
    assert local.problem.responsible_unit == sc.bureau_lqy and local.target_unit is None
    # another district of the city (JJ Steel, tier 2 under JJ Foods): the city's supply-chain task force
    city = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.sub.pk, day=DAY)
    assert (city.level, city.problem.status, city.problem.tier, city.problem.responsible_unit) == (
        "city", Status.ESCALATED, Tier.TASK_FORCE, sc.task_force)
    # another province: the province's cross-province coordination office, straight from the commissioner
    far = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    assert (far.level, far.target_unit) == ("cross_province", sc.cross_sc)
    assert (far.problem.status, far.problem.tier, far.problem.responsible_unit) == (
        Status.ESCALATED, Tier.TASK_FORCE, sc.cross_sc)
    assert far.problem.enterprise == sc.ent_lqy and "CQ Supplier" in far.problem.title
    assert list(far.problem.assignments.values_list("unit_id", flat=True)) == [sc.cross_sc.pk]
    routed = far.problem.events.get(code="routed")
    assert routed.data == {"unit": sc.cross_sc.pk, "basis": "supply_chain", "level": "cross_province"}
    assert (routed.from_status, routed.to_status) == (Status.ACCEPTED, Status.ESCALATED)
    # another city of the province, raised by the district's command center: dispatched to the provincial
    # economic department, whose staff then work it like any department's hop
    prov = services.problem_raise(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_dy.pk, day=DAY)
    assert (prov.level, prov.target_unit) == ("province", sc.dept_sc)
    assert (prov.problem.status, prov.problem.tier, prov.problem.responsible_unit) == (
        Status.DISPATCHED, Tier.DEPARTMENT, sc.dept_sc)
    assert prov.problem.events.get(code="routed").from_status == Status.REPORTED
    with pytest.raises(Conflict):
        services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    with pytest.raises(ValidationError):  # resumed: nothing to raise
        services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_jj.pk, day=DAY)
    a = selectors.plant_analysis(user=sc.commissioner, plant_id=sc.ent_lqy.pk, day=DAY)
    assert next(r for r in a.suppliers if r.enterprise == sc.ent_cq).raised == far
    overview = selectors.region_overview(user=sc.leader, day=DAY, within_days=5)
    assert [r["plant"] for r in overview["stopping"]] == [sc.ent_lqy]
    assert overview["unraised"] == []
    assert SupplierProblem.objects.restrict(sc.contact_user).count() == 4  # with the plant's problems


def _province_unit(name: str, code: str, kind: str, sort_order: int) -> Any:
    from qifu.core.testing.factories import UnitFactory, region

    return UnitFactory(name=name, code=code, kind=kind, region=region("510000"), sort_order=sort_order)


@pytest.mark.django_db
def test_routing_follows_the_coordination_role_whatever_sorts_first(sc: Any) -> None:
    from qifu.organisations import services as organisations
    from qifu.organisations.choices import CoordinationRole, UnitKind

    # a health commission and a second task force registered at the province's code, both sorting first
    _province_unit("Sichuan health commission", "sc-wjw", UnitKind.DEPARTMENT, sort_order=0)
    _province_unit("Sichuan epidemic task force", "sc-yq", UnitKind.SERVICE_TASK_FORCE, sort_order=0)
    sc.dept_sc.sort_order = sc.cross_sc.sort_order = 900
    sc.dept_sc.save()
    sc.cross_sc.save()
    organisations.unit_set_coordination_role(actor=sc.admin, unit_id=sc.dept_sc.pk,
                                             role=CoordinationRole.ECONOMIC_DEPARTMENT)
    organisations.unit_set_coordination_role(actor=sc.admin, unit_id=sc.cross_sc.pk,
                                             role=CoordinationRole.CROSS_PROVINCE_OFFICE)
    assert services.provincial_department("510603") == sc.dept_sc
    assert services.cross_province_office("510112") == sc.cross_sc
    prov = services.problem_raise(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_dy.pk, day=DAY)
    far = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    assert (prov.target_unit, prov.problem.responsible_unit) == (sc.dept_sc, sc.dept_sc)
    assert (far.target_unit, far.problem.responsible_unit) == (sc.cross_sc, sc.cross_sc)
    # an office that is deactivated no longer routes: the one task force left is not a guess, it is the only one
    type(sc.cross_sc).objects.filter(pk=sc.cross_sc.pk).update(is_active=False)
    assert services.cross_province_office("510112").code == "sc-yq"


@pytest.mark.django_db
def test_without_a_role_an_ambiguous_province_routes_nowhere_and_writes_nothing(sc: Any) -> None:
    from qifu.core.models import Event
    from qifu.ledger.models import Problem
    from qifu.organisations import services as organisations
    from qifu.organisations.choices import CoordinationRole, UnitKind

    _province_unit("Sichuan health commission", "sc-wjw", UnitKind.DEPARTMENT, sort_order=0)
    _province_unit("Sichuan epidemic task force", "sc-yq", UnitKind.SERVICE_TASK_FORCE, sort_order=0)
    assert services.provincial_department("510603") is None
    assert services.cross_province_office("510112") is None
    before = (Problem.objects.count(), SupplierProblem.objects.count(), Event.objects.count())
    for actor, supplier in ((sc.cc_staff, sc.ent_dy), (sc.commissioner, sc.ent_cq)):
        with pytest.raises(ValidationError) as exc:
            services.problem_raise(actor=actor, plant_id=sc.ent_lqy.pk, supplier_id=supplier.pk, day=DAY)
        assert "尚未设置协调单位" in exc.value.messages[0]  # "no unit is set up to coordinate at this level"
    assert (Problem.objects.count(), SupplierProblem.objects.count(), Event.objects.count()) == before
    # naming the economic department settles the province; with no office role and two task forces the
    # cross-province level stays unrouted rather than guessed
    organisations.unit_set_coordination_role(actor=sc.admin, unit_id=sc.dept_sc.pk,
                                             role=CoordinationRole.ECONOMIC_DEPARTMENT)
    assert services.provincial_department("510603") == sc.dept_sc
    assert services.cross_province_office("510112") is None


@pytest.mark.django_db
def test_a_unit_named_for_the_other_role_is_no_fallback_candidate(sc: Any) -> None:
    from qifu.organisations import services as organisations
    from qifu.organisations.choices import CoordinationRole, UnitKind

    # the cross-province office is a department here: it is not a second candidate for the economic department
    office = _province_unit("Sichuan cross-province department", "sc-ksb", UnitKind.DEPARTMENT, sort_order=0)
    organisations.unit_set_coordination_role(actor=sc.admin, unit_id=office.pk,
                                             role=CoordinationRole.CROSS_PROVINCE_OFFICE)
    assert services.provincial_department("510603") == sc.dept_sc
    assert services.cross_province_office("510112") == office


@pytest.mark.django_db
def test_a_province_without_a_task_force_sends_cross_province_problems_to_its_economic_department(sc: Any) -> None:
    from qifu.organisations import services as organisations
    from qifu.organisations.choices import CoordinationRole, UnitKind

    _province_unit("Sichuan health commission", "sc-wjw", UnitKind.DEPARTMENT, sort_order=0)
    type(sc.cross_sc).objects.filter(pk=sc.cross_sc.pk).update(is_active=False)
    assert services.cross_province_office("510112") is None  # two departments, none named
    organisations.unit_set_coordination_role(actor=sc.admin, unit_id=sc.dept_sc.pk,
                                             role=CoordinationRole.ECONOMIC_DEPARTMENT)
    far = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    assert (far.level, far.target_unit, far.problem.tier) == ("cross_province", sc.dept_sc, Tier.DEPARTMENT)


@pytest.mark.django_db
def test_the_coordinating_units_see_and_work_what_reaches_them(sc: Any) -> None:
    from qifu.core.testing.factories import make_user
    from qifu.ledger import services as ledger
    from qifu.ledger.models import Problem
    from qifu.organisations.choices import Role

    province_staff = make_user(Role.DEPARTMENT, sc.dept_sc, username="sc_jxt", unit=sc.dept_sc)
    office_staff = make_user(Role.TASK_FORCE, sc.cross_sc, username="sc_kszx", unit=sc.cross_sc)
    prov = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_dy.pk, day=DAY)
    far = services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    assert set(Problem.objects.restrict(province_staff).values_list("pk", flat=True)) == {prov.problem_id}
    assert set(Problem.objects.restrict(office_staff).values_list("pk", flat=True)) == {far.problem_id}
    hop = prov.problem.assignments.get()
    ledger.assignment_acknowledge(actor=province_staff, assignment_id=hop.pk)
    # the office hands the cross-province one to the provincial department
    ledger.problem_dispatch(actor=office_staff, problem_id=far.problem_id,
                            targets=[ledger.DispatchTarget(unit_id=sc.dept_sc.pk)])
    assert Problem.objects.get(pk=far.problem_id).responsible_unit == sc.dept_sc


@pytest.mark.django_db
def test_only_those_answering_for_the_plant_send_a_problem_to_a_level(sc: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from qifu.ledger import services as ledger
    from qifu.ledger.models import Problem, ProblemCategory

    category = ProblemCategory.objects.get(code="supply_chain")
    data = ledger.ProblemInput(enterprise_id=sc.ent_lqy.pk, title="t", category_id=category.pk)
    route = ledger.InitialRoute(unit_id=sc.dept_sc.pk, basis="supply_chain", level="province")
    before = Problem.objects.count()
    with pytest.raises(PermissionDenied):  # the enterprise itself reports to its commissioner
        ledger.problem_report_routed(actor=sc.contact_user, data=data, route=route)
    with pytest.raises(ValidationError):  # not a level of that basis
        ledger.problem_report_routed(actor=sc.commissioner, data=data, route=ledger.InitialRoute(
            unit_id=sc.dept_sc.pk, basis="supply_chain", level="galaxy"))
    with pytest.raises(ValidationError):  # a work team takes no problems
        ledger.problem_report_routed(actor=sc.commissioner, data=data, route=ledger.InitialRoute(
            unit_id=sc.work_team.pk, basis="supply_chain", level="province"))
    assert Problem.objects.count() == before


@pytest.mark.django_db
def test_bad_links_change_nothing(sc: Any) -> None:
    before = SupplyLink.objects.count()
    for kw, field in (({"stock": -1}, "stock_days"), ({"stock": 2, "has_alternative": True}, "alternative_lead_days"),
                      ({"stock": 2, "share": 140}, "share"), ({"stock": 2, "part": " "}, "part")):
        stock = kw.pop("stock")
        with pytest.raises(ValidationError) as exc:
            link(sc, sc.ent_lqy, sc.ent_project, stock, **kw)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError):
        link(sc, sc.ent_lqy, sc.ent_lqy, 3)
    assert SupplyLink.objects.count() == before


def _sheet(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["供应商信用代码", "供应商名称", "供应商所在地区代码", "供应商行业代码", "配套零部件", "库存天数",
               "替代货源", "替代货源周期", "采购方信用代码"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "suppliers.xlsx"
    return out


@pytest.mark.django_db
def test_import_is_all_or_nothing_and_adds_external_suppliers(sc: Any) -> None:
    new = credit_code(9001)
    bad = _sheet([[new, "Hubei Gears", "420100", "36", "gears", 5, "否", None, None],
                  [credit_code(9002), "", "999999", "36", "bolts", -2, "是", None, None],
                  ["123", "X", "510112", "36", "", 1, "maybe", None, None]])
    report = imports.links_import(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, file=bad)
    assert not report.ok
    cols = {(e.row, e.column) for e in report.errors}
    assert {(3, "supplier_name"), (3, "supplier_region"), (3, "stock_days"), (3, "alternative_lead_days"),
            (4, "supplier_credit_code"), (4, "part"), (4, "alternative")} <= cols
    assert not SupplyLink.objects.filter(part="gears").exists()
    good = _sheet([[new, "Hubei Gears", "420106", "36", "gears", 5, "否", None, None],
                   [credit_code(9003), "Hubei Steel", "420106", "31", "steel", 2, "是", 1, new],
                   [sc.ent_jj.credit_code, None, None, None, "part", 8, None, None, None]])
    report = imports.links_import(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, file=good)
    assert report.ok, report.to_dict()
    assert (report.created, report.updated) == (2, 1)
    gears = SupplyLink.objects.get(part="gears")
    assert gears.supplier.is_external and gears.supplier.region_id == "420106"
    assert SupplyLink.objects.get(part="steel").buyer == gears.supplier
    with pytest.raises(Exception):  # noqa: B017,PT011 - a contact may not import (403)
        imports.links_import(actor=sc.contact_user, plant_id=sc.ent_lqy.pk, file=good)



@pytest.mark.django_db
def test_a_buyer_listed_further_down_and_an_error_in_the_last_row(sc: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "CHECK_BATCH", 1)  # every row its own batch: the buyer is checked at the end
    tier1, tier2 = credit_code(9101), credit_code(9102)
    rows = [[tier2, "Hubei Steel", "420106", "31", "steel", 2, "否", None, tier1],
            [tier1, "Hubei Gears", "420106", "36", "gears", 5, "否", None, None],
            [credit_code(9103), "Hubei Bolts", "420106", "36", "bolts", 3, "否", None, credit_code(9104)]]
    report = imports.links_import(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, file=_sheet(rows))
    assert [(e.row, e.column) for e in report.errors] == [(4, "buyer_credit_code")]  # 9104 is nowhere
    assert not SupplyLink.objects.filter(part__in=("steel", "gears", "bolts")).exists()
    report = imports.links_import(actor=sc.cc_staff, plant_id=sc.ent_lqy.pk, file=_sheet(rows[:2]))
    assert report.ok and report.created == report.rows == 2, report.to_dict()
    assert SupplyLink.objects.get(part="steel").buyer.credit_code == tier1


@pytest.mark.django_db
def test_commissioner_enters_the_status_of_an_external_supplier(sc: Any) -> None:
    resumption.report_file(actor=sc.commissioner, channel=Channel.WEB, data=resumption.ReportInput(
        enterprise_id=sc.ent_cq.pk, date=DAY, status="resumed", employees_expected=10, employees_on_duty=9,
        capacity=80))
    assert selectors.latest_statuses([sc.ent_cq.pk], DAY)[sc.ent_cq.pk][0] == "resumed"


@pytest.mark.django_db
def test_api_analysis_raise_and_region(client: Any, sc: Any) -> None:
    client.force_login(sc.commissioner)
    body = client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis?date=2020-02-20").json()
    assert body["days_to_stop"] == 4 and len(body["method"]) == 5
    dy = next(s for s in body["suppliers"] if s["name"] == "Deyang Castings")
    assert dy["tts_days"] is None and dy["level"] == "province" and dy["status"] == "no_report"
    r = client.post(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/problems",
                    {"supplier_id": sc.ent_lqy2.pk, "date": "2020-02-20"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["level"] == "district"
    r = client.post("/api/v1/supplychain/links", {"buyer_id": sc.ent_lqy.pk, "supplier_id": sc.ent_project.pk,
                                                  "part": "x", "stock_days": 2, "has_alternative": True},
                    content_type="application/json")
    assert r.status_code == 400 and "alternative_lead_days" in r.json()["errors"]
    assert client.get("/api/v1/supplychain/region?date=2020-02-20").status_code == 200
    client.force_login(sc.contact_user)
    assert client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis").status_code == 403
    client.force_login(sc.cc_other)
    assert client.get(f"/api/v1/supplychain/plants/{sc.ent_lqy.pk}/analysis").status_code == 404


@pytest.mark.django_db
def test_plant_page_shows_the_method_and_the_table(client: Any, sc: Any) -> None:
    client.force_login(sc.commissioner)
    html = client.get(f"/supplychain/plants/{sc.ent_lqy.pk}/?date=2020-02-20").content.decode()
    assert 'id="days-to-stop"' in html and "chain-graph" in html and 'id="method"' in html
    assert html.count("data-supplier=") == 4


@pytest.mark.django_db
def test_region_view_ranks_single_suppliers_by_plants_or_by_output(sc: Any) -> None:
    from decimal import Decimal

    from qifu.core.testing.factories import EnterpriseFactory, region

    sc.ent_project.annual_output = Decimal(500)
    sc.ent_project.save()
    big = EnterpriseFactory(name="Big Plant", region=region("510112"), annual_output=Decimal(1000))
    lone = EnterpriseFactory(name="Lone Supplier", region=region("510112"))  # never reported: not resumed
    link(sc, sc.ent_project, sc.ent_cq, 3)
    link(sc, big, lone, 2)
    by_plants = selectors.region_overview(user=sc.leader, day=DAY, within_days=5)
    assert [(r["plant"].name, r["days_to_stop"], r["bottleneck"].name) for r in by_plants["plants"]] == [
        ("Big Plant", 2, "Lone Supplier"), ("Project owner", 3, "CQ Supplier"), ("LQY Motor", 4, "LQY Parts")]
    rows = [(b["supplier"].name, b["plants"], b["output"], b["unknown_output"]) for b in by_plants["blockers"]]
    # CQ Supplier alone stops two plants (one of unknown output); Deyang Castings is covered by its alternative
    assert rows == [("CQ Supplier", 2, 500, 1), ("Lone Supplier", 1, 1000, 0), ("LQY Parts", 1, 0, 1),
                    ("JJ Steel", 1, 0, 1)]  # the last two tie on plants, output and employees: soonest first
    cq = by_plants["blockers"][0]
    assert cq["soonest"] == 3 and cq["without_problem"] == 2 and by_plants["unknown_output_plants"] == 1
    by_output = selectors.region_overview(user=sc.leader, day=DAY, within_days=5, rank="output")
    assert [b["supplier"].name for b in by_output["blockers"]][:2] == ["Lone Supplier", "CQ Supplier"]
    services.problem_raise(actor=sc.commissioner, plant_id=sc.ent_lqy.pk, supplier_id=sc.ent_cq.pk, day=DAY)
    after = selectors.region_overview(user=sc.leader, day=DAY)
    assert next(b for b in after["unraised"] if b["supplier"] == sc.ent_cq)["without_problem"] == 1
    # a district's command center sees its own plants only, computed over the links it may see
    scoped = selectors.region_overview(user=sc.cc_other, day=DAY)
    assert scoped["plants"] == []
