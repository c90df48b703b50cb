"""Footer identifiers and the national meta tags on every site (SPEC §6): the site
identifier code, ICP and public-security filing numbers, organiser and contact in the
footer; SiteName/SiteDomain/SiteIDCode on every page, the column tags on list pages, the
article tags on article pages. The site's record is checked, then its home page, one list
page and its newest article page are rendered as the public role renders them."""
import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import get_urlconf, resolve, set_urlconf

from cms.models import Article, Column
from cms.validators import validate_site_id_code
from cms.visibility import public_q

from .registry import ERROR, SITE, WARNING, register_check

PUBLIC_URLCONF = "taxsite.urls_public"
SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
_META_RE = re.compile(r"""<meta\s+name=["']([A-Za-z]+)["']\s+content=["']([^"']*)["']""")


def render_public(site, path):
    """(status, html) of ``/site/<code><path>`` as the public role would answer it."""
    from cms.middleware import SiteMiddleware

    full = f"/site/{site.code}{path}"
    request = RequestFactory().get(full)
    request.get_host = lambda: site.domain  # the audit renders for the site's own host name
    request.user = AnonymousUser()
    request.site, request.site_by_path = None, False
    previous = get_urlconf()
    set_urlconf(PUBLIC_URLCONF)
    try:
        match = resolve(full, urlconf=PUBLIC_URLCONF)
        kwargs = dict(match.kwargs)
        SiteMiddleware(lambda r: None).process_view(request, match.func, match.args, kwargs)
        response = match.func(request, *match.args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        body = b"".join(response) if response.streaming else response.content
        return response.status_code, body.decode("utf-8", "replace")
    finally:
        set_urlconf(previous)


def meta_tags(html):
    return {name: content for name, content in _META_RE.findall(html)}


@register_check(code="identifiers.footer", severity=ERROR, scope=SITE,
                title="Footer identifiers missing or malformed")
def footer_identifiers(ctx):
    labels = {"site_id_code": "网站标识码", "icp_number": "ICP备案编号", "psb_number": "公安机关备案号",
              "organiser": "主办单位"}
    for site in ctx.sites:
        missing = [label for field, label in labels.items() if not getattr(site, field, "").strip()]
        if not (site.contact_phone or site.contact_email):
            missing.append("联系方式")
        if missing:
            yield ctx.finding(f"网站底部缺少：{'、'.join(missing)}。", fix="在“网站”设置中补全底部标识信息。",
                              site=site.pk, obj=site, data={"missing": missing})
        try:
            validate_site_id_code(site.site_id_code)
        except ValidationError:
            if site.site_id_code:
                yield ctx.finding(f"网站标识码“{site.site_id_code}”格式不正确（应为 bm 加 8 位数字或 10 位数字）。",
                                  fix="核对全国政府网站信息报送系统分配的标识码。", site=site.pk, obj=site)


@register_check(code="identifiers.meta", severity=WARNING, scope=SITE,
                title="Pages without the national meta tags or footer")
def page_meta_tags(ctx):
    for site in ctx.sites:
        pages = [("/", SITE_TAGS, "首页")]
        column = (Column.objects.filter(site=site, layout=Column.Layout.LIST).order_by("depth", "order", "pk")
                  .values_list("url_path", "name").first())
        if column:
            pages.append((f"/columns/{column[0]}/", SITE_TAGS + COLUMN_TAGS, f"栏目页“{column[1]}”"))
        article = (Article.objects.filter(public_q(ctx.now), site=site).order_by("-published_at", "-pk")
                   .values_list("pk", "title").first())
        if article:
            pages.append((f"/articles/{article[0]}.html", SITE_TAGS + ARTICLE_TAGS, f"文章页“{article[1]}”"))
        for path, wanted, label in pages:
            try:
                status, html = render_public(site, path)
            except Exception as exc:  # noqa: BLE001 - a page that cannot render is the finding
                yield ctx.finding(f"{label}无法生成：{exc.__class__.__name__}: {exc}"[:500],
                                  fix="查看运行日志并修复页面错误。", site=site.pk, severity=ERROR,
                                  object_type="cms.Site", object_id=site.pk, object_repr=path)
                continue
            if status != 200:
                yield ctx.finding(f"{label}返回 HTTP {status}。", fix="检查该页面。", site=site.pk, severity=ERROR,
                                  object_type="cms.Site", object_id=site.pk, object_repr=path)
                continue
            tags = meta_tags(html)
            missing = [t for t in wanted if not tags.get(t, "").strip()]
            if missing:
                yield ctx.finding(f"{label}缺少元数据标签：{', '.join(missing)}。",
                                  fix="在页面模板中按政府网站网页元数据规范补全 meta 标签。", site=site.pk,
                                  object_type="cms.Site", object_id=site.pk, object_repr=path,
                                  data={"missing": missing})
            absent = [v for v in (site.site_id_code, site.icp_number, site.psb_number) if v and v not in html]
            if absent:
                yield ctx.finding(f"{label}底部未显示：{'、'.join(absent)}。", fix="检查页面底部模板。",
                                  site=site.pk, code="identifiers.footer", severity=ERROR,
                                  object_type="cms.Site", object_id=site.pk, object_repr=path)
