from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class QuartierConfig(AppConfig):
    name = "quartier"
    verbose_name = _("Areas, users and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.backends.signals import connection_created

        from quartier import models, pagecache
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

        # Every write moves the page cache's generation, from any process that writes through Django.
        connection_created.connect(pagecache.install, dispatch_uid="quartier_page_cache_writes")
        for connection in connections.all(initialized_only=True):
            pagecache.install(connection)
        pagecache.release()  # now, before a deploy can change the files under this process
        post_migrate.connect(_sync, dispatch_uid="quartier_sync_role_permissions", weak=False)
