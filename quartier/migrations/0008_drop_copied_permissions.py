"""Area permissions and committee members' access are derived at request time (``quartier.permissions``); the
copies that were kept as django-guardian object permissions are deleted. Other object permissions stay."""

from django.db import migrations

#: The area permissions of the role matrix at the time of this migration (``quartier.permissions``).
AREA_PERMISSIONS = (
    "view_area", "change_area", "view_team", "view_audit", "view_actors", "change_actors", "view_persons",
    "view_contacts", "change_contacts", "view_concerns", "change_concerns", "view_committees", "change_committees",
    "view_funds", "change_funds", "manage_fund_money", "view_isek", "change_isek", "edit_measures",
    "add_progress_notes", "view_reports", "build_draft_reports", "request_final_reports",
)  # fmt: skip


def drop_copies(apps, schema_editor):
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    copies = (
        ("quartier", "quartier", AREA_PERMISSIONS),
        ("committees", "committee", ("vote",)),
    )
    for app_label, model, codenames in copies:
        UserObjectPermission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            permission__content_type__app_label=app_label,
            permission__codename__in=codenames,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quartier", "0007_report_permissions"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(drop_copies, migrations.RunPython.noop, elidable=True)]
