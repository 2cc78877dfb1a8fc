"""Ledger pages: the list, a problem's page showing only possible actions, actions through forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from qifu.ledger.choices import Status
from qifu.ledger.models import Problem, ProblemEvent

from . import helpers as h

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> Any:
    user._qifu_grants = None
    client.force_login(user)
    return client


def test_report_through_the_form(client: Any, lw: Any) -> None:
    login(client, lw.contact_user)
    url = reverse("problem-report", kwargs={"enterprise_pk": lw.ent_lqy.pk})
    response = client.post(url, {"title": "买不到KN95", "description": "", "category": str(lw.category.pk),
                                 "nature": "individual", "priority": "normal", "channel": "self_report"})
    assert response.status_code == 302
    problem = Problem.objects.get(title="买不到KN95")
    assert problem.status == Status.REPORTED and problem.reported_by == lw.contact_user


def test_report_form_refuses_bad_input_and_saves_nothing(client: Any, lw: Any) -> None:
    login(client, lw.contact_user)
    url = reverse("problem-report", kwargs={"enterprise_pk": lw.ent_lqy.pk})
    response = client.post(url, {"title": "", "category": "", "nature": "individual", "priority": "normal",
                                 "channel": "self_report"})
    assert response.status_code == 200 and Problem.objects.count() == 0


def test_detail_shows_only_the_actions_open_to_the_user(client: Any, lw: Any) -> None:
    p = h.report(lw)
    url = reverse("problem-detail", kwargs={"pk": p.pk})
    html = login(client, lw.commissioner).get(url).content.decode()
    assert reverse("problem-act", kwargs={"pk": p.pk, "action": "accept"}) in html
    html = login(client, lw.contact_user).get(url).content.decode()
    assert "/act/" not in html
    assert p.number in html


def test_actions_through_the_page(client: Any, lw: Any) -> None:
    p = h.report(lw)
    login(client, lw.commissioner)
    act = lambda action, **data: client.post(  # noqa: E731
        reverse("problem-act", kwargs={"pk": p.pk, "action": action}), data)
    assert act("accept", version=p.version).status_code == 302
    assert act("escalate", reason="需要指挥部协调").status_code == 302
    p.refresh_from_db()
    assert p.status == Status.ESCALATED
    # a stale form does nothing and says why
    before = ProblemEvent.objects.count()
    response = client.post(reverse("problem-act", kwargs={"pk": p.pk, "action": "resolve_on_site"}),
                           {"version": "1", "resolution_type": "solved", "resolution": "x"}, follow=True)
    assert ProblemEvent.objects.count() == before
    assert response.status_code == 200 and 'class="msg-error"' in response.content.decode()
    login(client, lw.cc_staff)
    response = client.post(reverse("problem-act", kwargs={"pk": p.pk, "action": "dispatch"}),
                           {"units": [str(lw.department.pk)]})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.DISPATCHED and p.responsible_unit == lw.department


def test_list_filters_and_counts(client: Any, lw: Any) -> None:
    h.dispatched(lw)
    h.report(lw, title="另一个")
    login(client, lw.leader)
    html = client.get(reverse("problem-list"), {"status": "dispatched"}).content.decode()
    assert "口罩紧缺" in html and "另一个" not in html
    partial = client.get(reverse("problem-list"), {"q": "另一个"}, HTTP_HX_REQUEST="true").content.decode()
    assert "另一个" in partial and "<html" not in partial


def test_list_query_count_does_not_grow_with_rows(client: Any, lw: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(15):
        h.report(lw, title=f"问题{i}")
    login(client, lw.leader)
    with django_assert_max_num_queries(14):
        client.get(reverse("problem-list"))


def test_export_return_sheet_round_trip_through_the_pages(client: Any, lw: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    p = h.dispatched(lw)
    login(client, lw.leader)
    response = client.get(reverse("problem-export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert p.number in rows[1]

    login(client, lw.dept_staff)
    sheet = client.get(reverse("unit-return-sheet", kwargs={"unit_pk": lw.department.pk}))
    wb = load_workbook(io.BytesIO(sheet.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    progress_col = header.index(next(v for v in header if v in ("办理进展", "Progress"))) + 1
    ws.cell(row=2, column=progress_col, value="已联系供货商，明日到货")
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(reverse("return-import"), {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())})
    assert response.status_code == 200, response.context["report"].to_dict()
    assert p.progress_reports.get().progress == "已联系供货商，明日到货"


def test_kpi_page_and_api_state_their_formulas(client: Any, lw: Any) -> None:
    h.closed(lw)
    login(client, lw.leader)
    html = client.get(reverse("problem-kpis")).content.decode()
    assert "100.0%" in html  # the one rated problem was satisfied
    body = client.get("/api/v1/problems/kpis", {"by": "tier"}).json()
    assert body["overall"]["satisfaction_rate"] == 1.0 and body["by"] == "tier"
    assert "satisfaction_rate" in body["formulas"]
    login(client, lw.contact_user)
    assert client.get(reverse("problem-kpis")).status_code == 403


def test_home_shows_what_waits_on_the_user(client: Any, lw: Any) -> None:
    from qifu.ledger.selectors import home_counts

    h.dispatched(lw)
    h.report(lw, title="另一个")
    assert home_counts(user=lw.dept_staff) == {"open": 1, "red": 0, "mine": 1}
    assert home_counts(user=lw.commissioner)["open"] == 2
    html = login(client, lw.dept_staff).get(reverse("home")).content.decode()
    assert "?status=open&amp;sort=deadline" in html


def test_attachments_for_those_working_on_it(client: Any, lw: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qifu.ledger import services

    p = h.report(lw)
    a = services.attachment_add(actor=lw.contact_user, problem_id=p.pk, file=SimpleUploadedFile("申请.pdf", b"%PDF-1"))
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=lw.leader, problem_id=p.pk, file=SimpleUploadedFile("x.pdf", b"%PDF"))
    with pytest.raises(ValidationError):
        services.attachment_add(actor=lw.contact_user, problem_id=p.pk, file=SimpleUploadedFile("x.exe", b"MZ"))
    assert p.attachments.count() == 1
    response = login(client, lw.commissioner).get(reverse("attachment-download", kwargs={"pk": a.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1"
    assert login(client, lw.cc_other).get(reverse("attachment-download", kwargs={"pk": a.pk})).status_code == 404
