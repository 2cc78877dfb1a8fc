from django.urls import path

from . import views

urlpatterns = [
    path("cooperation/", views.listing_list, name="cooperation-list"),
    path("cooperation/matches/", views.match_list, name="cooperation-matches"),
    path("cooperation/matches/<int:pk>/<str:action>/", views.match_act, name="cooperation-match-act"),
    path("cooperation/broker/", views.broker, name="cooperation-broker"),
    path("cooperation/figures/", views.figures, name="cooperation-figures"),
    path("cooperation/figures.xlsx", views.figures_export, name="cooperation-figures-export"),
    path("cooperation/photos/<int:pk>/", views.photo_file, name="cooperation-photo"),
    path("cooperation/photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="cooperation-photo-thumb"),
    path("cooperation/<int:pk>/", views.listing_detail, name="cooperation-detail"),
    path("cooperation/<int:pk>/edit/", views.listing_edit, name="cooperation-edit"),
    path("cooperation/<int:pk>/photos/", views.photo_upload, name="cooperation-photo-upload"),
    path("cooperation/<int:pk>/<str:action>/", views.listing_act, name="cooperation-act"),
    path("enterprises/<int:pk>/listings/new/", views.listing_create, name="cooperation-create"),
]
