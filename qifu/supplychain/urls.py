from django.urls import path

from . import views

urlpatterns = [
    path("supplychain/", views.region, name="supplychain-region"),
    path("supplychain/plants/<int:pk>/", views.plant, name="supplychain-plant"),
    path("supplychain/plants/<int:pk>/raise/", views.raise_problem, name="supplychain-raise"),
    path("supplychain/plants/<int:pk>/import/", views.link_import, name="supplychain-import"),
    path("supplychain/plants/<int:pk>/suppliers.xlsx", views.link_export, name="supplychain-export"),
    path("supplychain/plants/<int:pk>/links/new/", views.link_add, name="supplychain-link-add"),
    path("supplychain/links/<int:pk>/edit/", views.link_edit, name="supplychain-link-edit"),
    path("supplychain/links/<int:pk>/delete/", views.link_delete, name="supplychain-link-delete"),
    path("supplychain/import/template.xlsx", views.link_template, name="supplychain-import-template"),
]
