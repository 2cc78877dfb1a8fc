from django.urls import path

from . import views

urlpatterns = [
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/act/<slug:action>/", views.problem_act, name="problem-act"),
    path("enterprises/<int:enterprise_pk>/problems/new/", views.problem_report, name="problem-report"),
]
