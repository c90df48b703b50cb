"""Public portal views (SPEC §6). Every view reads through ``cms.selectors`` / the one
visibility rule, tags its page for the page cache, and renders without JavaScript."""
from datetime import date
from math import ceil

from django.core.paginator import EmptyPage, InvalidPage, Paginator

from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe

from . import search as site_search
from .models import Article, ArticleKind, ArticleStatus, Attachment, Column, Validity
from .pagecache import tag_page
from .selectors import home_blocks, published_articles, published_in_subtree
from .sitecache import memo
from .visibility import is_public, public_q

LIST_PAGE_SIZE = 20
SITEMAP_LIMIT = 50_000
SEARCH_PAGE_SIZE = 20


def portal_view(func):
    func.portal_view = True
    return require_safe(func)


def portal_url(request, name, *args):
    if request.site_by_path:
        return reverse(f"portal_site:{name}", args=[request.site.code, *args])
    return reverse(f"portal:{name}", args=args)


def _page_number(request):
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 7:
        raise Http404("bad page")
    return int(raw)


def _principal_columns(site):
    return memo(("nav", site.pk), lambda: list(
        Column.objects.filter(site=site, parent__isnull=True).exclude(layout=Column.Layout.LINK)
        .order_by("order", "id").only("id", "name", "url_path", "site_id")))


def _context(request, **extra):
    site = request.site
    return {"site": site, "nav": _principal_columns(site), **extra}


@portal_view
def home(request):
    site = request.site
    tag_page(request, f"home:{site.pk}")
    return render(request, "portal/home.html", _context(request, blocks=home_blocks(site)))


def _column_or_404(request, slug_path):
    return get_object_or_404(Column.objects.select_related("department"), site=request.site,
                             url_path=slug_path.strip("/"))


@portal_view
def column_page(request, slug_path):
    column = _column_or_404(request, slug_path)
    tag_page(request, f"column:{column.pk}")
    if column.layout == Column.Layout.LINK:
        return HttpResponsePermanentRedirect(column.link_url)
    if column.layout == Column.Layout.POLICY_LIBRARY:
        return policy_library(request, column)
    number = _page_number(request)
    qs = published_in_subtree(column).only("id", "title", "display_date", "column_id")
    paginator = Paginator(qs, LIST_PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(number)
    except (EmptyPage, InvalidPage):
        raise Http404("no such page")
    return render(request, "portal/column.html", _context(
        request, column=column, page=page, children=column.children.exclude(layout=Column.Layout.LINK)
        .order_by("order", "id").only("id", "name", "url_path")))


POLICY_SORTS = {"date": ("-date_written", "-id"), "date_asc": ("date_written", "id"), "number": ("doc_number", "id")}


def policy_library(request, column):
    """税收法规库: filter by document number, issuing organ, year, validity and topic; sort."""
    number = _page_number(request)
    qs = published_in_subtree(column).filter(kind=ArticleKind.POLICY)
    f = {k: (request.GET.get(k) or "").strip()[:100] for k in ("doc_number", "organ", "year", "validity", "topic",
                                                                "sort")}
    if f["doc_number"]:
        qs = qs.filter(doc_number__icontains=f["doc_number"])
    if f["organ"]:
        qs = qs.filter(issuing_organ__icontains=f["organ"])
    if f["year"].isdigit() and len(f["year"]) == 4:
        qs = qs.filter(date_written__year=int(f["year"]))
    if f["validity"] in Validity.values:
        qs = qs.filter(validity=f["validity"])
    if f["topic"]:
        qs = qs.filter(topic_category=f["topic"])
    qs = qs.order_by(*POLICY_SORTS.get(f["sort"], POLICY_SORTS["date"])).only(
        "id", "title", "doc_number", "issuing_organ", "date_written", "validity", "column_id")
    paginator = Paginator(qs, LIST_PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(number)
    except (EmptyPage, InvalidPage):
        raise Http404("no such page")
    base = published_in_subtree(column).filter(kind=ArticleKind.POLICY)
    organs = list(base.exclude(issuing_organ="").values_list("issuing_organ", flat=True).distinct()
                  .order_by("issuing_organ")[:50])
    topics = list(base.exclude(topic_category="").values_list("topic_category", flat=True).distinct()
                  .order_by("topic_category")[:50])
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(request, "portal/policy_library.html", _context(
        request, column=column, page=page, filters=f, organs=organs, topics=topics,
        validities=Validity.choices, query=query, years=range(timezone.localdate().year, 1993, -1)))


def _article_or_404(request, pk):
    return get_object_or_404(Article.objects.select_related("column").prefetch_related("attachments"),
                             pk=pk, site=request.site)


@portal_view
def article_page(request, pk):
    article = _article_or_404(request, pk)
    tag_page(request, f"article:{article.pk}")
    if not is_public(article):
        # Typed unpublishing (SPEC §4): withdrawn keeps a notice page, published-in-error is
        # 410 Gone, replaced is a permanent redirect to the successor.
        if article.status == ArticleStatus.WITHDRAWN:
            return render(request, "portal/withdrawn.html", _context(request, article=article))
        if article.status == ArticleStatus.GONE:
            return render(request, "portal/410.html", _context(request), status=410)
        if article.status == ArticleStatus.REPLACED and article.superseded_by_id:
            return HttpResponsePermanentRedirect(portal_url(request, "article", article.superseded_by_id))
        raise Http404("not public")
    request.last_modified = article.updated_at.timestamp()
    interpretations = list(article.interpretations.filter(public_q()).order_by("-display_date")
                           .only("id", "title", "interprets_id"))
    return render(request, "portal/article.html", _context(
        request, article=article, column=article.column, interpretations=interpretations,
        breadcrumb=list(Column.objects.filter(descendant_links__column=article.column)
                        .order_by("depth").only("id", "name", "url_path")),
        interprets_public=article.interprets_id and is_public(article.interprets)))


@portal_view
def article_print(request, pk):
    article = _article_or_404(request, pk)
    tag_page(request, f"article:{article.pk}")
    if not is_public(article):
        raise Http404("not public")
    return render(request, "portal/article_print.html", {"site": request.site, "article": article,
                                                         "column": article.column})


@portal_view
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk, article__site=request.site)
    if not is_public(attachment.article):
        raise Http404("not public")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("attachment file missing")
    # Only images and PDF are shown inline; everything else downloads. Never HTML or SVG
    # inline (uploads of those are refused anyway).
    inline = attachment.kind == Attachment.Kind.IMAGE or attachment.content_type == "application/pdf"
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=not inline,
                            filename=f"{attachment.title}{attachment.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view
def search_page(request):
    site = request.site
    q = (request.GET.get("q") or "")[:site_search.MAX_QUERY_CHARS]
    number = _page_number(request)
    column = None
    column_id = request.GET.get("column", "")
    if column_id.isdigit():
        column = Column.objects.filter(site=site, pk=int(column_id)).first()
    date_from, date_to = _parse_date(request.GET.get("from")), _parse_date(request.GET.get("to"))
    total, hits = site_search.search(site, q, column=column, date_from=date_from, date_to=date_to,
                                     offset=(number - 1) * SEARCH_PAGE_SIZE, limit=SEARCH_PAGE_SIZE)
    pages = max(1, ceil(total / SEARCH_PAGE_SIZE))
    if number > pages:
        raise Http404("no such page")
    return render(request, "portal/search.html", _context(
        request, q=q, hits=hits, total=total, number=number, pages=pages, column=column,
        date_from=request.GET.get("from", "")[:10] if date_from else "",
        date_to=request.GET.get("to", "")[:10] if date_to else "",
        columns=_principal_columns(site)))


def _parse_date(raw):
    try:
        return date.fromisoformat((raw or "")[:10]) if raw else None
    except ValueError:
        return None


@portal_view
def site_map(request):
    site = request.site
    tag_page(request, f"feeds:{site.pk}")
    columns = list(Column.objects.filter(site=site).order_by("depth", "order", "id")
                   .only("id", "name", "url_path", "parent_id", "layout", "link_url"))
    children = {}
    for c in columns:
        children.setdefault(c.parent_id, []).append(c)
    tree = []

    def walk(parent_id, depth):
        for c in sorted(children.get(parent_id, []), key=lambda x: x.url_path):
            tree.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return render(request, "portal/site_map.html", _context(request, tree=tree))


def _absolute(request, path):
    return request.build_absolute_uri(path)


@portal_view
def sitemap_xml(request):
    site = request.site
    tag_page(request, f"feeds:{site.pk}")
    total = published_articles(site).count()
    if total > SITEMAP_LIMIT:
        parts = ceil(total / SITEMAP_LIMIT)
        body = render(request, "portal/sitemap_index.xml", {"parts": [
            _absolute(request, portal_url(request, "sitemap_part", n)) for n in range(1, parts + 1)]}).content
        return HttpResponse(body, content_type="application/xml; charset=utf-8")
    return _sitemap_urls(request, 1)


@portal_view
def sitemap_part(request, part):
    return _sitemap_urls(request, part)


def _sitemap_urls(request, part):
    site = request.site
    tag_page(request, f"feeds:{site.pk}")
    if part < 1:
        raise Http404
    rows = list(published_articles(site).order_by("id").values_list("id", "updated_at")
                [(part - 1) * SITEMAP_LIMIT: part * SITEMAP_LIMIT])
    if not rows and part > 1:
        raise Http404
    urls = [(_absolute(request, portal_url(request, "home")), None)] if part == 1 else []
    if part == 1:
        urls += [(_absolute(request, portal_url(request, "column", c)), None) for c in
                 Column.objects.filter(site=site).exclude(layout=Column.Layout.LINK).values_list("url_path", flat=True)]
    urls += [(_absolute(request, portal_url(request, "article", pk)), updated) for pk, updated in rows]
    body = render(request, "portal/sitemap.xml", {"urls": urls}).content
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@portal_view
def column_feed(request, slug_path):
    column = _column_or_404(request, slug_path)
    site = request.site
    tag_page(request, f"column:{column.pk}", f"feeds:{site.pk}")
    feed = Rss201rev2Feed(title=f"{column.name} - {site.name}", link=_absolute(request, portal_url(
        request, "column", column.url_path)), description=column.description or column.name, language="zh-cn")
    for a in published_in_subtree(column).only("id", "title", "summary", "display_date")[:30]:
        feed.add_item(title=a.title, link=_absolute(request, portal_url(request, "article", a.pk)),
                      description=a.summary or a.title, pubdate=a.display_date, unique_id=str(a.pk))
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@portal_view
def robots_txt(request):
    tag_page(request, f"feeds:{request.site.pk}")
    lines = ["User-agent: *", "Disallow: /search/",
             f"Sitemap: {_absolute(request, portal_url(request, 'sitemap_xml'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


