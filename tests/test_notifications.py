"""Workflow notifications reach the right people, and a dead mail server or broker delays
them without losing them or the publish (SPEC §4, issue 3 "Bad input")."""
import os

import pytest
from django.core import mail

from cms import actions as cms_actions
from cms.models import Article, ArticleStatus
from publishing import actions
from taxsite.models import OutboxItem
from taxsite.outbox import sweep

pytestmark = pytest.mark.django_db
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


@pytest.fixture
def mailed(group, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user, address in ((group.editor, "editor@tax.test"), (group.head, "head@tax.test"),
                          (group.approver, "approver@tax.test")):
        user.email = address
        user.save(update_fields=["email"])
    return group


def deliver_all():
    """Carry out pending outbox items now (a worker or the beat sweeper would)."""
    return sweep(older_than_seconds=0)


def _submit(g):
    article = cms_actions.create_draft(acting_user=g.editor, column=g.guides, title="通知测试", body="<p>x</p>")
    return actions.submit_slip(article, acting_user=g.editor, **CONFIRM)


def test_the_next_reviewer_is_told_on_every_hand_over(mailed):
    slip = _submit(mailed)
    deliver_all()
    assert [m.to for m in mail.outbox] == [["head@tax.test"]]
    actions.decide(slip, "dept_approve", acting_user=mailed.head, secrecy_confirmed=True)
    deliver_all()
    assert mail.outbox[-1].to == ["approver@tax.test"]


def test_the_submitter_is_told_of_a_return_with_the_reviewers_comment(mailed):
    slip = _submit(mailed)
    actions.decide(slip, "dept_return", acting_user=mailed.head, comment="请补充政策依据")
    deliver_all()
    assert mail.outbox[-1].to == ["editor@tax.test"] and "请补充政策依据" in mail.outbox[-1].body


def test_a_dead_mail_server_delays_the_mail_but_loses_neither_the_publish_nor_the_mail(
        mailed, settings, django_capture_on_commit_callbacks):
    slip = _submit(mailed)
    actions.decide(slip, "dept_approve", acting_user=mailed.head, secrecy_confirmed=True)
    deliver_all()
    settings.EMAIL_BACKEND = "tests.support.failing_mail.DeadMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide(slip, "office_publish", acting_user=mailed.approver, secrecy_confirmed=True)
    deliver_all()
    assert Article.objects.get(pk=slip.article_id).status == ArticleStatus.PUBLISHED
    pending = OutboxItem.objects.filter(kind="mail", done_at__isnull=True)
    assert pending.count() == 1 and "unreachable" in pending.get().last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert sweep(older_than_seconds=0) == (1, 0)
    assert [m.to for m in mail.outbox] == [["editor@tax.test"]]
    assert sweep(older_than_seconds=0) == (0, 0)  # never twice


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis broker (REDIS_URL)")
def test_with_the_broker_down_the_publish_commits_and_the_sweeper_delivers_later(
        mailed, django_capture_on_commit_callbacks):
    from taxsite.celery import app

    slip = _submit(mailed)
    actions.decide(slip, "dept_approve", acting_user=mailed.head, secrecy_confirmed=True)
    deliver_all()
    good = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    _reset_pool(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.decide(slip, "office_publish", acting_user=mailed.approver, secrecy_confirmed=True)
    finally:
        app.conf.broker_url = good
        _reset_pool(app)
    assert Article.objects.get(pk=slip.article_id).status == ArticleStatus.PUBLISHED
    assert OutboxItem.objects.filter(done_at__isnull=True).count() == 2  # the mail and the purge
    done, still = sweep(older_than_seconds=0)
    assert (done, still) == (2, 0)
    assert mail.outbox[-1].to == ["editor@tax.test"]


def _reset_pool(app):
    """Drop the producer pool so the next send connects to the broker URL now configured."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
