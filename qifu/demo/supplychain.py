"""The demo's supply networks (deterministic, idempotent): Sichuan FAW Toyota and its 40 suppliers as the seed
counts them (28 in Sichuan: 26 in Chengdu, 20 of them in Longquanyi; 12 in Chongqing), with stock days,
alternative sources for some parts and a second tier for some suppliers (Chengdu enterprises of the demo), and
two other Longquanyi plants sharing some of the suppliers. Statuses come from the resumption demo's daily
reports (the suppliers resume from mid-February to early March), so the plant's days-to-stop changes day by
day in Feb–Mar 2020.
"""

from __future__ import annotations

from decimal import Decimal

from qifu.supplychain.models import SupplyLink

from . import scenario as sc

SECOND_TIER_INDUSTRIES = {"29", "30", "31", "32", "33", "34", "38"}  # rubber, metals, fabricated metal, electrical
SECOND_TIER_SUPPLIERS = 10  # of the 40 have a supplier of their own
OTHER_PLANTS = 2
OTHER_PLANT_SUPPLIERS = 8


def _stock(rng: object, far: bool) -> Decimal:
    days = rng.choice((2, 3, 3, 4, 5, 5, 6, 7, 8, 10)) + (3 if far else 0)  # type: ignore[attr-defined]
    return Decimal(days)


def load_supplychain(ctx: sc.Context) -> None:
    ids = ctx.enterprises
    faw = ids[next(e.credit_code for e in ctx.plan.enterprises if e.name == sc.FAW_TOYOTA["name"])]
    if SupplyLink.objects.filter(buyer_id=faw).exists():
        ctx.say("  supply links: already loaded")
        return
    rng = sc.rng_for("supplychain")
    suppliers = [e for e in ctx.plan.enterprises if e.supplies]
    links: list[SupplyLink] = []
    for i, s in enumerate(suppliers):
        far = not s.region.startswith(sc.CHENGDU[:4])
        alternative = i % 5 == 3
        links.append(SupplyLink(
            buyer_id=faw, supplier_id=ids[s.credit_code], part=s.supplies, critical=i % 13 != 12,
            stock_days=_stock(rng, far), has_alternative=alternative,
            alternative_lead_days=Decimal(rng.choice((3, 5, 9, 14))) if alternative else None,
            share=rng.choice((40, 60, 80, 100)),
        ))
    chain = {sc.FAW_TOYOTA["name"], *(s.name for s in suppliers)}
    local = [e for e in ctx.plan.enterprises if e.name not in chain and not e.is_external
             and e.region.startswith(sc.CHENGDU[:4]) and e.industry in SECOND_TIER_INDUSTRIES]
    local.sort(key=lambda e: e.credit_code)
    picks = rng.sample(local, SECOND_TIER_SUPPLIERS)
    for s, sub in zip(rng.sample(suppliers, SECOND_TIER_SUPPLIERS), picks, strict=True):
        links.append(SupplyLink(
            buyer_id=ids[s.credit_code], supplier_id=ids[sub.credit_code], part="原材料：" + s.supplies,
            critical=True, stock_days=_stock(rng, False), share=100,
        ))
    # Two other car plants in Longquanyi buy from some of the same suppliers.
    plants = [e for e in ctx.plan.enterprises if e.region == sc.LONGQUANYI and e.industry == "36"
              and e.name not in chain and e not in picks]
    plants.sort(key=lambda e: -e.headcount)
    for plant in plants[:OTHER_PLANTS]:
        for s in rng.sample(suppliers, OTHER_PLANT_SUPPLIERS):
            links.append(SupplyLink(
                buyer_id=ids[plant.credit_code], supplier_id=ids[s.credit_code], part=s.supplies,
                stock_days=_stock(rng, not s.region.startswith(sc.CHENGDU[:4])), share=rng.choice((30, 50, 100)),
            ))
    SupplyLink.objects.bulk_create(links, batch_size=sc.BATCH)
    ctx.created["supply_links"] += len(links)
    ctx.say(f"  supply links: {len(links)}")
