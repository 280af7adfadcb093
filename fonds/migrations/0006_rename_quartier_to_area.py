"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actors', '0010_rename_quartier_to_area'),
        ('committees', '0008_rename_quartier_to_area'),
        ('fonds', '0005_receipt_decisions'),
        ('quartier', '0009_rename_quartier_to_area'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='fund',
                    name='fund_unique_name_per_year',
                ),
                migrations.RemoveIndex(
                    model_name='application',
                    name='application_area_created',
                ),
            ],
        ),
        migrations.RenameField(
            model_name='application',
            old_name='quartier',
            new_name='area',
        ),
        migrations.RenameField(
            model_name='fund',
            old_name='quartier',
            new_name='area',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='application',
                    index=models.Index(fields=['area', '-created_at', '-id'], name='application_area_created'),
                ),
                migrations.AddConstraint(
                    model_name='fund',
                    constraint=models.UniqueConstraint(fields=('area', 'name', 'year'), name='fund_unique_name_per_year'),
                ),
            ],
        ),
    ]
