"""Deadline extensions in the pages: the holder asks on the problem page, the tier above sees the request on the
problem page and in its list of pending extensions, grants (the hop's deadline moves) or refuses (it stays)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qifu.ledger import extensions, rules, services
from qifu.ledger.choices import ExtensionStatus
from qifu.ledger.models import Assignment, DeadlineExtension, ProblemEvent
from qifu.notifications.models import Notification

from .ledger_world import dispatched, login

pytestmark = pytest.mark.django_db


def _hop(problem: Any) -> Assignment:
    return Assignment.objects.get(problem=problem, tier="department")


def _ask(client: Any, problem: Any, days: int = 5, reason: str = "需等待省厅批复") -> Any:
    wanted = timezone.localtime(_hop(problem).deadline + timedelta(days=days)).replace(second=0, microsecond=0)
    response = client.post(reverse("problem-act", kwargs={"pk": problem.pk, "action": "request_extension"}),
                           {"new_deadline": wanted.strftime("%Y-%m-%dT%H:%M"), "reason": reason})
    assert response.status_code == 302
    return wanted


def test_department_requests_and_the_dispatcher_grants(client: Any, world: Any) -> None:
    p = dispatched(world)
    act_url = reverse("problem-act", kwargs={"pk": p.pk, "action": "request_extension"})
    assert act_url in login(client, world.dept_staff).get(reverse("problem-detail", kwargs={"pk": p.pk})).content.decode()
    wanted = _ask(client, p)
    ext = DeadlineExtension.objects.get(problem=p)
    assert ext.status == ExtensionStatus.PENDING and ext.assignment == _hop(p) and ext.new_deadline == wanted
    assert ProblemEvent.objects.filter(problem=p, code="extension_requested").exists()
    assert Notification.objects.filter(recipient=world.cc_staff, code="ledger.extension_requested").exists()

    # the tier above: on its list and on the problem page; the requester and other districts are not
    login(client, world.cc_staff)
    assert p.number in client.get(reverse("extension-list")).content.decode()
    decide_url = reverse("extension-decide", kwargs={"pk": ext.pk})
    assert decide_url in client.get(reverse("problem-detail", kwargs={"pk": p.pk})).content.decode()
    assert p.number not in login(client, world.cc_other).get(reverse("extension-list")).content.decode()
    assert login(client, world.dept_staff).get(reverse("extension-list")).status_code == 403
    assert decide_url not in client.get(reverse("problem-detail", kwargs={"pk": p.pk})).content.decode()
    assert client.post(decide_url, {"decision": "grant"}).status_code == 403

    old = _hop(p).deadline
    response = login(client, world.cc_staff).post(decide_url, {"decision": "grant", "note": "同意", "back": "list"})
    assert response.status_code == 302 and response["Location"] == reverse("extension-list")
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.GRANTED and ext.decided_by == world.cc_staff and ext.decision_note == "同意"
    assert _hop(p).deadline == wanted != old
    assert ProblemEvent.objects.get(problem=p, code="extension_decided").data["granted"] is True
    assert Notification.objects.filter(recipient=world.dept_staff, code="ledger.extension_granted").exists()
    assert p.number not in client.get(reverse("extension-list")).content.decode()
    html = client.get(reverse("problem-detail", kwargs={"pk": p.pk})).content.decode()
    assert 'id="extensions"' in html and "同意" in html


def test_a_refused_request_keeps_the_deadline(client: Any, world: Any) -> None:
    p = dispatched(world)
    old = _hop(p).deadline
    _ask(login(client, world.dept_staff), p)
    ext = DeadlineExtension.objects.get(problem=p)
    response = login(client, world.leader).post(reverse("extension-decide", kwargs={"pk": ext.pk}),
                                                {"decision": "refuse", "note": "请按期办结"})
    assert response.status_code == 302
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED and _hop(p).deadline == old
    event = ProblemEvent.objects.get(problem=p, code="extension_decided")
    assert event.data["granted"] is False and event.reason == "请按期办结"
    assert Notification.objects.filter(recipient=world.dept_staff, code="ledger.extension_refused").exists()
    # decided once: a second decision is refused with a message, nothing changes
    client.post(reverse("extension-decide", kwargs={"pk": ext.pk}), {"decision": "grant"})
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED and _hop(p).deadline == old
    # a new request may follow
    _ask(login(client, world.dept_staff), p, days=2)
    assert DeadlineExtension.objects.filter(problem=p, status=ExtensionStatus.PENDING).count() == 1


def test_a_request_without_a_later_deadline_is_refused_with_a_message(client: Any, world: Any) -> None:
    p = dispatched(world)
    login(client, world.dept_staff)
    response = client.post(reverse("problem-act", kwargs={"pk": p.pk, "action": "request_extension"}),
                           {"new_deadline": "2020-01-01T10:00", "reason": "x"}, follow=True)
    assert 'class="msg-error"' in response.content.decode() and not DeadlineExtension.objects.exists()
    # others than the holder may not ask
    login(client, world.contact_user)
    assert client.post(reverse("problem-act", kwargs={"pk": p.pk, "action": "request_extension"}),
                       {"new_deadline": "2030-01-01T10:00", "reason": "x"}).status_code == 403


def test_the_pending_list_is_the_rule_as_a_query(world: Any, django_assert_max_num_queries: Any) -> None:
    p = dispatched(world)
    later = _hop(p).deadline + timedelta(days=3)
    services.extension_request(actor=world.dept_staff, problem_id=p.pk, new_deadline=later, reason="等待批复")
    # and one at the commissioner's tier, which the district's command center decides
    own = services.problem_report(actor=world.contact_user, data=services.ProblemInput(
        enterprise_id=world.ent_lqy.pk, title="食堂就餐规定", category_id=p.category_id))
    own = services.problem_accept(actor=world.commissioner, problem_id=own.pk)
    services.extension_request(actor=world.commissioner, problem_id=own.pk,
                               new_deadline=own.deadline + timedelta(days=2), reason="企业负责人出差")
    assert Notification.objects.filter(recipient=world.cc_staff, code="ledger.extension_requested").count() == 2
    for ext in DeadlineExtension.objects.select_related("problem", "assignment"):
        for user in (world.admin, world.leader, world.cc_staff, world.cc_other, world.tf_member, world.dept_staff,
                     world.commissioner, world.contact_user):
            user._qifu_grants = None
            listed = ext.pk in set(extensions.to_decide(user=user).values_list("pk", flat=True))
            assert listed == rules.possible("decide_extension", user, ext.problem, ext.assignment), user.username
    with django_assert_max_num_queries(3):
        list(extensions.to_decide(user=world.cc_staff))
