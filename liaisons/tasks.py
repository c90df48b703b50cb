"""Daily reminders (SPEC §10: "deadline reminders (daily)").

``liaisons.send_daily_reminders`` — for beat, once a day — mails the people concerned:

* liaison vacancies whose replacement deadline is within ``VACANCY_WARN_WORKING_DAYS``
  working days or past: the site managers of the site and the department's head(s);
* slips waiting at a stage longer than ``SitePolicy.slip_stage_days`` working days (2 if the
  policy has no such field): the reviewers of that stage (department heads, general-office
  approvers, bureau leaders);
* new-media accounts behind their update duty: the site managers and the account's
  responsible account.

One mail per person, listing everything that concerns them. The queries are grouped, so
the task's cost grows with the number of reminders, not of sites × objects.
"""
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

VACANCY_WARN_WORKING_DAYS = 3
DEFAULT_SLIP_STAGE_DAYS = 2


def collect_reminders(today=None):
    """``{user: [line, ...]}`` of everything due today. Reads only."""
    from cms.models import Department, Site
    from cms.workdays import WorkCalendar
    from publishing.models import ApprovalSlip
    from publishing.workflow import WAITING_STATES, SlipState

    from .selectors import holders_of, newmedia_duty_findings, open_vacancies, site_policy, users_by_id

    today = today or timezone.localdate()
    calendar = WorkCalendar.load(today.year - 2, today.year + 1)
    lines = defaultdict(list)  # user id -> lines

    vacancies = []
    for vacancy in open_vacancies():
        left = calendar.working_days_between(today, vacancy.deadline)
        if vacancy.deadline < today or left <= VACANCY_WARN_WORKING_DAYS:
            vacancies.append((vacancy, left))
    managers = holders_of("manage_site", Site, {v.site_id for v, _l in vacancies})
    heads = holders_of("review_department", Department, {v.department_id for v, _l in vacancies})
    for vacancy, left in vacancies:
        if vacancy.deadline < today:
            text = _("Liaison vacancy of %(department)s (%(site)s): the successor was due on %(deadline)s and is "
                     "not filed yet.")
        else:
            text = _("Liaison vacancy of %(department)s (%(site)s): file the successor by %(deadline)s "
                     "(%(left)s working days left).")
        line = text % {"department": vacancy.department.name, "site": vacancy.site.name,
                       "deadline": vacancy.deadline, "left": left}
        for user_id in managers[vacancy.site_id] | heads[vacancy.department_id]:
            lines[user_id].append(line)

    slips = list(ApprovalSlip.objects.filter(state__in=sorted(WAITING_STATES))
                 .select_related("site__policy", "department").order_by("stage_entered_at"))
    overdue = []
    for slip in slips:
        limit = getattr(site_policy(slip.site), "slip_stage_days", DEFAULT_SLIP_STAGE_DAYS)
        age = calendar.working_days_between(timezone.localdate(slip.stage_entered_at), today)
        if age > limit:
            overdue.append((slip, age))
    site_ids = {s.site_id for s, _a in overdue}
    approvers = holders_of("publish_site", Site, site_ids)
    leaders = holders_of("signoff_site", Site, site_ids)
    reviewers = holders_of("review_department", Department, {s.department_id for s, _a in overdue})
    for slip, age in overdue:
        who = {SlipState.DEPT_REVIEW: reviewers[slip.department_id], SlipState.LEADER_REVIEW: leaders[slip.site_id]
               }.get(slip.state, approvers[slip.site_id])
        line = _("Slip %(number)s “%(title)s” has waited %(age)s working days at “%(stage)s”.") % {
            "number": slip.number, "title": slip.title, "age": age, "stage": slip.get_state_display()}
        for user_id in who:
            lines[user_id].append(line)

    findings = newmedia_duty_findings(as_of=today)
    account_managers = holders_of("manage_site", Site, {f.account.site_id for f in findings})
    for finding in findings:
        line = _("New-media account %(account)s: %(finding)s") % {"account": finding.account, "finding": finding.message}
        recipients = set(account_managers[finding.account.site_id])
        if finding.account.responsible_user_id:
            recipients.add(finding.account.responsible_user_id)
        for user_id in recipients:
            lines[user_id].append(line)

    users = users_by_id(lines)
    return {users[uid]: sorted(set(texts), key=texts.index) for uid, texts in lines.items() if uid in users}


def send_reminders(today=None):
    """Send the day's reminder mails; returns a summary."""
    with translation.override(settings.LANGUAGE_CODE):
        due = collect_reminders(today)
        mails = []
        for user, texts in due.items():
            if not user.email:
                continue
            body = _("Reminders of the website group for %(date)s:") % {"date": today or timezone.localdate()}
            body += "\n\n" + "\n".join(f"· {t}" for t in texts)
            mails.append(EmailMessage(_("[Website group] %(count)s reminders") % {"count": len(texts)}, body,
                                      settings.DEFAULT_FROM_EMAIL, [user.email]))
        sent = get_connection().send_messages(mails) if mails else 0
    return {"people": len(due), "mails": sent or 0, "without_email": len(due) - len(mails)}


@shared_task(name="liaisons.send_daily_reminders", acks_late=True)
def send_daily_reminders():
    """Beat, daily (e.g. 08:00 Asia/Shanghai)."""
    return send_reminders()
