from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResumptionConfig(AppConfig):
    name = "qifu.resumption"
    label = "resumption"
    verbose_name = _("Work resumption")

    def ready(self) -> None:
        from qifu.enterprises import services as enterprise_services

        from . import notices  # noqa: F401  (registers the resumption's notification messages)
        from .services import reports_follow_enterprises

        if reports_follow_enterprises not in enterprise_services.PLACEMENT_LISTENERS:
            enterprise_services.PLACEMENT_LISTENERS.append(reports_follow_enterprises)
