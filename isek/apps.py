from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsekConfig(AppConfig):
    name = "isek"
    verbose_name = _("Development concept (ISEK)")
