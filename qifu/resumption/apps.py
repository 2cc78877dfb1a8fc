from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResumptionConfig(AppConfig):
    name = "qifu.resumption"
    label = "resumption"
    verbose_name = _("Work resumption")

    def ready(self) -> None:
        from . import notices  # noqa: F401  (registers the resumption's notification messages)
