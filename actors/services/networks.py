"""Writes for networks: a network and its members are saved together, or not at all."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from actors.models import Network, NetworkMembership, Organisation, Person
from actors.services.persons import refuse_erased
from quartier.audit import acting_as
from quartier.models import Quartier, User, periods_overlap

NETWORK_FIELDS = ("name", "kind", "purpose", "rhythm", "lead_organisation")

DOUBLE_MEMBER = _("This member is listed twice for overlapping times.")
FOREIGN = _("This belongs to another area.")


@dataclass(frozen=True)
class MemberRow:
    """One member as the form gives it: an organisation or a person, from/to; ``membership`` when it exists."""

    organisation: Organisation | None = None
    person: Person | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    membership: NetworkMembership | None = None

    @property
    def member_key(self) -> tuple[str, int | None]:
        if self.organisation is not None:
            return ("organisation", self.organisation.pk)
        return ("person", self.person.pk if self.person is not None else None)


def overlapping_rows(rows: Sequence[MemberRow]) -> list[int]:
    """The indexes of rows naming a member an earlier row already names for an overlapping time."""
    seen: dict[tuple[str, int | None], list[MemberRow]] = {}
    repeated = []
    for index, row in enumerate(rows):
        earlier = seen.setdefault(row.member_key, [])
        if any(periods_overlap(row, other) for other in earlier):
            repeated.append(index)
        earlier.append(row)
    return repeated


def _check_members(area: Quartier, rows: Sequence[MemberRow]) -> None:
    for row in rows:
        member = row.organisation or row.person
        if member is not None and member.area_id != area.pk:
            raise ValidationError(FOREIGN)
    refuse_erased(*(row.person for row in rows))
    if overlapping_rows(rows):
        raise ValidationError(DOUBLE_MEMBER)


def _save_members(*, network: Network, rows: Sequence[MemberRow]) -> None:
    """Make the network's members exactly ``rows``: change the existing ones, add the new, remove the rest. Each
    membership added, changed or removed is an audit entry of its own (``actors.apps``)."""
    _check_members(network.area, rows)
    existing = {membership.pk: membership for membership in network.members.all()}
    keep: set[int] = set()
    for row in rows:
        membership = existing.get(row.membership.pk) if row.membership is not None else None
        if membership is None:
            membership = NetworkMembership(network=network)
        else:
            keep.add(membership.pk)
        membership.organisation, membership.person = row.organisation, row.person
        membership.start, membership.end = row.start, row.end
        membership.full_clean()
        membership.save()
    removed = [pk for pk in existing if pk not in keep]
    NetworkMembership.objects.filter(network=network, pk__in=removed).delete()


@transaction.atomic
def network_create(*, area: Quartier, data: dict[str, Any], members: Sequence[MemberRow], by: User) -> Network:
    """A new network in ``area`` from cleaned form data, with its members; any invalid member saves nothing."""
    network = Network(area=area, **{name: data[name] for name in NETWORK_FIELDS if name in data})
    _check_lead(area, network)
    network.full_clean()
    with acting_as(by):
        network.save()
        if fields := data.get("fields_of_action"):  # a new network has none yet: adding is setting
            network.fields_of_action.add(*fields)
        _save_members(network=network, rows=members)
    return network


@transaction.atomic
def network_update(*, network: Network, data: dict[str, Any], members: Sequence[MemberRow], by: User) -> Network:
    """Change a network and replace its members with ``members``; any invalid member saves nothing."""
    for name in NETWORK_FIELDS:
        if name in data:
            setattr(network, name, data[name])
    _check_lead(network.area, network)
    network.full_clean()
    with acting_as(by):
        network.save()
        if "fields_of_action" in data:
            network.fields_of_action.set(data["fields_of_action"])
        _save_members(network=network, rows=members)
    return network


def _check_lead(area: Quartier, network: Network) -> None:
    lead = network.lead_organisation
    if lead is not None and lead.area_id != area.pk:
        raise ValidationError({"lead_organisation": FOREIGN})
