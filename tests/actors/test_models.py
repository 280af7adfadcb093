"""Actors: database constraints and the concern lifecycle service."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import (
    Affiliation,
    Concern,
    ConcernStatusChange,
    ContactNote,
    Network,
    NetworkMembership,
    Organisation,
    Person,
    TargetGroup,
)
from actors.services.concerns import concern_set_status
from quartier.models import Quartier, User

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def concern(area: Quartier) -> Concern:
    return Concern.objects.create(area=area, text="Die Laternen am Kanalweg sind kaputt.", raised_on=TODAY)


def test_target_groups_are_a_managed_list(db: None) -> None:
    assert TargetGroup.objects.filter(name="Senior*innen").exists()
    assert TargetGroup.objects.count() >= 7


def test_consent_needs_its_date_and_interest_its_reason(area: Quartier) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(area=area, last_name="Yılmaz", legal_basis=Person.LegalBasis.CONSENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(area=area, last_name="Yılmaz", legal_basis=Person.LegalBasis.LEGITIMATE_INTEREST)
    assert not Person.objects.exists()


def test_affiliation_cannot_end_before_it_starts(area: Quartier) -> None:
    person = Person.objects.create(area=area, last_name="Nowak")
    organisation = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliation.objects.create(
            person=person, organisation=organisation, start=TODAY, end=TODAY - datetime.timedelta(days=1)
        )


def test_network_member_is_an_organisation_or_a_person_not_both_nor_none(area: Quartier) -> None:
    network = Network.objects.create(area=area, name="Runder Tisch Kanal")
    organisation = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    person = Person.objects.create(area=area, last_name="Nowak")
    for kwargs in ({}, {"organisation": organisation, "person": person}):
        with pytest.raises(IntegrityError), transaction.atomic():
            NetworkMembership.objects.create(network=network, **kwargs)
    NetworkMembership.objects.create(network=network, organisation=organisation)
    assert network.members.count() == 1


def test_follow_up_needs_an_assignee(area: Quartier, role_users: dict[str, User]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactNote.objects.create(
            area=area,
            date=TODAY,
            staff=role_users["gwa"],
            channel="telefon",
            topic="Nachfrage",
            follow_up_due=TODAY,
        )


def test_concern_moves_along_its_lifecycle_with_history_and_audit(
    concern: Concern, role_users: dict[str, User]
) -> None:
    gwa = role_users["gwa"]
    concern_set_status(concern=concern, to_status="weitergeleitet", by=gwa, forwarded_to="Straßen- und Grünflächenamt")
    concern_set_status(concern=concern, to_status="erledigt", by=gwa, answer="Laternen repariert.")
    concern.refresh_from_db()
    assert concern.status == "erledigt"
    assert concern.forwarded_to == "Straßen- und Grünflächenamt"
    assert list(concern.status_changes.values_list("from_status", "to_status")) == [
        ("neu", "weitergeleitet"),
        ("weitergeleitet", "erledigt"),
    ]
    transitions = [
        entry.additional_data["transition"]
        for entry in LogEntry.objects.get_for_object(concern).order_by("pk")
        if entry.additional_data and "transition" in entry.additional_data
    ]
    assert transitions == ["concern_weitergeleitet", "concern_erledigt"]


@pytest.mark.parametrize(
    ("to_status", "kwargs", "message"),
    [
        ("weitergeleitet", {}, "Verwaltungseinheit"),
        ("nicht_umsetzbar", {}, "warum"),
        ("gibt_es_nicht", {}, "kann nicht von"),
    ],
)
def test_refused_concern_steps_change_nothing(
    concern: Concern, role_users: dict[str, User], to_status: str, kwargs: dict[str, str], message: str
) -> None:
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as refused:
        concern_set_status(concern=concern, to_status=to_status, by=role_users["gwa"], **kwargs)
    assert message in " ".join(refused.value.messages)
    concern.refresh_from_db()
    assert concern.status == "neu"
    assert not ConcernStatusChange.objects.exists()


def test_a_done_concern_can_be_reopened_but_not_forwarded(concern: Concern, role_users: dict[str, User]) -> None:
    gwa = role_users["gwa"]
    concern_set_status(concern=concern, to_status="erledigt", by=gwa)
    with pytest.raises(ValidationError):
        concern_set_status(concern=concern, to_status="weitergeleitet", by=gwa, forwarded_to="Bezirksamt")
    concern_set_status(concern=concern, to_status="in_bearbeitung", by=gwa)
    concern.refresh_from_db()
    assert concern.status == "in_bearbeitung"


def test_actor_changes_are_audited_with_their_area(area: Quartier) -> None:
    organisation = Organisation.objects.create(area=area, name="Nachbarschaftshaus am Kanal")
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert entry.additional_data == {"quartier_id": area.pk}
