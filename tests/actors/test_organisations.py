"""Organisations: list with search, filters and export; detail; create and edit with refused input."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from openpyxl import load_workbook

from actors.models import ContactNote, Network, NetworkMembership, Organisation, Person, TargetGroup
from quartier.models import FieldOfAction, Quartier, User


def make(area: Quartier, name: str, **kwargs: object) -> Organisation:
    return Organisation.objects.create(area=area, name=name, **kwargs)


@pytest.fixture
def organisations(area: Quartier, other_area: Quartier) -> dict[str, Organisation]:
    kita = make(area, "Kita Sonnenschein", kind="kita", description="Kindertagesstätte am Kanalufer")
    kita.fields_of_action.add(FieldOfAction.objects.get(key="bildung"))
    kita.target_groups.add(TargetGroup.objects.get(name="Kinder"))
    verein = make(area, "Nachbarschaftsverein Kanalkiez", kind="verein", inside_area=False)
    make(area, "Alte Werkstatt", kind="gewerbe", active=False)
    make(other_area, "Kita Nordlicht", kind="kita")
    network = Network.objects.create(area=area, name="Runder Tisch Kinder")
    NetworkMembership.objects.create(network=network, organisation=kita)
    return {"kita": kita, "verein": verein, "network": network}


def names(response: object) -> list[str]:
    return [org.name for org in response.context["page"].object_list]  # type: ignore[attr-defined]


def test_list_shows_active_organisations_of_this_area_only(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/")
    assert names(response) == ["Kita Sonnenschein", "Nachbarschaftsverein Kanalkiez"]
    assert "2 Organisationen" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=kanal", ["Kita Sonnenschein", "Nachbarschaftsverein Kanalkiez"]),  # prefix, name and description
        ("q=Kindertagesst%C3%A4tten", ["Kita Sonnenschein"]),  # German stemming
        ("q=sonnen+kita", ["Kita Sonnenschein"]),
        ("q=%27%3B+drop+table", []),  # odd input is only text
        ("kind=verein", ["Nachbarschaftsverein Kanalkiez"]),
        ("location=outside", ["Nachbarschaftsverein Kanalkiez"]),
        ("inactive=on&kind=gewerbe", ["Alte Werkstatt"]),
        ("kind=gibt-es-nicht", ["Kita Sonnenschein", "Nachbarschaftsverein Kanalkiez"]),  # bad filter ignored
    ],
)
def test_search_and_filters(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    organisations: dict[str, Organisation],
    query: str,
    expected: list[str],
) -> None:
    client.force_login(role_users["gwa"])
    assert names(client.get(f"/gebiet/{area.slug}/organisationen/?{query}")) == expected


def test_filter_by_field_target_group_and_network(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    client.force_login(role_users["gwa"])
    base = f"/gebiet/{area.slug}/organisationen/"
    bildung = FieldOfAction.objects.get(key="bildung").pk
    kinder = TargetGroup.objects.get(name="Kinder").pk
    assert names(client.get(f"{base}?field_of_action={bildung}")) == ["Kita Sonnenschein"]
    assert names(client.get(f"{base}?target_group={kinder}")) == ["Kita Sonnenschein"]
    assert names(client.get(f"{base}?network={organisations['network'].pk}")) == ["Kita Sonnenschein"]


def test_an_organisation_with_two_periods_in_a_network_is_listed_once(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    kita, network = organisations["kita"], organisations["network"]
    kita.fields_of_action.add(FieldOfAction.objects.exclude(key="bildung").first())
    NetworkMembership.objects.create(network=network, organisation=kita, start="2020-01-01", end="2021-12-31")
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/?network={network.pk}&q=kita")
    assert names(response) == ["Kita Sonnenschein"]
    assert "1 Organisation" in response.content.decode()
    fields = list(kita.fields_of_action.order_by("position", "name").values_list("name", flat=True))
    assert response.context["page"].object_list[0].field_of_action_names == fields
    assert f"<td>{', '.join(fields)}</td>" in response.content.decode()


def test_a_network_of_another_area_is_no_filter_here(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    foreign = Network.objects.create(area=other_area, name="Fremd")
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/?network={foreign.pk}")
    assert len(names(response)) == 2  # the invalid choice is ignored, not used


def test_htmx_search_returns_only_the_results_fragment(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/?q=kita", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Kita Sonnenschein" in html
    assert "HX-Request" in response["Vary"]


def test_csv_export_of_the_filtered_list(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    make(area, '=HYPERLINK("http://evil")')
    client.force_login(role_users["planung"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/?kind=kita&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="organisationen-kiez-am-kanal.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nr.", "Name", "Art"]
    assert [row[1] for row in rows[1:]] == ["Kita Sonnenschein"]
    assert rows[1][3] == "Bildung"
    everything = client.get(f"/gebiet/{area.slug}/organisationen/?export=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in everything  # never a live formula


def test_xlsx_export(client: Client, area: Quartier, role_users: dict[str, User], organisations: dict) -> None:
    client.force_login(role_users["steuerung"])
    response = client.get(f"/gebiet/{area.slug}/organisationen/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Nr.", "Name"]
    assert [row[1] for row in values[1:]] == ["Kita Sonnenschein", "Nachbarschaftsverein Kanalkiez"]


def test_detail_shows_networks_people_and_contacts_to_staff(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    kita = organisations["kita"]
    person = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir", email="ayse@example.org")
    kita.affiliation_set.create(person=person, function="Leitung")
    note = ContactNote.objects.create(
        area=area, date="2026-11-02", staff=role_users["gwa"], channel="telefon", topic="Sommerfest planen"
    )
    note.organisations.add(kita)
    client.force_login(role_users["planung"])
    html = client.get(f"/gebiet/{area.slug}/organisationen/{kita.pk}/").content.decode()
    assert "Runder Tisch Kinder" in html and "Ayşe Demir" in html and "Sommerfest planen" in html


def test_coordinator_sees_the_organisation_but_no_people_or_contacts(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    kita = organisations["kita"]
    person = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")
    kita.affiliation_set.create(person=person, function="Leitung")
    client.force_login(role_users["koordination"])
    html = client.get(f"/gebiet/{area.slug}/organisationen/{kita.pk}/").content.decode()
    assert "Kita Sonnenschein" in html
    assert "Ayşe" not in html and 'id="contacts-heading"' not in html
    assert "Bearbeiten" not in html


def test_organisation_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    foreign = make(other_area, "Fremde Kita")
    client.force_login(role_users["steuerung"])
    assert client.get(f"/gebiet/{area.slug}/organisationen/{foreign.pk}/").status_code == 404
    assert client.post(f"/gebiet/{area.slug}/organisationen/{foreign.pk}/bearbeiten/", {"name": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Fremde Kita"


VALID = {"name": "Stadtteilbibliothek", "kind": "verwaltung", "postcode": "12345", "inside_area": "on", "active": "on"}


def test_office_creates_an_organisation_with_fields_and_audit(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    bildung = FieldOfAction.objects.get(key="bildung").pk
    response = client.post(f"/gebiet/{area.slug}/organisationen/neu/", {**VALID, "fields_of_action": [bildung]})
    organisation = Organisation.objects.get(name="Stadtteilbibliothek")
    assert response.status_code == 302 and response["Location"].endswith(f"/organisationen/{organisation.pk}/")
    assert organisation.area == area
    assert list(organisation.fields_of_action.values_list("pk", flat=True)) == [bildung]
    entries = LogEntry.objects.get_for_object(organisation)
    assert {entry.actor for entry in entries} == {role_users["gwa"]}
    assert entries.get(action=LogEntry.Action.CREATE)
    added = entries.get(changes__fields_of_action__operation="add")  # the many-to-many field's own entry
    assert added.changes_dict["fields_of_action"]["objects"] == ["Bildung"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"postcode": "1234"}, "Eine deutsche Postleitzahl hat fünf Ziffern."),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"website": "javascript:alert(1)"}, "Bitte eine gültige Adresse eingeben."),
        ({"kind": "kaiserreich"}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_invalid_organisation_is_refused_in_german_and_not_saved(
    client: Client, area: Quartier, role_users: dict[str, User], changes: dict[str, str], message: str
) -> None:
    client.force_login(role_users["gwa"])
    response = client.post(f"/gebiet/{area.slug}/organisationen/neu/", {**VALID, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_same_name_warns_with_a_link_and_saves_only_when_confirmed(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    existing = make(area, "Stadtteilbibliothek")
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/organisationen/neu/"
    response = client.post(url, {**VALID, "name": "  stadtteilbibliothek "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Eine Organisation mit diesem Namen gibt es schon" in html
    assert f'href="/gebiet/{area.slug}/organisationen/{existing.pk}/"' in html
    assert Organisation.objects.count() == 1
    response = client.post(url, {**VALID, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 2


def test_same_name_in_another_area_is_no_duplicate(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    make(other_area, "Stadtteilbibliothek")
    client.force_login(role_users["gwa"])
    assert client.post(f"/gebiet/{area.slug}/organisationen/neu/", VALID).status_code == 302


def test_edit_saves_changes_and_keeps_its_own_name_without_warning(
    client: Client, area: Quartier, role_users: dict[str, User], organisations: dict
) -> None:
    kita = organisations["kita"]
    client.force_login(role_users["planung"])
    response = client.post(
        f"/gebiet/{area.slug}/organisationen/{kita.pk}/bearbeiten/",
        {"name": "Kita Sonnenschein", "kind": "kita", "postcode": "12345", "active": "on", "phone": "030 123"},
    )
    assert response.status_code == 302
    kita.refresh_from_db()
    assert kita.phone == "030 123" and not kita.inside_area
    assert list(kita.fields_of_action.all()) == []  # unticked boxes are a change too


def test_coordinator_may_not_create(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["koordination"])
    assert client.post(f"/gebiet/{area.slug}/organisationen/neu/", VALID).status_code == 403
    assert not Organisation.objects.exists()


#: Session, user, the user's areas with roles and committees (one query), then the page's own.
ORGANISATION_PAGE_QUERIES = {
    "/organisationen/": 6,  # the count with the page's ids, then its rows (one prepared query)
    "/organisationen/?q=kita&kind=kita": 6,
    "/organisationen/{pk}/": 9,
}


@pytest.mark.parametrize("url", ORGANISATION_PAGE_QUERIES)
def test_organisation_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    organisations: dict,
    url: str,
    assert_constant_queries: object,
) -> None:
    kita = organisations["kita"]
    client.force_login(role_users["steuerung"])
    path = f"/gebiet/{area.slug}" + url.format(pk=kita.pk)

    def grow() -> None:
        for number in range(30):
            other = make(area, f"Kita Nummer {number}", kind="kita")
            other.fields_of_action.add(*FieldOfAction.objects.all()[:2])
            person = Person.objects.create(area=area, last_name=f"Person {number}")
            kita.affiliation_set.create(person=person)
            NetworkMembership.objects.create(
                network=Network.objects.create(area=area, name=f"Netz {number}"), organisation=kita
            )
            note = ContactNote.objects.create(
                area=area, date="2026-11-01", staff=role_users["gwa"], channel="email", topic=f"T {number}"
            )
            note.organisations.add(kita)

    count = assert_constant_queries(lambda: client.get(path), grow)  # type: ignore[operator]
    assert count == ORGANISATION_PAGE_QUERIES[url], count
