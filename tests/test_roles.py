"""The role matrix: area permissions follow the roles held at the moment of the request."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from guardian.models import UserObjectPermission

from demo.factories import UserFactory
from quartier import permissions
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.permissions import AREA_PERMISSIONS, ROLE_PERMISSIONS, area_permissions, can
from quartier.services import role_grant, role_revoke


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_grants_exactly_its_permissions(area: Quartier, role: Role) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=role, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[role]
    for perm in AREA_PERMISSIONS:
        assert can(fresh(user), perm, area) is (perm in ROLE_PERMISSIONS[role])


def test_every_role_is_in_the_matrix_and_every_permission_is_on_the_area() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    declared = {codename for codename, _label in Quartier._meta.permissions}
    assert set(AREA_PERMISSIONS) <= declared


def test_permissions_of_one_area_do_not_reach_another(area: Quartier, other_area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.STEUERUNG, by=None)
    assert area_permissions(fresh(user), other_area) == frozenset()


def test_several_roles_add_up_and_revoking_one_keeps_the_other(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    steering = role_grant(user=user, area=area, role=Role.STEUERUNG, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG] | ROLE_PERMISSIONS[Role.STEUERUNG]
    role_revoke(assignment=steering, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG]


def test_granting_a_role_twice_is_refused_and_changes_nothing(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    with pytest.raises(ValidationError):
        role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_unknown_role_is_refused(area: Quartier) -> None:
    with pytest.raises(ValidationError):
        role_grant(user=UserFactory(), area=area, role="kaiser", by=None)
    assert not RoleAssignment.objects.exists()


def test_inactive_user_has_no_permissions(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.STEUERUNG, by=None)
    user.is_active = False
    user.save()
    assert not can(fresh(user), permissions.VIEW_AREA, area)


def test_superuser_may_do_everything_everywhere(area: Quartier) -> None:
    root = UserFactory(is_superuser=True)
    assert area_permissions(root, area) == frozenset(AREA_PERMISSIONS)


def test_object_permissions_stored_on_an_area_grant_nothing(area: Quartier) -> None:
    """Roles are the one source of area permissions: an object permission on the area (a copy left over from
    the time roles were copied into django-guardian) neither adds nor keeps anything."""
    from guardian.shortcuts import assign_perm

    user = UserFactory()
    role_grant(user=user, area=area, role=Role.PLANUNG, by=None)
    assign_perm("quartier.view_audit", user, area)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG]
    stranger = UserFactory()
    assign_perm("quartier.view_area", stranger, area)
    assert area_permissions(fresh(stranger), area) == frozenset()
    assert permissions.areas_where(fresh(stranger), permissions.VIEW_AREA) == []


def test_a_role_deleted_without_the_service_is_gone_at_the_next_request(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    user = role_users["gwa"]
    client.force_login(user)
    assert client.get(f"/gebiet/{area.slug}/").status_code == 200
    RoleAssignment.objects.filter(user=user).delete()  # a queryset delete: no service, no signal per row
    assert client.get(f"/gebiet/{area.slug}/").status_code == 404
    assert client.get(reverse("person_list", args=[area.slug])).status_code == 404
    assert permissions.areas_where(fresh(user), permissions.VIEW_AREA) == []


def test_a_role_added_or_changed_without_the_service_counts_at_the_next_request(client: Client, area: Quartier) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(f"/gebiet/{area.slug}/").status_code == 404
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, area=area, role=Role.GEMEINWESENARBEIT)])
    assert client.get(f"/gebiet/{area.slug}/").status_code == 200
    assert client.get(reverse("person_list", args=[area.slug])).status_code == 200
    assert permissions.areas_where(fresh(user), permissions.VIEW_AREA) == [area]
    RoleAssignment.objects.filter(user=user).update(role=Role.KOORDINATION)  # Koordination sees no persons
    assert client.get(f"/gebiet/{area.slug}/").status_code == 200
    assert client.get(reverse("person_list", args=[area.slug])).status_code == 403


def test_the_stored_copies_of_roles_and_memberships_are_removed_by_the_migration(area: Quartier, jury: object) -> None:
    """The data migration deletes every object permission that was a copy (area permissions, committee votes)
    and keeps any other object permission."""
    from importlib import import_module

    from django.apps import apps
    from guardian.shortcuts import assign_perm

    user = UserFactory()
    assign_perm("quartier.view_area", user, area)
    assign_perm("quartier.build_draft_reports", user, area)
    assign_perm("committees.vote", user, jury)
    assign_perm("quartier.change_quartier", user, area)  # not a copy: a grant of its own
    import_module("quartier.migrations.0008_drop_copied_permissions").drop_copies(apps, None)
    left = UserObjectPermission.objects.filter(user=user).values_list("permission__codename", flat=True)
    assert list(left) == ["change_quartier"]


def test_unknown_permission_name_is_a_programming_error(area: Quartier) -> None:
    with pytest.raises(ValueError):
        can(UserFactory(), "fly", area)


def test_checking_many_permissions_on_one_area_costs_one_lookup(
    area: Quartier, other_area: Quartier, django_assert_num_queries: object
) -> None:
    user = UserFactory()
    role_grant(user=user, area=area, role=Role.STEUERUNG, by=None)
    role_grant(user=user, area=other_area, role=Role.PLANUNG, by=None)
    user = fresh(user)
    with django_assert_num_queries(1):  # type: ignore[operator]
        can(user, permissions.VIEW_AREA, other_area)
        permissions.areas_where(user, permissions.VIEW_AUDIT)
        for perm in AREA_PERMISSIONS:
            can(user, perm, area)
