"""Proactive disclosure (Regulations on Open Government Information art. 26): a policy is
published within 20 working days of its date written; an important policy is published
with its interpretation (001 §二(三)2)."""
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cms.models import Article, ArticleKind
from cms.visibility import public_q

from .registry import COLUMN, WARNING, register_check

LOOKBACK_DAYS = 365


@register_check(code="disclosure.late", severity=WARNING, scope=COLUMN,
                title="Policies published more than 20 working days after their date written")
def late_disclosure(ctx):
    """Policies first published in the last year (older ones are history, not work to do)."""
    rows = (Article.objects.filter(public_q(ctx.now), kind=ArticleKind.POLICY, date_written__isnull=False,
                                   first_published_at__gte=ctx.now - timedelta(days=LOOKBACK_DAYS),
                                   column__in=ctx.columns().values("pk"))
            .order_by("site_id", "first_published_at")
            .values_list("pk", "site_id", "title", "doc_number", "date_written", "first_published_at")
            .iterator(chunk_size=1000))
    due_cache = {}
    for pk, site_id, title, doc_number, written, first in rows:
        limit = ctx.policy(site_id).disclosure_working_days
        key = (written, limit)
        if key not in due_cache:
            due_cache[key] = ctx.calendar.add_working_days(written, limit)
        due = due_cache[key]
        published = timezone.localdate(first)
        if published > due:
            late = ctx.calendar.working_days_between(due, published)
            yield ctx.finding(
                f"政策文件“{title}”{f'（{doc_number}）' if doc_number else ''}成文于 {written:%Y-%m-%d}，"
                f"{published:%Y-%m-%d} 才公开，超过 {limit} 个工作日的时限 {late} 个工作日。",
                fix="主动公开的政府信息应自形成或变更之日起 20 个工作日内公开；督促起草部门及时报送。",
                site=site_id, object_type="cms.Article", object_id=pk, object_repr=title,
                data={"date_written": written, "due": due, "published": published, "late_working_days": late})


@register_check(code="disclosure.no_interpretation", severity=WARNING, scope=COLUMN,
                title="Important policies without an interpretation")
def important_without_interpretation(ctx):
    interpreted = Article.objects.filter(public_q(ctx.now), interprets_id=OuterRef("pk"))
    rows = (Article.objects.filter(public_q(ctx.now), kind=ArticleKind.POLICY, is_important=True,
                                   column__in=ctx.columns().values("pk"))
            .filter(~Exists(interpreted)).order_by("site_id", "pk")
            .values_list("pk", "site_id", "title", "doc_number").iterator(chunk_size=1000))
    for pk, site_id, title, doc_number in rows:
        yield ctx.finding(f"重要政策“{title}”{f'（{doc_number}）' if doc_number else ''}尚无已发布的政策解读。",
                          fix="同步发布解读材料，并在解读中关联该政策（“解读的政策”）。", site=site_id,
                          object_type="cms.Article", object_id=pk, object_repr=title)
