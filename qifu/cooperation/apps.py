from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "qifu.cooperation"
    label = "cooperation"
    verbose_name = _("Industrial cooperation")

    def ready(self) -> None:
        from . import notices  # noqa: F401  (registers the cooperation's notification messages)
