"""Database helpers of the demo: what ``bulk_create`` and the services cannot write."""

from __future__ import annotations

import datetime

from django.db import connection, models

BATCH = 2000  # rows per INSERT of ``bulk_create``


def set_times(model: type[models.Model], pks: list[int], **columns: list[datetime.datetime]) -> None:
    """Backdate timestamp columns in one statement: bulk_create stamps ``auto_now(_add)`` fields with "now"."""
    if not pks:
        return
    quote = connection.ops.quote_name
    names = list(columns)
    assignments = ", ".join(f"{quote(name)} = v.{quote(name)}" for name in names)
    arrays = ", ".join(["%s::bigint[]"] + ["%s::timestamptz[]"] * len(names))
    aliases = ", ".join(["id", *(quote(name) for name in names)])
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608  # names come from the models  # nosec B608
        f"FROM unnest({arrays}) AS v({aliases}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pks, *columns.values()])
