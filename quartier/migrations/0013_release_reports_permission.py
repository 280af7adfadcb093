from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quartier', '0012_mail_choices_and_digest'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='quartier',
            options={'default_permissions': ('add', 'change', 'delete', 'view'), 'ordering': ['name'], 'permissions': [('view_area', 'See the area and its dashboard'), ('change_area', "Edit the area's profile and office details"), ('view_team', 'See who works in the area'), ('view_audit', 'See the history of changes'), ('view_actors', 'See organisations and networks'), ('change_actors', 'Edit organisations, persons and networks'), ('view_persons', 'See persons and their contact data'), ('view_contacts', 'Read contact notes'), ('change_contacts', 'Write contact notes'), ('view_concerns', "See residents' concerns"), ('change_concerns', "Record and move residents' concerns"), ('view_committees', 'See the committees, their members, meetings and decisions'), ('change_committees', 'Manage committees, meetings and ballots'), ('view_funds', 'See the funds and their applications'), ('change_funds', 'Handle applications: eligibility, agenda, decisions, proof of use'), ('manage_fund_money', 'Set fund budgets and release payments'), ('view_isek', 'See the ISEK: goals, measures, finances and indicators'), ('change_isek', 'Write the ISEK: versions, goals, measures, finances and indicators'), ('edit_measures', "Edit measures (without change_isek only the office's non-investive ones)"), ('add_progress_notes', 'Note the progress of any measure'), ('view_reports', "See the area's reports"), ('build_draft_reports', 'Build and download drafts of the annual report'), ('release_reports', 'Release the final annual report of an ended year')], 'verbose_name': 'area', 'verbose_name_plural': 'areas'},
        ),
    ]
