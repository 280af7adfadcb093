"""Who may do what: the one place where permissions are decided.

``ROLE_PERMISSIONS`` is the role -> permission matrix (the README shows it as
a table). Permissions are capabilities on one area, declared on
``Quartier.Meta.permissions``. They are derived at the moment of the request
from the ``RoleAssignment`` rows of the user through this matrix (one query,
remembered on the user object, i.e. for one request): nothing is copied, so a
role granted, revoked or changed in any way (the services, the admin, a
queryset update, raw SQL, a restore) counts at the next request.

Committee members (jurors, Quartiersrat) see and vote in their committee while
one of their memberships with their account runs (its term, from its start to
its end, by the local date of the request, Europe/Berlin); they hold no area
role and see nothing else of the office. This too is read from the
``Membership`` rows at request time, so a term opens and closes by the clock.
django-guardian stays installed for grants that are truly per object; none of
the above is stored there.

Every view asks through :func:`can` / :func:`is_committee_member`, or the
``area_view`` / ``member_view`` decorators in ``quartier.decorators``; nothing
else decides access.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from quartier.models import Quartier, Role, User
from quartier.selectors import access_of_cached, memberships_of_cached

VIEW_AREA = "view_area"
CHANGE_AREA = "change_area"
VIEW_TEAM = "view_team"
VIEW_AUDIT = "view_audit"
VIEW_ACTORS = "view_actors"
CHANGE_ACTORS = "change_actors"
VIEW_PERSONS = "view_persons"
VIEW_CONTACTS = "view_contacts"
CHANGE_CONTACTS = "change_contacts"
VIEW_CONCERNS = "view_concerns"
CHANGE_CONCERNS = "change_concerns"
VIEW_COMMITTEES = "view_committees"
CHANGE_COMMITTEES = "change_committees"
VIEW_FUNDS = "view_funds"
CHANGE_FUNDS = "change_funds"
MANAGE_FUND_MONEY = "manage_fund_money"
VIEW_ISEK = "view_isek"
CHANGE_ISEK = "change_isek"
EDIT_MEASURES = "edit_measures"
ADD_PROGRESS_NOTES = "add_progress_notes"
VIEW_REPORTS = "view_reports"
BUILD_DRAFT_REPORTS = "build_draft_reports"
RELEASE_REPORTS = "release_reports"
VIEW_EVENTS = "view_events"
CHANGE_EVENTS = "change_events"

#: Every area permission the matrix manages, in the order of the README table.
AREA_PERMISSIONS: tuple[str, ...] = (
    VIEW_AREA,
    CHANGE_AREA,
    VIEW_TEAM,
    VIEW_AUDIT,
    VIEW_ACTORS,
    CHANGE_ACTORS,
    VIEW_PERSONS,
    VIEW_CONTACTS,
    CHANGE_CONTACTS,
    VIEW_CONCERNS,
    CHANGE_CONCERNS,
    VIEW_COMMITTEES,
    CHANGE_COMMITTEES,
    VIEW_FUNDS,
    CHANGE_FUNDS,
    MANAGE_FUND_MONEY,
    VIEW_ISEK,
    CHANGE_ISEK,
    EDIT_MEASURES,
    ADD_PROGRESS_NOTES,
    VIEW_REPORTS,
    BUILD_DRAFT_REPORTS,
    RELEASE_REPORTS,
    VIEW_EVENTS,
    CHANGE_EVENTS,
)

#: Planung and Steuerung write the whole ISEK: versions, goals, measures, finances and indicators.
_ISEK_WRITERS = {VIEW_ISEK, CHANGE_ISEK, EDIT_MEASURES, ADD_PROGRESS_NOTES}
#: Every role builds versions of the annual report and reads every version, the final one too; only Steuerung
#: releases the final report of an ended year (``reporting.services.report_release``).
_REPORT_DRAFTS = {VIEW_REPORTS, BUILD_DRAFT_REPORTS}
_STAFF_ACTORS = {VIEW_ACTORS, CHANGE_ACTORS, VIEW_PERSONS, VIEW_CONTACTS, VIEW_CONCERNS}
#: The office (Gemeinwesenarbeit) runs the events and Steuerung answers for them; Planung and Koordination read them
#: (the people reached are what funders ask about).
_EVENT_WRITERS = {VIEW_EVENTS, CHANGE_EVENTS}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STEUERUNG: frozenset(
        {
            VIEW_AREA,
            CHANGE_AREA,
            VIEW_TEAM,
            VIEW_AUDIT,
            *_STAFF_ACTORS,
            VIEW_COMMITTEES,
            CHANGE_COMMITTEES,
            VIEW_FUNDS,
            CHANGE_FUNDS,
            MANAGE_FUND_MONEY,
            *_ISEK_WRITERS,
            *_REPORT_DRAFTS,
            RELEASE_REPORTS,
            *_EVENT_WRITERS,
        }
    ),
    Role.PLANUNG: frozenset(
        {
            VIEW_AREA,
            VIEW_TEAM,
            *_STAFF_ACTORS,
            VIEW_COMMITTEES,
            VIEW_FUNDS,
            *_ISEK_WRITERS,
            *_REPORT_DRAFTS,
            VIEW_EVENTS,
        }
    ),
    Role.GEMEINWESENARBEIT: frozenset(
        {
            VIEW_AREA,
            CHANGE_AREA,
            VIEW_TEAM,
            *_STAFF_ACTORS,
            CHANGE_CONTACTS,
            CHANGE_CONCERNS,
            VIEW_COMMITTEES,
            CHANGE_COMMITTEES,
            VIEW_FUNDS,
            CHANGE_FUNDS,
            # The office edits the non-investive measures it is responsible for (see can_edit_measure) and
            # notes the progress of any measure.
            VIEW_ISEK,
            EDIT_MEASURES,
            ADD_PROGRESS_NOTES,
            *_REPORT_DRAFTS,
            *_EVENT_WRITERS,
        }
    ),
    # The coordinator reads organisations, networks, concerns and the committees' decisions, but no
    # person's data and no note text.
    Role.KOORDINATION: frozenset(
        {
            VIEW_AREA,
            VIEW_TEAM,
            VIEW_ACTORS,
            VIEW_CONCERNS,
            VIEW_COMMITTEES,
            VIEW_FUNDS,
            VIEW_ISEK,
            *_REPORT_DRAFTS,
            VIEW_EVENTS,
        }
    ),
}


def permissions_for_roles(roles: Iterable[str]) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


def can_edit_measure(perms: frozenset[str], *, kind: str, responsible_role: str) -> bool:
    """Whether a holder of ``perms`` may write a measure of ``kind`` that ``responsible_role`` is responsible
    for: with ``change_isek`` any measure, with ``edit_measures`` alone the non-investive measures the office
    (Gemeinwesenarbeit) is responsible for. Asked for the measure as stored and for the measure as it would
    be saved, so nobody moves a measure out of their reach or into it."""
    if CHANGE_ISEK in perms:
        return True
    return EDIT_MEASURES in perms and kind == "nicht_investiv" and responsible_role == Role.GEMEINWESENARBEIT


def can_see_report(perms: frozenset[str], *, kind: str) -> bool:
    """The final report is for everyone who sees the reports; the versions before it for everyone who builds
    them."""
    return (VIEW_REPORTS if kind == "final" else BUILD_DRAFT_REPORTS) in perms


def _role_permissions(user: User) -> dict[int, frozenset[str]]:
    """The user's permissions per area id, from their roles. Read with the areas the user works in
    (``memberships_of_cached``: one query per user object, that is, per request, shared with the area switcher)."""
    cached = getattr(user, "_quartier_area_perms", None)
    if cached is None:
        cached = {
            membership.area.pk: permissions_for_roles(membership.roles)
            for membership in memberships_of_cached(user)
            if membership.roles
        }
        user._quartier_area_perms = cached  # type: ignore[union-attr]
    return cached


def forget_cached_permissions(user: User) -> None:
    """Forget what was read about the user's roles and memberships (after a service changed them)."""
    for cached in ("_quartier_area_perms", "_quartier_access"):
        if hasattr(user, cached):
            delattr(user, cached)


def area_permissions(user: User | AnonymousUser, area: Quartier) -> frozenset[str]:
    """The permissions ``user`` holds on ``area`` (all of them for an active superuser)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(AREA_PERMISSIONS)
    return _role_permissions(user).get(area.pk, frozenset())  # type: ignore[arg-type]


def can(user: User | AnonymousUser, perm: str, area: Quartier) -> bool:
    """May ``user`` use ``perm`` (a name from ``AREA_PERMISSIONS``) in ``area``?"""
    if perm not in AREA_PERMISSIONS:
        raise ValueError(f"Unknown area permission {perm!r}")
    return perm in area_permissions(user, area)


def users_with(perm: str, area: Quartier | int) -> QuerySet[User]:
    """The active users who hold ``perm`` in ``area`` (or the area of that id) through a role there (by the
    matrix): for instance who may be given a contact note's follow-up (``view_contacts``). Administrators without
    a role there are not included: they are not the office's staff."""
    if perm not in AREA_PERMISSIONS:
        raise ValueError(f"Unknown area permission {perm!r}")
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    return User.objects.filter(is_active=True, role_assignments__area=area, role_assignments__role__in=roles).distinct()


def areas_where(user: User | AnonymousUser, perm: str) -> list[Quartier]:
    """The areas where ``user`` may use ``perm`` (every area for an active superuser), by name. One query per
    user object, shared with :func:`area_permissions`."""
    if perm not in AREA_PERMISSIONS:
        raise ValueError(f"Unknown area permission {perm!r}")
    if not user.is_authenticated or not user.is_active:
        return []
    memberships = memberships_of_cached(user)  # type: ignore[arg-type]
    if user.is_superuser:
        return [membership.area for membership in memberships]
    return [membership.area for membership in memberships if perm in permissions_for_roles(membership.roles)]


#: What the member views require (``required_committee_permission``, read by the URL walker): a running
#: membership of the committee with the user's account.
VOTE = "vote"


def committee_member_ids(user: User | AnonymousUser) -> list[int]:
    """The committees in which ``user`` holds a membership that runs today (Europe/Berlin); read with the
    user's areas in one query per user object (``access_of_cached``). Derived from the ``Membership`` rows at
    every request: a term starts and ends by the clock."""
    if not user.is_authenticated or not user.is_active:
        return []
    return access_of_cached(user).committee_ids  # type: ignore[arg-type]


def is_committee_member(user: User | AnonymousUser, committee_id: int) -> bool:
    return committee_id in committee_member_ids(user)
