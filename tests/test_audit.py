"""Who changed what and when: the actor outside requests, and named state transitions."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.test import Client

from demo.factories import UserFactory
from quartier.audit import audit_transition
from quartier.models import Quartier, RoleAssignment, User
from quartier.services import area_update, role_grant, role_revoke


def test_service_outside_a_request_records_who_acted(area: Quartier, role_users: dict[str, User]) -> None:
    steering = role_users["steuerung"]
    newcomer = UserFactory()
    assignment = role_grant(user=newcomer, area=area, role="planung", by=steering)
    created = LogEntry.objects.get_for_object(assignment).get()
    assert created.action == LogEntry.Action.CREATE and created.actor == steering
    assignment_pk = assignment.pk
    role_revoke(assignment=assignment, by=steering)
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(assignment_pk)).get()
    assert deleted.actor == steering
    assert deleted.additional_data == {"quartier_id": area.pk}
    assert not RoleAssignment.objects.filter(pk=assignment_pk).exists()


def test_change_through_a_page_records_the_logged_in_user(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    client.post(
        f"/gebiet/{area.slug}/profil/",
        {"name": area.name, "municipality": "Neustadt", "programme": area.programme, "funding_start": "2020"},
    )
    entry = LogEntry.objects.get_for_object(area).latest("timestamp")
    assert entry.actor == role_users["gwa"]
    assert entry.changes_dict["municipality"] == ["Beispielstadt", "Neustadt"]


def test_state_transition_is_recorded_by_name(area: Quartier, role_users: dict[str, User]) -> None:
    entry = audit_transition(
        obj=area, transition="adopt", from_state="draft", to_state="adopted", by=role_users["steuerung"]
    )
    assert entry.actor == role_users["steuerung"]
    assert entry.changes_dict == {"status": ["draft", "adopted"]}
    assert entry.additional_data == {"quartier_id": area.pk, "transition": "adopt"}


def test_passwords_never_enter_the_audit_trail(db: None) -> None:
    user = UserFactory()
    user.set_password("geheim-geheim-1")
    user.save()
    for entry in LogEntry.objects.get_for_object(user):
        assert "password" not in entry.changes_dict


def test_unchanged_save_writes_no_entry(area: Quartier, role_users: dict[str, User]) -> None:
    before = LogEntry.objects.count()
    area_update(area=area, by=role_users["steuerung"], data={"name": area.name})
    assert LogEntry.objects.count() == before


def test_the_migration_folds_the_earlier_double_entries_of_a_step(area: Quartier, role_users: dict[str, User]) -> None:
    """Before, a step wrote auditlog's plain change of the status and the step's entry: the migration keeps the
    step's entry, with the plain entry's other fields, and removes the plain one. Others stay as they are."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    from actors.models import Concern

    gwa = role_users["gwa"]
    concern = Concern.objects.create(area=area, text="Schaukel defekt", raised_on="2026-01-05")
    plain = LogEntry.objects.log_create(
        concern,
        action=LogEntry.Action.UPDATE,
        changes={"status": ["neu", "weitergeleitet"], "forwarded_to": ["", "Grünflächenamt"]},
        actor=gwa,
    )
    step = audit_transition(
        obj=concern, transition="concern_weitergeleitet", from_state="neu", to_state="weitergeleitet", by=gwa
    )
    other = LogEntry.objects.log_create(  # a plain change without a step after it
        concern, action=LogEntry.Action.UPDATE, changes={"text": ["Schaukel defekt", "Schaukel kaputt"]}, actor=gwa
    )
    migration = importlib.import_module("quartier.migrations.0014_merge_step_duplicates_in_audit_trail")
    migration.merge_step_duplicates(None, SimpleNamespace(connection=connection))

    assert not LogEntry.objects.filter(pk=plain.pk).exists()
    step.refresh_from_db()
    assert step.changes_dict == {"status": ["neu", "weitergeleitet"], "forwarded_to": ["", "Grünflächenamt"]}
    assert LogEntry.objects.filter(pk=other.pk).exists()
