"""The README's roles table is the permission matrix, not a copy that drifts from it."""

from __future__ import annotations

import re
from pathlib import Path

from quartier.models import Role
from quartier.permissions import AREA_PERMISSIONS, ROLE_PERMISSIONS

README = Path(__file__).resolve().parent.parent / "README.md"
COLUMNS = [Role.STEUERUNG, Role.PLANUNG, Role.GEMEINWESENARBEIT, Role.KOORDINATION]


def test_readme_roles_table_matches_the_matrix() -> None:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `(\w+)`: [^|]+\|(.*)\|$", line)
        if match:
            cells = [cell.strip() for cell in match.group(2).split("|")]
            rows[match.group(1)] = {role for role, cell in zip(COLUMNS, cells, strict=True) if cell == "✓"}
    assert set(rows) == set(AREA_PERMISSIONS)
    for perm, roles in rows.items():
        assert roles == {role for role in COLUMNS if perm in ROLE_PERMISSIONS[role]}, perm


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text[text.index("```") : text.index("```", text.index("```") + 3)]
    assert "make run" in first_block and "make test" in first_block
