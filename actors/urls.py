from django.urls import path

from actors import views

urlpatterns = [
    path("organisationen/", views.organisation_list, name="organisation_list"),
    path("organisationen/neu/", views.organisation_new, name="organisation_new"),
    path("organisationen/<int:organisation_pk>/", views.organisation_page, name="organisation_page"),
    path("organisationen/<int:organisation_pk>/bearbeiten/", views.organisation_edit, name="organisation_edit"),
]
