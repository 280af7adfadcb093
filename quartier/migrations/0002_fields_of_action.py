"""The five fields of action of "Sozialer Zusammenhalt" and climate as a cross-cutting focus."""

from django.db import migrations

FIELDS = [
    ("integration-nachbarschaft", "Integration und Nachbarschaft", 1, False),
    ("bildung", "Bildung", 2, False),
    ("oeffentlicher-raum", "Öffentlicher Raum", 3, False),
    ("gesundheit-bewegung", "Gesundheit und Bewegung", 4, False),
    ("beteiligung-vernetzung", "Beteiligung, Kooperation und Vernetzung mit Partnern", 5, False),
    ("klima", "Klimaschutz und Umweltgerechtigkeit", 6, True),
]


def create_fields(apps, schema_editor):
    FieldOfAction = apps.get_model("quartier", "FieldOfAction")
    for key, name, position, cross_cutting in FIELDS:
        FieldOfAction.objects.update_or_create(
            key=key, defaults={"name": name, "position": position, "cross_cutting": cross_cutting}
        )


def remove_fields(apps, schema_editor):
    apps.get_model("quartier", "FieldOfAction").objects.filter(key__in=[key for key, *_ in FIELDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("quartier", "0001_initial")]

    operations = [migrations.RunPython(create_fields, remove_fields)]
