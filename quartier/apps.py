from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class QuartierConfig(AppConfig):
    name = "quartier"
    verbose_name = _("Areas, users and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from quartier import models
        from quartier.services import sync_all_role_permissions

        auditlog.register(models.Quartier)
        auditlog.register(models.RoleAssignment)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.FieldOfAction)

        def _sync(sender: AppConfig, **kwargs: object) -> None:
            # The role -> permission matrix lives in code; after every migrate
            # the stored object permissions are brought in line with it.
            if sender.name == self.name:
                sync_all_role_permissions(using=kwargs.get("using", "default"))

        post_migrate.connect(_sync, dispatch_uid="quartier_sync_role_permissions", weak=False)

        # django.contrib.admin, first among the apps, has registered every app's admin by now.
        from django.contrib import admin

        from quartier.admin import keep_admin_dates_in_range

        keep_admin_dates_in_range(admin.site)
