"""Names in German order (DIN 5007-1, quartier.sorting): ä with a, ö with o, ü with u, ß as ss, case ignored, on
this server as on any other (no ICU, no locale of the operating system), in the lists and the pickers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from actors.filters import organisations_to_choose
from actors.forms.persons import PersonAffiliationFormSet
from actors.models import Organisation, Person
from actors.selectors.organisations import organisations_for
from actors.selectors.persons import persons_for
from quartier.models import Quartier, User

ORGANISATION_NAMES = [
    "Zeitungscafé",
    "Ärztehaus am Kanal",
    "apfelbaum e. V.",
    "Öko-Laden",
    "Bäckerei",
    "Ostwind",
    "Ufer",
]
GERMAN_ORDER = ["apfelbaum e. V.", "Ärztehaus am Kanal", "Bäckerei", "Öko-Laden", "Ostwind", "Ufer", "Zeitungscafé"]


def sort_key(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT german_sort_key(%s)", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Ärztehaus", "arztehaus"),
        ("ÖZDEMİR", "ozdemir"),
        ("Müller-Lüdenscheidt", "muller-ludenscheidt"),
        ("Straße", "strasse"),
        ("GROẞE", "grosse"),
        ("Ćosić Łukasz", "cosic lukasz"),
        ("Ørsted Æbelø", "orsted aebelo"),
        ("Yıldız Şahin", "yildiz sahin"),
    ],
)
def test_the_sort_key_files_letters_under_their_base_letter_without_case(db: None, text: str, key: str) -> None:
    assert sort_key(text) == key


def test_the_organisation_list_and_its_choices_sort_umlauts_with_their_base_letter(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    Organisation.objects.bulk_create(Organisation(area=area, name=name) for name in ORGANISATION_NAMES)
    assert [org.name for org in organisations_for(area)] == GERMAN_ORDER
    assert [org.name for org in organisations_to_choose(area.pk)] == GERMAN_ORDER
    client.force_login(role_users["gwa"])
    html = client.get(f"/gebiet/{area.slug}/organisationen/").content.decode()
    positions = [html.index(name.replace("&", "&amp;")) for name in GERMAN_ORDER]
    assert positions == sorted(positions)
    form = PersonAffiliationFormSet(instance=Person(area=area), prefix="affiliations", area=area)
    labels = [label for _value, label in form.forms[0].fields["organisation"].choices][1:]
    assert labels == GERMAN_ORDER


def test_persons_sort_by_last_then_first_name_in_german_order(area: Quartier) -> None:
    for first, last in [("Zoe", "Öztürk"), ("anna", "Ober"), ("Ärne", "Müller"), ("Bert", "Muller"), ("Ida", "Mueller"),
                        ("Ben", "Zander"), ("Cem", "ozan")]:  # fmt: skip
        Person.objects.create(area=area, first_name=first, last_name=last)
    assert [str(person) for person in persons_for(area)] == [
        "Ida Mueller", "Ärne Müller", "Bert Muller", "anna Ober", "Cem ozan", "Zoe Öztürk", "Ben Zander",
    ]  # fmt: skip


def test_the_name_indexes_hold_the_german_key(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('organisation_area_german_name', 'person_area_german_name') ORDER BY indexname"
        )
        found = cursor.fetchall()
    assert [name for name, _definition in found] == ["organisation_area_german_name", "person_area_german_name"]
    assert all("german_sort_key" in definition and 'COLLATE "C"' in definition for _name, definition in found)
