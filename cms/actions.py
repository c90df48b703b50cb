"""State changes of the content core. Each action checks permission and state itself, runs
atomically and writes its audit record in the same transaction (STYLE.md)."""
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from security.audit import record

from .exceptions import ActionRefused
from .content import CONTENT_FIELDS, to_data, working_copy
from .models import Article, ArticleDraft, ArticleStatus, Attachment, Column
from .sanitize import clean_html
from .selectors import can_draft_in
from .uploads import check_upload, extract_text

EDITABLE_FIELDS = CONTENT_FIELDS
#: States in which the article row itself is the working copy.
DRAFT_STATES = frozenset({ArticleStatus.DRAFT})
#: States of a public article: an edit goes to a pending draft and the live content stays.
LIVE_STATES = frozenset({ArticleStatus.PUBLISHED})


def _require_column(user, column):
    if not can_draft_in(user, column):
        raise ActionRefused(_("You may not draft in the column “%(column)s”.") % {"column": column.name})


def create_draft(*, acting_user, column, request=None, **fields):
    """Create a draft article in ``column``. Caller: anyone who may draft in the column."""
    _require_column(acting_user, column)
    if column.layout == Column.Layout.LINK:
        raise ActionRefused(_("A link column holds no articles."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    with transaction.atomic():
        article = Article(column=column, site_id=column.site_id, created_by=acting_user, **fields)
        article.body = clean_html(article.body)
        article.full_clean(exclude=["site"])
        article._change_reason = "created"
        article.save()
        record("article.create", actor=acting_user, obj=article, site=column.site, request=request)
    return article


def update_draft(article, *, acting_user, request=None, column=None, **fields):
    """Edit an article's content (and optionally move it to another column the user may
    draft in). A draft is edited in place; a published article gets a pending draft and its
    live content stays public until a slip publishes the edit (SPEC §4). Refused while a slip
    is in review."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("column__site").get(pk=article.pk)
        _require_column(acting_user, article.column)
        if article.review_lock:
            raise ActionRefused(_("This article is locked while its approval slip is in review."))
        if article.status not in DRAFT_STATES | LIVE_STATES:
            raise ActionRefused(_("An article that is “%(status)s” cannot be edited.")
                                % {"status": article.get_status_display()})
        live = article.status in LIVE_STATES
        target = working_copy(article) if live else article
        if column is not None and column.pk != target.column_id:
            _require_column(acting_user, column)
            target.column, target.site_id = column, column.site_id
        for name, value in fields.items():
            setattr(target, name, value)
        target.body = clean_html(target.body)
        target.full_clean(exclude=["site"])
        if live:
            ArticleDraft.objects.update_or_create(article=article, defaults={
                "data": to_data(target), "updated_by": acting_user})
        else:
            target._change_reason = "edited"
            target.save()
        record("article.update", actor=acting_user, obj=article, site=article.column.site, request=request,
               data={"fields": sorted(fields), "pending": live})
    return target


def add_attachment(article, upload, *, acting_user, title="", order=0, request=None):
    """Attach an uploaded file after checking its content (``cms.uploads``)."""
    _require_column(acting_user, article.column)
    if article.status not in DRAFT_STATES:
        raise ActionRefused(_("Attachments can only be added to a draft."))
    checked = check_upload(upload)
    with transaction.atomic():
        attachment = Attachment(
            article=article, kind=checked.kind, title=title or checked.original_name, original_name=checked.original_name,
            content_type=checked.content_type, extension=checked.extension, size=len(checked.content),
            sha256=checked.sha256, uploaded_by=acting_user, order=order, text=extract_text(checked),
        )
        attachment.file.save(f"{checked.sha256}{checked.extension}", ContentFile(checked.content), save=False)
        attachment.save()
        record("attachment.add", actor=acting_user, obj=attachment, site=article.column.site, request=request,
               data={"article": article.pk, "sha256": checked.sha256})
    return attachment


def remove_attachment(attachment, *, acting_user, request=None):
    article = attachment.article
    _require_column(acting_user, article.column)
    if article.status not in DRAFT_STATES:
        raise ActionRefused(_("Attachments of an article in review or published cannot be removed."))
    with transaction.atomic():
        record("attachment.remove", actor=acting_user, obj=attachment, site=article.column.site, request=request,
               data={"article": article.pk, "sha256": attachment.sha256})
        attachment.delete()  # the stored file stays: published revisions may still refer to it


def retitle_attachment(attachment, *, acting_user, title, order=0, request=None):
    article = attachment.article
    _require_column(acting_user, article.column)
    if (attachment.title, attachment.order) == (title, order):
        return attachment
    with transaction.atomic():
        attachment.title, attachment.order = title, order
        attachment.save(update_fields=["title", "order"])
        record("attachment.update", actor=acting_user, obj=attachment, site=article.column.site, request=request)
    return attachment
