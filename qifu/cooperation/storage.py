"""Where listing photos live: outside MEDIA_ROOT, so no web server serves them directly; the pages and the API
read them through the access check (``cooperation-photo``, ``cooperation-photo-thumb``)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_photos() -> FileSystemStorage:
    """The private photo storage under the var dir (a callable, so migrations do not hold the path)."""
    return FileSystemStorage(location=settings.VAR_DIR / "private", base_url=None)
