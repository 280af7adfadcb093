"""The stored key of secret ballots is gone; the database keeps closed ballots salt-free, open secret ballots
salted, and never a readable choice next to a voter's tag."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0003_seal_secret_votes_with_derived_keys'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='ballot',
            name='ballot_closed_keeps_no_secret_key',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='secret_key',
        ),
        migrations.AddConstraint(
            model_name='ballot',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'geschlossen'), _negated=True), ('secret_salt', ''), _connector='OR'), name='ballot_closed_keeps_no_salt'),
        ),
        migrations.AddConstraint(
            model_name='ballot',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('secret', True), ('status', 'offen'), _negated=True), models.Q(('secret_salt', ''), _negated=True), _connector='OR'), name='ballot_open_secret_has_salt'),
        ),
        migrations.AddConstraint(
            model_name='secretvote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('choice', ''), ('voter_tag__isnull', False), models.Q(('sealed', ''), _negated=True)), models.Q(('choice__in', ['ja', 'nein', 'enthaltung']), ('sealed', ''), ('voter_tag__isnull', True)), _connector='OR'), name='secretvote_sealed_while_tagged'),
        ),
    ]
