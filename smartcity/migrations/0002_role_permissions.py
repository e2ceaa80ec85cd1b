from django.contrib.auth.management import create_permissions
from django.db import migrations

MOU_STAFF = [
    "mou.view_mou",
    "mou.add_mou",
    "mou.change_mou",
    "mou.end_mou",
    "mou.import_mou",
    "mou.view_mou_document",
    "mou.view_cohort",
    "mou.view_signingevent",
    "mou.view_goal",
]
GRANTS = {
    "Ministry admin": MOU_STAFF
    + [
        "mou.add_cohort",
        "mou.change_cohort",
        "mou.add_signingevent",
        "mou.change_signingevent",
        "mou.add_goal",
        "mou.change_goal",
        "regencies.view_province",
        "regencies.view_regency",
        "regencies.view_regencymembership",
        "regencies.add_regencymembership",
        "regencies.change_regencymembership",
        "regencies.delete_regencymembership",
        # Viewing accounts only: whoever may change a user in the admin site may also make them a superuser.
        "auth.view_user",
        "auth.view_group",
    ],
    "Ministry reviewer": MOU_STAFF,
}


def grant_permissions(apps, grants):
    """Give each group its permissions; later migrations that add apps reuse this with their own grants."""
    # Permissions are normally created after all migrations; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, names in grants.items():
        group = Group.objects.get(name=group_name)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke_permissions(apps, grants):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=grants):
        for name in grants[group.name]:
            app_label, codename = name.split(".")
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("smartcity", "0001_roles"),
        ("mou", "0001_initial"),
        ("regencies", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
