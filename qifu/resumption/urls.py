from django.urls import path

from . import views

urlpatterns = [
    path("resumption/", views.dashboard, name="resumption-dashboard"),
    path("resumption/enterprises/", views.drilldown, name="resumption-drilldown"),
    path("resumption/pending/", views.pending, name="resumption-pending"),
    path("resumption/import/", views.report_import, name="resumption-import"),
    path("resumption/import/template.xlsx", views.report_template, name="resumption-import-template"),
    path("resumption/power/", views.power_check, name="power-check"),
    path("resumption/power/import/", views.power_import, name="power-import"),
    path("resumption/power/import/template.xlsx", views.power_template, name="power-import-template"),
    path("resumption/briefing/", views.briefing, name="resumption-briefing"),
    path("resumption/briefing.<str:fmt>", views.briefing_download, name="resumption-briefing-download"),
    path("enterprises/<int:pk>/status/", views.report_form, name="resumption-report"),
    path("enterprises/<int:pk>/status/history/", views.report_history, name="resumption-history"),
]
