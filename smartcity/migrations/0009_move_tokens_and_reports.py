"""The API tokens and the progress reports moved out of the project app into ``accounts`` and ``reports``. Their
tables stay as they are (those apps' models name them), so no row moves: this migration drops the models from this
app's state only, and moves their content types to the new apps, which keeps every permission and every group's
grant of it (and the admin's history) attached."""

from django.db import migrations

MOVED = {"apitoken": "accounts", "progressreport": "reports", "reportfile": "reports", "reportsubscription": "reports"}


def move_content_types(apps, schema_editor, moves):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model, (old_label, new_label) in moves.items():
        old = ContentType.objects.using(db).filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        # On a new database a migration that ran in between may have made the new app's content type already, with
        # permissions nobody was granted yet: the old one, which the groups' grants point at, takes its place.
        ContentType.objects.using(db).filter(app_label=new_label, model=model).delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, {model: ("smartcity", label) for model, label in MOVED.items()})


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, {model: (label, "smartcity") for model, label in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("smartcity", "0008_dashboard_permission"),
        ("accounts", "0001_initial"),
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReportFile"),
                migrations.DeleteModel(name="ReportSubscription"),
                migrations.DeleteModel(name="ProgressReport"),
                migrations.DeleteModel(name="ApiToken"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
