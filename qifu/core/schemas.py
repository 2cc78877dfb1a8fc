"""API schemas shared by every app's endpoints."""

from typing import Any

from ninja import Schema

from qifu.core.excel import XLSX_CONTENT_TYPE

# An operation that answers an Excel workbook.
XLSX_OPENAPI = {"responses": {"200": {"description": "Excel workbook", "content": {XLSX_CONTENT_TYPE: {}}}}}


class ImportRowErrorOut(Schema):
    row: int | None
    column: str
    column_label: str | None = None
    value: Any = None
    message: str


class ImportReportOut(Schema):
    ok: bool
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowErrorOut]
