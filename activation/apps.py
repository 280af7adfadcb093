from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationConfig(AppConfig):
    name = "activation"
    verbose_name = _("Activation: events and activities")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from activation import models
        from quartier.audit import register

        # Organisers that are persons are not recorded as added and removed: their names would outlive an erasure
        # in the log (``quartier.audit.register``).
        m2m = {"fields_of_action", "target_groups", "organisations", "measures"}
        register(models.Event, m2m=m2m)
        register(models.Series, m2m=m2m)
        # The counts by target group and the photos are rows of their own, shown on their event's history
        # (``HISTORY_OF``).
        auditlog.register(models.TargetGroupCount)
        auditlog.register(models.Photo, exclude_fields=["file"])
        # A survey and its questionnaire are the office's work and audited; the answers are anonymous and are not
        # (an entry's time would tie an answer to a moment).
        register(models.Survey)
        auditlog.register(models.Question)
        auditlog.register(models.Choice)
        auditlog.register(models.Invitation, exclude_fields=["key"])
