"""Section 2, the area and the team: the office (the area's own fields) and the staff by role, as it is now."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier.models import Quartier, Role
from quartier.selectors import team_of
from reporting.figures.common import Table


@dataclass(frozen=True, slots=True)
class TeamRole:
    role: str
    label: str | Promise
    members: tuple[str, ...]  # display names


@dataclass(frozen=True, slots=True)
class AreaSection:
    area: Quartier  # office address, opening hours, programme, funding period
    team: tuple[TeamRole, ...]  # a role with members each, in the order of ``Role``
    staff: int  # how many people hold a role

    def tables(self) -> dict[str, Table]:
        return {
            "team": Table(
                _("Team"),
                (_("Role"), _("Name")),
                tuple((role.label, name) for role in self.team for name in role.members),
            )
        }


def area_section(area: Quartier, year: int) -> AreaSection:
    """The office and its team (``year`` does not matter: the team as it is when the report is made). One query."""
    team = team_of(area)
    labels = dict(Role.choices)
    return AreaSection(
        area=area,
        team=tuple(
            TeamRole(role, labels[role], tuple(user.get_display_name() for user in members))
            for role, members in team.items()
            if members
        ),
        staff=len({user.pk for members in team.values() for user in members}),
    )
