"""The demo's problem ledger (问题台账): a few thousand problems of Chengdu's enterprises, Feb–Apr 2020.

``load_ledger(ctx)`` is a part of ``scenario.PARTS``. It writes, deterministically and idempotently:

- the link of the problem categories to the 6 city-level service task forces (``CATEGORY_TASK_FORCES``;
  only where a category has none yet, so an administrator's choice is kept);
- ``TARGET_PROBLEMS`` problems reported between 2020-02-03 and 2020-04-30 across the enterprises in
  jurisdiction (weighted towards key enterprises and the busy weeks after the restart), with their
  assignments (hops to the command center, a task force, departments, the leadership task force),
  their timeline (``ProblemEvent``), their structured progress reports and the enterprises' ratings;
- the seed's four cases as named problems (``SEED_CASES``): the 66 interns stuck in Luzhou, masks and
  disinfectant for the 20 Longquanyi suppliers, the 12 Chongqing suppliers taken to the province, the
  feverish new hire at 天津矢崎;
- ``LedgerSequence`` rows raised to the highest number used, so real reports continue the sequence.

How it is made. Each problem's life is *simulated* with the same state rules as the services in
``qifu.ledger.services`` (report → accept → resolve on site, or escalate → dispatch → acknowledge →
progress → resolve; returns as wrongly dispatched (退单/改派) or beyond the department's power (up to
the leadership task force); confirm/check → close, 不满意 → reopen at the resolving tier (重办), or the
confirmation period expires), step by step at plausible moments in working hours, and stopped at the
demo's "now" (``DEMO_NOW``, the evening of 2020-04-30): what was still to happen has not happened, so
recent problems are open and older ones mostly closed. Deadlines come from ``qifu.ledger.deadlines`` on
the working-day calendar (the calendar is read once for the whole load). Warnings (三色督办) of the open
problems are those a sweep would set at ``DEMO_NOW``.

Like the rest of the scenario this is a fixture loader, not a user action: it writes the rows directly
with ``bulk_create`` (problems, assignments, progress reports, events) instead of calling one service per
transition, which for thousands of problems would take minutes; the simulation follows the services'
state rules and event conventions (codes, from/to status and tier, data keys), which
``tests/test_demo_ledger.py`` checks. Rows are keyed on the ledger number (LQY-2020-000123 per district,
numbered in reporting order): a second run creates nothing. All randomness comes from
``scenario.rng_for("ledger")``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F

from qifu.core import workdays
from qifu.ledger import deadlines
from qifu.ledger.choices import (
    AssignmentStatus,
    Channel,
    CloseReason,
    Nature,
    Priority,
    Rating,
    ResolutionType,
    ReturnKind,
    Status,
    Tier,
)
from qifu.ledger.models import (
    Assignment,
    LedgerSequence,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProgressReport,
)
from qifu.ledger.routing import refresh_beyond_region

from . import scenario as sc

TARGET_PROBLEMS = 3000
FIRST_DAY = date(2020, 2, 3)
LAST_DAY = date(2020, 4, 30)
DEMO_NOW = datetime(2020, 4, 30, 18, 0, tzinfo=sc.SHANGHAI)
YEAR = 2020
BATCH = 1000
SWEEP = "ledger.sweep"

# Category code → the service task force (unit code) for its common problems.
CATEGORY_TASK_FORCES: dict[str, str] = {
    "protective_supplies": "tf-supplies",
    "logistics": "tf-logistics",
    "staffing": "tf-labour",
    "funding": "tf-finance",
    "supply_chain": "tf-chain",
    "policy": "tf-policy",
    "permits": "tf-policy",
}
LEADERSHIP_UNIT = "lead-1"  # qifu.ledger.services.leadership_for: the first of Chengdu's by order
BUREAU = "@bureau"  # the enterprise's district 经信局, in DEPARTMENTS

# Category code → relative frequency, and the departments (unit code, section; BUREAU's section by index).
CATEGORY_WEIGHTS: dict[str, float] = {
    "staffing": 22, "protective_supplies": 18, "logistics": 14, "supply_chain": 13, "funding": 10,
    "policy": 8, "epidemic_prevention": 6, "permits": 3, "equipment": 3, "other": 3,
}
DEPARTMENTS: dict[str, tuple[tuple[str, Any], ...]] = {
    "staffing": (("cd-rsj", "就业促进处"), ("cd-rsj", "劳动关系处"), ("cd-jtj", "道路运输管理处"), (BUREAU, 2)),
    "protective_supplies": (("cd-jxj", "运行监测协调处"), ("cd-swj", "市场运行处"), ("cd-scjg", "质量发展处")),
    "logistics": (("cd-jtj", "道路运输管理处"), ("cd-jtj", "综合运输处"), ("cd-jtj", "应急办公室")),
    "supply_chain": (("cd-jxj", "汽车产业处"), ("cd-jxj", "运行监测协调处"), ("cd-jxj", "电子信息产业处"),
                     (BUREAU, 1)),
    "funding": (("cd-jrj", "银行保险处"), ("cd-jrj", "地方金融发展处")),
    "policy": (("cd-tax", "纳税服务处"), ("cd-tax", "所得税处"), ("cd-rsj", "社会保险处")),
    "epidemic_prevention": (("cd-wjw", "疾病预防控制处"), ("cd-wjw", "卫生应急办公室")),
    "permits": (("cd-scjg", "登记注册处"),),
    "equipment": (("cd-swj", "对外贸易处"), ("cd-jxj", "运行监测协调处")),
    "other": ((BUREAU, 2), ("cd-swj", "市场运行处")),
}

# --- texts ---------------------------------------------------------------------------------------

# (title, description) per category; {n} {m} {place} {part} {bank} {amount} are filled in.
TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "staffing": (
        ("{n}名外省员工无法返岗", "企业春节返乡员工{n}人滞留{place}，当地交通尚未恢复，无法按期返岗，生产线开工不足。"),
        ("一线操作工缺口{n}人", "复工后订单增加，一线操作工缺口约{n}人，线上招聘效果不好，希望协助对接劳务资源。"),
        ("返岗员工需点对点包车", "{n}名员工在{place}，希望协调点对点包车接返，并明确途经各地的防疫查验要求。"),
        ("员工返岗后住宿无法安排", "周边村社不允许外地返岗人员租住，{n}名员工暂无住处，请协调集中住宿点。"),
        ("技术人员无法到岗调试设备", "设备厂家{n}名技术人员在{place}，返蓉需隔离14天，影响新产线调试。"),
        ("复工人员健康证明办理慢", "{n}名返岗员工需办理健康证明，社区开具时间长，影响返岗进度。"),
    ),
    "protective_supplies": (
        ("口罩紧缺，库存仅够{m}天", "企业复工员工{n}人，每天需口罩约{k}只，现有库存仅够{m}天使用，市场上买不到。"),
        ("消毒液、测温枪采购困难", "按防控要求需配备消毒液和红外测温枪，多家供应商缺货，请协调采购渠道。"),
        ("买不到KN95口罩", "车间岗位需KN95口罩，企业多方联系未能采购到，影响复工验收。"),
        ("防护物资跟不上复工进度", "随着复岗人数增加到{n}人，口罩、手套、消毒用品消耗快，采购跟不上。"),
        ("复工验收缺少测温设备", "厂区{m}个出入口需设置测温点，缺红外测温仪{m}台。"),
    ),
    "logistics": (
        ("货运车辆通行证办理", "企业{m}辆货车需往返{place}运送原材料，沿途卡点较多，请协助办理车辆通行证。"),
        ("原材料运输受阻", "从{place}发来的{part}原材料在途受阻，高速收费站劝返，影响生产。"),
        ("员工通勤车辆需要通行证", "企业{m}辆通勤班车接送员工上下班，需办理通勤车辆通行证。"),
        ("成品发货物流停运", "合作物流公司尚未复工，成品积压约{n}吨，无法按期交付客户。"),
        ("重点物资需走绿色通道", "企业生产的{part}属防疫重点物资，请协调纳入绿色通道优先通行。"),
    ),
    "supply_chain": (
        ("上游{part}供应商未复工", "主要{part}供应商位于{place}，尚未复工，库存仅够{m}天，断供将导致停产。"),
        ("配套企业复工不同步", "主要配套企业中仍有{m}家未复工，影响整机交付，请协调配套企业同步复工。"),
        ("关键零部件断供风险", "进口{part}受疫情影响交货推迟，现有库存只能维持{m}天生产。"),
        ("下游客户未复工，产品积压", "下游客户复工延迟，{part}产品积压，希望对接新的销售渠道。"),
        ("外省供应商复工需协调", "在{place}的{k}家供应商需当地政府同意后复工，请协调跨地区对接。"),
    ),
    "funding": (
        ("流动资金紧张，申请贷款展期", "受停工影响，企业{amount}万元贷款将于近期到期，申请展期或续贷。"),
        ("申请疫情防控专项再贷款", "企业符合防疫重点保障企业条件，希望申请优惠利率专项再贷款{amount}万元。"),
        ("应收账款回收困难", "下游客户未复工，应收账款{amount}万元无法回收，资金周转困难。"),
        ("银行抽贷，希望协调", "{bank}拟收回{amount}万元贷款，企业资金链紧张，请协调稳贷。"),
        ("工资发放资金缺口", "停工期间需发放员工工资，资金缺口约{amount}万元，希望获得应急转贷支持。"),
    ),
    "policy": (
        ("社保费减免政策如何申请", "企业想了解阶段性减免企业社会保险费政策的适用范围和办理流程。"),
        ("申请延期缴纳税款", "受疫情影响企业经营困难，申请延期缴纳税款{amount}万元。"),
        ("稳岗返还资金未到账", "企业已申报稳岗返还，资金尚未到账，希望了解进度。"),
        ("房租减免政策落实", "企业租用国有资产厂房，希望落实疫情期间房租减免政策。"),
        ("防疫物资生产企业税收优惠", "企业转产{part}，希望了解增值税和所得税优惠政策。"),
    ),
    "epidemic_prevention": (
        ("员工体温异常需要处置", "一名员工上班测温{temp}℃，已隔离观察，请指导后续处置流程。"),
        ("复工疫情防控方案审核", "企业已编制复工防控方案，希望尽快组织审核，确定复工时间。"),
        ("湖北籍员工返岗政策咨询", "企业有{k}名湖北籍员工，希望了解返岗条件和隔离要求。"),
        ("食堂就餐防控指导", "员工{n}人集中就餐，希望指导分餐、错峰就餐等防控措施。"),
        ("密切接触者排查协助", "一名员工家属被列为密切接触者，请指导企业开展排查。"),
    ),
    "permits": (
        ("转产口罩需办理许可", "企业拟转产口罩，需办理生产许可和产品注册，希望开辟绿色通道。"),
        ("营业执照经营范围变更", "新增防疫物资经营范围，需办理营业执照变更，希望网上办理。"),
        ("项目环评审批加快", "技改项目环评审批因疫情暂停，希望加快审批进度。"),
    ),
    "equipment": (
        ("进口设备无法按期到货", "从国外订购的{part}设备受疫情影响无法按期发运，影响新产线投产。"),
        ("设备厂家工程师无法到场", "关键设备故障，厂家工程师在{place}无法到场维修。"),
        ("设备零配件采购困难", "生产线{part}零配件供应商未复工，设备维修缺件。"),
    ),
    "other": (
        ("周边道路封闭影响出行", "企业所在园区道路设置卡点，员工和车辆出入不便，请协调。"),
        ("园区食堂未开放", "园区食堂未恢复营业，员工{n}人就餐困难。"),
        ("水电气费用缓缴咨询", "企业希望了解疫情期间水电气费用缓缴、不停供政策。"),
    ),
}

PLACES = ("泸州", "南充", "达州", "广安", "巴中", "绵阳", "宜宾", "遂宁", "重庆", "贵州毕节", "云南昭通", "湖北",
          "湖南", "河南", "甘肃", "陕西汉中", "江苏苏州", "广东东莞")
PARTS_NAMES = ("钢材", "塑料粒子", "电子元器件", "包装材料", "芯片", "轴承", "化工原料", "铝型材", "熔喷布", "纸箱",
               "线束", "橡胶件")
BANKS = ("工商银行", "建设银行", "农业银行", "成都银行", "成都农商银行", "中国银行")

SITE_RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "staffing": ("专员协调社区开具健康证明，员工已返岗。", "专员对接区就业服务中心推送求职人员，企业已招到部分工人。"),
    "protective_supplies": ("专员协调区内生产企业调剂口罩，已解决近期需求。", "专员帮助对接消毒液生产企业，企业已采购到货。"),
    "logistics": ("专员指导企业在线申办通行证，当天办结。", "专员协调卡点放行，车辆已正常通行。"),
    "supply_chain": ("专员协调供应商所在地政府，供应商已复工供货。", "专员对接产业合作平台，找到替代供应商。"),
    "funding": ("专员对接合作银行，企业已获续贷。", "专员讲解政策并协助准备贷款材料，银行已受理。"),
    "policy": ("专员现场讲解政策，企业已在线申报。", "专员协助企业准备材料，已完成申报。"),
    "epidemic_prevention": ("专员会同社区指导企业完成处置，员工排除感染。", "专员指导企业完善防控方案，已通过复工验收。"),
    "permits": ("专员协调窗口网上办理，已取得许可。",),
    "equipment": ("专员协调厂家远程指导维修，设备已恢复运行。",),
    "other": ("专员协调园区，问题已解决。",),
}
DEPARTMENT_RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "staffing": ("人社部门组织专场线上招聘，企业已招到所需人员。", "协调点对点包车接返员工，员工已全部返岗。",
                 "协调属地街道设立集中住宿点，返岗员工已入住。"),
    "protective_supplies": ("经信部门调拨口罩和消毒液，企业已领取。", "对接本地防疫物资生产企业，企业已签订采购合同。"),
    "logistics": ("已办理货运车辆通行证，纳入绿色通道。", "交通部门协调沿途卡点，原材料已运抵。",
                  "协调物流企业恢复运力，成品已发运。"),
    "supply_chain": ("协调供应商所在地政府，供应商已复工供货。", "通过产业合作平台对接替代供应商，供货已恢复。",
                     "协调上下游企业同步复工，配套供应恢复正常。"),
    "funding": ("协调银行办理贷款展期。", "银行已发放专项再贷款。", "纳入应急转贷支持，资金已到位。"),
    "policy": ("已为企业办理延期缴纳税款。", "社保费减免已自动享受，已向企业说明。", "稳岗返还资金已拨付到账。"),
    "epidemic_prevention": ("疾控部门指导处置，员工排除感染，企业正常生产。", "复工防控方案已审核通过。"),
    "permits": ("开辟绿色通道，许可已办结。", "已网上办理变更登记。"),
    "equipment": ("协调海关加快通关，设备已到厂。", "协调厂家远程指导，设备已修复。"),
    "other": ("已协调园区和属地街道解决。",),
}
EXPLAINED = "经研究，现行政策下暂无法解决，已向企业做好解释说明。"
PARTLY = "已解决部分问题，剩余事项企业同意后续跟进。"
PROGRESS = (
    ("已与企业对接，核实具体需求。", "协调相关单位研究解决方案。", ""),
    ("已联系相关单位，正在协调。", "跟进落实情况。", ""),
    ("已提出初步方案，待有关方面确认。", "落实方案。", ""),
    ("正在办理中。", "按期反馈办理结果。", ""),
    ("已协调多次，对方尚未回复。", "继续协调，必要时提请上级协调。", "涉及外地政府，协调周期较长。"),
)
ESCALATE_REASONS = ("专员现场无法解决，需指挥部协调。", "涉及多个部门，提请协调。", "需相关职能部门支持。")
COMMON_REASONS = ("多户企业反映同类问题，提交专班统筹解决。", "属共性问题，提请专班协调。")
WRONG_UNIT = ("该事项不属于本单位职责，请改派。", "应由属地政府负责，退回重新分派。")
BEYOND_POWER = ("超出本部门职权，需领导专班协调。", "涉及跨市州协调，提请领导专班研究。")
DISPATCH_NOTES = ("请抓紧办理，按期反馈。", "请于时限内办结并报送进展。", "")
CHASES = ("已超期，请加快办理。", "请尽快反馈办理进展。", "企业多次催问，请抓紧办理。")
UNSATISFIED = ("问题没有真正解决，仍然影响生产。", "办理结果与企业诉求不符。")
SATISFIED_COMMENTS = ("感谢及时协调！", "办理很及时。", "", "", "")


# --- the seed's cases ----------------------------------------------------------------------------

INTERNS = "interns"
MASKS = "masks"
CHONGQING = "chongqing"
FEVER = "fever"
SEED_CASES: dict[str, str] = {  # key → title
    INTERNS: "66名实习生滞留泸州无法返岗",
    MASKS: "20户龙泉驿区配套企业口罩、消毒液短缺",
    CHONGQING: "重庆12户配套企业复工需跨省协调",
    FEVER: "新入职员工发热，供应链恐慌",
}


# --- the clock -----------------------------------------------------------------------------------


class Clock:
    """Moments in working hours (09:00–17:30 on working days) on the official calendar."""

    def __init__(self, calendar: Any, rng: random.Random) -> None:
        self.cal = calendar
        self.rng = rng

    def on(self, day: date, lo: int = 9 * 60, hi: int = 17 * 60 + 30) -> datetime:
        minute = self.rng.randint(lo, hi)
        return datetime.combine(day, time(minute // 60, minute % 60), sc.SHANGHAI)

    def later(self, t: datetime, lo: int = 10, hi: int = 120) -> datetime:
        """``lo``–``hi`` minutes later, or the next working morning if that is after hours."""
        at = t + timedelta(minutes=self.rng.randint(lo, hi), seconds=self.rng.randint(0, 59))
        if at.date() != t.date() or at.time() > time(17, 45) or not self.cal.is_workday(at.date()):
            day = self.cal.next_workday(t.date())
            at = datetime.combine(day, time(9, 0), sc.SHANGHAI) + timedelta(minutes=self.rng.randint(0, 60))
        return at

    def after(self, t: datetime, lo: int, hi: int) -> datetime:
        """``lo``–``hi`` working days later, at a working hour (0: later the same day)."""
        n = self.rng.randint(lo, hi)
        if n == 0:
            return self.later(t, 15, 240)
        day = self.cal.add_working_days(t, n).date()
        at = self.on(day)
        return at if at > t else self.later(t)


# --- the simulation ------------------------------------------------------------------------------


class Cut(Exception):
    """The next step would happen after DEMO_NOW: the problem's life stops here."""


@dataclass
class Hop:
    tier: str
    unit: str  # unit code
    assigned_at: datetime
    deadline: datetime | None
    section: int | None = None
    owner: str | None = None
    leader: str | None = None
    assigned_by: str | None = None
    status: str = AssignmentStatus.PENDING
    acknowledged_at: datetime | None = None
    finished_at: datetime | None = None
    return_kind: str = ""
    return_reason: str = ""
    instructions: str = ""
    obj: Assignment | None = None

    @property
    def active(self) -> bool:
        return self.status in (AssignmentStatus.PENDING, AssignmentStatus.ACKNOWLEDGED)


@dataclass
class Report:
    author: str
    hop: Hop | None
    progress: str
    next_step: str
    blocker: str
    at: datetime
    obj: ProgressReport | None = None


@dataclass
class Event:
    code: str
    at: datetime
    actor: str | None
    label: str = ""
    before: tuple[str, str] | None = None
    after: tuple[str, str] = ("", "")
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Spec:
    """What is known when the problem is reported."""

    key: str  # "" for generated problems, else a SEED_CASES key
    enterprise: sc.EnterpriseSpec
    district: sc.District
    category: str
    nature: str
    priority: str
    crisis: bool
    channel: str
    title: str
    description: str
    reported_at: datetime
    number: str = ""


class Life:
    """One problem's state, changed only by the steps below (the services' rules, in memory)."""

    def __init__(self, loader: Loader, spec: Spec) -> None:
        self.l = loader
        self.spec = spec
        self.status = Status.REPORTED
        self.tier = Tier.COMMISSIONER
        self.commissioner = spec.enterprise.commissioner
        self.unit = loader.user_unit.get(self.commissioner or "")
        self.section: int | None = None
        self.owner: str | None = self.commissioner
        self.first_receiver: str | None = None
        self.reported_by: str | None = None
        self.deadline = deadlines.problem_deadline(spec.reported_at, crisis=spec.crisis)
        self.last_progress_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.resolved_tier = ""
        self.resolved_unit: str | None = None
        self.resolution_type = ""
        self.resolution = ""
        self.rating = ""
        self.rating_comment = ""
        self.confirmed_at: datetime | None = None
        self.checked_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.close_reason = ""
        self.redo_count = 0
        self.version = 1
        self.hops: list[Hop] = []
        self.reports: list[Report] = []
        self.events: list[Event] = []
        self.warning = ""
        self.now = spec.reported_at

    # --- bookkeeping ---
    def _at(self, at: datetime) -> datetime:
        if at > DEMO_NOW:
            raise Cut
        assert at >= self.now, (self.spec.title, at, self.now)
        self.now = at
        return at

    def _event(self, code: str, at: datetime, actor: str | None, *, transition: tuple[str, str] | None = None,
               label: str = "", reason: str = "", **data: Any) -> None:
        after = (self.status, self.tier) if transition is not None else ("", "")
        self.events.append(Event(code, at, actor, label, transition, after, reason, data))

    def _hop(self, tier: str, unit: str, at: datetime, actor: str | None, *, days: int | None = None,
             **extra: Any) -> Hop:
        hop = Hop(tier=tier, unit=unit, assigned_at=at, assigned_by=actor,
                  deadline=deadlines.hop_deadline(tier, at, crisis=self.spec.crisis, days=days), **extra)
        self.hops.append(hop)
        return hop

    def active(self, tier: str | None = None) -> list[Hop]:
        return [h for h in self.hops if h.active and (tier is None or h.tier == tier)]

    def holder_user(self) -> str | None:
        return self.l.unit_user.get(self.unit or "")

    # --- the steps ---
    def report(self, actor: str | None, label: str = "") -> None:
        at = self._at(self.spec.reported_at)
        self.reported_by = actor
        self._event("reported", at, actor, transition=("", ""), label=label, channel=self.spec.channel)

    def accept(self, at: datetime) -> None:
        at = self._at(at)
        before = (self.status, self.tier)
        self.status, self.first_receiver, self.owner = Status.ACCEPTED, self.commissioner, self.commissioner
        self.unit = self.l.user_unit.get(self.commissioner or "")
        self.version += 1
        self._event("accepted", at, self.commissioner, transition=before)

    def progress(self, at: datetime, author: str | None, hop: Hop | None = None, text: tuple[str, str, str] | None = None
                 ) -> None:
        at = self._at(at)
        author = author or self.commissioner
        if author is None:
            return
        progress, next_step, blocker = text or self.l.rng.choice(PROGRESS)
        report = Report(author, hop, progress, next_step, blocker, at)
        self.reports.append(report)
        self.last_progress_at = at
        self.version += 1
        self._event("progress", at, author, report=report, has_blocker=bool(blocker))

    def _resolved(self, at: datetime, unit: str | None, rtype: str, text: str) -> None:
        self.status, self.resolved_at, self.resolved_tier, self.resolved_unit = Status.RESOLVED, at, self.tier, unit
        self.resolution_type, self.resolution = rtype, text
        self.rating, self.confirmed_at, self.checked_at = "", None, None

    def resolve_on_site(self, at: datetime, rtype: str, text: str) -> None:
        at = self._at(at)
        before = (self.status, self.tier)
        self._resolved(at, self.l.user_unit.get(self.commissioner or ""), rtype, text)
        self.version += 1
        self._event("resolved", at, self.commissioner, transition=before, resolution_type=rtype)

    def escalate(self, at: datetime, reason: str) -> None:
        at = self._at(at)
        if self.spec.nature == Nature.COMMON:
            tier, unit = Tier.TASK_FORCE, CATEGORY_TASK_FORCES[self.spec.category]
        else:
            tier, unit = Tier.COMMAND_CENTER, self.spec.district.command_center_code
        before = (self.status, self.tier)
        self._hop(tier, unit, at, self.commissioner)
        self.status, self.tier, self.unit, self.section, self.owner = Status.ESCALATED, tier, unit, None, None
        self.version += 1
        self._event("escalated", at, self.commissioner, transition=before, reason=reason, unit=unit)

    def dispatch(self, at: datetime, targets: list[tuple[str, int | None]], *, days: int | None = None,
                 instructions: str = "") -> list[Hop]:
        at = self._at(at)
        actor = self.holder_user()
        before = (self.status, self.tier)
        leader = actor if self.tier == Tier.LEADERSHIP else None  # the responsible leader of a leadership hand-off
        new = [self._hop(Tier.DEPARTMENT, unit, at, actor, days=days, section=section, instructions=instructions,
                         leader=leader) for unit, section in targets]
        self.status, self.tier = Status.DISPATCHED, Tier.DEPARTMENT
        self.unit, self.section, self.owner = new[0].unit, new[0].section, new[0].owner
        self.version += 1
        self._event("dispatched", at, actor, transition=before, units=[u for u, _s in targets])
        return new

    def acknowledge(self, at: datetime, hop: Hop) -> None:
        at = self._at(at)
        actor = self.l.unit_user.get(hop.unit)
        hop.status, hop.acknowledged_at = AssignmentStatus.ACKNOWLEDGED, at
        hop.owner = hop.owner or actor
        self.version += 1
        self._event("acknowledged", at, actor, assignment=hop, unit=hop.unit)

    def resolve(self, at: datetime, hop: Hop | None, rtype: str, text: str) -> None:
        at = self._at(at)
        before = (self.status, self.tier)
        if hop is not None:
            actor = hop.owner or self.l.unit_user.get(hop.unit)
            hop.status, hop.finished_at = AssignmentStatus.RESOLVED, at
            if self.active(Tier.DEPARTMENT):
                self.version += 1
                self._event("part_resolved", at, actor, assignment=hop, unit=hop.unit, resolution_type=rtype,
                            resolution=text)
                return
            unit = hop.unit
        else:
            actor, unit = self.holder_user(), self.unit
        for h in self.active():
            h.status, h.finished_at = AssignmentStatus.RESOLVED, at
        self._resolved(at, unit, rtype, text)
        self.version += 1
        self._event("resolved", at, actor, transition=before, resolution_type=rtype, unit=unit)

    def give_back(self, at: datetime, hop: Hop, kind: str, reason: str) -> None:
        """A department returns its hop (assignment_return)."""
        at = self._at(at)
        actor = hop.owner or self.l.unit_user.get(hop.unit)
        before = (self.status, self.tier)
        hop.status, hop.finished_at, hop.return_kind, hop.return_reason = AssignmentStatus.RETURNED, at, kind, reason
        others = self.active(Tier.DEPARTMENT)
        if kind == ReturnKind.BEYOND_POWER:
            for h in others:
                h.status, h.finished_at = AssignmentStatus.WITHDRAWN, at
            for h in self.active():
                h.status, h.finished_at = AssignmentStatus.RETURNED, at
            self._hop(Tier.LEADERSHIP, LEADERSHIP_UNIT, at, actor)
            self.status, self.tier, self.unit, self.section, self.owner = (
                Status.ESCALATED, Tier.LEADERSHIP, LEADERSHIP_UNIT, None, None)
        elif not others:
            holder = [h for h in self.hops if h.tier != Tier.DEPARTMENT and h.status != AssignmentStatus.WITHDRAWN]
            last = holder[-1]
            self.status, self.tier, self.unit, self.section, self.owner = (
                Status.ESCALATED, last.tier, last.unit, None, None)
        self.version += 1
        self._event("returned", at, actor, transition=before, reason=reason, kind=kind, assignment=hop, unit=hop.unit)

    def _close(self, at: datetime, actor: str | None) -> None:
        if self.confirmed_at and self.checked_at:
            before = (self.status, self.tier)
            self.status, self.closed_at, self.close_reason = Status.CLOSED, at, CloseReason.CONFIRMED
            self._event("closed", at, actor, transition=before, close_reason=CloseReason.CONFIRMED)

    def confirm(self, at: datetime, rating: str, comment: str = "") -> None:
        at = self._at(at)
        actor, label = self.l.contact_user.get(self.spec.enterprise.credit_code), ""
        if actor is None:
            label = ("企业联系人：" + self.spec.enterprise.contacts[0].name)[:64]
        before = (self.status, self.tier)
        self.rating, self.rating_comment = rating, comment
        self.version += 1
        if rating == Rating.UNSATISFIED:
            self._reopen(at, actor)
            self._event("reopened", at, actor, transition=before, label=label, reason=comment, rating=rating)
            return
        self.confirmed_at = at
        self._event("confirmed", at, actor, label=label, rating=rating)
        self._close(at, actor)

    def _reopen(self, at: datetime, actor: str | None) -> None:
        self.redo_count += 1
        self.resolved_at = self.confirmed_at = self.checked_at = None
        tier, unit = self.resolved_tier, self.resolved_unit
        if tier == Tier.COMMISSIONER or unit is None:
            self.status, self.tier, self.owner = Status.ACCEPTED, Tier.COMMISSIONER, self.first_receiver
            self.unit, self.section = self.l.user_unit.get(self.first_receiver or ""), None
        elif tier == Tier.DEPARTMENT:
            resolved = sorted((h for h in self.hops if h.tier == Tier.DEPARTMENT
                               and h.status == AssignmentStatus.RESOLVED), key=lambda h: h.finished_at, reverse=True)
            units = list(dict.fromkeys(h.unit for h in resolved[:5])) or [unit]
            for u in units:
                self._hop(Tier.DEPARTMENT, u, at, actor, instructions="redo")
            self.status, self.tier, self.unit, self.section, self.owner = (
                Status.DISPATCHED, Tier.DEPARTMENT, units[0], None, None)
        else:
            self._hop(tier, unit, at, actor)
            self.status, self.tier, self.unit, self.owner = Status.ESCALATED, tier, unit, None

    def check(self, at: datetime, note: str = "") -> None:
        at = self._at(at)
        self.checked_at = at
        self.version += 1
        self._event("checked", at, self.commissioner, reason=note)
        self._close(at, self.commissioner)

    def expire(self, at: datetime) -> None:
        at = self._at(at)
        before = (self.status, self.tier)
        self.status, self.closed_at, self.close_reason = Status.CLOSED, at, CloseReason.EXPIRED
        self.version += 1
        self._event("closed", at, None, transition=before, label=SWEEP, close_reason=CloseReason.EXPIRED)

    def chase(self, at: datetime, actor: str | None, message: str) -> None:
        at = self._at(at)
        self.version += 1
        self._event("chased", at, actor, reason=message, unit=self.unit)

    # --- at DEMO_NOW ---
    def set_warning(self, cal: Any) -> None:
        """三色督办 as the sweep would see it at DEMO_NOW (open problems only)."""
        if self.status not in (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED):
            return
        due = [self.deadline] + [h.deadline for h in self.active() if h.deadline]
        soonest = min(d for d in due if d is not None)
        period = settings.QIFU_LEDGER["progress_period_days"]
        since = self.last_progress_at or max([self.spec.reported_at] + [h.assigned_at for h in self.hops])
        if soonest < DEMO_NOW:
            self.warning = "red"
        elif soonest <= cal.add_working_days(DEMO_NOW, 1):
            self.warning = "blue"
        elif self.status != Status.REPORTED and cal.working_days_between(since, DEMO_NOW) > period:
            self.warning = "yellow"


# --- the loader ----------------------------------------------------------------------------------


@contextmanager
def _one_calendar() -> Iterator[Any]:
    """Read the working-day calendar once for the whole load (deadlines asks for it on every call)."""
    from qifu.core import workdays

    cal = workdays.calendar()
    original = deadlines._calendar
    deadlines._calendar = lambda: cal  # type: ignore[assignment]
    try:
        yield cal
    finally:
        deadlines._calendar = original  # type: ignore[assignment]


class Loader:
    def __init__(self, ctx: sc.Context, cal: Any) -> None:
        self.ctx = ctx
        self.rng = sc.rng_for("ledger")
        self.clock = Clock(cal, self.rng)
        self.cal = cal
        self.districts = {d.code: d for d in ctx.plan.districts}
        self.user_unit: dict[str, str] = {u.username: u.unit for u in ctx.plan.users if u.unit}
        self.user_section = {u.username: u.section for u in ctx.plan.users if u.section}
        # The one demo user acting for a unit: the named logins first, then the district staff.
        self.unit_user: dict[str, str] = {}
        for u in ctx.plan.users:
            role = u.grants[0][0] if u.grants else None
            if u.unit and role != sc.Role.COMMISSIONER and u.unit not in self.unit_user:
                self.unit_user[u.unit] = u.username
        self.contact_user = {
            e.credit_code: c.username for e in ctx.plan.enterprises for c in e.contacts if c.username
        }
        self.by_name = {e.name: e for e in ctx.plan.enterprises}

    # --- plan ---
    def _section(self, unit: str, name: Any, district: sc.District) -> tuple[str, int | None]:
        if unit == BUREAU:
            unit = district.bureau_code
            names = sc.LONGQUANYI_BUREAU_SECTIONS if district.code == sc.LONGQUANYI else sc.ECONOMIC_BUREAU_SECTIONS
            name = names[name]
        return unit, self.ctx.sections.get((unit, name))

    def _fill(self, text: str) -> str:
        r = self.rng
        return text.format(n=r.choice((8, 12, 15, 20, 26, 30, 45, 60, 80, 120, 150, 200, 320)), m=r.randint(2, 7),
                           k=r.choice((3, 4, 5, 6, 8, 10, 12)), place=r.choice(PLACES), part=r.choice(PARTS_NAMES),
                           bank=r.choice(BANKS), amount=r.choice((50, 80, 100, 200, 300, 500, 800, 1000, 2000)),
                           temp=r.choice(("37.4", "37.5", "37.6", "37.8", "38.1")))

    def days(self) -> tuple[list[date], list[float]]:
        days, weights = [], []
        d = FIRST_DAY
        while d <= LAST_DAY:
            age = (d - FIRST_DAY).days
            w = 2.0 * math.exp(-age / 25) + 1.0  # the rush of the first weeks after the restart
            if not self.cal.is_workday(d):
                w *= 0.15  # commissioners worked weekends too in February
            days.append(d)
            weights.append(w)
            d += timedelta(days=1)
        return days, weights

    def specs(self) -> list[Spec]:
        rng = self.rng
        candidates = [e for e in self.ctx.plan.enterprises
                      if not e.is_external and e.commissioner and e.region in self.districts]
        weights = [(4 if e.key_enterprise else 1) * (1 + math.log10(max(e.headcount, 10))) for e in candidates]
        days, day_weights = self.days()
        cats, cat_w = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
        out: list[Spec] = []
        for _ in range(TARGET_PROBLEMS - len(SEED_CASES)):
            e = rng.choices(candidates, weights)[0]
            category = rng.choices(cats, cat_w)[0]
            title, description = rng.choice(TEXTS[category])
            nature = Nature.COMMON if category in CATEGORY_TASK_FORCES and rng.random() < 0.15 else Nature.INDIVIDUAL
            priority = rng.choices((Priority.NORMAL, Priority.HIGH, Priority.URGENT), (80, 16, 4))[0]
            crisis = priority == Priority.URGENT and rng.random() < 0.5
            channel = rng.choices((Channel.COMMISSIONER, Channel.SELF_REPORT, Channel.HOTLINE), (60, 28, 12))[0]
            day = rng.choices(days, day_weights)[0]
            out.append(Spec("", e, self.districts[e.region], category, nature, priority, crisis, channel,
                            self._fill(title), self._fill(description), self.clock.on(day, 8 * 60 + 30)))
        out.extend(self.seed_specs())
        return out

    def seed_specs(self) -> list[Spec]:
        faw = self.by_name[sc.FAW_TOYOTA["name"]]
        yazaki = self.by_name[sc.FAW_TOYOTA_SUPPLIERS[0]["name"]]
        lqy = self.districts[sc.LONGQUANYI]
        at = lambda m, d, h, mi: datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)  # noqa: E731
        return [
            Spec(INTERNS, faw, lqy, "staffing", Nature.INDIVIDUAL, Priority.HIGH, False, Channel.COMMISSIONER,
                 SEED_CASES[INTERNS],
                 "企业66名实习生春节后滞留泸州，城际客运停运，无法返岗。生产线复工急需这批人员到岗，"
                 "企业自行联系车辆未果，请协调交通运输部门安排直通车点对点接返。",
                 at(2, 5, 10, 20)),
            Spec(MASKS, faw, lqy, "protective_supplies", Nature.COMMON, Priority.URGENT, False, Channel.COMMISSIONER,
                 SEED_CASES[MASKS],
                 "四川一汽丰田在龙泉驿区的20户配套企业复工缺口罩、消毒液，任何一户不复工都会导致整车厂"
                 "缺件停产。专员已列出清单，请专班统筹调配防疫物资，优先保障本地配套企业复工。",
                 at(2, 6, 9, 40)),
            Spec(CHONGQING, faw, lqy, "supply_chain", Nature.COMMON, Priority.HIGH, False, Channel.COMMISSIONER,
                 SEED_CASES[CHONGQING],
                 "四川一汽丰田在重庆的12户配套企业尚未复工，变速器、车桥等关键零部件断供风险大，"
                 "需由市、省层面与重庆市协调，推动外省配套企业同步复工。",
                 at(2, 10, 15, 10)),
            Spec(FEVER, yazaki, lqy, "epidemic_prevention", Nature.INDIVIDUAL, Priority.URGENT, True,
                 Channel.COMMISSIONER, SEED_CASES[FEVER],
                 "天津矢崎汽车配件有限公司成都分公司一名新入职员工上班测温发热，企业和上下游配套企业担心"
                 "疫情传播，出现停工恐慌，请立即指导处置。",
                 at(2, 17, 8, 40)),
        ]

    def number(self, specs: list[Spec]) -> None:
        """LQY-2020-000123: per district in reporting order (the prefix rule of services._ledger_prefix)."""
        counters: Counter[str] = Counter()
        for spec in sorted(specs, key=lambda s: (s.reported_at, s.title, s.enterprise.credit_code)):
            prefix = spec.district.command_center_code.split("-")[0].upper()[:8]
            counters[prefix] += 1
            spec.number = f"{prefix}-{YEAR}-{counters[prefix]:06d}"

    # --- lives ---
    def live(self, spec: Spec) -> Life:
        life = Life(self, spec)
        runner = {INTERNS: self._interns, MASKS: self._masks, CHONGQING: self._chongqing, FEVER: self._fever}.get(
            spec.key, self._generic)
        with suppress(Cut):
            runner(life)
        self._maybe_chase(life)
        life.set_warning(self.cal)
        return life

    def _first_report(self, life: Life) -> None:
        spec, c = life.spec, self.clock
        if spec.channel == Channel.COMMISSIONER:
            life.report(life.commissioner)
            life.accept(spec.reported_at)
            return
        if spec.channel == Channel.HOTLINE:
            life.report(self.unit_user.get(spec.district.command_center_code))
        else:
            actor = self.contact_user.get(spec.enterprise.credit_code)
            life.report(actor, "" if actor else ("企业联系人：" + spec.enterprise.contacts[0].name)[:64])
        slow = self.rng.random() < 0.04
        life.accept(c.after(spec.reported_at, 2, 5) if slow else c.after(spec.reported_at, 0, 1))

    def _progress_until(self, life: Life, start: datetime, end: datetime, author: str | None, hop: Hop | None
                        ) -> None:
        """Progress reports about every reporting period between ``start`` and ``end``."""
        period = settings.QIFU_LEDGER["progress_period_days"]
        t = start
        while True:
            t = self.clock.after(t, max(1, period - 1), period + (1 if self.rng.random() < 0.3 else 0))
            if t >= end:
                return
            life.progress(t, author, hop)

    def _resolution(self, category: str, on_site: bool) -> tuple[str, str]:
        rtype = self.rng.choices((ResolutionType.SOLVED, ResolutionType.PARTLY, ResolutionType.EXPLAINED),
                                 (86, 8, 6))[0]
        text = self.rng.choice((SITE_RESOLUTIONS if on_site else DEPARTMENT_RESOLUTIONS)[category])
        if rtype == ResolutionType.EXPLAINED:
            text = EXPLAINED
        elif rtype == ResolutionType.PARTLY:
            text = text.rstrip("。") + "；" + PARTLY
        return rtype, text

    def _targets(self, life: Life, count: int, exclude: set[str] = frozenset()) -> list[tuple[str, int | None]]:  # type: ignore[assignment]
        options = [self._section(u, s, life.spec.district) for u, s in DEPARTMENTS[life.spec.category]]
        seen, out = set(exclude), []
        for unit, section in self.rng.sample(options, len(options)):
            if unit not in seen:
                seen.add(unit)
                out.append((unit, section))
            if len(out) == count:
                break
        return out or [self._section(BUREAU, 2, life.spec.district)]

    def _work_departments(self, life: Life, hops: list[Hop], slow: bool) -> None:
        """Departments acknowledge, report progress and resolve (the last one resolves the problem)."""
        c, rng = self.clock, self.rng
        for hop in hops:
            late = rng.random() < 0.08
            life.acknowledge(c.after(life.now, 1, 3) if late else c.after(life.now, 0, 0), hop)
        start = life.now
        duration = rng.randint(8, 30) if slow else rng.randint(1, 7)
        end = c.after(start, duration, duration)
        self._progress_until(life, start, end, hops[0].owner, hops[0])
        for hop in hops:
            rtype, text = self._resolution(life.spec.category, on_site=False)
            life.resolve(c.later(max(life.now, end), 5, 90), hop, rtype, text)

    def _generic(self, life: Life) -> None:
        c, rng, spec = self.clock, self.rng, life.spec
        self._first_report(life)
        slow = rng.random() < 0.2
        if spec.nature == Nature.INDIVIDUAL and rng.random() < 0.42:
            if rng.random() < 0.3:
                life.progress(c.after(life.now, 0, 1), life.commissioner)
            rtype, text = self._resolution(spec.category, on_site=True)
            life.resolve_on_site(c.after(life.now, 0, 6 if slow else 2), rtype, text)
        else:
            reasons = COMMON_REASONS if spec.nature == Nature.COMMON else ESCALATE_REASONS
            life.escalate(c.after(life.now, 0, 1), rng.choice(reasons))
            if rng.random() < 0.08:  # the command center or task force settles it itself
                life.progress(c.after(life.now, 0, 1), life.holder_user())
                rtype, text = self._resolution(spec.category, on_site=False)
                life.resolve(c.after(life.now, 1, 3), None, rtype, text)
            else:
                hops = life.dispatch(c.after(life.now, 0, 1), self._targets(life, 2 if rng.random() < 0.15 else 1),
                                     instructions=rng.choice(DISPATCH_NOTES))
                fate = rng.random()
                if fate < 0.07:  # 退单, then 改派
                    life.acknowledge(c.after(life.now, 0, 1), hops[0])
                    life.give_back(c.after(life.now, 0, 2), hops[0], ReturnKind.WRONG_UNIT, rng.choice(WRONG_UNIT))
                    if life.status == Status.ESCALATED:
                        hops = life.dispatch(c.after(life.now, 0, 1), self._targets(life, 1, {hops[0].unit}),
                                             instructions="改派：" + rng.choice(DISPATCH_NOTES))
                    else:
                        hops = life.active(Tier.DEPARTMENT)
                elif fate < 0.12:  # beyond the department's power: the leadership task force
                    life.acknowledge(c.after(life.now, 0, 1), hops[0])
                    life.progress(c.after(life.now, 1, 2), hops[0].owner, hops[0], PROGRESS[4])
                    life.give_back(c.after(life.now, 0, 2), hops[0], ReturnKind.BEYOND_POWER, rng.choice(BEYOND_POWER))
                    targets = ([("sc-jxt", self.ctx.sections.get(("sc-jxt", "运行监测协调局")))]
                               if spec.category == "supply_chain" else self._targets(life, 1, {hops[0].unit}))
                    hops = life.dispatch(c.after(life.now, 0, 2), targets,
                                         instructions="领导专班交办：" + rng.choice(DISPATCH_NOTES))
                self._work_departments(life, hops, slow)
        self._after_resolution(life)

    def _after_resolution(self, life: Life) -> None:
        c, rng = self.clock, self.rng
        fate = rng.random()
        if fate < 0.05 and life.redo_count == 0:  # 不满意: 重办
            life.confirm(c.after(life.now, 0, 2), Rating.UNSATISFIED, rng.choice(UNSATISFIED))
            if life.status == Status.ACCEPTED:
                rtype, text = self._resolution(life.spec.category, on_site=True)
                life.resolve_on_site(c.after(life.now, 1, 3), rtype, text)
            elif life.status == Status.DISPATCHED:
                self._work_departments(life, life.active(Tier.DEPARTMENT), False)
            else:
                rtype, text = self._resolution(life.spec.category, on_site=False)
                life.resolve(c.after(life.now, 1, 3), None, rtype, text)
            fate = 0.5
        if fate < 0.14:  # no answer: the confirmation period expires
            life.expire(c.after(life.now, settings.QIFU_LEDGER["confirmation_days"] + 1,
                                settings.QIFU_LEDGER["confirmation_days"] + 1))
            return
        rating = rng.choices((Rating.SATISFIED, Rating.BASICALLY), (78, 22))[0]
        steps = [lambda: life.confirm(c.after(life.now, 0, 2), rating, rng.choice(SATISFIED_COMMENTS)),
                 lambda: life.check(c.after(life.now, 0, 2), "已回访企业，问题已解决。")]
        if rng.random() < 0.4:
            steps.reverse()
        for step in steps:
            step()

    def _maybe_chase(self, life: Life) -> None:
        """Supervisors chase (催办) about half of the problems that are overdue at DEMO_NOW."""
        if life.status not in (Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED):
            return
        due = min([life.deadline] + [h.deadline for h in life.active() if h.deadline])
        if due >= DEMO_NOW or self.rng.random() < 0.5:
            return
        at = self.clock.after(max(due, life.now), 1, 2)
        actor = self.unit_user.get(life.spec.district.command_center_code) if self.rng.random() < 0.7 else "leader"
        with suppress(Cut):
            life.chase(at, actor, self.rng.choice(CHASES))

    # --- the seed's cases, as the report tells them ---
    def _interns(self, life: Life) -> None:
        t = life.spec.reported_at
        at = lambda m, d, h, mi: datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)  # noqa: E731
        life.report(life.commissioner)
        life.accept(t)
        life.escalate(at(2, 5, 10, 45), "城际客运停运，需交通运输部门安排直通车，专员无法现场解决。")
        (hop,) = life.dispatch(at(2, 5, 14, 30), [("cd-jtj", self.ctx.sections[("cd-jtj", "道路运输管理处")])],
                               instructions="请协调泸州方面，安排直通大巴点对点接返66名实习生。")
        life.acknowledge(at(2, 5, 15, 5), hop)
        life.progress(at(2, 6, 11, 0), hop.owner, hop,
                      ("已与泸州市交通运输局对接，落实2辆直通大巴和沿途防疫查验。", "2月8日发车，点对点送达厂区。", ""))
        life.resolve(at(2, 8, 16, 30), hop, ResolutionType.SOLVED,
                     "交通运输部门安排2辆直通大巴，66名实习生于2月8日点对点安全返岗。")
        life.check(at(2, 10, 10, 0), "已回访企业，66名实习生全部到岗。")
        life.confirm(at(2, 10, 14, 20), Rating.SATISFIED, "感谢交通运输部门和专员的及时协调！")

    def _masks(self, life: Life) -> None:
        at = lambda m, d, h, mi: datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)  # noqa: E731
        life.report(life.commissioner)
        life.accept(life.spec.reported_at)
        life.escalate(at(2, 6, 10, 15), "20户配套企业同类需求，属共性问题，提请防疫物资保障专班统筹。")
        (hop,) = life.dispatch(at(2, 6, 14, 0), [("cd-jxj", self.ctx.sections[("cd-jxj", "运行监测协调处")])],
                               instructions="请统筹调配口罩、消毒液，优先保障一汽丰田本地配套企业复工。")
        life.acknowledge(at(2, 6, 14, 40), hop)
        life.progress(at(2, 8, 10, 30), hop.owner, hop,
                      ("已核实20户企业需求：口罩约2万只、消毒液500公斤。", "协调本地生产企业供货。", ""))
        life.resolve(at(2, 11, 17, 0), hop, ResolutionType.SOLVED,
                     "调配口罩2万只、消毒液500公斤，20户龙泉驿区配套企业已全部配齐防疫物资并复工。")

    def _chongqing(self, life: Life) -> None:
        at = lambda m, d, h, mi: datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)  # noqa: E731
        life.report(life.commissioner)
        life.accept(life.spec.reported_at)
        life.escalate(at(2, 10, 16, 0), "涉及重庆市12户配套企业，需市级层面协调。")
        (hop,) = life.dispatch(at(2, 11, 9, 30), [("cd-jxj", self.ctx.sections[("cd-jxj", "汽车产业处")])],
                               instructions="请对接重庆方面，推动配套企业复工。")
        life.acknowledge(at(2, 11, 10, 0), hop)
        life.give_back(at(2, 12, 16, 0), hop, ReturnKind.BEYOND_POWER,
                       "涉及跨省协调，超出市级部门职权，提请领导专班与省经信厅协调重庆市。")
        (prov,) = life.dispatch(at(2, 13, 9, 0), [("sc-jxt", self.ctx.sections[("sc-jxt", "运行监测协调局")])],
                                days=60, instructions="请省经信厅与重庆市经信委建立对接机制，逐户推动复工。")
        life.acknowledge(at(2, 13, 10, 30), prov)
        for when, text in (
            (at(2, 18, 16, 0), ("已与重庆市经信委建立对接机制，逐户核实12户企业复工条件。", "推动具备条件的企业复工。", "")),
            (at(2, 25, 16, 0), ("12户中已有5户复工。", "协调其余7户的员工返岗和防疫验收。", "")),
            (at(3, 10, 16, 0), ("12户中已有9户复工。", "跟进其余3户。", "")),
            (at(4, 22, 16, 0), ("12户中已有11户复工，剩余1户因员工返岗不足未达产。",
                                 "继续协调该企业员工返岗。", "该企业位于重庆，需当地政府支持。")),
        ):
            life.progress(when, prov.owner, prov, text)

    def _fever(self, life: Life) -> None:
        at = lambda m, d, h, mi: datetime(2020, m, d, h, mi, tzinfo=sc.SHANGHAI)  # noqa: E731
        life.report(life.commissioner)
        life.accept(life.spec.reported_at)
        for when, text in (
            (at(2, 17, 9, 30), ("陈晶晶到场，陪同员工到定点医院就诊并做CT检查，CT未见异常。",
                                "做核酸检测，同车间员工居家观察。", "")),
            (at(2, 17, 20, 0), ("第一次核酸检测阴性。", "间隔24小时做第二次核酸检测并请专家会诊。", "")),
            (at(2, 18, 17, 0), ("第二次核酸检测阴性，专家会诊排除新冠肺炎。", "向配套企业通报情况，恢复正常生产。", "")),
        ):
            life.progress(when, life.commissioner, None, text)
        life.resolve_on_site(at(2, 18, 17, 30), ResolutionType.SOLVED,
                             "专员现场处置：就医、CT、两次核酸检测阴性、专家会诊排除，已向供应链企业通报，恐慌平息。")
        life.confirm(at(2, 19, 9, 30), Rating.SATISFIED, "处置及时，稳住了员工和上下游。")
        life.check(at(2, 19, 10, 0), "已回访，企业生产正常。")

    # --- writing ---
    def write(self, lives: list[Life]) -> dict[str, int]:
        ctx = self.ctx
        unit_pk = {code: u.pk for code, u in ctx.units.items()}
        users = ctx.users
        categories = dict(ProblemCategory.objects.values_list("code", "pk"))
        cal = workdays.calendar()
        problems = []
        for life in lives:
            s = life.spec
            problems.append(Problem(
                number=s.number, enterprise_id=ctx.enterprises[s.enterprise.credit_code],
                region_code=s.enterprise.region,
                reported_by_id=users.get(life.reported_by or ""), channel=s.channel, title=s.title,
                description=s.description, category_id=categories[s.category], nature=s.nature, priority=s.priority,
                crisis_mode=s.crisis, status=life.status, tier=life.tier, responsible_unit_id=unit_pk.get(life.unit or ""),
                responsible_section_id=life.section, owner_id=users.get(life.owner or ""),
                first_receiver_id=users.get(life.first_receiver or ""), reported_at=s.reported_at,
                deadline=life.deadline, last_progress_at=life.last_progress_at, warning=life.warning,
                resolved_at=life.resolved_at, resolved_tier=life.resolved_tier,
                handling_days=round(cal.working_days_between(s.reported_at, life.resolved_at), 3)
                if life.resolved_at else None,
                resolved_unit_id=unit_pk.get(life.resolved_unit or ""), resolution_type=life.resolution_type,
                resolution=life.resolution, rating=life.rating, rating_comment=life.rating_comment,
                confirmed_at=life.confirmed_at, checked_at=life.checked_at, closed_at=life.closed_at,
                close_reason=life.close_reason, redo_count=life.redo_count, version=life.version,
            ))
        Problem.objects.bulk_create(problems, batch_size=BATCH)
        if any(p.pk is None for p in problems):  # a backend without RETURNING
            pks = dict(Problem.objects.filter(number__in=[p.number for p in problems]).values_list("number", "pk"))
            for p in problems:
                p.pk = pks[p.number]
        Problem.objects.filter(pk__in=[p.pk for p in problems]).update(created_at=F("reported_at"))

        hops: list[Assignment] = []
        for life, problem in zip(lives, problems, strict=True):
            for h in life.hops:
                h.obj = Assignment(
                    problem_id=problem.pk, tier=h.tier, unit_id=unit_pk[h.unit], section_id=h.section,
                    owner_id=users.get(h.owner or ""), leader_id=users.get(h.leader or ""),
                    assigned_by_id=users.get(h.assigned_by or ""), assigned_at=h.assigned_at, deadline=h.deadline,
                    status=h.status, acknowledged_at=h.acknowledged_at, finished_at=h.finished_at,
                    return_kind=h.return_kind, return_reason=h.return_reason, instructions=h.instructions,
                )
                hops.append(h.obj)
        Assignment.objects.bulk_create(hops, batch_size=BATCH)
        refresh_beyond_region([h.problem_id for h in hops])

        reports: list[ProgressReport] = []
        for life, problem in zip(lives, problems, strict=True):
            for r in life.reports:
                r.obj = ProgressReport(problem_id=problem.pk, assignment=r.hop.obj if r.hop else None,
                                       author_id=users[r.author], progress=r.progress, next_step=r.next_step,
                                       blocker=r.blocker, created_at=r.at)
                reports.append(r.obj)
        ProgressReport.objects.bulk_create(reports, batch_size=BATCH)

        def value(v: Any) -> Any:
            if isinstance(v, Hop):
                return v.obj.pk if v.obj else None
            if isinstance(v, Report):
                return v.obj.pk if v.obj else None
            if isinstance(v, str) and v in unit_pk:
                return unit_pk[v]
            if isinstance(v, list):
                return [value(x) for x in v]
            return v

        events: list[ProblemEvent] = []
        for life, problem in zip(lives, problems, strict=True):
            for e in life.events:
                from_status, from_tier = e.before or ("", "")
                events.append(ProblemEvent(
                    problem_id=problem.pk, code=e.code, actor_id=users.get(e.actor or ""), actor_label=e.label,
                    from_status=from_status, to_status=e.after[0], from_tier=from_tier, to_tier=e.after[1],
                    reason=e.reason, data={k: value(v) for k, v in e.data.items()}, created_at=e.at,
                ))
        ProblemEvent.objects.bulk_create(events, batch_size=BATCH)

        tops: dict[str, int] = {}
        for p in problems:
            prefix, _year, n = p.number.rsplit("-", 2)
            tops[prefix] = max(tops.get(prefix, 0), int(n))
        for prefix, top in sorted(tops.items()):
            seq, _created = LedgerSequence.objects.get_or_create(prefix=prefix, year=YEAR)
            if seq.last < top:
                LedgerSequence.objects.filter(pk=seq.pk).update(last=top)
        return {"problems": len(problems), "problem_assignments": len(hops), "progress_reports": len(reports),
                "problem_events": len(events)}


def link_categories(ctx: sc.Context) -> int:
    """Each category with common problems goes to its service task force (kept if an admin chose one)."""
    n = 0
    for code, unit in CATEGORY_TASK_FORCES.items():
        n += ProblemCategory.objects.filter(code=code, task_force__isnull=True).update(task_force=ctx.units[unit])
    return n


def load_ledger(ctx: sc.Context) -> None:
    """The demo ledger (see the module docstring); creates only the problems whose number is new."""
    ctx.created["category_links"] += link_categories(ctx)
    with _one_calendar() as cal:
        loader = Loader(ctx, cal)
        specs = loader.specs()
        loader.number(specs)
        existing = set(Problem.objects.filter(number__contains=f"-{YEAR}-").values_list("number", flat=True))
        # Every life is simulated (the random stream must not depend on what exists); only new ones are written.
        lives = [loader.live(spec) for spec in sorted(specs, key=lambda s: s.number)]
        new = [life for life in lives if life.spec.number not in existing]
        created = loader.write(new) if new else {}
    for key, n in created.items():
        ctx.created[key] += n
    ctx.say(f"  problems: {len(lives)} ({len(new)} new)")
