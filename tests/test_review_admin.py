"""The workflow in the admin: submit form, review queue, slip screen, bulk publish, print."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import actions as cms_actions
from cms.models import Article, ArticleStatus
from publishing import actions
from publishing.models import ApprovalSlip
from publishing.workflow import SlipState

pytestmark = pytest.mark.django_db
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


def _slip(g, title="办税指南"):
    article = cms_actions.create_draft(acting_user=g.editor, column=g.guides, title=title, body="<p>正文</p>")
    return actions.submit_slip(article, acting_user=g.editor, **CONFIRM)


def test_editor_submits_through_the_form_with_the_three_confirmations(client, admin_urls, group):
    article = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title="新指南")
    client.force_login(group.editor)
    url = f"/admin/publishing/approvalslip/submit/{article.pk}/"
    assert client.post(url, {"confirm_no_secret": "on"}).status_code == 200
    assert not ApprovalSlip.objects.exists()
    response = client.post(url, {"confirm_no_secret": "on", "confirm_no_internal": "on",
                                 "confirm_no_personal_data": "on"})
    assert response.status_code == 302
    assert ApprovalSlip.objects.get().state == SlipState.DEPT_REVIEW


def test_the_submit_form_shows_a_classification_marker_and_refuses(client, admin_urls, group):
    article = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title="安排",
                                       body="<p>【秘密】</p><p>内容</p>")
    client.force_login(group.editor)
    url = f"/admin/publishing/approvalslip/submit/{article.pk}/"
    page = client.get(url).content.decode()
    assert "秘密" in page
    client.post(url, {"confirm_no_secret": "on", "confirm_no_internal": "on", "confirm_no_personal_data": "on"})
    assert not ApprovalSlip.objects.exists()


def test_each_reviewer_sees_exactly_the_slips_waiting_for_them(client, admin_urls, group):
    slip = _slip(group)
    client.force_login(group.head)
    assert slip.number in client.get("/admin/publishing/approvalslip/queue/").content.decode()
    client.force_login(group.bj_approver)
    assert slip.number not in client.get("/admin/publishing/approvalslip/queue/").content.decode()
    client.force_login(group.editor)
    assert slip.number not in client.get("/admin/publishing/approvalslip/queue/").content.decode()


def test_the_admin_index_tells_a_reviewer_how_many_slips_wait(client, admin_urls, group):
    _slip(group), _slip(group, "第二篇")
    client.force_login(group.head)
    page = client.get("/admin/").content.decode()
    assert "/admin/publishing/approvalslip/queue/" in page and "2" in page


def test_queue_query_count_does_not_grow_with_the_queue(client, admin_urls, group):
    client.force_login(group.approver)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/publishing/approvalslip/queue/").status_code == 200
        return len(ctx.captured_queries)

    _slip(group)
    small = count()
    for i in range(15):
        _slip(group, f"指南{i}")
    assert count() == small


def test_department_head_approves_on_the_slip_screen_and_the_office_publishes(client, admin_urls, group):
    slip = _slip(group)
    client.force_login(group.head)
    url = f"/admin/publishing/approvalslip/{slip.pk}/review/"
    page = client.get(url).content.decode()
    assert 'value="dept_approve"' in page and 'value="office_publish"' not in page
    client.post(url, {"transition": "dept_approve", "secrecy_confirmed": "on", "comment": "同意"})
    client.force_login(group.approver)
    client.post(url, {"transition": "office_publish", "secrecy_confirmed": "on"})
    assert Article.objects.get(pk=slip.article_id).status == ArticleStatus.PUBLISHED


def test_a_refused_decision_shows_a_message_and_changes_nothing(client, admin_urls, group):
    slip = _slip(group)
    client.force_login(group.head)
    response = client.post(f"/admin/publishing/approvalslip/{slip.pk}/review/",
                           {"transition": "dept_return", "comment": ""}, follow=True)
    assert "意见" in response.content.decode() or "comment" in response.content.decode().lower()
    slip.refresh_from_db()
    assert slip.state == SlipState.DEPT_REVIEW


def test_office_bulk_publishes_selected_slips(client, admin_urls, group):
    slips = [_slip(group, f"批量{i}") for i in range(3)]
    for s in slips:
        actions.decide(s, "dept_approve", acting_user=group.head, secrecy_confirmed=True)
    client.force_login(group.approver)
    client.post("/admin/publishing/approvalslip/bulk-publish/",
                {"slip": [s.pk for s in slips[:2]], "secrecy_confirmed": "1"})
    states = [ApprovalSlip.objects.get(pk=s.pk).state for s in slips]
    assert states == [SlipState.PUBLISHED, SlipState.PUBLISHED, SlipState.OFFICE_REVIEW]


def test_the_printable_slip_shows_number_confirmations_signatures_and_content(client, admin_urls, group):
    slip = _slip(group, "可打印的审批单")
    actions.decide(slip, "dept_approve", acting_user=group.head, secrecy_confirmed=True, comment="同意发布")
    client.force_login(group.approver)
    page = client.get(f"/admin/publishing/approvalslip/{slip.pk}/print/").content.decode()
    for text in (slip.number, "可打印的审批单", "同意发布", "head", "☑"):
        assert text in page


def test_a_reviewer_of_another_site_cannot_open_the_slip(client, admin_urls, group):
    slip = _slip(group)
    client.force_login(group.bj_approver)
    assert client.get(f"/admin/publishing/approvalslip/{slip.pk}/review/").status_code == 404
    assert client.get(f"/admin/publishing/approvalslip/{slip.pk}/print/").status_code == 404


def test_scheduling_from_the_slip_screen_refuses_a_past_time(client, admin_urls, group):
    slip = _slip(group)
    actions.decide(slip, "dept_approve", acting_user=group.head, secrecy_confirmed=True)
    client.force_login(group.approver)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/admin/publishing/approvalslip/{slip.pk}/review/",
                {"transition": "office_schedule", "secrecy_confirmed": "on", "publish_at": past})
    slip.refresh_from_db()
    assert slip.state == SlipState.OFFICE_REVIEW
