"""``manage.py restore ARCHIVE``: verify every checksum, then restore into an empty database
and empty media roots, and check the row counts and files afterwards.

    manage.py restore ARCHIVE [--verify-only] [--force]

Point DATABASE_URL and MEDIA_ROOT at the (fresh) target. ``--verify-only`` checks the
archive and changes nothing; ``--force`` replaces a database and media roots that hold data.
"""
import time

from django.core.management.base import BaseCommand, CommandError

from security.backup import BackupError, restore_archive, verify_archive


class Command(BaseCommand):
    help = ("Restore a backup archive into an empty database and media root after verifying every checksum; "
            "check the row count of every table afterwards. --verify-only checks the archive without restoring.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by manage.py backup")
        parser.add_argument("--verify-only", action="store_true", help="check the archive; change nothing")
        parser.add_argument("--force", action="store_true",
                            help="replace the data of a database and media roots that are not empty")

    def handle(self, *args, archive, verify_only=False, force=False, **options):
        started = time.monotonic()
        say = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            if verify_only:
                manifest = verify_archive(archive)
                parts = manifest["parts"]
                self.stdout.write(f"restore --verify-only: {archive} is complete and intact ({len(parts)} parts, "
                                  f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
                                  f"{manifest['database']['vendor']}, written {manifest['created_at']}) "
                                  f"in {time.monotonic() - started:.1f}s")
                return
            manifest = restore_archive(archive, force=force, progress=say, actor="manage.py restore")
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}" if not verify_only else f"archive invalid: {exc}") from exc
        media = sum(1 for p in manifest["parts"] if p["kind"] != "database")
        self.stdout.write(f"restore: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows and "
                          f"{media} files restored from {archive}; counts and checksums match "
                          f"in {time.monotonic() - started:.1f}s")
