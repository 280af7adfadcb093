"""Secret ballots no longer store the key that finds a vote (issue #15, finding 5).

Adds the ballot's salt and the sealed choice, then converts the ballots that are open at deploy time: each vote
is found through the old key (the participations name every member who voted), tagged and sealed anew with keys
derived from ``SECRET_KEY`` and a fresh salt, and the old key is wiped. The next migration drops its column.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import migrations, models

from committees.secrecy import derive, keys_of, new_salt, unseal_any


def _old_tag(key: bytes, membership_id: int, item_id: int) -> str:
    return hmac.new(key, f"{membership_id}:{item_id}".encode(), hashlib.sha256).hexdigest()


def seal_open_secret_ballots(apps, schema_editor):
    Ballot = apps.get_model("committees", "Ballot")
    BallotItem = apps.get_model("committees", "BallotItem")
    Participation = apps.get_model("committees", "Participation")
    SecretVote = apps.get_model("committees", "SecretVote")
    for ballot in Ballot.objects.filter(status="offen", secret=True).select_for_update():
        old_key = bytes.fromhex(ballot.secret_key) if ballot.secret_key else None
        ballot.secret_salt = new_salt()
        keys = derive(settings.SECRET_KEY, salt=ballot.secret_salt, ballot_id=ballot.pk)
        for item in BallotItem.objects.filter(ballot=ballot):
            voters = Participation.objects.filter(item=item).values_list("membership_id", flat=True)
            by_old_tag = {_old_tag(old_key, member, item.pk): member for member in voters} if old_key else {}
            rows = list(SecretVote.objects.filter(item=item))
            for row in rows:
                member = by_old_tag.get(row.voter_tag)
                # A vote no member's old tag finds stays counted, but nobody finds it again.
                tag = keys.tag(member, item.pk) if member is not None else secrets.token_hex(32)
                row.voter_tag, row.sealed, row.choice = tag, keys.seal(row.choice, item_id=item.pk, tag=tag), ""
            SecretVote.objects.bulk_update(rows, ["voter_tag", "sealed", "choice"])
        ballot.secret_key = ""
        ballot.save(update_fields=["secret_salt", "secret_key"])


def unseal_open_secret_ballots(apps, schema_editor):
    """Back to a stored key with plain choices (for a rollback of the deploy)."""
    Ballot = apps.get_model("committees", "Ballot")
    BallotItem = apps.get_model("committees", "BallotItem")
    Participation = apps.get_model("committees", "Participation")
    SecretVote = apps.get_model("committees", "SecretVote")
    for ballot in Ballot.objects.filter(status="offen", secret=True).exclude(secret_salt="").select_for_update():
        keys = keys_of(ballot.pk, ballot.secret_salt)
        ballot.secret_key = secrets.token_hex(32)
        old_key = bytes.fromhex(ballot.secret_key)
        for item in BallotItem.objects.filter(ballot=ballot):
            voters = Participation.objects.filter(item=item).values_list("membership_id", flat=True)
            by_tag = {key.tag(member, item.pk): member for key in keys for member in voters}
            rows = list(SecretVote.objects.filter(item=item).exclude(sealed=""))
            for row in rows:
                row.choice = unseal_any(keys, row.sealed, item_id=item.pk, tag=row.voter_tag)
                member = by_tag.get(row.voter_tag)
                row.voter_tag = _old_tag(old_key, member, item.pk) if member is not None else secrets.token_hex(32)
                row.sealed = ""
            SecretVote.objects.bulk_update(rows, ["voter_tag", "sealed", "choice"])
        ballot.secret_salt = ""
        ballot.save(update_fields=["secret_salt", "secret_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0002_meeting_invitations_minutes_approval_reminders'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballot',
            name='secret_salt',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='secretvote',
            name='sealed',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name='secretvote',
            name='choice',
            field=models.CharField(blank=True, choices=[('ja', 'Yes'), ('nein', 'No'), ('enthaltung', 'Abstain')], max_length=12, verbose_name='vote'),
        ),
        migrations.RunPython(seal_open_secret_ballots, unseal_open_secret_ballots, elidable=False),
    ]
