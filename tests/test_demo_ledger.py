"""The demo ledger (qifu/demo/ledger.py): states, timelines consistent with them, the seed's cases, idempotency."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Count

from qifu.demo import ledger as demo_ledger
from qifu.demo import scenario
from qifu.ledger.choices import ACTIVE_ASSIGNMENT, AssignmentStatus, Nature, Rating, ReturnKind, Status, Tier
from qifu.ledger.models import (
    Assignment,
    LedgerSequence,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProgressReport,
)

pytestmark = pytest.mark.django_db(transaction=False)

COUNTED = (Problem, Assignment, ProblemEvent, ProgressReport, LedgerSequence)
OPEN = (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the scenario twice, once for the whole module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        first = scenario.load()
        seconds = time.monotonic() - started
        after_first = _counts()
        second = scenario.load()
        # The load's deferred foreign-key checks run once here, in the outer transaction. Otherwise every test's
        # teardown runs them all again: Django checks constraints before rolling back the test's savepoint, and
        # PostgreSQL puts the pending checks back with the savepoint (12–18 s per test on PostgreSQL).
        connection.check_constraints()
        yield SimpleNamespace(first=first, second=second, seconds=seconds, after_first=after_first,
                              after_second=_counts())
        transaction.set_rollback(True)


def test_a_few_thousand_problems_in_every_main_state(demo):  # type: ignore[no-untyped-def]
    # plus the key project's logistics requests (qifu/demo/projects.py) and the Gulei towns' lodging refusal
    # (qifu/demo/workforce.py, linked to the project's lodging rule), which are ledger problems too
    from qifu.workforce.models import LodgingRule

    assert Problem.objects.filter(logistics_request__isnull=True).exclude(
        pk__in=LodgingRule.objects.values("problem_id")).count() == demo_ledger.TARGET_PROBLEMS
    by_status = Counter(Problem.objects.values_list("status", flat=True))
    for status in (Status.REPORTED, Status.ACCEPTED, Status.ESCALATED, Status.DISPATCHED, Status.RESOLVED,
                   Status.CLOSED):
        assert by_status[status] > 0, status
    assert by_status[Status.CLOSED] > by_status[Status.RESOLVED]
    tiers = Counter(Problem.objects.filter(status__in=OPEN).values_list("tier", flat=True))
    for tier in Tier.values:
        assert tiers[tier] > 0, tier
    assert Problem.objects.filter(redo_count__gt=0).exists()
    assert Problem.objects.filter(close_reason="expired").exists()
    assert Assignment.objects.filter(return_kind=ReturnKind.WRONG_UNIT).exists()
    assert Assignment.objects.filter(return_kind=ReturnKind.BEYOND_POWER).exists()
    warnings = Counter(Problem.objects.filter(status__in=OPEN).values_list("warning", flat=True))
    assert warnings["red"] and warnings["yellow"] and warnings["blue"]
    assert not Problem.objects.exclude(status__in=OPEN).exclude(warning="").exists()
    assert ProgressReport.objects.count() > 1000
    ratings = Counter(Problem.objects.filter(status=Status.CLOSED).values_list("rating", flat=True))
    assert ratings[Rating.SATISFIED] > ratings[Rating.BASICALLY] > 0
    first, last = Problem.objects.order_by("reported_at").values_list("reported_at", flat=True)[::2999]
    assert first.date().isoformat() >= "2020-02-03" and last.date().isoformat() <= "2020-04-30"


def test_timelines_are_in_order_and_match_the_status(demo):  # type: ignore[no-untyped-def]
    events = defaultdict(list)
    for row in ProblemEvent.objects.order_by("problem_id", "id").values_list(
        "problem_id", "code", "from_status", "to_status", "from_tier", "to_tier", "created_at"
    ):
        events[row[0]].append(row[1:])
    problems = Problem.objects.values_list("pk", "status", "tier", "reported_at", "closed_at", "number")
    for pk, status, tier, reported_at, closed_at, number in problems:
        timeline = events[pk]
        assert timeline[0][0] == "reported" and timeline[0][5] == reported_at, number
        times = [e[5] for e in timeline]
        assert times == sorted(times), number
        transitions = [e for e in timeline if e[2]]
        for before, after in zip(transitions, transitions[1:], strict=False):
            assert (after[1], after[3]) == (before[2], before[4]), number  # from = the previous to
        assert (transitions[-1][2], transitions[-1][4]) == (status, tier), number
        if status == Status.CLOSED:
            assert timeline[-1][0] == "closed" and timeline[-1][5] == closed_at, number
        assert times[-1] <= demo_ledger.DEMO_NOW


def test_open_department_problems_have_an_active_assignment(demo):  # type: ignore[no-untyped-def]
    dept = Problem.objects.filter(status=Status.DISPATCHED, tier=Tier.DEPARTMENT)
    assert dept.count() > 50
    assert not dept.exclude(assignments__status__in=ACTIVE_ASSIGNMENT, assignments__tier=Tier.DEPARTMENT).exists()
    assert not Problem.objects.filter(status=Status.DISPATCHED).exclude(tier=Tier.DEPARTMENT).exists()
    # the responsible unit of an escalated problem is the unit of its last active hop
    for p in Problem.objects.filter(status=Status.ESCALATED).prefetch_related("assignments"):
        active = [a for a in p.assignments.all() if a.status in ACTIVE_ASSIGNMENT]
        assert [a.unit_id for a in active] == [p.responsible_unit_id], p.number
    # closed and resolved problems hold no active hop
    assert not Assignment.objects.filter(problem__status__in=(Status.RESOLVED, Status.CLOSED),
                                         status__in=ACTIVE_ASSIGNMENT).exists()


def test_common_problems_go_to_their_task_force(demo):  # type: ignore[no-untyped-def]
    links = dict(ProblemCategory.objects.filter(task_force__isnull=False).values_list("code", "task_force__code"))
    assert links == demo_ledger.CATEGORY_TASK_FORCES
    hops = Assignment.objects.filter(tier=Tier.TASK_FORCE).select_related("problem__category", "unit")
    assert hops.exists()
    for hop in hops:
        assert hop.problem.nature == Nature.COMMON
        assert hop.unit.code == links[hop.problem.category.code]


def test_the_seed_cases(demo):  # type: ignore[no-untyped-def]
    cases = {p.title: p for p in Problem.objects.filter(title__in=demo_ledger.SEED_CASES.values())
             .select_related("enterprise", "category", "responsible_unit", "resolved_unit", "first_receiver")}
    assert len(cases) == 4
    interns = cases[demo_ledger.SEED_CASES["interns"]]
    assert interns.enterprise.name == "四川一汽丰田汽车有限公司" and interns.category.code == "staffing"
    assert (interns.status, interns.rating, interns.resolved_unit.code) == (Status.CLOSED, Rating.SATISFIED, "cd-jtj")
    assert "66" in interns.resolution and interns.number.startswith("LQY-2020-")

    masks = cases[demo_ledger.SEED_CASES["masks"]]
    assert (masks.nature, masks.category.code, masks.status) == (Nature.COMMON, "protective_supplies", Status.RESOLVED)
    assert masks.assignments.filter(tier=Tier.TASK_FORCE, unit__code="tf-supplies").exists()

    chongqing = cases[demo_ledger.SEED_CASES["chongqing"]]
    assert (chongqing.status, chongqing.tier, chongqing.responsible_unit.code) == (
        Status.DISPATCHED, Tier.DEPARTMENT, "sc-jxt")
    assert chongqing.assignments.filter(tier=Tier.LEADERSHIP).exists()
    assert chongqing.assignments.filter(unit__code="sc-jxt", status=AssignmentStatus.ACKNOWLEDGED).exists()
    assert chongqing.progress_reports.count() >= 3

    fever = cases[demo_ledger.SEED_CASES["fever"]]
    assert fever.enterprise.name == "天津矢崎汽车配件有限公司成都分公司"
    assert (fever.status, fever.resolved_tier, fever.first_receiver.username) == (
        Status.CLOSED, Tier.COMMISSIONER, "chenjingjing")
    assert fever.crisis_mode and "核酸" in fever.resolution


def test_numbers_unique_and_sequences_continue(demo):  # type: ignore[no-untyped-def]
    numbers = list(Problem.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert not Problem.objects.values("number").annotate(n=Count("id")).filter(n__gt=1).exists()
    for seq in LedgerSequence.objects.filter(year=2020):
        used = [int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"{seq.prefix}-2020-")]
        assert seq.last == max(used) == len(used), seq.prefix
    assert LedgerSequence.objects.filter(prefix="LQY", year=2020).exists()


def test_second_load_changes_nothing(demo):  # type: ignore[no-untyped-def]
    assert demo.after_second == demo.after_first
    assert demo.first.created["problems"] == demo_ledger.TARGET_PROBLEMS
    assert "problems" not in demo.second.created
