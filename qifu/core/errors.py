"""Errors services raise; views turn them into messages and the API into JSON.

- django.core.exceptions.ValidationError (with field errors) → 400
- Conflict (stale edit, state changed meanwhile)              → 409
- django.core.exceptions.PermissionDenied                      → 403
- qifu.core.access.NotFound                                    → 404
"""

from __future__ import annotations


class Conflict(Exception):
    """The object changed since the user loaded it, or the request clashes with its current state."""

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version
