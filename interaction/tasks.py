"""Celery tasks of the interaction app: sending the outbox, and the daily deadline warnings.

Beat schedule (settings): ``retry_pending_notifications`` every few minutes, ``warn_due_messages``
daily in the morning.
"""
from collections import defaultdict
from datetime import timedelta
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override, pgettext

from security.audit import record

from .models import Message, Notification
from .outbox import queue_mail
from .selectors import handler_emails, messages_to_warn_about, supervisor_emails, working_calendar

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
SWEEP_AFTER = timedelta(minutes=2)  # leave fresh rows to the task queued at commit


def deliver(notification_id):
    """Send one outbox mail. True once sent (also if it had been sent before); False if this
    attempt failed — the row stays pending until ``MAX_ATTEMPTS`` and then shows as failed."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if note is None or note.status == Notification.Status.SENT:
            return True
        if note.status == Notification.Status.FAILED:
            return False
        note.attempts += 1
        try:
            send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, note.recipients, fail_silently=False)
        except Exception as exc:  # any transport error: keep the row, record why
            note.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if note.attempts >= MAX_ATTEMPTS:
                note.status = Notification.Status.FAILED
                logger.error("notification %s failed %s times; giving up: %s", note.pk, note.attempts, note.last_error)
            note.save(update_fields=["attempts", "last_error", "status"])
            return False
        note.status, note.sent_at, note.last_error = Notification.Status.SENT, timezone.now(), ""
        note.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, ignore_result=True)
def deliver_notification(self, notification_id):
    if deliver(notification_id) or self.request.is_eager:
        # In eager mode (the embedded default) a failure is left to the sweeper rather than
        # retried on the spot inside the request that caused it.
        return
    raise self.retry(countdown=min(3600, 30 * 2 ** self.request.retries))


@shared_task(ignore_result=True)
def retry_pending_notifications():
    """Send every pending outbox row older than a couple of minutes (the queued task may have
    been lost with the broker). Returns the number sent."""
    cutoff = timezone.now() - SWEEP_AFTER
    ids = list(Notification.objects.filter(status=Notification.Status.PENDING, created_at__lte=cutoff)
               .order_by("created_at").values_list("pk", flat=True)[:500])
    sent = sum(1 for pk in ids if deliver(pk))
    logger.info("interaction outbox: %s of %s pending notifications sent", sent, len(ids))
    return sent


@shared_task(ignore_result=True)
def warn_due_messages(today=None):
    """Warn handlers and the site's supervisors of messages due within a working day, overdue, or
    close to the three-month ceiling — once a day per message. Returns the number of messages
    warned about."""
    today = today or timezone.localdate()
    cal = working_calendar(today)
    messages = list(messages_to_warn_about(today, cal))
    if not messages:
        return 0
    by_department = defaultdict(list)
    by_site = defaultdict(list)
    for message in messages:
        if message.department_id:
            by_department[message.department].append(message)
        by_site[message.site].append(message)
    with transaction.atomic(), override("zh-hans"):
        for department, items in by_department.items():
            _warn(handler_emails(department), department.name, items, today)
        for site, items in by_site.items():
            _warn(supervisor_emails(site), site.name, items, today)
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(last_warned_on=today)
        record("message.deadline_warning", actor="system",
               data={"messages": len(messages), "date": today.isoformat()})
    return len(messages)


def _warn(recipients, scope_name, items, today):
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    lines = []
    for m in items:
        state = pgettext("interaction", "overdue") if m.deadline < today else pgettext("interaction", "due")
        latest = pgettext("interaction", "at the latest")
        lines.append(f"{m.tracking_number}  {m.get_kind_display()}  {state} {m.deadline.isoformat()}  "
                     f"({latest} {m.ceiling.isoformat()})  {m.department.name if m.department else '—'}")
    subject = pgettext("interaction", "[Public message] %(count)d messages need an answer soon (%(scope)s)") % {
        "count": len(items), "scope": scope_name}
    queue_mail(None, recipients, subject, "\n".join(lines))
