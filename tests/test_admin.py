"""Administrators manage areas, users and roles in the Django admin; role grants go through the service."""

from __future__ import annotations

from django.test import Client

from demo.factories import UserFactory
from quartier.models import Quartier, RoleAssignment, User
from quartier.permissions import ROLE_PERMISSIONS, area_permissions


def user_change_data(user: User, roles: list[dict[str, str]], existing: list[RoleAssignment] = ()) -> dict[str, str]:
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "role_assignments-TOTAL_FORMS": str(len(existing) + len(roles)),
        "role_assignments-INITIAL_FORMS": str(len(existing)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for index, assignment in enumerate(existing):
        data[f"role_assignments-{index}-id"] = str(assignment.pk)
        data[f"role_assignments-{index}-user"] = str(user.pk)
        data[f"role_assignments-{index}-DELETE"] = "on"
    for offset, role in enumerate(roles, start=len(existing)):
        data[f"role_assignments-{offset}-area"] = role["area"]
        data[f"role_assignments-{offset}-role"] = role["role"]
        data[f"role_assignments-{offset}-user"] = str(user.pk)
    return data


def test_admin_grants_a_role_and_the_permissions_follow(client: Client, area: Quartier, superuser: User) -> None:
    user = UserFactory()
    client.force_login(superuser)
    response = client.post(
        f"/admin/quartier/user/{user.pk}/change/",
        user_change_data(user, [{"area": str(area.pk), "role": "gwa"}]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == ["gwa"]
    assert area_permissions(User.objects.get(pk=user.pk), area) == ROLE_PERMISSIONS["gwa"]


def test_admin_revokes_a_role_and_the_permissions_go(
    client: Client, area: Quartier, superuser: User, role_users: dict[str, User]
) -> None:
    user = role_users["steuerung"]
    client.force_login(superuser)
    existing = list(RoleAssignment.objects.filter(user=user))
    response = client.post(f"/admin/quartier/user/{user.pk}/change/", user_change_data(user, [], existing))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert area_permissions(User.objects.get(pk=user.pk), area) == frozenset()
