"""Link check (issue 6 point 2): internal links and attachments of published content are
checked offline against the database and the storage; external links are listed and, where
the network allows, checked — an unreachable network never fails the run."""
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cms import actions as cms_actions
from cms.demo_data import demo_pdf
from cms.models import Article, ArticleStatus
from security.checks import links
from security.models import AuditRun

from ..factories import make_published
from .conftest import findings

pytestmark = pytest.mark.django_db


def test_links_to_missing_articles_columns_and_files_are_broken_and_working_ones_are_not(group, audit):
    target = make_published(group.approver, group.news, "被引用的信息")
    body = (f'<p><a href="/articles/{target.pk}.html">有效</a> <a href="/site/national/columns/bsfw/bszn/">有效栏目</a>'
            f' <a href="/articles/999999.html">失效</a> <a href="http://www.chinatax.test/columns/nowhere/">失效栏目</a>'
            f' <a href="/media/attachments/xx/missing.pdf">失效文件</a> <a href="/no/such/page">失效页面</a>'
            f' <a href="mailto:12366@chinatax.test">邮件</a> <a href="#top">锚点</a></p>')
    source = make_published(group.approver, group.news, "含链接的信息", body=body)
    broken = findings(audit("links.broken_internal"), "links.broken_internal")
    assert {f.data["url"] for f in broken} == {"/articles/999999.html", "http://www.chinatax.test/columns/nowhere/",
                                               "/media/attachments/xx/missing.pdf", "/no/such/page"}
    assert {f.object_id for f in broken} == {str(source.pk)} and all(f.severity == "error" for f in broken)


def test_a_link_to_an_article_taken_down_in_error_is_broken_but_a_withdrawn_one_keeps_its_notice_page(group, audit):
    gone = make_published(group.approver, group.news, "错误发布")
    withdrawn = make_published(group.approver, group.news, "已撤回")
    Article.objects.filter(pk=gone.pk).update(status=ArticleStatus.GONE)
    Article.objects.filter(pk=withdrawn.pk).update(status=ArticleStatus.WITHDRAWN)
    make_published(group.approver, group.news, "引用", body=f'<a href="/articles/{gone.pk}.html">a</a>'
                                                           f'<a href="/articles/{withdrawn.pk}.html">b</a>')
    broken = findings(audit("links.broken_internal"), "links.broken_internal")
    assert [f.data["url"] for f in broken] == [f"/articles/{gone.pk}.html"]


def test_an_attachment_missing_from_the_storage_is_reported_until_it_is_restored(group, audit):
    article = cms_actions.create_draft(acting_user=group.approver, column=group.news, title="附件信息")
    attachment = cms_actions.add_attachment(article, SimpleUploadedFile("a.pdf", demo_pdf("attachment"),
                                                                        "application/pdf"), acting_user=group.approver)
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED, published_at=now,
                                                 first_published_at=now, display_date=now)
    assert findings(audit("links.missing_attachment")) == []
    content = default_storage.open(attachment.file.name).read()
    default_storage.delete(attachment.file.name)
    [f] = findings(audit("links.missing_attachment"), "links.missing_attachment")
    assert f.object_id == str(attachment.pk) and "缺失" in f.message
    default_storage.save(attachment.file.name, io.BytesIO(content))
    assert findings(audit("links.missing_attachment")) == []


def test_external_links_are_listed_and_an_unreachable_network_is_information_only(group, audit, monkeypatch):
    make_published(group.approver, group.news, "外链", body='<a href="https://www.gov.cn/zhengce/">国务院</a>')
    run = audit("links")
    [listed] = findings(run, "links.external")
    assert listed.severity == "info" and listed.data["url"] == "https://www.gov.cn/zhengce/"

    monkeypatch.setattr(links, "_fetch", lambda url, timeout: (None, "URLError"))
    run = audit("links", check_external=True)
    assert run.status == AuditRun.Status.DONE
    assert [f.severity for f in findings(run, "links.external_unchecked")] == ["info"]
    assert findings(run, "links.external_broken") == [] and run.counts["error"] == 0


def test_external_links_that_answer_with_an_error_are_warnings_when_the_network_is_up(group, audit, monkeypatch):
    make_published(group.approver, group.news, "外链", body='<a href="https://ok.example/">好</a>'
                                                          '<a href="https://gone.example/x">坏</a>')
    answers = {"https://ok.example/": (200, None), "https://gone.example/x": (404, None)}
    monkeypatch.setattr(links, "_fetch", lambda url, timeout: answers[url])
    [f] = findings(audit("links", check_external=True), "links.external_broken")
    assert f.severity == "warning" and "404" in f.message
