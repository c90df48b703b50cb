"""The public portal over the whole demo website group (SPEC §6): every page type of every
site carries the footer and the national meta tags; odd searches are harmless."""
import re

import pytest

from cms.models import Article, ArticleKind, ArticleStatus, Column, Site
from cms.search import rebuild

pytestmark = pytest.mark.django_db
PUBDATE = re.compile(r'<meta name="PubDate" content="(\d{4}-\d{2}-\d{2} \d{2}:\d{2})">')


@pytest.fixture
def portal(demo, public_urls, settings):
    settings.MEDIA_ROOT = demo.media_root
    rebuild()
    return demo


def _pages_of(site):
    policy_library = Column.objects.get(site=site, layout=Column.Layout.POLICY_LIBRARY)
    news = Column.objects.filter(site=site, column_class="news", parent__isnull=True).first()
    article = Article.objects.filter(site=site, status=ArticleStatus.PUBLISHED).order_by("-id").first()
    policy = Article.objects.filter(site=site, status=ArticleStatus.PUBLISHED, kind=ArticleKind.POLICY).first()
    prefix = f"/site/{site.code}"
    return {
        "home": f"{prefix}/", "list": f"{prefix}/columns/{news.url_path}/",
        "policy library": f"{prefix}/columns/{policy_library.url_path}/",
        "article": f"{prefix}/articles/{article.pk}.html", "policy": f"{prefix}/articles/{policy.pk}.html",
        "search": f"{prefix}/search/?q=发票", "site map": f"{prefix}/sitemap/",
        "print": f"{prefix}/articles/{article.pk}/print.html", "404": f"{prefix}/columns/no-such-column/",
    }


def test_every_page_type_of_every_demo_site_carries_the_footer_and_the_national_meta_tags(client, portal):
    for site in Site.objects.all():
        for kind, url in _pages_of(site).items():
            response = client.get(url)
            assert response.status_code == (404 if kind == "404" else 200), (site.code, kind)
            html = response.content.decode()
            for tag in ("SiteName", "SiteDomain", "SiteIDCode"):
                assert f'<meta name="{tag}"' in html, (site.code, kind, tag)
            assert site.site_id_code in html, (site.code, kind)
            if kind != "print":
                for value in (site.icp_number, site.psb_number, site.organiser, "网站地图", "纠错"):
                    assert value in html, (site.code, kind, value)
            if kind in ("list", "policy library"):
                for tag in ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"):
                    assert f'<meta name="{tag}"' in html, (site.code, kind, tag)
            if kind in ("article", "policy", "print"):
                assert PUBDATE.search(html), (site.code, kind)
                assert '<meta name="ArticleTitle"' in html and '<meta name="ContentSource"' in html


def test_a_policy_that_is_not_fully_valid_carries_a_banner_and_links_its_replacement(client, portal):
    policy = Article.objects.filter(status=ArticleStatus.PUBLISHED, kind=ArticleKind.POLICY,
                                    superseded_by__isnull=False).exclude(validity="valid").first()
    html = client.get(f"/site/{policy.site.code}/articles/{policy.pk}.html").content.decode()
    assert 'class="validity-banner"' in html and f"/articles/{policy.superseded_by_id}.html" in html


@pytest.mark.parametrize("q", ["", "x" * 10_000, "' OR 1=1; DROP TABLE cms_article; --",
                               "<script>alert(1)</script>", '"发票" AND NOT *', "\\u0000%_"])
def test_odd_searches_give_an_ordinary_results_page(client, portal, q):
    response = client.get("/site/national/search/", {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


