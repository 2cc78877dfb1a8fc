"""The supervision sweep: three-colour warnings around working-day boundaries, idempotence, overdue
escalation, expired confirmations, digests, and a query count that does not grow with unchanged problems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from qifu.core.workdays import END_OF_DAY, SHANGHAI
from qifu.ledger import kpis, services, supervision
from qifu.ledger.choices import AssignmentStatus, CloseReason, Status, Tier
from qifu.ledger.models import Assignment, Problem, ProblemEvent
from qifu.notifications.models import Notification

from . import helpers as h

pytestmark = pytest.mark.django_db


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=SHANGHAI)


def end_of(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), END_OF_DAY, SHANGHAI)


def craft(p: Problem, **fields: Any) -> Problem:
    Problem.objects.filter(pk=p.pk).update(**fields)
    return Problem.objects.get(pk=p.pk)


def warning(p: Problem) -> str:
    return Problem.objects.values_list("warning", flat=True).get(pk=p.pk)


def counts() -> tuple[int, int]:
    return ProblemEvent.objects.count(), Notification.objects.count()


def test_blue_across_a_weekend_then_red_then_cleared(lw: Any) -> None:
    # Due at the end of Monday 2020-03-09; the weekend does not count as working time.
    p = craft(h.accepted(lw), reported_at=at("2020-03-02"), last_progress_at=at("2020-03-06", "09:00"),
              deadline=end_of("2020-03-09"))
    version = p.version
    assert supervision.sweep(now=at("2020-03-06", "10:00")).changed["blue"] == 0  # 1.58 working days left
    assert supervision.sweep(now=at("2020-03-06", "23:00")).changed["blue"] == 0  # 1.04 left
    assert warning(p) == ""
    result = supervision.sweep(now=at("2020-03-07", "10:00"))  # Saturday: exactly Monday left
    assert result.changed["blue"] == 1 and warning(p) == "blue"
    supervision.sweep(now=at("2020-03-10", "00:00"))
    assert warning(p) == "red"
    events = list(ProblemEvent.objects.filter(problem=p, code="warning").order_by("id"))
    assert [e.data for e in events] == [{"from": "", "to": "blue"}, {"from": "blue", "to": "red"}]
    assert all(e.actor is None and e.actor_label == "ledger.sweep" for e in events)
    assert events[-1].created_at == at("2020-03-10", "00:00")
    # Warnings never make an open form stale.
    assert Problem.objects.get(pk=p.pk).version == version
    # A granted extension clears the colour.
    craft(p, deadline=end_of("2020-03-31"))
    assert supervision.sweep(now=at("2020-03-10", "00:00")).changed[""] == 1
    assert warning(p) == ""


def test_yellow_after_three_working_days_without_progress(lw: Any) -> None:
    # Reported Thursday 09:00: three working days end Tuesday 09:00 (Sat and Sun do not count).
    p = craft(h.accepted(lw), reported_at=at("2020-03-05", "09:00"), deadline=end_of("2020-03-31"))
    supervision.sweep(now=at("2020-03-09", "10:00"))
    supervision.sweep(now=at("2020-03-10", "08:59"))
    assert warning(p) == ""
    supervision.sweep(now=at("2020-03-10", "09:00"))
    assert warning(p) == "yellow"
    notice = Notification.objects.filter(code="ledger.warning_yellow").first()
    assert notice is not None and notice.params["number"] == p.number
    # A progress report restarts the period.
    craft(p, last_progress_at=at("2020-03-10", "09:30"))
    supervision.sweep(now=at("2020-03-10", "10:00"))
    assert warning(p) == ""


def test_reported_problem_is_not_yellow(lw: Any) -> None:
    """Nobody can report progress before the commissioner accepts it; only its deadline counts."""
    p = craft(h.report(lw, by=lw.contact_user), reported_at=at("2020-03-02"), deadline=end_of("2020-03-31"))
    assert p.status == Status.REPORTED
    supervision.sweep(now=at("2020-03-20"))
    assert warning(p) == ""


def test_sweep_is_idempotent_and_notifies_owner_and_supervisor(lw: Any) -> None:
    red = craft(h.accepted(lw), reported_at=at("2020-03-02"), deadline=end_of("2020-03-09"))
    blue = craft(h.accepted(lw, title="缺消毒液"), reported_at=at("2020-03-09"), deadline=end_of("2020-03-10"))
    dept = h.dispatched(lw, title="物流受阻")
    Assignment.objects.filter(problem=dept, tier=Tier.DEPARTMENT).update(
        assigned_at=at("2020-03-04"), deadline=end_of("2020-03-09"))
    craft(dept, reported_at=at("2020-03-02"), deadline=end_of("2020-03-31"))
    now = at("2020-03-10")
    first = supervision.sweep(now=now)
    assert (first.changed["red"], first.changed["blue"]) == (2, 1)
    assert (warning(red), warning(blue), warning(dept)) == ("red", "blue", "red")  # the hop's clock ran out
    # The commissioner and the district's command center hear of the commissioner-tier problem ...
    got = set(Notification.objects.filter(params__number=red.number).values_list("recipient__username", flat=True))
    assert got == {"comm", "cc_lqy"}
    # ... the department and the command center that dispatched it of the department's.
    got = set(Notification.objects.filter(params__number=dept.number).values_list("recipient__username", flat=True))
    assert got == {"dept", "cc_lqy"}
    before = counts()
    second = supervision.sweep(now=now)
    assert counts() == before
    assert sum(second.changed.values()) == 0 and second.notified == 0 and second.escalated == 0
    # Cleared and set again for the same deadline: recorded again, but nobody is notified twice.
    craft(red, warning="")
    supervision.sweep(now=now)
    assert counts()[0] == before[0] + 1 and counts()[1] == before[1]


def test_overdue_escalates_one_tier_up_once(lw: Any) -> None:
    p = craft(h.accepted(lw), reported_at=at("2020-03-02"), deadline=end_of("2020-03-06"))
    version = p.version
    supervision.sweep(now=at("2020-03-11", "23:00"))  # overdue by 2.96 working days: red only
    p.refresh_from_db()
    assert (p.tier, p.warning, p.version) == (Tier.COMMISSIONER, "red", version)
    now = at("2020-03-12", "00:00")  # by three working days (Mon, Tue, Wed)
    result = supervision.sweep(now=now)
    assert result.escalated == 1
    p.refresh_from_db()
    assert (p.status, p.tier, p.responsible_unit, p.owner) == (Status.ESCALATED, Tier.COMMAND_CENTER, lw.cc_lqy, None)
    assert p.version == version + 1 and p.warning == "red"  # the problem's own clock still ran out
    event = ProblemEvent.objects.get(problem=p, code="escalated_overdue")
    assert (event.from_tier, event.to_tier, event.actor, event.actor_label) == (
        Tier.COMMISSIONER, Tier.COMMAND_CENTER, None, "ledger.sweep")
    hop = Assignment.objects.get(problem=p, tier=Tier.COMMAND_CENTER)
    assert hop.assigned_at == now and hop.deadline == end_of("2020-03-17")
    assert Notification.objects.filter(code="ledger.escalated_overdue", recipient=lw.cc_staff).count() == 1
    before = counts()
    again = supervision.sweep(now=now)
    assert again.escalated == 0 and counts() == before
    # The command center's own clock: overdue by three working days on Monday 03-23 → leadership.
    assert supervision.sweep(now=at("2020-03-20", "23:00")).escalated == 0
    assert supervision.sweep(now=at("2020-03-23", "00:00")).escalated == 1
    p.refresh_from_db()
    assert (p.tier, p.responsible_unit) == (Tier.LEADERSHIP, lw.leadership)
    assert Assignment.objects.get(pk=hop.pk).status == AssignmentStatus.WITHDRAWN
    # The leadership task force is the top: warned, never moved.
    assert supervision.sweep(now=at("2020-06-01")).escalated == 0
    assert ProblemEvent.objects.filter(problem=p, code="escalated_overdue").count() == 2


def test_overdue_department_hops_go_to_leadership(lw: Any) -> None:
    p = h.dispatched(lw)
    Assignment.objects.filter(problem=p, tier=Tier.DEPARTMENT).update(
        assigned_at=at("2020-03-02"), deadline=end_of("2020-03-06"))
    craft(p, reported_at=at("2020-03-02"), deadline=end_of("2020-03-31"))
    assert supervision.sweep(now=at("2020-03-12", "00:00")).escalated == 1
    p.refresh_from_db()
    assert (p.status, p.tier, p.responsible_unit) == (Status.ESCALATED, Tier.LEADERSHIP, lw.leadership)
    assert not Assignment.objects.filter(problem=p, tier=Tier.DEPARTMENT, status__in=["pending", "acknowledged"])
    # Its new hop has a fresh clock: only the deadline of the problem counts now, not red any more.
    assert p.warning == ""


def test_escalate_overdue_service_is_idempotent(lw: Any) -> None:
    p = craft(h.accepted(lw), reported_at=at("2020-03-02"), deadline=end_of("2020-03-06"))
    assert supervision.problem_escalate_overdue(problem_id=p.pk, now=at("2020-03-10")) is None  # not yet
    assert supervision.problem_escalate_overdue(problem_id=p.pk, now=at("2020-03-12", "00:00")) is not None
    assert supervision.problem_escalate_overdue(
        problem_id=p.pk, now=at("2020-03-12", "00:00"), from_tier=Tier.COMMISSIONER) is None


def test_expired_confirmation_closes(lw: Any) -> None:
    p = craft(h.resolved(lw), resolved_at=at("2020-03-02"))  # Monday 10:00; 5 working days: next Monday 10:00
    assert supervision.sweep(now=at("2020-03-09", "09:59")).expired == 0
    result = supervision.sweep(now=at("2020-03-09", "10:00"))
    assert result.expired == 1
    p.refresh_from_db()
    assert (p.status, p.close_reason) == (Status.CLOSED, CloseReason.EXPIRED)
    event = ProblemEvent.objects.filter(problem=p, code="closed").get()
    assert (event.actor, event.actor_label, event.data["close_reason"]) == (None, "ledger.sweep", "expired")
    assert supervision.sweep(now=at("2020-03-09", "10:00")).expired == 0


def test_closed_problems_lose_their_colour(lw: Any) -> None:
    p = craft(h.closed(lw), warning="red")
    assert supervision.sweep(now=at("2020-03-10")).changed[""] == 1
    assert warning(p) == ""


def _settled(lw: Any, n: int) -> datetime:
    for i in range(n):
        craft(h.accepted(lw, title=f"问题 {i}"), reported_at=at("2020-03-02"),
              deadline=end_of("2020-03-09" if i % 2 else "2020-03-31"))
    now = at("2020-03-05", "11:00")  # yellow for all: three working days and an hour without progress
    supervision.sweep(now=now)
    return now


@pytest.mark.parametrize("n", [2, 12])
def test_queries_do_not_grow_with_unchanged_problems(lw: Any, n: int, django_assert_max_num_queries: Any) -> None:
    now = _settled(lw, n)
    assert Problem.objects.filter(warning="yellow").count() == n
    with django_assert_max_num_queries(11):  # a fixed number, whatever n
        result = supervision.sweep(now=now)
    assert result.checked == n and sum(result.changed.values()) == 0


def test_digests_once_per_unit_and_day(lw: Any) -> None:
    p = h.dispatched(lw)
    craft(p, warning="red")
    digest = kpis.digest_for_unit(lw.department)
    assert (digest["open"], digest["red"], digest["yellow"], digest["blue"]) == (1, 1, 0, 0)
    assert [r["number"] for r in digest["rows"]] == [p.number]
    assert kpis.digest_for_unit(lw.cc_lqy)["open"] == 0  # dispatched on: the department holds it now
    sent = supervision.digests_send(now=at("2020-03-10"))
    assert sent == 1 and Notification.objects.get(code="ledger.digest").recipient == lw.dept_staff
    assert supervision.digests_send(now=at("2020-03-10", "18:00")) == 0
    assert supervision.digests_send(now=at("2020-03-11")) == 1


def test_periodic_task_runs(lw: Any) -> None:
    from qifu.ledger import tasks

    craft(h.accepted(lw), reported_at=at("2020-03-02"), deadline=end_of("2020-03-09"))
    result = tasks.supervision_sweep.call_local()
    assert result["checked"] == 1 and result["changed"]["red"] == 1


def test_many_problems_turning_red_at_once_make_one_notice_per_person(lw: Any) -> None:
    problems = [craft(h.accepted(lw, title=f"问题 {i}"), reported_at=at("2020-03-02"), deadline=end_of("2020-03-09"))
                for i in range(supervision.MANY + 2)]
    result = supervision.sweep(now=at("2020-03-10"))
    assert result.changed["red"] == len(problems)
    # The commissioner and the district's command center each get one notice listing them all ...
    for username in ("comm", "cc_lqy"):
        notice = Notification.objects.get(recipient__username=username)
        assert notice.code == "ledger.warning_red_many" and notice.params["count"] == len(problems)
        assert all(p.number in notice.params["numbers"] for p in problems)
        assert "warning=red" in notice.link
    # ... each problem still records its own warning event, and a second sweep sends nothing more.
    assert ProblemEvent.objects.filter(code="warning").count() == len(problems)
    before = counts()
    assert supervision.sweep(now=at("2020-03-10")).notified == 0 and counts() == before


def test_a_progress_report_clears_yellow_at_once_without_a_notice(lw: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()  # the service reports progress now
    p = craft(h.accepted(lw), reported_at=now - timedelta(days=15), deadline=now + timedelta(days=30))
    supervision.sweep(now=now)
    assert warning(p) == "yellow"
    notices = Notification.objects.count()
    services.problem_report_progress(actor=lw.commissioner, problem_id=p.pk, progress="已联系供应商")
    assert warning(p) == ""
    event = ProblemEvent.objects.filter(problem=p, code="warning").latest("id")
    assert event.data == {"from": "yellow", "to": ""}
    assert Notification.objects.count() == notices


def test_regular_runs_read_only_what_time_can_change(lw: Any) -> None:
    now = _settled(lw, 6)  # six yellow problems, half of them due on 2020-03-09
    assert supervision.sweep(now=now, full=False).checked == 0  # nothing can change yet
    later = at("2020-03-10", "00:00")  # the ones due on the 9th are now overdue
    result = supervision.sweep(now=later, full=False)
    assert result.checked == 3 and result.changed["red"] == 3
    assert supervision.sweep(now=later, full=True).checked == 6
