"""The open data's stamps of rows made before they existed (0009 gave them the time of that migration): when the
audit trail saw each row first and last, where it did. Rows it never saw keep the migration's time."""

from django.db import migrations

MODELS = ("membership", "meeting", "agendaitem", "ballot", "ballotitem")


def stamps_from_the_audit_trail(apps: object, schema_editor: object) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")  # type: ignore[attr-defined]
    connection = schema_editor.connection  # type: ignore[attr-defined]
    for model in MODELS:
        kind = content_type.objects.filter(app_label="committees", model=model).first()
        if kind is None:  # a new database: no rows, no trail
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE committees_{model} AS row
                   SET created_at = trail.first, modified_at = GREATEST(trail.last, trail.first)
                  FROM (SELECT object_id, MIN(timestamp) AS first, MAX(timestamp) AS last
                          FROM auditlog_logentry
                         WHERE content_type_id = %s AND object_id IS NOT NULL
                         GROUP BY object_id) AS trail
                 WHERE row.id = trail.object_id
                """,  # noqa: S608 (the table names are the constants above)
                [kind.pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0009_open_data_stamps_consent_and_tombstones"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(stamps_from_the_audit_trail, migrations.RunPython.noop)]
