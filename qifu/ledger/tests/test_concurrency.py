"""Two people act on the same problem at the same moment: one wins, the other gets a conflict, no event is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from qifu.core.errors import Conflict
from qifu.ledger import services
from qifu.ledger.choices import ResolutionType, Status
from qifu.ledger.models import Problem, ProblemEvent

from . import helpers as h


@pytest.mark.django_db(transaction=True)
def test_conflicting_transitions_one_wins_the_other_gets_409(lw: Any) -> None:
    problem = h.accepted(lw)
    version = problem.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[name] = "ok"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    escalate = threading.Thread(target=run, args=("escalate", lambda: services.problem_escalate(
        actor=lw.commissioner, problem_id=problem.pk, reason="需要协调", version=version)))
    resolve = threading.Thread(target=run, args=("resolve", lambda: services.problem_resolve_on_site(
        actor=lw.commissioner, problem_id=problem.pk, resolution_type=ResolutionType.SOLVED, resolution="已解决",
        version=version)))
    escalate.start()
    resolve.start()
    escalate.join(30)
    resolve.join(30)

    assert sorted(outcomes.values()) == ["conflict", "ok"], outcomes
    problem.refresh_from_db()
    winner = next(name for name, result in outcomes.items() if result == "ok")
    assert problem.status == (Status.ESCALATED if winner == "escalate" else Status.RESOLVED)
    assert problem.version == version + 1
    codes = list(ProblemEvent.objects.filter(problem=problem).values_list("code", flat=True))
    assert codes == ["reported", "accepted", "escalated" if winner == "escalate" else "resolved"]
    assert Problem.objects.count() == 1
