"""The area's public calendar (``/oeffentlich/<slug>/veranstaltungen/`` and its ICS feed) and the surveys' answer
pages (``/oeffentlich/<slug>/umfragen/<key>/``, ``/oeffentlich/<slug>/selbstevaluation/<key>/``)."""

from activation import survey_public
from activation.views import public_urlpatterns

urlpatterns = [*public_urlpatterns, *survey_public.urlpatterns]

__all__ = ["urlpatterns"]
