"""Commissioners' personal daily digests: their enterprises' open problems by colour and those waiting on them,
one notice per commissioner and day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from qifu.ledger import digests, notices, services
from qifu.ledger.models import Problem, ProblemCategory
from qifu.notifications.models import Notification

pytestmark = pytest.mark.django_db

MORNING = datetime(2020, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _report(world: Any, title: str) -> Problem:
    category = ProblemCategory.objects.get(code="other")
    return services.problem_report(actor=world.contact_user, data=services.ProblemInput(
        enterprise_id=world.ent_lqy.pk, title=title, category_id=category.pk))


def test_each_commissioner_gets_one_digest_a_day(world: Any) -> None:
    waiting = _report(world, "口罩紧缺")  # reported: waiting for the commissioner to accept it
    away = services.problem_accept(actor=world.commissioner, problem_id=_report(world, "货车通行证").pk)
    away = services.problem_escalate(actor=world.commissioner, problem_id=away.pk, reason="需指挥部协调")
    Problem.objects.filter(pk=away.pk).update(warning="red")

    assert digests.commissioner_digests_send(now=MORNING) == 1
    notice = Notification.objects.get(code=notices.COMMISSIONER_DIGEST)
    assert notice.recipient == world.commissioner  # commissioner2 and the team have nothing open: nothing sent
    assert notice.params["open"] == 2 and notice.params["red"] == 1 and notice.params["waiting"] == 1
    assert notice.params["numbers"].split(", ") == [away.number, waiting.number]  # red first
    # the same day again (a second worker run, a restart): nothing more
    assert digests.commissioner_digests_send(now=MORNING + timedelta(hours=3)) == 0
    assert digests.commissioner_digests_send(now=MORNING + timedelta(days=1)) == 1
    assert Notification.objects.filter(code=notices.COMMISSIONER_DIGEST).count() == 2


def test_a_resolution_to_check_is_waiting_and_a_closed_problem_is_not(world: Any) -> None:
    p = services.problem_accept(actor=world.commissioner, problem_id=_report(world, "食堂").pk)
    services.problem_resolve_on_site(actor=world.commissioner, problem_id=p.pk, resolution_type="solved",
                                     resolution="已协调")
    counts = digests.commissioner_digests()[world.commissioner.pk]
    assert (counts.open, counts.waiting) == (0, 1)
    services.problem_check(actor=world.commissioner, problem_id=p.pk)
    assert world.commissioner.pk not in digests.commissioner_digests()


def test_the_daily_task_sends_the_digests(world: Any) -> None:
    from qifu.ledger import tasks

    _report(world, "口罩紧缺")
    tasks.commissioner_digests.call_local()
    assert Notification.objects.filter(recipient=world.commissioner, code=notices.COMMISSIONER_DIGEST).count() == 1
