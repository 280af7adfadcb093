"""The area foreign key is called ``area`` in code, as everywhere else. PostgreSQL keeps the indexes and
constraints of a renamed column, so they change in Django's state only: nothing is rebuilt."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quartier', '0008_drop_copied_permissions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='roleassignment',
                    name='roleassignment_unique',
                ),
            ],
        ),
        migrations.AlterModelOptions(
            name='roleassignment',
            options={'ordering': ['area__name', 'role', 'user__username'], 'verbose_name': 'role assignment', 'verbose_name_plural': 'role assignments'},
        ),
        migrations.RenameField(
            model_name='roleassignment',
            old_name='quartier',
            new_name='area',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name='roleassignment',
                    constraint=models.UniqueConstraint(fields=('user', 'area', 'role'), name='roleassignment_unique', violation_error_message='This user already holds this role in this area.'),
                ),
            ],
        ),
    ]
