from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuartierConfig(AppConfig):
    name = "quartier"
    verbose_name = _("Areas, users and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models import Field, ForeignObject

        from quartier import models
        from quartier.lookups import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # a foreign key's lookups are its own

        auditlog.register(models.Quartier)
        auditlog.register(models.RoleAssignment)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.FieldOfAction)
        auditlog.register(models.LegalText)
        auditlog.register(models.MailChoices, exclude_fields=["digest_sent_on"])
        auditlog.register(models.DigestEntry)

        from quartier import reference

        reference.connect()

        # django.contrib.admin, first among the apps, has registered every app's admin by now.
        from django.contrib import admin

        from quartier.admin import keep_admin_dates_in_range

        keep_admin_dates_in_range(admin.site)
