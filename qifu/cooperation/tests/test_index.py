"""The app's index: a segment written by the job, shared by processes, plus the changes since its watermark."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qifu.cooperation import index, services
from qifu.cooperation.models import Listing, Match

from .conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment_dir(settings: Any, tmp_path: Any) -> Any:
    settings.COOPERATION_INDEX_DIR = tmp_path
    return tmp_path


def test_the_segment_serves_matches_and_changes_after_it_are_seen(market: Any, segment_dir: Any) -> None:
    w = market
    # the market was posted an hour ago: only the segment holds it
    Listing.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    call_command("cooperation_index", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    index.reset()  # as a process started after the job
    shared = index.current()
    assert shared.segment is not None and len(shared.segment) == 3 and len(shared.delta) == 0
    later = post(w.commissioner2, w.ent_lqy2, title="求购KN95口罩")
    assert Match.objects.get(demand=later).supply_id == w.supply.pk  # found in the segment
    # a change made through another process reaches this one through the database
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="close")
    index._state["index"].delta.remove(w.supply.pk)  # as if this process had not applied it itself
    index._state["index"].segment.sides["supply"].alive[:] = True
    again = post(w.commissioner2, w.ent_lqy2, title="急购KN95防护口罩")
    assert not Match.objects.filter(demand=again, supply=w.supply).exists()


def test_a_new_segment_is_picked_up_and_old_ones_pruned(market: Any, segment_dir: Any) -> None:
    first = index.build_segment()
    assert index.current().segment is not None
    post(market.admin, market.ent_cq, "supply", "KN95口罩 现货", quantity=90000)
    index.build_segment()
    third = index.build_segment()
    shared = index.current()
    assert shared.segment.folder.name == third["segment"] and third["listings"] == 4 and len(shared) == 4
    names = [p.name for p in index.segment_root().iterdir() if p.is_dir()]
    assert first["segment"] not in names and len(names) == index.KEEP_SEGMENTS


def test_without_a_segment_every_open_listing_is_in_the_delta(market: Any, segment_dir: Any) -> None:
    shared = index.current()
    assert shared.segment is None and len(shared) == 3


def test_a_segment_of_an_older_format_is_ignored_until_rewritten(market: Any, segment_dir: Any) -> None:
    built = index.build_segment()
    meta = index.segment_root() / built["segment"] / "meta.json"
    written = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**written, "format": written["format"] - 1}), encoding="utf-8")
    index.reset()  # a process of the new release, the old release's segment still current
    index._state["rewrite_asked"] = built["segment"]  # as if the worker had been asked and had not yet run
    shared = index.current()
    assert shared.segment is None and len(shared) == 3  # served from the database meanwhile
    index.reset()
    index._state["rewrite_asked"] = None
    index.current()  # the worker is asked (and runs at once in tests)
    shared = index.current()  # the next call maps the new segment
    assert shared.segment is not None and shared.segment.folder.name != built["segment"] and len(shared) == 3
