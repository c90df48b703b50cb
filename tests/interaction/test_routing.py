"""Routing (分办), deadlines in working days, the three-month ceiling, invalid messages
(issue 8, point 2)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cms.exceptions import ActionRefused
from interaction import actions
from interaction.models import TRANSITIONS, InvalidReason, Message, MessageKind, MessageStatus, RoutingStep
from interaction.selectors import monthly_statistics, resolve_department

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _submit(hudong, kind=MessageKind.CONSULTATION, **kw):
    kw.setdefault("subject", "发票领用")
    kw.setdefault("body", "新办纳税人如何领用发票？")
    message, _code = actions.submit_message(site=hudong.national, kind=kind, **kw)
    return message


@pytest.fixture
def at(monkeypatch):
    """Set the clock to a local time in Beijing."""
    def _at(*args):
        moment = datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment
    return _at


def test_a_message_goes_to_the_department_of_its_topic_rule(hudong):
    message = _submit(hudong, topic=hudong.topic_iit)
    assert message.department == hudong.policy_dept and message.status == MessageStatus.IN_HAND
    assert RoutingStep.objects.get(message=message).reason == "按分办规则"


def test_without_a_topic_rule_the_rule_of_the_kind_applies(hudong):
    assert _submit(hudong, topic=hudong.topic_vat).department == hudong.service
    assert _submit(hudong, MessageKind.TAX_TIP).department == hudong.inspection
    assert _submit(hudong, MessageKind.MISCONDUCT).department == hudong.discipline


def test_without_any_rule_the_general_office_receives_the_message_to_route_it(hudong):
    message = _submit(hudong, MessageKind.MAILBOX)
    assert message.department == hudong.office
    assert "转办公室分办" in RoutingStep.objects.get(message=message).reason


def test_a_site_without_rule_or_general_office_keeps_the_message_waiting_for_the_supervisor(hudong):
    from tests.factories import make_site

    bare = make_site("bare", parent=hudong.national)
    assert resolve_department(bare, MessageKind.MAILBOX) == (None, False)
    message, _code = actions.submit_message(site=bare, kind=MessageKind.MAILBOX, subject="来信", body="内容")
    assert message.status == MessageStatus.RECEIVED and message.department is None


def test_the_site_manager_sets_the_rules_and_they_apply_at_once(hudong):
    from interaction.models import RoutingRule

    RoutingRule.objects.create(site=hudong.national, kind=MessageKind.MAILBOX, department=hudong.service)
    assert _submit(hudong, MessageKind.MAILBOX).department == hudong.service


def test_a_consultation_deadline_skips_the_national_day_holiday(hudong, at):
    # Tuesday 30 September 2025; 1–8 October are holidays, Saturday 11 October is worked.
    at(2025, 9, 30, 10, 0)
    message = _submit(hudong)
    # 9, 10, 11 (make-up Saturday), 13, 14, 15, 16 October: the seventh working day.
    assert message.deadline == date(2025, 10, 16)


def test_an_error_report_is_due_in_three_working_days_counting_the_make_up_saturday(hudong, at):
    at(2025, 9, 30, 16, 0)
    message = _submit(hudong, MessageKind.ERROR_REPORT, page_url="https://www.chinatax.test/")
    assert message.deadline == date(2025, 10, 11)


def test_a_message_sent_on_a_holiday_counts_from_the_next_working_day(hudong, at):
    at(2025, 10, 3, 9, 0)
    # 9, 10 and 11 (make-up Saturday) October.
    assert _submit(hudong, MessageKind.ERROR_REPORT, page_url="https://www.chinatax.test/").deadline == date(
        2025, 10, 11)


def test_the_deadline_comes_from_the_site_policy(hudong, at):
    hudong.policy.consultation_reply_days = 2
    hudong.policy.save()
    at(2026, 3, 2, 9, 0)  # a Monday
    assert _submit(hudong).deadline == date(2026, 3, 4)


def test_no_deadline_reaches_past_the_three_month_ceiling(hudong, at):
    hudong.policy.consultation_reply_days = 200
    hudong.policy.save()
    at(2026, 3, 2, 9, 0)
    message = _submit(hudong)
    assert message.ceiling == date(2026, 3, 2) + timedelta(days=90)
    assert message.deadline == message.ceiling


def test_rerouting_needs_a_reason_and_keeps_the_deadline(hudong):
    message = _submit(hudong)
    with pytest.raises(ActionRefused):
        actions.route_message(message, department=hudong.policy_dept, reason=" ", acting_user=hudong.handler)
    moved = actions.route_message(message, department=hudong.policy_dept, reason="属于政策法规司职责",
                                  acting_user=hudong.handler)
    assert moved.department == hudong.policy_dept and moved.deadline == message.deadline
    step = moved.routing_steps.last()
    assert (step.from_department, step.to_department, step.reason, step.by) == (
        hudong.service, hudong.policy_dept, "属于政策法规司职责", hudong.handler)


def test_only_the_holding_department_or_a_supervisor_may_reroute(hudong):
    message = _submit(hudong)
    with pytest.raises(ActionRefused):
        actions.route_message(message, department=hudong.policy_dept, reason="试试", acting_user=hudong.inspector)
    actions.route_message(message, department=hudong.policy_dept, reason="分办", acting_user=hudong.supervisor)


def test_a_message_cannot_be_routed_to_another_sites_department(hudong):
    message = _submit(hudong)
    with pytest.raises(ActionRefused):
        actions.route_message(message, department=hudong.bj_office, reason="转北京", acting_user=hudong.supervisor)


def test_an_invalid_message_is_kept_with_its_reason_and_leaves_the_counts(hudong):
    spam = _submit(hudong, subject="代开发票", body="代开各类发票，联系微信。")
    valid = _submit(hudong)
    actions.close_message_invalid(spam, reason=InvalidReason.SPAM, note="广告", acting_user=hudong.handler)
    spam.refresh_from_db()
    assert spam.status == MessageStatus.INVALID and spam.invalid_reason == "spam" and spam.close_note == "广告"
    assert Message.objects.filter(pk=spam.pk).exists()
    stats = monthly_statistics(hudong.national, valid.received_on.year)
    assert stats["grand"]["received"] == 1


def test_closing_as_invalid_needs_a_known_reason(hudong):
    message = _submit(hudong)
    with pytest.raises(ActionRefused):
        actions.close_message_invalid(message, reason="because", acting_user=hudong.handler)


def test_a_duplicate_points_to_the_original(hudong):
    original, copy = _submit(hudong), _submit(hudong)
    actions.close_message_invalid(copy, reason=InvalidReason.DUPLICATE, duplicate_of=original,
                                  acting_user=hudong.handler)
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_the_transition_table_refuses_what_it_does_not_allow(hudong):
    message = actions.close_message_invalid(_submit(hudong), reason=InvalidReason.SPAM, acting_user=hudong.handler)
    assert message.status not in TRANSITIONS["answer"][0]
    with pytest.raises(ActionRefused):
        actions.answer_message(message, answer="答复", acting_user=hudong.handler)
    answered = _submit(hudong)
    actions.answer_message(answered, answer="答复", acting_user=hudong.handler)
    with pytest.raises(ActionRefused):
        actions.close_message_invalid(answered, reason=InvalidReason.SPAM, acting_user=hudong.handler)
    with pytest.raises(ActionRefused):
        actions.answer_message(answered, answer="再答复", acting_user=hudong.handler)


def test_only_the_department_holding_a_message_answers_it(hudong):
    message = _submit(hudong)
    for outsider in (hudong.supervisor, hudong.policy_handler, hudong.inspector):
        with pytest.raises(ActionRefused):
            actions.answer_message(message, answer="答复", acting_user=outsider)
    answered = actions.answer_message(message, answer="答复", acting_user=hudong.handler)
    assert answered.answer_department == hudong.service and answered.answered_by == hudong.handler


def test_every_change_writes_an_audit_event(hudong):
    from security.models import AuditEvent

    message = _submit(hudong)
    actions.route_message(message, department=hudong.policy_dept, reason="转办", acting_user=hudong.handler)
    actions.answer_message(message, answer="答复", acting_user=hudong.policy_handler)
    actions_recorded = list(AuditEvent.objects.filter(object_type="interaction.Message", object_id=str(message.pk))
                            .order_by("id")
                            .values_list("action", flat=True))
    assert actions_recorded == ["message.submit", "message.route", "message.route", "message.answer"]
