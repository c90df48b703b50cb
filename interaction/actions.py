"""State changes of public messages. Each action checks permission and state itself, runs in
one transaction, writes its audit event in that transaction and sends mail only after commit
(through the ``Notification`` outbox and a Celery task). Views, the admin, tasks and tests all
call these functions.
"""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _, override, pgettext

from cms.exceptions import ActionRefused
from cms.models import Department, SitePolicy
from cms.workdays import WorkCalendar
from security.audit import record

from . import codes, permissions as P
from .models import (
    PUBLISHABLE_KINDS, TRANSITIONS, InvalidReason, Message, MessageAttachment, MessageKind, MessageStatus,
    PublishedAnswer, RoutingStep, TrackingCounter,
)
from .outbox import queue_mail
from .redact import redact
from .search import index_text
from .selectors import handler_emails, resolve_department, supervisor_emails

MAX_ANSWER_LENGTH = 10000
VISITOR = "visitor"  # the actor name of public submissions in the audit trail


# --- helpers -------------------------------------------------------------------------------

def _policy(site):
    # Read afresh: the site manager may have changed it since ``site`` was loaded.
    return SitePolicy.objects.filter(site_id=site.pk).first() or SitePolicy(site=site)  # defaults of SPEC §5


def reply_days(policy, kind):
    """Working days to answer a message of ``kind`` (SPEC §5). Tips and misconduct reports get the
    mailbox deadline for the first reply to the sender (受理告知); the investigation itself runs
    on the inspection bureau's and discipline office's own rules."""
    if kind == MessageKind.ERROR_REPORT:
        return policy.error_report_reply_days
    return policy.consultation_reply_days


def compute_deadlines(site, kind, received_on, cal=None):
    """``(deadline, ceiling)``: the working-day deadline, capped by the ceiling of
    ``message_ceiling_days`` calendar days (national inspection: no valid message unanswered for
    three months)."""
    policy = _policy(site)
    cal = cal or WorkCalendar.load(received_on.year - 1, received_on.year + 2)
    ceiling = received_on + timedelta(days=policy.message_ceiling_days)
    return min(cal.add_working_days(received_on, reply_days(policy, kind)), ceiling), ceiling


def _next_sequence(site, day):
    # UPDATE first: it takes the row lock (PostgreSQL) or the write lock (SQLite) before the
    # read, so two submissions never get the same number.
    if TrackingCounter.objects.filter(site=site, day=day).update(last=F("last") + 1) == 0:
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(site=site, day=day, last=1)
            return 1
        except IntegrityError:
            TrackingCounter.objects.filter(site=site, day=day).update(last=F("last") + 1)
    return TrackingCounter.objects.get(site=site, day=day).last


def _require(condition, message):
    if not condition:
        raise ActionRefused(message)


def _require_state(message, operation):
    sources, _target = TRANSITIONS[operation]
    if message.status not in sources:
        raise ActionRefused(_("This is not possible while the message is “%(status)s”.")
                            % {"status": message.get_status_display()})


def _locked(message):
    # Lock the message row only (the department join is an outer join, which PostgreSQL will
    # not lock).
    return Message.objects.select_for_update(of=("self",)).select_related("site", "department").get(pk=message.pk)


def _notify_department(message, event):
    if message.department_id is None:
        return
    with override("zh-hans"):
        subject = _("[Public message] %(event)s: %(number)s") % {"event": event, "number": message.tracking_number}
        body = _(
            "Message %(number)s (%(kind)s) is with %(department)s.\nAnswer due: %(deadline)s.\n"
            "Please handle it in the management system. (The content is not sent by e-mail.)"
        ) % {"number": message.tracking_number, "kind": message.get_kind_display(),
             "department": message.department.name, "deadline": message.deadline.isoformat()}
    queue_mail(message, handler_emails(message.department), subject, body)


def _lookup_url(site):
    return f"https://{site.domain}/hudong/lookup/"


# --- actions -------------------------------------------------------------------------------

def submit_message(*, site, kind, subject, body, topic=None, page_url="", accused="", sender_name="",
                   sender_phone="", sender_email="", publish_consent=False, attachments=(), client_ip=None,
                   request=None):
    """Accept a public submission. Caller: the public forms (anyone).

    Guarantees: when this returns, the message, its attachments, its routing and its audit
    event are committed (the transaction is durable: it cannot be nested in a caller's
    transaction that might still roll back), so the tracking number shown to the visitor
    always refers to a stored message. Returns ``(message, query_code)``; the query code is
    shown once and stored only as a hash. ``attachments`` are ``cms.uploads.CheckedUpload``s.
    """
    if kind not in MessageKind.values:
        raise ActionRefused(_("Unknown kind of message."))
    if topic is not None and topic.site_id != site.pk:
        raise ActionRefused(_("This topic does not belong to this site."))
    if publish_consent and kind not in PUBLISHABLE_KINDS:
        publish_consent = False  # tips and reports are never published, whatever was ticked
    now = timezone.now()
    received_on = timezone.localdate(now)
    deadline, ceiling = compute_deadlines(site, kind, received_on)
    code = codes.new_code()
    with transaction.atomic(durable=True):
        number = f"{site.code.lower()}-{received_on:%Y%m%d}-{_next_sequence(site, received_on):04d}"
        message = Message(
            site=site, kind=kind, topic=topic, tracking_number=number,
            query_code_hash=codes.hash_code(code),
            subject=subject, body=body, page_url=page_url if kind == MessageKind.ERROR_REPORT else "",
            accused=accused if kind in (MessageKind.TAX_TIP, MessageKind.MISCONDUCT) else "",
            sender_name=sender_name, sender_phone=sender_phone, sender_email=sender_email,
            client_ip=client_ip, publish_consent=bool(publish_consent),
            publish_consent_at=now if publish_consent else None,
            received_at=now, received_on=received_on, deadline=deadline, ceiling=ceiling,
        )
        try:
            message.full_clean(exclude=["query_code_hash"])
        except ValidationError as exc:
            raise ActionRefused("; ".join(exc.messages))
        department, by_rule = resolve_department(site, kind, topic)
        if department is not None:
            message.department, message.routed_at, message.status = department, now, MessageStatus.IN_HAND
        message.save()
        for upload in attachments:
            att = MessageAttachment(message=message, original_name=upload.original_name[:255],
                                    content_type=upload.content_type, extension=upload.extension,
                                    size=len(upload.content), sha256=upload.sha256)
            att.file.save(f"{upload.sha256}{upload.extension}", ContentFile(upload.content), save=False)
            att.save()
        address = None if request is not None else client_ip  # with a request, ``record`` reads it there
        record("message.submit", actor=VISITOR, obj=message, site=site, request=request, ip=address,
               data={"kind": kind, "attachments": len(attachments), "consent": message.publish_consent})
        if department is not None:
            with override("zh-hans"):
                why = (pgettext("interaction", "Routing rule") if by_rule else
                       pgettext("interaction", "No routing rule: to the general office for routing"))
            RoutingStep.objects.create(message=message, to_department=department, at=now, reason=why)
            record("message.route", actor=VISITOR, obj=message, site=site, request=request, ip=address,
                   data={"to": department.pk, "rule": by_rule})
            with override("zh-hans"):
                _notify_department(message, pgettext("interaction", "new message"))
        else:
            with override("zh-hans"):
                queue_mail(message, supervisor_emails(site),
                           _("[Public message] %(event)s: %(number)s") % {
                               "event": pgettext("interaction", "new message without a department"),
                               "number": number},
                           _("No routing rule and no general office: please route message %(number)s.")
                           % {"number": number})
        if sender_email and not message.is_confidential:
            # No acknowledgement mail for tips and reports: a mail from the tax office in a
            # shared mailbox could expose the whistle-blower. The query code is never mailed.
            with override("zh-hans"):
                subject_line = _("Your message has been received: %(number)s") % {"number": number}
                text = _("We have received your message. Tracking number: %(number)s. Look up its status with the "
                         "tracking number and the query code shown when you sent it: %(url)s") % {
                    "number": number, "url": _lookup_url(site)}
            queue_mail(message, [sender_email], subject_line, text)
    return message, code


def route_message(message, *, department, reason, acting_user, request=None):
    """Route (分办) or re-route (转办) a message to ``department`` of the same site, with a reason.
    Caller: a handler of the department that has it now, or a supervisor of the site. The
    deadline keeps running from receipt: re-routing does not give more time."""
    reason = (reason or "").strip()
    _require(reason, _("Give a reason for routing the message."))
    with transaction.atomic():
        message = _locked(message)
        _require(P.handles(acting_user, message) or P.supervises(acting_user, message),
                 _("You may not route this message."))
        _require_state(message, "route")
        if not isinstance(department, Department):
            department = Department.objects.get(pk=department)
        _require(department.site_id == message.site_id,
                 _("A message can only be routed to a department of its own site."))
        _require(department.pk != message.department_id, _("The message is already with this department."))
        previous = message.department
        now = timezone.now()
        message.department, message.routed_at, message.status = department, now, MessageStatus.IN_HAND
        message.save(update_fields=["department", "routed_at", "status"])
        RoutingStep.objects.create(message=message, from_department=previous, to_department=department,
                                   reason=reason[:500], by=acting_user, at=now)
        record("message.route", actor=acting_user, obj=message, site=message.site, request=request,
               data={"from": getattr(previous, "pk", None), "to": department.pk, "reason": reason[:500]})
        with override("zh-hans"):
            _notify_department(message, pgettext("interaction", "message routed to your department"))
    return message


def answer_message(message, *, answer, acting_user, request=None):
    """Answer a message. Caller: a handler of the department that has it. The answering
    department and the dates are recorded for the public Q&A and the statistics."""
    answer = (answer or "").strip()
    _require(answer, _("Write the answer."))
    _require(len(answer) <= MAX_ANSWER_LENGTH,
             _("The answer is too long (at most %(max)d characters).") % {"max": MAX_ANSWER_LENGTH})
    with transaction.atomic():
        message = _locked(message)
        _require(P.handles(acting_user, message), _("Only the department handling this message may answer it."))
        _require_state(message, "answer")
        now = timezone.now()
        message.answer, message.answered_at, message.answered_on = answer, now, timezone.localdate(now)
        message.answered_by, message.answer_department = acting_user, message.department
        message.status = MessageStatus.ANSWERED
        message.save(update_fields=["answer", "answered_at", "answered_on", "answered_by", "answer_department",
                                    "status"])
        record("message.answer", actor=acting_user, obj=message, site=message.site, request=request,
               data={"on_time": message.answered_on_time, "department": message.department_id})
        if message.sender_email and not message.is_confidential:
            with override("zh-hans"):
                subject_line = _("Your message has been answered: %(number)s") % {"number": message.tracking_number}
                text = _("Your message %(number)s has been answered. Read the answer with the tracking number and "
                         "your query code: %(url)s") % {"number": message.tracking_number,
                                                       "url": _lookup_url(message.site)}
            queue_mail(message, [message.sender_email], subject_line, text)
    return message


def close_message_invalid(message, *, reason, note="", duplicate_of=None, acting_user, request=None):
    """Close a message as invalid (spam, duplicate, abusive, out of scope …) with a reason. It is
    kept, leaves the counts, and the sender sees the reason. Caller: a handler of the
    department that has it, or a supervisor of the site — except for tips and misconduct
    reports, which only the handling department can judge."""
    _require(reason in InvalidReason.values, _("Choose why the message is invalid."))
    with transaction.atomic():
        message = _locked(message)
        allowed = P.handles(acting_user, message) or (P.supervises(acting_user, message)
                                                      and not message.is_confidential)
        _require(allowed, _("You may not close this message."))
        _require_state(message, "close_invalid")
        if duplicate_of is not None:
            _require(duplicate_of.pk != message.pk and duplicate_of.site_id == message.site_id,
                     _("A message can only duplicate another message of the same site."))
        message.status, message.invalid_reason, message.close_note = MessageStatus.INVALID, reason, (note or "")[:500]
        message.duplicate_of = duplicate_of
        message.closed_at, message.closed_by = timezone.now(), acting_user
        message.save(update_fields=["status", "invalid_reason", "close_note", "duplicate_of", "closed_at",
                                    "closed_by"])
        record("message.close_invalid", actor=acting_user, obj=message, site=message.site, request=request,
               data={"reason": reason, "note": message.close_note,
                     "duplicate_of": getattr(duplicate_of, "pk", None)})
    return message


def publish_answer(message, *, acting_user, title=None, question=None, answer=None, request=None):
    """Publish an answered consultation or mailbox letter as Q&A. Caller: a handler of the
    answering department or a supervisor of the site. Refused without the sender's consent and
    for tips and reports. The name the sender gave, telephone, identity-card and bank-card
    numbers and e-mail addresses are removed from the title, question and answer — also from
    any edited text passed in."""
    with transaction.atomic():
        message = _locked(message)
        _require(message.kind in PUBLISHABLE_KINDS,
                 _("Only consultations and mailbox letters are published; tips and reports never are."))
        _require(P.handles(acting_user, message) or P.supervises(acting_user, message),
                 _("You may not publish this answer."))
        _require_state(message, "publish")
        _require(message.publish_consent, _("The sender did not consent to publication."))
        existing = PublishedAnswer.objects.select_for_update().filter(message=message).first()
        _require(existing is None or not existing.is_public, _("This answer is already published."))
        names = [message.sender_name]
        clean_title = redact((title or message.subject).strip(), names=names)[:100]
        clean_question = redact((question or message.body).strip(), names=names)
        clean_answer = redact((answer or message.answer).strip(), names=names)
        _require(clean_title and clean_question and clean_answer, _("Title, question and answer are required."))
        department = message.answer_department or message.department
        published = existing or PublishedAnswer(message=message)
        published.site_id, published.kind = message.site_id, message.kind
        published.title, published.question, published.answer = clean_title, clean_question, clean_answer
        published.received_on, published.answered_on = message.received_on, message.answered_on
        published.department_name = department.name if department else ""
        published.published_at, published.published_by = timezone.now(), acting_user
        published.is_public, published.unpublished_reason = True, ""
        published.search_tokens = index_text(clean_title, clean_question)
        published.save()
        record("message.publish_answer", actor=acting_user, obj=message, site=message.site, request=request,
               data={"published_answer": published.pk})
    return published


def unpublish_answer(published, *, reason, acting_user, request=None):
    """Take a published Q&A off the public site (the row stays). Caller: a handler of the
    message's department or a supervisor of the site; the reason is required."""
    reason = (reason or "").strip()
    _require(reason, _("Give a reason for unpublishing."))
    with transaction.atomic():
        published = PublishedAnswer.objects.select_for_update().select_related("message").get(pk=published.pk)
        message = published.message
        _require(P.handles(acting_user, message) or P.supervises(acting_user, message),
                 _("You may not unpublish this answer."))
        _require(published.is_public, _("This answer is not published."))
        published.is_public, published.unpublished_reason = False, reason[:500]
        published.save(update_fields=["is_public", "unpublished_reason"])
        record("message.unpublish_answer", actor=acting_user, obj=message, site=message.site, request=request,
               data={"reason": reason[:500]})
    return published
