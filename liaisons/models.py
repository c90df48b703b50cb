"""Liaison filings, vacancies, new-media accounts, change requests and spot checks (SPEC §8).

Models hold fields, constraints and small derived properties. Every state change is a
function in ``liaisons.actions``; the figures of the reports are computed in
``liaisons.selectors`` and laid out in ``liaisons.reports``.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cms.models import ArticleKind, Column, ColumnClass


# --------------------------------------------------------------------------------------
# Liaisons (联络员备案) — 000 §6, 002 §8, 003 §6
# --------------------------------------------------------------------------------------

class Liaison(models.Model):
    """One filing of a department's website liaison. The row is never deleted: when the
    liaison leaves, ``left_on`` is set and a ``Vacancy`` opens, so the history stays whole."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+",
                             editable=False)
    department = models.ForeignKey("cms.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="liaisons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="liaison_filings")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=100, blank=True)
    office_phone = models.CharField(_("office telephone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    filed_on = models.DateField(_("date filed"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    note = models.TextField(_("note"), blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    leave_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True, editable=False)
    handover_notes = models.TextField(_("handover notes"), blank=True, editable=False,
                                      help_text=_("What was handed over to the successor: files, accounts, open work."))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("liaison filing")
        verbose_name_plural = _("liaison filings")
        ordering = ["department__site", "department__order", "-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department"], condition=Q(left_on__isnull=True),
                                    name="one_active_liaison_per_department"),
        ]
        indexes = [models.Index(fields=["site", "left_on"], name="liaison_site_active")]

    def __str__(self):
        return f"{self.name}（{self.department}）"

    @property
    def is_active(self):
        return self.left_on is None


class Vacancy(models.Model):
    """A department without a liaison after one left; the successor must be filed by
    ``deadline`` (``SitePolicy.liaison_replacement_days`` working days)."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("cms.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="liaison_vacancies")
    previous = models.OneToOneField(Liaison, verbose_name=_("liaison who left"), on_delete=models.PROTECT,
                                    related_name="vacancy")
    opened_on = models.DateField(_("opened on"))
    deadline = models.DateField(_("replacement deadline"), db_index=True)
    working_days = models.PositiveIntegerField(_("working days allowed"))
    filled_by = models.OneToOneField(Liaison, verbose_name=_("successor"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="filled_vacancy")
    filled_on = models.DateField(_("filled on"), null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("liaison vacancy")
        verbose_name_plural = _("liaison vacancies")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department"], condition=Q(filled_by__isnull=True),
                                    name="one_open_vacancy_per_department"),
        ]

    def __str__(self):
        return f"{self.department} {self.opened_on}"

    @property
    def is_open(self):
        return self.filled_by_id is None

    @property
    def filled_late(self):
        return self.filled_on is not None and self.filled_on > self.deadline


class Training(models.Model):
    """A training session for liaisons (000 §6(四), 003 §6(四))."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    held_on = models.DateField(_("held on"))

    class Meta:
        verbose_name = _("liaison training")
        verbose_name_plural = _("liaison trainings")
        ordering = ["-held_on", "id"]

    def __str__(self):
        return f"{self.held_on} {self.title}"


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, verbose_name=_("training"), on_delete=models.CASCADE,
                                 related_name="attendances")
    liaison = models.ForeignKey(Liaison, verbose_name=_("liaison"), on_delete=models.PROTECT,
                                related_name="trainings")
    attended = models.BooleanField(_("attended"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        constraints = [models.UniqueConstraint(fields=["training", "liaison"], name="attendance_once_per_training")]

    def __str__(self):
        return f"{self.liaison} · {self.training}"


class HonorariumRate(models.Model):
    """稿费: the amount due for each adopted item of a content kind (000 §10), set per site."""

    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("content kind"), max_length=20, choices=ArticleKind.choices)
    amount = models.DecimalField(_("amount per adopted item (yuan)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("honorarium rate")
        verbose_name_plural = _("honorarium rates")
        ordering = ["site", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="honorarium_rate_unique_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="honorarium_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


# --------------------------------------------------------------------------------------
# New-media accounts (政务新媒体) — seed 004
# --------------------------------------------------------------------------------------

class Platform(models.TextChoices):
    WECHAT_SUBSCRIPTION = "wechat_sub", _("WeChat subscription account")
    WECHAT_SERVICE = "wechat_service", _("WeChat service account")
    WEIBO = "weibo", _("Weibo")
    DOUYIN = "douyin", _("Douyin")
    KUAISHOU = "kuaishou", _("Kuaishou")
    ZHIHU = "zhihu", _("Zhihu")
    MEIPIAN = "meipian", _("Meipian")
    TOUTIAO = "toutiao", _("Toutiao")
    BILIBILI = "bilibili", _("Bilibili")
    MINI_PROGRAM = "mini_program", _("Mini program")
    APP = "app", _("Mobile app")
    OTHER = "other", _("Other platform")


class AccountState(models.TextChoices):
    OPEN = "open", pgettext_lazy("new-media account", "Open")
    CLOSED = "closed", pgettext_lazy("new-media account", "Closed")
    DEREGISTERED = "deregistered", pgettext_lazy("new-media account", "Deregistered")


#: The life of an account as data: which state each action leads from and to (004 §8–9).
ACCOUNT_TRANSITIONS = {
    "close": ({AccountState.OPEN}, AccountState.CLOSED),
    "deregister": ({AccountState.OPEN, AccountState.CLOSED}, AccountState.DEREGISTERED),
}


class NewMediaAccount(models.Model):
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("cms.Department", verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, related_name="newmedia_accounts")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("account name"), max_length=100)
    account_id = models.CharField(_("account ID on the platform"), max_length=100, blank=True)
    organiser = models.CharField(_("organiser"), max_length=100, help_text=_("主办单位 as shown in the verification."))
    administrator = models.CharField(_("administrator"), max_length=60, help_text=_("主管人员 of the account."))
    responsible_person = models.CharField(_("responsible person"), max_length=60)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible account"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                         help_text=_("Receives the update-duty reminders."))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    home_url = models.URLField(_("account address"), blank=True)
    feed_url = models.URLField(_("feed address (RSS/Atom)"), blank=True)
    approval_reference = models.CharField(_("approval form number"), max_length=100,
                                          help_text=_("Number of the 税务新媒体审批表 that approved the opening."))
    approved_by = models.CharField(_("approved by"), max_length=100)
    approved_on = models.DateField(_("approved on"))
    opened_on = models.DateField(_("opened on"))
    state = models.CharField(_("state"), max_length=20, choices=AccountState.choices, default=AccountState.OPEN,
                             editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True, editable=False)
    end_reason = models.TextField(_("reason for closing or deregistering"), blank=True, editable=False)
    public_notice_url = models.URLField(_("public notice"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("new-media account")
        verbose_name_plural = _("new-media accounts")
        ordering = ["site", "platform", "name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "name"], condition=~Q(state="deregistered"),
                                    name="newmedia_name_unique_per_platform"),
            models.CheckConstraint(condition=Q(approved_on__lte=models.F("opened_on")),
                                   name="newmedia_approved_before_opening"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_platform_display()}）"


class NewMediaChange(models.Model):
    """A filed change of name, organiser or administrator (004 §9: within 3 working days)."""

    class Field(models.TextChoices):
        NAME = "name", _("account name")
        ORGANISER = "organiser", _("organiser")
        ADMINISTRATOR = "administrator", _("administrator")

    account = models.ForeignKey(NewMediaAccount, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="changes")
    field = models.CharField(_("what changed"), max_length=20, choices=Field.choices)
    old_value = models.CharField(_("before"), max_length=100)
    new_value = models.CharField(_("after"), max_length=100)
    changed_on = models.DateField(_("changed on"))
    filed_on = models.DateField(_("filed on"))
    deadline = models.DateField(_("filing deadline"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("new-media change filing")
        verbose_name_plural = _("new-media change filings")
        ordering = ["-filed_on", "-id"]

    def __str__(self):
        return f"{self.account} {self.get_field_display()}"

    @property
    def is_late(self):
        return self.filed_on > self.deadline


class NewMediaPost(models.Model):
    """One post of an account, entered by hand or imported from its feed; the update duty
    (SPEC §5, 004 §17) is checked from these rows."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        FEED = "feed", _("Imported from the feed")

    account = models.ForeignKey(NewMediaAccount, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="posts")
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), max_length=500, blank=True)
    guid = models.CharField(_("unique identifier"), max_length=500)
    published_at = models.DateTimeField(_("published at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("new-media post")
        verbose_name_plural = _("new-media posts")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["account", "guid"], name="newmedia_post_unique_guid")]
        indexes = [models.Index(fields=["account", "published_at"], name="newmedia_post_timeline")]

    def __str__(self):
        return self.title


# --------------------------------------------------------------------------------------
# Requests filed by liaisons and decided by the site manager (003 §13, 000 §12)
# --------------------------------------------------------------------------------------

class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the site manager")
    APPROVED = "approved", pgettext_lazy("filed request", "Approved")
    REJECTED = "rejected", pgettext_lazy("filed request", "Rejected")


class FiledRequest(models.Model):
    site = models.ForeignKey("cms.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+",
                             editable=False)
    department = models.ForeignKey("cms.Department", verbose_name=_("requesting department"),
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("requirement"), help_text=_("What is needed and why."))
    leader_signature = models.CharField(_("approved by the department leader"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices,
                             default=RequestState.SUBMITTED, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    requested_at = models.DateTimeField(_("filed at"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_comment = models.TextField(_("decision comment"), blank=True, editable=False)

    class Meta:
        abstract = True


class ColumnChangeRequest(FiledRequest):
    """业务需求单: add a column or change one; applied from the request itself when approved."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add a column")
        CHANGE = "change", _("Change a column")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    column = models.ForeignKey("cms.Column", verbose_name=_("column to change"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("column name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, blank=True)
    parent = models.ForeignKey("cms.Column", verbose_name=_("parent column"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("cms.Department", verbose_name=_("owner department"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    column_class = models.CharField(_("column class"), max_length=20, choices=ColumnClass.choices, blank=True)
    layout = models.CharField(_("layout"), max_length=20, choices=Column.Layout.choices, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    update_interval_days = models.PositiveIntegerField(_("expected update interval (days)"), null=True, blank=True)
    applied_column = models.ForeignKey("cms.Column", verbose_name=_("column created or changed"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("column change request")
        verbose_name_plural = _("column change requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        target = self.name or (self.column.name if self.column_id else "")
        return f"{self.get_kind_display()}：{target}"


class RevampRequest(FiledRequest):
    """改版需求: a department's proposals for the yearly revamp of its columns (000 §11–12)."""

    year = models.PositiveIntegerField(_("revamp year"))
    columns = models.ManyToManyField("cms.Column", verbose_name=_("columns concerned"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("revamp request")
        verbose_name_plural = _("revamp requests")
        ordering = ["-year", "-requested_at", "-id"]

    def __str__(self):
        return f"{self.year} {self.department}"


# --------------------------------------------------------------------------------------
# Quarterly spot check (抽查) — 001 §二(五)1
# --------------------------------------------------------------------------------------

class SpotCheck(models.Model):
    site = models.ForeignKey("cms.Site", verbose_name=_("checking site"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    seed = models.CharField(_("random seed"), max_length=80, editable=False)
    percent = models.PositiveIntegerField(_("sample (%)"), editable=False)
    subsite_population = models.PositiveIntegerField(_("sub-sites in the population"), default=0, editable=False)
    column_population = models.PositiveIntegerField(_("columns in the population"), default=0, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-year", "-quarter", "site"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "quarter"], name="one_spot_check_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="spot_check_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.site} {self.year}Q{self.quarter}"


class SpotCheckItem(models.Model):
    class Target(models.TextChoices):
        SUBSITE = "subsite", _("Sub-site")
        COLUMN = "column", _("Column")

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("spot check"), on_delete=models.CASCADE,
                                   related_name="items")
    target = models.CharField(_("checked"), max_length=10, choices=Target.choices)
    subsite = models.ForeignKey("cms.Site", verbose_name=_("sub-site"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    column = models.ForeignKey("cms.Column", verbose_name=_("column"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(_("checklist results"), default=dict, blank=True,
                               help_text=_("Checklist code → passed (true/false)."))
    passed = models.BooleanField(_("passed"), null=True, editable=False)
    note = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("spot-check item")
        verbose_name_plural = _("spot-check items")
        ordering = ["spot_check", "target", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="subsite", subsite__isnull=False, column__isnull=True)
                           | Q(target="column", column__isnull=False, subsite__isnull=True)),
                name="spot_check_item_has_one_target",
            ),
        ]

    def __str__(self):
        return str(self.subsite or self.column)


class Report(SpotCheck):
    """The admin's entry to the report pages (quarterly bulletin, best-liaison ranking, spot
    check, annual work report). A proxy without behaviour: reports have no rows of their
    own, and a proxy needs no table (so nothing that walks every model meets an empty one)."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("report")
        verbose_name_plural = _("reports")
