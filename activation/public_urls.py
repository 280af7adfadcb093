"""The area's public calendar: ``/oeffentlich/<slug>/veranstaltungen/`` and its ICS feed."""

from activation.views import public_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
