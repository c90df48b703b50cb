"""Celery tasks of the workflow. Publishing tasks acknowledge late and are idempotent, so a
worker killed mid-task leads to the task running again and publishing once."""
from celery import shared_task


@shared_task(name="publishing.publish_scheduled_slip", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def publish_scheduled_slip(slip_id):
    from .actions import publish_due_slip

    return publish_due_slip(slip_id)


@shared_task(name="publishing.reconcile", acks_late=True)
def reconcile():
    """Beat, every minute: scheduled slips whose time has passed, and expiries."""
    from .actions import expire_due_articles, reconcile_scheduled

    return {"published": reconcile_scheduled(), "expired": expire_due_articles()}
