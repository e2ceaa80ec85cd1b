"""Backups the operations team can trust: one archive holds the database and every uploaded file, with a manifest
that lets a restore prove nothing was lost.

An archive is a plain tar: ``manifest.json`` first, then ``database.dump`` (``pg_dump --format=custom``, already
compressed) and ``media/...``. The manifest records the applied migrations, every table's row count taken in the
same snapshot as the dump (``pg_export_snapshot``), and the SHA-256 of the dump and of every file. A restore
verifies every checksum before it touches anything, loads the dump in one transaction, and counts again.
"""

import datetime
import hashlib
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import structlog
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from regencies import data_version

logger = structlog.get_logger(__name__)

FORMAT = "smartcity-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _postgres():
    """The default database's settings, or a BackupError when it is not PostgreSQL or cannot be reached."""
    if connection.vendor != "postgresql":
        raise BackupError(
            _(
                "Backups need PostgreSQL (DATABASE_URL=postgres://...). On the embedded SQLite default, stop the "
                "portal and copy db.sqlite3 and the media folder."
            )
        )
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupError(_("The database cannot be reached: %(error)s") % {"error": error}) from error
    return connection.settings_dict


def _client_env(db):
    """The libpq environment for pg_dump and pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", db.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(command, db):
    try:
        result = subprocess.run(command, env=_client_env(db), capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client).") % {"program": command[0]}
        ) from error
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )
    return result


def _table_counts(cursor):
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations():
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def archive_name(now):
    return f"smartcity-{now:%Y%m%dT%H%M%S.%fZ}.tar"  # sorts by time; two backups in one second get two names


def create(directory, keep=None):
    """Write a new archive into ``directory`` and return its path; keep only the newest ``keep`` archives there.

    The archive is written under a temporary name and renamed when complete, so a backup cut off half-way never
    looks like one that finished.
    """
    db = _postgres()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    final = directory / archive_name(now)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        with connection.cursor() as cursor:
            # pg_dump reads the snapshot this transaction exported, so the counts and the dump see the same rows.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _table_counts(cursor)
                migrations = _applied_migrations()
                _run(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--file={dump}"],
                    db,
                )  # fmt: skip
            finally:
                cursor.execute("ROLLBACK")
        media_root = Path(settings.MEDIA_ROOT)
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "database": {"file": DUMP, "sha256": _sha256(dump), "size": dump.stat().st_size},
            "migrations": migrations,
            "tables": counts,
            "media": {
                path.relative_to(media_root).as_posix(): {"sha256": _sha256(path), "size": path.stat().st_size}
                for path in files
            },
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = Path(work) / final.name
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            tar.add(dump, arcname=DUMP)
            for path in files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}", recursive=False)
        os.replace(partial, final)
    logger.info("backup_written", archive=str(final), bytes=final.stat().st_size, tables=len(counts), files=len(files))
    if keep:
        for old in sorted(directory.glob("smartcity-*.tar"))[:-keep]:
            old.unlink()
            logger.info("backup_removed", archive=str(old))
    return final, manifest


def _safe_member(name):
    """The member's path inside the archive, or None when it could escape the folder it is extracted into."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        return None
    return path


def _read_manifest(tar):
    member = tar.next()
    if member is None or member.name != MANIFEST or not member.isfile():
        raise BackupError(_("This is not a portal backup: it does not start with %(name)s.") % {"name": MANIFEST})
    try:
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(_("The backup's manifest cannot be read: %(error)s") % {"error": error}) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(_("Unknown backup format %(format)r.") % {"format": found})
    if not _well_formed(manifest):
        raise BackupError(_("The backup's manifest is incomplete or malformed."))
    return member, manifest


def _well_formed(manifest):
    def digest(entry):
        return isinstance(entry, dict) and isinstance(entry.get("sha256"), str)

    return (
        digest(manifest.get("database"))
        and isinstance(manifest.get("migrations"), list)
        and all(isinstance(name, str) for name in manifest["migrations"])
        and isinstance(manifest.get("tables"), dict)
        and all(isinstance(rows, int) for rows in manifest["tables"].values())
        and isinstance(manifest.get("media"), dict)
        and all(digest(entry) for entry in manifest["media"].values())
        and isinstance(manifest.get("created"), str)
    )


def _expected_files(manifest):
    expected = {DUMP: manifest["database"]["sha256"]}
    for name, entry in manifest["media"].items():
        expected[f"{MEDIA}/{name}"] = entry["sha256"]
    return expected


def extract(archive, into):
    """Extract ``archive`` into the folder ``into``, verifying every member against the manifest; return it.

    Anything else in the archive (a link, a device, a path leaving the folder, a file the manifest does not list)
    and any checksum that differs stops the extraction with a BackupError.
    """
    into = Path(into)
    seen = set()
    try:
        with tarfile.open(archive, "r:") as tar:
            first, manifest = _read_manifest(tar)
            expected = _expected_files(manifest)
            for member in tar:
                if member is first:
                    continue
                path = _safe_member(member.name)
                if path is None or not member.isfile() or member.name not in expected or member.name in seen:
                    raise BackupError(_("The backup holds an unexpected entry %(name)r.") % {"name": member.name})
                target = into.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "xb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[member.name]:
                    raise BackupError(
                        _("%(name)s does not match its checksum: the backup is damaged.") % {"name": member.name}
                    )
                seen.add(member.name)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(_("The backup cannot be read: %(error)s") % {"error": error}) from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(_("The backup lacks %(names)s.") % {"names": ", ".join(missing[:5])})
    return manifest


def _unknown_migrations(manifest):
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    return sorted(set(manifest["migrations"]) - known)


def check(archive):
    """Verify ``archive`` without restoring it: every checksum, and that pg_restore can read the dump."""
    with tempfile.TemporaryDirectory(prefix="smartcity-restore-check-") as work:
        manifest = extract(archive, work)
        _run(["pg_restore", "--list", str(Path(work) / DUMP)], {})
    return manifest


def restore(archive):
    """Restore ``archive`` into the configured database (which must be empty) and MEDIA_ROOT (which must be empty).

    The database is loaded in one transaction, so a failure leaves it empty; the files are moved into MEDIA_ROOT
    only after the database is in. The row counts are compared with the manifest at the end.
    """
    db = _postgres()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)d tables). Restore into a new, empty database: "
                "createdb, then point DATABASE_URL at it."
            )
            % {"name": db["NAME"], "count": len(tables)}
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(_("MEDIA_ROOT %(path)s is not empty; restore into an empty folder.") % {"path": media_root})
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged next to MEDIA_ROOT, so the files are moved in by a rename on the same file system.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        manifest = extract(archive, work)
        unknown = _unknown_migrations(manifest)
        if unknown:
            raise BackupError(
                _(
                    "The backup was made by a newer release (migrations %(names)s are unknown here): install that "
                    "release, or a later one, and restore again."
                )
                % {"names": ", ".join(unknown[:5])}
            )
        _run(
            ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
             f"--dbname={db['NAME']}", str(Path(work) / DUMP)],
            db,
        )  # fmt: skip
        staged_media = Path(work) / MEDIA
        if staged_media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            for entry in staged_media.iterdir():
                os.replace(entry, media_root / entry.name)
    connection.close()  # the restored tables are read on a new connection, without cached type information
    with connection.cursor() as cursor:
        counts = _table_counts(cursor)
    differing = sorted(table for table, rows in manifest["tables"].items() if counts.get(table) != rows)
    if differing:
        raise BackupError(_("Row counts differ from the backup in %(tables)s.") % {"tables": ", ".join(differing)})
    data_version.bump()  # figures cached from whatever this cache served before are not this database's
    logger.info("backup_restored", archive=str(archive), tables=len(counts), files=len(manifest["media"]))
    return manifest
