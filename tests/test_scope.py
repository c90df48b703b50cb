"""An editor drafts only in the columns granted to them (SPEC §3), whatever the way in:
the action, the admin list, the admin form and direct URLs."""
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from cms import actions
from cms.exceptions import ActionRefused
from cms.models import Article, Attachment
from cms.selectors import draftable_columns

from .factories import make_column

pytestmark = pytest.mark.django_db


def test_editor_may_draft_in_the_granted_column_and_its_sub_columns_only(group):
    cols = set(draftable_columns(group.editor))
    assert cols == {group.services, group.guides}


def test_department_head_drafts_in_every_column_of_the_department(group):
    assert set(draftable_columns(group.head)) == {group.services, group.guides}


def test_office_approver_drafts_in_every_column_of_the_own_site_only(group):
    cols = set(draftable_columns(group.approver))
    assert {group.news, group.services, group.guides, group.laws} == cols
    assert group.bj_news not in cols


def test_administrator_roles_draft_nowhere(group):
    assert not draftable_columns(group.auditor).exists()


def test_a_grant_through_a_group_counts_too(group):
    team = Group.objects.create(name="法规编辑组")
    assign_perm("draft_in_column", team, group.laws)
    group.editor.groups.add(team)
    assert group.laws in set(draftable_columns(group.editor))


def test_scope_query_count_does_not_grow_with_the_number_of_grants(group):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            list(draftable_columns(group.editor))
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        assign_perm("draft_in_column", group.editor, make_column(group.national, group.service, f"extra{i}"))
    assert count() == before == 1


def test_editor_cannot_create_a_draft_in_another_departments_column(group):
    with pytest.raises(ActionRefused):
        actions.create_draft(acting_user=group.editor, column=group.news, title="越权稿件")
    assert not Article.objects.filter(title="越权稿件").exists()


def test_draft_html_is_sanitised_on_save(group):
    article = actions.create_draft(acting_user=group.editor, column=group.guides, title="指南",
                                   body='<p onclick="x()">办税<script>alert(1)</script></p>')
    assert article.body == "<p>办税alert(1)</p>"


def test_every_edit_of_a_draft_is_kept_as_a_revision(group):
    article = actions.create_draft(acting_user=group.editor, column=group.guides, title="第一稿")
    actions.update_draft(article, acting_user=group.editor, title="第二稿")
    titles = list(article.history.order_by("history_date").values_list("title", flat=True))
    assert titles == ["第一稿", "第二稿"]


def test_an_editor_cannot_move_a_draft_into_a_column_outside_the_scope(group):
    article = actions.create_draft(acting_user=group.editor, column=group.guides, title="指南")
    with pytest.raises(ActionRefused):
        actions.update_draft(article, acting_user=group.editor, column=group.news)
    article.refresh_from_db()
    assert article.column == group.guides


@pytest.fixture
def foreign_article(group):
    return actions.create_draft(acting_user=group.approver, column=group.news, title="办公厅要闻稿")


@pytest.fixture
def editor_client(client, group, admin_urls):
    client.force_login(group.editor)
    return client


def test_admin_list_shows_the_editor_only_articles_of_the_own_columns(editor_client, group, foreign_article):
    own = actions.create_draft(acting_user=group.editor, column=group.guides, title="自己的稿件")
    page = editor_client.get("/admin/cms/article/").content.decode()
    assert own.title in page and foreign_article.title not in page


def test_admin_form_offers_only_the_columns_the_editor_may_draft_in(editor_client, group):
    page = editor_client.get("/admin/cms/article/add/").content.decode()
    assert group.guides.name in page and group.services.name in page
    assert group.news.name not in page and group.laws.name not in page


def test_posting_a_foreign_column_id_to_the_admin_form_is_refused(editor_client, group):
    response = editor_client.post("/admin/cms/article/add/", {
        "column": group.news.pk, "kind": "news", "title": "越权", "origin": "original",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200  # the form comes back with an error
    assert not Article.objects.filter(title="越权").exists()


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
def test_direct_urls_to_a_foreign_article_do_not_show_it(editor_client, foreign_article, suffix):
    response = editor_client.get(f"/admin/cms/article/{foreign_article.pk}/{suffix}")
    assert response.status_code in (302, 403, 404)
    assert foreign_article.title not in response.content.decode()


def test_editor_drafts_through_the_admin_with_a_checked_attachment(editor_client, group):
    pdf = SimpleUploadedFile("指南.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = editor_client.post("/admin/cms/article/add/", {
        "column": group.guides.pk, "kind": "guide", "title": "出口退税办理指南", "origin": "original",
        "body": "<p>第一步</p><script>x</script>",
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "办理流程", "attachments-0-upload": pdf, "attachments-0-order": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="出口退税办理指南")
    assert article.body == "<p>第一步</p>x" and article.created_by == group.editor
    assert Attachment.objects.get(article=article).content_type == "application/pdf"


def test_a_disguised_upload_in_the_admin_is_refused_and_nothing_is_saved(editor_client, group):
    fake = SimpleUploadedFile("指南.pdf", b"<html><script>alert(1)</script></html>")
    response = editor_client.post("/admin/cms/article/add/", {
        "column": group.guides.pk, "kind": "guide", "title": "伪装附件", "origin": "original",
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "x", "attachments-0-upload": fake, "attachments-0-order": "0",
    })
    assert response.status_code == 200
    assert "不是" in response.content.decode() or "not a" in response.content.decode()
    assert not Article.objects.filter(title="伪装附件").exists()
    assert not Attachment.objects.exists()
