"""The activation work's pages of an area (``/gebiet/<slug>/veranstaltungen/…``); the public calendar is under
``/oeffentlich/<slug>/veranstaltungen/`` (``activation.views.public_urlpatterns``)."""

from activation.views import urlpatterns

__all__ = ["urlpatterns"]
