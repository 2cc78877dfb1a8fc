"""The workflow: every role × every transition, allowed or refused; the path of a problem through the tiers;
illegal transitions and stale edits refused with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from qifu.core.errors import Conflict
from qifu.ledger import services
from qifu.ledger.choices import AssignmentStatus, Nature, Rating, ResolutionType, ReturnKind, Status, Tier
from qifu.ledger.models import Assignment, Problem, ProblemEvent

from . import helpers as h

pytestmark = pytest.mark.django_db

ROLES = ("admin", "leader", "cc_staff", "cc_other", "tf_member", "dept_staff", "bureau_staff",
         "commissioner", "commissioner2", "contact_user", "nobody")

SOLVED = ResolutionType.SOLVED

# transition: (state builder, the call as actor, roles allowed)
CASES: dict[str, tuple[Callable[[Any], Problem], Callable[[Any, Any, Problem], Any], set[str]]] = {
    "accept": (h.report, lambda w, u, p: services.problem_accept(actor=u, problem_id=p.pk), {"admin", "commissioner"}),
    "resolve_on_site": (
        h.accepted,
        lambda w, u, p: services.problem_resolve_on_site(actor=u, problem_id=p.pk, resolution_type=SOLVED, resolution="现场解决"),
        {"admin", "commissioner"},
    ),
    "escalate": (
        h.accepted, lambda w, u, p: services.problem_escalate(actor=u, problem_id=p.pk, reason="需要指挥部协调"),
        {"admin", "commissioner"},
    ),
    "dispatch": (
        h.escalated,
        lambda w, u, p: services.problem_dispatch(
            actor=u, problem_id=p.pk, targets=[services.DispatchTarget(unit_id=w.department.pk)]),
        {"admin", "cc_staff"},
    ),
    "acknowledge": (
        h.dispatched, lambda w, u, p: services.assignment_acknowledge(actor=u, assignment_id=h.hop(p).pk),
        {"admin", "dept_staff"},
    ),
    "report_progress": (
        h.dispatched,
        lambda w, u, p: services.problem_report_progress(actor=u, problem_id=p.pk, progress="已联系供应商"),
        {"admin", "dept_staff"},
    ),
    "resolve": (
        h.dispatched,
        lambda w, u, p: services.problem_resolve(actor=u, problem_id=p.pk, resolution_type=SOLVED, resolution="已解决"),
        {"admin", "dept_staff"},
    ),
    "return": (
        h.dispatched,
        lambda w, u, p: services.assignment_return(
            actor=u, assignment_id=h.hop(p).pk, kind=ReturnKind.WRONG_UNIT, reason="不属于本单位职责"),
        {"admin", "dept_staff"},
    ),
    "confirm": (
        h.resolved, lambda w, u, p: services.problem_confirm(actor=u, problem_id=p.pk, rating=Rating.SATISFIED),
        {"contact_user"},
    ),
    "check": (h.resolved, lambda w, u, p: services.problem_check(actor=u, problem_id=p.pk), {"admin", "commissioner"}),
    "chase": (
        h.dispatched, lambda w, u, p: services.problem_chase(actor=u, problem_id=p.pk, message="请加快办理"),
        {"admin", "leader", "cc_staff"},
    ),
}


def _user(w: Any, role: str) -> Any:
    user = getattr(w, role)
    user._qifu_grants = None
    return user


@pytest.mark.parametrize("transition", sorted(CASES))
def test_who_may_make_each_transition(lw: Any, transition: str) -> None:
    build, call, allowed = CASES[transition]
    problem = build(lw)
    got = set()
    for role in ROLES:
        before = (Problem.objects.get(pk=problem.pk).version, ProblemEvent.objects.count())
        try:
            with transaction.atomic():
                call(lw, _user(lw, role), problem)
                got.add(role)
                transaction.set_rollback(True)  # undo, so every role starts from the same state
        except (PermissionDenied, Http404):
            assert (Problem.objects.get(pk=problem.pk).version, ProblemEvent.objects.count()) == before
    assert got == allowed


@pytest.mark.parametrize("transition", sorted(CASES))
def test_illegal_from_a_closed_problem(lw: Any, transition: str) -> None:
    _build, call, allowed = CASES[transition]
    problem = h.closed(lw)
    role = sorted(allowed)[0]
    before = (Problem.objects.get(pk=problem.pk).version, ProblemEvent.objects.count())
    with pytest.raises((Conflict, PermissionDenied, Http404)):
        call(lw, _user(lw, role), problem)
    assert (Problem.objects.get(pk=problem.pk).version, ProblemEvent.objects.count()) == before


def test_full_path_through_the_tiers(lw: Any) -> None:
    p = h.report(lw)
    assert p.number.startswith("LQY-") and p.status == Status.REPORTED and p.deadline > p.reported_at
    p = services.problem_accept(actor=lw.commissioner, problem_id=p.pk)
    assert p.first_receiver == lw.commissioner
    p = services.problem_escalate(actor=lw.commissioner, problem_id=p.pk, reason="需要协调")
    assert (p.status, p.tier, p.responsible_unit) == (Status.ESCALATED, Tier.COMMAND_CENTER, lw.cc_lqy)
    p = services.problem_dispatch(actor=lw.cc_staff, problem_id=p.pk,
                                  targets=[services.DispatchTarget(unit_id=lw.department.pk)])
    assert (p.status, p.tier, p.responsible_unit) == (Status.DISPATCHED, Tier.DEPARTMENT, lw.department)
    # the department now sees the problem and its enterprise
    assert Problem.objects.restrict(lw.dept_staff).filter(pk=p.pk).exists()
    services.assignment_acknowledge(actor=lw.dept_staff, assignment_id=h.hop(p).pk)
    services.problem_report_progress(actor=lw.dept_staff, problem_id=p.pk, progress="已对接", next_step="送货")
    p = services.problem_resolve(actor=lw.dept_staff, problem_id=p.pk, resolution_type=SOLVED, resolution="已送达")
    assert p.status == Status.RESOLVED and p.resolved_unit == lw.department
    p = services.problem_confirm(actor=lw.contact_user, problem_id=p.pk, rating=Rating.BASICALLY)
    assert p.status == Status.RESOLVED  # still needs the commissioner's check
    p = services.problem_check(actor=lw.commissioner, problem_id=p.pk)
    assert p.status == Status.CLOSED and p.close_reason == "confirmed"
    codes = list(ProblemEvent.objects.filter(problem=p).values_list("code", flat=True))
    assert codes == ["reported", "accepted", "escalated", "dispatched", "acknowledged", "progress", "resolved",
                     "confirmed", "checked", "closed"]
    esc = ProblemEvent.objects.get(problem=p, code="escalated")
    assert (esc.from_status, esc.to_status, esc.from_tier, esc.to_tier, esc.actor) == (
        Status.ACCEPTED, Status.ESCALATED, Tier.COMMISSIONER, Tier.COMMAND_CENTER, lw.commissioner)


def test_commissioner_report_is_accepted_at_once(lw: Any) -> None:
    p = h.report(lw, by=lw.commissioner)
    assert p.status == Status.ACCEPTED and p.first_receiver == lw.commissioner


def test_common_problem_goes_to_the_task_force_of_its_domain(lw: Any) -> None:
    p = h.escalated(lw, nature=Nature.COMMON)
    assert (p.tier, p.responsible_unit) == (Tier.TASK_FORCE, lw.task_force)
    assert Problem.objects.restrict(lw.tf_member).filter(pk=p.pk).exists()
    services.problem_dispatch(actor=lw.tf_member, problem_id=p.pk,
                              targets=[services.DispatchTarget(unit_id=lw.department.pk)])


def test_wrongly_dispatched_goes_back_for_reassignment(lw: Any) -> None:
    p = h.dispatched(lw)
    p = services.assignment_return(actor=lw.dept_staff, assignment_id=h.hop(p).pk, kind=ReturnKind.WRONG_UNIT,
                                   reason="应由卫健委负责")
    assert (p.status, p.tier, p.responsible_unit) == (Status.ESCALATED, Tier.COMMAND_CENTER, lw.cc_lqy)
    assert Assignment.objects.get(pk=h.hop(p).pk).status == AssignmentStatus.RETURNED
    p = services.problem_dispatch(actor=lw.cc_staff, problem_id=p.pk,
                                  targets=[services.DispatchTarget(unit_id=lw.bureau_lqy.pk)])  # 改派
    assert p.responsible_unit == lw.bureau_lqy


def test_beyond_power_goes_to_the_leadership_task_force(lw: Any) -> None:
    p = h.dispatched(lw)
    p = services.assignment_return(actor=lw.dept_staff, assignment_id=h.hop(p).pk, kind=ReturnKind.BEYOND_POWER,
                                   reason="需市级统筹")
    assert (p.status, p.tier, p.responsible_unit) == (Status.ESCALATED, Tier.LEADERSHIP, lw.leadership)
    # the leadership task force assigns again
    leader = lw.leader
    leader._qifu_grants = None
    services.problem_dispatch(actor=leader, problem_id=p.pk, targets=[services.DispatchTarget(unit_id=lw.department.pk)])


def test_unsatisfied_reopens_at_the_tier_that_resolved_it(lw: Any) -> None:
    p = h.resolved(lw)
    p = services.problem_confirm(actor=lw.contact_user, problem_id=p.pk, rating=Rating.UNSATISFIED, comment="仍未到货")
    assert (p.status, p.tier, p.responsible_unit, p.redo_count) == (Status.DISPATCHED, Tier.DEPARTMENT, lw.department, 1)
    assert Assignment.objects.filter(problem=p, unit=lw.department, status=AssignmentStatus.PENDING).exists()


def test_resolution_on_site_reopens_with_the_commissioner(lw: Any) -> None:
    p = h.accepted(lw)
    services.problem_resolve_on_site(actor=lw.commissioner, problem_id=p.pk, resolution_type=SOLVED, resolution="已协调")
    p = services.problem_confirm(actor=lw.contact_user, problem_id=p.pk, rating=Rating.UNSATISFIED)
    assert (p.status, p.tier, p.owner) == (Status.ACCEPTED, Tier.COMMISSIONER, lw.commissioner)


def test_two_departments_resolve_together(lw: Any) -> None:
    p = h.escalated(lw)
    services.problem_dispatch(actor=lw.cc_staff, problem_id=p.pk, targets=[
        services.DispatchTarget(unit_id=lw.department.pk), services.DispatchTarget(unit_id=lw.bureau_lqy.pk)])
    p = services.problem_resolve(actor=lw.dept_staff, problem_id=p.pk, resolution_type=SOLVED, resolution="运输已解决")
    assert p.status == Status.DISPATCHED
    p = services.problem_resolve(actor=lw.bureau_staff, problem_id=p.pk, resolution_type=SOLVED, resolution="物资已到")
    assert p.status == Status.RESOLVED


def test_stale_version_is_refused_and_changes_nothing(lw: Any) -> None:
    p = h.report(lw)
    stale = p.version
    services.problem_accept(actor=lw.commissioner, problem_id=p.pk, version=stale)
    before = (Problem.objects.get(pk=p.pk).version, ProblemEvent.objects.count())
    with pytest.raises(Conflict):
        services.problem_escalate(actor=lw.commissioner, problem_id=p.pk, reason="x", version=stale)
    assert (Problem.objects.get(pk=p.pk).version, ProblemEvent.objects.count()) == before


def test_bad_input_changes_nothing(lw: Any) -> None:
    p = h.accepted(lw)
    before = (Problem.objects.get(pk=p.pk).version, ProblemEvent.objects.count())
    with pytest.raises(ValidationError):
        services.problem_escalate(actor=lw.commissioner, problem_id=p.pk, reason="  ")
    with pytest.raises(ValidationError):
        services.problem_resolve_on_site(actor=lw.commissioner, problem_id=p.pk, resolution_type="bogus", resolution="x")
    assert (Problem.objects.get(pk=p.pk).version, ProblemEvent.objects.count()) == before
    with pytest.raises(ValidationError) as exc:
        services.problem_report(actor=lw.contact_user, data=services.ProblemInput(enterprise_id=lw.ent_lqy.pk, title=""))
    assert {"title", "category"} <= set(exc.value.message_dict)


def test_ledger_numbers_are_dense_per_district_and_year(lw: Any) -> None:
    numbers = [h.report(lw).number for _ in range(3)]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["000001", "000002", "000003"]
    assert len(set(numbers)) == 3


def test_who_sees_a_problem(lw: Any) -> None:
    p = h.dispatched(lw)
    seen = {r for r in ROLES if Problem.objects.restrict(_user(lw, r)).filter(pk=p.pk).exists()}
    assert seen == {"admin", "leader", "cc_staff", "dept_staff", "bureau_staff", "commissioner", "contact_user"}


def test_common_problem_is_worked_once_and_each_enterprise_confirms_its_own(lw: Any) -> None:
    from qifu.core.testing.factories import ContactFactory

    ContactFactory(enterprise=lw.ent_lqy2, user=lw.contact_user)  # the same contact person for brevity
    a = h.report(lw, title="口罩紧缺")
    b = services.problem_report(actor=lw.contact_user, data=services.ProblemInput(
        enterprise_id=lw.ent_lqy2.pk, title="买不到KN95", category_id=lw.category.pk))
    tf = lw.tf_member
    tf._qifu_grants = None
    with pytest.raises(Http404):  # the task force does not see them before anything is routed to it
        services.problems_merge(actor=tf, problem_ids=[a.pk, b.pk], title="防护物资紧缺", category_id=lw.category.pk)
    admin = lw.admin
    parent = services.problems_merge(actor=admin, problem_ids=[a.pk, b.pk], title="防护物资紧缺",
                                     category_id=lw.category.pk)
    assert (parent.enterprise, parent.nature, parent.tier, parent.responsible_unit) == (
        None, Nature.COMMON, Tier.TASK_FORCE, lw.task_force)
    assert set(Problem.objects.filter(parent=parent).values_list("status", flat=True)) == {Status.MERGED}
    assert Problem.objects.restrict(tf).filter(pk=parent.pk).exists()
    services.problem_resolve(actor=tf, problem_id=parent.pk, resolution_type=SOLVED, resolution="统一调配 10 万只口罩")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == Status.RESOLVED and a.resolution == "统一调配 10 万只口罩"
    services.problem_confirm(actor=lw.contact_user, problem_id=a.pk, rating=Rating.SATISFIED)
    services.problem_check(actor=lw.commissioner, problem_id=a.pk)
    a.refresh_from_db()
    assert a.status == Status.CLOSED
    with pytest.raises(PermissionDenied):  # ent_lqy2's commissioner checks its own, not this one
        services.problem_check(actor=lw.commissioner, problem_id=b.pk)
    assert ProblemEvent.objects.filter(problem=b, code="resolved", data__parent=parent.pk).exists()


def test_extension_requested_and_granted_by_the_tier_above(lw: Any) -> None:
    from datetime import timedelta

    p = h.dispatched(lw)
    enterprise_clock = p.deadline
    hop = h.hop(p)
    later = hop.deadline + timedelta(days=5)
    with pytest.raises(ValidationError):
        services.extension_request(actor=lw.dept_staff, problem_id=p.pk, new_deadline=hop.deadline, reason="需要时间")
    ext = services.extension_request(actor=lw.dept_staff, problem_id=p.pk, new_deadline=later, reason="需等待外省物资")
    with pytest.raises(Conflict):
        services.extension_request(actor=lw.dept_staff, problem_id=p.pk, new_deadline=later, reason="again")
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=lw.dept_staff, extension_id=ext.pk, grant=True)
    services.extension_decide(actor=lw.cc_staff, extension_id=ext.pk, grant=True, note="同意")
    hop.refresh_from_db()
    p.refresh_from_db()
    assert hop.deadline == later
    assert p.deadline == enterprise_clock  # the enterprise's own clock is not moved by a department's extension
    assert list(ProblemEvent.objects.filter(problem=p).values_list("code", flat=True))[-2:] == [
        "extension_requested", "extension_decided"]


def test_whoever_must_act_next_is_notified(lw: Any) -> None:
    from qifu.notifications.models import Notification

    p = h.dispatched(lw)
    assert Notification.objects.filter(recipient=lw.dept_staff, code="ledger.arrived", link=f"/problems/{p.pk}/").exists()
    assert Notification.objects.filter(recipient=lw.cc_staff, code="ledger.arrived").exists()  # when escalated
    services.problem_resolve(actor=lw.dept_staff, problem_id=p.pk, resolution_type=SOLVED, resolution="已送达")
    assert Notification.objects.filter(recipient=lw.contact_user, code="ledger.resolved").exists()
    services.problem_chase(actor=lw.leader, problem_id=h.dispatched(lw, title="另一个").pk, message="请尽快")
    assert Notification.objects.filter(recipient=lw.dept_staff, code="ledger.chased").exists()


def test_extension_for_a_command_center_moves_its_hop_not_the_enterprise_clock(lw: Any) -> None:
    from datetime import timedelta

    p = h.escalated(lw)
    enterprise_clock = p.deadline
    hop = Assignment.objects.get(problem=p, tier=Tier.COMMAND_CENTER)
    later = hop.deadline + timedelta(days=3)
    ext = services.extension_request(actor=lw.cc_staff, problem_id=p.pk, new_deadline=later, reason="需协调市级部门")
    assert ext.assignment_id == hop.pk
    services.extension_decide(actor=lw.leader, extension_id=ext.pk, grant=True)
    hop.refresh_from_db()
    p.refresh_from_db()
    assert hop.deadline == later and p.deadline == enterprise_clock
