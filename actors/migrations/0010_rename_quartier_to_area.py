"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actors', '0009_contactnote_area_staff_index'),
        ('quartier', '0009_rename_quartier_to_area'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name='concern',
                    name='concern_area_status',
                ),
                migrations.RemoveIndex(
                    model_name='contactnote',
                    name='contactnote_area_date',
                ),
                migrations.RemoveIndex(
                    model_name='contactnote',
                    name='contactnote_area_staff',
                ),
                migrations.RemoveIndex(
                    model_name='organisation',
                    name='organisation_area_name',
                ),
            ],
        ),
        migrations.RenameField(
            model_name='concern',
            old_name='quartier',
            new_name='area',
        ),
        migrations.RenameField(
            model_name='contactnote',
            old_name='quartier',
            new_name='area',
        ),
        migrations.RenameField(
            model_name='network',
            old_name='quartier',
            new_name='area',
        ),
        migrations.RenameField(
            model_name='organisation',
            old_name='quartier',
            new_name='area',
        ),
        migrations.RenameField(
            model_name='person',
            old_name='quartier',
            new_name='area',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='concern',
                    index=models.Index(fields=['area', 'status'], name='concern_area_status'),
                ),
                migrations.AddIndex(
                    model_name='contactnote',
                    index=models.Index(fields=['area', '-date'], name='contactnote_area_date'),
                ),
                migrations.AddIndex(
                    model_name='contactnote',
                    index=models.Index(fields=['area', 'staff'], name='contactnote_area_staff'),
                ),
                migrations.AddIndex(
                    model_name='organisation',
                    index=models.Index(fields=['area', 'name'], name='organisation_area_name'),
                ),
            ],
        ),
    ]
