"""The office's email address and phone number, and the legal texts of the public pages (per installation and
per area)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quartier', '0009_rename_quartier_to_area'),
    ]

    operations = [
        migrations.AddField(
            model_name='quartier',
            name='office_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='office email address'),
        ),
        migrations.AddField(
            model_name='quartier',
            name='office_phone',
            field=models.CharField(blank=True, max_length=40, validators=[django.core.validators.RegexValidator('^[0-9+()/ .\\-]*$', code='invalid_phone', message='Please enter a phone number: digits, spaces and + ( ) / - only.')], verbose_name='office phone'),
        ),
        migrations.CreateModel(
            name='LegalText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('impressum', 'Imprint'), ('datenschutz', 'Privacy policy'), ('barrierefreiheit', 'Accessibility statement')], max_length=20, verbose_name='kind')),
                ('text', models.TextField(help_text='Plain text: an empty line starts a new paragraph. HTML is shown as it is typed, not applied.', max_length=30000, validators=[django.core.validators.MaxLengthValidator(30000)], verbose_name='text')),
                ('feedback_email', models.EmailField(blank=True, help_text='Where people report barriers (BITV 2.0 § 7). Required for the accessibility statement; shown below the text.', max_length=254, verbose_name='feedback address')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='changed')),
                ('area', models.ForeignKey(blank=True, help_text='Empty: the text of the whole installation, for every area without its own.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='legal_texts', to='quartier.quartier', verbose_name='area')),
            ],
            options={
                'verbose_name': 'legal text',
                'verbose_name_plural': 'legal texts',
                'ordering': ['area__name', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('area', 'kind'), name='legaltext_one_per_area_and_kind', nulls_distinct=False, violation_error_message='There is already such a text here: change that one.'), models.CheckConstraint(condition=models.Q(('kind__in', ['impressum', 'datenschutz', 'barrierefreiheit'])), name='legaltext_kind_valid'), models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='legaltext_text_not_empty', violation_error_message='Please write the text.'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'barrierefreiheit'), _negated=True), models.Q(('feedback_email', ''), _negated=True), _connector='OR'), name='legaltext_accessibility_has_feedback_address', violation_error_message='An accessibility statement needs an address where people can report barriers (BITV 2.0 § 7).')],
            },
        ),
    ]
