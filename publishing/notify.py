"""Notifications of the workflow (e-mail; the console backend in the demo), through the
outbox so a dead broker or mail server delays a mail but never loses it."""
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from taxsite import outbox


def slip_waiting(slip):
    """Inside the submit/hand-over transaction: tell the next reviewers."""
    _queue(slip, recipients_for(slip, "waiting"))


def slip_decided(slip, transition):
    """Inside the decision transaction: the next reviewers on a hand-over, the submitter on a
    return or a publish (with the reviewer's comment)."""
    _queue(slip, recipients_for(slip, "decided"))


def _queue(slip, to):
    if not to:
        return
    last = slip.decisions.order_by("-at", "-id").first()
    subject = _("[%(site)s] Slip %(number)s: %(state)s") % {"site": slip.site.name, "number": slip.number,
                                                            "state": slip.get_state_display()}
    body = _("“%(title)s” is now: %(state)s.") % {"title": slip.title, "state": slip.get_state_display()}
    if last is not None and last.comment:
        body += "\n" + _("Comment: %(c)s") % {"c": last.comment}
    outbox.queue("mail", {"to": to, "subject": subject, "body": body})


@outbox.register("mail")
def _send(payload):
    send_mail(payload["subject"], payload["body"], None, payload["to"])


def recipients_for(slip, kind):
    from django.contrib.auth import get_user_model
    from guardian.shortcuts import get_users_with_perms

    from cms.models import Department, Site

    from .workflow import SlipState

    User = get_user_model()
    if slip.state == SlipState.DEPT_REVIEW:
        users = get_users_with_perms(Department.objects.get(pk=slip.department_id),
                                     only_with_perms_in=["review_department"], with_group_users=True)
    elif slip.state == SlipState.OFFICE_REVIEW:
        users = get_users_with_perms(Site.objects.get(pk=slip.site_id), only_with_perms_in=["publish_site"],
                                     with_group_users=True)
    elif slip.state == SlipState.LEADER_REVIEW:
        users = get_users_with_perms(Site.objects.get(pk=slip.site_id), only_with_perms_in=["signoff_site"],
                                     with_group_users=True)
    else:  # returned, published, scheduled, failed: the submitter
        users = User.objects.filter(pk=slip.submitted_by_id)
    return sorted({u.email for u in users if u.email and u.is_active and u.pk != slip.submitted_by_id}
                  if slip.state in (SlipState.DEPT_REVIEW, SlipState.OFFICE_REVIEW, SlipState.LEADER_REVIEW)
                  else {u.email for u in users if u.email and u.is_active})
