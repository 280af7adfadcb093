from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Actors and networks")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from actors import models
        from quartier.audit import register

        # Many-to-many fields are recorded as objects added and removed (by their names: none of them a person's).
        m2m = {
            models.Organisation: {"fields_of_action", "target_groups"},
            models.Network: {"fields_of_action"},
            models.ContactNote: {"fields_of_action", "organisations"},
        }
        for model in (models.Organisation, models.Person, models.Network, models.ContactNote, models.Concern):
            register(model, exclude=models.NOT_AUDITED, m2m=m2m.get(model, set()))
        # A person's organisations and the members of a network are rows of their own (with a function, from and
        # until): each is recorded as added, changed or removed, and shown on the histories it links
        # (``HISTORY_OF``).
        auditlog.register(models.Affiliation)
        auditlog.register(models.NetworkMembership)
