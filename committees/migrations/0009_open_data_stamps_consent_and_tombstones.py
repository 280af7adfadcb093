"""The open data (OParl): when memberships, meetings, their items and ballots were made and last changed
(committees have it already); a member's consent to be named publicly; the tombstones of objects that are gone.

Rows that exist already get the time of this migration as both stamps: when they were made is not known to the
database (the audit trail knows some of it, not all)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def _stamps(model: str) -> list[migrations.AddField]:
    fields = [
        migrations.AddField(
            model_name=model,
            name="modified_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name="modified"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model,
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name="created"),
            preserve_default=False,
        ),
    ]
    return fields


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0008_rename_quartier_to_area"),
        ("quartier", "0016_german_search_folds"),
    ]

    operations = [
        *_stamps("membership"),
        *_stamps("meeting"),
        *_stamps("agendaitem"),
        *_stamps("ballot"),
        *_stamps("ballotitem"),
        migrations.AddField(
            model_name="membership",
            name="named_publicly",
            field=models.BooleanField(
                default=False,
                help_text="The member agreed to be named in the committee's open data (OParl) with this membership.",
                verbose_name="named publicly",
            ),
        ),
        migrations.CreateModel(
            name="Tombstone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("organization", "Committee"),
                            ("person", "Person"),
                            ("membership", "Membership"),
                            ("meeting", "Meeting"),
                            ("agendaItem", "Agenda item"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("key", models.PositiveBigIntegerField(verbose_name="key")),
                ("created_at", models.DateTimeField(verbose_name="created")),
                (
                    "deleted_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="deleted"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="quartier.quartier",
                        verbose_name="area",
                    ),
                ),
            ],
            options={
                "verbose_name": "deleted object of the open data",
                "verbose_name_plural": "deleted objects of the open data",
                "ordering": ["deleted_at", "pk"],
                "constraints": [models.UniqueConstraint(fields=("kind", "key"), name="tombstone_kind_key_unique")],
            },
        ),
    ]
