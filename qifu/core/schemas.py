"""API schemas shared by every app's endpoints."""

from typing import Any

from ninja import Schema


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
