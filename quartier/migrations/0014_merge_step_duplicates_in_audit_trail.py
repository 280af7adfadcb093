"""Merge the audit entries that recorded a state transition twice.

Until now a step of a state machine (``quartier.transitions``) wrote two entries: auditlog's own of the save, a
plain change of the status (with the other fields the step set), and the step's entry by name. From now on the
step's entry is the only one and holds every field the step changed; this folds the earlier pairs the same way:
the plain entry's other fields go into the step's entry, and the plain entry is removed. A pair is the same
object, the same status change, the same actor, the plain entry written just before the step's (within ten
seconds, in the same transaction).
"""

from django.db import migrations

MERGE = """
WITH pairs AS (
    SELECT DISTINCT ON (plain.id) plain.id AS plain_id, step.id AS step_id
    FROM auditlog_logentry AS step
    JOIN auditlog_logentry AS plain
      ON plain.content_type_id = step.content_type_id
     AND plain.object_pk = step.object_pk
     AND plain.action = 1
     AND plain.id < step.id
     AND plain.timestamp BETWEEN step.timestamp - interval '10 seconds' AND step.timestamp
     AND plain.actor_id IS NOT DISTINCT FROM step.actor_id
     AND NOT COALESCE(plain.additional_data ? 'transition', false)
     AND plain.changes -> 'status' = step.changes -> 'status'
    WHERE step.action = 1 AND step.additional_data ? 'transition'
    ORDER BY plain.id, step.id
), merged AS (
    UPDATE auditlog_logentry AS step
       SET changes = (plain.changes - 'status') || step.changes
      FROM pairs
      JOIN auditlog_logentry AS plain ON plain.id = pairs.plain_id
     WHERE step.id = pairs.step_id
    RETURNING pairs.plain_id
)
DELETE FROM auditlog_logentry WHERE id IN (SELECT plain_id FROM merged)
"""


def merge_step_duplicates(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MERGE)


class Migration(migrations.Migration):
    dependencies = [
        ("quartier", "0013_release_reports_permission"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(merge_step_duplicates, migrations.RunPython.noop, elidable=True),
    ]
