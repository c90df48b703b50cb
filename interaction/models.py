"""Public messages (留言/信件) and what becomes of them: routing, answers, published Q&A.

Models hold fields, constraints and small derived properties. Every state change is a
function in ``interaction/actions.py``; shared reads live in ``interaction/selectors.py``.
The states and the transitions between them are the table ``TRANSITIONS`` below; the
actions, the admin buttons and the tests all read it.
"""
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .validators import MAX_BODY, MAX_SUBJECT, validate_body_length, validate_plain_text


class MessageKind(models.TextChoices):
    MAILBOX = "mailbox", pgettext_lazy("interaction", "Director's mailbox")
    CONSULTATION = "consultation", pgettext_lazy("interaction", "Tax consultation")
    ERROR_REPORT = "error_report", pgettext_lazy("interaction", "Website error report")
    TAX_TIP = "tax_tip", pgettext_lazy("interaction", "Tax-violation tip")
    MISCONDUCT = "misconduct", pgettext_lazy("interaction", "Staff-misconduct report")


#: Kinds whose content only the handling department may read, and which are never published.
CONFIDENTIAL_KINDS = frozenset({MessageKind.TAX_TIP, MessageKind.MISCONDUCT})
#: Kinds whose answer may be published as Q&A (with the sender's consent, personal data removed).
PUBLISHABLE_KINDS = frozenset({MessageKind.MAILBOX, MessageKind.CONSULTATION})
#: The address segment of each public form (``/hudong/write/<slug>/``).
KIND_SLUGS = {
    "mailbox": MessageKind.MAILBOX,
    "consultation": MessageKind.CONSULTATION,
    "error-report": MessageKind.ERROR_REPORT,
    "tax-tip": MessageKind.TAX_TIP,
    "misconduct": MessageKind.MISCONDUCT,
}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


class MessageStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("interaction", "Received, waiting to be routed")
    IN_HAND = "in_hand", pgettext_lazy("interaction", "Being handled")
    ANSWERED = "answered", pgettext_lazy("interaction", "Answered")
    INVALID = "invalid", pgettext_lazy("interaction", "Closed as invalid")


#: The workflow as data: operation -> (states it may start from, state it leads to).
#: ``publish``/``unpublish`` do not change the message state; they act on its Q&A copy.
TRANSITIONS = {
    "route": (frozenset({MessageStatus.RECEIVED, MessageStatus.IN_HAND}), MessageStatus.IN_HAND),
    "answer": (frozenset({MessageStatus.IN_HAND}), MessageStatus.ANSWERED),
    "close_invalid": (frozenset({MessageStatus.RECEIVED, MessageStatus.IN_HAND}), MessageStatus.INVALID),
    "publish": (frozenset({MessageStatus.ANSWERED}), MessageStatus.ANSWERED),
}
OPEN_STATES = frozenset({MessageStatus.RECEIVED, MessageStatus.IN_HAND})


class InvalidReason(models.TextChoices):
    SPAM = "spam", pgettext_lazy("interaction", "Spam or advertising")
    DUPLICATE = "duplicate", pgettext_lazy("interaction", "Duplicate of another message")
    ABUSIVE = "abusive", pgettext_lazy("interaction", "Abusive or unlawful content")
    OUT_OF_SCOPE = "out_of_scope", pgettext_lazy("interaction", "Outside the remit of the tax administration")
    NO_CONTENT = "no_content", pgettext_lazy("interaction", "No understandable content")


class Topic(models.Model):
    """A subject the visitor picks on the form (增值税, 个人所得税, 发票 …); routing rules are
    keyed by it. Kept per site: each bureau names its own topics."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.CASCADE,
                             related_name="interaction_topics")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered on the forms"), default=True)

    class Meta:
        verbose_name = _("message topic")
        verbose_name_plural = _("message topics")
        ordering = ["site", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="interaction_topic_unique_per_site")]

    def __str__(self):
        return self.name


class RoutingRule(models.Model):
    """分办 rule set by the site manager: messages of ``kind`` (and ``topic``, or any topic when
    empty) go to ``department``. The most specific rule wins; without one a message goes to
    the general office, which routes it by hand."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.CASCADE,
                             related_name="interaction_rules")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="rules", help_text=_("Leave empty for every topic of this kind."))
    department = models.ForeignKey("cms.Department", verbose_name=_("handling department"),
                                   on_delete=models.PROTECT, related_name="interaction_rules")

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["site", "kind", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "topic"], name="interaction_rule_unique"),
            models.UniqueConstraint(fields=["site", "kind"], condition=Q(topic__isnull=True),
                                    name="interaction_rule_unique_any_topic"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.topic or '*'} → {self.department}"

    def clean(self):
        errors = {}
        if self.site_id and self.department_id and self.department.site_id != self.site_id:
            errors["department"] = _("The department must belong to the rule's site.")
        if self.site_id and self.topic_id and self.topic.site_id != self.site_id:
            errors["topic"] = _("The topic must belong to the rule's site.")
        if errors:
            raise ValidationError(errors)


class Message(models.Model):
    """One public submission. Never deleted: an invalid one is closed with a reason."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="interaction_messages")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="messages")
    tracking_number = models.CharField(_("tracking number"), max_length=60, unique=True)
    query_code_hash = models.CharField(max_length=200, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=MessageStatus.choices,
                              default=MessageStatus.RECEIVED)

    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT, validators=[validate_plain_text])
    body = models.TextField(_("message"), max_length=MAX_BODY, validators=[validate_plain_text, validate_body_length])
    page_url = models.URLField(_("page concerned"), max_length=500, blank=True, validators=[validate_plain_text])
    accused = models.CharField(_("person or unit reported"), max_length=100, blank=True,
                               validators=[validate_plain_text])
    # Contact details: shown to the handling department only.
    sender_name = models.CharField(_("name"), max_length=50, blank=True, validators=[validate_plain_text])
    sender_phone = models.CharField(_("telephone"), max_length=30, blank=True, validators=[validate_plain_text])
    sender_email = models.EmailField(_("e-mail"), blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    publish_consent = models.BooleanField(_("consents to publication"), default=False)
    publish_consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)

    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("date received"), db_index=True)
    deadline = models.DateField(_("answer due"), help_text=_(
        "Working days from the site policy, counted from receipt; never later than the ceiling."))
    ceiling = models.DateField(_("latest possible answer"),
                               help_text=_("No valid message may stay unanswered longer (national inspection)."))

    department = models.ForeignKey("cms.Department", verbose_name=_("handling department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="interaction_messages")
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)

    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("date answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answer_department = models.ForeignKey("cms.Department", verbose_name=_("answering department"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")

    invalid_reason = models.CharField(_("reason invalid"), max_length=20, choices=InvalidReason.choices, blank=True)
    close_note = models.CharField(_("note"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    last_warned_on = models.DateField(_("last deadline warning"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")
        ordering = ["received_at", "id"]
        permissions = [
            ("handle_message", _("Handle the public messages of the own department")),
            ("supervise_messages", _("Supervise every public message of the own site")),
        ]
        indexes = [
            models.Index(fields=["department", "status", "received_at"], name="interaction_dept_queue"),
            models.Index(fields=["site", "status", "received_at"], name="interaction_site_queue"),
            models.Index(fields=["site", "received_on"], name="interaction_site_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="invalid") | ~Q(invalid_reason=""), name="interaction_invalid_has_reason"),
            models.CheckConstraint(
                condition=~Q(status="answered") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="interaction_answered_has_answer"),
        ]

    def __str__(self):
        # Only the number: this string lands in the audit trail and in mails, never the content.
        return self.tracking_number

    @property
    def is_confidential(self):
        return self.kind in CONFIDENTIAL_KINDS

    @property
    def is_open(self):
        return self.status in OPEN_STATES

    @property
    def answered_on_time(self):
        return self.answered_on is not None and self.answered_on <= self.deadline


class RoutingStep(models.Model):
    """One hand-over of a message between departments (分办/转办), with its reason."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="routing_steps")
    from_department = models.ForeignKey("cms.Department", verbose_name=_("from"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey("cms.Department", verbose_name=_("to"), on_delete=models.PROTECT,
                                      related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("routing step")
        verbose_name_plural = _("routing steps")
        ordering = ["at", "id"]


class PrivateStorage(FileSystemStorage):
    """Message attachments are never under MEDIA_ROOT (which a CDN or the debug server may
    serve): they live next to it, in ``private/``, and leave only through the admin."""

    @cached_property
    def base_location(self):
        configured = getattr(settings, "TAXSITE_PRIVATE_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")


_private_storage = PrivateStorage()


def private_storage():
    return _private_storage


def message_attachment_path(instance, filename):
    return f"interaction/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to=message_attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class PublishedAnswer(models.Model):
    """The public Q&A copy of an answered consultation or mailbox letter: personal data
    removed, the sender's consent on the message. Unpublishing keeps the row."""

    message = models.OneToOneField(Message, verbose_name=_("message"), on_delete=models.PROTECT,
                                   related_name="published_answer")
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="interaction_answers")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    title = models.CharField(_("title"), max_length=100)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    received_on = models.DateField(_("date received"))
    answered_on = models.DateField(_("date answered"))
    department_name = models.CharField(_("answering department"), max_length=100)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    is_public = models.BooleanField(_("public"), default=True)
    unpublished_reason = models.CharField(_("reason for unpublishing"), max_length=500, blank=True)
    # Space-delimited search tokens (segmented by ``interaction.search``), with a leading and a
    # trailing space so that " token " matches whole tokens on any database.
    search_tokens = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("published answer")
        verbose_name_plural = _("published answers")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["site", "is_public", "-published_at"], name="interaction_qa_listing")]

    def __str__(self):
        return self.title


class TrackingCounter(models.Model):
    """The last sequence number handed out per site and day (``<site>-YYYYMMDD-NNNN``)."""

    site = models.ForeignKey("cms.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="interaction_counter_unique")]


class Notification(models.Model):
    """Outbox: a mail to send, written in the transaction of the change that causes it, sent
    after commit by a Celery task and retried until it goes (nothing is lost if the broker or
    the mail server is down at the moment of the change)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("interaction", "Pending")
        SENT = "sent", pgettext_lazy("interaction", "Sent")
        FAILED = "failed", pgettext_lazy("interaction", "Failed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notifications", null=True)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "created_at"], name="interaction_outbox")]

    def __str__(self):
        return self.subject
