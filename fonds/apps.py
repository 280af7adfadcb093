from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FondsConfig(AppConfig):
    name = "fonds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fonds import models, receivers  # noqa: F401  (connects the receivers)

        for model in (models.Fund, models.Application, models.Payment, models.Repayment, models.Receipt):
            reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
            auditlog.register(model, exclude_fields=reverse)
