"""Rows made before the open data's stamps get theirs from the audit trail, where it saw them."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from committees.models import Committee, Meeting

BEFORE = ("committees", "0009_open_data_stamps_consent_and_tombstones")


@pytest.mark.django_db(transaction=True)
def test_the_stamps_of_older_rows_come_from_the_audit_trail(jury: Committee) -> None:
    seen = Meeting.objects.create(committee=jury, starts_at=timezone.now())
    unseen = Meeting.objects.create(committee=jury, starts_at=timezone.now())
    made = timezone.now() - datetime.timedelta(days=400)
    changed = made + datetime.timedelta(days=30)
    kind = ContentType.objects.get_for_model(Meeting)
    LogEntry.objects.filter(content_type=kind).delete()
    for action, at in ((LogEntry.Action.CREATE, made), (LogEntry.Action.UPDATE, changed)):
        LogEntry.objects.create(
            content_type=kind, object_pk=str(seen.pk), object_id=seen.pk, object_repr="Sitzung", action=action,
            changes="{}", timestamp=at,
        )  # fmt: skip
    before = Meeting.objects.get(pk=unseen.pk).created_at
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    MigrationExecutor(connection).migrate(latest)
    seen.refresh_from_db()
    assert (seen.created_at, seen.modified_at) == (made, changed)
    assert Meeting.objects.get(pk=unseen.pk).created_at == before  # never seen by the trail: as it was
