"""Columns and the site-level veto lines of the national website inspection (SPEC §5), and
published content that fails the classification-marker scan (000 §18, 003 §16).

A column is judged by its own published items: only leaf columns count (a parent column is
as fresh as its sub-columns, which are counted themselves), link columns never do. The
time of an update is the real time of publication (``published_at``), not the displayed
date, which an editor can set.
"""
from django.db.models import Exists, Max, OuterRef

from cms.models import Article, ArticleStatus, Attachment, Column, ColumnClass
from cms.visibility import public_q

from .registry import COLUMN, ERROR, SITE, WARNING, register_check

KEY_CLASSES = frozenset({ColumnClass.NEWS, ColumnClass.NOTICE, ColumnClass.POLICY})
SCAN_CHUNK = 1000


def warn_threshold(line):
    """Where a veto line starts to warn: 14 days → 10, 10 columns → 7, 5 columns → 3."""
    return max(1, line - max(2, line * 3 // 10))


def column_freshness(ctx, columns):
    """(column id, site id, name, url_path, class, interval, last update, idle days) of the
    leaf, non-link columns in ``columns``; the last updates come from one grouped query."""
    key = ("freshness", str(columns.query))
    cache = ctx.__dict__.setdefault("_cache", {})
    if key not in cache:
        leaves = list(columns.exclude(layout=Column.Layout.LINK)
                      .filter(~Exists(Column.objects.filter(parent_id=OuterRef("pk"))))
                      .order_by("site_id", "url_path")
                      .values_list("pk", "site_id", "name", "url_path", "column_class", "update_interval_days"))
        last_of = column_last_published(ctx, {row[1] for row in leaves})
        rows = []
        for pk, site_id, name, path, klass, interval in leaves:
            interval = interval or ctx.policy(site_id).default_interval_days(klass)
            last = last_of.get(pk)
            idle = (ctx.now - last).days if last else None
            rows.append((pk, site_id, name, path, klass, interval, last, idle))
        cache[key] = rows
    return cache[key]


def _column_label(name, path):
    return f"{name}（/{path}/）"


@register_check(code="content.blank_column", severity=WARNING, scope=COLUMN,
                title="Columns without any published item (blank columns)")
def blank_columns(ctx):
    for pk, site_id, name, path, klass, interval, last, idle in column_freshness(ctx, ctx.columns()):
        if last is None:
            yield ctx.finding(f"栏目“{name}”没有任何已发布信息（空白栏目）。",
                              fix="发布该栏目应有的内容；无力保障的栏目应优化调整或撤并（001 §二(三)1）。",
                              site=site_id, object_type="cms.Column", object_id=pk,
                              object_repr=_column_label(name, path))


@register_check(code="content.stale_column", severity=WARNING, scope=COLUMN,
                title="Columns not updated within their expected interval")
def stale_columns(ctx):
    for pk, site_id, name, path, klass, interval, last, idle in column_freshness(ctx, ctx.columns()):
        if last is not None and interval and idle > interval:
            yield ctx.finding(
                f"栏目“{name}”已 {idle} 天未更新（应每 {interval} 天内更新，最近一次发布于 "
                f"{last.astimezone(ctx.now.tzinfo):%Y-%m-%d}）。",
                fix="及时更新该栏目，或在栏目设置中调整其更新周期。", site=site_id, object_type="cms.Column",
                object_id=pk, object_repr=_column_label(name, path),
                data={"idle_days": idle, "interval_days": interval, "column_class": klass})


def _line(ctx, site_id, count, line, code_text, fix, unit="个"):
    """An error once the veto line is reached, a warning from ``warn_threshold`` on."""
    if count >= line:
        return ctx.finding(f"{code_text}已达 {count} {unit}，达到网站普查单项否决指标（{line} {unit}）。", fix=fix,
                           site=site_id, severity=ERROR, data={"count": count, "line": line})
    if count >= warn_threshold(line):
        return ctx.finding(f"{code_text}已有 {count} {unit}，接近网站普查单项否决指标（{line} {unit}）。", fix=fix,
                           site=site_id, severity=WARNING,
                           data={"count": count, "line": line, "warn_from": warn_threshold(line)})
    return None


def _site_tallies(ctx):
    from cms.models import Column as C

    tallies = {pk: {"blank": 0, "stale": 0, "stale_key": 0} for pk in ctx.site_ids}
    for pk, site_id, name, path, klass, interval, last, idle in column_freshness(
            ctx, C.objects.filter(site_id__in=ctx.site_ids)):
        if last is None:
            tallies[site_id]["blank"] += 1
        elif interval and idle > interval:
            tallies[site_id]["stale"] += 1
            if klass in KEY_CLASSES:
                tallies[site_id]["stale_key"] += 1
    return tallies


@register_check(code="veto.blank_columns", severity=ERROR, scope=SITE,
                title="Veto line: blank columns")
def veto_blank_columns(ctx):
    for site_id, t in _site_tallies(ctx).items():
        f = _line(ctx, site_id, t["blank"], ctx.policy(site_id).veto_blank_columns, "空白栏目",
                  "为空白栏目补充内容，或撤并无内容保障的栏目。")
        if f:
            yield f


@register_check(code="veto.stale_columns", severity=ERROR, scope=SITE,
                title="Veto line: columns that should update and did not")
def veto_stale_columns(ctx):
    for site_id, t in _site_tallies(ctx).items():
        f = _line(ctx, site_id, t["stale"], ctx.policy(site_id).veto_stale_columns, "应更新未更新的栏目",
                  "按栏目更新周期及时更新内容，见“栏目未按期更新”各条。")
        if f:
            yield f


@register_check(code="veto.stale_key_columns", severity=ERROR, scope=SITE,
                title="Veto line: stale news, notice and policy columns")
def veto_stale_key_columns(ctx):
    for site_id, t in _site_tallies(ctx).items():
        f = _line(ctx, site_id, t["stale_key"], ctx.policy(site_id).veto_stale_key_columns,
                  "动态要闻、通知公告、政策文件类栏目未按期更新的",
                  "优先更新动态、通知公告和政策文件类栏目。")
        if f:
            yield f


def column_last_published(ctx, site_ids):
    """{column id: time of its newest public item (None if blank)} for every column of the
    sites: one grouped query, kept for the run."""
    key = ("last", tuple(sorted(site_ids)))
    cache = ctx.__dict__.setdefault("_cache", {})
    if key not in cache:
        cache[key] = dict(Column.objects.filter(site_id__in=site_ids).order_by()
                          .annotate(last=Max("articles__published_at", filter=public_q(ctx.now, "articles__")))
                          .values_list("pk", "last"))
    return cache[key]


@register_check(code="veto.home_page", severity=ERROR, scope=SITE,
                title="Veto line: home page without a new item")
def veto_home_page(ctx):
    """The home page shows the principal top-level columns with their sub-columns; its newest
    item is the newest of those columns' items."""
    from cms.models import ColumnAncestor

    last = column_last_published(ctx, ctx.site_ids)
    newest = {}
    rows = ColumnAncestor.objects.filter(ancestor__site_id__in=ctx.site_ids, ancestor__is_principal=True,
                                         ancestor__parent__isnull=True).values_list("column_id", "ancestor__site_id")
    for column_id, site_id in rows:
        when = last.get(column_id)
        if when is not None and (newest.get(site_id) is None or when > newest[site_id]):
            newest[site_id] = when
    for site in ctx.sites:
        line = ctx.policy(site.pk).home_stale_days
        last = newest.get(site.pk)
        fix = "在首页展示的栏目（税务要闻等）及时发布新信息。"
        if last is None:
            yield ctx.finding("首页栏目没有任何已发布信息。", fix=fix, site=site.pk, severity=ERROR, obj=site,
                              data={"line": line})
            continue
        idle = (ctx.now - last).days
        if idle >= line:
            yield ctx.finding(f"首页已 {idle} 天没有新信息，达到网站普查单项否决指标（{line} 天）。", fix=fix,
                              site=site.pk, severity=ERROR, obj=site, data={"idle_days": idle, "line": line})
        elif idle >= warn_threshold(line):
            yield ctx.finding(f"首页已 {idle} 天没有新信息，{line} 天即触及网站普查单项否决指标。", fix=fix,
                              site=site.pk, severity=WARNING, obj=site, data={"idle_days": idle, "line": line})


MARKER_HINTS = ("密", "内部")


def _markers(title, body, words=()):
    from publishing.scan import scan_content

    return [f.match for f in scan_content(title, body, words=list(words)) if f.code == "classification_marker"]


@register_check(code="content.classification_marker", severity=ERROR, scope=COLUMN,
                title="Published content that fails the classification-marker scan")
def classification_markers(ctx):
    """Published titles, bodies and attachment texts scanned with the pre-submit scan's
    classification-marker rule; texts without 密/内部 cannot match and are skipped cheaply."""
    public = Article.objects.filter(public_q(ctx.now), column__in=ctx.columns().values("pk"))
    rows = public.order_by().values_list("pk", "site_id", "title", "body").iterator(chunk_size=SCAN_CHUNK)
    fix = "立即撤下该信息（下线或删除），按保密审查程序处理，并排查审批环节。"
    for pk, site_id, title, body in rows:
        text = f"{title}\n{body}"
        if not any(h in text for h in MARKER_HINTS):
            continue
        found = _markers(title, body)
        if found:
            yield ctx.finding(f"已发布信息含密级标志“{'、'.join(sorted(set(found)))}”。", fix=fix, site=site_id,
                              object_type="cms.Article", object_id=pk, object_repr=title,
                              data={"markers": sorted(set(found))})
    attachments = (Attachment.objects.filter(article__in=public.values("pk"))
                   .order_by().values_list("article_id", "article__site_id", "article__title", "title", "text")
                   .iterator(chunk_size=SCAN_CHUNK))
    for article_id, site_id, article_title, name, text in attachments:
        if not text or not any(h in text for h in MARKER_HINTS):
            continue
        from publishing.scan import scan_content

        found = [f.match for f in scan_content("", "", [(name, text)], words=[]) if f.code == "classification_marker"]
        if found:
            yield ctx.finding(f"已发布信息的附件“{name}”含密级标志“{'、'.join(sorted(set(found)))}”。", fix=fix,
                              site=site_id, object_type="cms.Article", object_id=article_id,
                              object_repr=article_title, data={"attachment": name, "markers": sorted(set(found))})


__all__ = ["warn_threshold", "column_freshness", "ArticleStatus"]
