"""Names in German order (DIN 5007-1): ä with a, ö with o, ü with u, ß as ss, case ignored, on every server; and
the same names as people type them without umlauts, for search (``GermanSearchFolds``).

Every list and picker that orders by a name does so through :func:`german`, never by the bare column: PostgreSQL
would order by the database's collation, which puts "Ärztehaus" after "Zeitung" under "C" (the embedded server
of ``make run`` / ``make test``) and differs from server to server. Not an ICU collation: that server is built
without ICU (see the migration ``quartier.0015_german_sort_key``, which creates the SQL function used here).

    Person.objects.order_by(*german("last_name", "first_name"), "pk")
    Organisation.objects.order_by(*german("name"), "pk")
    Fund.objects.order_by("-year", *german("name"))

An index that serves such an ordering is declared with :func:`german_key` (``actors.models`` has examples).
"""

from __future__ import annotations

from django.db.models import F, Func, OrderBy, TextField
from django.db.models.functions import Collate

#: The collation the keys are compared under: every PostgreSQL server has it, and it orders the same everywhere.
KEY_COLLATION = "C"


class GermanSortKey(Func):
    """``german_sort_key(text)``: the text as German lists sort it (lower case, umlauts and accents as their base
    letter, ß as ss)."""

    function = "german_sort_key"
    output_field = TextField()


def german_key(field: str) -> Collate:
    """The sort key of ``field`` (a column or a lookup such as ``person__last_name``) under ``KEY_COLLATION``, as
    ordered and as indexed."""
    return Collate(GermanSortKey(F(field)), KEY_COLLATION)


def german(*fields: str) -> list[OrderBy]:
    """The ordering by ``fields`` (``"-name"`` descending) in German order; empty names first."""
    return [
        german_key(field.removeprefix("-")).desc() if field.startswith("-") else german_key(field).asc()
        for field in fields
    ]


class GermanSearchFolds(Func):
    """``german_search_folds(text)``: the text lower case with its letters as their base letters, then again with
    the umlauts spelled out (ä as ae): what people type for "Kästner" ("kastner", "kaestner"). Stored among an
    actor's search words (``actors.models``) in the "simple" configuration."""

    function = "german_search_folds"
    output_field = TextField()
