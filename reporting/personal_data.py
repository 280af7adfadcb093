"""Personal data of the reports (see ``quartier.personal_data``): only who asked for a build and who released it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quartier.personal_data import Erasure, Registration, register

register(
    Registration(
        model="reporting.Report",
        fields=("requested_by", "released_by"),
        label=_("report builds"),
        holds=_("which staff member asked for a build of the annual report, and who released it as the final report"),
        erasure=Erasure.NONE,
        because=_("A staff member's work record. Built reports are kept unchanged as what was sent to the funders."),
        not_exported_because=_("It names staff, not the person."),
    )
)
