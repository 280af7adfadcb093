"""Writes of the import: the valid rows become organisations or persons, each row whole or not at all."""

from __future__ import annotations

from django.db import transaction

from actors.imports import Preview, import_rows
from actors.models import Person
from actors.services.organisations import organisation_create
from quartier.audit import acting_as
from quartier.models import Quartier, User


def _person_create(*, area: Quartier, data: dict[str, object], by: User) -> Person:
    person = Person(area=area, **data)
    person.full_clean()
    with acting_as(by):
        person.save()
    return person


@transaction.atomic
def actors_import(*, area: Quartier, kind: str, table: list[list[str]], by: User) -> Preview:
    """Import the valid rows of ``table``; the returned preview says which rows were imported and which not."""

    def create(data: dict[str, object]) -> None:
        with transaction.atomic():  # one row: all of it or nothing
            if kind == "organisations":
                organisation_create(area=area, data=data, by=by)
            else:
                _person_create(area=area, data=data, by=by)

    return import_rows(area=area, kind=kind, table=table, create=create)
