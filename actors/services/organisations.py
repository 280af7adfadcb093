"""Writes for organisations."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from actors.models import Organisation
from committees.services.conflicts import conflicts_refresh
from quartier.audit import acting_as
from quartier.models import Quartier, User

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "street",
    "postcode",
    "city",
    "inside_area",
    "email",
    "phone",
    "website",
    "description",
    "active",
)


@transaction.atomic
def organisation_create(*, area: Quartier, data: dict[str, Any], by: User) -> Organisation:
    """A new organisation in ``area`` from cleaned form data (fields of action and target groups included)."""
    organisation = Organisation(area=area, **{field: data[field] for field in ORGANISATION_FIELDS if field in data})
    organisation.full_clean()
    with acting_as(by):
        organisation.save()
        # A new organisation has neither yet: adding is setting, without first reading the none it has.
        if fields := data.get("fields_of_action"):
            organisation.fields_of_action.add(*fields)
        if groups := data.get("target_groups"):
            organisation.target_groups.add(*groups)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict[str, Any], by: User) -> Organisation:
    """Change an organisation; ``data`` holds only the changed, cleaned form values."""
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    organisation.full_clean()
    with acting_as(by):
        organisation.save()
        if "fields_of_action" in data:
            organisation.fields_of_action.set(data["fields_of_action"])
        if "target_groups" in data:
            organisation.target_groups.set(data["target_groups"])
    conflicts_refresh(organisations=[organisation.pk])  # its address decides conflicts of interest
    return organisation
