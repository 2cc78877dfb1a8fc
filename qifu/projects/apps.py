from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qifu.projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from . import notices, printing  # noqa: F401  (register the message codes and the PDF font check)
