"""The pickers of persons and organisations (issue #18): labels that tell same-named ones apart, the search box
beside a plain select, the search endpoints (the area's records only, for roles that see them), forged ids."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from actors.forms.contacts import ContactNoteForm
from actors.models import Affiliation, Organisation, Person
from actors.selectors.pickers import organisation_choices, person_choices
from quartier.models import Quartier, User


@pytest.fixture
def people(area: Quartier, other_area: Quartier, today: datetime.date) -> dict[str, Person]:
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    old = Organisation.objects.create(area=area, name="Altes Café")
    jonas_kita = Person.objects.create(area=area, first_name="Jonas", last_name="Müller", email="jm@example.org")
    Affiliation.objects.create(person=jonas_kita, organisation=kita)
    Affiliation.objects.create(person=jonas_kita, organisation=old, end=today - datetime.timedelta(days=1))
    return {
        "jonas_kita": jonas_kita,
        "jonas_mail": Person.objects.create(area=area, first_name="Jonas", last_name="Müller", email="j2@example.org"),
        "jonas_street": Person.objects.create(
            area=area, first_name="Jonas", last_name="Müller", address="Uferweg 3\n12345 Beispielstadt"
        ),
        "twin_a": Person.objects.create(area=area, first_name="Eva", last_name="Zwilling"),
        "twin_b": Person.objects.create(area=area, first_name="Eva", last_name="Zwilling"),
        "ayse": Person.objects.create(area=area, first_name="Ayşe", last_name="Demir", email="ayse@example.org"),
        "erich": Person.objects.create(area=area, first_name="Erich", last_name="Kästner"),
        "erased": Person.objects.create(area=area, first_name="", last_name="Gelöscht", erased_at=timezone.now()),
        "foreign": Person.objects.create(area=other_area, first_name="Erich", last_name="Kästner"),
    }


def test_person_labels_name_the_organisations_and_tell_same_named_persons_apart(
    area: Quartier, people: dict[str, Person]
) -> None:
    labels = dict(person_choices(area))
    assert labels[people["jonas_kita"].pk] == "Jonas Müller (Kita Sonnenschein)"  # not the one that ended
    assert labels[people["jonas_mail"].pk] == "Jonas Müller (j2@example.org)"
    assert labels[people["jonas_street"].pk] == "Jonas Müller (Uferweg 3)"
    assert labels[people["ayse"].pk] == "Ayşe Demir"  # a name of one person: no address shown
    assert labels[people["twin_a"].pk] == f"Eva Zwilling · Nr. {people['twin_a'].pk}"
    assert labels[people["twin_b"].pk] == f"Eva Zwilling · Nr. {people['twin_b'].pk}"
    assert people["erased"].pk not in labels and people["foreign"].pk not in labels
    assert list(labels.values())[:2] == ["Ayşe Demir", "Erich Kästner"]  # German order


def test_organisation_labels_tell_same_named_organisations_apart_by_address(area: Quartier) -> None:
    first = Organisation.objects.create(area=area, name="Kita Sonnenschein", street="Uferweg 3", postcode="12345")
    second = Organisation.objects.create(area=area, name="Kita Sonnenschein", city="Beispielstadt")
    single = Organisation.objects.create(area=area, name="Ärztehaus", street="Hauptstraße 1")
    assert organisation_choices(area) == [
        (single.pk, "Ärztehaus"),
        (first.pk, "Kita Sonnenschein (Uferweg 3, 12345)"),
        (second.pk, "Kita Sonnenschein (Beispielstadt)"),
    ]


def options(response: object) -> dict[int, tuple[str, bool]]:
    html = response.content.decode()  # type: ignore[attr-defined]
    return {
        int(value): (label, bool(selected))
        for value, selected, label in re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', html)
    }


def test_the_person_search_offers_what_it_finds_and_keeps_the_selected(
    client: Client, area: Quartier, role_users: dict[str, User], people: dict[str, Person]
) -> None:
    client.force_login(role_users["gwa"])
    url = f"/gebiet/{area.slug}/auswahl/personen/"
    found = options(client.get(url, {"picker_q": "kaestner", "field": "persons", "persons": [people["ayse"].pk]}))
    assert found == {people["erich"].pk: ("Erich Kästner", False), people["ayse"].pk: ("Ayşe Demir", True)}
    # Ids of another area's person or an erased one are not offered, whatever is sent.
    forged = {"picker_q": "", "field": "persons", "persons": [people["foreign"].pk, "x", "²"]}
    everyone = options(client.get(url, forged))
    assert people["foreign"].pk not in everyone and people["erased"].pk not in everyone
    assert len(everyone) == 7
    blank = client.get(url, {"field": "person", "blank": "niemand <b>"}).content.decode()
    assert blank.startswith('<option value="">niemand &lt;b&gt;</option>')


def test_the_search_endpoints_answer_only_roles_that_see_those_records(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], outsider: User,
    people: dict[str, Person],
) -> None:  # fmt: skip
    client.force_login(role_users["koordination"])  # sees organisations, never persons
    assert client.get(f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "müller"}).status_code == 403
    organisations = client.get(f"/gebiet/{area.slug}/auswahl/organisationen/", {"picker_q": "kita"})
    assert organisations.status_code == 200 and "Kita Sonnenschein" in organisations.content.decode()
    client.force_login(outsider)  # another area's staff: this area does not exist for them
    assert client.get(f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "müller"}).status_code == 404
    client.logout()
    assert client.get(f"/gebiet/{area.slug}/auswahl/organisationen/").status_code == 302


def test_the_search_endpoint_reads_in_constant_queries(
    client: Client, area: Quartier, role_users: dict[str, User], people: dict[str, Person],
    assert_constant_queries: object,
) -> None:  # fmt: skip
    client.force_login(role_users["gwa"])
    kita = Organisation.objects.get(name="Kita Sonnenschein")

    def grow() -> None:
        for number in range(10):
            person = Person.objects.create(area=area, first_name="Jonas", last_name=f"Müller {number}")
            Affiliation.objects.create(person=person, organisation=kita)

    count = assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/auswahl/personen/", {"picker_q": "mül"}), grow
    )
    assert count <= 10


def test_the_contact_form_renders_a_plain_select_with_a_search_box_that_only_script_shows(
    client: Client, area: Quartier, role_users: dict[str, User], people: dict[str, Person]
) -> None:
    client.force_login(role_users["gwa"])
    html = client.get(f"/gebiet/{area.slug}/kontakte/neu/").content.decode()
    box = re.search(r'<div class="picker__search" hidden><label for="id_persons_search">.*?</div>', html, re.S)
    assert box is not None
    assert '<label for="id_persons_search">Liste durchsuchen</label>' in box.group(0)
    assert f'hx-get="/gebiet/{area.slug}/auswahl/personen/"' in box.group(0)
    assert 'hx-target="#id_persons"' in box.group(0) and 'hx-include="#id_persons"' in box.group(0)
    assert f'<option value="{people["jonas_kita"].pk}">Jonas Müller (Kita Sonnenschein)</option>' in html
    assert "Kästner" in html and html.count("Erich Kästner") == 1  # not the other area's


def test_forged_ids_in_a_picker_are_refused(
    area: Quartier, role_users: dict[str, User], people: dict[str, Person], today: datetime.date
) -> None:
    other_organisation = Organisation.objects.create(area=people["foreign"].area, name="Nordlicht")
    for persons, organisations in [
        ([people["foreign"].pk], []),
        ([people["erased"].pk], []),
        ([], [other_organisation.pk]),
    ]:
        data = {
            "date": today.isoformat(), "staff": role_users["gwa"].pk, "channel": "telefon", "topic": "Sommerfest",
            "persons": persons, "organisations": organisations,
        }  # fmt: skip
        form = ContactNoteForm(data, area=area, by=role_users["gwa"], with_persons=True)
        assert not form.is_valid()
        field = "persons" if persons else "organisations"
        assert "ist keine gültige Auswahl" in " ".join(form.errors[field])
