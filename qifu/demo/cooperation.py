"""The demo's cooperation platform: ~3,000 supply and demand listings from the demo's enterprises posted
Feb 1 – Apr 30 2020 (masks and disinfectant, car parts, chemicals, packaging, logistics, idle capacity), the
engine's matches, and the contacts and deals that followed (deterministic, idempotent).

Texts come from the matching engine's labelled set (its product families, reworded per listing), posted by
enterprises of a fitting industry: car parts by the FAW Toyota suppliers and Longquanyi's car makers, chemicals
by Gulei and the chemical industry, protective supplies by medicine and textile enterprises, the rest by anyone.
Listings whose validity ended are expired or closed; a third are long-term offers still open today, so the
market can be searched and new listings find partners. Rows go in with bulk statements; the matches are computed
in memory by the same engine the services use."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qifu.cooperation import index as match_index
from qifu.cooperation import search
from qifu.cooperation.choices import ListingStatus, MatchStatus
from qifu.cooperation.matching import Config, MatchIndex
from qifu.cooperation.matching.listing import LABELLED_SET, read_rows
from qifu.cooperation.models import Deal, Listing, Match
from qifu.core.workdays import SHANGHAI

from . import scenario as sc

LISTINGS = 3000
FIRST_DAY = date(2020, 2, 1)
DAYS = 90
OPEN_SHARE = 0.35
# product category prefix → industries (GB/T 4754 divisions) whose enterprises post it
POSTERS = {"防疫物资": {"27", "17", "18", "35", "26"}, "汽车零部件": {"36", "29", "33", "34"},
           "钢材": {"31", "32", "33"}, "化工原料": {"25", "26", "28", "29"}, "包装材料": {"22", "29", "23"},
           "专用设备": {"34", "35", "38"}}
PREFIXES = ("急需", "求购", "采购", "寻", "")
DEAL_PRICE = {"只": 2.5, "吨": 6000, "套": 120, "个": 4, "台": 80000, "车次": 3500, "件": 30, "瓶": 15, "条": 300,
              "把": 150, "副": 20, "平方米": 25, "台时": 200, "人": 4500}


def _template_rows() -> list[dict[str, Any]]:
    return [r for r in read_rows(LABELLED_SET) if r.get("family")]


def load_cooperation(ctx: sc.Context) -> None:
    if Listing.objects.filter(created_at__lt=datetime(2021, 1, 1, tzinfo=SHANGHAI)).exists():
        ctx.say("  cooperation listings: already loaded")
        return
    rng = sc.rng_for("cooperation")
    templates = _template_rows()
    by_industry: dict[str, list[sc.EnterpriseSpec]] = {}
    for spec in ctx.plan.enterprises:
        by_industry.setdefault(spec.industry, []).append(spec)
    everyone = [s for s in ctx.plan.enterprises if s.contacts]
    creator = ctx.users.get("admin")
    today = timezone.localdate()
    listings: list[Listing] = []
    for _n in range(LISTINGS):
        t = rng.choice(templates)
        prefix = t["category"].split("/")[0]
        pool = [s for i in POSTERS.get(prefix, ()) for s in by_industry.get(i, ())] or everyone
        if prefix == "汽车零部件" and rng.random() < 0.5:
            pool = [s for s in ctx.plan.enterprises if s.supplies] or pool
        spec = rng.choice(pool)
        contact = spec.contacts[0] if spec.contacts else None
        day = FIRST_DAY + timedelta(days=int(rng.triangular(0, DAYS, 25)))
        published = datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59)), tzinfo=SHANGHAI)
        still_open = rng.random() < OPEN_SHARE
        valid_until = today + timedelta(days=rng.randint(30, 180)) if still_open else \
            day + timedelta(days=rng.randint(14, 60))
        status = ListingStatus.PUBLISHED if still_open else rng.choice(
            (ListingStatus.EXPIRED, ListingStatus.EXPIRED, ListingStatus.CLOSED))
        title = t["title"] if t["kind"] == "supply" else rng.choice(PREFIXES) + re.sub(r"^(求购|急需|采购|寻找)", "", t["title"])
        quantity = Decimal(str(max(1, round(float(t["quantity"]) * rng.choice((0.2, 0.5, 1, 1, 2, 3)), 0))))
        values = {"title": title[:120], "description": t["description"], "spec": "", "category": t["category"]}
        listings.append(Listing(
            enterprise_id=ctx.enterprises[spec.credit_code], kind=t["kind"], status=status, title=values["title"],
            description=values["description"], category=values["category"], industry_id=spec.industry,
            quantity=quantity, unit=t["unit"], price_terms=rng.choice(("", "面议", "含税含运", "月结")),
            region_id=spec.region, valid_until=valid_until,
            contact_name=contact.name if contact else "联系人", contact_phone=contact.phone if contact else "028-00000000",
            search_title=search.document(values["title"], values.get("spec") or ""),
            search_body=search.document(values["description"], values["category"]),
            created_by_id=creator, published_at=published, created_at=published,
            closed_at=None if still_open else datetime.combine(valid_until, time(23), tzinfo=SHANGHAI),
        ))
    Listing.objects.bulk_create(listings, batch_size=1000)
    ctx.created["cooperation listings"] = len(listings)
    _load_matches(ctx, rng, listings)
    match_index.reset()


def _load_matches(ctx: sc.Context, rng: random.Random, listings: list[Listing]) -> None:
    """The engine's suggestions among listings that were open at the same time; contacts and deals on some."""
    engine = MatchIndex(Config(candidates=40))
    for x in listings:
        if x.kind == "supply":
            engine.add(match_index.to_engine(x))
    by_id = {x.pk: x for x in listings}
    matches: list[Match] = []
    for demand in listings:
        if demand.kind != "demand":
            continue
        for s in engine.suggest(match_index.to_engine(demand), k=5):
            supply = by_id[s.id]
            if supply.published_at > datetime.combine(demand.valid_until, time(23), tzinfo=SHANGHAI):
                continue  # posted after the demand lapsed
            roll = rng.random()
            status = MatchStatus.SUGGESTED
            if s.strong and roll < 0.35:
                status = rng.choice((MatchStatus.INTERESTED, MatchStatus.ACCEPTED, MatchStatus.ACCEPTED,
                                     MatchStatus.DEAL, MatchStatus.DEAL, MatchStatus.DECLINED))
            created = max(demand.published_at, supply.published_at) + timedelta(minutes=1)
            matches.append(Match(
                demand_id=demand.pk, supply_id=supply.pk, score=round(s.score, 4), strong=s.strong,
                reasons=[{"code": c, **p} for c, p in s.reasons()], status=status,
                interest_kind="demand" if status != MatchStatus.SUGGESTED else "",
                interest_at=created + timedelta(hours=3) if status != MatchStatus.SUGGESTED else None,
                answered_at=created + timedelta(hours=20) if status in (
                    MatchStatus.ACCEPTED, MatchStatus.DEAL, MatchStatus.DECLINED) else None,
                category=demand.category, region_id=demand.region_id, created_at=created))
    Match.objects.bulk_create(matches, batch_size=1000)
    deals = []
    for m in matches:
        if m.status == MatchStatus.DEAL:
            demand = by_id[m.demand_id]
            qty = demand.quantity or Decimal(1)
            price = Decimal(str(DEAL_PRICE.get(demand.unit, 100)))
            deals.append(Deal(match_id=m.pk, quantity=qty, value=(qty * price).quantize(Decimal("0.01")),
                              reported_by_id=ctx.users.get("admin"),
                              reported_at=m.created_at + timedelta(days=rng.randint(2, 10))))
    Deal.objects.bulk_create(deals, batch_size=1000)
    matched = {m.demand_id for m in matches if m.status in (MatchStatus.ACCEPTED, MatchStatus.DEAL)} | \
        {m.supply_id for m in matches if m.status in (MatchStatus.ACCEPTED, MatchStatus.DEAL)}
    Listing.objects.filter(pk__in=matched, status=ListingStatus.PUBLISHED).update(status=ListingStatus.MATCHED)
    ctx.created["cooperation matches"] = len(matches)
    ctx.created["cooperation deals"] = len(deals)
