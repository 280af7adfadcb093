"""Lookups the ORM lacks, registered for every field and foreign key (``quartier.apps``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``field__any_of=values``: ``field = ANY(%s)``, with ``values`` (a list of them) as one array parameter,
    whatever their number, so the SQL is the same for every list and can be compiled once
    (``quartier.selectors.CompiledLists``); or with an expression that gives an array (``ArraySubquery``)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Iterable[Any], connection: Any) -> tuple[str, list[Any]]:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
