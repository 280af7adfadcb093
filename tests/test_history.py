"""The audit trail: Steuerung sees the history of the area and of each object in it."""

from __future__ import annotations

from django.test import Client

from quartier.models import Quartier, RoleAssignment, User
from quartier.services import quartier_update, role_grant
from tests.factories import UserFactory, user_with_role


def add_changes(area: Quartier, by: User, count: int) -> None:
    for number in range(count):
        quartier_update(quartier=area, by=by, data={"opening_hours": f"{number} Uhr"})


def test_area_history_lists_changes_and_role_grants(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    quartier_update(quartier=area, by=role_users["gwa"], data={"opening_hours": "Fr 8–10 Uhr"})
    newcomer = UserFactory(display_name="Neu Ling")
    role_grant(user=newcomer, quartier=area, role="planung", by=role_users["steuerung"])
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
    fragment = client.get(f"/gebiet/{area.slug}/verlauf/?seite=2", headers={"HX-Request": "true"})
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
