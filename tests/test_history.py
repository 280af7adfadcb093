"""The audit trail: Steuerung sees the history of the area and of each object in it."""

from __future__ import annotations

import pytest
from django.test import Client

from demo.factories import UserFactory, user_with_role
from quartier.models import Quartier, RoleAssignment, User
from quartier.services import area_update, role_grant


def add_changes(area: Quartier, by: User, count: int) -> None:
    for number in range(count):
        area_update(area=area, by=by, data={"opening_hours": f"{number} Uhr"})


def test_area_history_lists_changes_and_role_grants(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    area_update(area=area, by=role_users["gwa"], data={"opening_hours": "Fr 8–10 Uhr"})
    newcomer = UserFactory(display_name="Neu Ling")
    role_grant(user=newcomer, area=area, role="planung", by=role_users["steuerung"])
    client.force_login(role_users["steuerung"])
    html = client.get(f"/gebiet/{area.slug}/verlauf/").content.decode()
    assert "Fr 8–10 Uhr" in html
    assert "Neu Ling" in html


def test_object_history_shows_one_object(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    assignment = RoleAssignment.objects.get(user=role_users["planung"])
    client.force_login(role_users["steuerung"])
    response = client.get(f"/gebiet/{area.slug}/verlauf/quartier.roleassignment/{assignment.pk}/")
    assert response.status_code == 200


def test_object_of_another_area_is_not_found_through_this_area(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    foreign = RoleAssignment.objects.get(user=user_with_role(other_area, "gwa"))
    client.force_login(role_users["steuerung"])
    for path in (
        f"quartier.roleassignment/{foreign.pk}/",
        f"quartier.quartier/{other_area.pk}/",
        "quartier.user/1/",  # users belong to no area
        "nix.nada/1/",
        "quartier.quartier/abc/",
        "quartier.quartier/²/",  # a digit to str.isdigit, not to int(): was a server error
    ):
        assert client.get(f"/gebiet/{area.slug}/verlauf/{path}").status_code == 404, path


def test_history_query_count_does_not_grow(
    client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries: object
) -> None:
    client.force_login(role_users["steuerung"])
    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/verlauf/"), lambda: add_changes(area, role_users["gwa"], 20)
    )


def test_history_pages_through_htmx_with_only_the_fragment(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    add_changes(area, role_users["gwa"], 60)
    client.force_login(role_users["steuerung"])
    full = client.get(f"/gebiet/{area.slug}/verlauf/")
    assert "<html" in full.content.decode() and "Seite 1 von 2" in full.content.decode()
    fragment = client.get(f"/gebiet/{area.slug}/verlauf/?page=2", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and "<h1>" not in html
    assert "Seite 2 von 2" in html
    assert "HX-Request" in fragment["Vary"]


def test_object_history_query_count_does_not_grow(
    client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries: object
) -> None:
    client.force_login(role_users["steuerung"])
    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/verlauf/quartier.quartier/{area.pk}/"),
        lambda: add_changes(area, role_users["gwa"], 20),
    )


# --- only the project's own audited models have a history page (issue #15, finding 14) ---------------------------


def test_history_of_anything_but_the_projects_audited_models_is_not_found(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """Django's own models, other packages' models and the project's models that are not audited answer 404,
    never a server error."""
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import assign_perm

    from actors.models import TargetGroup

    client.force_login(role_users["steuerung"])
    steuerung = role_users["steuerung"]
    grant = assign_perm("quartier.view_area", steuerung, area)  # a per-object grant (roles make none)
    assert isinstance(grant, UserObjectPermission)
    group = Group.objects.create(name="Gruppe")
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="203.0.113.7", user_agent="", failures_since_start=1
    )
    for path in (
        f"auth.user/{steuerung.pk}/",  # swapped out for quartier.user: was a server error
        f"auth.group/{group.pk}/",
        f"auth.permission/{Permission.objects.first().pk}/",
        f"contenttypes.contenttype/{ContentType.objects.first().pk}/",
        f"guardian.userobjectpermission/{grant.pk}/",
        f"axes.accessattempt/{attempt.pk}/",
        f"sessions.session/{Session.objects.first().pk}/",
        f"auditlog.logentry/{1}/",
        f"actors.targetgroup/{TargetGroup.objects.first().pk}/",  # the project's, but not audited
        f"quartier.user/{steuerung.pk}/",  # audited, but belongs to no area
        "quartier.nichtda/1/",
        "quartier/1/",
        "auth.user.x/1/",
    ):
        response = client.get(f"/gebiet/{area.slug}/verlauf/{path}")
        assert response.status_code == 404, path


def test_history_of_an_audited_model_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    from actors.models import Organisation

    foreign = Organisation.objects.create(area=other_area, name="Anderswo e. V.")
    own = Organisation.objects.create(area=area, name="Hier e. V.")
    client.force_login(role_users["steuerung"])
    assert client.get(f"/gebiet/{area.slug}/verlauf/actors.organisation/{foreign.pk}/").status_code == 404
    response = client.get(f"/gebiet/{area.slug}/verlauf/actors.organisation/{own.pk}/")
    assert response.status_code == 200 and "Hier e. V." in response.content.decode()


def test_every_audited_model_of_the_project_can_name_its_area() -> None:
    """The history page finds an object's area through ``get_area``; an audited model without it would have
    no history page, so the registry and the page must agree."""
    from quartier.audit import history_models

    models = history_models()
    assert {model._meta.label_lower for model in models} >= {
        "quartier.quartier",
        "quartier.roleassignment",
        "actors.organisation",
        "actors.contactnote",
        "committees.meeting",
        "fonds.application",
        "isek.measure",
    }
    assert "quartier.user" not in {model._meta.label_lower for model in models}
    assert all(hasattr(model, "get_area") for model in models)


# --- the history in German (issue #18) ----------------------------------------------------------------------------


def _entries_html(client: Client, url: str) -> str:
    """The entries of a history page (without the filter bar, whose options name kinds and people)."""
    html = client.get(url).content.decode()
    return html[html.index('<div id="results"') :]


def test_changes_read_in_german_labels_choices_names_and_words(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """Field names as labels, choices as labels, a linked object by its name, yes/no, "—" for nothing, objects
    added to a many-to-many field, created and deleted: never a field's name, a number, None, True or False."""
    from actors.models import Organisation
    from actors.services.networks import network_create, network_update
    from actors.services.organisations import organisation_create, organisation_update
    from quartier.models import FieldOfAction, LegalText
    from quartier.services import legal_text_create, legal_text_delete

    gwa = role_users["gwa"]
    kita = organisation_create(area=area, data={"name": "Kita Sonnenschein", "kind": "verein"}, by=gwa)
    organisation_update(
        organisation=kita,
        data={
            "kind": Organisation.Kind.DAYCARE,
            "inside_area": False,
            "email": "kita@example.org",
            "fields_of_action": [FieldOfAction.objects.get(key="bildung")],
        },
        by=gwa,
    )
    network = network_create(area=area, data={"name": "Runder Tisch Kinder"}, members=[], by=gwa)
    network_update(network=network, data={"lead_organisation": kita}, members=[], by=gwa)
    text = legal_text_create(area=area, kind=LegalText.Kind.IMPRINT, data={"text": "Büro"}, by=gwa)
    legal_text_delete(legal_text=text, by=gwa)

    client.force_login(role_users["steuerung"])
    html = _entries_html(client, f"/gebiet/{area.slug}/verlauf/")
    assert "Organisation „Kita Sonnenschein“ angelegt" in html
    assert "Organisation „Kita Sonnenschein“ geändert" in html
    assert "Art:</span> Verein → Kita" in html  # the choices' labels, under the field's label
    assert "Im Gebiet:</span> ja → nein" in html
    assert "E-Mail-Adresse:</span> — → kita@example.org" in html
    assert "Handlungsfelder:</span> hinzugefügt: Bildung" in html
    assert "Federführende Organisation:</span> — → Kita Sonnenschein" in html  # the name, not the number
    assert "Rechtstext „Impressum" in html and "gelöscht" in html
    for raw in ("None", "True", "False", "lead_organisation", "inside_area", "kind:", f"→ {kita.pk}<"):
        assert raw not in html, raw


def test_a_step_reads_as_its_verb_and_appears_once(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    """A transition is one entry, named by what was done; the save it makes is no second, plain entry."""
    from auditlog.models import LogEntry

    from actors.models import Concern
    from actors.services.concerns import concern_create, concern_set_status

    gwa = role_users["gwa"]
    concern = concern_create(area=area, data={"text": "Schaukel defekt", "raised_on": "2026-01-05"}, by=gwa)
    concern_set_status(concern=concern, to_status=Concern.Status.FORWARDED, by=gwa, forwarded_to="Grünflächenamt")

    updates = LogEntry.objects.get_for_object(concern).filter(action=LogEntry.Action.UPDATE)
    assert updates.count() == 1
    entry = updates.get()
    assert entry.additional_data["transition"] == "concern_weitergeleitet"
    assert entry.changes_dict["status"] == ["neu", "weitergeleitet"]
    assert entry.changes_dict["forwarded_to"] == ["", "Grünflächenamt"]  # the step's other fields, in the same entry

    client.force_login(role_users["steuerung"])
    html = _entries_html(client, f"/gebiet/{area.slug}/verlauf/actors.concern/{concern.pk}/")
    assert html.count("Anliegen „Schaukel defekt“ an die Verwaltung weitergeleitet") == 1
    assert "Anliegen „Schaukel defekt“ geändert" not in html
    assert "Weitergeleitet an (Verwaltungseinheit):</span> — → Grünflächenamt" in html
    assert "→ weitergeleitet" not in html  # the verb says it
    assert "Anliegen „Schaukel defekt“ angelegt" in html and "Status:</span> neu<" in html  # the choice's label


# --- affiliations and network memberships, on the histories of both sides -----------------------------------------


def test_affiliations_and_network_memberships_show_on_both_sides(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    from actors.models import Organisation
    from actors.services.networks import MemberRow, network_create, network_update
    from actors.services.persons import AffiliationRow, person_create, person_update

    gwa = role_users["gwa"]
    verein = Organisation.objects.create(area=area, name="Nachbarschaftsverein")
    ayse = person_create(
        area=area,
        data={"first_name": "Ayşe", "last_name": "Demir"},
        affiliations=[AffiliationRow(organisation=verein, function="Kassenwartin")],
        by=gwa,
    )
    network = network_create(area=area, data={"name": "Runder Tisch"}, members=[MemberRow(organisation=verein)], by=gwa)
    kept = MemberRow(organisation=verein, membership=network.members.get())
    network_update(network=network, data={}, members=[kept, MemberRow(person=ayse)], by=gwa)
    ayses = MemberRow(person=ayse, membership=network.members.get(person=ayse))
    network_update(network=network, data={}, members=[ayses], by=gwa)
    person_update(person=ayse, data={}, affiliations=[], by=gwa)

    client.force_login(role_users["steuerung"])
    base = f"/gebiet/{area.slug}/verlauf/"
    person = _entries_html(client, f"{base}actors.person/{ayse.pk}/")
    assert "Ayşe Demir der Organisation „Nachbarschaftsverein“ zugeordnet" in person
    assert "Funktion:</span> Kassenwartin" in person
    assert "Person:</span>" not in person and "Organisation:</span>" not in person  # the sentence names them
    assert "Ayşe Demir aus der Organisation „Nachbarschaftsverein“ entfernt" in person
    assert "Ayşe Demir als Mitglied im Netzwerk „Runder Tisch“ hinzugefügt" in person
    assert "Nachbarschaftsverein als Mitglied" not in person  # another member's entry is not the person's
    organisation = _entries_html(client, f"{base}actors.organisation/{verein.pk}/")
    assert "Ayşe Demir der Organisation „Nachbarschaftsverein“ zugeordnet" in organisation
    assert "Nachbarschaftsverein als Mitglied im Netzwerk „Runder Tisch“ hinzugefügt" in organisation
    assert "Nachbarschaftsverein aus dem Netzwerk „Runder Tisch“ entfernt" in organisation
    assert "Ayşe Demir als Mitglied" not in organisation
    on_network = _entries_html(client, f"{base}actors.network/{network.pk}/")
    assert on_network.count("als Mitglied im Netzwerk „Runder Tisch“ hinzugefügt") == 2
    assert "Nachbarschaftsverein aus dem Netzwerk „Runder Tisch“ entfernt" in on_network
    area_html = _entries_html(client, base)
    assert area_html.count("Ayşe Demir als Mitglied im Netzwerk „Runder Tisch“ hinzugefügt") == 1  # once


def test_erasing_a_person_cuts_their_name_out_of_the_entries_of_their_links(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """Also of links removed before the erasure: their entries named the person as well."""
    from auditlog.models import LogEntry

    from actors.models import Organisation
    from actors.services.networks import MemberRow, network_create, network_update
    from actors.services.persons import AffiliationRow, person_create, person_erase, person_update

    gwa = role_users["gwa"]
    verein = Organisation.objects.create(area=area, name="Nachbarschaftsverein")
    ayse = person_create(
        area=area,
        data={"first_name": "Ayşe", "last_name": "Demir"},
        affiliations=[AffiliationRow(organisation=verein)],
        by=gwa,
    )
    network = network_create(area=area, data={"name": "Runder Tisch"}, members=[MemberRow(person=ayse)], by=gwa)
    network_update(network=network, data={}, members=[], by=gwa)  # removed before the erasure
    person_update(person=ayse, data={}, affiliations=[], by=gwa)
    person_erase(person=ayse, by=gwa)
    assert not [entry.object_repr for entry in LogEntry.objects.all() if "Demir" in entry.object_repr]
    client.force_login(role_users["steuerung"])
    assert "Demir" not in _entries_html(client, f"/gebiet/{area.slug}/verlauf/")


# --- the link from each object's page to its history ---------------------------------------------------------------

#: Models with a history page but no page of their own: their changes show on the pages of the objects they belong
#: to (a payment on its application, an affiliation on its person and organisation, …).
WITHOUT_PAGE = {
    "quartier.roleassignment": "the team is edited in the administration",
    "actors.affiliation": "shown on the histories of the person and the organisation",
    "actors.networkmembership": "shown on the histories of the network and its member",
    "fonds.payment": "on the application's page",
    "fonds.repayment": "on the application's page",
    "fonds.receipt": "on the application's page",
    "isek.version": "on the ISEK's page",
    "isek.milestone": "on the measure's page",
    "isek.progressnote": "on the measure's page",
    "isek.spending": "on the measure's page",
    "activation.targetgroupcount": "shown on the event's history (its participants)",
    "activation.photo": "shown on the event's history",
    "activation.choice": "shown on its question's history",
    "activation.invitation": "shown on the survey's history",
}


def test_every_model_with_a_history_and_a_page_of_its_own_links_to_the_history() -> None:
    from quartier.audit import history_models
    from quartier.navigation import HISTORY_PAGES

    with_history = {model._meta.label_lower for model in history_models()}
    linked = {label for label, _argument in HISTORY_PAGES.values()}
    assert linked <= with_history
    assert with_history - set(WITHOUT_PAGE) == linked


def test_each_object_page_links_to_its_history_for_those_who_may_see_it(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    from quartier.navigation import HISTORY_PAGES
    from tests.test_url_permissions import ROUTES, sample_url, sample_values

    UserFactory(username="juror")  # the member of the sample ballot
    values = sample_values(area)
    routes = {route.name: route for route in ROUTES}
    for name, (label, argument) in HISTORY_PAGES.items():
        url = sample_url(routes[name], values)
        pk = area.pk if argument is None else values[argument]
        link = f'href="/gebiet/{area.slug}/verlauf/{label}/{pk}/"'
        client.force_login(role_users["steuerung"])
        page = client.get(url)
        assert page.status_code == 200, name
        assert link in page.content.decode(), name
        assert client.get(f"/gebiet/{area.slug}/verlauf/{label}/{pk}/").status_code == 200, name
        client.force_login(role_users["gwa"])  # may see most of these pages, never the history
        page = client.get(url)
        assert "/verlauf/" not in page.content.decode(), name


# --- the area's history filtered ----------------------------------------------------------------------------------


def _filtered(client: Client, area: Quartier, query: str) -> tuple[int, str]:
    response = client.get(f"/gebiet/{area.slug}/verlauf/{query}")
    return response.status_code, _entries_html_of(response.content.decode())


def _entries_html_of(html: str) -> str:
    return html[html.index('<div id="results"') :]


def test_the_area_history_filters_by_kind_person_day_and_name(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], today: object
) -> None:
    from actors.services.organisations import organisation_create, organisation_update

    gwa, planung = role_users["gwa"], role_users["planung"]
    kita = organisation_create(area=area, data={"name": "Kita Sonnenschein", "kind": "kita"}, by=gwa)
    area_update(area=area, by=planung, data={"opening_hours": "Mo 9–12 Uhr"})
    organisation_update(organisation=kita, data={"phone": "030 123"}, by=planung)
    stranger = user_with_role(other_area, "steuerung", username="fremd")
    organisation_create(area=other_area, data={"name": "Fremder Verein", "kind": "verein"}, by=stranger)

    client.force_login(role_users["steuerung"])
    status, html = _filtered(client, area, "?kind=actors.organisation")
    assert status == 200 and "Kita Sonnenschein" in html and "Mo 9–12 Uhr" not in html
    assert "Fremder Verein" not in html
    status, html = _filtered(client, area, f"?actor={planung.pk}")
    assert "Mo 9–12 Uhr" in html and "030 123" in html and "angelegt" not in html
    status, html = _filtered(client, area, f"?actor={planung.pk}&kind=quartier.quartier")
    assert "Mo 9–12 Uhr" in html and "030 123" not in html
    status, html = _filtered(client, area, "?q=sonnen")
    assert "Kita Sonnenschein" in html and "Mo 9–12 Uhr" not in html
    day = today.isoformat()  # type: ignore[attr-defined]
    status, html = _filtered(client, area, f"?date_from={day}&date_to={day}")
    assert "Kita Sonnenschein" in html and "Mo 9–12 Uhr" in html
    status, html = _filtered(client, area, "?date_to=2000-01-01")
    assert "0 Änderungen" in html and "Keine Änderung passt zu den Filtern." in html
    page = client.get(f"/gebiet/{area.slug}/verlauf/").content.decode()
    assert f'<option value="{planung.pk}">' in page and f'<option value="{stranger.pk}">' not in page


@pytest.mark.parametrize(
    "query",
    [
        "?actor={stranger}",  # a user of another area
        "?actor=abc",
        "?actor=99999999999999999999",
        "?kind=auth.user",  # not a kind of the area's history
        "?kind=quartier.user",
        "?kind=nix",
        "?date_from=2026-13-45",
        "?date_to=0001-01-01x",
    ],
)
def test_a_forged_filter_is_refused_in_german_and_never_shows_another_areas_entries(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], query: str
) -> None:
    from actors.services.organisations import organisation_create

    stranger = user_with_role(other_area, "steuerung", username="fremd")
    organisation_create(area=other_area, data={"name": "Fremder Verein", "kind": "verein"}, by=stranger)
    area_update(area=area, by=role_users["gwa"], data={"opening_hours": "Mo 9–12 Uhr"})
    client.force_login(role_users["steuerung"])
    status, html = _filtered(client, area, query.format(stranger=stranger.pk))
    assert status == 200
    assert "Diese Filter wurden nicht angewandt" in html
    assert "Fremder Verein" not in html
    assert "Mo 9–12 Uhr" in html  # the filter is left out, the area's entries stay


def test_the_filtered_history_pages_through_htmx(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    add_changes(area, role_users["gwa"], 60)
    client.force_login(role_users["steuerung"])
    query = f"?actor={role_users['gwa'].pk}&kind=quartier.quartier"
    full = client.get(f"/gebiet/{area.slug}/verlauf/{query}").content.decode()
    assert '<form class="filters"' in full and "60 Änderungen" in full
    assert f"actor={role_users['gwa'].pk}&amp;kind=quartier.quartier&amp;page=2" in full
    fragment = client.get(f"/gebiet/{area.slug}/verlauf/{query}&page=2", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and '<form class="filters"' not in html and "Seite 2 von 2" in html


def test_history_pages_read_in_constant_queries_whatever_the_entries_name(
    client: Client, area: Quartier, role_users: dict[str, User], assert_constant_queries: object
) -> None:
    """Links, linked objects of several kinds and steps: their names are read in one query for the page."""
    from actors.models import Concern, Organisation
    from actors.services.concerns import concern_create, concern_set_status
    from actors.services.networks import MemberRow, network_create
    from actors.services.persons import AffiliationRow, person_create

    gwa = role_users["gwa"]
    counter = iter(range(1000))

    def grow() -> None:
        number = next(counter)
        verein = Organisation.objects.create(area=area, name=f"Verein {number}")
        person = person_create(
            area=area,
            data={"last_name": f"Muster {number}"},
            affiliations=[AffiliationRow(organisation=verein)],
            by=gwa,
        )
        network_create(
            area=area,
            data={"name": f"Netz {number}", "lead_organisation": verein},
            members=[MemberRow(person=person), MemberRow(organisation=verein)],
            by=gwa,
        )
        raised = {"text": f"Anliegen {number}", "raised_on": "2026-01-05", "raised_by_person": person}
        concern = concern_create(area=area, data=raised, by=gwa)
        concern_set_status(concern=concern, to_status=Concern.Status.IN_PROGRESS, by=gwa)

    grow()
    client.force_login(role_users["steuerung"])
    count = assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/verlauf/"), lambda: [grow() for _ in range(3)]
    )
    assert count <= 10
    verein = Organisation.objects.order_by("pk").first()
    assert verein is not None
    count = assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/gebiet/{area.slug}/verlauf/actors.organisation/{verein.pk}/"),
        lambda: [grow() for _ in range(3)],
    )
    assert count <= 10


def test_every_audited_step_says_what_was_done() -> None:
    from quartier.transitions import machines
    from tests.test_transitions import _import_services

    _import_services()
    for machine in machines():
        if machine.audited:
            for name, move in machine.moves.items():
                assert move.done, f"{machine.model.__name__}.{name}"


def test_the_funds_and_the_isek_record_their_many_to_many_fields_too(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    """An application's fields of action and target groups, a measure's fields, goals and partners, an indicator's
    goals: added and removed, by their names, on the object's history."""
    from actors.models import Organisation, TargetGroup
    from demo.factories import FundFactory, GoalFactory, IndicatorFactory, MeasureFactory, VersionFactory
    from fonds.models import Application
    from quartier.audit import acting_as
    from quartier.models import FieldOfAction

    gwa = role_users["gwa"]
    fund = FundFactory(area=area)
    application = Application.objects.create(area=area, fund=fund, title="Hoffest")
    version = VersionFactory(area=area)
    goal = GoalFactory(version=version, title="Grün am Kanal")
    measure = MeasureFactory(version=version, number="M-9", title="Uferweg")
    indicator = IndicatorFactory(version=version, name="Grünfläche je Kopf")
    kita = Organisation.objects.create(area=area, name="Kita Sonnenschein")
    with acting_as(gwa):
        application.fields_of_action.set([FieldOfAction.objects.get(key="bildung")])
        application.target_groups.set(TargetGroup.objects.order_by("position")[:1])
        measure.goals.set([goal])
        measure.partners.set([kita])
        indicator.goals.set([goal])
        measure.goals.set([])
    client.force_login(role_users["steuerung"])
    html = _entries_html(client, f"/gebiet/{area.slug}/verlauf/fonds.application/{application.pk}/")
    assert "Handlungsfelder:</span> hinzugefügt: Bildung" in html and "Zielgruppen:</span> hinzugefügt:" in html
    html = _entries_html(client, f"/gebiet/{area.slug}/verlauf/isek.measure/{measure.pk}/")
    assert "hinzugefügt: Grün am Kanal" in html and "entfernt: Grün am Kanal" in html
    assert "hinzugefügt: Kita Sonnenschein" in html
    html = _entries_html(client, f"/gebiet/{area.slug}/verlauf/isek.indicator/{indicator.pk}/")
    assert "hinzugefügt: Grün am Kanal" in html


def test_a_report_has_a_history_with_its_release(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    """Asked for, and released as final: the report's page links to its history, which says both."""
    import datetime

    from django.utils import timezone

    from reporting.models import Report
    from reporting.services import report_release

    report = Report.objects.create(
        area=area, year=2025, version=1, status=Report.Status.DONE, finished_at=timezone.now(),
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
        file="berichte/2025.pdf", sha256="0" * 64,
    )  # fmt: skip
    report_release(report=report, by=role_users["steuerung"])
    client.force_login(role_users["steuerung"])
    history = f"/gebiet/{area.slug}/verlauf/reporting.report/{report.pk}/"
    assert history in client.get(f"/gebiet/{area.slug}/berichte/{report.pk}/").content.decode()
    html = _entries_html(client, history)
    assert "angelegt" in html and "als endgültig freigegeben" in html
