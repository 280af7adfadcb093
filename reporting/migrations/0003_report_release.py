import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def finals_were_never_released(apps, schema_editor):
    """Until now "final" was a kind of build anyone of Steuerung or Koordination could request, any day; it now
    means "released by Steuerung after the year ended". No version so far was released: each is a draft."""
    Report = apps.get_model("reporting", "Report")
    Report.objects.filter(kind="final").update(kind="entwurf")


class Migration(migrations.Migration):

    dependencies = [
        ('quartier', '0013_release_reports_permission'),
        ('reporting', '0002_rename_quartier_to_area'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(finals_were_never_released, migrations.RunPython.noop),
        migrations.AddField(
            model_name='report',
            name='released_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='released'),
        ),
        migrations.AddField(
            model_name='report',
            name='released_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='released by'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'final')), fields=('area', 'year'), name='report_one_final_per_year'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'final'), _negated=True), models.Q(('status', 'fertig'), ('released_at__isnull', False)), _connector='OR'), name='report_final_is_released'),
        ),
    ]
