"""The queryset every domain model's manager uses, so that every read can be scoped per user."""

from __future__ import annotations

from typing import Any

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """A queryset with ``restrict(user, action)``: the rows ``user`` may ``action`` (see core.access)."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        from qifu.core import access

        return access.restrict(self, user, action)
