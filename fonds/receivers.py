"""What fonds does when other apps tell it something: a committee's decision on an application."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from committees.models import AgendaItem, BallotItem
from committees.signals import decision_taken
from fonds.models import Application
from fonds.services.applications import application_take_committee_decision
from quartier.models import User


@receiver(decision_taken, sender=Application, dispatch_uid="fonds.application_take_committee_decision")
def committee_decided(
    sender: type[Application],
    *,
    subject: Application,
    result: str,
    source: AgendaItem | BallotItem,
    by: User | None,
    **kwargs: Any,
) -> None:
    """A closed ballot item or recorded minutes decided on the application: it takes the decision if it waits
    for one. A refusal raises and undoes the committee's decision with it."""
    application_take_committee_decision(application=subject, result=result, source=source, by=by)
