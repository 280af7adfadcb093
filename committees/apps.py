from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Committees")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from committees import models, receivers  # noqa: F401 (receivers: connected on import)

        def reverse_relations(model: type) -> list[str]:
            """Related objects are logged on their own; as fields of this one they are only noise (so is the stamp
            of each save for the open data, ``committees.models.Modified``: every entry has its time)."""
            related = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
            return [*related, "modified_at"]

        # Votes, secret votes and participations are never logged: the log would tell who voted how.
        for model in (
            models.Committee,
            models.Membership,
            models.Meeting,
            models.AgendaItem,
            models.Attendance,
            models.BallotItem,
            models.ConflictFlag,  # who recorded a recusal in a meeting, or declared one
        ):
            auditlog.register(model, exclude_fields=reverse_relations(model))
        # The salt of an open secret ballot stays out of the log as well (with SECRET_KEY it finds the votes).
        auditlog.register(models.Ballot, exclude_fields=["secret_salt", *reverse_relations(models.Ballot)])
