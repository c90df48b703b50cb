"""``manage.py backup``: the database and every media file in one verified archive.

    manage.py backup [--dest DIR] [--offsite DIR] [--keep N]

The archive is verified against its manifest before it gets its final name; with
``--offsite`` it is copied there and the copy verified. The ``--keep`` newest archives are
kept in each directory. Recorded in the audit trail and on the monitoring dashboard.
"""
import time

from django.core.management.base import BaseCommand, CommandError

from security.backup import BackupError, create_backup, default_destination


class Command(BaseCommand):
    help = ("Back up the database (pg_dump custom format, or the SQLite online backup API) and the media files into "
            "one archive with a manifest of SHA-256 checksums, row counts and versions; verify it; keep the newest N; "
            "optionally copy it offsite and verify the copy.")

    def add_arguments(self, parser):
        parser.add_argument("--dest", metavar="DIR", help=f"directory of the archives (default: {default_destination()}, "
                                                          "or $TAXSITE_BACKUP_DIR)")
        parser.add_argument("--offsite", metavar="DIR", help="also copy the archive here (another disk or host mount)")
        parser.add_argument("--keep", type=int, default=7, metavar="N", help="archives to keep in each directory (7)")

    def handle(self, *args, dest=None, offsite=None, keep=7, **options):
        started = time.monotonic()
        say = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            backup = create_backup(dest, keep=keep, offsite=offsite, progress=say, actor="manage.py backup")
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        offsite_note = f", offsite copy verified at {backup.offsite}" if backup.offsite_verified else ""
        self.stdout.write(f"backup: {backup.archive} ({backup.size / 1048576:.1f} MiB, {backup.tables} tables, "
                          f"{backup.rows} rows, {backup.media_files} files, sha256 {backup.sha256[:12]}…){offsite_note} "
                          f"in {time.monotonic() - started:.1f}s")
