"""Word lists and generators for the demo scenario's Chinese names, codes and phone numbers.

Everything here is a pure function of its arguments and of the ``random.Random`` it is given:
the same seed gives the same names on every machine (string seeds are hashed with SHA-512 by
``random.Random``, independent of ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import random

from stdnum.cn import uscc

# --- people -----------------------------------------------------------------------------------

# Common Chinese surnames with rough weights (more common → heavier).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 72), ("张", 70), ("刘", 54), ("陈", 54), ("杨", 35), ("黄", 26), ("赵", 22),
    ("吴", 21), ("周", 21), ("徐", 16), ("孙", 15), ("马", 14), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("高", 11), ("林", 11), ("罗", 11), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6),
    ("肖", 6), ("田", 5), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 5), ("杜", 5), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("廖", 3), ("石", 3), ("贾", 3), ("付", 3), ("邹", 3),
    ("熊", 3), ("白", 3), ("孟", 3), ("秦", 3), ("邱", 3), ("侯", 3), ("江", 3), ("尹", 3),
    ("向", 2), ("雷", 2), ("文", 2), ("龚", 2), ("严", 2), ("黎", 2), ("牟", 2), ("敬", 1),
)
_SURNAME_CHARS = tuple(s for s, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in SURNAMES)

GIVEN_NAME_CHARS = (
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建文辉力玲燕红鹏宇飞斌浩凯晨"
    "欣怡婷雪梅琳志国庆海波峰亮俊晓东雯倩颖佳琪昊天泽瑞博林宏兴川蓉蜀锦"
)


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name: surname plus one or two given-name characters."""
    surname = rng.choices(_SURNAME_CHARS, weights=_SURNAME_WEIGHTS)[0]
    given = rng.choice(GIVEN_NAME_CHARS)
    if rng.random() < 0.7:
        second = rng.choice(GIVEN_NAME_CHARS)
        if second != given or rng.random() < 0.3:  # 晶晶-style doubled names exist but are rarer
            given += second
    return surname + given


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number (fictitious)."""
    prefix = rng.choice(("133", "135", "136", "137", "138", "139", "150", "152", "158", "180", "182", "189"))
    return prefix + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, area_code: str = "028") -> str:
    """A landline number with its area code (Chengdu 028, Zhangzhou 0596, Chongqing 023)."""
    return f"{area_code}-8{rng.randrange(10**7):07d}"


# --- enterprises ------------------------------------------------------------------------------

# Characters that make up two-character trade names (字号) such as 华信, 蜀锦, 恒通.
TRADE_NAME_FIRST = "华天金宏恒鑫博瑞蜀锦川嘉盛新中远隆泰丰永兴安康德信益达明光正汇源联祥海龙凯驰峰科创威豪润立众通宝"
TRADE_NAME_SECOND = "信达通泰源盛丰鑫宇成华隆祥瑞兴安发力诚辉德康顺达利源和创新峰越航宏凯晟弘远邦锐翔诺腾"

# Words naming what a firm makes, per GB/T 4754-2017 division (大类).
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "13": ("粮油", "饲料", "农产品加工", "肉类食品", "米业"),
    "14": ("食品", "调味品", "食品科技", "火锅食品", "乳业", "冷冻食品"),
    "15": ("酒业", "饮料", "茶业", "酿造"),
    "17": ("纺织", "纺织品"),
    "18": ("服饰", "服装"),
    "19": ("鞋业", "皮具"),
    "20": ("木业", "人造板"),
    "21": ("家具", "家居"),
    "22": ("纸业", "包装材料"),
    "23": ("印务", "彩印", "印刷"),
    "24": ("文体用品", "工艺美术"),
    "25": ("石油化工", "能源化工"),
    "26": ("化工", "化学", "精细化工", "涂料"),
    "27": ("药业", "制药", "生物医药", "医药科技"),
    "28": ("化纤",),
    "29": ("塑胶", "橡胶制品", "塑料制品"),
    "30": ("建材", "新型建材", "混凝土", "玻璃", "陶瓷"),
    "31": ("钢铁", "特钢"),
    "32": ("有色金属", "铝业"),
    "33": ("金属制品", "五金", "钢结构"),
    "34": ("机械", "通用设备", "泵业", "阀门", "机电"),
    "35": ("专用设备", "智能装备", "工程机械", "医疗器械"),
    "36": ("汽车零部件", "汽车配件", "汽车部件", "汽车电子", "专用车"),
    "37": ("轨道交通设备", "航空部件", "航空科技"),
    "38": ("电气", "电器", "电缆", "电力设备", "新能源"),
    "39": ("电子", "电子科技", "微电子", "光电", "通信设备", "信息技术"),
    "40": ("仪器仪表", "仪表"),
    "41": ("工艺制品", "日用制品"),
    "42": ("再生资源", "资源回收"),
    "43": ("机电维修", "设备修理"),
    "44": ("电力", "热力", "能源"),
    "45": ("燃气",),
    "46": ("水务", "供水"),
}

COMPANY_FORMS: tuple[tuple[str, int], ...] = (("有限公司", 88), ("股份有限公司", 8), ("有限责任公司", 4))


def trade_names() -> list[str]:
    """Every two-character trade name the generator may use, in a fixed order."""
    return [a + b for a in TRADE_NAME_FIRST for b in TRADE_NAME_SECOND if a != b]


_TRADE_NAMES = trade_names()


def enterprise_name(rng: random.Random, industry: str, used: set[str], place: str = "成都") -> str:
    """A new enterprise name such as 成都恒通汽车零部件有限公司, not yet in ``used`` (it is added)."""
    words = INDUSTRY_WORDS.get(industry, ("实业",))
    forms = tuple(f for f, _ in COMPANY_FORMS)
    form_weights = tuple(w for _, w in COMPANY_FORMS)
    for _attempt in range(1000):
        name = place + rng.choice(_TRADE_NAMES) + rng.choice(words) + rng.choices(forms, form_weights)[0]
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"ran out of enterprise names for industry {industry}")


ROAD_STEMS = (
    "兴业", "工业", "科技", "创业", "腾飞", "迎宾", "星光", "南华", "西航港", "经开", "蜀龙", "车城东",
    "车城西", "龙港", "驿都", "成龙", "宝成", "学府", "新华", "锦绣", "金河", "桂花", "物流",
    "港华", "青江", "大件", "育仁", "天府", "合作", "百业", "望丛", "红光", "新材料", "通港", "川陕",
)
ROAD_KINDS = ("路", "大道", "街", "一路", "二路", "三路", "东路", "西路", "南路", "北路")


def address(rng: random.Random, place: str) -> str:
    """A street address such as 成都市龙泉驿区车城东二路128号."""
    return f"{place}{rng.choice(ROAD_STEMS)}{rng.choice(ROAD_KINDS)}{rng.randrange(1, 999)}号"


# --- unified social credit codes (GB 32100-2015) --------------------------------------------

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def organisation_code(n: int) -> str:
    """The 9-character organisation code (GB 11714) for counter ``n``: 8 digits and its check char.

    Multiplying by 7,919 (prime to 10^8) spreads consecutive counters while keeping them distinct.
    """
    if not 0 <= n < 10**8:
        raise ValueError("counter out of range")
    body = f"{(734_519 + n * 7_919) % 10**8:08d}"
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(region_code: str, n: int) -> str:
    """A valid unified social credit code: registered by 工商 ('9'), a company ('1'), region, org code."""
    body = "91" + region_code + organisation_code(n)
    return body + uscc.calc_check_digit(body)


# --- places -----------------------------------------------------------------------------------

# Short slugs for Chengdu's districts and counties, by the name without its 区/县/市 suffix, so that
# both older (双流县, 郫县, 新津县) and newer GB/T 2260 editions map to the same slug.
DISTRICT_SLUGS: dict[str, str] = {
    "锦江": "jj",
    "青羊": "qy",
    "金牛": "jn",
    "武侯": "wh",
    "成华": "ch",
    "龙泉驿": "lqy",
    "青白江": "qbj",
    "新都": "xd",
    "温江": "wj",
    "双流": "sl",
    "郫都": "pd",
    "郫": "pd",
    "新津": "xj",
    "金堂": "jt",
    "大邑": "dy",
    "蒲江": "pj",
    "都江堰": "djy",
    "彭州": "pz",
    "邛崃": "ql",
    "崇州": "cz",
    "简阳": "jy",
}


def name_stem(region_name: str) -> str:
    """龙泉驿区 → 龙泉驿, 郫县 → 郫, 都江堰市 → 都江堰."""
    return region_name[:-1] if len(region_name) > 1 and region_name[-1] in "区县市" else region_name


def district_slug(region_code: str, region_name: str) -> str:
    return DISTRICT_SLUGS.get(name_stem(region_name), f"d{region_code}")

