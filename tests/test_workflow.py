"""The approval-slip workflow (SPEC §4): every transition of the table, allowed or refused
for every role and scope; four eyes; the scan; live content stays live; typed unpublishing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from cms import actions as cms_actions
from cms.exceptions import ActionRefused
from cms.models import Article, ArticleStatus
from publishing import actions
from publishing.exceptions import SubmitBlocked
from publishing.models import ApprovalSlip, SensitiveWord, SlipDecision, WordCategory
from publishing.workflow import DEPT_REVIEWER, LEADER, OFFICE, TRANSITIONS, SlipState

from .factories import make_department, make_user

pytestmark = pytest.mark.django_db

CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


@pytest.fixture
def people(group):
    other_dept = make_department(group.national, "qt", name="其他司")
    group.other_head = make_user("other_head", "dept_head", other_dept, site=group.national, department=other_dept)
    group.leader = make_user("leader", "bureau_leader", group.national, site=group.national, department=group.office)
    group.manager = make_user("manager", "site_manager", group.national, site=group.national, department=group.office)
    group.approver2 = make_user("approver2", "office_approver", group.national, site=group.national,
                                department=group.office)
    return group


def draft(g, title="关于优化纳税服务的通知", **kw):
    return cms_actions.create_draft(acting_user=g.editor, column=g.guides, title=title,
                                    body="<p>为进一步优化纳税服务，现将有关事项通知如下。</p>", **kw)


def submitted(g, **kw):
    return actions.submit_slip(draft(g, **kw), acting_user=g.editor, **CONFIRM)


ROLE_ACTOR = {"head": DEPT_REVIEWER, "approver": OFFICE, "leader": LEADER}
ROLES = ["editor", "head", "other_head", "approver", "bj_approver", "leader", "manager", "auditor"]
CASES = [(name, role) for name, t in TRANSITIONS.items() if t.actor != "system" for role in ROLES]


@pytest.mark.parametrize("transition,role", CASES)
def test_every_transition_is_allowed_exactly_for_its_reviewer_in_scope(people, transition, role):
    spec = TRANSITIONS[transition]
    slip = submitted(people)
    source = sorted(spec.source)[0]
    ApprovalSlip.objects.filter(pk=slip.pk).update(state=source, publish_at=timezone.now() + timedelta(hours=1))
    user = getattr(people, role)
    allowed = ROLE_ACTOR.get(role) == spec.actor
    kwargs = dict(acting_user=user, comment="意见", secrecy_confirmed=True,
                  publish_at=timezone.now() + timedelta(hours=2))
    if allowed:
        actions.decide(slip, transition, **kwargs)
        slip.refresh_from_db()
        assert slip.state == spec.target
        assert SlipDecision.objects.filter(slip=slip, transition=transition, actor=user).exists()
    else:
        with pytest.raises(ActionRefused):
            actions.decide(slip, transition, **kwargs)
        slip.refresh_from_db()
        assert slip.state == source
        assert not SlipDecision.objects.filter(slip=slip).exists()


@pytest.mark.parametrize("transition", [n for n, t in TRANSITIONS.items() if t.actor != "system"])
def test_a_transition_in_the_wrong_state_is_refused_and_changes_nothing(people, transition):
    slip = submitted(people)
    wrong = next(s for s in SlipState if s not in TRANSITIONS[transition].source)
    ApprovalSlip.objects.filter(pk=slip.pk).update(state=wrong)
    user = {DEPT_REVIEWER: people.head, OFFICE: people.approver, LEADER: people.leader}[TRANSITIONS[transition].actor]
    with pytest.raises(ActionRefused):
        actions.decide(slip, transition, acting_user=user, comment="x", secrecy_confirmed=True,
                       publish_at=timezone.now() + timedelta(hours=1))
    slip.refresh_from_db()
    assert slip.state == wrong


def test_nothing_is_public_without_office_approval(people):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    article = Article.objects.get(pk=slip.article_id)
    assert article.status == ArticleStatus.IN_REVIEW
    actions.decide(slip, "office_publish", acting_user=people.approver, secrecy_confirmed=True)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.first_published_at and not article.review_lock


def test_four_eyes_nobody_signs_their_own_submission(people):
    article = cms_actions.create_draft(acting_user=people.head, column=people.guides, title="处长自己的稿件")
    slip = actions.submit_slip(article, acting_user=people.head, **CONFIRM)
    with pytest.raises(ActionRefused, match="Four eyes|四眼|本人"):
        actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)


def test_four_eyes_nobody_signs_one_slip_at_two_stages(people):
    # A user who is both department head and office approver signs once only.
    from security.actions import assign_role

    assign_role(people.head, "office_approver", people.national)
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "office_publish", acting_user=people.head, secrecy_confirmed=True)


def test_returning_needs_a_comment_and_sends_the_article_back_to_draft(people):
    slip = submitted(people)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "dept_return", acting_user=people.head, comment="  ")
    actions.decide(slip, "dept_return", acting_user=people.head, comment="请补充办理时限")
    article = Article.objects.get(pk=slip.article_id)
    assert article.status == ArticleStatus.DRAFT and not article.review_lock
    cms_actions.update_draft(article, acting_user=people.editor, summary="已补充办理时限")


def test_signing_needs_the_secrecy_review_confirmation(people):
    slip = submitted(people)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=False)


def test_a_major_item_is_published_only_after_the_bureau_leader_signs(people):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True, mark_major=True)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "office_publish", acting_user=people.approver, secrecy_confirmed=True)
    actions.decide(slip, "office_to_leader", acting_user=people.approver, secrecy_confirmed=True)
    actions.decide(slip, "leader_approve", acting_user=people.leader, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=people.approver2, secrecy_confirmed=True)
    assert Article.objects.get(pk=slip.article_id).status == ArticleStatus.PUBLISHED


def test_submitter_must_confirm_the_three_statements(people):
    with pytest.raises(ActionRefused):
        actions.submit_slip(draft(people), acting_user=people.editor, confirm_no_secret=True)


def test_a_reprint_needs_its_source(people):
    article = draft(people, origin="reprint", source_name="人民日报", source_url="https://www.people.com.cn/x")
    article.source_url = ""
    Article.objects.filter(pk=article.pk).update(source_url="")
    with pytest.raises(ActionRefused):
        actions.submit_slip(article, acting_user=people.editor, **CONFIRM)


def test_a_classification_marker_blocks_the_submit(people):
    article = cms_actions.create_draft(acting_user=people.editor, column=people.guides, title="工作安排",
                                       body="<p>机密★1年</p><p>关于2027年稽查工作安排</p>")
    with pytest.raises(SubmitBlocked) as err:
        actions.submit_slip(article, acting_user=people.editor, **CONFIRM,
                            overrides={"x": "y"}, acknowledged={"anything"})
    assert any(f.code == "classification_marker" for f in err.value.findings)
    assert not ApprovalSlip.objects.exists()


def test_personal_data_blocks_unless_overridden_with_a_reason_written_on_the_slip(people):
    article = cms_actions.create_draft(acting_user=people.editor, column=people.guides, title="联系方式",
                                       body="<p>咨询电话13800138000</p>")
    with pytest.raises(SubmitBlocked) as err:
        actions.submit_slip(article, acting_user=people.editor, **CONFIRM)
    key = err.value.findings[0]
    from publishing.scan import finding_key

    slip = actions.submit_slip(article, acting_user=people.editor, **CONFIRM,
                               overrides={finding_key(key): "这是办税服务厅的公开咨询电话"})
    assert slip.scan_report["overrides"] == {finding_key(key): "这是办税服务厅的公开咨询电话"}


def test_warning_words_must_be_acknowledged_and_severe_words_block(people):
    warn = WordCategory.objects.create(name="过时机构名称", severity="warn")
    SensitiveWord.objects.create(category=warn, word="地方税务局", suggestion="税务局")
    severe = WordCategory.objects.create(name="禁用词", severity="block")
    SensitiveWord.objects.create(category=severe, word="禁用测试词")
    article = cms_actions.create_draft(acting_user=people.editor, column=people.guides, title="通知",
                                       body="<p>请到地方税务局办理。</p>")
    with pytest.raises(SubmitBlocked) as err:
        actions.submit_slip(article, acting_user=people.editor, **CONFIRM)
    from publishing.scan import finding_key

    keys = {finding_key(f) for f in err.value.findings}
    slip = actions.submit_slip(article, acting_user=people.editor, **CONFIRM, acknowledged=keys)
    assert set(slip.scan_report["acknowledged"]) == keys
    blocked = cms_actions.create_draft(acting_user=people.editor, column=people.guides, title="禁用测试词",
                                       body="<p>x</p>")
    with pytest.raises(SubmitBlocked):
        actions.submit_slip(blocked, acting_user=people.editor, **CONFIRM, acknowledged={"禁用测试词"})


def test_the_slip_freezes_its_revision_and_the_article_is_locked_in_review(people):
    slip = submitted(people)
    with pytest.raises(ActionRefused):
        cms_actions.update_draft(slip.article, acting_user=people.editor, title="提交后修改")
    assert slip.payload["title"] == "关于优化纳税服务的通知"


def test_slip_numbers_are_site_year_sequence(people):
    first, second = submitted(people), submitted(people, title="第二篇")
    year = timezone.localtime().year
    assert first.number == f"national-{year}-00001" and second.number == f"national-{year}-00002"


def test_the_live_revision_stays_up_while_its_successor_is_in_review(people):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=people.approver, secrecy_confirmed=True)
    article = Article.objects.get(pk=slip.article_id)
    cms_actions.update_draft(article, acting_user=people.editor, title="修订后的标题")
    article.refresh_from_db()
    assert article.title == "关于优化纳税服务的通知" and article.status == ArticleStatus.PUBLISHED
    second = actions.submit_slip(article, acting_user=people.editor, **CONFIRM)
    actions.decide(second, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    article.refresh_from_db()
    assert article.title == "关于优化纳税服务的通知"
    actions.decide(second, "office_publish", acting_user=people.approver, secrecy_confirmed=True)
    article.refresh_from_db()
    assert article.title == "修订后的标题"
    assert second.__class__.objects.get(pk=second.pk).live_revision.title == "修订后的标题"


def test_a_schedule_time_in_the_past_is_refused(people):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "office_schedule", acting_user=people.approver, secrecy_confirmed=True,
                       publish_at=timezone.now() - timedelta(minutes=1))


def test_scheduled_publishing_is_idempotent_and_runs_as_the_system_user(people):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    actions.decide(slip, "office_schedule", acting_user=people.approver, secrecy_confirmed=True,
                   publish_at=timezone.now() + timedelta(hours=1))
    assert actions.reconcile_scheduled() == 0  # not yet due
    later = timezone.now() + timedelta(hours=2)
    assert actions.publish_due_slip(slip.pk, now=later) is True
    assert actions.publish_due_slip(slip.pk, now=later) is False
    assert actions.reconcile_scheduled(now=later) == 0
    assert SlipDecision.objects.filter(slip=slip, transition="system_publish").count() == 1
    assert SlipDecision.objects.get(slip=slip, transition="system_publish").actor.username == "system-scheduler"


def test_a_failed_scheduled_publish_is_a_visible_state(people, monkeypatch):
    slip = submitted(people)
    actions.decide(slip, "dept_approve", acting_user=people.head, secrecy_confirmed=True)
    actions.decide(slip, "office_schedule", acting_user=people.approver, secrecy_confirmed=True,
                   publish_at=timezone.now() + timedelta(minutes=5))

    def broken(*a, **k):
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(actions, "_publish", broken)
    assert actions.publish_due_slip(slip.pk, now=timezone.now() + timedelta(minutes=10)) is False
    slip.refresh_from_db()
    assert slip.state == SlipState.FAILED and "storage unavailable" in slip.failure_message
    monkeypatch.undo()
    actions.decide(slip, "retry_publish", acting_user=people.approver)
    assert Article.objects.get(pk=slip.article_id).status == ArticleStatus.PUBLISHED


def test_urgent_publish_skips_department_review_with_a_reason_and_waits_for_the_retro_signature(people):
    slip = submitted(people)
    with pytest.raises(ActionRefused):
        actions.decide(slip, "urgent_publish", acting_user=people.approver, secrecy_confirmed=True)
    actions.decide(slip, "urgent_publish", acting_user=people.approver, secrecy_confirmed=True,
                   comment="台风预警，紧急发布办税服务厅停业通知")
    slip.refresh_from_db()
    assert slip.is_urgent and slip.state == SlipState.PUBLISHED
    from publishing.selectors import urgent_unsigned

    assert list(urgent_unsigned()) == [slip]
    actions.retro_sign(slip, acting_user=people.head)
    assert not urgent_unsigned().exists()


def published(g, title="已发布的通知"):
    slip = submitted(g, title=title)
    actions.decide(slip, "dept_approve", acting_user=g.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=g.approver, secrecy_confirmed=True)
    return Article.objects.get(pk=slip.article_id)


def test_withdrawing_needs_a_reason_and_the_office(people):
    article = published(people)
    with pytest.raises(ActionRefused):
        actions.unpublish_article(article, "withdrawn", acting_user=people.approver, reason="")
    with pytest.raises(ActionRefused):
        actions.unpublish_article(article, "withdrawn", acting_user=people.editor, reason="过时")
    actions.unpublish_article(article, "withdrawn", acting_user=people.approver, reason="政策已调整")
    article.refresh_from_db()
    assert article.status == ArticleStatus.WITHDRAWN and article.unpublish_reason == "政策已调整"


def test_changing_the_displayed_date_after_publishing_needs_a_reason_and_is_recorded(people):
    from security.models import AuditEvent

    article = published(people)
    first = article.first_published_at
    earlier = first - timedelta(days=30)
    with pytest.raises(ActionRefused):
        actions.change_display_date(article, earlier, acting_user=people.approver, reason="")
    actions.change_display_date(article, earlier, acting_user=people.approver, reason="按成文日期更正")
    article.refresh_from_db()
    assert article.display_date == earlier and article.first_published_at == first
    event = AuditEvent.objects.get(action="article.display_date")
    assert event.data["reason"] == "按成文日期更正"


def test_syndication_gives_each_child_office_a_repost_slip_with_the_deadline(people):
    from cms.models import Column

    from .factories import make_column

    make_column(people.province, people.bj_office, "bsfw", name="办事服务", column_class="service")
    article = published(people, title="重要政策：小微企业税费优惠")
    [syn] = actions.syndicate(article, [people.province], acting_user=people.approver)
    assert syn.deadline - syn.offered_at == timedelta(hours=12)
    slip = ApprovalSlip.objects.get(syndication=syn)
    assert slip.state == SlipState.OFFICE_REVIEW and slip.site == people.province
    assert slip.article.source_url.endswith(f"/articles/{article.pk}.html")
    actions.decide(slip, "office_publish", acting_user=people.bj_approver, secrecy_confirmed=True)
    syn.refresh_from_db()
    assert syn.reposted_at and not syn.is_late
    assert Column.objects.get(pk=slip.column_id).site == people.province


def test_the_text_of_an_attachment_is_scanned_too(people):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:p><w:t>机密★5年</w:t></w:p><w:p><w:t>稽查计划</w:t></w:p>"
                                        "</w:document>")
    article = draft(people, title="附件扫描")
    cms_actions.add_attachment(article, SimpleUploadedFile("计划.docx", buf.getvalue()), acting_user=people.editor)
    with pytest.raises(SubmitBlocked) as err:
        actions.submit_slip(article, acting_user=people.editor, **CONFIRM)
    assert [f.where for f in err.value.findings if f.code == "classification_marker"] == ["attachment:计划.docx"]
