"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quartier', '0009_rename_quartier_to_area'),
        ('reporting', '0001_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='report',
                    name='report_version_unique',
                ),
                migrations.RemoveConstraint(
                    model_name='report',
                    name='report_one_build_in_flight',
                ),
            ],
        ),
        migrations.AlterModelOptions(
            name='report',
            options={'ordering': ['area', '-year', '-version'], 'verbose_name': 'report', 'verbose_name_plural': 'reports'},
        ),
        migrations.RenameField(
            model_name='report',
            old_name='quartier',
            new_name='area',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name='report',
                    constraint=models.UniqueConstraint(fields=('area', 'year', 'version'), name='report_version_unique'),
                ),
                migrations.AddConstraint(
                    model_name='report',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['wartend', 'laeuft'])), fields=('area', 'year', 'kind'), name='report_one_build_in_flight'),
                ),
            ],
        ),
    ]
