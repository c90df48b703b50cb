"""Backup and restore that lose nothing (SPEC §10; 000 §16, 002 §21, 003 安全管理 §8).

An archive is one uncompressed tar file::

    database.dump          PostgreSQL: ``pg_dump --format=custom`` (compressed by pg_dump)
    database.sqlite3       SQLite: a copy made with the online backup API
    media/<path>           every file under MEDIA_ROOT
    private/<path>         every file of the private storage (message attachments)
    manifest.json          last: SHA-256 and size of every part, rows per table, versions

``create_backup`` writes it under a hidden temporary name in the destination directory,
verifies it against its manifest and only then renames it (atomically) to
``taxsite-backup-<UTC time>.tar`` — an interrupted backup leaves no file that looks complete,
and never touches the earlier ones. ``restore_archive`` verifies every checksum before it
touches anything, restores only into an empty database and empty media roots (unless
forced), and checks the row counts and file checksums afterwards.

PostgreSQL's row counts and dump come from one snapshot (``pg_export_snapshot`` +
``pg_dump --snapshot``), so the manifest describes exactly what the dump holds.
"""
from dataclasses import dataclass
import hashlib
import io
import json
import os
from pathlib import Path
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT_NAME = "taxsite-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "taxsite-backup-"
ARCHIVE_RE = re.compile(r"^taxsite-backup-\d{8}T\d{6}Z\.tar$")
STALE_TEMP_SECONDS = 24 * 3600
CHUNK = 1024 * 1024
#: Test hook: seconds to pause after the database part is written (used by the tests that
#: kill a backup midway). Never set in production.
PAUSE_ENV = "TAXSITE_TEST_BACKUP_PAUSE"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for a person."""


class ArchiveInvalid(BackupError):
    pass


@dataclass
class Part:
    name: str
    kind: str  # database | media | private
    sha256: str
    size: int


def default_destination():
    return Path(os.environ.get("TAXSITE_BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")


def storage_roots():
    """(label, directory) of every file tree the archive carries."""
    private = getattr(settings, "TAXSITE_PRIVATE_ROOT", None) or Path(settings.MEDIA_ROOT).parent / "private"
    return [("media", Path(settings.MEDIA_ROOT)), ("private", Path(private))]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.handle.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _vendor():
    return connection.vendor  # "postgresql" | "sqlite"


def _pg_env():
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env, db["NAME"]


def _tool_version(tool):
    try:
        return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


# --------------------------------------------------------------------------------------
# Database dump
# --------------------------------------------------------------------------------------

def _dump_postgresql(workdir):
    import psycopg

    env, name = _pg_env()
    path = Path(workdir) / "database.dump"
    params = {k.lower()[2:]: v for k, v in env.items() if k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")}
    with psycopg.connect(dbname=name, **params) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        server = conn.execute("SHOW server_version").fetchone()[0]
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={path}", name], env=env, capture_output=True, text=True)
        conn.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:1000]}")
    return path, counts, {"vendor": "postgresql", "server_version": server, "tool": _tool_version("pg_dump"),
                          "format": "pg_dump-custom"}


def _sqlite_tables(conn):
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _dump_sqlite(workdir):
    path = Path(workdir) / "database.sqlite3"
    if connection.in_atomic_block:
        # The online backup would wait forever on the open write transaction (and would
        # capture uncommitted work): a backup runs in its own process or task.
        raise BackupError("a SQLite backup cannot run inside an open transaction")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    copy = sqlite3.connect(path)
    try:
        counts = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _sqlite_tables(copy)}
    finally:
        copy.close()
    return path, counts, {"vendor": "sqlite", "server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API",
                          "format": "sqlite3"}


def dump_database(workdir):
    if _vendor() == "postgresql":
        return _dump_postgresql(workdir)
    if _vendor() == "sqlite":
        return _dump_sqlite(workdir)
    raise BackupError(f"backups of a {_vendor()} database are not supported")


# --------------------------------------------------------------------------------------
# Archive
# --------------------------------------------------------------------------------------

def _add_file(tar, path, arcname):
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(f"{path} changed while it was archived")
    return Part(arcname, arcname.split("/", 1)[0] if "/" in arcname else "database", reader.digest.hexdigest(),
                info.size)


def _walk(root):
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file() and not path.is_symlink():
                yield path


def _versions(db_info):
    import django

    return {"taxsite": "0.1.0", "python": platform.python_version(), "django": django.get_version(),
            "database": db_info["server_version"], "dump_tool": db_info["tool"]}


def _check_destination(dest, what="destination"):
    dest = Path(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=dest, prefix=".taxsite-probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise BackupError(f"cannot write to the backup {what} {dest}: {exc.strerror or exc}") from exc
    return dest


def _clean_stale_temporaries(dest):
    now = time.time()
    for path in Path(dest).glob(".taxsite-backup-*"):
        try:
            if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError:
            pass


def archives_in(dest):
    """Completed archives of ``dest``, oldest first."""
    return sorted(p for p in Path(dest).iterdir() if ARCHIVE_RE.match(p.name)) if Path(dest).is_dir() else []


def prune(dest, keep):
    """Remove the oldest completed archives beyond the ``keep`` newest. Returns the removed."""
    removed = []
    archives = archives_in(dest)
    for path in archives[:max(len(archives) - keep, 0)]:
        path.unlink()
        removed.append(path)
    return removed


def write_archive(dest, *, progress=None):
    """Dump, archive, verify, rename. Returns (final path, manifest)."""
    say = progress or (lambda line: None)
    dest = _check_destination(dest)
    _clean_stale_temporaries(dest)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = dest / f"{PREFIX}{stamp}.tar"
    if final.exists():
        raise BackupError(f"refusing to overwrite the existing archive {final}")
    partial = dest / f".{final.name}.partial"
    workdir = Path(tempfile.mkdtemp(dir=dest, prefix=".taxsite-backup-work-"))
    try:
        say("dumping the database …")
        db_path, counts, db_info = dump_database(workdir)
        say(f"database: {len(counts)} tables, {sum(counts.values())} rows")
        parts = []
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            parts.append(_add_file(tar, db_path, db_path.name))
            pause = float(os.environ.get(PAUSE_ENV) or 0)
            if pause:
                tar.fileobj.flush()
                time.sleep(pause)
            for label, root in storage_roots():
                n = 0
                for path in _walk(root):
                    parts.append(_add_file(tar, path, f"{label}/{path.relative_to(root).as_posix()}"))
                    n += 1
                say(f"{label}: {n} files")
            manifest = {
                "format": FORMAT_NAME, "version": FORMAT_VERSION, "created_at": timezone.now().isoformat(),
                "database": {"vendor": db_info["vendor"], "file": db_path.name, "format": db_info["format"]},
                "versions": _versions(db_info), "migrations": _migrations(), "tables": counts,
                "parts": [p.__dict__ for p in parts],
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        say("verifying the archive …")
        verify_archive(partial)
        os.rename(partial, final)
        _fsync_dir(dest)
        return final, manifest
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if partial.exists():
            partial.unlink()


def copy_offsite(archive, offsite):
    """Copy ``archive`` into ``offsite`` (temporary name, fsync, verify, rename). Returns the copy."""
    offsite = _check_destination(offsite, "offsite directory")
    target = offsite / archive.name
    if target.exists():
        raise BackupError(f"refusing to overwrite the existing offsite copy {target}")
    partial = offsite / f".{archive.name}.partial"
    try:
        with open(archive, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
            dst.flush()
            os.fsync(dst.fileno())
        if sha256_of(partial) != sha256_of(archive):
            raise BackupError(f"the offsite copy in {offsite} differs from the archive")
        verify_archive(partial)
        os.rename(partial, target)
        _fsync_dir(offsite)
    finally:
        if partial.exists():
            partial.unlink()
    return target


def create_backup(dest=None, *, keep=7, offsite=None, progress=None, task_key="", actor="system"):
    """Write, verify and record one backup; copy it offsite; keep the ``keep`` newest.
    Raises ``BackupError`` (after recording the failure) when it cannot."""
    from .audit import record
    from .models import BackupRecord

    if keep < 1:
        raise BackupError("--keep must be at least 1")
    started = timezone.now()
    dest = Path(dest or default_destination())
    archive = copy = None
    try:
        archive, manifest = write_archive(dest, progress=progress)
        if offsite:
            if progress:
                progress(f"copying to {offsite} …")
            copy = copy_offsite(archive, offsite)
    except (BackupError, OSError) as exc:
        message = str(exc) if isinstance(exc, BackupError) else f"{exc.__class__.__name__}: {exc}"
        with transaction.atomic():
            failed = BackupRecord.objects.create(status=BackupRecord.Status.FAILED, started_at=started,
                                                 archive=str(archive or ""), database_vendor=_vendor(),
                                                 task_key=task_key, error=message[:2000])
            record("backup.failed", actor=actor, obj=failed, data={"error": message[:500], "dest": str(dest)})
        raise BackupError(message) from exc
    removed = prune(dest, keep) + (prune(Path(offsite), keep) if offsite else [])
    media = sum(1 for p in manifest["parts"] if p["kind"] != "database")
    with transaction.atomic():
        backup = BackupRecord.objects.create(
            status=BackupRecord.Status.OK, started_at=started, archive=str(archive), size=archive.stat().st_size,
            sha256=sha256_of(archive), offsite=str(copy or ""), offsite_verified=copy is not None,
            database_vendor=manifest["database"]["vendor"], tables=len(manifest["tables"]),
            rows=sum(manifest["tables"].values()), media_files=media, task_key=task_key)
        record("backup.create", actor=actor, obj=backup,
               data={"archive": archive.name, "sha256": backup.sha256, "size": backup.size, "offsite": str(copy or ""),
                     "tables": backup.tables, "rows": backup.rows, "media_files": media,
                     "pruned": [p.name for p in removed]})
    return backup


# --------------------------------------------------------------------------------------
# Verify and restore
# --------------------------------------------------------------------------------------

def _safe_name(name):
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "" not in parts


def verify_archive(path):
    """Check an archive without changing anything: readable to the end, a manifest of this
    format, every part present with its size and SHA-256, nothing else inside. Returns the
    manifest; raises ``ArchiveInvalid`` with the reason."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveInvalid(f"{path} does not exist or is not a file")
    try:
        with tarfile.open(path, "r:") as tar:
            members = {}
            for member in tar:
                members[member.name] = member
            if MANIFEST not in members:
                raise ArchiveInvalid(f"{path.name}: no {MANIFEST} (truncated or not a taxsite backup)")
            try:
                manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
            except ValueError as exc:
                raise ArchiveInvalid(f"{path.name}: the manifest is not valid JSON") from exc
            if manifest.get("format") != FORMAT_NAME or manifest.get("version") != FORMAT_VERSION:
                raise ArchiveInvalid(f"{path.name}: not a taxsite backup of format version {FORMAT_VERSION}")
            expected = {p["name"]: p for p in manifest.get("parts", [])}
            unexpected = set(members) - set(expected) - {MANIFEST}
            if unexpected:
                raise ArchiveInvalid(f"{path.name}: unexpected members {sorted(unexpected)[:5]}")
            for name, part in expected.items():
                member = members.get(name)
                if member is None or not member.isfile() or not _safe_name(name):
                    raise ArchiveInvalid(f"{path.name}: part {name} is missing")
                if member.size != part["size"]:
                    raise ArchiveInvalid(f"{path.name}: part {name} has {member.size} bytes, the manifest says "
                                         f"{part['size']}")
                digest = hashlib.sha256()
                handle = tar.extractfile(member)
                for block in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(block)
                if digest.hexdigest() != part["sha256"]:
                    raise ArchiveInvalid(f"{path.name}: checksum mismatch for {name} (archive altered or damaged)")
            if manifest["database"]["file"] not in expected:
                raise ArchiveInvalid(f"{path.name}: the database part is missing")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveInvalid(f"{path.name}: not a readable archive (truncated or damaged): {exc}") from exc
    return manifest


def _database_has_tables():
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def _files_in(root):
    return any(True for _p in _walk(root))


def _count_tables(tables):
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _wipe_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        name = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


def _restore_database(tar, member, manifest, workdir):
    vendor = manifest["database"]["vendor"]
    if vendor == "postgresql":
        dump = Path(workdir) / "database.dump"
        with tar.extractfile(member) as src, open(dump, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        env, name = _pg_env()
        connection.close()
        result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                 "--single-transaction", f"--dbname={name}", str(dump)],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:1000]}")
    else:
        target = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.parent / f".{target.name}.restoring"
        with tar.extractfile(member) as src, open(temp, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temp, target)


def restore_archive(path, *, force=False, progress=None, actor="system"):
    """Restore ``path`` into the configured database and storage roots. Verifies the whole
    archive first; refuses a database with tables or a storage root with files unless
    ``force`` (which empties them); checks every table's row count and every file's
    checksum afterwards. Returns the manifest."""
    from .audit import record

    say = progress or (lambda line: None)
    say(f"verifying {path} …")
    manifest = verify_archive(path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the archive holds a {vendor} database; the configured database is {connection.vendor}")
    roots = dict(storage_roots())
    busy = []
    if _database_has_tables():
        busy.append(f"the database {settings.DATABASES['default']['NAME']} has tables")
    busy += [f"{root} has files" for root in roots.values() if _files_in(root)]
    if busy and not force:
        raise BackupError("refusing to restore over existing data: " + "; ".join(busy) + " (use --force to replace it)")
    if busy:
        say("--force: emptying the database and the storage roots …")
        if _database_has_tables():
            _wipe_database()
        for root in roots.values():
            if root.is_dir():
                for child in root.iterdir():
                    shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    parts = {p["name"]: p for p in manifest["parts"]}
    workdir = Path(tempfile.mkdtemp(prefix="taxsite-restore-"))
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                part = parts[member.name]
                if part["kind"] == "database":
                    say("restoring the database …")
                    _restore_database(tar, member, manifest, workdir)
                    continue
                label, rel = member.name.split("/", 1)
                target = roots[label] / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    reader = _HashingReader(src)
                    shutil.copyfileobj(reader, dst, CHUNK)
                if reader.digest.hexdigest() != part["sha256"]:
                    raise BackupError(f"{target}: checksum mismatch after restore")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    say("checking row counts …")
    counts = _count_tables(manifest["tables"])
    wrong = {t: (counts[t], n) for t, n in manifest["tables"].items() if counts[t] != n}
    if wrong:
        raise BackupError("row counts differ after restore: " + ", ".join(
            f"{t} {got} ≠ {want}" for t, (got, want) in sorted(wrong.items())[:10]))
    media = sum(1 for p in manifest["parts"] if p["kind"] != "database")
    with transaction.atomic():
        record("backup.restore", actor=actor, data={"archive": Path(path).name, "created_at": manifest["created_at"],
                                                    "tables": len(counts), "rows": sum(counts.values()),
                                                    "media_files": media, "forced": bool(busy)})
    return manifest
