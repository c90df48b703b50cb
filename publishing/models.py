from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .workflow import OPEN_STATES, SlipState


class ApprovalSlip(models.Model):
    """网站信息发布审批单: carries one frozen revision of an article through review; kept forever."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal")
        REPOST = "repost", _("Repost of a parent-site policy")

    number = models.CharField(_("slip number"), max_length=60, unique=True)
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="slips")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    article = models.ForeignKey("cms.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="slips")
    column = models.ForeignKey("cms.Column", verbose_name=_("column"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("cms.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="slips")
    title = models.CharField(_("title"), max_length=200)
    payload = models.JSONField(_("content as submitted"))
    attachments = models.JSONField(_("attachments as submitted"), default=list)
    live_revision = models.ForeignKey("cms.HistoricalArticle", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("revision published"))
    state = models.CharField(_("state"), max_length=20, choices=SlipState.choices, db_index=True)
    is_major = models.BooleanField(_("major item"), default=False)
    is_urgent = models.BooleanField(_("urgent publish"), default=False)
    urgent_reason = models.TextField(_("reason for urgent publish"), blank=True)
    retro_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("retrospective signature"))
    retro_signed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_slips",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    submit_ip = models.GenericIPAddressField(null=True, blank=True)
    confirm_no_secret = models.BooleanField(_("contains no state secret"), default=False)
    confirm_no_internal = models.BooleanField(_("contains no internal-only information"), default=False)
    confirm_no_personal_data = models.BooleanField(_("contains no personal data of taxpayers"), default=False)
    scan_report = models.JSONField(_("scan findings, overrides and acknowledgements"), default=dict)
    stage_entered_at = models.DateTimeField(_("waiting since"), db_index=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    failure_message = models.TextField(_("publishing error"), blank=True)
    syndication = models.ForeignKey("Syndication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="slips")

    class Meta:
        verbose_name = _("approval slip")
        verbose_name_plural = _("approval slips")
        ordering = ["stage_entered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "sequence"], name="slip_sequence_unique_per_site_year"),
            models.UniqueConstraint(fields=["article"], condition=Q(state__in=sorted(s.value for s in OPEN_STATES)),
                                    name="one_open_slip_per_article"),
        ]
        indexes = [models.Index(fields=["state", "site", "stage_entered_at"], name="slip_queue")]

    def __str__(self):
        return f"{self.number} {self.title}"


class SlipCounter(models.Model):
    site = models.ForeignKey("cms.Site", on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="slip_counter_unique")]


class SlipDecision(models.Model):
    """One signature or decision on a slip: who, when, from where, what, why."""

    slip = models.ForeignKey(ApprovalSlip, on_delete=models.PROTECT, related_name="decisions")
    transition = models.CharField(_("decision"), max_length=30)
    stage = models.CharField(_("stage"), max_length=20, choices=SlipState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("signed by"))
    at = models.DateTimeField(_("time"))
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    secrecy_confirmed = models.BooleanField(_("secrecy review confirmed"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("slip decision")
        verbose_name_plural = _("slip decisions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.slip.number} {self.transition}"


class WordCategory(models.Model):
    """A dictionary of wrong or sensitive words (错敏词). Severe categories block a submit;
    the others warn and must be acknowledged."""

    class Severity(models.TextChoices):
        BLOCK = "block", _("Blocks the submit")
        WARN = "warn", _("Warns; must be acknowledged")

    name = models.CharField(_("name"), max_length=60, unique=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)

    class Meta:
        verbose_name = _("word dictionary")
        verbose_name_plural = _("word dictionaries")

    def __str__(self):
        return self.name


class SensitiveWord(models.Model):
    category = models.ForeignKey(WordCategory, on_delete=models.CASCADE, related_name="words",
                                 verbose_name=_("dictionary"))
    word = models.CharField(_("word"), max_length=60)
    suggestion = models.CharField(_("suggested wording"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("wrong or sensitive word")
        verbose_name_plural = _("wrong or sensitive words")
        constraints = [models.UniqueConstraint(fields=["category", "word"], name="word_unique_per_dictionary")]

    def __str__(self):
        return self.word


class Syndication(models.Model):
    """A parent site's important policy offered to a child site, to be reposted within
    ``SitePolicy.repost_hours`` (001 §二(五)3)."""

    source = models.ForeignKey("cms.Article", on_delete=models.PROTECT, related_name="syndications",
                               verbose_name=_("source article"))
    target_site = models.ForeignKey("cms.Site", on_delete=models.PROTECT, related_name="syndications_received",
                                    verbose_name=_("child site"))
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(_("offered at"))
    deadline = models.DateTimeField(_("repost deadline"), db_index=True)
    repost = models.ForeignKey("cms.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("repost"))
    reposted_at = models.DateTimeField(_("reposted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("syndication")
        verbose_name_plural = _("syndications")
        constraints = [models.UniqueConstraint(fields=["source", "target_site"], name="syndicate_once_per_site")]

    @property
    def is_late(self):
        from django.utils import timezone

        done = self.reposted_at or timezone.now()
        return done > self.deadline
