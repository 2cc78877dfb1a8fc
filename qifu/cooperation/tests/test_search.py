"""Chinese full-text search: every word of the query, ranked by relevance, through the database's index."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from qifu.cooperation import search, selectors, services
from qifu.cooperation.models import Listing

from .conftest import listing_input, post

pytestmark = pytest.mark.django_db


def test_title_hits_rank_above_passing_mentions_whatever_the_date(market: Any) -> None:
    w = market
    mention = post(w.admin, w.ent_cq, "supply", "劳保用品批发", description="手套、工作服，也有少量口罩",
                   category="防疫物资/劳保")
    found = list(selectors.listing_search(user=w.tf_member, q="口罩", kind="supply"))
    assert found.index(w.supply) < found.index(mention)  # the newer listing only mentions masks in passing
    assert list(selectors.listing_search(user=w.tf_member, q="劳保 手套")) == [mention]
    # without a query: newest first
    assert list(selectors.listing_search(user=w.tf_member, kind="supply"))[0] == mention


def test_filters_and_single_characters(market: Any) -> None:
    w = market
    assert list(selectors.listing_search(user=w.tf_member, q="罩")) == [w.demand, w.supply] or \
        set(selectors.listing_search(user=w.tf_member, q="罩")) == {w.demand, w.supply}
    assert list(selectors.listing_search(user=w.tf_member, q="口罩", kind="demand", region="510112")) == [w.demand]
    assert list(selectors.listing_search(user=w.tf_member, q="口罩", category="轴承")) == []
    assert list(selectors.listing_search(user=w.tf_member, q="6203 轴承")) == [w.other_supply]
    assert list(selectors.listing_search(user=w.tf_member, q="口罩 6203")) == []  # every word must be there


def test_edits_and_closing_are_searched_at_once(market: Any) -> None:
    w = market
    services.listing_update(actor=w.contact_user, listing_id=w.demand.pk, version=w.demand.version,
                            data=listing_input(w.ent_lqy, title="急需医用防护服"))
    assert list(selectors.listing_search(user=w.tf_member, q="防护服")) == [w.demand]
    assert w.demand not in selectors.listing_search(user=w.tf_member, q="KN95")
    services.listing_act(actor=w.admin, listing_id=w.demand.pk, action="close")
    assert list(selectors.listing_search(user=w.tf_member, q="防护服")) == []


def test_the_query_reads_the_full_text_index(market: Any) -> None:
    qs = selectors.listing_search(user=market.tf_member, q="防护口罩")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan and search.FTS_TABLE in plan
        else:
            # a three-row table: the planner prefers other indexes for the whole query; the predicate itself is
            # answered by the GIN index once sequential scans are off
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN SELECT id FROM cooperation_listing "
                           "WHERE search_vector @@ plainto_tsquery('simple', %s)", ["防护 口罩"])
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "cooperation_listing_search" in plan and "search_vector @@" in sql
    assert Listing.objects.filter(pk=market.supply.pk).values_list("search_title", flat=True).get().split()[:3] == \
        ["供", "应", "供应"]


def test_tokens() -> None:
    assert search.tokens("供应KN95防护口罩") == ["供", "应", "供应", "kn95", "防", "护", "口", "罩", "防护", "护口", "口罩"]
    assert search.query_terms("防护口罩 kn95") == ["防护", "护口", "口罩", "kn95"]
    assert search.query_terms("罩") == ["罩"] and search.query_terms("'\"*") == []
