"""The domain core: sites of the group, departments, columns, articles and the work calendar.

Models hold fields, constraints and small derived properties. State changes live in
``cms/actions.py``; shared reads in ``cms/selectors.py``.
"""
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_site_id_code


class Site(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National portal")
        PROVINCIAL = "provincial", _("Provincial site")
        MUNICIPAL = "municipal", _("Municipal site")

    # The only parent level each level may have. Counties have no site (001 §二(二)2).
    PARENT_LEVEL = {Level.NATIONAL: None, Level.PROVINCIAL: Level.NATIONAL, Level.MUNICIPAL: Level.PROVINCIAL}

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent site"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True, help_text=_("Host name of the public site."))
    site_id_code = models.CharField(
        _("site identifier code"), max_length=12, unique=True, validators=[validate_site_id_code]
    )
    icp_number = models.CharField(_("ICP filing number"), max_length=60)
    psb_number = models.CharField(_("public-security filing number"), max_length=60)
    organiser = models.CharField(_("organiser"), max_length=100)
    contact_phone = models.CharField(_("contact telephone"), max_length=60, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["order", "id"]
        permissions = [
            ("draft_in_site", _("Draft in every column of the site")),
            ("publish_site", _("Final review and publish on the site")),
            ("signoff_site", _("Sign off major items of the site")),
            ("manage_site", _("Manage columns, liaisons, new media and reports of the site")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="national", parent__isnull=True) | (~Q(level="national") & Q(parent__isnull=False))),
                name="site_only_national_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        expected = self.PARENT_LEVEL.get(self.level)
        if self.parent_id is None and expected is not None:
            raise ValidationError({"parent": _("A provincial or municipal site needs a parent site.")})
        if self.parent_id is not None:
            if expected is None:
                raise ValidationError({"parent": _("The national portal has no parent site.")})
            if self.parent.level != expected:
                raise ValidationError({"parent": _("The parent of this site must be a %(level)s.") % {
                    "level": self.Level(expected).label}})

    def ancestors(self):
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Department(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    is_general_office = models.BooleanField(_("general office"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["site", "order", "id"]
        permissions = [
            ("draft_in_department", _("Draft in the department's columns")),
            ("review_department", _("Review the department's slips")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="department_code_unique_per_site"),
            models.UniqueConstraint(
                fields=["site"], condition=Q(is_general_office=True), name="one_general_office_per_site"
            ),
        ]

    def __str__(self):
        return self.name


class ColumnClass(models.TextChoices):
    """Column classes of the national inspection indicators; each sets the expected update
    interval (SPEC §5) and the ``ColumnType`` meta tag (SPEC §6)."""

    NEWS = "news", _("News and dynamics")
    NOTICE = "notice", _("Notices")
    POLICY = "policy", _("Policy documents")
    INTERPRETATION = "interpretation", _("Policy interpretation")
    SERVICE = "service", _("Services")
    INTERACTION = "interaction", _("Interaction")
    OVERVIEW = "overview", _("Overview information")
    TOPIC = "topic", _("Special topic")
    OTHER = "other", _("Other")


# ColumnType meta values (政府网站发展指引, 附件: 栏目类型).
COLUMN_TYPE_META = {
    ColumnClass.NEWS: "政务动态",
    ColumnClass.NOTICE: "通知公告",
    ColumnClass.POLICY: "信息公开",
    ColumnClass.INTERPRETATION: "政策解读",
    ColumnClass.SERVICE: "办事服务",
    ColumnClass.INTERACTION: "互动交流",
    ColumnClass.OVERVIEW: "机构职能",
    ColumnClass.TOPIC: "专题专栏",
    ColumnClass.OTHER: "其他",
}


class Column(models.Model):
    class Layout(models.TextChoices):
        LIST = "list", _("List")
        PAGE = "page", _("Single page")
        POLICY_LIBRARY = "policy_library", _("Policy library")
        LINK = "link", _("Link")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="columns")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent column"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="columns"
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, help_text=_("Part of the column's address; never changes once published."))
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices, default=Layout.LIST)
    column_class = models.CharField(_("column class"), max_length=20, choices=ColumnClass.choices, default=ColumnClass.OTHER)
    update_interval_days = models.PositiveIntegerField(
        _("expected update interval (days)"), null=True, blank=True,
        help_text=_("Leave empty to use the default of the column class."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    link_url = models.URLField(_("link address"), blank=True)
    is_principal = models.BooleanField(_("shown on the home page"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    url_path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["site", "depth", "order", "id"]
        permissions = [("draft_in_column", _("Draft in the column and its sub-columns"))]
        constraints = [
            models.UniqueConstraint(fields=["site", "parent", "slug"], name="column_slug_unique_among_siblings"),
            models.UniqueConstraint(
                fields=["site", "slug"], condition=Q(parent__isnull=True), name="root_column_slug_unique_per_site"
            ),
        ]
        indexes = [models.Index(fields=["site", "is_principal", "order"], name="column_home_blocks")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.department_id and self.site_id and self.department.site_id != self.site_id:
            errors["department"] = _("The owner department must belong to the column's site.")
        if self.parent_id:
            if self.site_id and self.parent.site_id != self.site_id:
                errors["parent"] = _("The parent column must belong to the same site.")
            elif self.pk and (self.parent_id == self.pk or ColumnAncestor.objects.filter(
                    column_id=self.parent_id, ancestor_id=self.pk).exists()):
                errors["parent"] = _("A column cannot be placed under itself or one of its sub-columns.")
        if self.layout == self.Layout.LINK and not self.link_url:
            errors["link_url"] = _("A link column needs a link address.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The ancestor table is derived structure (like a tree library's bookkeeping), kept
        # in step here so no caller can leave it stale; it is not business logic.
        moved = self.pk is None or Column.objects.filter(pk=self.pk).exclude(parent_id=self.parent_id).exists()
        self.depth = (self.parent.depth + 1) if self.parent_id else 0
        self.url_path = f"{self.parent.url_path}/{self.slug}" if self.parent_id else self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if moved:
                rebuild_column_ancestors(self)

    def expected_interval_days(self, policy):
        if self.update_interval_days:
            return self.update_interval_days
        return policy.default_interval_days(self.column_class)

    @property
    def column_type_meta(self):
        return COLUMN_TYPE_META.get(self.column_class, "其他")


class ColumnAncestor(models.Model):
    """Closure table: one row per (column, ancestor-or-self). Lets "columns under any of
    these granted columns" be one indexed join, whatever the number of grants."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="ancestor_links")
    ancestor = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="descendant_links")
    distance = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["column", "ancestor"], name="column_ancestor_unique")]
        indexes = [models.Index(fields=["ancestor", "column"], name="column_descendants")]


def rebuild_column_ancestors(column):
    """Rewrite the closure rows of ``column`` and its whole subtree."""
    subtree = [column.pk] + list(
        ColumnAncestor.objects.filter(ancestor_id=column.pk).exclude(column_id=column.pk).values_list("column_id", flat=True)
    )
    ColumnAncestor.objects.filter(column_id__in=subtree).delete()
    rows = []
    nodes = {cid: (parent, slug) for cid, parent, slug in
             Column.objects.filter(site_id=column.site_id).values_list("id", "parent_id", "slug")}
    for cid in subtree:
        node, distance, slugs = cid, 0, []
        while node is not None:
            rows.append(ColumnAncestor(column_id=cid, ancestor_id=node, distance=distance))
            slugs.append(nodes[node][1])
            node, distance = nodes[node][0], distance + 1
        if cid != column.pk:
            Column.objects.filter(pk=cid).update(depth=distance - 1, url_path="/".join(reversed(slugs)))
    ColumnAncestor.objects.bulk_create(rows)


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    NOTICE = "notice", _("Notice")
    POLICY = "policy", _("Policy document")
    INTERPRETATION = "interpretation", _("Interpretation")
    GUIDE = "guide", _("Service guide")
    INTERVIEW = "interview", _("Online interview")
    FAQ = "faq", _("Q&A")
    OTHER = "other", _("Other")


class ArticleStatus(models.TextChoices):
    """Where an article stands. The publishing app's transition table moves it; the portal
    reads it only through ``cms.visibility``."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    GONE = "gone", _("Published in error")
    REPLACED = "replaced", _("Replaced")
    EXPIRED = "expired", _("Expired")


class Validity(models.TextChoices):
    VALID = "valid", "全文有效"
    PARTLY_VALID = "partly_valid", "部分有效"
    INVALID = "invalid", "全文失效"
    REPEALED = "repealed", "全文废止"


class Article(models.Model):
    class Origin(models.TextChoices):
        ORIGINAL = "original", _("Original")
        REPRINT = "reprint", _("Reprint")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="articles", editable=False)
    column = models.ForeignKey(Column, verbose_name=_("column"), on_delete=models.PROTECT, related_name="articles")
    kind = models.CharField(_("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("HTML; sanitised when saved."))
    author_name = models.CharField(_("author"), max_length=100, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.ORIGINAL)
    source_name = models.CharField(_("source name"), max_length=100, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False)
    display_date = models.DateTimeField(
        _("displayed publish time"), null=True, blank=True,
        help_text=_("The date shown to visitors; the real time of first publication is kept apart."),
    )
    first_published_at = models.DateTimeField(_("first published at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    expire_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    is_important = models.BooleanField(_("important policy"), default=False)
    unpublish_reason = models.TextField(_("reason for taking down"), blank=True, editable=False)
    review_lock = models.BooleanField(_("locked by a slip in review"), default=False, editable=False)
    # Policy-document metadata (政府信息公开 / 税收法规库).
    index_number = models.CharField(_("index number"), max_length=60, blank=True)
    topic_category = models.CharField(_("topic category"), max_length=60, blank=True)
    issuing_organ = models.CharField(_("issuing organ"), max_length=100, blank=True)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True, db_index=True)
    date_written = models.DateField(_("date written"), null=True, blank=True)
    validity = models.CharField(_("validity"), max_length=20, choices=Validity.choices, blank=True)
    validity_date = models.DateField(_("validity changed on"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    interprets = models.ForeignKey(
        "self", verbose_name=_("interprets the policy"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="interpretations", limit_choices_to={"kind": ArticleKind.POLICY},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("article revision"), verbose_name_plural=_("article revisions"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-display_date", "-id"]
        indexes = [
            models.Index(fields=["column", "status", "-display_date", "-id"], name="article_column_listing"),
            models.Index(fields=["site", "status", "-display_date", "-id"], name="article_site_listing"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.origin == self.Origin.REPRINT and not (self.source_name and self.source_url):
            errors["source_name"] = _("A reprint needs the source name and address.")
        if self.interprets_id and self.interprets_id == self.pk:
            errors["interprets"] = _("An interpretation cannot interpret itself.")
        if self.kind == ArticleKind.POLICY and self.validity and self.validity != Validity.VALID and not self.validity_date:
            errors["validity_date"] = _("Give the date from which the policy is no longer fully valid.")
        if errors:
            raise ValidationError(errors)


def attachment_path(instance, filename):
    # Stored names are generated; the visitor's name is kept only as metadata.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        IMAGE = "image", _("Image")

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FILE)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class SitePolicy(models.Model):
    """Per-site management parameters (管理参数); defaults from SPEC §5."""

    site = models.OneToOneField(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="policy")
    liaison_replacement_days = models.PositiveIntegerField(_("liaison replacement (working days)"), default=15)
    consultation_reply_days = models.PositiveIntegerField(_("consultation / mailbox reply (working days)"), default=7)
    error_report_reply_days = models.PositiveIntegerField(_("error report reply (working days)"), default=3)
    newmedia_change_filing_days = models.PositiveIntegerField(_("new-media change filing (working days)"), default=3)
    repost_hours = models.PositiveIntegerField(_("repost of parent-site policy (hours)"), default=12)
    slip_stage_days = models.PositiveIntegerField(_("review of a slip, per stage (working days)"), default=2)
    password_max_age_days = models.PositiveIntegerField(_("password maximum age (days)"), default=90)
    log_retention_days = models.PositiveIntegerField(_("audit-trail retention (days)"), default=184)
    spot_check_percent = models.PositiveIntegerField(_("quarterly spot-check sample (%)"), default=30)
    news_freshness_days = models.PositiveIntegerField(_("news column freshness (days)"), default=14)
    notice_freshness_days = models.PositiveIntegerField(_("notice and policy column freshness (days)"), default=180)
    home_stale_days = models.PositiveIntegerField(_("home page without new item (days)"), default=14)
    veto_stale_key_columns = models.PositiveIntegerField(_("stale news/notice/policy columns (veto line)"), default=5)
    veto_stale_columns = models.PositiveIntegerField(_("stale columns that should update (veto line)"), default=10)
    veto_blank_columns = models.PositiveIntegerField(_("blank columns (veto line)"), default=5)
    message_ceiling_days = models.PositiveIntegerField(_("longest a valid message may stay unanswered (days)"), default=90)
    disclosure_working_days = models.PositiveIntegerField(_("proactive disclosure after date written (working days)"), default=20)
    newmedia_update_days = models.PositiveIntegerField(_("new-media update duty (days)"), default=14)
    wechat_subscription_monthly = models.PositiveIntegerField(_("WeChat subscription posts per month"), default=8)
    wechat_service_monthly = models.PositiveIntegerField(_("WeChat service posts per month"), default=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site policy")
        verbose_name_plural = _("site policies")
        constraints = [
            models.CheckConstraint(condition=Q(log_retention_days__gte=184), name="log_retention_at_least_184_days"),
            models.CheckConstraint(condition=Q(spot_check_percent__gte=30, spot_check_percent__lte=100),
                                   name="spot_check_at_least_30_percent"),
        ]

    def __str__(self):
        return str(self.site)

    def default_interval_days(self, column_class):
        if column_class == ColumnClass.NEWS:
            return self.news_freshness_days
        if column_class in (ColumnClass.NOTICE, ColumnClass.POLICY):
            return self.notice_freshness_days
        return None


class WorkCalendarDay(models.Model):
    """An exception to Monday–Friday: a public holiday on a weekday, or a make-up working
    day (调休) on a weekend. A year counts as covered once it has a ``WorkCalendarYear`` row."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("work calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class WorkCalendarYear(models.Model):
    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, default="chinese-calendar")

    class Meta:
        verbose_name = _("covered calendar year")
        verbose_name_plural = _("covered calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


# --- Object permissions with direct foreign keys (django-guardian), so scope checks are
# indexed joins instead of generic string-keyed lookups. ---
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase  # noqa: E402


class SiteUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Site, on_delete=models.CASCADE)


class SiteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Site, on_delete=models.CASCADE)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class ColumnUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Column, on_delete=models.CASCADE)


class ColumnGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Column, on_delete=models.CASCADE)


class ArticleDraft(models.Model):
    """The working copy of an edit to an article that is already public (SPEC §4: "published
    ──edit──▶ new draft revision, the live one stays live"). The article row keeps the live
    content until a slip carrying this draft is published."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending_draft")
    data = models.JSONField(_("content"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pending edit")
        verbose_name_plural = _("pending edits")


class SearchDocument(models.Model):
    """The search index entry of a public article: its text segmented into words (rjieba),
    kept by ``cms.search.index_article`` in step with publish, edit, withdraw and expiry.
    On PostgreSQL ``vector`` is a weighted tsvector with a GIN index; on SQLite the FTS5 table
    ``cms_search_fts`` (created by migration) carries the same tokens."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="search_doc")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="+")
    published = models.DateTimeField(db_index=True)
    # The time half of the visibility rule, copied so a search never joins the article table:
    # a document exists only while its article's status is published (``index_article``).
    published_at = models.DateTimeField(null=True)
    expire_at = models.DateTimeField(null=True)
    title = models.CharField(max_length=200)
    text = models.TextField()
    title_tokens = models.TextField()
    body_tokens = models.TextField()
    vector = SearchVectorField(null=True)

    class Meta:
        # The GIN index (PostgreSQL) and the FTS5 table (SQLite) are created by migration
        # 0006 for the running database only.
        indexes = [models.Index(fields=["site", "-published"], name="search_site_published")]
