from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Actors and networks")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from actors import models

        for model in (models.Organisation, models.Person, models.Network, models.ContactNote, models.Concern):
            auditlog.register(model, exclude_fields=models.NOT_AUDITED)
