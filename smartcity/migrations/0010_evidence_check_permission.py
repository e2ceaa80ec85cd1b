from importlib import import_module

from django.db import migrations

role_permissions = import_module("smartcity.migrations.0002_role_permissions")

# Ministry reviewers and admins check the evidence of progress updates (verified, or rejected with a reason).
GRANTS = {
    "Ministry admin": ["masterplans.verify_progressupdate"],
    "Ministry reviewer": ["masterplans.verify_progressupdate"],
}


def grant(apps, schema_editor):
    role_permissions.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    role_permissions.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("smartcity", "0009_move_tokens_and_reports"),
        ("masterplans", "0005_progress_evidence_check"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
