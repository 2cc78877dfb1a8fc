from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/team/", views.work_team, name="project-team"),
    path("projects/<int:pk>/equipment/", views.equipment_list, name="equipment-list"),
    path("projects/<int:pk>/equipment/new/", views.equipment_create, name="equipment-create"),
    path("projects/<int:pk>/milestones/", views.milestone_save, name="milestone-save"),
    path("projects/<int:pk>/equipment/import/", views.equipment_import, name="equipment-import"),
    path("projects/<int:pk>/equipment/template.xlsx", views.equipment_template, name="equipment-template"),
    path("projects/<int:pk>/equipment/export.xlsx", views.equipment_export, name="equipment-export"),
    path("projects/<int:pk>/risk/", views.risk_view, name="project-risk"),
    path("projects/<int:pk>/countries/", views.country_note, name="country-note"),
    path("projects/<int:pk>/logistics/new/", views.logistics_create, name="logistics-create"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment-detail"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment-edit"),
    path("equipment/<int:pk>/arrived/", views.equipment_arrived, name="equipment-arrived"),
    path("equipment/<int:pk>/risk/", views.equipment_risk, name="equipment-risk"),
    path("equipment/<int:pk>/replace/", views.equipment_replace, name="equipment-replace"),
    path("passes/", views.pass_list, name="pass-list"),
    path("passes/apply/", views.pass_apply, name="pass-apply"),
    path("passes/<int:pk>/", views.pass_detail, name="pass-detail"),
    path("passes/<int:pk>/decide/", views.pass_decide, name="pass-decide"),
    path("passes/<int:pk>/pass.pdf", views.pass_pdf, name="pass-pdf"),
    path("p/<str:token>/", views.pass_check, name="pass-check"),
]
