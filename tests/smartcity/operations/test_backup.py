"""manage.py backup and restore: a round trip into a new database loses no row and no file, and a damaged, hostile
or mismatched archive is refused before anything is written."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from smartcity.operations import backup

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def in_english():
    """Commands called here speak English; manage.py in a new process speaks the portal's Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): a backup is a pg_dump archive")
    return connection.settings_dict


def _url(db, name):
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database(postgres):
    """A new, empty PostgreSQL database on the test server, dropped afterwards; its URL."""
    name = f"smartcity_restore_{os.getpid()}"
    with psycopg.connect(_url(postgres, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _url(postgres, name)
    with psycopg.connect(_url(postgres, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args, env=None):
    """Run manage.py in a new process, with the environment changed by ``env`` (None removes a variable)."""
    environment = {**os.environ, "DEBUG": "true"}
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = str(value)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def _counts(url):
    with psycopg.connect(url) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _hashes(root):
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _backup(tmp_path):
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("smartcity-*.tar")
    return archive


def _rewrite(archive, target, change):
    """Copy ``archive`` to ``target``, passing each member's (TarInfo, bytes) through ``change``."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source:
            data = source.extractfile(member).read()
            member, data = change(member, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def test_round_trip_into_a_new_database_keeps_every_row_and_file(demo, empty_database, tmp_path):
    source_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    source_counts, source_files = _counts(source_url), _hashes(settings.MEDIA_ROOT)
    assert source_files, "the demo's plans bring their PDFs"
    assert source_counts["regencies_regency"] == 514 and source_counts["masterplans_masterplan"] > 0
    archive = _backup(tmp_path)

    restored_media = tmp_path / "restored-media"
    result = _manage("restore", archive, env={"DATABASE_URL": empty_database, "MEDIA_ROOT": restored_media})

    assert result.returncode == 0, result.stderr
    assert "setiap jumlah baris dan checksum cocok" in result.stdout  # every row count and checksum matches
    assert _counts(empty_database) == source_counts
    assert _hashes(restored_media) == source_files
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["tables"] == source_counts
    assert "regencies.0001_initial" in manifest["migrations"]
    # The restored database is one this release runs on: no migration is pending.
    check = _manage("migrate", "--check", env={"DATABASE_URL": empty_database, "MEDIA_ROOT": restored_media})
    assert check.returncode == 0, check.stdout + check.stderr


def test_check_finds_a_damaged_file_and_names_it(demo, tmp_path):
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        victim = next(name for name in tar.getnames() if name.startswith("media/"))

    def flip_a_byte(member, data):
        if member.name == victim:
            data = bytes([data[0] ^ 1]) + data[1:]
        return member, data

    damaged = _rewrite(archive, tmp_path / "damaged.tar", flip_a_byte)
    call_command("restore", archive, check=True, stdout=io.StringIO())  # the original is sound

    with pytest.raises(CommandError, match=f"{victim} does not match its checksum"):
        call_command("restore", damaged, check=True)


def test_restore_refuses_a_database_or_media_folder_that_is_not_empty(demo, tmp_path):
    archive = _backup(tmp_path)
    before = _hashes(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", archive)  # the test database holds the demo

    assert _hashes(settings.MEDIA_ROOT) == before


def test_restore_refuses_entries_that_leave_the_folder_and_writes_nothing(postgres, empty_database, tmp_path):
    evil = b"not a backup"
    manifest = {
        "format": backup.FORMAT,
        "created": "2026-12-03T00:00:00+00:00",
        "database": {"file": "database.dump", "sha256": hashlib.sha256(b"").hexdigest(), "size": 0},
        "migrations": [],
        "tables": {},
        "media": {"../../escaped.txt": {"sha256": hashlib.sha256(evil).hexdigest(), "size": len(evil)}},
    }
    archive = tmp_path / "hostile.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("media/../../escaped.txt", evil)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("media/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)

    restored_media = tmp_path / "deep" / "restored-media"
    result = _manage("restore", archive, env={"DATABASE_URL": empty_database, "MEDIA_ROOT": restored_media})

    assert result.returncode == 1
    assert "entri yang tidak semestinya 'media/../../escaped.txt'" in result.stderr  # an unexpected entry
    assert not list(tmp_path.rglob("escaped.txt"))
    assert _counts(empty_database) == {}


def test_restore_refuses_a_backup_from_a_newer_release(demo, empty_database, tmp_path):
    archive = _backup(tmp_path)

    def add_a_future_migration(member, data):
        if member.name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"].append("regencies.9999_from_the_future")
            data = json.dumps(manifest).encode()
        return member, data

    newer = _rewrite(archive, tmp_path / "newer.tar", add_a_future_migration)
    restored_media = tmp_path / "restored-media"
    result = _manage("restore", newer, env={"DATABASE_URL": empty_database, "MEDIA_ROOT": restored_media})

    assert result.returncode == 1
    assert "rilis yang lebih baru (migrasi regencies.9999_from_the_future tidak dikenal" in result.stderr
    assert _counts(empty_database) == {}
    assert not restored_media.exists() or not any(restored_media.iterdir())


def test_backup_without_a_reachable_postgresql_says_why_and_leaves_no_file(postgres, tmp_path):
    output = tmp_path / "backups"

    down = _manage("backup", "--output", output, env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/smartcity"})
    sqlite = _manage("backup", "--output", output, env={"DATABASE_URL": None})

    assert down.returncode == 1 and "Basis data tidak dapat dihubungi" in down.stderr  # cannot be reached
    assert sqlite.returncode == 1 and "Cadangan memerlukan PostgreSQL" in sqlite.stderr
    assert not output.exists() or not any(output.iterdir())


def test_backup_keeps_the_newest_archives(postgres, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    for _ in range(3):
        call_command("backup", output=tmp_path / "backups", keep=2, stdout=io.StringIO())

    kept = sorted((tmp_path / "backups").iterdir())

    assert len(kept) == 2 and all(path.name.startswith("smartcity-") for path in kept)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a tar file at all", "The backup cannot be read"),
        ({"format": "something-else/9"}, "Unknown backup format 'something-else/9'"),
        ({"format": backup.FORMAT, "migrations": 5}, "incomplete or malformed"),
        ([1, 2, 3], "Unknown backup format None"),
    ],
)
def test_check_refuses_what_is_not_a_backup(tmp_path, content, message):
    archive = tmp_path / "archive.tar"
    if isinstance(content, bytes):
        archive.write_bytes(content)
    else:
        with tarfile.open(archive, "w") as tar:
            data = json.dumps(content).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(CommandError, match=message):
        call_command("restore", archive, check=True)
