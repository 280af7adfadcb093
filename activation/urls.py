"""The activation work's pages of an area (``/gebiet/<slug>/veranstaltungen/…``, ``/gebiet/<slug>/umfragen/…``);
the public calendar and the surveys' answer pages are under ``/oeffentlich/<slug>/…`` (``activation.public_urls``)."""

from activation import survey_views
from activation.views import urlpatterns

urlpatterns = [*urlpatterns, *survey_views.urlpatterns]

__all__ = ["urlpatterns"]
