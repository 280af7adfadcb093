"""The actors module's URLs, below /gebiet/<slug>/. Each topic's views module defines its patterns."""

from importlib import import_module

from django.urls import path

from actors.views import organisations

urlpatterns = [
    path("organisationen/", organisations.organisation_list, name="organisation_list"),
    path("organisationen/neu/", organisations.organisation_new, name="organisation_new"),
    path("organisationen/<int:organisation_pk>/", organisations.organisation_page, name="organisation_page"),
    path("organisationen/<int:organisation_pk>/bearbeiten/", organisations.organisation_edit, name="organisation_edit"),
]

for topic in ("persons", "networks", "contacts", "concerns", "imports"):
    try:
        module = import_module(f"actors.views.{topic}")
    except ModuleNotFoundError as exc:
        if exc.name != f"actors.views.{topic}":
            raise
        continue
    urlpatterns += module.urlpatterns
