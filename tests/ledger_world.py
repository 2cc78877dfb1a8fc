"""Shared set-up for the ledger UI tests under tests/: the permission World with categories routed to its task force
and problems driven through the real services."""

from __future__ import annotations

from typing import Any

from qifu.ledger import services
from qifu.ledger.choices import Channel, Nature
from qifu.ledger.models import Problem, ProblemCategory


def route_categories(world: Any) -> Any:
    """Protective supplies and logistics are the task force's domain in this world."""
    ProblemCategory.objects.filter(code__in=["protective_supplies", "logistics"]).update(task_force=world.task_force)
    world.category = ProblemCategory.objects.get(code="protective_supplies")
    world.logistics = ProblemCategory.objects.get(code="logistics")
    return world


def login(client: Any, user: Any) -> Any:
    user._qifu_grants = None
    client.force_login(user)
    return client


def common_at_task_force(by: Any, enterprise: Any, title: str, *, category: Any, description: str = "") -> Problem:
    """A common problem reported by the enterprise's commissioner (accepted at once) and escalated to the task force
    of its category."""
    p = services.problem_report(actor=by, data=services.ProblemInput(
        enterprise_id=enterprise.pk, title=title, description=description, category_id=category.pk,
        nature=Nature.COMMON, channel=Channel.COMMISSIONER,
    ))
    return services.problem_escalate(actor=by, problem_id=p.pk, reason="多家企业都有")


def dispatched(world: Any, *, title: str = "货车通行证办不下来") -> Problem:
    """An individual problem of ``ent_lqy``: reported by its contact, accepted, escalated to the district's command
    center, assigned by it to the transport department."""
    category = ProblemCategory.objects.get(code="other")
    p = services.problem_report(actor=world.contact_user, data=services.ProblemInput(
        enterprise_id=world.ent_lqy.pk, title=title, category_id=category.pk,
    ))
    services.problem_accept(actor=world.commissioner, problem_id=p.pk)
    services.problem_escalate(actor=world.commissioner, problem_id=p.pk, reason="超出专员协调能力")
    return services.problem_dispatch(actor=world.cc_staff, problem_id=p.pk,
                                     targets=[services.DispatchTarget(unit_id=world.department.pk)])
