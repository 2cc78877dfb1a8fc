from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "qifu.cooperation"
    label = "cooperation"
    verbose_name = _("Industrial cooperation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import notices  # noqa: F401  (registers the cooperation's notification messages)

        post_migrate.connect(_install_search, sender=self)


def _install_search(sender: object, using: str = "default", plan: object = None, **kwargs: object) -> None:
    """After every migrate: the full-text index exists (SQLite drops triggers when a migration rebuilds the
    table; this puts them back and re-reads the rows written meanwhile)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from .search import install

    connection = connections[using]
    if MigrationRecorder(connection).migration_qs.filter(app="cooperation", name="0003_search_index").exists():
        install(connection)
