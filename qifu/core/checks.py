"""System checks: production must not run with the development demo password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_password_not_default(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "PRODUCTION", False) and settings.DEMO_PASSWORD == settings.DEMO_PASSWORD_DEFAULT:
        return [
            Error(
                "QIFU_DEMO_PASSWORD is the development default in production.",
                hint="Set another QIFU_DEMO_PASSWORD, or leave it unset to disable demo logins.",
                id="qifu.E001",
            )
        ]
    return []
