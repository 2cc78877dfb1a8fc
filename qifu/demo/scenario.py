"""The demo scenario from the seed report: Chengdu's resumption set-up and the Gulei work team.

``load()`` writes, idempotently and deterministically:

- the units: 成都市新冠肺炎疫情防控指挥部, a command center and an 经信局 for every Chengdu
  district/county (read from the Region table: the children of 510100), 6 city-level 协调服务专班,
  8 领导专班, the city departments with their sections, 四川省经济和信息化厅, and in Fujian the
  漳州 command center, 古雷港经济开发区管委会 and the 五人工作队 at the 古雷炼化一体化项目;
- exactly 3,588 above-scale industrial enterprises in Chengdu (``ABOVE_SCALE_TOTAL``), among them
  四川一汽丰田汽车有限公司 and its 26 Chengdu suppliers, plus its 14 suppliers outside Chengdu
  (``is_external=True``) and the Gulei enterprises; one contact each;
- the users: the named demo logins (``DEMO_LOGINS``), staff for every district, and one commissioner
  for every 5–6 enterprises, with one active ``CommissionerAssignment`` per enterprise in
  jurisdiction (一户一专员). External suppliers have no commissioner.

Counting conventions: ``above_scale`` marks membership in Chengdu's directory of above-scale
industrial enterprises, so exactly the 3,588 have it. The suppliers outside Chengdu are not in
that directory, and the Gulei project owner was still a construction site, so theirs is False.

This is a fixture loader, not a user action: it writes rows directly in bulk (one transaction, no
per-row services and no events) so that the whole scenario loads in seconds; it still goes through
the models and the database constraints. Rows are matched on stable keys (unit code, section name
within its unit, username, credit code, role grant triple); existing rows are never changed (except
that a demo unit without its coordination role gets it, see ``load_units``), so a second run creates
nothing. All randomness comes from ``random.Random`` instances seeded with ``SEED`` and the part's
name, so the same Region table always gives the same names and codes.

Later parts (ledger, supply chain, resumption…) add a function ``load_xxx(ctx)`` and append it to
``PARTS``; they find the units in ``ctx.units``, enterprises by credit code in ``ctx.enterprises``,
users by username in ``ctx.users``, and the plan (all specs) in ``ctx.plan``.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from qifu.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseContact
from qifu.organisations.choices import CoordinationRole, RegionLevel, Role, UnitKind
from qifu.organisations.models import Industry, Region, RoleGrant, Section, Unit, User

from . import names

SEED = 2020
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Commissioners were dispatched to the enterprises on the first working day after the extended holiday.
ASSIGNMENT_START = datetime(2020, 2, 3, 9, 0, tzinfo=SHANGHAI)
ASSIGNMENT_REASON = "一户一专员：首批派驻"

SICHUAN = "510000"
CHENGDU = "510100"
LONGQUANYI = "510112"
ZHANGZHOU = "350600"
# GB/T 2260 has no code for the Gulei development zone: the Gulei peninsula belongs to 漳浦县.
GULEI_REGION = "350623"

ABOVE_SCALE_TOTAL = 3588  # 全市3588户规上企业"一户一"服务专员
ENTERPRISES_PER_COMMISSIONER = 5.5
BATCH = 500


def rng_for(part: str) -> random.Random:
    """The seeded generator of one part of the scenario (independent of the other parts)."""
    return random.Random(f"{SEED}/{part}")  # noqa: S311 - demo data, not cryptography


# --- units ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    region: str
    short_name: str = ""
    parent: str | None = None
    domain: str = ""
    sections: tuple[str, ...] = ()
    sort_order: int = 0
    coordination_role: str = ""


HEADQUARTERS = UnitSpec(
    code="cd-hq",
    name="成都市新冠肺炎疫情防控指挥部",
    short_name="市指挥部",
    kind=UnitKind.HEADQUARTERS,
    region=CHENGDU,
    domain="全市疫情防控和复工复产统筹调度",
    sections=("指挥部办公室", "复工复产组"),
)

# 6 city-level 协调服务专班 for common problems (key, name, domain).
SERVICE_TASK_FORCES: tuple[dict[str, str], ...] = (
    {"key": "supplies", "name": "防疫物资保障专班", "domain": "口罩、消毒液、测温设备等防疫物资调配保障"},
    {"key": "logistics", "name": "物流运输保障专班", "domain": "通行证办理、货运通道、重点物资绿色通道"},
    {"key": "labour", "name": "用工保障专班", "domain": "员工返岗、点对点包车、招聘用工和稳岗"},
    {"key": "finance", "name": "资金金融保障专班", "domain": "信贷支持、贷款延期、融资担保、资金周转"},
    {"key": "chain", "name": "产业链协同专班", "domain": "上下游配套企业协同复工、零部件和原材料供应"},
    {"key": "policy", "name": "政策兑现专班", "domain": "减税降费、社保减免、租金减免等惠企政策兑现"},
)

# 8 领导专班, by theme (number, name, domain).
LEADERSHIP_TASK_FORCES: tuple[dict[str, Any], ...] = (
    {"n": 1, "name": "工业企业复工复产领导专班", "domain": "规上工业企业复工复产达产、产业链协同"},
    {"n": 2, "name": "重点项目建设领导专班", "domain": "市级重点项目复工和建设进度"},
    {"n": 3, "name": "商贸流通领导专班", "domain": "商贸、餐饮、市场保供和消费恢复"},
    {"n": 4, "name": "建筑业复工领导专班", "domain": "房屋建筑和市政工程复工"},
    {"n": 5, "name": "服务业和文旅领导专班", "domain": "生产性服务业、文化旅游企业复工"},
    {"n": 6, "name": "稳岗满岗领导专班", "domain": "稳岗满岗、农民工返岗、重点群体就业"},
    {"n": 7, "name": "农业生产领导专班", "domain": "春耕生产、农产品供应和农业企业复工"},
    {"n": 8, "name": "外资外贸领导专班", "domain": "外资企业、外贸订单和进出口物流"},
)

# City departments (责任单位) with their sections (责任科室).
CITY_DEPARTMENTS: tuple[dict[str, Any], ...] = (
    {"code": "cd-jxj", "key": "jxj", "name": "成都市经济和信息化局", "short_name": "市经信局",
     "domain": "工业运行、产业链协同、中小企业服务",
     "sections": ("运行监测协调处", "汽车产业处", "电子信息产业处", "中小企业服务处")},
    {"code": "cd-jtj", "key": "transport", "name": "成都市交通运输局", "short_name": "市交通运输局",
     "domain": "道路运输、通行证、返岗包车",
     "sections": ("综合运输处", "道路运输管理处", "应急办公室")},
    {"code": "cd-wjw", "key": "health", "name": "成都市卫生健康委员会", "short_name": "市卫健委",
     "domain": "疫情防控指导、核酸检测、发热员工处置",
     "sections": ("疾病预防控制处", "医政医管处", "卫生应急办公室")},
    {"code": "cd-rsj", "key": "hr", "name": "成都市人力资源和社会保障局", "short_name": "市人社局",
     "domain": "用工招聘、稳岗返还、社保减免",
     "sections": ("就业促进处", "劳动关系处", "社会保险处")},
    {"code": "cd-swj", "key": "commerce", "name": "成都市商务局", "short_name": "市商务局",
     "domain": "市场保供、外贸企业、商贸流通",
     "sections": ("市场运行处", "对外贸易处", "外商投资服务处")},
    {"code": "cd-jrj", "key": "finance", "name": "成都市地方金融监督管理局", "short_name": "市金融监管局",
     "domain": "企业融资、贷款展期、应急转贷",
     "sections": ("银行保险处", "地方金融发展处")},
    {"code": "cd-tax", "key": "tax", "name": "国家税务总局成都市税务局", "short_name": "市税务局",
     "domain": "减税降费、延期申报、出口退税",
     "sections": ("纳税服务处", "货物和劳务税处", "所得税处")},
    {"code": "cd-scjg", "key": "market", "name": "成都市市场监督管理局", "short_name": "市市场监管局",
     "domain": "防疫物资质量、价格监管、登记注册",
     "sections": ("登记注册处", "质量发展处", "价格监督检查处")},
)

PROVINCIAL_DEPARTMENT = UnitSpec(
    code="sc-jxt",
    name="四川省经济和信息化厅",
    short_name="省经信厅",
    kind=UnitKind.DEPARTMENT,
    region=SICHUAN,
    domain="全省工业运行调度、跨市州和跨省产业链协调",
    sections=("运行监测协调局", "汽车产业处"),
    sort_order=500,
    coordination_role=CoordinationRole.ECONOMIC_DEPARTMENT,
)

ECONOMIC_BUREAU_SECTIONS = ("综合科", "工业运行科", "企业服务科", "产业发展科")
LONGQUANYI_BUREAU_SECTIONS = ("综合科", "工业运行服务与信息电子科", "汽车产业科", "中小企业服务科", "产业合作科")

# "asks the city and province to coordinate the out-of-district and out-of-province ones": the province's office
# that takes cross-province coordination (the provincial economic department takes the other cities').
PROVINCIAL_COORDINATION = UnitSpec(
    code="sc-kszx",
    name="四川省新冠肺炎疫情防控指挥部跨省协调办公室",
    short_name="省跨省协调办",
    kind=UnitKind.SERVICE_TASK_FORCE,
    region=SICHUAN,
    domain="与外省（市）对接产业链配套企业复工、物资运输和人员返岗",
    sections=("产业链协调组", "运输保障组"),
    sort_order=510,
    coordination_role=CoordinationRole.CROSS_PROVINCE_OFFICE,
)

FUJIAN_UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        code="zz-cc",
        name="漳州市新冠肺炎疫情防控指挥部",
        short_name="漳州市指挥部",
        kind=UnitKind.COMMAND_CENTER,
        region=ZHANGZHOU,
        domain="漳州市疫情防控和复工复产",
        sort_order=600,
    ),
    UnitSpec(
        code="gulei-cc",
        name="漳州市古雷港经济开发区管理委员会",
        short_name="古雷港经开区管委会",
        kind=UnitKind.COMMAND_CENTER,
        region=GULEI_REGION,
        parent="zz-cc",
        domain="古雷石化产业园区复工复产和项目建设协调",
        sections=("建设局", "商务局", "经济发展局"),
        sort_order=610,
    ),
    UnitSpec(
        code="gulei-team",
        name="古雷炼化一体化项目驻企工作队",
        short_name="五人工作队",
        kind=UnitKind.WORK_TEAM,
        region=GULEI_REGION,
        parent="gulei-cc",
        domain="古雷炼化一体化项目：人员返岗、设备进场、物料运输",
        sort_order=620,
    ),
    UnitSpec(
        code="zz-jtj",
        name="漳州市交通运输局",
        short_name="漳州市交通运输局",
        kind=UnitKind.DEPARTMENT,
        region=ZHANGZHOU,
        domain="道路运输、车辆通行证、大件运输",
        sections=("综合运输科", "道路运输管理科"),
        sort_order=630,
    ),
)


@dataclass(frozen=True)
class District:
    """A Chengdu district or county as found in the Region table."""

    code: str
    name: str
    slug: str

    @property
    def is_city(self) -> bool:  # 县级市: 都江堰市, 彭州市…
        return self.name.endswith("市")

    @property
    def place(self) -> str:
        """How an address starts: 成都市龙泉驿区."""
        return "成都市" + self.name

    @property
    def command_center_code(self) -> str:
        return f"{self.slug}-cc"

    @property
    def bureau_code(self) -> str:
        return f"{self.slug}-jxj"


def unit_specs(districts: list[District]) -> list[UnitSpec]:
    """Every unit of the scenario, parents before children."""
    specs = [HEADQUARTERS]
    for i, d in enumerate(districts):
        if d.code == LONGQUANYI:
            name, short = "成都经开区（龙泉驿区）新冠肺炎疫情防控指挥部", "成都经开区（龙泉驿区）指挥部"
        else:
            name, short = f"{d.name}新冠肺炎疫情防控指挥部", f"{d.name}指挥部"
        specs.append(
            UnitSpec(
                code=d.command_center_code, name=name, short_name=short, kind=UnitKind.COMMAND_CENTER,
                region=d.code, parent=HEADQUARTERS.code, domain=f"{d.name}复工复产个性问题协调",
                sections=("指挥部办公室",), sort_order=10 + i,
            )
        )
    for i, tf in enumerate(SERVICE_TASK_FORCES):
        specs.append(
            UnitSpec(
                code=f"tf-{tf['key']}", name=f"成都市{tf['name']}", short_name=tf["name"],
                kind=UnitKind.SERVICE_TASK_FORCE, region=CHENGDU, parent=HEADQUARTERS.code,
                domain=tf["domain"], sort_order=100 + i,
            )
        )
    for lt in LEADERSHIP_TASK_FORCES:
        specs.append(
            UnitSpec(
                code=f"lead-{lt['n']}", name=f"成都市{lt['name']}", short_name=lt["name"],
                kind=UnitKind.LEADERSHIP_TASK_FORCE, region=CHENGDU, parent=HEADQUARTERS.code,
                domain=lt["domain"], sort_order=200 + lt["n"],
            )
        )
    for i, dept in enumerate(CITY_DEPARTMENTS):
        specs.append(
            UnitSpec(
                code=dept["code"], name=dept["name"], short_name=dept["short_name"], kind=UnitKind.DEPARTMENT,
                region=CHENGDU, domain=dept["domain"], sections=dept["sections"], sort_order=300 + i,
            )
        )
    for i, d in enumerate(districts):
        specs.append(
            UnitSpec(
                code=d.bureau_code,
                name=("" if d.is_city else "成都市") + f"{d.name}经济和信息化局",
                short_name=f"{d.name}经信局",
                kind=UnitKind.ECONOMIC_BUREAU,
                region=d.code,
                parent=d.command_center_code,
                domain="工业运行、规上工业企业服务专员派驻",
                sections=LONGQUANYI_BUREAU_SECTIONS if d.code == LONGQUANYI else ECONOMIC_BUREAU_SECTIONS,
                sort_order=400 + i,
            )
        )
    specs.append(PROVINCIAL_DEPARTMENT)
    specs.append(PROVINCIAL_COORDINATION)
    specs.extend(FUJIAN_UNITS)
    return specs


# --- enterprises ------------------------------------------------------------------------------

FAW_LOGIN_NAME = "刘志强"  # FAW Toyota's contact person, the `faw_contact` login
FAW_TOYOTA: dict[str, Any] = {
    "name": "四川一汽丰田汽车有限公司",
    "region": LONGQUANYI,
    "industry": "36",
    "headcount": 3200,
    "annual_output": 2_400_000,  # 万元: about 24 billion yuan a year, by far the district's largest plant
    "address": "成都市龙泉驿区车城东七路1号",
}

# Sichuan FAW Toyota's 40 suppliers, as the seed counts them: 28 in Sichuan (26 in Chengdu, 20 of
# those in Longquanyi) and 12 in Chongqing. Names other than 天津矢崎 are invented.
FAW_TOYOTA_SUPPLIERS: tuple[dict[str, str], ...] = (
    # 龙泉驿区 (20)
    {"name": "天津矢崎汽车配件有限公司成都分公司", "region": "510112", "industry": "36", "part": "汽车线束"},
    {"name": "成都丰联汽车座椅有限公司", "region": "510112", "industry": "36", "part": "座椅总成"},
    {"name": "成都华锐汽车内饰件有限公司", "region": "510112", "industry": "36", "part": "门护板和仪表板内饰"},
    {"name": "成都金驰汽车零部件有限公司", "region": "510112", "industry": "36", "part": "车身冲压件"},
    {"name": "成都瑞丰汽车玻璃有限公司", "region": "510112", "industry": "36", "part": "风挡和车窗玻璃"},
    {"name": "成都东川汽车保险杠有限公司", "region": "510112", "industry": "36", "part": "前后保险杠"},
    {"name": "成都佳诚汽车空调有限公司", "region": "510112", "industry": "36", "part": "空调系统"},
    {"name": "成都欣旺汽车灯具有限公司", "region": "510112", "industry": "36", "part": "前照灯和尾灯"},
    {"name": "成都恒泰汽车排气系统有限公司", "region": "510112", "industry": "36", "part": "排气系统"},
    {"name": "成都新宇汽车制动系统有限公司", "region": "510112", "industry": "36", "part": "制动器总成"},
    {"name": "成都川丰汽车焊装件有限公司", "region": "510112", "industry": "36", "part": "车身焊接总成"},
    {"name": "成都博越汽车电子有限公司", "region": "510112", "industry": "36", "part": "组合仪表"},
    {"name": "成都联盛汽车密封件有限公司", "region": "510112", "industry": "29", "part": "车门密封条"},
    {"name": "成都中嘉汽车悬架有限公司", "region": "510112", "industry": "36", "part": "悬架总成"},
    {"name": "成都龙腾汽车转向系统有限公司", "region": "510112", "industry": "36", "part": "转向机"},
    {"name": "成都宏远汽车散热器有限公司", "region": "510112", "industry": "36", "part": "散热器"},
    {"name": "成都天龙汽车紧固件有限公司", "region": "510112", "industry": "34", "part": "紧固件"},
    {"name": "成都盛世汽车塑料件有限公司", "region": "510112", "industry": "29", "part": "注塑件"},
    {"name": "成都蓝翔汽车地毯有限公司", "region": "510112", "industry": "36", "part": "地毯和隔音垫"},
    {"name": "成都瑞祥汽车油箱有限公司", "region": "510112", "industry": "36", "part": "燃油箱"},
    # elsewhere in Chengdu (6)
    {"name": "成都川锋汽车蓄电池有限公司", "region": "510114", "industry": "38", "part": "蓄电池"},
    {"name": "成都华川汽车轮毂有限公司", "region": "510114", "industry": "36", "part": "铝合金轮毂"},
    {"name": "成都航宇汽车减震器有限公司", "region": "510116", "industry": "36", "part": "减震器"},
    {"name": "成都青江钢材加工配送有限公司", "region": "510113", "industry": "33", "part": "钢板剪切配送"},
    {"name": "成都德川汽车涂料有限公司", "region": "510117", "industry": "26", "part": "车身涂料"},
    {"name": "成都安驰汽车安全系统有限公司", "region": "510115", "industry": "36", "part": "安全带和气囊"},
    # elsewhere in Sichuan (2)
    {"name": "德阳泰鑫铸造有限公司", "region": "510603", "industry": "33", "part": "发动机缸体铸件"},
    {"name": "绵阳川宇精密机械有限公司", "region": "510703", "industry": "36", "part": "曲轴精加工件"},
    # Chongqing (12)
    {"name": "重庆渝丰汽车变速器有限公司", "region": "500110", "industry": "36", "part": "变速器"},
    {"name": "重庆长鑫汽车冲压件有限公司", "region": "500111", "industry": "36", "part": "底盘冲压件"},
    {"name": "重庆巴南汽车轮胎有限公司", "region": "500113", "industry": "29", "part": "轮胎"},
    {"name": "重庆渝鑫汽车电子有限公司", "region": "500151", "industry": "36", "part": "发动机控制器"},
    {"name": "重庆九龙汽车车桥有限公司", "region": "500107", "industry": "36", "part": "后桥总成"},
    {"name": "重庆璧山汽车齿轮有限公司", "region": "500120", "industry": "36", "part": "齿轮"},
    {"name": "重庆江津汽车铸件有限公司", "region": "500116", "industry": "33", "part": "制动盘铸件"},
    {"name": "重庆嘉陵汽车仪表有限公司", "region": "500106", "industry": "40", "part": "传感器"},
    {"name": "重庆宏川汽车线缆有限公司", "region": "500118", "industry": "38", "part": "线缆"},
    {"name": "重庆缙云汽车密封件有限公司", "region": "500109", "industry": "29", "part": "油封"},
    {"name": "重庆合信汽车活塞有限公司", "region": "500117", "industry": "36", "part": "活塞"},
    {"name": "重庆长化汽车涂装材料有限公司", "region": "500115", "industry": "26", "part": "电泳漆"},
)

GULEI_PROJECT = "古雷炼化一体化项目"
GULEI_OWNER: dict[str, Any] = {
    "name": "福建古雷石化有限公司",
    "region": GULEI_REGION,
    "industry": "25",
    "headcount": 1500,
    "address": "福建省漳州市古雷港经济开发区古雷石化产业园区",
    "key_enterprise": True,
    "contacts": (("朱森红", "施工管理部主任"), ("张强", "项目管理部主任")),
    "commissioner": "gulei_team",
}
GULEI_ENTERPRISES: tuple[dict[str, Any], ...] = (
    GULEI_OWNER,
    {"name": "漳州古雷新材料有限公司", "region": GULEI_REGION, "industry": "26", "headcount": 320,
     "address": "福建省漳州市古雷港经济开发区石化大道18号", "key_enterprise": False,
     "contacts": (("林国栋", "综合管理部经理"),), "commissioner": "gulei_sw"},
    {"name": "漳州古雷港口工程有限公司", "region": GULEI_REGION, "industry": "48", "headcount": 260,
     "address": "福建省漳州市古雷港经济开发区港前路6号", "key_enterprise": False,
     "contacts": (("黄志明", "工程部经理"),), "commissioner": "gulei_js1"},
)

# How many of the 3,588 are in each district (relative weights; central districts are light), and
# which industries weigh more there. Districts missing here get DEFAULT_DISTRICT_WEIGHT.
DISTRICT_PROFILES: dict[str, tuple[int, dict[str, float]]] = {
    "锦江": (20, {"23": 3, "14": 2}),
    "青羊": (50, {"37": 4, "23": 2, "39": 2}),
    "金牛": (60, {"14": 2, "23": 2, "39": 1.5}),
    "武侯": (90, {"19": 6, "39": 2, "23": 2}),
    "成华": (70, {"35": 2, "34": 2, "23": 1.5}),
    "龙泉驿": (430, {"36": 9, "34": 1.5, "33": 1.5, "29": 1.5}),
    "青白江": (230, {"31": 6, "26": 2, "30": 2, "32": 2}),
    "新都": (410, {"21": 4, "34": 2, "35": 2, "37": 2, "38": 1.5}),
    "温江": (160, {"27": 4, "14": 1.5}),
    "双流": (340, {"39": 3, "27": 2, "37": 2.5}),
    "郫都": (300, {"39": 3, "14": 1.5, "27": 1.5}),
    "郫": (300, {"39": 3, "14": 1.5, "27": 1.5}),
    "新津": (170, {"30": 2, "35": 2, "29": 1.5}),
    "金堂": (160, {"26": 2, "30": 2, "44": 2}),
    "大邑": (120, {"14": 2, "30": 2}),
    "蒲江": (100, {"13": 3, "14": 3, "15": 2}),
    "都江堰": (110, {"14": 2, "15": 2, "27": 2}),
    "彭州": (210, {"25": 8, "26": 3, "27": 2}),
    "邛崃": (180, {"15": 5, "14": 2}),
    "崇州": (200, {"21": 3, "15": 2, "14": 1.5}),
    "简阳": (130, {"13": 2, "30": 2, "36": 1.5}),
}
DEFAULT_DISTRICT_WEIGHT = 50

# Citywide weights of the GB/T 4754-2017 divisions among above-scale industry.
INDUSTRY_WEIGHTS: dict[str, float] = {
    "13": 4, "14": 4, "15": 3, "17": 1, "18": 2, "19": 1.5, "20": 1, "21": 3, "22": 1.5, "23": 2,
    "24": 0.8, "25": 0.3, "26": 4, "27": 5, "28": 0.2, "29": 4, "30": 7, "31": 1, "32": 1, "33": 5,
    "34": 6, "35": 5, "36": 6, "37": 2.5, "38": 5, "39": 7, "40": 1.5, "41": 0.5, "42": 0.5,
    "43": 0.3, "44": 2, "45": 0.8, "46": 1,
}

CONTACT_POSITIONS = ("总经理", "副总经理", "行政部经理", "生产部经理", "安环部部长", "办公室主任", "综合管理部部长")


@dataclass(frozen=True)
class ContactSpec:
    name: str
    position: str
    phone: str
    is_primary: bool = True
    username: str | None = None  # the contact's login, if any


@dataclass(frozen=True)
class EnterpriseSpec:
    name: str
    credit_code: str
    region: str
    industry: str
    above_scale: bool
    key_enterprise: bool
    address: str
    headcount: int
    is_external: bool
    contacts: tuple[ContactSpec, ...]
    commissioner: str | None = None  # username; None for external enterprises
    supplies: str = ""  # the part supplied to FAW Toyota, for its suppliers
    annual_output: Decimal | None = None  # 万元; None: unknown (external enterprises)


def district_quotas(districts: list[District], total: int = ABOVE_SCALE_TOTAL) -> dict[str, int]:
    """How many above-scale enterprises each district gets, summing to ``total`` (largest remainder)."""
    weights = {
        d.code: DISTRICT_PROFILES.get(names.name_stem(d.name), (DEFAULT_DISTRICT_WEIGHT, {}))[0] for d in districts
    }
    scale = total / sum(weights.values())
    exact = {code: w * scale for code, w in weights.items()}
    quotas = {code: math.floor(x) for code, x in exact.items()}
    short = total - sum(quotas.values())
    for code in sorted(exact, key=lambda c: (quotas[c] - exact[c], c))[:short]:
        quotas[code] += 1
    return quotas


def industry_weights(district: District) -> dict[str, float]:
    boosts = DISTRICT_PROFILES.get(names.name_stem(district.name), (0, {}))[1]
    return {code: w * boosts.get(code, 1) for code, w in INDUSTRY_WEIGHTS.items()}


def _contact(rng: random.Random, area_code: str = "028") -> ContactSpec:
    phone = names.mobile(rng) if rng.random() < 0.8 else names.landline(rng, area_code)
    return ContactSpec(name=names.person_name(rng), position=rng.choice(CONTACT_POSITIONS), phone=phone)


def _headcount(rng: random.Random) -> int:
    return max(20, min(5000, int(rng.lognormvariate(4.9, 0.8))))


def with_outputs(specs: list[EnterpriseSpec]) -> list[EnterpriseSpec]:
    """Annual output (万元) from the headcount and an output per worker (its own random stream, so the rest of
    the scenario does not change); unknown for external enterprises and a few small ones."""
    rng = rng_for("output")
    out = []
    for e in specs:
        if e.name == FAW_TOYOTA["name"]:
            value: Decimal | None = Decimal(FAW_TOYOTA["annual_output"])
        else:
            per_worker = rng.uniform(40, 160)  # 万元 per worker
            unknown = e.is_external or rng.random() < 0.04
            value = None if unknown else Decimal(int(e.headcount * per_worker))
        out.append(replace(e, annual_output=value))
    return out


def enterprise_specs(districts: list[District]) -> list[EnterpriseSpec]:
    """All enterprises of the scenario, commissioners not yet set (see ``commissioner_plan``).

    Credit-code counters: FAW Toyota 1, its suppliers 100+, Gulei 200+, generated ones 1000+.
    """
    by_code = {d.code: d for d in districts}
    rng = rng_for("suppliers")
    used = {FAW_TOYOTA["name"], *(s["name"] for s in FAW_TOYOTA_SUPPLIERS), *(g["name"] for g in GULEI_ENTERPRISES)}
    fixed: list[EnterpriseSpec] = [
        EnterpriseSpec(
            name=FAW_TOYOTA["name"], credit_code=names.credit_code(FAW_TOYOTA["region"], 1),
            region=FAW_TOYOTA["region"], industry=FAW_TOYOTA["industry"], above_scale=True, key_enterprise=True,
            address=FAW_TOYOTA["address"], headcount=FAW_TOYOTA["headcount"], is_external=False,
            contacts=(ContactSpec(FAW_LOGIN_NAME, "总务部部长", names.landline(rng), username="faw_contact"),),
        )
    ]
    for i, s in enumerate(FAW_TOYOTA_SUPPLIERS):
        in_chengdu = s["region"].startswith(CHENGDU[:4])
        if in_chengdu and s["region"] not in by_code:
            raise ImproperlyConfigured(f"Supplier region {s['region']} is not a Chengdu district in the Region table.")
        place = by_code[s["region"]].place if in_chengdu else ""
        area = "023" if s["region"].startswith("50") else "028" if in_chengdu else "0838"
        fixed.append(
            EnterpriseSpec(
                name=s["name"], credit_code=names.credit_code(s["region"], 100 + i), region=s["region"],
                industry=s["industry"], above_scale=in_chengdu, key_enterprise=s["region"] == LONGQUANYI,
                address=names.address(rng, place) if place else "", headcount=_headcount(rng),
                is_external=not in_chengdu, contacts=(_contact(rng, area),), supplies=s["part"],
            )
        )
    for i, g in enumerate(GULEI_ENTERPRISES):
        fixed.append(
            EnterpriseSpec(
                name=g["name"], credit_code=names.credit_code(g["region"], 200 + i), region=g["region"],
                industry=g["industry"], above_scale=False, key_enterprise=g["key_enterprise"],
                address=g["address"], headcount=g["headcount"], is_external=False,
                contacts=tuple(
                    ContactSpec(n, p, names.landline(rng, "0596"), is_primary=j == 0)
                    for j, (n, p) in enumerate(g["contacts"])
                ),
                commissioner=g["commissioner"],
            )
        )

    fixed_per_district = Counter(e.region for e in fixed if e.above_scale)
    quotas = district_quotas(districts)
    rng = rng_for("enterprises")
    generated: list[EnterpriseSpec] = []
    for d in districts:
        count = quotas[d.code] - fixed_per_district[d.code]
        if count < 0:
            raise ImproperlyConfigured(f"{d.name} has more fixed enterprises than its quota.")
        weights = industry_weights(d)
        codes, w = list(weights), list(weights.values())
        for _ in range(count):
            industry = rng.choices(codes, w)[0]
            generated.append(
                EnterpriseSpec(
                    name=names.enterprise_name(rng, industry, used),
                    credit_code=names.credit_code(d.code, 1000 + len(generated)),
                    region=d.code, industry=industry, above_scale=True, key_enterprise=rng.random() < 0.1,
                    address=names.address(rng, d.place), headcount=_headcount(rng), is_external=False,
                    contacts=(_contact(rng),),
                )
            )
    return with_outputs(fixed + generated)


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    grants: tuple[tuple[str, str | None], ...]  # (role, unit code or None)
    unit: str | None = None
    section: str | None = None
    title: str = ""
    phone: str = ""
    is_staff: bool = False
    is_superuser: bool = False



# One memorable login per role (and the people the seed names). Order = the table the command prints.
DEMO_LOGINS: tuple[UserSpec, ...] = (
    UserSpec("admin", "系统管理员", ((Role.ADMINISTRATOR, None),), unit="cd-hq", title="平台管理员",
             is_staff=True, is_superuser=True),
    UserSpec("leader", "王振华", ((Role.LEADERSHIP, "lead-1"),), unit="lead-1", title="专班副组长"),
    UserSpec("cd_hq", "刘畅", ((Role.COMMAND_CENTER, "cd-hq"),), unit="cd-hq", section="指挥部办公室",
             title="指挥部办公室值班员"),
    UserSpec("lqy_cc", "李娟", ((Role.COMMAND_CENTER, "lqy-cc"),), unit="lqy-cc", section="指挥部办公室",
             title="指挥部办公室副主任"),
    UserSpec("tf_supplies", "赵宇航", ((Role.TASK_FORCE, "tf-supplies"),), unit="tf-supplies", title="专班联络员"),
    UserSpec("tf_logistics", "罗文杰", ((Role.TASK_FORCE, "tf-logistics"),), unit="tf-logistics", title="专班联络员"),
    UserSpec("tf_labour", "何丽萍", ((Role.TASK_FORCE, "tf-labour"),), unit="tf-labour", title="专班联络员"),
    UserSpec("tf_finance", "邓超", ((Role.TASK_FORCE, "tf-finance"),), unit="tf-finance", title="专班联络员"),
    UserSpec("tf_chain", "曾晓东", ((Role.TASK_FORCE, "tf-chain"),), unit="tf-chain", title="专班联络员"),
    UserSpec("tf_policy", "唐静", ((Role.TASK_FORCE, "tf-policy"),), unit="tf-policy", title="专班联络员"),
    UserSpec("dept_transport", "孙浩", ((Role.DEPARTMENT, "cd-jtj"),), unit="cd-jtj", section="道路运输管理处",
             title="副处长"),
    UserSpec("dept_jxj", "张敏", ((Role.DEPARTMENT, "cd-jxj"),), unit="cd-jxj", section="汽车产业处", title="处长"),
    UserSpec("dept_health", "黄倩", ((Role.DEPARTMENT, "cd-wjw"),), unit="cd-wjw", section="疾病预防控制处",
             title="副处长"),
    UserSpec("dept_hr", "杨帆", ((Role.DEPARTMENT, "cd-rsj"),), unit="cd-rsj", section="就业促进处", title="科员"),
    UserSpec("dept_commerce", "吴婷", ((Role.DEPARTMENT, "cd-swj"),), unit="cd-swj", section="市场运行处",
             title="副处长"),
    UserSpec("dept_finance", "郑磊", ((Role.DEPARTMENT, "cd-jrj"),), unit="cd-jrj", section="银行保险处",
             title="处长"),
    UserSpec("dept_tax", "冯佳", ((Role.DEPARTMENT, "cd-tax"),), unit="cd-tax", section="纳税服务处",
             title="副处长"),
    UserSpec("dept_market", "韩雪", ((Role.DEPARTMENT, "cd-scjg"),), unit="cd-scjg", section="质量发展处",
             title="科员"),
    UserSpec("sc_jxt", "谢国强", ((Role.DEPARTMENT, "sc-jxt"),), unit="sc-jxt", section="运行监测协调局",
             title="副局长"),
    UserSpec("sc_kszx", "罗明远", ((Role.TASK_FORCE, "sc-kszx"),), unit="sc-kszx", section="产业链协调组",
             title="产业链协调组组长"),
    UserSpec("lqy_jxj", "周雪梅", ((Role.DEPARTMENT, "lqy-jxj"),), unit="lqy-jxj", section="综合科", title="综合科科长"),
    UserSpec("yexianghua", "叶向华", ((Role.DEPARTMENT, "lqy-jxj"),), unit="lqy-jxj", title="副局长（分管工业运行）"),
    UserSpec("chenjingjing", "陈晶晶", ((Role.COMMISSIONER, "lqy-jxj"),), unit="lqy-jxj",
             section="工业运行服务与信息电子科", title="工业运行服务与信息电子科科长"),
    UserSpec("faw_contact", FAW_LOGIN_NAME, ((Role.ENTERPRISE_CONTACT, None),), title="四川一汽丰田总务部部长"),
    UserSpec("gulei_team", "詹伟", ((Role.COMMISSIONER, "gulei-team"),), unit="gulei-team",
             title="古雷港经济开发区党工委副书记、工作队队长"),
    UserSpec("gulei_js1", "林志鹏", ((Role.COMMISSIONER, "gulei-team"),), unit="gulei-team", title="建设局工程科科长"),
    UserSpec("gulei_js2", "陈建明", ((Role.COMMISSIONER, "gulei-team"),), unit="gulei-team", title="建设局科员"),
    UserSpec("gulei_sw", "郑雅琴", ((Role.COMMISSIONER, "gulei-team"),), unit="gulei-team", title="商务局副局长"),
    UserSpec("gulei_jf", "吴建辉", ((Role.COMMISSIONER, "gulei-team"),), unit="gulei-team", title="经发局科长"),
    UserSpec("gulei_cc", "黄少华", ((Role.COMMAND_CENTER, "gulei-cc"),), unit="gulei-cc", section="经济发展局",
             title="管委会值班员"),
    UserSpec("zz_transport", "许志雄", ((Role.DEPARTMENT, "zz-jtj"),), unit="zz-jtj", section="道路运输管理科",
             title="通行证审批"),
)
GULEI_WORK_TEAM = ("gulei_team", "gulei_js1", "gulei_js2", "gulei_sw", "gulei_jf")
# Besides FAW Toyota, 陈晶晶 serves these Longquanyi suppliers.
CHEN_JINGJING_ALSO_SERVES = (
    "天津矢崎汽车配件有限公司成都分公司",
    "成都丰联汽车座椅有限公司",
    "成都华锐汽车内饰件有限公司",
    "成都金驰汽车零部件有限公司",
)
COMMISSIONER_TITLES = ("科员", "科员", "一级科员", "四级主任科员", "副科长", "科长")


def commissioner_username(district: District, n: int) -> str:
    return f"{district.slug}_zy{n:03d}"


def people_and_assignments(
    districts: list[District], enterprises: list[EnterpriseSpec]
) -> tuple[list[UserSpec], list[EnterpriseSpec]]:
    """The users, and the enterprises with their commissioner set (一户一专员)."""
    rng = rng_for("people")
    named = {u.username: u for u in DEMO_LOGINS}
    users: list[UserSpec] = list(DEMO_LOGINS)
    for d in districts:
        sections = LONGQUANYI_BUREAU_SECTIONS if d.code == LONGQUANYI else ECONOMIC_BUREAU_SECTIONS
        for username, grant, unit, section, title in (
            (f"{d.slug}_cc", Role.COMMAND_CENTER, d.command_center_code, "指挥部办公室", "指挥部办公室工作人员"),
            (f"{d.slug}_jxj", Role.DEPARTMENT, d.bureau_code, sections[0], "科员"),
        ):
            if username not in named:
                users.append(
                    UserSpec(username, names.person_name(rng), ((grant, unit),), unit=unit, section=section,
                             title=title, phone=names.mobile(rng))
                )

    chen_serves = {FAW_TOYOTA["name"], *CHEN_JINGJING_ALSO_SERVES}
    commissioner_of: dict[str, str] = {e.name: "chenjingjing" for e in enterprises if e.name in chen_serves}
    for d in districts:
        local = [e for e in enterprises if e.region == d.code and e.name not in commissioner_of]
        sections = LONGQUANYI_BUREAU_SECTIONS if d.code == LONGQUANYI else ECONOMIC_BUREAU_SECTIONS
        served_by_chen = len(chen_serves) if d.code == LONGQUANYI else 0
        total = max(1, round((len(local) + served_by_chen) / ENTERPRISES_PER_COMMISSIONER))
        count = max(1, total - (1 if served_by_chen else 0))
        usernames = [commissioner_username(d, n) for n in range(1, count + 1)]
        for username in usernames:
            users.append(
                UserSpec(
                    username, names.person_name(rng), ((Role.COMMISSIONER, d.bureau_code),), unit=d.bureau_code,
                    section=rng.choice(sections[1:]), title=rng.choice(COMMISSIONER_TITLES), phone=names.mobile(rng),
                )
            )
        order = list(range(len(local)))
        rng.shuffle(order)
        for k, idx in enumerate(order):
            commissioner_of[local[idx].name] = usernames[k % len(usernames)]

    assigned = [
        e if e.is_external or e.commissioner else _with_commissioner(e, commissioner_of[e.name]) for e in enterprises
    ]
    return users, assigned


def _with_commissioner(e: EnterpriseSpec, username: str) -> EnterpriseSpec:
    return replace(e, commissioner=username)


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything the scenario will write, computed from the Region table alone."""

    districts: list[District]
    units: list[UnitSpec]
    enterprises: list[EnterpriseSpec]
    users: list[UserSpec]


def chengdu_districts(regions: dict[str, Region]) -> list[District]:
    found = [
        r for r in regions.values()
        if r.parent_id == CHENGDU and r.level == RegionLevel.COUNTY and r.name != "市辖区"
    ]
    districts = [District(r.code, r.name, names.district_slug(r.code, r.name)) for r in sorted(found, key=lambda r: r.code)]
    slugs = Counter(d.slug for d in districts)
    return [d if slugs[d.slug] == 1 else District(d.code, d.name, f"d{d.code}") for d in districts]


def build_plan(regions: dict[str, Region]) -> Plan:
    districts = chengdu_districts(regions)
    if not districts:
        raise ImproperlyConfigured(
            "The Region table has no districts under 510100 成都市: run `manage.py migrate` to load the reference data."
        )
    enterprises = enterprise_specs(districts)
    users, enterprises = people_and_assignments(districts, enterprises)
    return Plan(districts=districts, units=unit_specs(districts), enterprises=enterprises, users=users)


# --- the loader -------------------------------------------------------------------------------


class DemoRefused(ImproperlyConfigured):
    """The demo cannot be loaded here (production without an explicit demo password)."""


@dataclass
class Login:
    username: str
    full_name: str
    role: str
    unit: str


@dataclass
class DemoSummary:
    created: dict[str, int]
    totals: dict[str, int]
    logins: list[Login]
    seconds: float


@dataclass
class Context:
    plan: Plan
    regions: dict[str, Region]
    industries: dict[str, Industry]
    password_hash: str
    stdout: TextIO | None = None
    units: dict[str, Unit] = field(default_factory=dict)  # by code
    sections: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit code, name) → id
    enterprises: dict[str, int] = field(default_factory=dict)  # credit code → id
    users: dict[str, int] = field(default_factory=dict)  # username → id
    created: Counter[str] = field(default_factory=Counter)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")


def load_units(ctx: Context) -> None:
    """Units (parents first, level by level) and their sections. The coordination roles are set on new units,
    and on existing demo units that have none while no other active unit of the region holds the role (a
    database loaded before units had roles), so routing finds 省经信厅 and 省跨省协调办 by their role."""
    specs = ctx.plan.units
    ctx.units = {u.code: u for u in Unit.objects.filter(code__in=[s.code for s in specs])}
    depth: dict[str, int] = {}
    for s in specs:
        depth[s.code] = 0 if s.parent is None else depth[s.parent] + 1
    for level in sorted(set(depth.values())):
        missing = [s for s in specs if depth[s.code] == level and s.code not in ctx.units]
        new = [
            Unit(
                code=s.code, name=s.name, short_name=s.short_name, kind=s.kind, region=ctx.regions[s.region],
                parent=ctx.units[s.parent] if s.parent else None, domain=s.domain, sort_order=s.sort_order,
                coordination_role=s.coordination_role,
            )
            for s in missing
        ]
        Unit.objects.bulk_create(new, batch_size=BATCH)
        ctx.created["units"] += len(new)
        if new:
            ctx.units.update({u.code: u for u in Unit.objects.filter(code__in=[s.code for s in missing])})
    for s in specs:
        unit = ctx.units[s.code]
        if s.coordination_role and not unit.coordination_role and not Unit.objects.filter(
            region_id=unit.region_id, coordination_role=s.coordination_role, is_active=True
        ).exists():
            unit.coordination_role = s.coordination_role
            unit.save(update_fields=["coordination_role"])
    by_id = {u.pk: code for code, u in ctx.units.items()}
    existing = {
        (by_id[unit_id], name): pk
        for pk, unit_id, name in Section.objects.filter(unit_id__in=by_id).values_list("pk", "unit_id", "name")
    }
    wanted = [(s.code, name) for s in specs for name in s.sections]
    new_sections = [Section(unit=ctx.units[code], name=name) for code, name in wanted if (code, name) not in existing]
    Section.objects.bulk_create(new_sections, batch_size=BATCH)
    ctx.created["sections"] += len(new_sections)
    ctx.sections = {
        (by_id[unit_id], name): pk
        for pk, unit_id, name in Section.objects.filter(unit_id__in=by_id).values_list("pk", "unit_id", "name")
    }
    ctx.say(f"  units: {len(ctx.units)}, sections: {len(ctx.sections)}")


def load_enterprises(ctx: Context) -> None:
    specs = ctx.plan.enterprises
    existing = dict(Enterprise.objects.values_list("credit_code", "pk"))
    new = [
        Enterprise(
            name=e.name, credit_code=e.credit_code, region=ctx.regions[e.region], industry=ctx.industries[e.industry],
            above_scale=e.above_scale, key_enterprise=e.key_enterprise, address=e.address, headcount=e.headcount,
            annual_output=e.annual_output, is_external=e.is_external,
        )
        for e in specs
        if e.credit_code not in existing
    ]
    Enterprise.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["enterprises"] += len(new)
    if new:
        existing = dict(Enterprise.objects.values_list("credit_code", "pk"))
    ctx.enterprises = {e.credit_code: existing[e.credit_code] for e in specs}
    ctx.say(f"  enterprises: {len(ctx.enterprises)}")


def load_users(ctx: Context) -> None:
    """Users with the one demo password hash, and their role grants."""
    specs = ctx.plan.users
    existing = dict(User.objects.filter(username__in=[u.username for u in specs]).values_list("username", "pk"))
    new = [
        User(
            username=u.username, password=ctx.password_hash, full_name=u.full_name, phone=u.phone, title=u.title,
            unit_id=ctx.units[u.unit].pk if u.unit else None,
            section_id=ctx.sections[(u.unit, u.section)] if u.unit and u.section else None,
            is_staff=u.is_staff, is_superuser=u.is_superuser, is_active=True,
        )
        for u in specs
        if u.username not in existing
    ]
    User.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["users"] += len(new)
    if new:
        existing = dict(User.objects.filter(username__in=[u.username for u in specs]).values_list("username", "pk"))
    ctx.users = existing

    have = set(RoleGrant.objects.filter(user_id__in=existing.values()).values_list("user_id", "role", "unit_id"))
    grants = []
    for u in specs:
        for role, unit_code in u.grants:
            key = (existing[u.username], str(role), ctx.units[unit_code].pk if unit_code else None)
            if key not in have:
                have.add(key)
                grants.append(RoleGrant(user_id=key[0], role=key[1], unit_id=key[2]))
    RoleGrant.objects.bulk_create(grants, batch_size=BATCH)
    ctx.created["role_grants"] += len(grants)
    ctx.say(f"  users: {len(ctx.users)}")


def load_contacts(ctx: Context) -> None:
    """One contact per enterprise (two at 福建古雷石化); FAW Toyota's is the ``faw_contact`` login."""
    ids = set(ctx.enterprises.values())
    with_contacts = set(EnterpriseContact.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", flat=True))
    new = [
        EnterpriseContact(
            enterprise_id=ctx.enterprises[e.credit_code], name=c.name, position=c.position, phone=c.phone,
            is_primary=c.is_primary, user_id=ctx.users[c.username] if c.username else None,
        )
        for e in ctx.plan.enterprises
        if ctx.enterprises[e.credit_code] not in with_contacts
        for c in e.contacts
    ]
    EnterpriseContact.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["contacts"] += len(new)


def load_assignments(ctx: Context) -> None:
    """One active commissioner per enterprise in jurisdiction, since ``ASSIGNMENT_START``."""
    ids = set(ctx.enterprises.values())
    served = set(
        CommissionerAssignment.objects.filter(enterprise_id__in=ids, ended_at__isnull=True).values_list(
            "enterprise_id", flat=True
        )
    )
    new = [
        CommissionerAssignment(
            enterprise_id=ctx.enterprises[e.credit_code], commissioner_id=ctx.users[e.commissioner],
            started_at=ASSIGNMENT_START, reason=ASSIGNMENT_REASON,
        )
        for e in ctx.plan.enterprises
        if e.commissioner and ctx.enterprises[e.credit_code] not in served
    ]
    CommissionerAssignment.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["assignments"] += len(new)
    ctx.say(f"  commissioner assignments: {len(served) + len(new)}")


def load_ledger(ctx: Context) -> None:
    """The problem ledger (qifu/demo/ledger.py; imported here because it builds on this module)."""
    from .ledger import load_ledger as load

    load(ctx)


def load_resumption(ctx: Context) -> None:
    """Daily resumption reports and power readings (qifu/demo/resumption.py)."""
    from .resumption import load_resumption as load

    load(ctx)


def load_supplychain(ctx: Context) -> None:
    """Supply networks: FAW Toyota's 40 suppliers, a second tier, two more plants (qifu/demo/supplychain.py)."""
    from .supplychain import load_supplychain as load

    load(ctx)


def load_workforce(ctx: Context) -> None:
    """The workforce return (qifu/demo/workforce.py)."""
    from .workforce import load_workforce as load

    load(ctx)


def load_projects(ctx: Context) -> None:
    """The Gulei key project: its equipment ledger, logistics requests and vehicle passes (qifu/demo/projects.py)."""
    from .projects import load_projects as load

    load(ctx)


def load_cooperation(ctx: Context) -> None:
    """Supply and demand listings, matches, contacts and deals (qifu/demo/cooperation.py)."""
    from .cooperation import load_cooperation as load

    load(ctx)


# The parts, in order. Later issues append theirs (each takes the Context, must be idempotent).
PARTS: list[Callable[[Context], None]] = [
    load_units, load_enterprises, load_users, load_contacts, load_assignments, load_ledger, load_resumption,
    load_supplychain, load_cooperation, load_projects, load_workforce,
]


def check_allowed() -> None:
    """Refuse in production unless QIFU_DEMO_PASSWORD was set explicitly."""
    if not settings.DEMO_PASSWORD:
        raise DemoRefused(
            "Refusing to load the demo: QIFU_ENV=production and QIFU_DEMO_PASSWORD is not set. "
            "Set QIFU_DEMO_PASSWORD explicitly if you really want demo users with a known password here."
            if settings.PRODUCTION
            else "Refusing to load the demo: the demo password is empty (set QIFU_DEMO_PASSWORD)."
        )


def totals() -> dict[str, int]:
    chengdu = Enterprise.objects.filter(region__code__startswith=CHENGDU[:4], is_external=False)
    return {
        "units": Unit.objects.count(),
        "sections": Section.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "chengdu_above_scale": chengdu.filter(above_scale=True).count(),
        "external": Enterprise.objects.filter(is_external=True).count(),
        "users": User.objects.count(),
        "commissioners": User.objects.filter(role_grants__role=Role.COMMISSIONER).distinct().count(),
        "role_grants": RoleGrant.objects.count(),
        "contacts": EnterpriseContact.objects.count(),
        "active_assignments": CommissionerAssignment.objects.filter(ended_at__isnull=True).count(),
    }


def logins(ctx: Context) -> list[Login]:
    result = []
    for u in DEMO_LOGINS:
        role = u.grants[0][0]
        unit = ctx.units[u.unit].name if u.unit else ""
        if role == Role.ENTERPRISE_CONTACT:
            unit = FAW_TOYOTA["name"]
        result.append(Login(u.username, u.full_name, str(Role(role).label), unit))
    return result


def load(*, stdout: TextIO | None = None) -> DemoSummary:
    """Load (or complete) the demo scenario; safe to run again."""
    check_allowed()
    started = time.monotonic()
    password_hash = make_password(settings.DEMO_PASSWORD)
    with transaction.atomic():
        regions = {r.code: r for r in Region.objects.all()}
        industries = {i.code: i for i in Industry.objects.all()}
        plan = build_plan(regions)
        needed = {s.region for s in plan.units} | {e.region for e in plan.enterprises}
        missing = sorted(needed - set(regions)) + sorted({e.industry for e in plan.enterprises} - set(industries))
        if missing:
            raise ImproperlyConfigured(
                f"Reference data missing ({', '.join(missing)}): run `manage.py migrate` first."
            )
        ctx = Context(plan=plan, regions=regions, industries=industries, password_hash=password_hash, stdout=stdout)
        for part in PARTS:
            part(ctx)
        summary_totals = totals()
    return DemoSummary(
        created=dict(ctx.created), totals=summary_totals, logins=logins(ctx), seconds=time.monotonic() - started
    )

