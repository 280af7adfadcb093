from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and factories; installed only in development and tests (``QUARTIER_DEMO``)."""

    name = "demo"
