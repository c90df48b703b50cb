"""The mail outbox: a ``Notification`` row written in the transaction of the change that causes
it, handed to Celery after commit, swept up again by ``tasks.retry_pending_notifications`` if
the broker or the mail server was down. Mails name the message by number only: content stays
in the admin."""
import logging

from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def queue_mail(message, recipients, subject, body):
    """Queue a mail in the current transaction; returns the outbox row (None: no recipient)."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return None
    note = Notification.objects.create(message=message, recipients=recipients, subject=subject[:200], body=body)
    transaction.on_commit(lambda: enqueue(note.pk))
    return note


def enqueue(notification_id):
    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:  # broker down: the row stays pending and the sweeper sends it
        logger.exception("could not queue notification %s; the sweeper will retry", notification_id)
