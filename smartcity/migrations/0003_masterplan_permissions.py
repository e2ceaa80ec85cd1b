from importlib import import_module

from django.db import migrations

role_permissions = import_module("smartcity.migrations.0002_role_permissions")

PLAN_STAFF = [
    "masterplans.view_masterplan",
    "masterplans.view_programme",
    "masterplans.view_progressupdate",
    "masterplans.view_planevent",
    "masterplans.view_dimension",
    "masterplans.view_subdimension",
]
GRANTS = {
    # Admins keep the taxonomy; reviewers decide on plans.
    "Ministry admin": PLAN_STAFF
    + [
        "masterplans.add_dimension",
        "masterplans.change_dimension",
        "masterplans.add_subdimension",
        "masterplans.change_subdimension",
        "masterplans.delete_subdimension",
    ],
    "Ministry reviewer": [*PLAN_STAFF, "masterplans.review_masterplan"],
}


def grant(apps, schema_editor):
    role_permissions.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    role_permissions.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("smartcity", "0002_role_permissions"),
        ("masterplans", "0002_taxonomy"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
