"""Filing daily status reports: who may, what is validated, and how a second report replaces the first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qifu.core.access import NotFound
from qifu.core.models import Event
from qifu.resumption import rollup, services
from qifu.resumption.models import DailyFigure, StatusReport

from .conftest import DAY, file

pytestmark = pytest.mark.django_db


def test_second_report_replaces_first_and_keeps_it_in_history(rw: Any) -> None:
    reports = StatusReport.objects.filter(enterprise=rw.ent_lqy, date=DAY).order_by("id")
    assert [(r.status, r.is_current) for r in reports] == [("partly", False), ("resumed", True)]
    assert reports[0].superseded_at is not None
    codes = list(Event.objects.filter(target_type="resumption.statusreport").order_by("id").values_list("code", flat=True))
    assert codes[:2] == ["resumption.report_filed", "resumption.report_replaced"]
    replaced = Event.objects.get(code="resumption.report_replaced")
    assert replaced.data["replaces"] == rw.first.pk and replaced.actor == rw.commissioner
    # the rollup counts only the current report
    fig = DailyFigure.objects.get(date=DAY, region_id="510112", industry_id="36")
    assert (fig.reported, fig.partly, fig.resumed, fig.not_resumed, fig.employees_on_duty) == (2, 0, 1, 1, 80)


def test_who_may_file(rw: Any) -> None:
    with pytest.raises(NotFound):  # commissioner of another enterprise: cannot even see it
        file(rw.commissioner, rw.ent_lqy2, "resumed", 1, 1, 1)
    with pytest.raises(PermissionDenied):  # leadership sees but does not file
        file(rw.leader, rw.ent_lqy, "resumed", 1, 1, 1)
    file(rw.cc_staff, rw.ent_lqy2, "partly", 50, 10, 20)  # the district's command center may


@pytest.mark.parametrize("kwargs,field", [
    ({"capacity": 151}, "capacity"),
    ({"capacity": -1}, "capacity"),
    ({"on_duty": 120}, "employees_on_duty"),
    ({"status": "working"}, "status"),
    ({"day": timezone.localdate() + timedelta(days=1)}, "date"),
])
def test_invalid_values_are_refused_and_nothing_changes(rw: Any, kwargs: dict[str, Any], field: str) -> None:
    before = StatusReport.objects.count(), Event.objects.count()
    values = {"status": "resumed", "expected": 100, "on_duty": 50, "capacity": 60} | kwargs
    day = values.pop("day", DAY)
    with pytest.raises(ValidationError) as exc:
        file(rw.commissioner, rw.ent_lqy, values["status"], values["expected"], values["on_duty"], values["capacity"],
             day=day)
    assert field in exc.value.error_dict
    assert (StatusReport.objects.count(), Event.objects.count()) == before


def test_more_on_duty_than_expected_is_fine_when_explained(rw: Any) -> None:
    r = file(rw.commissioner, rw.ent_lqy, "resumed", 100, 120, 80, remarks="临时借调员工")
    assert r.employees_on_duty == 120 and r.is_current


def test_obstacle_problem_must_belong_to_the_enterprise(rw: Any) -> None:
    from qifu.ledger.models import ProblemCategory
    from qifu.ledger.services import ProblemInput, problem_report

    category = ProblemCategory.objects.get(code="other")
    other = problem_report(actor=rw.admin, data=ProblemInput(enterprise_id=rw.ent_jj.pk, title="t",
                                                             category_id=category.pk))
    with pytest.raises(ValidationError) as exc:
        file(rw.commissioner, rw.ent_lqy, "partly", 100, 50, 40, obstacle="materials", problem_id=other.pk)
    assert "problem_id" in exc.value.error_dict
    own = problem_report(actor=rw.contact_user, data=ProblemInput(enterprise_id=rw.ent_lqy.pk, title="缺原材料",
                                                                  category_id=category.pk))
    r = file(rw.commissioner, rw.ent_lqy, "partly", 100, 50, 40, obstacle="materials", problem_id=own.pk)
    assert r.problem_id == own.pk


def test_rebuild_gives_the_rollup_the_services_maintain(rw: Any) -> None:
    before = sorted(DailyFigure.objects.filter(reported__gt=0).values_list(
        "date", "region_id", "industry_id", *rollup.FIELDS))
    rollup.rebuild()
    after = sorted(DailyFigure.objects.values_list("date", "region_id", "industry_id", *rollup.FIELDS))
    assert before == after


def test_reminders_go_to_commissioners_of_non_reporters_once(rw: Any) -> None:
    from qifu.notifications.models import Notification

    # on DAY only ent_project (served by team_leader) has not reported
    assert services.reminders_send(day=DAY) == 1
    assert services.reminders_send(day=DAY) == 0
    notice = Notification.objects.get(code="resumption.reminder")
    assert notice.recipient == rw.team_leader and notice.params["count"] == 1
    assert "/resumption/pending/" in notice.link


def test_backdating_window(world: Any, settings: Any) -> None:
    settings.QIFU_REPORT_BACKDATE_DAYS = 31
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        file(world.commissioner, world.ent_lqy, "resumed", 10, 10, 100, day=today - timedelta(days=32))
    assert "date" in refused.value.message_dict
    assert not StatusReport.objects.exists()
    file(world.commissioner, world.ent_lqy, "resumed", 10, 10, 100, day=today - timedelta(days=31))
    # Administrators may correct older figures (back to 2000).
    file(world.admin, world.ent_lqy, "resumed", 10, 10, 100, day=today - timedelta(days=400))
    with pytest.raises(ValidationError):
        file(world.admin, world.ent_lqy, "resumed", 10, 10, 100, day=date(1999, 12, 31))
