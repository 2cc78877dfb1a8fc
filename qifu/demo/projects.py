"""The demo's key project: the Gulei refining-chemical project (古雷炼化一体化项目, investment over 34.5 billion
yuan) with its milestones, its five-person work team, the equipment ledger exactly as the seed counts it
(963 domestic and 778 imported sets; 721 at risk of delay and 4 at major risk in the team's judgement),
arrivals moving through Feb–Apr 2020, the team's notes on the supplier countries, supplier replacements
(该运的运，该换的换), the scrubbing tower's night transport from berth 11 as a ledger problem, a customs
request still open, and a few hundred vehicle passes decided by 漳州市交通运输局.

Deterministic (seeded generators) and idempotent: when the project exists, nothing is written. Rows go in
with bulk statements, like the rest of the demo (a fixture loader, not user actions). The suggested risk is
computed by the same function as the services, as of the demo's evening of 2020-04-30.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from qifu.enterprises.models import Enterprise
from qifu.ledger.choices import Channel, CloseReason, Priority, Rating, ResolutionType, Status, Tier
from qifu.ledger.models import Problem, ProblemCategory, ProblemEvent
from qifu.ledger.services import handling_days, next_number
from qifu.projects import risk as risk_rules
from qifu.projects.choices import (
    EquipmentStatus,
    LogisticsKind,
    Origin,
    PassPurpose,
    PassStatus,
    Risk,
    Stage,
    TransportMode,
    VehicleType,
)
from qifu.projects.models import (
    CountryNote,
    EquipmentItem,
    KeyProject,
    LogisticsRequest,
    Milestone,
    VehiclePass,
)

from . import names
from . import scenario as sc

PROJECT_CODE = "gulei"
DEMO_TODAY = date(2020, 4, 30)
DOMESTIC, IMPORTED = 963, 778  # 园区订购国内设备963套，国外设备778套
DELAY, MAJOR = 721, 4  # 存在延期风险的721套，存在重大风险的4套
DELAY_IMPORTED = 452  # of the 721: the imported sets weigh more as the epidemic spreads abroad
ARRIVED_DOMESTIC, ARRIVED_IMPORTED = 486, 142
REPLACED = 12
PASSES = 360

MILESTONES = (
    ("关键设备吊装", date(2020, 5, 31)),
    ("机械竣工（中交）", date(2020, 8, 31)),
    ("投料试车", date(2020, 11, 30)),
)

# (equipment name, specification pattern, transport mode of the big ones)
EQUIPMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("离心泵", "{a}-{b}×{c}"), ("屏蔽泵", "HPB{a}-{b}"), ("往复式压缩机", "{a}D{b}-{c}"), ("离心压缩机", "MCL{a}{b}"),
    ("管壳式换热器", "BEM{a}-{b}-{c}"), ("板式换热器", "BR{a}-{b}"), ("空冷器", "GP{a}×{b}-{c}"),
    ("反应器", "Φ{a}00×{b}000"), ("精馏塔", "Φ{a}00×{b}000"), ("储罐", "{a}000m³"), ("加热炉", "{a}MW"),
    ("调节阀", "DN{a}0 PN{b}"), ("安全阀", "DN{a}0"), ("电动机", "YKK{a}0-{b} {c}00kW"), ("变压器", "SZ11-{a}000/110"),
    ("过滤器", "LY-{a}{b}"), ("蒸汽透平", "NG{a}/{b}"), ("干燥机", "GZ-{a}"), ("搅拌器", "JB-{a}{b}"),
    ("分析仪表", "AI-{a}{b}"), ("挤压造粒机组", "ZSK{a}{b}"), ("裂解炉辐射段炉管", "HP40Nb Φ{a}×{b}"),
)
IMPORT_ONLY = {"挤压造粒机组", "裂解炉辐射段炉管", "分析仪表", "蒸汽透平"}
BIG = {"反应器", "精馏塔", "离心压缩机", "加热炉", "储罐"}

DOMESTIC_SUPPLIERS: tuple[tuple[str, str], ...] = (
    ("中国第一重型机械股份有限公司", "230200"), ("沈阳鼓风机集团股份有限公司", "210100"),
    ("兰州兰石重型装备股份有限公司", "620100"), ("杭州杭氧股份有限公司", "330100"),
    ("大连华锐重工集团股份有限公司", "210200"), ("上海电气集团股份有限公司", "310100"),
    ("合肥通用机械研究院有限公司", "340100"), ("苏州海陆重工股份有限公司", "320500"),
    ("青岛兰石重型机械设备有限公司", "370200"), ("郑州煤矿机械集团股份有限公司", "410100"),
    ("天津大无缝钢管有限公司", "120100"), ("大连深蓝泵业有限公司", "210200"), ("浙江中控技术股份有限公司", "330100"),
    ("重庆通用工业（集团）有限责任公司", "500100"), ("漳州古雷石化设备制造有限公司", "350600"),
    ("无锡化工装备股份有限公司", "320200"), ("宁波天生密封件有限公司", "330200"), ("泉州恒兴阀门有限公司", "350500"),
)
IMPORT_SUPPLIERS: tuple[tuple[str, str], ...] = (
    ("Siemens Energy", "DE"), ("MAN Energy Solutions", "DE"), ("Coperion GmbH", "DE"), ("Linde Engineering", "DE"),
    ("Nuovo Pignone (Baker Hughes)", "IT"), ("Franco Tosi Meccanica", "IT"), ("ATB Riva Calzoni", "IT"),
    ("The Japan Steel Works", "JP"), ("Kobe Steel", "JP"), ("Mitsubishi Heavy Industries", "JP"),
    ("Emerson Automation Solutions", "US"), ("Honeywell UOP", "US"), ("Elliott Group", "US"), ("Flowserve", "US"),
    ("Sulzer", "CH"), ("Burckhardt Compression", "CH"), ("Doosan Heavy Industries", "KR"), ("Air Liquide", "FR"),
    ("Alfa Laval", "SE"), ("Schmidt + Clemens", "DE"), ("Yokogawa Electric", "JP"), ("Bronswerk Heat Transfer", "NL"),
)
COUNTRY_NOTES = {
    "IT": "3月10日起全国封锁，北部工厂大面积停工；已通过中石化米兰办事处驻厂摸底，逐台核实生产准备情况。",
    "DE": "3月下旬起限制出行，工厂维持生产但物流放缓；汉堡港船期延误约2周，已联系闽商同乡会协助跟踪。",
    "US": "3月中旬起疫情快速蔓延，部分工厂减员；空运舱位紧张，已改海运并预留舱位。",
    "JP": "生产基本正常，神户、横滨港船期稳定；外籍技术人员来华需隔离14天，已安排远程指导。",
    "KR": "疫情高峰已过，工厂恢复生产；釜山港船期正常。",
    "CH": "3月16日起进入非常状态，工厂维持生产；经德国陆运转港，运输周期延长。",
    "FR": "3月17日起全国封锁，工厂部分停工；已请供应商提供替代交货计划。",
    "SE": "未封锁，生产正常；北欧航线船期稳定。",
    "NL": "部分封锁，鹿特丹港运行正常。",
}
DIFFICULTIES_IMPORTED = (
    "制造厂所在地疫情严重，工厂停工，交货期无法确认", "国际航班停运，外籍技术人员无法来华指导安装",
    "海运舱位紧张，船期推迟", "关键部件分包商停产，整机装配推迟", "出口国物流受限，内陆运输至港口困难",
)
MEASURES_IMPORTED = (
    "通过中石化海外办事处驻厂跟踪，每周核实生产进度", "协调闽商海外同乡会到厂面对面了解情况",
    "该换的换：启动国内替代供应商比选", "预订海运舱位，到港后开通清关绿色通道", "安排远程视频指导，国内技术人员先行准备",
)
DIFFICULTIES_DOMESTIC = (
    "制造厂复工率不足，工人未全部返岗", "原材料（特种钢板）供应延迟", "跨省运输车辆通行受限",
    "超限设备陆运需沿线协调", "配套件供应商位于湖北，尚未复工",
)
MEASURES_DOMESTIC = (
    "为运输车辆办理通行证，纳入绿色通道", "协调制造厂所在地政府帮助复工复产", "派员驻厂催交，每日报送进度",
    "协调交通部门沿线护送，夜间通行", "更换配套件供应商，调整生产计划",
)
ROUTES_DOMESTIC = ("经沈海高速陆运至古雷", "海运至古雷港，陆运至现场", "铁路运至漳州，公路转运至古雷", "公路直达项目现场")
ROUTES_IMPORTED = ("海运至厦门港，清关后陆运至古雷", "海运至古雷港直靠", "空运至厦门高崎机场，陆运至现场",
                   "海运至上海港，转沿海内贸船至古雷港")
PASS_ROUTES_COMMUTE = (
    "古雷镇—古雷石化产业园区（点对点，不在其他地方停留）", "杜浔镇—古雷石化产业园区（点对点）",
    "沙西镇—古雷石化产业园区（点对点）", "霞美镇—古雷石化产业园区（点对点）", "漳浦县城—古雷石化产业园区（点对点）",
)
PASS_ROUTES_FREIGHT = (
    "厦门港海沧港区—沈海高速—古雷港经济开发区", "漳州招商局经济技术开发区—古雷石化产业园区",
    "古雷港区11号泊位—古雷炼化一体化项目现场", "泉州石化园区—沈海高速—古雷石化产业园区",
    "漳州市区—国道324—古雷石化产业园区",
)
REFUSALS = ("线路与申报用途不符，请按点对点线路重新申报", "车辆信息不全，请补充行驶证", "驾驶员健康码未通过核验")


def _at(m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def load_projects(ctx: sc.Context) -> None:
    if KeyProject.objects.filter(code=PROJECT_CODE).exists():
        return
    owner = Enterprise.objects.filter(name=sc.GULEI_OWNER["name"]).first()
    if owner is None:
        return
    rng = sc.rng_for("projects")
    team, transport = ctx.units["gulei-team"], ctx.units["zz-jtj"]
    project = KeyProject.objects.create(
        code=PROJECT_CODE, name=sc.GULEI_PROJECT, owner=owner, region_id=sc.GULEI_REGION,
        investment=Decimal("34500000000.00"), stage=Stage.CONSTRUCTION, work_team=team, transport_unit=transport,
        description="福建省石化产业龙头项目，总投资超过345亿元；五人工作队驻场，负责人员返岗、设备进场、物料运输。")
    milestones = [Milestone.objects.create(project=project, name=n, planned_date=d, sort_order=i)
                  for i, (n, d) in enumerate(MILESTONES)]
    ctx.created["key_projects"] += 1
    items = _equipment(rng, project, milestones, team.pk, ctx.users)
    EquipmentItem.objects.bulk_create(items, batch_size=1000)
    ctx.created["equipment_items"] += len(items)
    now = _at(4, 30, 18)
    CountryNote.objects.bulk_create([CountryNote(project=project, country=c, situation=t, updated_at=now,
                                                 updated_by_id=ctx.users["gulei_sw"]) for c, t in COUNTRY_NOTES.items()])
    _logistics(ctx, project, owner)
    passes = _passes(rng, ctx, project)
    VehiclePass.objects.bulk_create(passes, batch_size=1000)
    ctx.created["vehicle_passes"] += len(passes)


def _equipment(rng: random.Random, project: KeyProject, milestones: list[Milestone], team_id: int,
               users: dict[str, int]) -> list[EquipmentItem]:
    # Every item gets its origin and the team's risk first, so the seed's counts hold exactly.
    slots: list[tuple[str, str]] = []
    imported_risks = [Risk.MAJOR] * MAJOR + [Risk.DELAY] * DELAY_IMPORTED
    imported_risks += [Risk.NORMAL] * (IMPORTED - len(imported_risks))
    domestic_risks = [Risk.DELAY] * (DELAY - DELAY_IMPORTED) + [Risk.NORMAL] * (DOMESTIC - (DELAY - DELAY_IMPORTED))
    rng.shuffle(imported_risks)
    rng.shuffle(domestic_risks)
    slots = [(Origin.DOMESTIC, r) for r in domestic_risks] + [(Origin.IMPORTED, r) for r in imported_risks]
    rng.shuffle(slots)
    arrived_left = {Origin.DOMESTIC: ARRIVED_DOMESTIC, Origin.IMPORTED: ARRIVED_IMPORTED}
    team_users = [users[u] for u in sc.GULEI_WORK_TEAM]
    kinds_domestic = [k for k in EQUIPMENT_KINDS if k[0] not in IMPORT_ONLY]
    items: list[EquipmentItem] = []
    replaced = 0
    by_prefix: dict[str, int] = {}
    for origin, team_risk in slots:
        name, spec = rng.choice(EQUIPMENT_KINDS if origin == Origin.IMPORTED else kinds_domestic)
        prefix = {"泵": "P", "机": "K", "器": "E", "塔": "T", "罐": "TK", "炉": "F", "阀": "V", "表": "AI"}.get(
            name[-1], "M")
        by_prefix[prefix] = by_prefix.get(prefix, 0) + 1
        number = f"{prefix}-{1000 + by_prefix[prefix]}"
        specification = spec.format(a=rng.randint(2, 9), b=rng.randint(10, 99), c=rng.randint(1, 9))
        if origin == Origin.DOMESTIC:
            supplier, region = rng.choice(DOMESTIC_SUPPLIERS)
            country = ""
        else:
            supplier, country = rng.choice(IMPORT_SUPPLIERS)
            region = None
        milestone = milestones[0] if name in BIG or rng.random() < 0.3 else rng.choice(milestones[1:])
        contract = _day(rng, date(2020, 2, 10), milestone.planned_date - timedelta(days=20))
        status, actual = EquipmentStatus.ORDERED, None
        planned = contract
        if team_risk == Risk.NORMAL and arrived_left[origin] > 0:
            arrived_left[origin] -= 1
            actual = _day(rng, date(2020, 2, 12), date(2020, 4, 29))
            planned = min(contract, actual) if rng.random() < 0.7 else actual
            status = EquipmentStatus.INSTALLED if actual < date(2020, 4, 1) and rng.random() < 0.6 else \
                EquipmentStatus.ON_SITE
        elif team_risk == Risk.NORMAL:
            planned = _day(rng, date(2020, 5, 1), milestone.planned_date - timedelta(days=15))
            status = rng.choice((EquipmentStatus.IN_PRODUCTION, EquipmentStatus.READY_TO_SHIP,
                                 EquipmentStatus.IN_TRANSIT, EquipmentStatus.AT_PORT))
        elif team_risk == Risk.MAJOR:
            planned = milestone.planned_date + timedelta(days=rng.randint(35, 90))
            status = EquipmentStatus.IN_PRODUCTION
        else:
            # delayed against the contract; about four in ten now arrive after the milestone they gate
            late = rng.random() < 0.4
            planned = milestone.planned_date + timedelta(days=rng.randint(1, 29)) if late else \
                _day(rng, date(2020, 5, 1), milestone.planned_date - timedelta(days=1))
            contract = min(contract, planned - timedelta(days=rng.randint(10, 40)))
            status = rng.choice((EquipmentStatus.ORDERED, EquipmentStatus.IN_PRODUCTION, EquipmentStatus.IN_PRODUCTION,
                                 EquipmentStatus.READY_TO_SHIP, EquipmentStatus.IN_TRANSIT))
        at_risk = team_risk != Risk.NORMAL
        imported = origin == Origin.IMPORTED
        item = EquipmentItem(
            project=project, number=number, name=name, specification=specification,
            quantity=rng.choice((1, 1, 1, 1, 2, 2, 3, 4)), supplier=supplier, origin=origin, region_id=region,
            country=country,
            contract_value=Decimal(rng.randint(5, 4000) * 10_000 + rng.randint(0, 99) * 100),
            contract_delivery=contract, planned_arrival=planned, actual_arrival=actual,
            transport_mode=TransportMode.SEA if imported and rng.random() < 0.8 else
            (TransportMode.AIR if imported else rng.choice((TransportMode.ROAD, TransportMode.ROAD, TransportMode.RAIL,
                                                             TransportMode.SEA))),
            route=rng.choice(ROUTES_IMPORTED if imported else ROUTES_DOMESTIC), status=status,
            foreign_technicians=imported and rng.random() < 0.35, outside_technicians=rng.random() < 0.4,
            risk=team_risk,
            risk_reason=(rng.choice(DIFFICULTIES_IMPORTED if imported else DIFFICULTIES_DOMESTIC) if at_risk else ""),
            difficulty=(rng.choice(DIFFICULTIES_IMPORTED if imported else DIFFICULTIES_DOMESTIC) if at_risk else ""),
            measures=(rng.choice(MEASURES_IMPORTED if imported else MEASURES_DOMESTIC) if at_risk else ""),
            milestone=milestone, responsible_unit_id=project.work_team_id,
            updated_at=datetime.combine(actual or _day(rng, date(2020, 4, 1), DEMO_TODAY),
                                        datetime.min.time(), tzinfo=sc.SHANGHAI) + timedelta(hours=rng.randint(8, 21)),
            updated_by_id=rng.choice(team_users),
        )
        if imported and at_risk and team_risk == Risk.DELAY and replaced < REPLACED and status == EquipmentStatus.ORDERED:
            # 该换的换: an imported order given to a domestic maker
            replaced += 1
            item.previous_supplier, item.supplier = supplier, rng.choice(DOMESTIC_SUPPLIERS)[0]
            item.supplier_replaced_at = _at(4, rng.randint(2, 28), rng.randint(9, 18))
        item.suggested_risk = risk_rules.suggest(
            status=item.status, origin=item.origin, planned=item.planned_arrival, contract=item.contract_delivery,
            actual=item.actual_arrival, milestone=milestone.planned_date, today=DEMO_TODAY)
        items.append(item)
    # the seed's scrubbing tower: the first 1,000-tonne item to reach the port after the restart
    tower = next(i for i in items if i.origin == Origin.DOMESTIC and i.risk == Risk.NORMAL and i.actual_arrival)
    tower.name, tower.specification, tower.quantity = "洗涤塔", "Φ5600×62000，约1000吨（分上、下两段）", 1
    tower.supplier, tower.region_id = "中国第一重型机械股份有限公司", "230200"
    tower.transport_mode, tower.route = TransportMode.SEA, "大连港—古雷港11号码头—自行式液压平板车滚装上岸转运至现场"
    tower.contract_delivery, tower.planned_arrival, tower.actual_arrival = date(2020, 3, 10), date(2020, 3, 16), \
        date(2020, 3, 18)
    tower.status, tower.outside_technicians, tower.milestone = EquipmentStatus.INSTALLED, True, milestones[0]
    tower.difficulty = "塔体超大，需陆上转运沿线协助"
    tower.measures = "3月17日、18日用大型自行式液压平板车分上、下段滚装上岸，5个多小时运抵现场"
    tower.updated_at = _at(3, 18, 15)
    return items


def _logistics(ctx: sc.Context, project: KeyProject, owner: Enterprise) -> None:
    """The scrubbing tower's night request (solved on site by the team, closed) and a customs request (open)."""
    category = ProblemCategory.objects.filter(code="logistics").first()
    if category is None:
        return
    team_leader, contact = ctx.users["gulei_team"], None
    from qifu.enterprises.models import EnterpriseContact

    contact = EnterpriseContact.objects.filter(enterprise=owner, user__isnull=False).values_list(
        "user_id", flat=True).first()
    tower = EquipmentItem.objects.get(project=project, name="洗涤塔")
    reported, resolved = _at(3, 17, 1, 10), _at(3, 18, 14, 30)
    p = Problem.objects.create(
        number=next_number(owner, reported), enterprise=owner, region_code=owner.region_id, reported_by_id=team_leader,
        channel=Channel.COMMISSIONER, title="洗涤塔抵达古雷港11号码头，塔体超大，请求陆上转运沿线协助",
        description="3月17日凌晨1点多，洗涤塔（约1000吨，分上、下两段）抵达古雷港11号码头，需大型自行式液压平板车"
                    "滚装上岸，并协调港区至项目现场沿线道路、电力线路和交通管制。\n设备：" + f"{tower.number} 洗涤塔",
        category=category, priority=Priority.HIGH, status=Status.CLOSED, tier=Tier.COMMISSIONER,
        responsible_unit_id=project.work_team_id, owner_id=team_leader, first_receiver_id=team_leader,
        reported_at=reported, deadline=reported + timedelta(days=1), resolved_at=resolved,
        handling_days=handling_days(reported, resolved), resolved_tier=Tier.COMMISSIONER,
        resolved_unit_id=project.work_team_id, resolution_type=ResolutionType.SOLVED,
        resolution="工作队连夜协调港区、交警和供电部门，3月17日、18日洗涤塔上、下段分别滚装上岸，5个多小时后平稳运抵项目现场。",
        rating=Rating.SATISFIED, rating_comment="工作队半夜赶到码头，感谢！", confirmed_at=_at(3, 18, 18),
        checked_at=_at(3, 18, 17), closed_at=_at(3, 18, 18), close_reason=CloseReason.CONFIRMED)
    ProblemEvent.objects.bulk_create([
        ProblemEvent(problem=p, code="reported", actor_id=team_leader, to_status=Status.REPORTED,
                     to_tier=Tier.COMMISSIONER, created_at=reported, data={"channel": Channel.COMMISSIONER}),
        ProblemEvent(problem=p, code="accepted", actor_id=team_leader, from_status=Status.REPORTED,
                     to_status=Status.ACCEPTED, from_tier=Tier.COMMISSIONER, to_tier=Tier.COMMISSIONER,
                     created_at=reported),
        ProblemEvent(problem=p, code="resolved", actor_id=team_leader, from_status=Status.ACCEPTED,
                     to_status=Status.RESOLVED, from_tier=Tier.COMMISSIONER, to_tier=Tier.COMMISSIONER,
                     created_at=resolved, data={"resolution_type": ResolutionType.SOLVED}),
        ProblemEvent(problem=p, code="checked", actor_id=team_leader, created_at=_at(3, 18, 17),
                     reason="洗涤塔已就位，开始安装。"),
        ProblemEvent(problem=p, code="confirmed", actor_id=contact, created_at=_at(3, 18, 18),
                     data={"rating": Rating.SATISFIED}),
        ProblemEvent(problem=p, code="closed", actor_id=contact, from_status=Status.RESOLVED, to_status=Status.CLOSED,
                     from_tier=Tier.COMMISSIONER, to_tier=Tier.COMMISSIONER, created_at=_at(3, 18, 18),
                     data={"close_reason": CloseReason.CONFIRMED}),
    ])
    request = LogisticsRequest.objects.create(project=project, kind=LogisticsKind.OVERSIZE, problem=p,
                                              location="古雷港11号码头", needed_at=reported, requested_by_id=team_leader)
    request.items.set([tower])
    # still open: customs for imported sets waiting at Xiamen
    waiting = list(EquipmentItem.objects.filter(project=project, origin=Origin.IMPORTED, risk=Risk.DELAY,
                                                status=EquipmentStatus.IN_TRANSIT).order_by("number")[:6])
    reported = _at(4, 27, 16, 20)
    q = Problem.objects.create(
        number=next_number(owner, reported), enterprise=owner, region_code=owner.region_id, reported_by_id=team_leader,
        channel=Channel.COMMISSIONER, title="进口设备到港清关开通绿色通道",
        description="6台进口设备5月上旬抵达厦门港，请求海关开通绿色通道、提前申报、到港即验即放。\n设备："
                    + "、".join(f"{i.number} {i.name}" for i in waiting),
        category=category, priority=Priority.HIGH, status=Status.ACCEPTED, tier=Tier.COMMISSIONER,
        responsible_unit_id=project.work_team_id, owner_id=team_leader, first_receiver_id=team_leader,
        reported_at=reported, deadline=reported + timedelta(days=5))
    ProblemEvent.objects.bulk_create([
        ProblemEvent(problem=q, code="reported", actor_id=team_leader, to_status=Status.REPORTED,
                     to_tier=Tier.COMMISSIONER, created_at=reported, data={"channel": Channel.COMMISSIONER}),
        ProblemEvent(problem=q, code="accepted", actor_id=team_leader, from_status=Status.REPORTED,
                     to_status=Status.ACCEPTED, from_tier=Tier.COMMISSIONER, to_tier=Tier.COMMISSIONER,
                     created_at=reported),
    ])
    customs = LogisticsRequest.objects.create(project=project, kind=LogisticsKind.CUSTOMS, problem=q,
                                              location="厦门港海沧港区", needed_at=_at(5, 6, 9),
                                              requested_by_id=team_leader)
    customs.items.set(waiting)
    ctx.created["logistics_requests"] += 2


def _passes(rng: random.Random, ctx: sc.Context, project: KeyProject) -> list[VehiclePass]:
    gulei = list(Enterprise.objects.filter(name__in=[e["name"] for e in sc.GULEI_ENTERPRISES]).values_list(
        "pk", flat=True))
    from qifu.enterprises.models import EnterpriseContact

    appliers = dict(EnterpriseContact.objects.filter(enterprise_id__in=gulei, user__isnull=False).values_list(
        "enterprise_id", "user_id"))
    decider = ctx.users["zz_transport"]
    out: list[VehiclePass] = []
    plates: set[str] = set()
    for n in range(PASSES):
        enterprise = gulei[0] if rng.random() < 0.7 else rng.choice(gulei)
        commuting = rng.random() < 0.45
        while True:
            plate = "闽E" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))
            if plate not in plates:
                plates.add(plate)
                break
        applied = _at(2, 1, 9) + timedelta(minutes=rng.randint(0, 80 * 24 * 60))
        valid_from = applied.date() + timedelta(days=1)
        valid_until = min(valid_from + timedelta(days=rng.choice((14, 30, 30, 60))), date(2020, 5, 31))
        roll = rng.random()
        status = PassStatus.PENDING if applied > _at(4, 28, 12) else PassStatus.REFUSED if roll < 0.04 else \
            PassStatus.REVOKED if roll < 0.07 else PassStatus.APPROVED
        decided = applied + timedelta(minutes=rng.randint(20, 300)) if status != PassStatus.PENDING else None
        out.append(VehiclePass(
            number=f"TX{applied:%Y%m%d}{n + 1:06d}", project=project, enterprise_id=enterprise,
            authority_id=project.transport_unit_id, plate=plate,
            vehicle_type=VehicleType.BUS if commuting and rng.random() < 0.8 else
            (VehicleType.VAN if commuting else rng.choice((VehicleType.TRUCK, VehicleType.TRUCK, VehicleType.HEAVY))),
            driver_name=names.person_name(rng), driver_phone=names.mobile(rng),
            route=rng.choice(PASS_ROUTES_COMMUTE if commuting else PASS_ROUTES_FREIGHT),
            purpose=PassPurpose.COMMUTING if commuting else PassPurpose.FREIGHT, valid_from=valid_from,
            valid_until=valid_until, status=status,
            reason=rng.choice(REFUSALS) if status == PassStatus.REFUSED else
            ("车辆已停用，收回通行证" if status == PassStatus.REVOKED else ""),
            applied_by_id=appliers.get(enterprise) or ctx.users["gulei_team"], applied_at=applied,
            decided_by_id=decider if decided else None, decided_at=decided,
            revoked_at=decided + timedelta(days=5) if status == PassStatus.REVOKED and decided else None,
        ))
    return out


def summary() -> dict[str, Any]:
    """The figures the seed quotes, as the demo holds them (for tests and the README)."""
    items = EquipmentItem.objects.filter(project__code=PROJECT_CODE)
    return {"domestic": items.filter(origin=Origin.DOMESTIC).count(),
            "imported": items.filter(origin=Origin.IMPORTED).count(),
            "delay": items.filter(risk=Risk.DELAY).count(), "major": items.filter(risk=Risk.MAJOR).count()}
