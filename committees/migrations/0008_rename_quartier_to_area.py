"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0007_decision_basis_and_meeting_conflicts'),
    ]

    operations = [
        migrations.RenameField(
            model_name='committee',
            old_name='quartier',
            new_name='area',
        ),
    ]
