"""The managed list of target groups."""

from django.db import migrations

GROUPS = [
    "Kinder",
    "Jugendliche",
    "Familien",
    "Senior*innen",
    "Menschen mit Migrationsgeschichte",
    "Menschen mit Behinderung",
    "Erwerbslose",
    "Alleinerziehende",
    "Nachbarschaft allgemein",
]


def create_groups(apps, schema_editor):
    TargetGroup = apps.get_model("actors", "TargetGroup")
    for position, name in enumerate(GROUPS, start=1):
        TargetGroup.objects.update_or_create(name=name, defaults={"position": position})


def remove_groups(apps, schema_editor):
    apps.get_model("actors", "TargetGroup").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("actors", "0001_actors_networks_concerns")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
