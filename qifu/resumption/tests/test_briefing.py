"""The daily briefing, checked by opening the generated files; the morning delivery."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from qifu.resumption import briefing, services

from .conftest import DAY

pytestmark = pytest.mark.django_db


def test_briefing_files(client: Any, rw: Any) -> None:
    with translation.override("zh-hans"):
        data = briefing.build(user=rw.leader, day=DAY)
        doc = Document(io.BytesIO(briefing.to_docx(data)))
        book = load_workbook(io.BytesIO(briefing.to_xlsx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "50.0%" in text and "+50.0" in text  # resumption rate, and the change since the empty day before
    districts = next(t for t in doc.tables if t.rows[0].cells[0].text == "名称")
    cells = [[c.text for c in row.cells] for row in districts.rows]
    assert ["龙泉驿区", "3", "1", "33.3%", "53.3%", "35.0%", "1"] in cells
    values = [v for row in book.active.iter_rows(values_only=True) for v in row if v is not None]
    assert "锦江区" in values and "50.0%" in values
    client.force_login(rw.cc_staff)
    response = client.get("/resumption/briefing.docx", {"date": DAY.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == briefing.DOCX_CONTENT_TYPE
    scoped = Document(io.BytesIO(response.content))
    assert "锦江区" not in "\n".join(c.text for t in scoped.tables for row in t.rows for c in row.cells)


def test_briefing_files_list_key_enterprises_not_resumed(rw: Any) -> None:
    """The status of a key enterprise that has not resumed is written as text (openpyxl refuses lazy labels)."""
    rw.ent_lqy2.key_enterprise = True
    rw.ent_lqy2.save(update_fields=["key_enterprise"])
    with translation.override("zh-hans"):
        data = briefing.build(user=rw.leader, day=DAY)
        assert [e.pk for e in data["key_not_resumed"]] == [rw.ent_lqy2.pk]
        book = load_workbook(io.BytesIO(briefing.to_xlsx(data)))
        doc = Document(io.BytesIO(briefing.to_docx(data)))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert [rw.ent_lqy2.name, rw.ent_lqy2.region.name, "未复工"] in [r[:3] for r in rows]
    assert "未复工" in [c.text for t in doc.tables for row in t.rows for c in row.cells]


def test_morning_delivery_once_per_reader(rw: Any) -> None:
    from qifu.notifications.models import Notification

    sent = services.briefings_send(day=DAY)
    assert sent == 3  # the leader and the two command centers' staff
    assert services.briefings_send(day=DAY) == 0
    notice = Notification.objects.get(code="resumption.briefing", recipient=rw.leader)
    assert notice.params["resumption_rate"] == "50.0%" and "/resumption/briefing/" in notice.link
