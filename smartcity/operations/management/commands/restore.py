from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from smartcity.operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and MEDIA_ROOT, which must both be empty; every "
        "checksum is verified first and the row counts compared after. With --check, only verify the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a file written by manage.py backup")
        parser.add_argument("--check", action="store_true", help="verify the archive; restore nothing")

    def handle(self, archive, check, **options):
        try:
            manifest = backup.check(archive) if check else backup.restore(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        facts = {
            "archive": archive,
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "files": len(manifest["media"]),
            "created": manifest["created"],
        }
        if check:
            message = _(
                "%(archive)s is complete and undamaged: %(tables)d tables, %(rows)d rows, %(files)d files, "
                "made %(created)s."
            )
        else:
            message = _(
                "Restored %(archive)s: %(tables)d tables, %(rows)d rows, %(files)d files, made %(created)s; every "
                "row count and checksum matches. Run manage.py migrate if this release is newer than the backup's."
            )
        self.stdout.write(message % facts)
