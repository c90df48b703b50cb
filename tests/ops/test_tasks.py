"""Celery (issue 6 point 6): the beat schedule of SPEC §10, late acknowledgement with
redelivery, idempotency keys — and a worker killed in the middle of a backup: the task is
done again once, neither lost nor doubled (PostgreSQL + Redis only)."""
import os
from pathlib import Path
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from security import backup as B
from security.models import BackupRecord, TaskExecution
from security.tasks import run_audit_task, run_backup_task
from taxsite.celery import app as celery_app

REAL_SERVICES = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")


def test_the_beat_schedule_runs_what_spec_10_lists_and_every_task_exists():
    celery_app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"publishing.reconcile", "security.run_audit", "security.run_backup",
            "liaisons.send_daily_reminders"} <= tasks
    assert schedule["publishing-reconcile"]["schedule"] == 60.0
    for name in tasks:
        assert name in celery_app.tasks, f"beat schedules {name}, which no app defines"
    for name in ("security-backup", "security-audit"):
        assert schedule[name]["schedule"].hour == {1 if "backup" in name else 2}


def test_operations_tasks_acknowledge_late_are_redelivered_when_their_worker_dies_and_retry_with_backoff():
    for task in (run_backup_task, run_audit_task):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.retry_backoff and task.max_retries
    assert settings.CELERY_TASK_ROUTES["security.run_backup"]["queue"] == "maintenance"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600


@pytest.mark.django_db(transaction=True)
def test_a_task_with_a_finished_key_does_nothing_the_second_time(tmp_path):
    first = run_backup_task.apply(kwargs={"key": "backup:test-once", "dest": str(tmp_path)}).get()
    second = run_backup_task.apply(kwargs={"key": "backup:test-once", "dest": str(tmp_path)}).get()
    assert first["ran"] and not second["ran"] and second["backup"] == first["backup"]
    assert BackupRecord.objects.count() == 1 and len(B.archives_in(tmp_path)) == 1
    assert TaskExecution.objects.get(key="backup:test-once").attempts == 1


@pytest.mark.django_db
def test_an_attempt_that_died_midway_runs_again_once(tmp_path):
    TaskExecution.objects.create(key="audit:died", task="security.run_audit", attempts=1, started_at=timezone.now())
    result = run_audit_task.apply(kwargs={"key": "audit:died"}).get()
    assert result["ran"]
    execution = TaskExecution.objects.get(key="audit:died")
    assert execution.attempts == 2 and execution.finished_at is not None


# --- a real worker, killed mid-task ---

class Worker:
    def __init__(self, queue, env):
        self.queue, self.env, self.proc = queue, env, None

    def start(self, **extra):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "taxsite", "worker", "--pool", "solo", "-Q", self.queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
            cwd=settings.BASE_DIR, env=dict(os.environ, **self.env, **extra), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        return self

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _wait_for(predicate, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not REAL_SERVICES, reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
def test_a_worker_killed_in_the_middle_of_a_backup_leads_to_the_backup_done_once_not_lost_not_doubled(tmp_path):
    queue, key, dest = f"test-ops-{uuid.uuid4().hex[:8]}", f"backup:kill-test:{uuid.uuid4().hex[:6]}", tmp_path / "b"
    db = settings.DATABASES["default"]
    env = {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CELERY_VISIBILITY_TIMEOUT": "5",
           "CELERY_UNACKED_RESTORE_INTERVAL": "2", "CELERY_UNACKED_RESTORE_THROTTLE": "1"}
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "file.txt").write_text("media")
    first = Worker(queue, env).start(**{B.PAUSE_ENV: "120"})
    second = Worker(queue, env)
    try:
        celery_app.send_task("security.run_backup", kwargs={"key": key, "dest": str(dest)}, queue=queue)
        assert _wait_for(lambda: list(dest.glob(".taxsite-backup-*.partial"))), "the first worker never started"
        assert TaskExecution.objects.get(key=key).attempts == 1
        first.kill()  # SIGKILL in the middle of writing the archive: no ack was sent
        assert B.archives_in(dest) == [] and not BackupRecord.objects.exists()

        second.start()  # redelivers the unacknowledged message once its visibility timeout passes
        assert _wait_for(lambda: BackupRecord.objects.filter(task_key=key).exists()), "the task was lost"
        time.sleep(8)  # longer than the visibility timeout: a second delivery would show now
        execution = TaskExecution.objects.get(key=key)
        assert execution.attempts == 2 and execution.finished_at is not None
        assert BackupRecord.objects.filter(task_key=key, status=BackupRecord.Status.OK).count() == 1
        assert len(B.archives_in(dest)) == 1 and B.verify_archive(B.archives_in(dest)[0])

        celery_app.send_task("security.run_backup", kwargs={"key": key, "dest": str(dest)}, queue=queue)
        time.sleep(5)  # the same key sent again does nothing
        assert BackupRecord.objects.filter(task_key=key).count() == 1 and len(B.archives_in(dest)) == 1
    finally:
        first.stop()
        second.stop()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
