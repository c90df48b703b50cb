"""The public portal (SPEC §6, issue 4): every page type of every demo site, meta tags and
footer, search in Chinese, the page cache with exact purge, ETag/304, query counts."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import actions as cms_actions
from cms.models import Article
from publishing import actions

from .factories import deliver_all

pytestmark = pytest.mark.django_db
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


def test_search_for_fapiao_finds_an_article_that_only_says_the_longer_word(client, public_urls, group):
    only_long = _publish(group, "办理指引", "<p>纳税人领用增值税专用发票的流程。</p>")
    html = client.get("/site/national/search/?q=发票").content.decode()
    assert f"/articles/{only_long.pk}.html" in html and "<mark>发票</mark>" in html


def test_search_ranks_the_article_titled_with_the_words_first(client, public_urls, group):
    _publish(group, "年度汇算答疑", "<p>个人所得税综合所得年度汇算的常见问题。</p>")
    titled = _publish(group, "个人所得税", "<p>年度汇算清缴问答。</p>")
    _publish(group, "关于个人所得税有关问题的说明", "<p>个人所得税个人所得税。</p>")
    html = client.get("/site/national/search/?q=个人所得税").content.decode()
    first = re.search(r'<ol class="search-results"><li><h2><a href="[^"]*/articles/(\d+)\.html"', html)
    assert first and int(first.group(1)) == titled.pk


def _publish(g, title, body, column=None, **fields):
    article = cms_actions.create_draft(acting_user=g.editor, column=column or g.guides, title=title, body=body,
                                       **fields)
    slip = actions.submit_slip(article, acting_user=g.editor, **CONFIRM)
    actions.decide(slip, "dept_approve", acting_user=g.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=g.approver, secrecy_confirmed=True)
    deliver_all()
    return Article.objects.get(pk=article.pk)


HOST = {"HTTP_HOST": "www.chinatax.test"}


def test_after_a_publish_the_home_page_shows_the_item_at_once_and_unrelated_pages_stay_cached(
        client, public_urls, group):
    from .factories import make_column

    other = make_column(group.national, group.office, "rsrm", name="人事任免", column_class="overview")
    for url in ("/", "/columns/bsfw/", f"/columns/{other.url_path}/"):
        assert client.get(url, **HOST)["X-Cache"] == "miss"
        assert client.get(url, **HOST)["X-Cache"] == "hit"
    article = _publish(group, "新发布的办税指南", "<p>正文</p>")
    home = client.get("/", **HOST)
    assert home["X-Cache"] == "miss" and article.title in home.content.decode()
    assert article.title in client.get("/columns/bsfw/", **HOST).content.decode()
    assert client.get(f"/columns/{other.url_path}/", **HOST)["X-Cache"] == "hit"


def test_withdrawing_purges_the_pages_that_showed_the_item(client, public_urls, group):
    article = _publish(group, "将被撤回的稿件", "<p>正文</p>")
    assert article.title in client.get("/", **HOST).content.decode()
    actions.unpublish_article(article, "withdrawn", acting_user=group.approver, reason="调整")
    deliver_all()
    assert article.title not in client.get("/", **HOST).content.decode()
    assert article.title not in client.get("/site/national/search/?q=撤回").content.decode()


def test_a_cache_hit_touches_no_database(client, public_urls, group):
    _publish(group, "缓存测试", "<p>正文</p>")
    client.get("/", **HOST)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/", **HOST)
    assert response["X-Cache"] == "hit" and len(ctx.captured_queries) == 0


def test_a_matching_etag_gives_304_and_last_modified_is_sent(client, public_urls, group):
    article = _publish(group, "条件请求测试", "<p>正文</p>")
    url = f"/articles/{article.pk}.html"
    first = client.get(url, **HOST)
    assert first.has_header("Last-Modified") and "public" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **HOST)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"', **HOST).status_code == 200


def test_an_uncached_article_page_needs_at_most_ten_queries(client, public_urls, settings, group):
    settings.TAXSITE_PAGE_CACHE = False
    policy = _publish(group, "查询次数测试", "<p>正文</p>", kind="policy", doc_number="税总发〔2026〕1号",
                      validity="valid")
    _publish(group, "查询次数测试的解读", "<p>解读</p>", kind="interpretation", interprets=policy)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/articles/{policy.pk}.html", **HOST).status_code == 200
    assert len(ctx.captured_queries) <= 10, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_list_pages_query_count_does_not_depend_on_the_page_number(client, public_urls, settings, group):
    settings.TAXSITE_PAGE_CACHE = False
    for i in range(45):
        _publish(group, f"列表稿件{i}", "<p>正文</p>")

    def count(page):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/columns/bsfw/?page={page}", **HOST).status_code == 200
        return len(ctx.captured_queries)

    count(1)  # warm the per-process memo of the site and its navigation
    assert count(1) == count(2) == count(3)


def test_sitemap_feed_and_robots_list_only_public_articles(client, public_urls, group):
    live = _publish(group, "公开稿件", "<p>正文</p>")
    hidden = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title="未公开稿件")
    sitemap = client.get("/sitemap.xml", **HOST).content.decode()
    assert f"/articles/{live.pk}.html" in sitemap and f"/articles/{hidden.pk}.html" not in sitemap
    feed = client.get("/columns/bsfw/rss.xml", **HOST)
    assert feed["Content-Type"].startswith("application/rss+xml") and live.title in feed.content.decode()
    assert hidden.title not in feed.content.decode()
    assert "Sitemap:" in client.get("/robots.txt", **HOST).content.decode()


def test_a_deleted_attachment_file_answers_404(client, public_urls, group, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title="附件稿件")
    attachment = cms_actions.add_attachment(article, SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
                                            acting_user=group.editor)
    slip = actions.submit_slip(article, acting_user=group.editor, **CONFIRM)
    actions.decide(slip, "dept_approve", acting_user=group.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=group.approver, secrecy_confirmed=True)
    assert client.get(f"/attachments/{attachment.pk}/", **HOST).status_code == 200
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(f"/attachments/{attachment.pk}/", **HOST).status_code == 404


def test_the_public_pages_stay_up_when_the_cache_is_down(client, public_urls, settings, group):
    _publish(group, "缓存故障测试", "<p>正文</p>")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/", **HOST)
    assert response.status_code == 200 and "缓存故障测试" in response.content.decode()


def test_a_cache_hit_carries_the_same_security_headers_as_the_rendered_page(client, public_urls, group):
    _publish(group, "安全头测试", "<p>正文</p>")
    miss, hit = client.get("/", **HOST), client.get("/", **HOST)
    assert hit["X-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert hit[header] == miss[header]
