from importlib import import_module

from django.db import migrations

role_permissions = import_module("smartcity.migrations.0002_role_permissions")

GRANTS = {
    "Ministry admin": ["smartcity.view_apitoken", "smartcity.add_apitoken", "smartcity.change_apitoken"],
}


def grant(apps, schema_editor):
    role_permissions.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    role_permissions.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("smartcity", "0004_api_tokens")]

    operations = [migrations.RunPython(grant, revoke)]
