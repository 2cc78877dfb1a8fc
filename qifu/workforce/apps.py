from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "qifu.workforce"
    label = "workforce"
    verbose_name = _("Workforce return")

    def ready(self) -> None:
        from . import notices  # noqa: F401  (registers the workforce notification messages)
