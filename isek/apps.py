from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsekConfig(AppConfig):
    name = "isek"
    verbose_name = _("Development concept (ISEK)")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from isek import models

        for model in (
            models.Version,
            models.Goal,
            models.Measure,
            models.Indicator,
            models.Milestone,
            models.ProgressNote,
            models.Spending,
        ):
            reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
            auditlog.register(model, exclude_fields=reverse)
