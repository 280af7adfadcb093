from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FondsConfig(AppConfig):
    name = "fonds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from fonds import models, receivers  # noqa: F401  (connects the receivers)
        from quartier.audit import register

        for model in (models.Fund, models.Payment, models.Repayment, models.Receipt):
            register(model)
        register(models.Application, m2m={"fields_of_action", "target_groups"})
