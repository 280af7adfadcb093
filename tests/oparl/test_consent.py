"""A member is named in the open data only with their consent: the office records it on the member's form, the
committee page shows it, and the audit trail keeps who changed it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from actors.models import Person
from actors.services.persons import person_erase
from committees.models import Committee, Membership
from quartier.models import Quartier, User
from tests.oparl.world import build


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


@pytest.mark.django_db
def test_the_office_records_the_consent_on_the_members_form(gwa: Client, area: Quartier, jury: Committee) -> None:
    person = Person.objects.create(area=area, first_name="Lena", last_name="Kaya", is_resident=True)
    new = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/neu/"
    assert "named_publicly" in gwa.get(new).content.decode()
    data = {"person": person.pk, "member_type": "bewohner", "voting": "on", "start": "2026-01-01"}
    assert gwa.post(new, data).status_code == 302
    membership = Membership.objects.get(committee=jury, person=person)
    assert membership.named_publicly is False  # the default: nobody is named without saying so
    edit = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{membership.pk}/"
    assert gwa.post(edit, {**data, "named_publicly": "on"}).status_code == 302
    membership.refresh_from_db()
    assert membership.named_publicly is True
    entry = LogEntry.objects.get_for_object(membership).order_by("-timestamp", "-pk").first()
    assert entry is not None and "named_publicly" in entry.changes_dict
    assert entry.actor is not None
    assert "modified_at" not in entry.changes_dict  # the stamp of each save is no change of its own
    page = gwa.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/").content.decode()
    assert "Öffentlich genannt" in page


@pytest.mark.django_db
def test_the_public_committee_page_links_the_open_data(client: Client, area: Quartier, jury: Committee) -> None:
    for url in (f"/oeffentlich/{area.slug}/", f"/oeffentlich/{area.slug}/gremien/"):
        page = client.get(url).content.decode()
        assert f'href="/oparl/v1/body/{area.pk}/"' in page, url
    assert 'href="/oparl/v1/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_erased_member_is_named_no_more(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    world = build(area, other_area)
    person = world.named.person
    person_erase(person=person, by=role_users["gwa"])
    world.named.refresh_from_db()
    assert world.named.named_publicly is False
    gone = client.get(f"/oparl/v1/body/{area.pk}/person/{person.pk}/").json()
    assert gone["deleted"] is True and "name" not in gone
    assert client.get(f"/oparl/v1/body/{area.pk}/membership/{world.named.pk}/").json()["deleted"] is True
    assert "Demir" not in client.get(f"/oparl/v1/body/{area.pk}/person/").content.decode()
