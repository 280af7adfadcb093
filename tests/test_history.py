"""The audit trail: Steuerung sees the history of the area and of each object in it."""

from __future__ import annotations

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
    return html[html.index('<div id="history-page"') :]


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
