"""The minimal public portal of the foundation: home, column list and article pages."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cms import actions

from .factories import make_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(group):
    live = make_published(group.approver, group.news, "国家税务总局召开全国税务工作会议")
    draft = actions.create_draft(acting_user=group.approver, column=group.news, title="尚未审批的稿件")
    future = make_published(group.approver, group.news, "定时发布的稿件", when=timezone.now() + timedelta(hours=2))
    policy = make_published(group.approver, group.laws, "关于增值税专用发票管理有关事项的公告", kind="policy",
                            doc_number="国家税务总局公告2026年第12号", issuing_organ="国家税务总局",
                            validity="valid", index_number="4000-01-2026-00012")
    return live, draft, future, policy


def test_home_page_lists_only_public_articles(client, public_urls, content):
    live, draft, future, _policy = content
    page = client.get("/", HTTP_HOST="www.chinatax.test").content.decode()
    assert live.title in page
    assert draft.title not in page and future.title not in page


def test_unapproved_and_scheduled_articles_answer_404(client, public_urls, content):
    _live, draft, future, _policy = content
    assert client.get(f"/articles/{draft.pk}.html", HTTP_HOST="www.chinatax.test").status_code == 404
    assert client.get(f"/articles/{future.pk}.html", HTTP_HOST="www.chinatax.test").status_code == 404


def test_every_page_carries_the_footer_identifiers_and_site_meta_tags(client, public_urls, group, content):
    live, _d, _f, _p = content
    for url in ("/", "/columns/swyw/", f"/articles/{live.pk}.html"):
        html = client.get(url, HTTP_HOST="www.chinatax.test").content.decode()
        for value in (group.national.site_id_code, group.national.icp_number, group.national.psb_number,
                      group.national.organiser):
            assert value in html, (url, value)
        assert '<meta name="SiteName" content="国家税务总局">' in html
        assert f'<meta name="SiteIDCode" content="{group.national.site_id_code}">' in html


def test_article_page_carries_pubdate_in_national_format(client, public_urls, content):
    live = content[0]
    html = client.get(f"/articles/{live.pk}.html", HTTP_HOST="www.chinatax.test").content.decode()
    match = re.search(r'<meta name="PubDate" content="([^"]+)">', html)
    assert match and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", match.group(1))
    assert timezone.localtime(live.display_date).strftime("%Y-%m-%d %H:%M") == match.group(1)


def test_policy_page_shows_the_document_metadata_table(client, public_urls, content):
    policy = content[3]
    html = client.get(f"/articles/{policy.pk}.html", HTTP_HOST="www.chinatax.test").content.decode()
    assert "国家税务总局公告2026年第12号" in html and "4000-01-2026-00012" in html and "全文有效" in html


def test_a_site_is_found_by_host_and_by_the_site_path_fallback(client, public_urls, group):
    bj = make_published(group.bj_approver, group.bj_news, "北京市税务局开展便民办税春风行动")
    assert bj.title in client.get("/", HTTP_HOST="beijing.chinatax.test").content.decode()
    fallback = client.get("/site/beijing/", HTTP_HOST="127.0.0.1").content.decode()
    assert bj.title in fallback and f'href="/site/beijing/articles/{bj.pk}.html"' in fallback
    # An article of one site is not reachable through another site's address.
    assert client.get(f"/articles/{bj.pk}.html", HTTP_HOST="www.chinatax.test").status_code == 404


def test_an_unknown_host_gets_the_default_site(client, public_urls, group, settings):
    settings.TAXSITE_DEFAULT_SITE = "national"
    assert "国家税务总局" in client.get("/", HTTP_HOST="unknown.example").content.decode()
    settings.TAXSITE_DEFAULT_SITE = ""
    assert client.get("/", HTTP_HOST="another-unknown.example").status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999"])
def test_bad_page_numbers_answer_404_not_500(client, public_urls, content, page):
    assert client.get(f"/columns/swyw/?page={page}", HTTP_HOST="www.chinatax.test").status_code == 404


def test_a_column_list_includes_articles_of_sub_columns(client, public_urls, group):
    guide = make_published(group.approver, group.guides, "增值税发票领用指南", kind="guide")
    assert guide.title in client.get("/columns/bsfw/", HTTP_HOST="www.chinatax.test").content.decode()
    assert guide.title in client.get("/columns/bsfw/bszn/", HTTP_HOST="www.chinatax.test").content.decode()


def test_portal_pages_carry_a_strict_content_security_policy(client, public_urls, content):
    response = client.get("/", HTTP_HOST="www.chinatax.test")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
