from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qifu.core"
    label = "core"
    verbose_name = "qifu core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
