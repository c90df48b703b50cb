"""Links of published content (SPEC §10): internal links and attachments are checked
offline against the database and the storage; external links are listed and, with
``--check-external``, fetched with a short timeout. An unreachable network is reported as
information and never fails the run.

Bodies are read with an iterator in chunks; each chunk's references are looked up with one
query per kind, so memory does not grow with the number of articles.
"""
from concurrent.futures import ThreadPoolExecutor
import re
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urljoin, urlsplit
import urllib.request

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from cms.models import Article, ArticleStatus, Attachment, Column, Site
from cms.visibility import public_q

from .registry import COLUMN, ERROR, INFO, WARNING, register_check

PUBLIC_URLCONF = "taxsite.urls_public"
CHUNK = 1000
MAX_EXTERNAL_LISTED = 20_000
MAX_EXTERNAL_CHECKED = 200
_LINK_RE = re.compile(r"""(?:href|src)\s*=\s*["']([^"'<>]+)["']""", re.I)
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
# States whose article page still answers (a notice page or a redirect): a link to them works.
_REACHABLE = {ArticleStatus.PUBLISHED, ArticleStatus.WITHDRAWN, ArticleStatus.REPLACED}


def _site_hosts():
    return {domain.lower(): pk for pk, domain in Site.objects.values_list("pk", "domain")}


def classify(url, base_site_id, hosts, site_ids_by_code):
    """('external', url) | ('internal', kind, key, site_id) | ('skip',)."""
    url = url.strip()
    if not url or url.lower().startswith(_SKIP_SCHEMES):
        return ("skip",)
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return ("skip",)
    host = (parts.hostname or "").lower()
    site_id = base_site_id
    if host:
        if host not in hosts:
            return ("external", url)
        site_id = hosts[host]
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = urljoin("/", path)
    if path.startswith("/media/"):
        return ("internal", "media", path[len("/media/"):], site_id)
    if path.startswith("/static/"):
        return ("internal", "static", path[len("/static/"):], site_id)
    try:
        match = resolve(path, urlconf=PUBLIC_URLCONF)
    except Resolver404:
        return ("internal", "nopage", path, site_id)
    kwargs = match.kwargs
    if "site_code" in kwargs:
        site_id = site_ids_by_code.get(kwargs["site_code"])
        if site_id is None:
            return ("internal", "nopage", path, None)
    name = match.url_name
    if name == "article":
        return ("internal", "article", int(kwargs["pk"]), site_id)
    if name == "attachment":
        return ("internal", "attachment", int(kwargs["pk"]), site_id)
    if name == "column":
        return ("internal", "column", kwargs["slug_path"].strip("/"), site_id)
    return ("skip",)


class _Chunk:
    def __init__(self):
        self.refs = []  # (article pk, site_id, title, url, kind, key, target site)

    def resolve_missing(self, ctx):
        articles = {r[5] for r in self.refs if r[4] == "article"}
        attachments = {r[5] for r in self.refs if r[4] == "attachment"}
        columns = {(r[6], r[5]) for r in self.refs if r[4] == "column"}
        found_articles = {pk: (site_id, status) for pk, site_id, status in Article.objects.filter(
            pk__in=articles).values_list("pk", "site_id", "status")} if articles else {}
        public_ids = set(Article.objects.filter(public_q(ctx.now), pk__in=articles).values_list("pk", flat=True)) \
            if articles else set()
        found_attachments = {pk: (site_id, name, art) for pk, site_id, name, art in Attachment.objects.filter(
            pk__in=attachments).values_list("pk", "article__site_id", "file", "article_id")} if attachments else {}
        public_att_articles = set(Article.objects.filter(
            public_q(ctx.now), pk__in={v[2] for v in found_attachments.values()}).values_list("pk", flat=True)) \
            if found_attachments else set()
        found_columns = set()
        if columns:
            paths = {p for _s, p in columns}
            found_columns = set(Column.objects.filter(url_path__in=paths).values_list("site_id", "url_path"))
        for article_id, site_id, title, url, kind, key, target in self.refs:
            problem = None
            if kind == "nopage":
                problem = "指向不存在的页面"
            elif kind == "article":
                hit = found_articles.get(key)
                if hit is None or (target is not None and hit[0] != target):
                    problem = "指向不存在的信息"
                elif key not in public_ids and hit[1] not in _REACHABLE - {ArticleStatus.PUBLISHED}:
                    problem = "指向未公开或已下线的信息"
            elif kind == "attachment":
                hit = found_attachments.get(key)
                if hit is None or (target is not None and hit[0] != target):
                    problem = "指向不存在的附件"
                elif hit[2] not in public_att_articles:
                    problem = "指向未公开信息的附件"
                elif not default_storage.exists(hit[1]):
                    problem = "指向的附件文件已丢失"
            elif kind == "column":
                if (target, key) not in found_columns:
                    problem = "指向不存在的栏目"
            elif kind == "media":
                if ".." in key.split("/") or not default_storage.exists(key):
                    problem = "指向的文件不存在"
            elif kind == "static":
                if finders.find(key) is None:
                    problem = "指向的静态文件不存在"
            if problem:
                yield ctx.finding(f"信息“{title}”中的链接 {url} {problem}。",
                                  fix="修改该信息的正文链接（新建版本送审），或恢复被链接的内容。", site=site_id,
                                  object_type="cms.Article", object_id=article_id, object_repr=title,
                                  data={"url": url[:500]})
        self.refs.clear()


def _public_bodies(ctx):
    return (Article.objects.filter(public_q(ctx.now), column__in=ctx.columns().values("pk")).order_by()
            .values_list("pk", "site_id", "title", "body").iterator(chunk_size=CHUNK))


@register_check(code="links.broken_internal", severity=ERROR, scope=COLUMN,
                title="Broken internal links in published content")
def broken_internal_links(ctx):
    hosts = _site_hosts()
    codes = {code: pk for pk, code in ctx.site_codes.items()}
    chunk, seen = _Chunk(), 0
    externals = ctx.__dict__.setdefault("_external_links", {})
    for pk, site_id, title, body in _public_bodies(ctx):
        seen += 1
        if body and ("href" in body or "src" in body):
            for url in _LINK_RE.findall(body):
                kind = classify(url, site_id, hosts, codes)
                if kind[0] == "internal":
                    chunk.refs.append((pk, site_id, title, url, kind[1], kind[2], kind[3]))
                elif kind[0] == "external" and len(externals) < MAX_EXTERNAL_LISTED:
                    externals.setdefault((site_id, url), (pk, title))
        if seen % CHUNK == 0:
            yield from chunk.resolve_missing(ctx)
    yield from chunk.resolve_missing(ctx)


@register_check(code="links.missing_attachment", severity=ERROR, scope=COLUMN,
                title="Attachments of published content missing from the storage")
def missing_attachments(ctx):
    public = Article.objects.filter(public_q(ctx.now), column__in=ctx.columns().values("pk"))
    rows = (Attachment.objects.filter(article__in=public.values("pk")).order_by()
            .values_list("pk", "article_id", "article__site_id", "article__title", "title", "file", "size")
            .iterator(chunk_size=CHUNK))
    for pk, article_id, site_id, article_title, title, name, size in rows:
        try:
            ok = bool(name) and default_storage.exists(name) and default_storage.size(name) == size
        except OSError:
            ok = False
        if not ok:
            yield ctx.finding(f"信息“{article_title}”的附件“{title}”在存储中缺失或已损坏（{name}）。",
                              fix="从备份恢复该附件文件（manage.py restore --verify-only 可先核对备份），"
                                  "或重新上传后送审。",
                              site=site_id, object_type="cms.Attachment", object_id=pk,
                              object_repr=f"{article_title} / {title}", data={"file": name, "article": article_id})


def _fetch(url, timeout):
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "taxsite-linkcheck/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.status, None
    except HTTPError as exc:
        if exc.code in (403, 405, 501):  # HEAD refused: ask with GET
            try:
                get = urllib.request.Request(url, headers={"User-Agent": "taxsite-linkcheck/1"})
                with urllib.request.urlopen(get, timeout=timeout) as response:  # noqa: S310
                    return response.status, None
            except HTTPError as exc2:
                return exc2.code, None
            except (URLError, OSError, ValueError) as exc2:
                return None, exc2.__class__.__name__
        return exc.code, None
    except (URLError, OSError, ValueError) as exc:
        return None, getattr(exc, "reason", exc).__class__.__name__


@register_check(code="links.external", severity=INFO, scope=COLUMN,
                title="External links of published content (listed; checked with --check-external)")
def external_links(ctx):
    externals = ctx.__dict__.get("_external_links")
    if externals is None:  # the internal-link pass did not run (e.g. only this check selected)
        list(broken_internal_links(ctx))
        externals = ctx.__dict__.get("_external_links", {})
    for (site_id, url), (pk, title) in sorted(externals.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        yield ctx.finding(f"信息“{title}”链接外部网站 {url}。", fix="定期确认外部链接有效，并在链接处提示将离开本站。",
                          site=site_id, object_type="cms.Article", object_id=pk, object_repr=title,
                          data={"url": url[:500]})
    if not ctx.check_external or not externals:
        return
    urls = sorted({url for _site, url in externals})[:MAX_EXTERNAL_CHECKED]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(urls, pool.map(lambda u: _fetch(u, ctx.external_timeout), urls)))
    if not any(status is not None for status, _err in results.values()):
        yield ctx.finding(f"外部链接未能检查：网络不可达（{len(urls)} 个链接均无法连接）。本项不影响检查结果。",
                          fix="在可访问互联网的环境中运行 manage.py audit --check-external。", severity=INFO,
                          code="links.external_unchecked", data={"urls": len(urls)})
        return
    for (site_id, url), (pk, title) in sorted(externals.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if url not in results:
            continue
        status, error = results[url]
        if status is not None and status < 400:
            continue
        what = f"返回 HTTP {status}" if status is not None else f"无法访问（{error}）"
        yield ctx.finding(f"信息“{title}”中的外部链接 {url} {what}。", fix="更正或删除失效的外部链接。",
                          site=site_id, severity=WARNING, code="links.external_broken", object_type="cms.Article",
                          object_id=pk, object_repr=title, data={"url": url[:500], "status": status})
