from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qifu.ledger"
    label = "ledger"
    verbose_name = _("Problem ledger")

    def ready(self) -> None:
        from . import notices  # noqa: F401  (registers the ledger's notification messages)
