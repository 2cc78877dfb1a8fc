from django.urls import path

from . import views

urlpatterns = [
    path("workforce/", views.home, name="workforce-home"),
    path("workforce/template.xlsx", views.workers_template, name="workforce-import-template"),
    path("workforce/figures/<str:code>/", views.region_figures, name="workforce-figures"),
    path("workforce/projects/<int:pk>/", views.project_detail, name="workforce-project"),
    path("workforce/plans/<int:pk>/", views.plan_detail, name="workforce-plan"),
    path("workforce/trips/<int:pk>/<str:action>/", views.trip_act, name="workforce-trip-act"),
    path("workforce/health/<int:pk>/", views.health_detail, name="workforce-health"),
    path("enterprises/<int:pk>/workforce/", views.roster, name="workforce-roster"),
    path("enterprises/<int:pk>/workforce/import/", views.workers_import, name="workforce-import"),
    path("enterprises/<int:pk>/workforce/export.xlsx", views.workers_export, name="workforce-export"),
    path("enterprises/<int:pk>/workforce/plan/", views.plan_create, name="workforce-plan-create"),
    path("enterprises/<int:pk>/workforce/request/", views.request_create, name="workforce-request"),
    path("enterprises/<int:pk>/health/new/", views.health_create, name="workforce-health-create"),
]
