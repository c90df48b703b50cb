"""Celery tasks of operations (SPEC §10): the daily audit and the daily backup.

Both acknowledge late and are rejected (so redelivered) when their worker dies; both carry
an idempotency key (by default the day), recorded in ``TaskExecution``:

* a key already finished → the redelivered or repeated task does nothing;
* a key whose earlier attempt died midway → the task runs again, once;
* while one attempt runs, a duplicate delivery finds the key's lock held (a PostgreSQL
  advisory lock, released by the server when the worker's connection dies) and retries
  later instead of running in parallel.
"""
from contextlib import contextmanager
import hashlib
import logging

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class KeyBusy(Exception):
    """Another attempt with the same key is running."""


@contextmanager
def _key_lock(key):
    if connection.vendor != "postgresql":
        yield  # the embedded default runs tasks eagerly, one at a time
        return
    lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
        if not cursor.fetchone()[0]:
            raise KeyBusy(key)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


def run_once(key, task_name, func):
    """Run ``func()`` unless ``key`` is already done. Returns (ran, result)."""
    from .models import TaskExecution

    if TaskExecution.objects.filter(key=key, finished_at__isnull=False).exists():
        return False, TaskExecution.objects.get(key=key).result
    with _key_lock(key):
        with transaction.atomic():
            execution, _created = TaskExecution.objects.select_for_update().get_or_create(
                key=key, defaults={"task": task_name})
            if execution.finished_at is not None:
                return False, execution.result
            execution.attempts += 1
            execution.started_at = timezone.now()
            execution.save(update_fields=["attempts", "started_at"])
        result = func()
        TaskExecution.objects.filter(pk=execution.pk).update(finished_at=timezone.now(), result=result)
        return True, result


def _default_key(prefix):
    return f"{prefix}:{timezone.localdate().isoformat()}"


@shared_task(name="security.run_audit", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(KeyBusy,), retry_backoff=30, retry_backoff_max=600, max_retries=10)
def run_audit_task(self, key=None, triggered_by="beat"):
    """Beat, daily: every check, results kept for the dashboard."""
    from .checks.runner import run_audit

    def work():
        run = run_audit(triggered_by=triggered_by)
        return {"run": run.pk, "counts": run.counts}

    ran, result = run_once(key or _default_key("audit"), "security.run_audit", work)
    return {"ran": ran, **(result or {})}


@shared_task(name="security.run_backup", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(KeyBusy, OSError), retry_backoff=60, retry_backoff_max=1800, max_retries=5)
def run_backup_task(self, key=None, dest=None, offsite=None, keep=7):
    """Beat, daily: a verified archive (``TAXSITE_BACKUP_DIR``, offsite to
    ``TAXSITE_BACKUP_OFFSITE`` when set)."""
    import os

    from .backup import create_backup

    key = key or _default_key("backup")
    offsite = offsite or os.environ.get("TAXSITE_BACKUP_OFFSITE") or None

    def work():
        backup = create_backup(dest, keep=keep, offsite=offsite, task_key=key, actor="celery")
        return {"backup": backup.pk, "archive": backup.archive, "sha256": backup.sha256}

    ran, result = run_once(key, "security.run_backup", work)
    return {"ran": ran, **(result or {})}
