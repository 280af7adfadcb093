from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from quartier.audit import register
        from reporting import models

        # A version is asked for, and one is released as final (``report_release``, audited as its step); its build
        # steps are conditional updates of the row, never audited (the row is the record).
        register(models.Report, exclude=("heartbeat_at", "step", "attempts", "key_figures"))
