from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qifu.ledger"
    label = "ledger"
    verbose_name = _("Problem ledger")

    def ready(self) -> None:
        from qifu.enterprises import services as enterprise_services

        from . import notices  # noqa: F401  (registers the ledger's notification messages)
        from .services import problems_follow_region

        if problems_follow_region not in enterprise_services.PLACEMENT_LISTENERS:
            enterprise_services.PLACEMENT_LISTENERS.append(problems_follow_region)
