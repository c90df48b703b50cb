"""The public interaction pages: in Chinese, with the site's footer identifiers and meta tags,
on the public host only (SPEC §2, §6)."""
import pytest

from interaction import actions
from interaction.models import MessageKind

from .conftest import HOST

pytestmark = pytest.mark.django_db

PAGES = ["/hudong/", "/hudong/write/mailbox/", "/hudong/write/consultation/", "/hudong/write/error-report/",
         "/hudong/write/tax-tip/", "/hudong/write/misconduct/", "/hudong/lookup/", "/hudong/answers/",
         "/hudong/statistics/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_interaction_page_is_chinese_and_carries_the_footer_and_meta_tags(client, public_urls, hudong, path):
    response = client.get(path, HTTP_HOST=HOST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "互动交流" in html and "留言查询" in html and "公开答复" in html
    for value in (hudong.national.site_id_code, hudong.national.icp_number, hudong.national.organiser):
        assert value in html
    assert '<meta name="SiteIDCode"' in html and '<meta name="ColumnType" content="互动交流">' in html
    assert "Content-Security-Policy" in response.headers and "<script>" not in html and " style=" not in html


def test_the_index_links_every_form_in_the_addressing_mode_of_the_request(client, public_urls, hudong):
    by_host = client.get("/hudong/", HTTP_HOST=HOST).content.decode()
    by_path = client.get("/site/beijing/hudong/", HTTP_HOST="127.0.0.1").content.decode()
    for label, slug in (("局长信箱", "mailbox"), ("纳税咨询", "consultation"), ("网站纠错", "error-report"),
                        ("税收违法检举", "tax-tip"), ("干部违纪举报", "misconduct")):
        assert label in by_host and f'href="/hudong/write/{slug}/"' in by_host
        assert f'href="/site/beijing/hudong/write/{slug}/"' in by_path


def test_the_admin_host_serves_no_public_form(client, admin_urls, hudong):
    for path in ("/hudong/", "/hudong/write/consultation/", "/hudong/lookup/"):
        assert client.get(path).status_code == 404


def test_the_published_answers_can_be_searched(client, public_urls, hudong):
    message, _code = actions.submit_message(site=hudong.national, kind=MessageKind.CONSULTATION,
                                            subject="跨境电商出口退税", body="跨境电商企业如何办理出口退税？",
                                            publish_consent=True)
    actions.answer_message(message, answer="按规定申报。", acting_user=hudong.handler)
    published = actions.publish_answer(message, acting_user=hudong.handler)
    html = client.get("/hudong/answers/?q=出口退税怎么办", HTTP_HOST=HOST).content.decode()
    assert published.title in html
    assert published.title not in client.get("/hudong/answers/?q=房产税", HTTP_HOST=HOST).content.decode()
    assert client.get("/hudong/answers/?page=abc", HTTP_HOST=HOST).status_code == 404


def test_the_form_offers_the_sites_topics(client, public_urls, hudong):
    html = client.get("/hudong/write/consultation/", HTTP_HOST=HOST).content.decode()
    assert "增值税" in html and "个人所得税" in html and "其他 / 不确定" in html
    tip_form = client.get("/hudong/write/tax-tip/", HTTP_HOST=HOST).content.decode()
    assert 'name="topic"' not in tip_form and 'name="accused"' in tip_form and 'name="publish_consent"' not in tip_form
