"""Database helpers of the demo: what ``bulk_create`` and the services cannot write."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
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


def backdate_log(model: type[models.Model], stamps: dict[int, list[datetime.datetime]]) -> None:
    """Give the audit entries of ``model``'s objects (``stamps``: object pk → times, in the order the entries were
    written) those times: the services record their transitions in the audit trail at the real time."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in stamps]
        )
        .order_by("pk")
        .values_list("pk", "object_pk")
    )
    written: dict[int, int] = {}
    pks, times = [], []
    for pk, object_pk in entries:
        key = int(object_pk)
        index = written[key] = written.get(key, -1) + 1
        if index < len(stamps[key]):
            pks.append(pk)
            times.append(stamps[key][index])
    set_times(LogEntry, pks, timestamp=times)
