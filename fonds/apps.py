from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FondsConfig(AppConfig):
    name = "fonds"
    verbose_name = _("Funds")
