"""The actors module's URLs, below /gebiet/<slug>/. Each topic's views module defines its patterns."""

from django.urls import path

from actors.views import concerns, contacts, imports, networks, organisations, persons, pickers

urlpatterns = [
    path("organisationen/", organisations.organisation_list, name="organisation_list"),
    path("organisationen/neu/", organisations.organisation_new, name="organisation_new"),
    path("organisationen/<int:organisation_pk>/", organisations.organisation_page, name="organisation_page"),
    path("organisationen/<int:organisation_pk>/bearbeiten/", organisations.organisation_edit, name="organisation_edit"),
    *persons.urlpatterns,
    *networks.urlpatterns,
    *contacts.urlpatterns,
    *concerns.urlpatterns,
    *imports.urlpatterns,
    *pickers.urlpatterns,
]
