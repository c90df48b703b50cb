"""One visibility rule decides what the public sees (SPEC §4, issue 3 point 10)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from cms import actions as cms_actions
from cms.models import Article
from publishing import actions

from .factories import deliver_all

pytestmark = pytest.mark.django_db
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)
HOST = {"HTTP_HOST": "www.chinatax.test"}


def _through_office(g, title, **fields):
    article = cms_actions.create_draft(acting_user=g.editor, column=g.guides, title=title, body="<p>正文</p>",
                                       **fields)
    slip = actions.submit_slip(article, acting_user=g.editor, **CONFIRM)
    actions.decide(slip, "dept_approve", acting_user=g.head, secrecy_confirmed=True)
    return slip


def _published(g, title, **fields):
    slip = _through_office(g, title, **fields)
    actions.decide(slip, "office_publish", acting_user=g.approver, secrecy_confirmed=True)
    return Article.objects.get(pk=slip.article_id)


def _everywhere(client, article):
    """Every public place an article could show up in this foundation portal."""
    pages = [client.get("/", **HOST), client.get("/columns/bsfw/", **HOST), client.get("/columns/bsfw/bszn/", **HOST)]
    return any(article.title in p.content.decode() for p in pages)


def test_never_approved_scheduled_expired_and_withdrawn_articles_appear_nowhere_public(client, public_urls, group):
    draft = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title="未审批稿件甲")
    in_review = _through_office(group, "审核中稿件乙").article
    scheduled_slip = _through_office(group, "定时发布稿件丙")
    actions.decide(scheduled_slip, "office_schedule", acting_user=group.approver, secrecy_confirmed=True,
                   publish_at=timezone.now() + timedelta(hours=3))
    expired = _published(group, "已过期稿件丁", expire_at=timezone.now() + timedelta(seconds=1))
    Article.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    withdrawn = _published(group, "已撤回稿件戊")
    actions.unpublish_article(withdrawn, "withdrawn", acting_user=group.approver, reason="政策调整")
    live = _published(group, "正常发布稿件己")
    assert _everywhere(client, live)
    for article in (draft, in_review, scheduled_slip.article, expired, withdrawn):
        assert not _everywhere(client, article), article.title
    for article in (draft, in_review, scheduled_slip.article, expired):
        assert client.get(f"/articles/{article.pk}.html", **HOST).status_code == 404


def test_a_withdrawn_page_stays_with_a_public_notice_and_the_reason(client, public_urls, group):
    article = _published(group, "撤回测试")
    actions.unpublish_article(article, "withdrawn", acting_user=group.approver, reason="内容已过时")
    response = client.get(f"/articles/{article.pk}.html", **HOST)
    assert response.status_code == 200 and "内容已过时" in response.content.decode()
    assert "正文" not in response.content.decode()


def test_published_in_error_answers_410_gone(client, public_urls, group):
    article = _published(group, "误发稿件")
    actions.unpublish_article(article, "gone", acting_user=group.approver, reason="误发")
    assert client.get(f"/articles/{article.pk}.html", **HOST).status_code == 410


def test_a_replaced_article_redirects_permanently_to_its_successor(client, public_urls, group):
    old, new = _published(group, "旧版指南"), _published(group, "新版指南")
    actions.unpublish_article(old, "replaced", acting_user=group.approver, reason="已更新", successor=new)
    response = client.get(f"/articles/{old.pk}.html", **HOST)
    assert response.status_code == 301 and response["Location"] == f"/articles/{new.pk}.html"


def test_the_live_revision_stays_public_while_its_successor_is_in_review(client, public_urls, group):
    article = _published(group, "现行版本标题")
    cms_actions.update_draft(article, acting_user=group.editor, title="修改中的标题", body="<p>新的正文</p>")
    slip = actions.submit_slip(article, acting_user=group.editor, **CONFIRM)
    page = client.get(f"/articles/{article.pk}.html", **HOST).content.decode()
    assert "现行版本标题" in page and "修改中的标题" not in page
    actions.decide(slip, "dept_approve", acting_user=group.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=group.approver, secrecy_confirmed=True)
    deliver_all()
    page = client.get(f"/articles/{article.pk}.html", **HOST).content.decode()
    assert "修改中的标题" in page and "新的正文" in page
