"""The rows of the application list as it shows them: every text worked out once in Python, so the template only
places strings (a row cost a ``{% url %}``, two ``floatformat`` and a chain of ``default`` filters)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fonds.models import Application
from isek import display
from quartier.models import Quartier

NOTHING = "–"


@dataclass(frozen=True)
class ApplicationRow:
    url: str
    title: str
    new_applicant: bool
    applicant: str  # the organisation's name, else the person's, else "–"
    fund: str  # its name and year
    status: str
    requested: str  # as ``floatformat:"2g"`` writes it
    approved: str  # as ``floatformat:"2g"`` writes it, "–" if none


def application_rows(applications: Iterable[Application], *, area: Quartier) -> list[ApplicationRow]:
    """The rows of ``applications`` (with their fund, organisation and person read)."""
    url = display.url_maker("application_page", area.slug)
    money = display.money_formatter()
    rows = []
    for application in applications:
        applicant = application.organisation.name if application.organisation else ""
        if not applicant and application.person:
            applicant = str(application.person)
        rows.append(
            ApplicationRow(
                url=url(application.pk),
                title=application.title,
                new_applicant=bool(application.applicant_to_review),
                applicant=applicant or NOTHING,
                fund=f"{application.fund.name} {application.fund.year}",
                status=application.get_status_display(),
                requested=money(application.requested) if application.requested is not None else "",
                approved=money(application.approved_amount) if application.approved_amount is not None else NOTHING,
            )
        )
    return rows
