"""API pagination for large lists: a page and whether another follows, without counting the whole result.

Counting every matching row costs a full pass over the filtered set (tens to hundreds of milliseconds at a
million problems), while a page sorted on an index costs a few rows; the ledger has its own endpoint for
counts (``/api/v1/problems/counts``) for clients that show them. One extra row is read to tell ``has_next``.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageWithoutCount(PaginationBase):
    """``?page=N&page_size=M`` → ``{"items": [...], "page": N, "page_size": M, "has_next": bool}``."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int | None = Field(None, ge=1)

    class Output(Schema):
        items: list[Any]
        page: int
        page_size: int
        has_next: bool

    def __init__(self, page_size: int = 50, max_page_size: int = 200, **kwargs: Any) -> None:
        self.page_size, self.max_page_size = page_size, max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        offset = (pagination.page - 1) * size
        rows = list(queryset[offset: offset + size + 1])
        return {"items": rows[:size], "page": pagination.page, "page_size": size, "has_next": len(rows) > size}
