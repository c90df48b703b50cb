"""The workflow against the real services: a Celery worker on the Redis broker publishes a
scheduled slip at its time; reconciliation catches a lost task; two approvers publishing at
the same moment publish once. PostgreSQL + Redis only (skipped on the embedded default)."""
from datetime import timedelta
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from cms import actions as cms_actions
from cms.exceptions import ActionRefused
from publishing import actions
from publishing.models import ApprovalSlip, SlipDecision
from publishing.workflow import SlipState
from taxsite.celery import app as celery_app

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
                       reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"),
]
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


def _approved_slip(g, title):
    article = cms_actions.create_draft(acting_user=g.editor, column=g.guides, title=title, body="<p>正文</p>")
    slip = actions.submit_slip(article, acting_user=g.editor, **CONFIRM)
    actions.decide(slip, "dept_approve", acting_user=g.head, secrecy_confirmed=True)
    return slip


@pytest.fixture
def queue():
    """A queue of this test's own, so parallel runs on the same Redis never share tasks."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    old = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = old
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)


class Worker:
    def __init__(self, queue):
        self.queue, self.proc = queue, None

    def start(self):
        db = settings.DATABASES["default"]
        env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                   EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "taxsite", "worker", "--pool", "solo", "-Q", self.queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
            cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def worker(queue):
    w = Worker(queue)
    yield w
    w.stop()


def _wait_for(predicate, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def _state(slip):
    return ApprovalSlip.objects.get(pk=slip.pk).state


def test_the_worker_publishes_a_slip_scheduled_five_seconds_ahead(group, worker):
    worker.start()
    slip = _approved_slip(group, "五秒后发布")
    at = timezone.now() + timedelta(seconds=5)
    actions.decide(slip, "office_schedule", acting_user=group.approver, secrecy_confirmed=True, publish_at=at)
    assert _state(slip) == SlipState.SCHEDULED
    assert _wait_for(lambda: _state(slip) == SlipState.PUBLISHED), "worker did not publish the scheduled slip"
    published = ApprovalSlip.objects.get(pk=slip.pk).published_at
    assert published >= at
    assert SlipDecision.objects.filter(slip=slip, transition="system_publish").count() == 1


def test_reconciliation_publishes_a_slip_whose_task_was_lost_while_the_worker_was_down(group, worker, queue):
    slip = _approved_slip(group, "任务丢失后补发")
    actions.decide(slip, "office_schedule", acting_user=group.approver, secrecy_confirmed=True,
                   publish_at=timezone.now() + timedelta(seconds=2))
    time.sleep(3)  # the publishing time passes while no worker runs
    assert _state(slip) == SlipState.SCHEDULED
    with celery_app.connection_for_write() as conn:  # the ETA task is lost (e.g. Redis restored)
        conn.default_channel.queue_purge(queue)
    worker.start()
    celery_app.send_task("publishing.reconcile", queue=queue)  # what beat sends every minute
    assert _wait_for(lambda: _state(slip) == SlipState.PUBLISHED)
    assert SlipDecision.objects.filter(slip=slip, transition="system_publish").count() == 1


def test_when_both_the_late_task_and_reconciliation_run_the_slip_is_published_once(group, worker, queue):
    slip = _approved_slip(group, "只发布一次")
    actions.decide(slip, "office_schedule", acting_user=group.approver, secrecy_confirmed=True,
                   publish_at=timezone.now() + timedelta(seconds=2))
    time.sleep(3)
    worker.start()  # the ETA task is still queued; reconciliation runs too
    for _ in range(3):
        celery_app.send_task("publishing.reconcile", queue=queue)
    assert _wait_for(lambda: _state(slip) == SlipState.PUBLISHED)
    time.sleep(3)  # let every queued task finish
    assert SlipDecision.objects.filter(slip=slip, transition="system_publish").count() == 1


def test_two_approvers_publishing_the_same_slip_at_once_publish_it_once(group):
    from .factories import make_user

    second = make_user("approver_b", "office_approver", group.national, site=group.national, department=group.office)
    slip = _approved_slip(group, "并发发布")
    barrier = threading.Barrier(2)
    results = {}

    def publish(user):
        try:
            barrier.wait(5)
            actions.decide(ApprovalSlip.objects.get(pk=slip.pk), "office_publish", acting_user=user,
                           secrecy_confirmed=True)
            results[user.username] = "ok"
        except ActionRefused as exc:
            results[user.username] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(u,)) for u in (group.approver, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(v == "ok" for v in results.values()) == [False, True], results
    refusal = next(v for v in results.values() if v != "ok")
    assert "slip" in refusal.lower() or "审批单" in refusal
    assert SlipDecision.objects.filter(slip=slip, transition="office_publish").count() == 1
    assert connection.vendor == "postgresql"
