"""Public portal views (the minimal set; the complete portal is issue 4)."""
from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Article, ArticleStatus, Attachment, Column
from .selectors import home_blocks, published_in_subtree
from .visibility import is_public

LIST_PAGE_SIZE = 20


def _article_url(request, pk):
    if request.site_by_path:
        return reverse("portal_site:article", args=[request.site.code, pk])
    return reverse("portal:article", args=[pk])


def portal_view(func):
    func.portal_view = True
    return require_safe(func)


def _principal_columns(site):
    return list(Column.objects.filter(site=site, parent__isnull=True).exclude(layout=Column.Layout.LINK)
                .order_by("order", "id").only("id", "name", "url_path", "site_id"))


@portal_view
def home(request):
    site = request.site
    return render(request, "portal/home.html", {
        "site": site, "blocks": home_blocks(site), "nav": _principal_columns(site),
    })


@portal_view
def column_page(request, slug_path):
    site = request.site
    column = get_object_or_404(Column.objects.select_related("department"), site=site, url_path=slug_path.strip("/"))
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise Http404("bad page")
    paginator = Paginator(published_in_subtree(column).only("id", "title", "display_date", "column_id"),
                          LIST_PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(int(raw_page))
    except (EmptyPage, InvalidPage):
        raise Http404("no such page")
    return render(request, "portal/column.html", {
        "site": site, "column": column, "page": page, "nav": _principal_columns(site),
        "children": column.children.order_by("order", "id"),
    })


@portal_view
def article_page(request, pk):
    site = request.site
    article = get_object_or_404(
        Article.objects.select_related("column", "interprets").prefetch_related("attachments"), pk=pk, site=site
    )
    if not is_public(article):
        # Typed unpublishing (SPEC §4): withdrawn keeps a notice page, published-in-error is
        # 410 Gone, replaced is a permanent redirect to the successor.
        if article.status == ArticleStatus.WITHDRAWN:
            return render(request, "portal/withdrawn.html", {"site": site, "article": article,
                                                             "nav": _principal_columns(site)}, status=200)
        if article.status == ArticleStatus.GONE:
            return render(request, "portal/410.html", {"site": site, "nav": _principal_columns(site)}, status=410)
        if article.status == ArticleStatus.REPLACED and article.superseded_by_id:
            return HttpResponsePermanentRedirect(_article_url(request, article.superseded_by_id))
        raise Http404("not public")
    interpretations = [a for a in article.interpretations.all().order_by("-display_date") if is_public(a)]
    return render(request, "portal/article.html", {
        "site": site, "article": article, "column": article.column, "nav": _principal_columns(site),
        "interpretations": interpretations,
    })


@portal_view
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk, article__site=request.site)
    if not is_public(attachment.article):
        raise Http404("not public")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("attachment file missing")
    inline = attachment.kind == Attachment.Kind.IMAGE or attachment.content_type == "application/pdf"
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=not inline,
                            filename=f"{attachment.title}{attachment.extension}")
    return response
