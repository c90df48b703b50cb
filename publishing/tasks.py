"""Celery tasks of the workflow. Publishing tasks acknowledge late and are idempotent, so a
worker killed mid-task leads to the task running again and publishing once."""
from celery import shared_task
from django.core.mail import send_mail
from django.utils.translation import gettext as _


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


@shared_task(name="publishing.send_slip_mail", acks_late=True, autoretry_for=(Exception,), retry_backoff=True,
             retry_backoff_max=600, max_retries=None)
def send_slip_mail(kind, slip_id, transition=""):
    from .models import ApprovalSlip
    from .notify import recipients_for

    slip = ApprovalSlip.objects.select_related("site").get(pk=slip_id)
    to = recipients_for(slip, kind, transition)
    if not to:
        return 0
    last = slip.decisions.order_by("-at").first()
    comment = last.comment if last and last.comment else ""
    subject = _("[%(site)s] Slip %(number)s: %(state)s") % {"site": slip.site.name, "number": slip.number,
                                                            "state": slip.get_state_display()}
    body = _("“%(title)s” is now: %(state)s.") % {"title": slip.title, "state": slip.get_state_display()}
    if comment:
        body += "\n" + _("Comment: %(c)s") % {"c": comment}
    return send_mail(subject, body, None, to)
