"""Drive a problem to a given state through the real services."""

from __future__ import annotations

from typing import Any

from qifu.ledger import services
from qifu.ledger.choices import Channel, Nature, Rating, ResolutionType
from qifu.ledger.models import Assignment, Problem


def report(w: Any, *, by: Any = None, nature: str = Nature.INDIVIDUAL, title: str = "口罩紧缺") -> Problem:
    return services.problem_report(
        actor=by or w.contact_user,
        data=services.ProblemInput(
            enterprise_id=w.ent_lqy.pk, title=title, description="员工复工需要口罩 2000 只", category_id=w.category.pk,
            nature=nature, channel=Channel.SELF_REPORT,
        ),
    )


def accepted(w: Any, **kw: Any) -> Problem:
    p = report(w, **kw)
    return services.problem_accept(actor=w.commissioner, problem_id=p.pk)


def escalated(w: Any, **kw: Any) -> Problem:
    p = accepted(w, **kw)
    return services.problem_escalate(actor=w.commissioner, problem_id=p.pk, reason="超出专员协调能力")


def dispatched(w: Any, **kw: Any) -> Problem:
    p = escalated(w, **kw)
    return services.problem_dispatch(
        actor=w.cc_staff, problem_id=p.pk,
        targets=[services.DispatchTarget(unit_id=w.department.pk, section_id=w.dept_section.pk)],
    )


def hop(p: Problem) -> Assignment:
    return Assignment.objects.filter(problem=p, tier="department").order_by("-id").first()


def resolved(w: Any, **kw: Any) -> Problem:
    p = dispatched(w, **kw)
    return services.problem_resolve(
        actor=w.dept_staff, problem_id=p.pk, resolution_type=ResolutionType.SOLVED, resolution="已协调供货"
    )


def closed(w: Any) -> Problem:
    p = resolved(w)
    services.problem_confirm(actor=w.contact_user, problem_id=p.pk, rating=Rating.SATISFIED)
    return services.problem_check(actor=w.commissioner, problem_id=p.pk)
