"""Personal data of the ISEK (see ``quartier.personal_data``): none about persons the office serves, only
links and staff names, registered so the walker knows they were judged."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quartier.personal_data import Erasure, Registration, register

register(
    Registration(
        model="isek.Measure",
        fields=("applications",),
        label=_("links of measures to fund applications"),
        holds=_("which fund applications serve an ISEK measure"),
        erasure=Erasure.NONE,
        because=_("A link between two records; the application itself is anonymised with the person."),
        not_exported_because=_("It holds nothing about the person beyond the application, which is exported."),
    )
)
register(
    Registration(
        model="isek.ProgressNote",
        fields=("author",),
        label=_("progress notes"),
        holds=_("which staff member wrote a note on a measure"),
        erasure=Erasure.NONE,
        because=_("A staff member's work record; the accounts of persons the office serves hold no role."),
        not_exported_because=_("It names staff, not the person."),
    )
)
