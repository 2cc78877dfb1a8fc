from django.urls import path

from . import views

urlpatterns = [
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/kpis/", views.problem_kpis, name="problem-kpis"),
    path("problems/export.xlsx", views.problem_export, name="problem-export"),
    path("problems/import/", views.ledger_import, name="ledger-import"),
    path("problems/import/template.xlsx", views.ledger_template, name="ledger-import-template"),
    path("problems/returns/", views.return_import, name="return-import"),
    path("units/<int:unit_pk>/return.xlsx", views.unit_return_sheet, name="unit-return-sheet"),
    path("problems/common/suggestions/", views.problem_suggestions, name="problem-suggestions"),
    path("problems/common/merge/", views.problem_merge, name="problem-merge"),
    path("problems/extensions/", views.extension_list, name="extension-list"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/act/<slug:action>/", views.problem_act, name="problem-act"),
    path("problems/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("enterprises/<int:enterprise_pk>/problems/new/", views.problem_report, name="problem-report"),
]
