from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsekConfig(AppConfig):
    name = "isek"
    verbose_name = _("Development concept (ISEK)")

    def ready(self) -> None:
        from isek import models
        from quartier.audit import register

        for model in (models.Version, models.Goal, models.Milestone, models.ProgressNote, models.Spending):
            register(model)
        register(models.Measure, m2m={"fields_of_action", "goals", "partners"})
        register(models.Indicator, m2m={"goals"})
