"""Editing an area's profile: saved with an audit entry, or refused with German messages."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from quartier.models import Quartier, User

VALID = {
    "name": "Kiez am Kanal",
    "municipality": "Beispielstadt",
    "programme": "Sozialer Zusammenhalt",
    "funding_start": "2020",
    "funding_end": "2030",
    "office_address": "Uferstraße 12",
    "opening_hours": "Mi 14–18 Uhr",
    "description": "",
}


def test_office_saves_new_opening_hours_and_the_change_is_audited(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    response = client.post(f"/gebiet/{area.slug}/profil/", VALID)
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.opening_hours == "Mi 14–18 Uhr"
    entry = LogEntry.objects.get_for_object(area).latest("timestamp")
    assert entry.actor == role_users["gwa"]
    assert "opening_hours" in entry.changes_dict
    assert entry.additional_data == {"quartier_id": area.pk}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
        ({"funding_start": "zwanzig"}, "funding_start", "Bitte eine ganze Zahl eingeben."),
        ({"funding_start": "1900"}, "funding_start", "größer oder gleich 1971"),
        ({"funding_end": "2010"}, "funding_end", "Der Förderzeitraum kann nicht vor seinem Beginn enden."),
    ],
)
def test_invalid_profile_shows_a_german_field_error_and_saves_nothing(
    client: Client, area: Quartier, role_users: dict[str, User], changes: dict[str, str], field: str, message: str
) -> None:
    client.force_login(role_users["steuerung"])
    before = Quartier.objects.values().get(pk=area.pk)
    entries = LogEntry.objects.count()
    response = client.post(f"/gebiet/{area.slug}/profil/", {**VALID, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert "Bitte korrigieren Sie die markierten Felder." in html
    assert Quartier.objects.values().get(pk=area.pk) == before
    assert LogEntry.objects.count() == entries


def test_planning_may_not_edit_the_profile(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["planung"])
    response = client.post(f"/gebiet/{area.slug}/profil/", {**VALID, "name": "Übernommen"})
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.name == "Kiez am Kanal"


def test_profile_form_query_count_is_constant(
    client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries: object
) -> None:
    from demo.factories import user_with_role

    client.force_login(role_users["steuerung"])
    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/profil/"),
        lambda: [user_with_role(area, "gwa") for _ in range(10)],
    )
