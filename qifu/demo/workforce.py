"""The demo's workforce return, as the seed tells it (deterministic, idempotent; a few hundred rows).

- 古雷炼化一体化项目: 7,000 workers before the Spring Festival, 72% from outside Fujian, over 550 in Hubei; from
  9 Feb chartered point-to-point buses fetched them from Sichuan, Yunnan, Jiangsu…; over 10,000 on site by 28 Mar
  (contractors' new hires included, so the return rate passes 100%). 120 Hubei workers are still at their origin,
  ready for a plan. The workforce hangs on the Gulei key project (projects.KeyProject, loaded before this part):
  the owner and its two contractors make up its roster. The towns' refusal to lodge out-of-province workers is a
  ledger problem raised through the workforce and ledger services on 10 Feb (accepted by the work team, escalated
  to the command center, resolved on 12 Feb with "点对点、不拒收" and daily shuttles, confirmed and closed), and the
  rule agreed is recorded on the key project with its shuttles, linked to that problem. Those service calls run
  on the demo's clock (``timezone.now`` set to the day in 2020), so the ledger shows them when they happened.
- 四川一汽丰田: the 66 interns stuck in Luzhou (a named list, phones and ID numbers masked for officials), fetched on
  8 Feb by the two direct coaches (66 seats, 33 each) the transport department approved, as in the ledger's case.
- 天津矢崎 Chengdu branch (an FAW Toyota supplier): a new hire with a fever, hospital, CT, two nucleic-acid tests and
  the expert review, closed negative.
The transport bureau and the health commission act for Chengdu; the Gulei management committee for Gulei.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from qifu.core.workdays import SHANGHAI
from qifu.enterprises.models import Enterprise
from qifu.organisations.models import Region, User
from qifu.projects.models import KeyProject
from qifu.workforce import services
from qifu.workforce.models import (
    Authority,
    BusPlan,
    HealthEvent,
    HealthStep,
    OriginGroup,
    ProjectMember,
    ReturnTally,
    Trip,
    Worker,
)
from qifu.workforce.planning import Origin, plan_buses

from . import names
from . import scenario as sc

GULEI_BEFORE = 7000
GULEI_ON_SITE_28_MAR = 10150
FIRST, BUSES_FROM, LAST = date(2020, 2, 1), date(2020, 2, 9), date(2020, 3, 28)
# Pre-holiday workers by origin province: 28% Fujian, 72% elsewhere, 560 in Hubei.
GULEI_ORIGINS = {"350000": 1960, "420000": 560, "510000": 1050, "530000": 720, "320000": 560, "360000": 520,
                 "430000": 470, "440000": 380, "410000": 330, "340000": 250, "520000": 200}
HUBEI_STILL_AWAY = 120
LUZHOU = "510502"  # 江阳区
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _id_number(county: str, born: date, seq: int) -> str:
    body = f"{county}{born:%Y%m%d}{seq % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _counties(province: str, n: int) -> list[Region]:
    return list(Region.objects.filter(level=3, code__startswith=province[:2], longitude__isnull=False)
                .order_by("code")[:n])


def _tallies(enterprise: Enterprise, baseline: dict[str, int], arrivals: dict[date, dict[str, int]]) -> None:
    rows = [ReturnTally(enterprise_id=e, district_id=enterprise.region_id, province_id=p, date=None, count=n)
            for p, n in baseline.items() for e in (enterprise.pk, None)]
    rows += [ReturnTally(enterprise_id=e, district_id=enterprise.region_id, province_id=p, date=d, count=n)
             for d, by in arrivals.items() for p, n in by.items() if n for e in (enterprise.pk, None)]
    ReturnTally.objects.bulk_create(rows, batch_size=sc.BATCH)


def _user(username: str) -> User:
    return User.objects.get(username=username)


@contextmanager
def _clock(at: datetime) -> Iterator[None]:
    """Run services as if it were ``at`` (the demo replays 2020 through the real services)."""
    with mock.patch.object(timezone, "now", return_value=at):
        yield


def _lodging_refusal(project: KeyProject, owner: Enterprise) -> None:
    """The towns near Gulei refuse to house out-of-province workers: a ledger problem raised, escalated and
    resolved through the services, and the rule agreed recorded on the key project with its shuttles."""
    from qifu.enterprises.models import EnterpriseContact
    from qifu.ledger import services as ledger

    team, cc = _user("gulei_team"), _user("gulei_cc")
    contact = EnterpriseContact.objects.filter(enterprise=owner, user__isnull=False).select_related("user").first()
    with _clock(_at(date(2020, 2, 10), 9, 30)):
        problem = services.ledger_problem_raise(
            actor=team, enterprise_id=owner.pk, kind="lodging", title="周边乡镇拒绝外省返岗人员入住",
            description="杜浔、霞美等周边乡镇以防疫为由拒绝外省返岗人员入住出租屋和宾馆，首批四川、云南包车"
                        "人员抵达后无处住宿。", workers=5040)
    with _clock(_at(date(2020, 2, 10), 11, 0)):
        ledger.problem_escalate(actor=team, problem_id=problem.pk,
                                reason="涉及周边乡镇，需开发区指挥部协调。")
    resolution = ("与杜浔、霞美、古雷三镇议定“点对点、不拒收”：外省返岗人员经健康检测后由企业点对点接回，周边"
                  "乡镇不得拒收；集中住宿点与工地之间每日班车接送，只往返工地。")
    with _clock(_at(date(2020, 2, 12), 18, 0)):
        ledger.problem_resolve(actor=cc, problem_id=problem.pk, resolution_type="solved", resolution=resolution)
    with _clock(_at(date(2020, 2, 12), 18, 30)):
        services.project_rule_set(actor=team, project_id=project.pk, problem_id=problem.pk, rule=resolution,
                                  shuttles=[services.ShuttleInput("杜浔镇集中住宿点", time(6, 30), 45, time(18, 30)),
                                            services.ShuttleInput("霞美镇集中住宿点", time(6, 40), 45, time(18, 40)),
                                            services.ShuttleInput("古雷镇员工宿舍", time(7, 0), 33, time(19, 0))])
    with _clock(_at(date(2020, 2, 13), 16, 0)):
        ledger.problem_check(actor=team, problem_id=problem.pk, note="已回访，首批外省员工已入住集中住宿点，班车正常运行。")
    if contact is not None:
        with _clock(_at(date(2020, 2, 14), 10, 0)):
            ledger.problem_confirm(actor=contact.user, problem_id=problem.pk, rating="satisfied")
    else:  # the Gulei contacts have no login in the demo: the confirmation period ran out, as the sweep records it
        with _clock(_at(date(2020, 2, 20), 7, 0)):
            ledger.problem_expire_confirmation(problem_id=problem.pk)


def _gulei(ctx: sc.Context, rng: random.Random) -> None:
    owner = Enterprise.objects.get(name=sc.GULEI_OWNER["name"])
    project = KeyProject.objects.get(owner=owner, name=sc.GULEI_PROJECT)
    ProjectMember.objects.bulk_create([ProjectMember(project=project, enterprise=e) for e in Enterprise.objects.filter(
        name__in=[g["name"] for g in sc.GULEI_ENTERPRISES]).exclude(pk=owner.pk)])
    _lodging_refusal(project, owner)
    team = _user("gulei_team")
    # Origin groups: each province's workers over a few of its counties.
    groups: list[OriginGroup] = []
    for province, total in GULEI_ORIGINS.items():
        counties = _counties(province, 4 if province != "350000" else 3)
        shares = [total // len(counties)] * len(counties)
        shares[0] += total - sum(shares)
        for county, n in zip(counties, shares, strict=True):
            groups.append(OriginGroup(enterprise=owner, origin=county, expected=n, at_work=n))
    hubei = [g for g in groups if g.origin_id.startswith("42")][0]
    hubei.at_work -= HUBEI_STILL_AWAY
    hubei.at_origin = HUBEI_STILL_AWAY
    OriginGroup.objects.bulk_create(groups)
    # The curve: 1,200 (mostly local) on site on 1 Feb, slow until the buses start on 9 Feb, over 10,000 by 28 Mar.
    days = (LAST - FIRST).days + 1
    share = {p: n / GULEI_BEFORE for p, n in GULEI_ORIGINS.items()}
    on_site_prev: dict[str, int] = dict.fromkeys(GULEI_ORIGINS, 0)
    arrivals: dict[date, dict[str, int]] = {}
    for i in range(days):
        d = FIRST + timedelta(days=i)
        if d < BUSES_FROM:
            total = 1200 + 60 * i
        else:
            x = (d - BUSES_FROM).days / (LAST - BUSES_FROM).days
            total = int(1680 + (GULEI_ON_SITE_28_MAR - 1680) * (1 - math.exp(-3.2 * x)) / (1 - math.exp(-3.2)))
        by: dict[str, int] = {}
        for p in GULEI_ORIGINS:
            local_bias = 2.2 if p == "350000" and d < BUSES_FROM else 1.0
            target = min(int(total * share[p] * local_bias), int(GULEI_ON_SITE_28_MAR * share[p]) + 1)
            if d == LAST:
                target = int(GULEI_ON_SITE_28_MAR * share[p]) + (1 if p == "350000" else 0)
            by[p] = max(0, target - on_site_prev[p])
            on_site_prev[p] += by[p]
        arrivals[d] = by
    _tallies(owner, GULEI_ORIGINS, arrivals)
    # The first chartered buses, 9 Feb: Sichuan, Yunnan and Jiangsu workers, approved and arrived.
    site = Region.objects.get(code=sc.GULEI_REGION)
    first = [Origin(g.origin_id, g.expected // 3, g.origin.longitude, g.origin.latitude) for g in groups
             if g.origin_id[:2] in ("51", "53", "32")]
    _approved_plan(owner, plan_buses(first, (site.longitude, site.latitude), seats=45, time_limit_s=0.5),
                   BUSES_FROM, created_by=team, decided_by=_user("gulei_cc"))
    ctx.created["workforce_groups"] += len(groups)


def _approved_plan(enterprise: Enterprise, result: Any, day: date, *, created_by: User, decided_by: User) -> BusPlan:
    plan = BusPlan.objects.create(
        enterprise=enterprise, date=day, seats=result.seats, status="approved", result=result.as_dict(),
        bus_count=result.bus_count, lower_bound_buses=result.lower_bound_buses, distance_km=round(result.distance_km, 1),
        lower_bound_km=round(result.lower_bound_km, 1), method=result.method[:255], created_by=created_by,
        created_at=_at(day - timedelta(days=2), 16), decided_by=decided_by, decided_at=_at(day - timedelta(days=1), 10))
    Trip.objects.bulk_create([Trip(
        plan=plan, enterprise=enterprise, number=i, date=day, seats=result.seats, passengers=b.passengers,
        pickups=[[c, n] for c, n in b.pickups], distance_km=round(b.distance_km, 1), state="arrived",
        departed_at=_at(day, 6), arrived_at=_at(day + timedelta(days=1), 8)) for i, b in enumerate(result.buses, 1)])
    return plan


def _faw_interns(ctx: sc.Context, rng: random.Random) -> None:
    faw = Enterprise.objects.get(name=sc.FAW_TOYOTA["name"])
    luzhou = Region.objects.get(code=LUZHOU)
    chengdu = Region.objects.get(code=faw.region_id)
    result = plan_buses([Origin(LUZHOU, 66, luzhou.longitude, luzhou.latitude)], (chengdu.longitude, chengdu.latitude),
                        seats=66, time_limit_s=0)
    plan = _approved_plan(faw, result, date(2020, 2, 8), created_by=_user("faw_contact"),
                          decided_by=_user("dept_transport"))
    trips = list(plan.trips.order_by("number"))
    workers = []
    for i in range(66):
        born = date(2000, 1, 1) + timedelta(days=rng.randint(0, 600))
        workers.append(Worker(enterprise=faw, name=names.person_name(rng), phone=names.mobile(rng),
                              id_number=_id_number(LUZHOU, born, 100 + i), origin=luzhou, job="实习生（总装）",
                              state="at_work", trip=trips[i // result.capacity]))
    Worker.objects.bulk_create(workers)
    OriginGroup.objects.create(enterprise=faw, origin=luzhou, expected=66, at_work=66)
    _tallies(faw, {"510000": 66}, {date(2020, 2, 8): {"510000": 66}})


def _yazaki_fever(ctx: sc.Context, rng: random.Random) -> None:
    yazaki = Enterprise.objects.get(name="天津矢崎汽车配件有限公司成都分公司")
    faw = Enterprise.objects.get(name=sc.FAW_TOYOTA["name"])
    reporter = _user("chenjingjing")
    health = _user("dept_health")
    day = date(2020, 2, 21)
    event = HealthEvent.objects.create(
        enterprise=yazaki, person_name=names.person_name(rng), phone=names.mobile(rng),
        id_number=_id_number("510112", date(1996, 5, 17), 231), description="新入职员工上岗前体温37.6℃，已隔离送医。",
        status="cleared", reported_by=reporter, reported_at=_at(day, 8, 20), closed_at=_at(day + timedelta(days=1), 16),
        outcome="CT未见异常，两次核酸检测阴性，经专家会诊排除新冠肺炎，次日返岗。", notified=["成都市卫生健康委员会", faw.name])
    event.customers.set([faw])
    steps = [("isolation", _at(day, 8, 30), "done", "厂区临时隔离点"), ("hospital", _at(day, 9, 10), "done", "龙泉驿区第一人民医院发热门诊"),
             ("ct", _at(day, 10, 5), "normal", "肺部CT未见异常"), ("nat_1", _at(day, 11, 0), "negative", ""),
             ("nat_2", _at(day + timedelta(days=1), 9, 0), "negative", "间隔24小时"),
             ("expert_review", _at(day + timedelta(days=1), 15, 30), "negative", "专家组会诊排除")]
    HealthStep.objects.bulk_create([HealthStep(event=event, kind=k, at=at, result=r, note=n, recorded_by=health)
                                    for k, at, r, n in steps])


def load_workforce(ctx: sc.Context) -> None:
    """Authorities, the Gulei project and its return, the Luzhou interns, the Yazaki fever (once)."""
    units = {u.code: u for u in ctx.units.values()} if ctx.units else {}
    from qifu.organisations.models import Unit

    units = units or {u.code: u for u in Unit.objects.filter(code__in=["cd-jtj", "cd-wjw", "gulei-cc"])}
    for code, kind, region in (("cd-jtj", "transport", sc.CHENGDU), ("cd-wjw", "health", sc.CHENGDU),
                               ("gulei-cc", "transport", sc.GULEI_REGION), ("gulei-cc", "health", sc.GULEI_REGION)):
        Authority.objects.get_or_create(unit=units[code], kind=kind, region_id=region)
    if OriginGroup.objects.filter(enterprise__name=sc.GULEI_OWNER["name"]).exists():
        ctx.say("  workforce: already loaded")
        return
    rng = sc.rng_for("workforce")
    _gulei(ctx, rng)
    _faw_interns(ctx, rng)
    _yazaki_fever(ctx, rng)
    ctx.say(f"  workforce: Gulei {GULEI_BEFORE} before, {GULEI_ON_SITE_28_MAR} by {LAST}; 66 Luzhou interns; 1 health event")
