from django.urls import path

from actors.views import organisations

urlpatterns = [
    path("organisationen/", organisations.organisation_list, name="organisation_list"),
    path("organisationen/neu/", organisations.organisation_new, name="organisation_new"),
    path("organisationen/<int:organisation_pk>/", organisations.organisation_page, name="organisation_page"),
    path("organisationen/<int:organisation_pk>/bearbeiten/", organisations.organisation_edit, name="organisation_edit"),
]
