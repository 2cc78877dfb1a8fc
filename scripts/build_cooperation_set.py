"""Write qifu/cooperation/matching/data/labelled_listings.jsonl: the matching engine's labelled set.

    .venv/bin/python scripts/build_cooperation_set.py

Product families as Chengdu and Gulei enterprises posted them in Feb–Apr 2020, each written with the words a
supplier uses and the (different) words a buyer uses: synonyms (口罩/防护口罩, 消毒液/84消毒液/次氯酸钠), part
numbers (KN95, 6203-2RS, 90919-02258), near-miss distractors in the same category (N95 vs medical surgical masks,
ball bearings of another size, PE film vs PET film) and demands nobody supplies. Relevance is graded by hand rules
written down here: 3 the product asked for, near enough, valid and enough of it; 2 the product but little of it or
far away; 1 a usable substitute; not listed = not relevant (wrong product, expired, the demander itself).
Deterministic (seeded); review the diff when changing it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "qifu" / "cooperation" / "matching" / "data" / "labelled_listings.jsonl"

# place, (lon, lat) only to decide "far" when labelling; the engine resolves the name itself
NEAR = ["四川省成都市龙泉驿区", "四川省成都市新都区", "四川省成都市双流区", "四川省成都市青白江区", "四川省成都市郫都区",
        "四川省德阳市旌阳区", "四川省成都市金堂县", "四川省成都市温江区", "重庆市巴南区", "四川省眉山市东坡区"]
FAR = ["黑龙江省哈尔滨市道里区", "新疆维吾尔自治区乌鲁木齐市天山区", "辽宁省大连市甘井子区", "吉林省长春市朝阳区"]
GULEI = "福建省漳州市漳浦县"

# key: (category, unit, supply names, demand names, specs, supply details, demand details, typical quantity)
FAMILIES: dict[str, dict] = {
    "kn95": dict(cat="防疫物资/口罩", unit="只", sup=["KN95口罩", "KN95防护口罩", "GB2626 KN95 颗粒物防护口罩"],
                 dem=["KN95口罩", "防护口罩（KN95级）", "颗粒物防护口罩 KN95"], spec=["GB2626-2006 KN95", "KN95 耳挂式"],
                 sd=["日产能20万只，有检测报告", "熔喷布过滤层，过滤效率≥95%", "现货，可开增值税发票"],
                 dd=["员工复工防护使用", "复工后每天需要", "车间一线员工每人每天两只"], qty=50000, sub=["surgical"]),
    "surgical": dict(cat="防疫物资/口罩", unit="只", sup=["医用外科口罩", "一次性医用外科口罩", "YY0469 医用外科口罩"],
                     dem=["医用外科口罩", "外科口罩", "一次性外科口罩"], spec=["YY 0469-2011", "三层 无菌型"],
                     sd=["三层防护，有医疗器械注册证", "独立包装，环氧乙烷灭菌", "日产10万只"],
                     dd=["食堂和门岗人员使用", "门诊及医务室使用", "员工通勤使用"], qty=30000, sub=["civil_mask"]),
    "civil_mask": dict(cat="防疫物资/口罩", unit="只", sup=["一次性民用口罩", "日常防护型口罩"],
                       dem=["普通一次性口罩", "一次性防护口罩 民用"], spec=["GB/T 32610", "三层 无纺布"],
                       sd=["日常防护用，价格实惠", "平面耳挂，50只一盒"], dd=["办公区员工日常使用", "园区人员日常佩戴"],
                       qty=100000, sub=["surgical"]),
    "disinfectant84": dict(cat="防疫物资/消毒用品", unit="吨", sup=["84消毒液", "次氯酸钠消毒液", "含氯消毒液（84型）"],
                           dem=["84消毒液", "含氯消毒剂", "次氯酸钠溶液 消毒用"], spec=["有效氯5.5%-6.5%", "有效氯含量≥5%"],
                           sd=["桶装25公斤，可配送", "有卫生安全评价报告", "大桶装，厂区消杀适用"],
                           dd=["厂区每日消杀", "车间、宿舍、食堂每日消毒", "复工前全面消杀"], qty=5, sub=["alcohol"]),
    "alcohol": dict(cat="防疫物资/消毒用品", unit="吨", sup=["75%医用酒精", "乙醇消毒液 75%", "75度酒精消毒液"],
                    dem=["75%酒精", "医用酒精", "酒精消毒液"], spec=["乙醇含量75%±5%", "500ml/瓶 或 25L/桶"],
                    sd=["有危化品经营许可，桶装", "瓶装和桶装均有", "可提供检测报告"],
                    dd=["员工手部和设备表面消毒", "办公区消毒用", "门岗和电梯按钮消毒"], qty=2, sub=["sanitizer"]),
    "sanitizer": dict(cat="防疫物资/消毒用品", unit="瓶", sup=["免洗洗手液", "速干手消毒凝胶", "免洗手消毒液"],
                      dem=["免洗洗手液", "手消毒凝胶", "速干手消"], spec=["500ml 按压瓶", "含乙醇70%"],
                      sd=["现货充足", "按压瓶装，可定制"], dd=["各车间入口放置", "食堂入口和会议室使用"],
                      qty=2000, sub=["alcohol"]),
    "thermometer": dict(cat="防疫物资/测温设备", unit="把", sup=["红外额温枪", "非接触式红外体温计", "手持额温枪"],
                        dem=["额温枪", "红外测温枪", "体温检测枪"], spec=["测温范围32-42.9℃ 精度±0.2℃", "1秒出结果"],
                        sd=["有医疗器械注册证，现货", "误差0.2度以内"], dd=["门岗测温", "每个班组入口测温用"],
                        qty=200, sub=["thermal_camera"]),
    "thermal_camera": dict(cat="防疫物资/测温设备", unit="套", sup=["红外热成像测温系统", "热成像人体测温摄像机"],
                           dem=["热成像测温仪", "通道式红外热成像测温设备"], spec=["测温精度±0.3℃ 多人同时测温",
                                                                          "双光谱热成像"],
                           sd=["适合厂区大门、通道人员密集处，可上门安装", "支持人脸识别联动报警"],
                           dd=["厂门口上下班高峰测温", "员工通道快速测温"], qty=4, sub=["thermometer"]),
    "protective_suit": dict(cat="防疫物资/防护服", unit="套", sup=["医用一次性防护服", "连体防护服 GB19082"],
                            dem=["防护服", "一次性隔离防护服"], spec=["GB 19082-2009", "带帽连体式"],
                            sd=["有注册证，可出口", "日产5000套"], dd=["厂区消杀人员穿戴", "隔离观察点工作人员使用"],
                            qty=1000, sub=["isolation_gown"]),
    "isolation_gown": dict(cat="防疫物资/防护服", unit="件", sup=["一次性隔离衣", "无纺布隔离衣"],
                           dem=["隔离衣", "一次性隔离服"], spec=["SMS无纺布 40克", "系带式"], sd=["现货，可批量供应"],
                           dd=["食堂人员穿戴", "访客接待使用"], qty=2000, sub=["protective_suit"]),
    "goggles": dict(cat="防疫物资/护目镜", unit="副", sup=["防护眼镜", "医用隔离眼罩"], dem=["护目镜", "防飞溅护目镜"],
                    spec=["防雾 防飞沫", "GB 14866"], sd=["防雾处理，可重复消毒"], dd=["检测人员使用"], qty=500,
                    sub=[]),
    "meltblown": dict(cat="化工原料/无纺布", unit="吨", sup=["熔喷布", "PP熔喷无纺布", "熔喷非织造布"],
                      dem=["熔喷布", "口罩用熔喷过滤布", "BFE95熔喷布"], spec=["BFE≥95% 25克", "克重25g 幅宽175mm"],
                      sd=["聚丙烯熔喷，过滤效率达标", "现货，可提供检测报告"], dd=["口罩生产线原料", "转产口罩急需过滤层"],
                      qty=10, sub=["spunbond"]),
    "spunbond": dict(cat="化工原料/无纺布", unit="吨", sup=["纺粘无纺布", "SS纺粘无纺布", "PP纺粘布"],
                     dem=["纺粘无纺布", "口罩内外层无纺布"], spec=["25克 白色", "亲水 SS"], sd=["多规格可选", "可分切"],
                     dd=["口罩内外层用", "防护服生产用"], qty=20, sub=["meltblown"]),
    "pp_resin": dict(cat="化工原料/塑料粒子", unit="吨", sup=["聚丙烯颗粒", "PP熔喷专用料", "高熔指聚丙烯 PP1500"],
                     dem=["熔喷专用料", "PP颗粒（高熔指）", "聚丙烯 熔喷料"], spec=["熔融指数1500", "MFR 1500g/10min"],
                     sd=["古雷石化基地产，可长期供货", "吨袋包装"], dd=["熔喷布生产原料", "新上熔喷线原料"], qty=50,
                     sub=[]),
    "ear_loop": dict(cat="防疫物资/口罩辅料", unit="吨", sup=["口罩耳带", "氨纶口罩耳绳", "圆形弹力耳带"],
                     dem=["口罩耳绳", "耳带绳", "口罩松紧带"], spec=["直径3mm 圆形", "扁平5mm"],
                     sd=["白色，弹力好", "现货充足"], dd=["口罩生产配套", "口罩机配套辅料"], qty=1, sub=[]),
    "nose_wire": dict(cat="防疫物资/口罩辅料", unit="吨", sup=["口罩鼻梁条", "全塑鼻梁条", "双芯鼻梁条"],
                      dem=["鼻梁条", "口罩鼻夹", "鼻梁压条"], spec=["3mm宽", "单芯镀锌铁丝"], sd=["可定长切割"],
                      dd=["口罩机配套"], qty=1, sub=[]),
    "mask_machine": dict(cat="专用设备/口罩机", unit="台", sup=["全自动平面口罩机", "一拖二口罩生产线"],
                         dem=["口罩机", "平面口罩生产设备", "口罩生产线"], spec=["产能100-120片/分钟", "一拖一 超声波焊接"],
                         sd=["交货期15天，可上门调试", "含耳带焊接机"], dd=["转产口罩急需设备", "新增口罩产线"], qty=2,
                         sub=[]),
    "bearing": dict(cat="汽车零部件/轴承", unit="套", sup=["深沟球轴承 6203-2RS", "6203-2RS 密封深沟球轴承",
                                                       "6203RS 球轴承"],
                    dem=["6203-2RS轴承", "深沟球轴承6203", "6203 双面密封轴承"], spec=["6203-2RS 17x40x12",
                                                                            "内径17 外径40 厚12"],
                    sd=["P5级，现货5万套", "哈瓦洛轴承配套件"], dd=["发电机和水泵配套", "电机装配线用"], qty=20000,
                    sub=[]),
    "bearing_other": dict(cat="汽车零部件/轴承", unit="套", sup=["深沟球轴承 6305-2Z", "6305ZZ 球轴承"],
                          dem=["6305轴承", "6305-2Z 深沟球轴承"], spec=["6305-2Z 25x62x17", "内径25 外径62"],
                          sd=["铁盖密封，现货"], dd=["减速机配套"], qty=5000, sub=[]),
    "spark_plug": dict(cat="汽车零部件/点火系统", unit="只", sup=["火花塞 90919-01253", "铱金火花塞 丰田原厂件号90919-01253"],
                       dem=["火花塞（丰田90919-01253）", "铱金火花塞 90919-01253"], spec=["90919-01253", "铱金 SK16HR11"],
                       sd=["原厂配套品质", "四川一汽丰田配套供应商"], dd=["整车装配线", "发动机装配"], qty=20000,
                       sub=[]),
    "oxygen_sensor": dict(cat="汽车零部件/传感器", unit="只", sup=["氧传感器 89465-0D070", "前氧传感器"],
                          dem=["氧传感器", "前氧传感器 89465-0D070"], spec=["89465-0D070", "四线 加热型"],
                          sd=["配套丰田系列"], dd=["发动机装配"], qty=5000, sub=[]),
    "wiring_harness": dict(cat="汽车零部件/线束", unit="套", sup=["汽车线束总成", "整车线束（仪表线束、车身线束）"],
                           dem=["整车线束", "汽车电线束总成", "仪表板线束"], spec=["按图纸定制", "符合QC/T 29106"],
                           sd=["可按主机厂图纸加工，产能恢复80%", "有IATF16949认证"],
                           dd=["供应商湖北停产，急需替代货源", "整车装配缺件"], qty=3000, sub=[]),
    "seat_foam": dict(cat="汽车零部件/座椅", unit="套", sup=["汽车座椅发泡", "座椅PU发泡海绵"],
                      dem=["座椅发泡件", "汽车座椅海绵"], spec=["高回弹PU", "按车型模具"], sd=["配套多家主机厂"],
                      dd=["座椅总成装配"], qty=5000, sub=[]),
    "brake_pad": dict(cat="汽车零部件/制动系统", unit="套", sup=["陶瓷刹车片", "汽车前刹车片 04465-0D020"],
                      dem=["刹车片", "制动摩擦片", "前制动片 04465-0D020"], spec=["04465-0D020", "低金属 陶瓷配方"],
                      sd=["OE品质，现货"], dd=["整车装配", "售后备件"], qty=10000, sub=[]),
    "tire": dict(cat="汽车零部件/轮胎", unit="条", sup=["乘用车子午线轮胎 205/55R16", "205/55R16 轮胎"],
                 dem=["205/55R16轮胎", "子午胎 205 55 16"], spec=["205/55R16 91V", "无内胎"], sd=["配套级"],
                 dd=["整车配套"], qty=8000, sub=[]),
    "steel_coil": dict(cat="钢材/板材", unit="吨", sup=["冷轧钢板卷 DC04", "冷轧板卷", "汽车用冷轧钢卷"],
                       dem=["冷轧板", "冷轧钢卷 DC04", "冷轧薄板"], spec=["DC04 1.0mm", "厚度0.8-1.5mm"],
                       sd=["攀钢货源，可加工开平", "期货和现货都有"], dd=["冲压车间原料", "车身冲压件用料"], qty=300,
                       sub=["galvanized"]),
    "galvanized": dict(cat="钢材/板材", unit="吨", sup=["热镀锌钢板", "镀锌板卷 DX51D+Z"],
                       dem=["镀锌板", "热镀锌卷板"], spec=["DX51D+Z 1.2mm", "锌层80g"], sd=["现货200吨"],
                       dd=["钣金件加工"], qty=100, sub=["steel_coil"]),
    "ethylene_glycol": dict(cat="化工原料/醇类", unit="吨", sup=["乙二醇", "MEG 乙二醇（聚酯级）"],
                            dem=["乙二醇", "聚酯级MEG"], spec=["纯度≥99.9%", "聚酯级"], sd=["古雷港区罐车配送"],
                            dd=["聚酯生产原料", "防冻液生产"], qty=500, sub=[]),
    "paraxylene": dict(cat="化工原料/芳烃", unit="吨", sup=["对二甲苯 PX", "PX 对二甲苯"],
                       dem=["对二甲苯", "PX原料"], spec=["纯度99.7%"], sd=["古雷炼化一体化配套"], dd=["PTA装置原料"],
                       qty=2000, sub=[]),
    "caustic_soda": dict(cat="化工原料/碱类", unit="吨", sup=["液碱 32%", "氢氧化钠溶液（烧碱）"],
                         dem=["烧碱", "液体烧碱", "氢氧化钠 32%"], spec=["NaOH 32%", "离子膜液碱"],
                         sd=["槽车运输"], dd=["污水处理中和", "化工生产原料"], qty=100, sub=[]),
    "sodium_hypochlorite": dict(cat="化工原料/无机盐", unit="吨", sup=["次氯酸钠原液 10%", "工业级次氯酸钠"],
                                dem=["次氯酸钠原液", "工业次氯酸钠 10%"], spec=["有效氯≥10%"],
                                sd=["可用于生产消毒液"], dd=["消毒液生产原料", "水处理消毒"], qty=50,
                                sub=["disinfectant84"]),
    "carton": dict(cat="包装材料/纸箱", unit="个", sup=["五层瓦楞纸箱", "瓦楞纸箱 定制印刷", "物流纸箱"],
                   dem=["纸箱", "瓦楞纸箱（五层）", "包装纸箱"], spec=["五层 BC楞", "600x400x400mm"],
                   sd=["可按尺寸定做印刷，3天交货", "日产2万只"], dd=["成品出货包装", "口罩外箱包装"], qty=20000,
                   sub=[]),
    "pe_film": dict(cat="包装材料/薄膜", unit="吨", sup=["PE缠绕膜", "LLDPE拉伸缠绕膜"],
                    dem=["缠绕膜", "托盘拉伸膜", "PE拉伸膜"], spec=["宽500mm 厚23μm"], sd=["机用手用均有"],
                    dd=["托盘打包"], qty=5, sub=[]),
    "pet_film": dict(cat="包装材料/薄膜", unit="吨", sup=["PET聚酯薄膜", "BOPET薄膜"],
                     dem=["PET薄膜", "聚酯膜 BOPET"], spec=["厚度12μm"], sd=["印刷复合级"], dd=["软包装复合"], qty=10,
                     sub=[]),
    "pallet": dict(cat="包装材料/托盘", unit="个", sup=["塑料托盘 1200x1000", "川字塑料托盘"],
                   dem=["托盘", "塑料卡板", "叉车托盘 1200*1000"], spec=["1200x1000x150", "川字底"],
                   sd=["可承重1吨"], dd=["仓库周转"], qty=1000, sub=[]),
    "truck_transport": dict(cat="物流服务/公路运输", unit="车次", sup=["整车物流运输（成都发往全国）", "公路干线运输 9.6米厢车",
                                                                 "冷链及普货整车运输"],
                            dem=["货车运输", "找物流车 发往武汉", "整车运输服务"], spec=["9.6米厢式货车", "17.5米平板车"],
                            sd=["有通行证，可跨省运输，司机已健康申报", "车辆已办理重点物资运输车辆通行证"],
                            dd=["成品发往外省客户", "原料从外省运回"], qty=30, sub=["cold_chain"]),
    "cold_chain": dict(cat="物流服务/冷链运输", unit="车次", sup=["冷链运输 冷藏车", "冷藏车运输服务"],
                       dem=["冷藏车", "冷链物流"], spec=["-18℃ 冷藏车 7.6米"], sd=["全程温控"],
                       dd=["肉制品配送", "疫苗试剂运输"], qty=20, sub=["truck_transport"]),
    "warehouse": dict(cat="物流服务/仓储", unit="平方米", sup=["标准仓库出租", "闲置仓库 可短租", "高台库仓储服务"],
                      dem=["仓库", "租赁仓储空间", "临时仓储场地"], spec=["层高9米 带消防", "高台库"],
                      sd=["龙泉驿区，近成渝高速", "可按月租"], dd=["原料临时存放", "成品周转"], qty=2000, sub=[]),
    "cnc_capacity": dict(cat="闲置产能/机加工", unit="台时", sup=["闲置CNC加工产能", "数控加工中心空闲产能对外加工",
                                                           "机加工产能开放"],
                         dem=["CNC外协加工", "数控机加工 外协", "找机加工厂代工"], spec=["五轴加工中心", "精度0.01mm"],
                         sd=["设备20台，订单不足，可承接外协", "有三坐标检测"], dd=["零部件外协加工", "模具零件加工"],
                         qty=500, sub=[]),
    "injection_capacity": dict(cat="闲置产能/注塑", unit="台时", sup=["注塑机闲置产能", "注塑加工产能对外开放"],
                               dem=["注塑外协", "注塑件代加工"], spec=["80-450吨注塑机"], sd=["可承接汽车内饰件"],
                               dd=["塑料件外协"], qty=300, sub=[]),
    "garment_capacity": dict(cat="闲置产能/缝制", unit="件", sup=["服装厂缝纫产能转产防护服", "缝制车间空闲产能"],
                             dem=["防护服代工缝制", "缝纫加工外协"], spec=["缝纫工200人"], sd=["可转产隔离衣、防护服"],
                             dd=["防护服订单需要代工"], qty=10000, sub=[]),
    "forklift": dict(cat="专用设备/叉车", unit="台", sup=["电动叉车出租", "3吨叉车租赁"], dem=["叉车租赁", "租用叉车"],
                     spec=["3吨 电动"], sd=["可带司机"], dd=["仓库装卸"], qty=3, sub=[]),
    "labor_dispatch": dict(cat="人力服务/劳务", unit="人", sup=["劳务派遣 普工", "提供包装普工"],
                           dem=["招聘普工", "临时用工 普工"], spec=["18-45岁 健康码绿码"], sd=["可点对点接送"],
                           dd=["生产线缺人"], qty=50, sub=[]),
    "cutting_fluid": dict(cat="化工原料/润滑油品", unit="吨", sup=["半合成切削液", "水溶性切削液"],
                          dem=["切削液", "金属加工液"], spec=["稀释比1:20"], sd=["现货"], dd=["CNC加工用"], qty=2,
                          sub=[]),
}

# demands for products nobody supplies (should get no suggestion), one per line: (title, category, unit, detail)
UNMET = [
    ("呼吸机", "医疗设备/呼吸机", "台", "定点医院急需无创呼吸机"),
    ("ECMO体外膜肺氧合设备", "医疗设备/ECMO", "台", "重症救治急需"),
    ("核酸检测试剂盒", "医疗物资/试剂", "盒", "员工返岗前核酸检测"),
    ("芯片 STM32F103C8T6", "电子元器件/芯片", "片", "控制板缺芯片，原供应商停产"),
    ("锂电池电芯 21700", "电子元器件/电池", "只", "电动工具电池组生产"),
    ("光刻胶", "化工原料/电子化学品", "吨", "面板生产线原料"),
    ("大型履带吊 650吨", "专用设备/起重机", "台", "洗涤塔吊装"),
    ("进口伺服电机 安川SGM7J", "专用设备/电机", "台", "设备维修备件"),
    ("医用氧气钢瓶", "医疗设备/气瓶", "个", "隔离点供氧"),
    ("羽绒填充料", "纺织原料/羽绒", "吨", "冬装生产"),
    ("液晶显示屏 15.6寸", "电子元器件/显示屏", "片", "工控机组装"),
    ("航空货运舱位 成都至法兰克福", "物流服务/航空运输", "吨", "出口订单急需发货"),
    ("食品级二氧化碳", "化工原料/工业气体", "吨", "饮料生产线"),
    ("玻璃纤维布", "化工原料/复合材料", "吨", "风电叶片生产"),
    ("钛合金棒材 TC4", "钢材/有色金属", "吨", "航空零件加工"),
    ("牛皮纸 80克", "包装材料/纸张", "吨", "纸袋生产"),
]

ENTERPRISES = [f"E{i:03d}" for i in range(1, 400)]


def _far(place: str) -> bool:
    return place in FAR


def build(seed: int = 2020) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    supplies: dict[str, list[dict]] = {k: [] for k in FAMILIES}
    sid = did = 0
    enterprise_iter = iter(ENTERPRISES)
    for key, f in FAMILIES.items():
        n_sup = 7
        for i in range(n_sup):
            sid += 1
            name = f["sup"][i % len(f["sup"])]
            variant = i % 7
            place = rng.choice(NEAR) if variant not in (4,) else rng.choice(FAR)
            if f["cat"].startswith("化工原料") and rng.random() < 0.4:
                place = GULEI if variant != 4 else place
            quantity = f["qty"] * rng.choice([1, 2, 3, 5]) if variant != 5 else max(1, round(f["qty"] * 0.05))
            valid = "2020-04-30" if variant != 6 else "2020-02-10"  # variant 6 lapsed before the demands
            spec = f["spec"][i % len(f["spec"])]
            detail = f["sd"][i % len(f["sd"])]
            title = name if i % 2 == 0 else f"供应{name}"
            description = f"{detail}。规格：{spec}。" + ("欢迎来电洽谈。" if i % 3 == 0 else "")
            row = {"id": f"S{sid:04d}", "kind": "supply", "title": title, "description": description,
                   "category": f["cat"], "quantity": quantity, "unit": f["unit"], "region": place,
                   "valid_until": valid, "enterprise": next(enterprise_iter, f"E9{sid:03d}"), "family": key,
                   "variant": variant}
            supplies[key].append(row)
            rows.append(row)
    for key, f in FAMILIES.items():
        n_dem = min(3, len(f["dem"])) if len(f["sup"]) >= 2 else 2
        for j in range(n_dem):
            did += 1
            name = f["dem"][j % len(f["dem"])]
            place = NEAR[(did * 3) % len(NEAR)] if not f["cat"].startswith("化工原料") or j % 2 else GULEI
            quantity = f["qty"]
            title = rng.choice(["求购", "急需", "采购", "寻找", ""]) + name
            description = f["dd"][j % len(f["dd"])] + "，" + rng.choice(["请有货源的企业联系。", "要求尽快到货。",
                                                                      "长期合作。", "可先付款。"])
            if j == 2 and len(f["spec"]) > 1:
                description += f"需要规格{f['spec'][1]}。"
            relevant: dict[str, int] = {}
            for s in supplies[key]:
                if s["variant"] == 6:
                    continue  # expired
                grade = 3
                if s["variant"] == 4 and not f["cat"].startswith(("物流服务", "闲置产能", "人力服务")):
                    grade = 1  # too far for goods
                if s["variant"] == 5:
                    grade = 2  # the product, but 5% of the need
                relevant[s["id"]] = grade
            for other in f["sub"]:
                for s in supplies[other]:
                    if s["variant"] not in (4, 5, 6):
                        relevant.setdefault(s["id"], 1)
            rows.append({"id": f"D{did:04d}", "kind": "demand", "title": title, "description": description,
                         "category": f["cat"] if j == 0 else f["cat"].split("/")[-1], "quantity": quantity,
                         "unit": f["unit"], "region": place, "valid_until": "2020-04-15",
                         "enterprise": f"B{did:03d}", "family": key,
                         "relevant": relevant})
    for title, cat, unit, detail in UNMET:
        did += 1
        rows.append({"id": f"D{did:04d}", "kind": "demand", "title": rng.choice(["求购", "急需", ""]) + title,
                     "description": detail + "。", "category": cat, "quantity": 10, "unit": unit,
                     "region": rng.choice(NEAR), "valid_until": "2020-04-15", "enterprise": f"B{did:03d}",
                     "family": "", "relevant": {}})
    # one demander that also supplies its own product: its own listing is never a match
    own = supplies["carton"][0]
    for row in rows:
        if row["kind"] == "demand" and row["family"] == "carton":
            row["enterprise"] = own["enterprise"]
            row["relevant"].pop(own["id"], None)
            break
    for row in rows:
        row.pop("variant", None)
    return rows


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    sups = sum(r["kind"] == "supply" for r in rows)
    dems = [r for r in rows if r["kind"] == "demand"]
    print(f"{sups} supplies, {len(dems)} demands ({sum(not d['relevant'] for d in dems)} without a match) → {OUT}")



if __name__ == "__main__":
    main()
