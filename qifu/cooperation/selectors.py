"""Reads of the cooperation platform, each starting from the user's scope (``restrict``): search with
highlighted hits, a listing's suggestions and matches, the matches and deals of one's enterprises, figures."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from qifu.core import access
from qifu.organisations.models import User

from . import search
from .choices import CONTACT_STATES, OPEN, Kind, ListingStatus, MatchStatus
from .matching.text import normalise
from .models import Deal, Listing, Match

UNMET_SCORE = 0.3  # a demand without any match at least this good counts as unmet
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def search_terms(q: str) -> list[str]:
    """What a query must contain: each ASCII word, and each CJK run as its overlapping bigrams (a single
    character as itself), so "口罩 KN95" finds "KN95防护口罩" on SQLite and PostgreSQL alike."""
    terms: list[str] = []
    for token in normalise(q or "").split(" "):
        for part in re.findall(r"[a-z0-9]+|[\u3400-\u9fff]+|\S", token):
            if _CJK_RUN.fullmatch(part) and len(part) > 2:
                terms += [part[i:i + 2] for i in range(len(part) - 1)]
            else:
                terms.append(part)
    return list(dict.fromkeys(t for t in terms if t))[:20]


def listing_search(*, user: User, q: str = "", kind: str = "", category: str = "", region: str = "",
                   valid_on: date | None = None, include_own: bool = False, status: str = "") -> QuerySet[Listing]:
    """Open listings (plus, with ``include_own``, every listing of one's own enterprises) holding every word of
    the query, found through the database's full-text index and ordered by relevance (then newest first);
    without a query, newest first. ``status`` lists listings in that state instead (as far as the user sees
    them: own drafts, removed ones for administrators)."""
    qs = access.restrict(Listing.objects.all(), user, access.VIEW)
    if status:
        qs = qs.filter(status=status)
    elif not include_own:
        qs = qs.filter(status__in=OPEN)
    ranked = bool(search.query_terms(q))
    if ranked:
        qs = search.matching(qs, q, connection.vendor)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category__contains=category.strip())
    if region:
        qs = qs.filter(access.code_range("region_id", _prefix(region)))
    if valid_on:
        qs = qs.filter(valid_until__gte=valid_on)
    qs = qs.select_related("enterprise", "region")
    if ranked and connection.vendor in ("sqlite", "postgresql"):
        return qs.order_by("-relevance", "-published_at", "-id")
    return qs.order_by("-published_at", "-id")


def _prefix(code: str) -> str:
    code = code.strip()
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def highlight(text: str, q: str) -> SafeString:
    """The text, escaped, with every occurrence of the query's terms in <mark>."""
    terms = sorted({t for t in search_terms(q) if t}, key=len, reverse=True)
    if not terms or not text:
        return escape(text or "")
    folded = text.lower()
    marks = [False] * len(text)
    for term in terms:
        start = folded.find(term)
        while start >= 0:
            for i in range(start, start + len(term)):
                marks[i] = True
            start = folded.find(term, start + 1)
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marks[i] else piece)
        i = j
    return mark_safe("".join(out))  # noqa: S308  (every piece is escaped above)


def listing_get(*, user: User, pk: int) -> Listing:
    return access.get_or_404(Listing.objects.select_related("enterprise", "region", "industry"), user, pk=pk)


def listing_matches(*, user: User, listing: Listing) -> QuerySet[Match]:
    field = "demand" if listing.kind == "demand" else "supply"
    return access.restrict(Match.objects.all(), user, access.VIEW).filter(**{field: listing}).select_related(
        "demand__enterprise", "supply__enterprise", "deal").order_by("-score")


def my_matches(*, user: User, status: str = "") -> QuerySet[Match]:
    """Matches of the enterprises the user acts for or oversees (a commissioner's brokering view)."""
    qs = access.restrict(Match.objects.all(), user, access.VIEW)
    qs = qs.filter(status=status) if status else qs.exclude(status=MatchStatus.DECLINED)
    return qs.select_related("demand__enterprise", "supply__enterprise", "deal").order_by("-updated_at", "-id")


def match_rows(user: User, matches: list[Match]) -> list[dict[str, Any]]:
    """For each match: the side the user acts for ("demand", "supply", "both" or None) and whether each
    listing's contact shows — the same answers as services._side_of and services.contact_visible, in three
    queries for the whole page instead of several per row."""
    from qifu.enterprises.models import Enterprise

    if not matches:
        return []
    enterprise_ids = {m.demand.enterprise_id for m in matches} | {m.supply.enterprise_id for m in matches}
    acting = set(access.restrict(Enterprise.objects.filter(pk__in=enterprise_ids), user, access.CHANGE)
                 .values_list("pk", flat=True))
    listing_ids = {m.demand_id for m in matches} | {m.supply_id for m in matches}
    mine = access.restrict(Listing.objects.all(), user, access.CHANGE).values("pk")
    visible = set(access.restrict(Listing.objects.filter(pk__in=listing_ids), user, access.CHANGE)
                  .values_list("pk", flat=True))
    for demand_id, supply_id, demand_mine in Match.objects.filter(status__in=CONTACT_STATES).filter(
            Q(demand_id__in=listing_ids, supply__in=mine) | Q(supply_id__in=listing_ids, demand__in=mine)) \
            .annotate(demand_mine=Exists(mine.filter(pk=OuterRef("demand_id")))) \
            .values_list("demand_id", "supply_id", "demand_mine"):
        visible.add(supply_id if demand_mine else demand_id)  # the other side of an accepted match of mine
    rows = []
    for m in matches:
        demand_ok, supply_ok = m.demand.enterprise_id in acting, m.supply.enterprise_id in acting
        side = Kind.DEMAND if demand_ok and not supply_ok else Kind.SUPPLY if supply_ok and not demand_ok else \
            "both" if demand_ok else None
        rows.append({"match": m, "side": side, "demand_contact": m.demand_id in visible,
                     "supply_contact": m.supply_id in visible})
    return rows


def contacts_for(user: User, matches: list[Match]) -> dict[int, bool]:
    """Whether the user may see both contacts of each match (its own side, after acceptance)."""
    return {m.pk: m.status in CONTACT_STATES for m in matches}


def _week(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)


def figures(*, user: User, weeks: int = 13, today: date | None = None) -> dict[str, Any]:
    """Listings, matches, contacts and deals by category, region and week; unmet demands by category. Every
    count is a grouped query over the user's scope (a few dozen rows whatever the number of listings)."""
    listings = access.restrict(Listing.objects.all(), user, access.VIEW).exclude(status="draft")
    matches = access.restrict(Match.objects.all(), user, access.VIEW)
    deals = access.restrict(Deal.objects.all(), user, access.VIEW)
    counts = {"n": Count("id"), "contacts": Count("id", filter=Q(status__in=CONTACT_STATES)),
              "deals": Count("id", filter=Q(status=MatchStatus.DEAL)), "deal_value": Sum("deal__value")}
    kinds = {"supplies": Count("id", filter=Q(kind=Kind.SUPPLY)), "demands": Count("id", filter=Q(kind=Kind.DEMAND))}

    # by category: listings of each kind, and the matches, contacts and deals of the category's demands
    categories: dict[str, dict[str, Any]] = {}
    blank = {"supplies": 0, "demands": 0, "matches": 0, "contacts": 0, "deals": 0, "deal_value": 0, "unmet": 0}
    for r in listings.values("category").annotate(**kinds).order_by():
        categories.setdefault(r["category"], {"category": r["category"], **blank}).update(
            supplies=r["supplies"], demands=r["demands"])
    for r in matches.values("category").annotate(**counts).order_by():
        categories.setdefault(r["category"], {"category": r["category"], **blank}).update(
            matches=r["n"], contacts=r["contacts"], deals=r["deals"], deal_value=r["deal_value"] or 0)
    good = Match.objects.filter(demand=OuterRef("pk"), score__gte=UNMET_SCORE)
    unmet = list(listings.filter(kind="demand", status__in=OPEN).annotate(has=Exists(good)).filter(has=False)
                 .values("category").annotate(n=Count("id")).order_by("-n", "category")[:30])
    for r in unmet:
        categories.setdefault(r["category"], {"category": r["category"], **blank})["unmet"] = r["n"]
    by_category = sorted(categories.values(), key=lambda r: (-(r["supplies"] + r["demands"]), r["category"]))[:40]

    regions: dict[str, dict[str, Any]] = {}
    for r in listings.values("region_id", "region__full_name").annotate(**kinds).order_by():
        regions.setdefault(r["region_id"], {"region": r["region_id"], "name": r["region__full_name"], **blank}) \
            .update(supplies=r["supplies"], demands=r["demands"])
    for r in matches.values("region_id", "region__full_name").annotate(**counts).order_by():
        regions.setdefault(r["region_id"], {"region": r["region_id"], "name": r["region__full_name"], **blank}) \
            .update(matches=r["n"], contacts=r["contacts"], deals=r["deals"], deal_value=r["deal_value"] or 0)
    by_region = sorted(regions.values(), key=lambda r: (-(r["supplies"] + r["demands"]), r["region"] or ""))[:30]

    # by week: listings by the week they were published, matches by the week suggested, contacts by the week
    # accepted, deals by the week reported
    since = (today or timezone.localdate()) - timedelta(weeks=weeks)
    week_rows: dict[str, dict[str, Any]] = {}
    blank_week = {"supplies": 0, "demands": 0, "matches": 0, "contacts": 0, "deals": 0, "deal_value": 0}

    def week(value: Any) -> dict[str, Any]:
        key = _week(value)
        return week_rows.setdefault(key, {"week": key, **blank_week})

    for r in listings.filter(published_at__date__gte=since).annotate(w=TruncWeek("published_at")).values("w") \
            .annotate(**kinds).order_by():
        week(r["w"]).update(supplies=r["supplies"], demands=r["demands"])
    for r in matches.filter(created_at__date__gte=since).annotate(w=TruncWeek("created_at")).values("w") \
            .annotate(n=Count("id")).order_by():
        week(r["w"])["matches"] = r["n"]
    for r in matches.filter(status__in=CONTACT_STATES, answered_at__date__gte=since) \
            .annotate(w=TruncWeek("answered_at")).values("w").annotate(n=Count("id")).order_by():
        week(r["w"])["contacts"] = r["n"]
    for r in deals.filter(reported_at__date__gte=since).annotate(w=TruncWeek("reported_at")).values("w") \
            .annotate(n=Count("id"), v=Sum("value")).order_by():
        week(r["w"]).update(deals=r["n"], deal_value=r["v"] or 0)
    by_week = [week_rows[k] for k in sorted(week_rows)]

    totals = {
        "listings": listings.count(),
        "supplies": listings.filter(kind="supply").count(),
        "demands": listings.filter(kind="demand").count(),
        "matches": matches.count(),
        "contacts": matches.filter(status__in=CONTACT_STATES).count(),
        "deals": deals.count(),
        "deal_value": deals.aggregate(v=Sum("value"))["v"] or 0,
        "unmet": sum(r["n"] for r in unmet),
    }
    return {"totals": totals, "by_category": by_category, "by_region": by_region, "by_week": by_week,
            "unmet": unmet, "weeks": weeks, "since": since}


def figures_chart(data: dict[str, Any]) -> dict[str, Any]:
    """The figures as the page's charts read them (numbers only, decimals as floats)."""
    def rows(items: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
        return [{**{k: float(v) if isinstance(v, Decimal) else v for k, v in r.items() if k != label},
                 "label": r[label]} for r in items]

    return {"categories": rows(data["by_category"][:15], "category"), "regions": rows(data["by_region"][:15], "name"),
            "weeks": rows(data["by_week"], "week"), "unmet": [{"label": r["category"], "n": r["n"]}
                                                           for r in data["unmet"][:15]]}


EVENT_LABELS = {
    "cooperation.listing_created": _("Created"),
    "cooperation.listing_edited": _("Edited"),
    "cooperation.listing_publish": _("Published"),
    "cooperation.listing_close": _("Closed"),
    "cooperation.listing_expire": _("Expired"),
    "cooperation.listing_remove": _("Removed by moderation"),
    "cooperation.listing_restore": _("Restored"),
    "cooperation.listing_matched": _("Contacts exchanged"),
    "cooperation.photo_added": _("Photo added"),
    "cooperation.matched": _("Matched by the engine"),
}


def _shown(field: str, value: Any, names: dict[str, dict[str, str]]) -> str:
    """A stored event value as the user reads it: choice labels, region and industry names, '—' for empty."""
    if value in (None, ""):
        return "—"
    if field == "kind" and value in Kind.values:
        return str(Kind(value).label)
    if field == "status" and value in ListingStatus.values:
        return str(ListingStatus(value).label)
    if field in names:
        return names[field].get(str(value), str(value))
    return str(value)


def listing_history(listing: Listing, limit: int = 30) -> list[dict[str, Any]]:
    """The listing's events for its page: what happened (translated), who, and each changed field with its
    verbose name and old and new values as shown on the form (the events keep codes and raw values)."""
    from qifu.core.events import timeline
    from qifu.organisations.models import Industry, Region

    items = list(timeline(listing, limit))
    regions, industries = set(), set()
    for e in items:
        for field, v in (e.data.get("changes") or {}).items():
            target = regions if field == "region_id" else industries if field == "industry_id" else None
            if target is not None:
                target.update(str(x) for x in (v.get("old"), v.get("new")) if x)
    names = {"region_id": dict(Region.objects.filter(code__in=regions).values_list("code", "full_name")),
             "industry_id": {c: f"{c} {n}" for c, n in Industry.objects.filter(code__in=industries)
                             .values_list("code", "name")}}
    rows = []
    for e in items:
        changes = []
        for field, v in (e.data.get("changes") or {}).items():
            try:
                label = str(Listing._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:
                label = field
            changes.append({"field": label, "old": _shown(field, v.get("old"), names),
                            "new": _shown(field, v.get("new"), names)})
        status = e.data.get("status")
        if isinstance(status, dict):
            changes.append({"field": str(Listing._meta.get_field("status").verbose_name),
                            "old": _shown("status", status.get("old"), names),
                            "new": _shown("status", status.get("new"), names)})
        note = e.data.get("note") or e.data.get("name") or ""
        rows.append({"at": e.created_at, "actor": e.actor.display_name if e.actor else e.actor_label,
                     "what": str(EVENT_LABELS.get(e.code, e.code)), "changes": changes, "note": note})
    return rows
