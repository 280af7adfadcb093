"""The role matrix and its storage as django-guardian object permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from guardian.models import UserObjectPermission

from quartier import permissions
from quartier.models import Quartier, Role, RoleAssignment, User
from quartier.permissions import AREA_PERMISSIONS, ROLE_PERMISSIONS, area_permissions, can
from quartier.services import role_grant, role_revoke, sync_all_role_permissions
from tests.factories import UserFactory


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_grants_exactly_its_permissions(area: Quartier, role: Role) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=role, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[role]
    for perm in AREA_PERMISSIONS:
        assert can(fresh(user), perm, area) is (perm in ROLE_PERMISSIONS[role])


def test_every_role_is_in_the_matrix_and_every_permission_is_on_the_area() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    declared = {codename for codename, _label in Quartier._meta.permissions}
    assert set(AREA_PERMISSIONS) <= declared


def test_permissions_of_one_area_do_not_reach_another(area: Quartier, other_area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.STEUERUNG, by=None)
    assert area_permissions(fresh(user), other_area) == frozenset()


def test_several_roles_add_up_and_revoking_one_keeps_the_other(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.PLANUNG, by=None)
    steering = role_grant(user=user, quartier=area, role=Role.STEUERUNG, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG] | ROLE_PERMISSIONS[Role.STEUERUNG]
    role_revoke(assignment=steering, by=None)
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG]


def test_granting_a_role_twice_is_refused_and_changes_nothing(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.PLANUNG, by=None)
    with pytest.raises(ValidationError):
        role_grant(user=user, quartier=area, role=Role.PLANUNG, by=None)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_unknown_role_is_refused(area: Quartier) -> None:
    with pytest.raises(ValidationError):
        role_grant(user=UserFactory(), quartier=area, role="kaiser", by=None)
    assert not RoleAssignment.objects.exists()


def test_inactive_user_has_no_permissions(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.STEUERUNG, by=None)
    user.is_active = False
    user.save()
    assert not can(fresh(user), permissions.VIEW_AREA, area)


def test_superuser_may_do_everything_everywhere(area: Quartier) -> None:
    root = UserFactory(is_superuser=True)
    assert area_permissions(root, area) == frozenset(AREA_PERMISSIONS)


def test_sync_repairs_stored_permissions_that_drifted_from_the_matrix(area: Quartier) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.PLANUNG, by=None)
    # Simulate a matrix change: a stale permission and a missing one.
    UserObjectPermission.objects.filter(user=user).delete()
    from guardian.shortcuts import assign_perm

    assign_perm("quartier.view_audit", user, area)
    sync_all_role_permissions()
    assert area_permissions(fresh(user), area) == ROLE_PERMISSIONS[Role.PLANUNG]


def test_unknown_permission_name_is_a_programming_error(area: Quartier) -> None:
    with pytest.raises(ValueError):
        can(UserFactory(), "fly", area)


def test_checking_many_permissions_on_one_area_costs_one_lookup(
    area: Quartier, django_assert_max_num_queries: object
) -> None:
    user = UserFactory()
    role_grant(user=user, quartier=area, role=Role.STEUERUNG, by=None)
    user = fresh(user)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        for perm in AREA_PERMISSIONS:
            can(user, perm, area)
