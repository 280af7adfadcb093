"""Networks: list with search, filters, counts and export; the page; create and edit with their members;
the network picture page."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from actors.filters import NetworkFilterSet
from actors.models import Network, NetworkMembership, Organisation, Person
from actors.selectors.networks import network_detail, network_picture_data, networks_for
from actors.services.networks import DOUBLE_MEMBER, MemberRow, network_create, network_update, overlapping_rows
from quartier.models import FieldOfAction, Quartier, User
from tests.browser.fixtures import german

DAY = datetime.timedelta(days=1)
YEAR = datetime.timedelta(days=365)


def org(area: Quartier, name: str, **kwargs: object) -> Organisation:
    return Organisation.objects.create(area=area, name=name, **kwargs)


def field(key: str) -> FieldOfAction:
    return FieldOfAction.objects.get(key=key)


@pytest.fixture
def data(area: Quartier, other_area: Quartier, today: datetime.date) -> dict[str, object]:
    kita = org(area, "Kita Sonnenschein")
    schule = org(area, "Astrid-Lindgren-Schule")
    verein = org(area, "Nachbarschaftsverein Kanalkiez")
    ayse = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")
    jan = Person.objects.create(area=area, first_name="Jan", last_name="Nowak")
    runder_tisch = Network.objects.create(
        area=area,
        name="Runder Tisch Kinder",
        kind=Network.Kind.ROUND_TABLE,
        purpose="Abstimmung der Angebote für Kinder am Kanal",
        rhythm="Jeden ersten Dienstag",
        lead_organisation=verein,
    )
    runder_tisch.fields_of_action.add(field("bildung"))
    NetworkMembership.objects.create(network=runder_tisch, organisation=kita, start=today - YEAR)
    NetworkMembership.objects.create(network=runder_tisch, organisation=schule)
    NetworkMembership.objects.create(network=runder_tisch, organisation=verein, start=today - YEAR, end=today - DAY)
    NetworkMembership.objects.create(network=runder_tisch, person=ayse)
    NetworkMembership.objects.create(network=runder_tisch, person=jan, end=today - DAY)
    ag_gruen = Network.objects.create(area=area, name="AG Grün", kind=Network.Kind.WORKING_GROUP)
    ag_gruen.fields_of_action.add(field("oeffentlicher-raum"))
    NetworkMembership.objects.create(network=ag_gruen, organisation=verein)
    foreign = Network.objects.create(area=other_area, name="Runder Tisch Nordstadt")
    return {
        "kita": kita,
        "schule": schule,
        "verein": verein,
        "ayse": ayse,
        "jan": jan,
        "runder_tisch": runder_tisch,
        "ag_gruen": ag_gruen,
        "foreign": foreign,
        "foreign_org": org(other_area, "Kita Nordlicht"),
        "foreign_person": Person.objects.create(area=other_area, last_name="Fremd"),
    }


def url(area: Quartier, rest: str = "") -> str:
    return f"/gebiet/{area.slug}/netzwerke/{rest}"


def names(response: object) -> list[str]:
    return [network.name for network in response.context["page"].object_list]  # type: ignore[attr-defined]


# --- selectors -----------------------------------------------------------------------------------------------


def test_networks_for_counts_current_members_and_keeps_to_the_area(
    area: Quartier, data: dict, today: datetime.date
) -> None:
    networks = list(networks_for(area, today=today))
    assert [network.name for network in networks] == ["AG Grün", "Runder Tisch Kinder"]
    runder_tisch = networks[1]
    assert (runder_tisch.organisation_count, runder_tisch.person_count) == (2, 1)  # the former ones do not count
    assert (networks[0].organisation_count, networks[0].person_count) == (1, 0)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "kinder"}, ["Runder Tisch Kinder"]),
        ({"q": "angebot kanal"}, ["Runder Tisch Kinder"]),  # the purpose, stemmed, every word
        ({"q": "tisch"}, ["Runder Tisch Kinder"]),  # not the other area's round table
        ({"kind": Network.Kind.WORKING_GROUP}, ["AG Grün"]),
        ({"q": "'); drop table"}, []),
    ],
)
def test_networks_for_searches_and_filters(
    area: Quartier, data: dict, filters: dict[str, str], expected: list[str], today: datetime.date
) -> None:
    networks = NetworkFilterSet(filters, queryset=networks_for(area, today=today)).qs
    assert [network.name for network in networks] == expected


def test_networks_for_filters_by_field_of_action(area: Quartier, data: dict, today: datetime.date) -> None:
    data["ag_gruen"].fields_of_action.add(field("bildung"))
    filters = {"field_of_action": str(field("bildung").pk)}
    result = NetworkFilterSet(filters, queryset=networks_for(area, today=today)).qs
    assert [(network.name, network.organisation_count) for network in result] == [
        ("AG Grün", 1),
        ("Runder Tisch Kinder", 2),
    ]


def test_network_detail_splits_current_and_former_and_hides_persons_when_asked(
    area: Quartier, data: dict, today: datetime.date
) -> None:
    page = network_detail(area, data["runder_tisch"].pk, with_persons=True, today=today)
    assert page is not None
    assert [m.organisation.name for m in page.organisations] == ["Astrid-Lindgren-Schule", "Kita Sonnenschein"]
    assert [m.organisation.name for m in page.former_organisations] == ["Nachbarschaftsverein Kanalkiez"]
    assert [str(m.person) for m in page.persons] == ["Ayşe Demir"]
    assert [str(m.person) for m in page.former_persons] == ["Jan Nowak"]
    hidden = network_detail(area, data["runder_tisch"].pk, with_persons=False, today=today)
    assert hidden is not None and hidden.persons == [] and hidden.former_persons == []
    assert (hidden.person_count, hidden.former_person_count) == (1, 1)
    assert network_detail(area, data["foreign"].pk, with_persons=True, today=today) is None


def test_picture_data_has_current_member_organisations_only(area: Quartier, data: dict, today: datetime.date) -> None:
    networks = network_picture_data(area, field_of_action=None, today=today)
    assert [(n.name, [name for _pk, name in n.organisations]) for n in networks] == [
        ("AG Grün", ["Nachbarschaftsverein Kanalkiez"]),
        ("Runder Tisch Kinder", ["Astrid-Lindgren-Schule", "Kita Sonnenschein"]),
    ]
    filtered = network_picture_data(area, field_of_action=field("oeffentlicher-raum").pk, today=today)
    assert [n.name for n in filtered] == ["AG Grün"]


# --- services ------------------------------------------------------------------------------------------------


def test_network_create_saves_network_members_and_audit(
    area: Quartier, data: dict, role_users: dict, today: datetime.date
) -> None:
    gwa = role_users["gwa"]
    network = network_create(
        area=area,
        data={"name": "AG Spielplätze", "kind": "ag", "fields_of_action": [field("bildung")]},
        members=[MemberRow(organisation=data["kita"], start=today), MemberRow(person=data["ayse"])],
        by=gwa,
    )
    assert network.area == area
    assert list(network.fields_of_action.all()) == [field("bildung")]
    assert {(m.organisation_id, m.person_id, m.start) for m in network.members.all()} == {
        (data["kita"].pk, None, today),
        (None, data["ayse"].pk, None),
    }
    entries = LogEntry.objects.get_for_object(network)
    assert {entry.actor for entry in entries} == {gwa}
    # Each member is an entry of its own, which names the network and the member by their ids (for the
    # histories of both, quartier.audit.entries_of); the erasure of a person cuts their name out of it.
    added = LogEntry.objects.filter(content_type__model="networkmembership", additional_data__network_id=network.pk)
    assert {entry.actor for entry in added} == {gwa}
    assert {
        (entry.action, entry.additional_data.get("organisation_id"), entry.additional_data.get("person_id"))
        for entry in added
    } == {
        (LogEntry.Action.CREATE, data["kita"].pk, None),
        (LogEntry.Action.CREATE, None, data["ayse"].pk),
    }
    assert {entry.additional_data["quartier_id"] for entry in added} == {area.pk}


def test_network_update_changes_adds_and_removes_members(
    area: Quartier, data: dict, role_users: dict, today: datetime.date
) -> None:
    network = data["runder_tisch"]
    kita_membership = network.members.get(organisation=data["kita"])
    network_update(
        network=network,
        data={"name": "Runder Tisch Kinder und Jugend"},
        members=[
            MemberRow(organisation=data["kita"], start=today - YEAR, end=today, membership=kita_membership),
            MemberRow(person=data["jan"]),
        ],
        by=role_users["planung"],
    )
    network.refresh_from_db()
    assert network.name == "Runder Tisch Kinder und Jugend"
    assert network.kind == Network.Kind.ROUND_TABLE  # not in data: unchanged
    members = list(network.members.order_by("pk"))
    assert [(m.pk, m.end) for m in members[:1]] == [(kita_membership.pk, today)]
    assert [(m.organisation, m.person) for m in members] == [(data["kita"], None), (None, data["jan"])]


def test_update_cannot_take_over_a_membership_of_another_network(area: Quartier, data: dict, role_users: dict) -> None:
    other = data["ag_gruen"].members.get()
    network_update(
        network=data["runder_tisch"],
        data={},
        members=[MemberRow(organisation=data["kita"], membership=other)],
        by=role_users["gwa"],
    )
    other.refresh_from_db()
    assert other.network == data["ag_gruen"] and other.organisation == data["verein"]


def test_overlapping_rows() -> None:
    first, second = Organisation(pk=1), Organisation(pk=2)
    day = datetime.date(2026, 1, 1)
    later = datetime.date(2026, 6, 1)
    rows = [
        MemberRow(organisation=first, end=day),
        MemberRow(organisation=first, start=later),  # later again: fine
        MemberRow(organisation=second),
        MemberRow(organisation=first, start=day, end=day),  # the last day of the first row: overlaps
        MemberRow(person=Person(pk=1)),
        MemberRow(person=Person(pk=2)),
    ]
    assert overlapping_rows(rows) == [3]


@pytest.mark.parametrize(
    "members",
    [
        pytest.param(
            lambda d, today: [MemberRow(organisation=d["kita"]), MemberRow(organisation=d["kita"])], id="double"
        ),
        pytest.param(lambda d, today: [MemberRow(organisation=d["foreign_org"])], id="foreign-organisation"),
        pytest.param(lambda d, today: [MemberRow(person=d["foreign_person"])], id="foreign-person"),
        pytest.param(
            lambda d, today: [MemberRow(organisation=d["kita"], start=today, end=today - DAY)], id="end-before"
        ),
        pytest.param(lambda d, today: [MemberRow(organisation=d["kita"], person=d["ayse"])], id="both"),
        pytest.param(lambda d, today: [MemberRow(organisation=d["kita"]), MemberRow()], id="neither"),
    ],
)
def test_services_refuse_bad_members_and_save_nothing(
    area: Quartier, data: dict, role_users: dict, members: object, today: datetime.date
) -> None:
    rows = members(data, today)  # type: ignore[operator]
    count = NetworkMembership.objects.count()
    with pytest.raises(ValidationError):
        network_create(area=area, data={"name": "AG Neu", "kind": "ag"}, members=rows, by=role_users["gwa"])
    assert not Network.objects.filter(name="AG Neu").exists()
    network = data["runder_tisch"]
    with pytest.raises(ValidationError):
        network_update(network=network, data={"name": "Umbenannt"}, members=rows, by=role_users["gwa"])
    network.refresh_from_db()
    assert network.name == "Runder Tisch Kinder"
    assert NetworkMembership.objects.count() == count


def test_lead_organisation_of_another_area_is_refused(area: Quartier, data: dict, role_users: dict) -> None:
    with pytest.raises(ValidationError):
        network_create(
            area=area,
            data={"name": "AG Neu", "kind": "ag", "lead_organisation": data["foreign_org"]},
            members=[],
            by=role_users["gwa"],
        )
    assert not Network.objects.filter(name="AG Neu").exists()


# --- list ----------------------------------------------------------------------------------------------------


def test_coordinator_reads_the_list_with_counts(
    client: Client, area: Quartier, role_users: dict[str, User], data: dict
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area))
    assert response.status_code == 200
    assert names(response) == ["AG Grün", "Runder Tisch Kinder"]
    html = response.content.decode()
    assert "Runder Tisch Nordstadt" not in html
    assert f'href="/gebiet/{area.slug}/organisationen/{data["verein"].pk}/"' in html  # the lead organisation
    assert "2 Organisationen" in html  # the msgid is shared with the organisation list, so translated
    assert f'href="/gebiet/{area.slug}/netzwerke/neu/"' not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=kinder", ["Runder Tisch Kinder"]),
        ("q=abstimmung", ["Runder Tisch Kinder"]),
        ("kind=ag", ["AG Grün"]),
        ("kind=kaiserreich", ["AG Grün", "Runder Tisch Kinder"]),  # an invalid filter is ignored
        ("field_of_action=999999", ["AG Grün", "Runder Tisch Kinder"]),
    ],
)
def test_list_search_and_filters(
    client: Client, area: Quartier, role_users: dict[str, User], data: dict, query: str, expected: list[str]
) -> None:
    client.force_login(role_users["gwa"])
    assert names(client.get(f"{url(area)}?{query}")) == expected


def test_list_filter_by_field_of_action(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["gwa"])
    assert names(client.get(f"{url(area)}?field_of_action={field('bildung').pk}")) == ["Runder Tisch Kinder"]


def test_htmx_search_returns_only_the_results(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"{url(area)}?q=gr%C3%BCn", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "AG Grün" in html and "Runder Tisch Kinder" not in html
    assert "HX-Request" in response["Vary"]


def test_csv_export_of_the_filtered_list(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    Network.objects.create(area=area, name="=cmd|' /C calc'!A0", kind="ag")
    client.force_login(role_users["koordination"])
    response = client.get(f"{url(area)}?kind=runder_tisch&export=csv")
    assert 'filename="netzwerke-kiez-am-kanal.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Name", "Art", "Handlungsfelder"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "Runder Tisch Kinder" and row[2] == "Bildung"
    assert row[5] == "Nachbarschaftsverein Kanalkiez"
    assert row[6:] == ["2", "1", "Astrid-Lindgren-Schule, Kita Sonnenschein"]
    everything = client.get(f"{url(area)}?export=csv").content.decode("utf-8-sig")
    assert "'=cmd" in everything


def test_xlsx_export(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["steuerung"])
    response = client.get(f"{url(area)}?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values[1:]] == ["AG Grün", "Runder Tisch Kinder"]
    assert values[2][6] == 2


# --- page ----------------------------------------------------------------------------------------------------


def test_page_shows_everything_to_staff(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["planung"])
    response = client.get(url(area, f"{data['runder_tisch'].pk}/"))
    html = response.content.decode()
    assert "Abstimmung der Angebote" in html and "Jeden ersten Dienstag" in html and "Bildung" in html
    current, former = html.split('id="former-members"')
    assert "Kita Sonnenschein" in current and "Astrid-Lindgren-Schule" in current and "Ayşe Demir" in current
    assert "Nachbarschaftsverein Kanalkiez" in former and "Jan Nowak" in former
    assert f'href="/gebiet/{area.slug}/organisationen/{data["kita"].pk}/"' in html
    assert f'href="/gebiet/{area.slug}/netzwerke/{data["runder_tisch"].pk}/bearbeiten/"' in html


def test_coordinator_sees_the_page_but_only_counts_persons(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, f"{data['runder_tisch'].pk}/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kita Sonnenschein" in html
    assert "Ayşe" not in html and "Demir" not in html and "Nowak" not in html
    assert re.findall(r'<p class="person-count">\s*1 ', html) and len(re.findall('class="person-count"', html)) == 2
    assert "/bearbeiten/" not in html


def test_network_of_another_area_is_not_found(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["steuerung"])
    foreign = data["foreign"]
    assert client.get(url(area, f"{foreign.pk}/")).status_code == 404
    assert client.post(url(area, f"{foreign.pk}/bearbeiten/"), {"name": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Runder Tisch Nordstadt"


def test_outsider_gets_404_everywhere(client: Client, area: Quartier, outsider: User, data: dict) -> None:
    client.force_login(outsider)
    pk = data["runder_tisch"].pk
    for path in ("", f"{pk}/", "bild/", "neu/", f"{pk}/bearbeiten/"):
        assert client.get(url(area, path)).status_code == 404, path


# --- forms ---------------------------------------------------------------------------------------------------


def form_data(rows: list[dict[str, object]], initial: int = 0, **network: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "AG Spielplätze",
        "kind": "ag",
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **network,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"members-{index}-{key}"] = value
    return data


def test_office_creates_a_network_with_members(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["gwa"])
    post = form_data(
        [
            {"organisation": data["kita"].pk, "start": "2026-01-15"},
            {"person": data["ayse"].pk, "end": "31.12.2030"},
            {},  # an empty extra row is skipped
        ],
        lead_organisation=data["kita"].pk,
        fields_of_action=[field("bildung").pk],
        rhythm="monatlich",
    )
    response = client.post(url(area, "neu/"), post)
    network = Network.objects.get(name="AG Spielplätze")
    assert response.status_code == 302 and response["Location"] == url(area, f"{network.pk}/")
    assert network.lead_organisation == data["kita"] and network.rhythm == "monatlich"
    assert {(m.organisation_id, m.person_id, m.start, m.end) for m in network.members.all()} == {
        (data["kita"].pk, None, datetime.date(2026, 1, 15), None),
        (None, data["ayse"].pk, None, datetime.date(2030, 12, 31)),
    }


def test_edit_form_shows_members_and_saves_changes_and_removals(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    network = data["ag_gruen"]
    membership = network.members.get()
    client.force_login(role_users["steuerung"])
    response = client.get(url(area, f"{network.pk}/bearbeiten/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<legend>Nachbarschaftsverein Kanalkiez</legend>" in html  # an existing member is shown, not chosen
    assert f'<option value="{data["verein"].pk}" selected>' not in html
    post = form_data(
        [
            {"id": membership.pk, "network": network.pk, "organisation": data["verein"].pk, "DELETE": "on"},
            {"organisation": data["schule"].pk},
        ],
        initial=1,
        name="AG Grün und Sauberkeit",
    )
    assert client.post(url(area, f"{network.pk}/bearbeiten/"), post).status_code == 302
    network.refresh_from_db()
    assert network.name == "AG Grün und Sauberkeit"
    assert [m.organisation for m in network.members.all()] == [data["schule"]]


ROW_ERRORS = [
    pytest.param(
        [{"organisation": "{kita}"}, {"organisation": "{kita}", "start": "2026-01-01"}],
        DOUBLE_MEMBER,
        id="double-member",
    ),
    pytest.param([{"organisation": "{foreign_org}"}], "Bitte eine gültige Auswahl treffen.", id="foreign-organisation"),
    pytest.param([{"person": "{foreign_person}"}], "Bitte eine gültige Auswahl treffen.", id="foreign-person"),
    pytest.param(
        [{"organisation": "{kita}", "start": "2026-03-01", "end": "2026-02-01"}],
        "Das Ende kann nicht vor dem Beginn liegen.",
        id="end-before-start",
    ),
    pytest.param(
        [{"organisation": "{kita}", "person": "{ayse}"}],
        "Ein Mitglied ist entweder eine Organisation oder eine Person.",
        id="both",
    ),
    pytest.param(
        [{"start": "2026-03-01"}], "Ein Mitglied ist entweder eine Organisation oder eine Person.", id="neither"
    ),
    pytest.param([{"organisation": "{kita}", "start": "gestern"}], "Bitte ein gültiges Datum eingeben.", id="date"),
]


def test_an_existing_member_cannot_be_swapped_for_another(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    network = data["ag_gruen"]
    membership = network.members.get()
    client.force_login(role_users["gwa"])
    post = form_data(
        [{"id": membership.pk, "network": network.pk, "organisation": data["foreign_org"].pk, "end": "2030-01-01"}],
        initial=1,
        name="AG Grün",
    )
    assert client.post(url(area, f"{network.pk}/bearbeiten/"), post).status_code == 302
    membership.refresh_from_db()
    assert membership.organisation == data["verein"] and membership.end == datetime.date(2030, 1, 1)


def test_a_new_row_repeating_an_existing_member_is_refused(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    network = data["ag_gruen"]
    membership = network.members.get()
    client.force_login(role_users["gwa"])
    post = form_data(
        [
            {"id": membership.pk, "network": network.pk, "end": "2030-01-01"},
            {"organisation": data["verein"].pk, "start": "2029-06-01"},
        ],
        initial=1,
        name="AG Grün",
    )
    response = client.post(url(area, f"{network.pk}/bearbeiten/"), post)
    assert response.status_code == 200
    assert german(DOUBLE_MEMBER) in response.content.decode()
    membership.refresh_from_db()
    assert membership.end is None and network.members.count() == 1


def test_two_existing_members_moved_to_overlap_show_the_error_at_the_row(
    client: Client, area: Quartier, role_users: dict, data: dict, today: datetime.date
) -> None:
    network = data["ag_gruen"]
    first = network.members.get()
    first.end = datetime.date(2020, 12, 31)
    first.save()
    second = NetworkMembership.objects.create(network=network, organisation=data["verein"], start=today)
    client.force_login(role_users["gwa"])
    post = form_data(
        [
            {"id": first.pk, "network": network.pk, "end": "2030-12-31"},
            {"id": second.pk, "network": network.pk, "start": today.isoformat()},
        ],
        initial=2,
        name="AG Grün",
    )
    response = client.post(url(area, f"{network.pk}/bearbeiten/"), post)
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index('id="member-2"') : html.index("</fieldset>", html.index('id="member-2"'))]
    assert german(DOUBLE_MEMBER) in row
    first.refresh_from_db()
    assert first.end == datetime.date(2020, 12, 31)


@pytest.mark.parametrize(("rows", "message"), ROW_ERRORS)
def test_invalid_member_row_is_refused_and_nothing_is_saved(
    client: Client, area: Quartier, role_users: dict, data: dict, rows: list[dict], message: str
) -> None:
    message = german(message)  # ours as the server translates it; Django's own are German already
    values = {key: obj.pk for key, obj in data.items()}
    filled = [{key: str(value).format(**values) for key, value in row.items()} for row in rows]
    good_row = {"organisation": data["schule"].pk}
    client.force_login(role_users["gwa"])
    before = NetworkMembership.objects.count()
    response = client.post(url(area, "neu/"), form_data([good_row, *filled]))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert html.count(message) == 1  # at the row, not repeated by the constraint check
    assert 'class="card member-row member-row--error"' in html
    assert not Network.objects.filter(name="AG Spielplätze").exists()
    # The same rows on an existing network: its name and members stay as they were.
    network = data["ag_gruen"]
    response = client.post(url(area, f"{network.pk}/bearbeiten/"), form_data([good_row, *filled], name="Neu"))
    assert response.status_code == 200 and message in response.content.decode()
    network.refresh_from_db()
    assert network.name == "AG Grün"
    assert NetworkMembership.objects.count() == before


def test_network_form_errors_are_german(client: Client, area: Quartier, role_users: dict, data: dict) -> None:
    client.force_login(role_users["gwa"])
    response = client.post(
        url(area, "neu/"), form_data([], name="", kind="kaiserreich", lead_organisation=data["foreign_org"].pk)
    )
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert html.count("Bitte eine gültige Auswahl treffen.") == 2  # kind and the other area's organisation
    assert not Network.objects.filter(area=area, name="").exists()


def test_form_offers_only_this_areas_organisations_and_persons(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    client.force_login(role_users["gwa"])
    html = client.get(url(area, "neu/")).content.decode()
    assert "Kita Sonnenschein" in html and "Ayşe Demir" in html
    assert "Kita Nordlicht" not in html and "Fremd" not in html


@pytest.mark.parametrize("path", ["neu/", "{pk}/bearbeiten/"])
def test_coordinator_may_not_create_or_edit(
    client: Client, area: Quartier, role_users: dict, data: dict, path: str
) -> None:
    client.force_login(role_users["koordination"])
    target = url(area, path.format(pk=data["ag_gruen"].pk))
    assert client.get(target).status_code == 403
    assert client.post(target, form_data([])).status_code == 403
    assert not Network.objects.filter(name="AG Spielplätze").exists()


@pytest.mark.parametrize("role", ["steuerung", "planung", "gwa"])
def test_every_office_role_may_edit(client: Client, area: Quartier, role_users: dict, data: dict, role: str) -> None:
    client.force_login(role_users[role])
    assert client.post(url(area, "neu/"), form_data([])).status_code == 302


def picture_svg(html: str) -> str:
    start = html.index("<svg xmlns")
    return html[start : html.index("</svg>", start)]


# --- picture -------------------------------------------------------------------------------------------------


def test_picture_shows_networks_organisations_and_the_table(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, "bild/"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = picture_svg(html)
    assert 'role="img"' in svg and 'aria-labelledby="picture-title"' in svg and "<desc" in svg
    assert svg.count("<circle") == 2 and svg.count("<rect") == 3 and svg.count("<line") == 3
    assert f'data-organisation="{data["kita"].pk}"' in svg
    assert not re.search(r'(?:x|y|cx|cy|r|x1|y1|x2|y2)="-?\d+,\d', svg)  # numbers never in German notation
    table = html[html.index(svg) + len(svg) :]
    assert f'href="/gebiet/{area.slug}/organisationen/{data["kita"].pk}/"' in table
    assert f'href="/gebiet/{area.slug}/netzwerke/{data["ag_gruen"].pk}/"' in table
    assert "Ayşe" not in html


def test_picture_filter_by_field_of_action_and_htmx_fragment(
    client: Client, area: Quartier, role_users: dict, data: dict
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(
        url(area, f"bild/?field_of_action={field('oeffentlicher-raum').pk}"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="picture-summary"' in html and 'id="picture"' in html
    assert "AG Grün" in html and "Runder Tisch Kinder" not in html
    assert html.count("<circle") == 1 and html.count("<rect") == 1
    empty = client.get(url(area, f"bild/?field_of_action={field('klima').pk}")).content.decode()
    assert "<svg xmlns" not in empty
    ignored = client.get(url(area, "bild/?field_of_action=kein-feld")).content.decode()  # a bad filter shows all
    assert picture_svg(ignored).count("<circle") == 2


def test_picture_escapes_names(client: Client, area: Quartier, role_users: dict) -> None:
    evil = '<script>alert(1)</script>&"'
    network = Network.objects.create(area=area, name=f"Netz {evil}")
    NetworkMembership.objects.create(network=network, organisation=org(area, f"Org {evil}"))
    client.force_login(role_users["gwa"])
    html = client.get(url(area, "bild/")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;" in html
    svg = picture_svg(html)
    assert "Org &lt;script&gt;" in svg and "Netz &lt;script&gt;" in svg


# --- query counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("", "steuerung"),
        ("?q=tisch&kind=runder_tisch", "koordination"),
        ("?export=csv", "planung"),
        ("{pk}/", "steuerung"),
        ("{pk}/", "koordination"),
        ("{pk}/bearbeiten/", "gwa"),
        ("bild/", "koordination"),
        ("bild/?field_of_action={field}", "steuerung"),
    ],
)
def test_network_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict,
    data: dict,
    path: str,
    role: str,
    assert_constant_queries: object,
    today: datetime.date,
) -> None:
    network = data["runder_tisch"]
    client.force_login(role_users[role])
    target = url(area, path.format(pk=network.pk, field=field("bildung").pk))

    def grow() -> None:
        for number in range(20):
            other = Network.objects.create(
                area=area, name=f"Runder Tisch {number}", kind="runder_tisch", lead_organisation=data["kita"]
            )
            other.fields_of_action.add(field("bildung"), field("klima"))
            organisation = org(area, f"Verein {number}")
            person = Person.objects.create(area=area, last_name=f"Person {number}")
            for target_network in (network, other):
                NetworkMembership.objects.create(network=target_network, organisation=organisation)
                NetworkMembership.objects.create(network=target_network, person=person, end=today - DAY)

    def request() -> None:
        assert client.get(target).status_code == 200

    assert_constant_queries(request, grow)  # type: ignore[operator]
