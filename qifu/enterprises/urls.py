from django.urls import path

from . import views

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise-export"),
    path("enterprises/import/", views.enterprise_import, name="enterprise-import"),
    path("enterprises/import/template.xlsx", views.enterprise_import_template, name="enterprise-import-template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/commissioner/", views.commissioner_assign, name="commissioner-assign"),
    path("enterprises/<int:pk>/contacts/", views.contact_add, name="contact-add"),
    path("commissioners/import/", views.assignment_import, name="assignment-import"),
    path(
        "commissioners/import/template.xlsx",
        views.assignment_import_template,
        name="assignment-import-template",
    ),
]
