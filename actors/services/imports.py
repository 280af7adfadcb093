"""Writes of the import: each valid row creates or changes an organisation or a person, whole or not at all."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.imports import Preview, Row, import_rows
from actors.models import Organisation, Person
from actors.services.organisations import organisation_create, organisation_update
from actors.services.persons import person_update
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
    """Import the valid rows of ``table``: a new record for a row that matches none, the changed values for one
    that matches a record of ``area`` (``actors.imports``). The returned preview says what became of each row."""

    def save(row: Row) -> None:
        with transaction.atomic():  # one row: all of it or nothing
            if kind == "organisations":
                if row.pk is None:
                    organisation_create(area=area, data=row.data, by=by)
                    return
                organisation = Organisation.objects.select_for_update().filter(area=area, pk=row.pk).first()
                if organisation is None:
                    raise ValidationError(_("This organisation was deleted meanwhile."))
                organisation_update(organisation=organisation, data=row.data, by=by)
            else:
                if row.pk is None:
                    _person_create(area=area, data=row.data, by=by)
                    return
                person = Person.objects.filter(area=area, pk=row.pk, erased_at__isnull=True).first()
                if person is None:
                    raise ValidationError(_("This person's data was erased meanwhile."))
                person_update(person=person, data=row.data, by=by)

    return import_rows(area=area, kind=kind, table=table, save=save)
