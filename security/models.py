import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    """Every account belongs to one department of one site (SPEC §3)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "cms.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    display_name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return self.display_name or self.user.get_username()


class AuditEvent(models.Model):
    """One line of the audit trail. Written in the same transaction as the change it records
    (``security.audit.record``); each row carries the hash of its predecessor."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    site_code = models.CharField(_("site"), max_length=40, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def compute_hash(self):
        payload = json.dumps(
            [self.prev_hash, self.at.isoformat() if self.at else "", self.actor_id, self.actor_name, self.action,
             self.object_type, self.object_id, self.object_repr, self.site_code, self.ip, self.data],
            cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


# --- Operations (issue 6): audit runs and their findings, backups, spot-check draws and the
# idempotency keys of operations tasks. Written only by ``security.checks``,
# ``security.backup`` and ``security.tasks``. ---

class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


class AuditRun(models.Model):
    """One run of ``manage.py audit`` (or of the daily beat task). The dashboard (网站监测)
    reads the latest run and the history from here."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full audit")
        SPOT_CHECK = "spot_check", _("Quarterly spot check")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text=_("Empty: every site."))
    triggered_by = models.CharField(_("triggered by"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    counts = models.JSONField(_("findings by severity"), default=dict, blank=True)
    site_counts = models.JSONField(_("findings by site and severity"), default=dict, blank=True)
    checks = models.JSONField(_("checks run"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("website monitoring")
        verbose_name_plural = _("website monitoring")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class AuditFinding(models.Model):
    """One finding of a run: a stable code, a severity, the site and object concerned, a
    message and a suggested fix (in Chinese: they are data shown to the staff)."""

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("code"), max_length=60, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    fix = models.TextField(_("suggested fix"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "site", "severity"], name="audit_finding_run_site")]

    def __str__(self):
        return f"{self.code} {self.object_repr}"


class BackupRecord(models.Model):
    """One archive written by ``manage.py backup`` (and verified before it got its name)."""

    class Status(models.TextChoices):
        OK = "ok", _("Verified")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now, db_index=True)
    archive = models.CharField(_("archive"), max_length=500, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    offsite = models.CharField(_("offsite copy"), max_length=500, blank=True)
    offsite_verified = models.BooleanField(_("offsite copy verified"), default=False)
    database_vendor = models.CharField(_("database"), max_length=20, blank=True)
    tables = models.PositiveIntegerField(_("tables"), default=0)
    rows = models.BigIntegerField(_("rows"), default=0)
    media_files = models.PositiveIntegerField(_("media files"), default=0)
    task_key = models.CharField(_("task key"), max_length=120, blank=True, db_index=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-finished_at", "-id"]

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.archive}"


class SpotCheckDraw(models.Model):
    """The sample ``audit --spot-check`` drew for a quarter (001 §二(五)1) and checked: the
    seed makes it reproducible; the findings are those of ``run``."""

    run = models.OneToOneField(AuditRun, on_delete=models.CASCADE, related_name="spot_check")
    site = models.ForeignKey("cms.Site", verbose_name=_("checking site"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    seed = models.CharField(_("random seed"), max_length=80)
    percent = models.PositiveIntegerField(_("sample (%)"))
    subsite_population = models.PositiveIntegerField(_("sub-sites in the population"))
    column_population = models.PositiveIntegerField(_("columns in the population"))
    subsites = models.JSONField(_("sub-sites drawn"), default=list)
    columns = models.JSONField(_("columns drawn"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return f"{self.site} {self.year}Q{self.quarter}"


class TaskExecution(models.Model):
    """The idempotency key of an operations task: a redelivered task whose key is finished
    does nothing; one whose earlier attempt died runs again (``security.tasks``)."""

    key = models.CharField(max_length=120, unique=True)
    task = models.CharField(max_length=100)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("task execution")
        verbose_name_plural = _("task executions")

    def __str__(self):
        return self.key
