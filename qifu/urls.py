"""One URL map for the whole site: pages, the API, admin and health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from qifu.api import api
from qifu.core import access
from qifu.core import views as core_views
from qifu.organisations.choices import Role


def _admin_site_allowed(request):  # type: ignore[no-untyped-def]
    """The back office is for administrators only (staff flag alone is not enough)."""
    user = request.user
    return user.is_active and user.is_staff and access.has_role(user, Role.ADMINISTRATOR)


admin.site.has_permission = _admin_site_allowed
admin.site.site_header = "qifu 企服 · back office"
admin.site.site_title = "qifu back office"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("qifu.organisations.auth_urls")),
    path("", core_views.home, name="home"),
    path("", include("qifu.organisations.urls")),
    path("", include("qifu.enterprises.urls")),
    path("", include("qifu.notifications.urls")),
    path("", include("qifu.ledger.urls")),
    path("", include("qifu.resumption.urls")),
    path("", include("qifu.supplychain.urls")),
    path("", include("qifu.workforce.urls")),
    path("", include("qifu.projects.urls")),
    path("", include("qifu.cooperation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
