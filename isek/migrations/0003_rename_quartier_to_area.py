"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('isek', '0002_measure_decisions'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='version',
            options={'ordering': ['area', '-created_at'], 'verbose_name': 'ISEK version', 'verbose_name_plural': 'ISEK versions'},
        ),
        migrations.RenameField(
            model_name='version',
            old_name='quartier',
            new_name='area',
        ),
    ]
