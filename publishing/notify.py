"""Notifications of the workflow (e-mail; the console backend in the demo). Called after
commit; the sending runs in a Celery task that retries until the mail server answers."""
import logging

logger = logging.getLogger(__name__)


def _enqueue(kind, slip_id, transition=""):
    from .tasks import send_slip_mail

    try:
        send_slip_mail.delay(kind, slip_id, transition)
    except Exception:  # noqa: BLE001 - the broker may be down; the publish itself stands
        logger.exception("could not enqueue %s mail for slip %s", kind, slip_id)


def slip_waiting(slip_id):
    _enqueue("waiting", slip_id)


def slip_decided(slip_id, transition):
    _enqueue("decided", slip_id, transition)


def recipients_for(slip, kind, transition):
    """E-mail addresses to tell: the next reviewers on a hand-over; the submitter on return
    and on publish."""
    from django.contrib.auth import get_user_model

    from cms.models import Department, Site
    from guardian.shortcuts import get_users_with_perms

    from .workflow import SlipState

    User = get_user_model()
    if kind == "waiting" or slip.state in (SlipState.OFFICE_REVIEW, SlipState.LEADER_REVIEW, SlipState.DEPT_REVIEW):
        if slip.state == SlipState.DEPT_REVIEW:
            users = get_users_with_perms(Department.objects.get(pk=slip.department_id), only_with_perms_in=[
                "review_department"], with_group_users=True)
        elif slip.state == SlipState.OFFICE_REVIEW:
            users = get_users_with_perms(Site.objects.get(pk=slip.site_id), only_with_perms_in=["publish_site"],
                                         with_group_users=True)
        else:
            users = get_users_with_perms(Site.objects.get(pk=slip.site_id), only_with_perms_in=["signoff_site"],
                                         with_group_users=True)
        return sorted({u.email for u in users if u.email and u.is_active and u.pk != slip.submitted_by_id})
    submitter = User.objects.filter(pk=slip.submitted_by_id, is_active=True).first()
    return [submitter.email] if submitter and submitter.email else []
