from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from smartcity.operations import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive (the PostgreSQL database and every uploaded file, with a manifest of row counts and "
        "checksums) into BACKUP_DIR, keeping the newest BACKUP_KEEP archives. Safe while the portal serves."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the folder to write into (default: BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, help="archives to keep in that folder (default: BACKUP_KEEP; 0 keeps all)"
        )

    def handle(self, output, keep, **options):
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 0:
            raise CommandError("--keep must be 0 (keep all) or more")
        try:
            archive, manifest = backup.create(output or settings.BACKUP_DIR, keep=keep)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Backup written to %(archive)s: %(tables)d tables, %(rows)d rows, %(files)d files, %(bytes)d bytes.")
            % {
                "archive": archive,
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["media"]),
                "bytes": archive.stat().st_size,
            }
        )
