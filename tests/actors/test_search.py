"""The actors' search (issue #18): words as typed without umlauts ("kaestner", "kastner" find "Kästner") and
plurals ("Kitas" finds "Kita", "Kita" finds "Kitas"), in the stored search words with their GIN index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from actors.models import Network, Organisation, Person
from actors.selectors.organisations import prefix_query
from quartier.models import Quartier, User


@pytest.fixture
def actors(area: Quartier, other_area: Quartier) -> None:
    for name in ["Kita Sonnenschein", "Elterninitiative Kitas am Kanal", "Kästner-Stiftung", "Straßenfest-Verein",
                 "Bäckerei Özdemir", "Sportverein Nord"]:  # fmt: skip
        Organisation.objects.create(area=area, name=name)
    Organisation.objects.create(area=other_area, name="Kästner-Haus")  # never found from this area
    for first, last in [("Erich", "Kästner"), ("Ayşe", "Öztürk"), ("Jonas", "Kastner"), ("Maria", "Groß")]:
        Person.objects.create(area=area, first_name=first, last_name=last)
    Network.objects.create(area=area, name="Runder Tisch Kitas")


def found(client: Client, area: Quartier, page: str, query: str) -> list[str]:
    response = client.get(f"/gebiet/{area.slug}/{page}/", {"q": query})
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kaestner", ["Kästner-Stiftung"]),
        ("kastner", ["Kästner-Stiftung"]),
        ("KÄSTNER stift", ["Kästner-Stiftung"]),
        ("Kitas", ["Elterninitiative Kitas am Kanal", "Kita Sonnenschein"]),
        ("Kita", ["Elterninitiative Kitas am Kanal", "Kita Sonnenschein"]),
        ("strassenfest", ["Straßenfest-Verein"]),
        ("oezdemir", ["Bäckerei Özdemir"]),
        ("baeckerei ozdemir", ["Bäckerei Özdemir"]),
        ("kaestner sonnenschein", []),  # every word must be found
    ],
)
def test_the_organisation_search_finds_words_typed_without_umlauts_and_plurals(
    client: Client, area: Quartier, role_users: dict[str, User], actors: None, query: str, names: list[str]
) -> None:
    client.force_login(role_users["koordination"])
    organisations = [name for name in found(client, area, "organisationen", query)]
    assert organisations == names


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kaestner", ["Erich Kästner"]),
        ("kastner", ["Erich Kästner", "Jonas Kastner"]),
        ("Kästner", ["Erich Kästner", "Jonas Kastner"]),  # ä is filed with a, in search as in sorting
        ("oeztuerk", ["Ayşe Öztürk"]),
        ("ozturk ayse", ["Ayşe Öztürk"]),
        ("gross", ["Maria Groß"]),
    ],
)
def test_the_person_search_finds_names_typed_without_umlauts(
    client: Client, area: Quartier, role_users: dict[str, User], actors: None, query: str, names: list[str]
) -> None:
    client.force_login(role_users["gwa"])
    assert found(client, area, "personen", query) == names


def test_the_network_search_finds_the_singular_of_a_plural(
    client: Client, area: Quartier, role_users: dict[str, User], actors: None
) -> None:
    client.force_login(role_users["gwa"])
    assert found(client, area, "netzwerke", "kita") == ["Runder Tisch Kitas"]


@pytest.mark.parametrize("table", ["actors_organisation", "actors_person"])
def test_the_search_still_uses_the_gin_index(actors: None, table: str) -> None:
    query = prefix_query("kaestner Kitas")
    model = Organisation if table == "actors_organisation" else Person
    sql, params = model.objects.filter(search_words=query).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index = "organisation_search" if table == "actors_organisation" else "person_search"
    assert index in plan, plan
