"""Backup and restore that lose nothing (issue 6 points 3–5 and the bad inputs), on the
database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL)."""
from contextlib import contextmanager
from datetime import datetime, timezone as dt_timezone
import hashlib
import io
import os
from pathlib import Path
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cms.models import Article
from security import backup as B
from security.models import AuditEvent, BackupRecord

pytestmark = pytest.mark.django_db(transaction=True)


# --- helpers ---

def _rows_sqlite(conn, table):
    return sorted((tuple(r) for r in conn.execute(f'SELECT * FROM "{table}"')), key=repr)


def _pg_snapshot(name):
    import psycopg

    with psycopg.connect(dbname=name, **_pg_params()) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        return {t: sorted((tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}


def _snapshot_source():
    """{table: sorted rows} of the database under test (read as the restored one is read)."""
    if connection.vendor == "postgresql":
        return _pg_snapshot(settings.DATABASES["default"]["NAME"])
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        snapshot = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            snapshot[table] = sorted((tuple(r) for r in cursor.fetchall()), key=repr)
    return snapshot


def _files(root):
    root = Path(root)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()} if root.is_dir() else {}


def _pg_params():
    db = settings.DATABASES["default"]
    return {k: v for k, v in (("host", db.get("HOST")), ("port", db.get("PORT")), ("user", db.get("USER")),
                              ("password", db.get("PASSWORD"))) if v}


@contextmanager
def fresh_database(tmp_path):
    """(DATABASE_URL, snapshot function) of a new, empty database of the vendor under test."""
    if connection.vendor == "postgresql":
        import psycopg

        name = f"taxsite_restore_{uuid.uuid4().hex[:10]}"
        params = _pg_params()
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"

        def snapshot():
            return _pg_snapshot(name)
        try:
            yield url, snapshot
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "restored" / "taxsite.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)

        def snapshot():
            conn = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
            try:
                tables = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
                return {t: _rows_sqlite(conn, t) for t in tables}
            finally:
                conn.close()
        yield f"sqlite:///{path}", snapshot


def manage(*args, env_extra=None, **kwargs):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=300, **kwargs)


def _source_url(tmp_path):
    """A DATABASE_URL another process can open holding this test's data (SQLite: a copy of
    the in-memory test database made with the backup API)."""
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _workflow_activity():
    """Slips decided on the demo, a repost offered, a private message attachment."""
    from cms.models import Site
    from publishing import actions
    from publishing.models import ApprovalSlip
    from publishing.workflow import SlipState
    from django.contrib.auth import get_user_model

    User = get_user_model()
    approver = User.objects.get(username="national_office_approver")
    head = User.objects.get(username="national_dept_head")
    in_office = list(ApprovalSlip.objects.filter(site__code="national", state=SlipState.OFFICE_REVIEW).order_by("pk"))
    actions.decide(in_office[0], "office_publish", acting_user=approver, secrecy_confirmed=True)
    actions.decide(in_office[1], "office_return", acting_user=approver, comment="请补充办理时限")
    in_dept = ApprovalSlip.objects.filter(site__code="national", state=SlipState.DEPT_REVIEW).order_by("pk").first()
    actions.decide(in_dept, "dept_approve", acting_user=head, secrecy_confirmed=True)
    policy = Article.objects.filter(site__code="national", kind="policy", status="published").order_by("pk").first()
    actions.syndicate(policy, [Site.objects.get(code="beijing")], acting_user=approver)
    private = dict(B.storage_roots())["private"] / "interaction" / "ab" / "letter.txt"
    private.parent.mkdir(parents=True, exist_ok=True)
    private.write_bytes("纳税人来信附件".encode())


# --- the round trip ---

def test_the_demo_with_workflow_activity_survives_backup_and_restore_into_a_fresh_database_unchanged(tmp_path):
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    _workflow_activity()
    roots = dict(B.storage_roots())
    before, media_before, private_before = _snapshot_source(), _files(roots["media"]), _files(roots["private"])
    assert sum(len(rows) for rows in before.values()) > 1000 and len(media_before) > 10 and private_before

    backup = B.create_backup(tmp_path / "backups", offsite=tmp_path / "offsite")
    assert backup.status == BackupRecord.Status.OK and backup.offsite_verified
    target_media = tmp_path / "restored" / "media"
    with fresh_database(tmp_path) as (url, snapshot):
        result = manage("restore", backup.archive, env_extra={"DATABASE_URL": url, "MEDIA_ROOT": str(target_media)})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "counts and checksums match" in result.stdout
        after = snapshot()

    audit_table = AuditEvent._meta.db_table
    assert set(after) == set(before)
    for table in before:
        if table != audit_table:
            assert after[table] == before[table], f"{table} differs after the round trip"
    restored_events = after[audit_table]
    assert len(restored_events) == len(before[audit_table]) + 1
    assert [row for row in restored_events if row in before[audit_table]] == before[audit_table]
    assert _files(target_media) == media_before
    assert _files(target_media.parent / "private") == private_before


def test_a_restored_database_records_the_restore_in_a_chain_that_still_verifies(tmp_path):
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    archive = B.create_backup(tmp_path / "b").archive
    with fresh_database(tmp_path) as (url, _snapshot):
        env = {"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "r" / "media")}
        assert manage("restore", archive, env_extra=env).returncode == 0
        result = manage("audit", "--only", "trail.chain", "--fail-on", "error", env_extra=env)
        assert result.returncode == 0, result.stdout + result.stderr


# --- backup ---

def test_a_backup_has_a_manifest_of_checksums_row_counts_and_versions_and_is_recorded(tmp_path):
    (Path(settings.MEDIA_ROOT) / "attachments").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "attachments" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    out = io.StringIO()
    call_command("backup", "--dest", str(tmp_path / "b"), stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("backup: ")
    record = BackupRecord.objects.get()
    manifest = B.verify_archive(record.archive)
    assert manifest["tables"][Article._meta.db_table] == Article.objects.count()
    assert manifest["versions"]["django"] and manifest["versions"]["python"] and manifest["migrations"]["security"]
    parts = {p["name"]: p for p in manifest["parts"]}
    assert parts["media/attachments/a.pdf"]["sha256"] == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert manifest["database"]["file"] in parts
    event = AuditEvent.objects.get(action="backup.create")
    assert event.data["sha256"] == record.sha256 == B.sha256_of(record.archive)


def test_only_the_newest_n_archives_are_kept(tmp_path):
    dest = tmp_path / "b"
    first = Path(B.create_backup(dest).archive)
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        shutil.copy(first, dest / f"taxsite-backup-{stamp}.tar")
    (dest / "unrelated.tar").write_bytes(b"keep me")
    time.sleep(1.1)
    newest = Path(B.create_backup(dest, keep=2).archive)
    assert [p.name for p in B.archives_in(dest)] == [first.name, newest.name]
    assert (dest / "unrelated.tar").exists()


def test_a_backup_refuses_to_overwrite_an_existing_archive(tmp_path, monkeypatch):
    fixed = datetime(2026, 11, 23, 1, 30, tzinfo=dt_timezone.utc)
    monkeypatch.setattr(B.timezone, "now", lambda: fixed)
    dest = tmp_path / "b"
    dest.mkdir()
    existing = dest / "taxsite-backup-20261123T013000Z.tar"
    existing.write_bytes(b"an earlier archive")
    with pytest.raises(CommandError, match="refusing to overwrite"):
        call_command("backup", "--dest", str(dest), stdout=io.StringIO())
    assert existing.read_bytes() == b"an earlier archive"
    assert BackupRecord.objects.get().status == BackupRecord.Status.FAILED


def test_an_unwritable_destination_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(CommandError, match=r"cannot write to the backup destination .*a-file"):
        call_command("backup", "--dest", str(blocker / "backups"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot write to the backup offsite directory"):
        call_command("backup", "--dest", str(tmp_path / "ok"), "--offsite", str(blocker / "off"),
                     stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="backup.failed").count() == 2


def test_a_backup_interrupted_midway_leaves_no_complete_looking_archive_and_earlier_ones_intact(tmp_path):
    dest = tmp_path / "b"
    earlier = Path(B.create_backup(dest).archive)
    earlier_sum = B.sha256_of(earlier)
    env = {"DATABASE_URL": _source_url(tmp_path), "MEDIA_ROOT": str(settings.MEDIA_ROOT), B.PAUSE_ENV: "60"}
    time.sleep(1.1)
    proc = subprocess.Popen([sys.executable, "manage.py", "backup", "--dest", str(dest)], cwd=settings.BASE_DIR,
                            env=dict(os.environ, **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not list(dest.glob(".taxsite-backup-*.partial")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(dest.glob(".taxsite-backup-*.partial")), "the backup never started writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert B.archives_in(dest) == [earlier]
    assert all(p.name.startswith(".") for p in dest.iterdir() if p != earlier)
    assert B.sha256_of(earlier) == earlier_sum and B.verify_archive(earlier)
    time.sleep(1.1)
    assert len(B.archives_in(dest)) == 1 and Path(B.create_backup(dest).archive).exists()


# --- restore: bad input is refused before anything is touched ---

def _good_archive(tmp_path):
    media = Path(settings.MEDIA_ROOT) / "attachments"
    media.mkdir(parents=True, exist_ok=True)
    (media / "b.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(4000))
    return Path(B.create_backup(tmp_path / "b").archive)


def _refused_without_touching(tmp_path, archive, match):
    with fresh_database(tmp_path) as (url, snapshot):
        target_media = tmp_path / "target" / "media"
        result = manage("restore", str(archive), env_extra={"DATABASE_URL": url, "MEDIA_ROOT": str(target_media)})
        assert result.returncode != 0
        assert match in result.stderr, result.stderr
        assert snapshot() == {}, "the database was touched"
        assert not target_media.exists() or _files(target_media) == {}


def test_a_truncated_archive_is_refused_before_anything_is_touched(tmp_path):
    archive = _good_archive(tmp_path)
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused_without_touching(tmp_path, truncated, "truncated")
    with pytest.raises(CommandError, match="truncated"):
        call_command("restore", str(truncated), "--verify-only", stdout=io.StringIO())


def test_an_altered_archive_is_refused_before_anything_is_touched(tmp_path):
    archive = _good_archive(tmp_path)
    with tarfile.open(archive) as tar:
        member = tar.getmember("media/attachments/b.pdf")
        offset = member.offset_data + 100
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0xFF
    altered = tmp_path / "altered.tar"
    altered.write_bytes(bytes(data))
    _refused_without_touching(tmp_path, altered, "checksum mismatch for media/attachments/b.pdf")


def test_restore_onto_a_database_with_data_is_refused_without_force(tmp_path):
    archive = _good_archive(tmp_path)
    articles = Article.objects.count()
    with pytest.raises(CommandError, match="refusing to restore over existing data.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Article.objects.count() == articles and BackupRecord.objects.count() == 1


def test_verify_only_checks_an_archive_and_changes_nothing(tmp_path):
    archive = _good_archive(tmp_path)
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("restore", str(archive), "--verify-only", stdout=out)
    assert "complete and intact" in out.getvalue()
    assert AuditEvent.objects.count() == events


def test_force_replaces_a_database_and_media_root_that_hold_data(tmp_path):
    archive = _good_archive(tmp_path)
    with fresh_database(tmp_path) as (url, snapshot):
        env = {"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "t" / "media")}
        assert manage("restore", str(archive), env_extra=env).returncode == 0
        (tmp_path / "t" / "media" / "stray.txt").write_text("stray")
        refused = manage("restore", str(archive), env_extra=env)
        assert refused.returncode != 0 and "--force" in refused.stderr
        forced = manage("restore", str(archive), "--force", env_extra=env)
        assert forced.returncode == 0, forced.stderr
        assert not (tmp_path / "t" / "media" / "stray.txt").exists()
        assert (tmp_path / "t" / "media" / "attachments" / "b.pdf").exists()
        restores = [row for row in snapshot()[AuditEvent._meta.db_table] if "backup.restore" in row]
        assert len(restores) == 1  # the earlier restore was replaced with everything else
