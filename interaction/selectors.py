"""Reads shared by the public pages, the handling queue, the reminders and the statistics."""
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, F, Q
from django.utils import timezone

from cms.models import Department
from cms.workdays import WorkCalendar

from . import codes, permissions as P
from .models import (
    OPEN_STATES, Message, MessageKind, MessageStatus, PublishedAnswer, RoutingRule,
)

#: A supervisor is warned when a message is due within this many working days …
WARN_WORKING_DAYS = 1
#: … or when the three-month ceiling is this many calendar days away.
WARN_CEILING_DAYS = 14


def resolve_department(site, kind, topic=None):
    """``(department, by_rule)``: the department that owns messages of ``kind``/``topic`` on
    ``site`` (分办) — the rule for the topic, else the rule for the kind, else the general office,
    which routes by hand (``by_rule`` False). ``(None, False)`` if the site has neither."""
    condition = Q(topic__isnull=True)
    if topic is not None:
        condition |= Q(topic_id=topic.pk)
    rules = {r.topic_id: r.department for r in
             RoutingRule.objects.filter(site=site, kind=kind).filter(condition).select_related("department")}
    if topic is not None and topic.pk in rules:
        return rules[topic.pk], True
    if None in rules:
        return rules[None], True
    return Department.objects.filter(site=site, is_general_office=True).first(), False


def visible_messages(user):
    """Every message ``user`` may see in the admin (handlers: their department's; supervisors:
    their site's; superusers: all). Content visibility within that is ``permissions``'s."""
    if not (user and user.is_authenticated and user.is_active):
        return Message.objects.none()
    base = Message.objects.select_related("site", "department", "topic")
    if user.is_superuser:
        return base
    condition = Q(pk__in=[])
    if P.is_handler(user) and P.user_department_id(user):
        condition |= Q(department_id=P.user_department_id(user))
    if P.is_supervisor(user) and P.user_site_id(user):
        condition |= Q(site_id=P.user_site_id(user))
    return base.filter(condition)


def message_queue(user, *, open_only=True):
    """The handling queue: oldest first."""
    qs = visible_messages(user)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATES)
    return qs.order_by("received_at", "id")


def allowed_operations(user, message):
    """The operations of ``models.TRANSITIONS`` that ``user`` may start on ``message`` now; the
    admin shows exactly these buttons and the actions check the same rules."""
    from .models import PUBLISHABLE_KINDS, TRANSITIONS

    ops = []
    handler, supervisor = P.handles(user, message), P.supervises(user, message)
    for op, (sources, _target) in TRANSITIONS.items():
        if message.status not in sources:
            continue
        if op == "route" and (handler or supervisor):
            ops.append(op)
        elif op == "answer" and handler:
            ops.append(op)
        elif op == "close_invalid" and (handler or (supervisor and not message.is_confidential)):
            ops.append(op)
        elif (op == "publish" and (handler or supervisor) and message.kind in PUBLISHABLE_KINDS
              and message.publish_consent and not _is_published(message)):
            ops.append(op)
    return ops


def _is_published(message):
    try:
        return message.published_answer.is_public
    except PublishedAnswer.DoesNotExist:
        return False


def working_calendar(today=None):
    today = today or timezone.localdate()
    return WorkCalendar.load(today.year - 1, today.year + 2)


def remaining_working_days(message, cal, today=None):
    """Working days left until the message is due (negative when overdue); None once closed."""
    if message.status not in OPEN_STATES:
        return None
    today = today or timezone.localdate()
    if message.deadline >= today:
        return cal.working_days_between(today, message.deadline)
    return -cal.working_days_between(message.deadline, today)


def _users_with(codename, **filters):
    perm = Permission.objects.filter(content_type__app_label="interaction", codename=codename).first()
    if perm is None:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(Q(groups__permissions=perm) | Q(user_permissions=perm), is_active=True,
                                            **filters).exclude(email="").distinct())


def handler_emails(department):
    return sorted(set(_users_with("handle_message", profile__department=department).values_list("email", flat=True)))


def supervisor_emails(site):
    return sorted(set(_users_with("supervise_messages", profile__site=site).values_list("email", flat=True)))


def messages_to_warn_about(today=None, cal=None):
    """Open messages due within ``WARN_WORKING_DAYS`` working days (or overdue), or close to the
    three-month ceiling, not yet warned about today."""
    today = today or timezone.localdate()
    cal = cal or working_calendar(today)
    due_by = cal.add_working_days(today, WARN_WORKING_DAYS)
    return (Message.objects.filter(status__in=OPEN_STATES)
            .filter(Q(deadline__lte=due_by) | Q(ceiling__lte=today + timedelta(days=WARN_CEILING_DAYS)))
            .exclude(last_warned_on=today)
            .select_related("site", "department").order_by("site_id", "department_id", "deadline"))


def queue_summary(messages, today=None, cal=None):
    """Counts for the supervisor's warning banner: overdue, due within a working day, near the
    ceiling. One query over ``messages`` (a queryset of open messages)."""
    today = today or timezone.localdate()
    cal = cal or working_calendar(today)
    due_by = cal.add_working_days(today, WARN_WORKING_DAYS)
    return messages.filter(status__in=OPEN_STATES).aggregate(
        overdue=Count("id", filter=Q(deadline__lt=today)),
        due_soon=Count("id", filter=Q(deadline__gte=today, deadline__lte=due_by)),
        near_ceiling=Count("id", filter=Q(ceiling__lte=today + timedelta(days=WARN_CEILING_DAYS))),
    )


# --- Public side ---

def published_answers(site):
    return (PublishedAnswer.objects.filter(site=site, is_public=True)
            .only("id", "title", "kind", "received_on", "answered_on", "department_name", "published_at", "site_id")
            .order_by("-published_at", "-id"))


def published_answer(site, pk):
    return PublishedAnswer.objects.filter(site=site, is_public=True, pk=pk).first()


def find_message_for_sender(tracking_number, code):
    """The message with this tracking number *and* query code, or None. The code is compared
    in constant time, and the same comparison runs when the number does not exist, so the
    answer tells nothing about which of the two was wrong. Tracking numbers are stored in lower
    case (an indexed exact match)."""
    number = (tracking_number or "").strip().lower()[:60]
    message = (Message.objects.select_related("site", "department", "answer_department", "topic")
               .filter(tracking_number=number).first() if number else None)
    matches = codes.check_code(code, message.query_code_hash if message is not None else None)
    return message if matches else None


def month_bounds(year):
    return date(year, 1, 1), date(year, 12, 31)


def monthly_statistics(site, year):
    """Public statistics of ``site`` for ``year`` (001 §二(三)4): per month of receipt and per kind,
    valid messages received, answered and answered on time. Invalid messages leave the counts;
    tips and misconduct reports are counted, never described. One query."""
    start, end = month_bounds(year)
    rows = (Message.objects.filter(site=site, received_on__range=(start, end))
            .exclude(status=MessageStatus.INVALID)
            .values("received_on__month", "kind")
            .annotate(received=Count("id"),
                      answered=Count("id", filter=Q(status=MessageStatus.ANSWERED)),
                      on_time=Count("id", filter=Q(status=MessageStatus.ANSWERED, answered_on__lte=F("deadline"))))
            .order_by())
    kinds = list(MessageKind)
    empty = {"received": 0, "answered": 0, "on_time": 0}
    table = {m: {k: dict(empty) for k in kinds} for m in range(1, 13)}
    for row in rows:
        table[row["received_on__month"]][row["kind"]] = {
            "received": row["received"], "answered": row["answered"], "on_time": row["on_time"]}
    months = []
    totals_by_kind = {k: dict(empty) for k in kinds}
    for month in range(1, 13):
        cells = [table[month][k] for k in kinds]
        total = {key: sum(c[key] for c in cells) for key in empty}
        for k in kinds:
            for key in empty:
                totals_by_kind[k][key] += table[month][k][key]
        months.append({"month": month, "label": f"{year}-{month:02d}", "cells": cells, "total": total})
    grand = {key: sum(t[key] for t in totals_by_kind.values()) for key in empty}
    return {"year": year, "kinds": [(k, k.label) for k in kinds], "months": months,
            "totals": [totals_by_kind[k] for k in kinds], "grand": grand}
