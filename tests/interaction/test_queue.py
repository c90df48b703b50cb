"""Handling in the admin: a queue per department, oldest first, working days left, overdue
marked; answer, re-route, close; the supervisor sees all and is warned (issue 8, point 3)."""
from datetime import timedelta
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from interaction import actions
from interaction.models import Message, MessageKind, MessageStatus, Notification, PublishedAnswer
from interaction.permissions import ROLE_PERMISSIONS, ensure_interaction_perms
from interaction.selectors import message_queue
from interaction.tasks import warn_due_messages

pytestmark = pytest.mark.django_db

QUEUE = "/admin/interaction/message/"


def _submit(hudong, kind=MessageKind.CONSULTATION, **kw):
    kw.setdefault("subject", "发票领用问题")
    kw.setdefault("body", "新办纳税人如何领用发票？")
    if kind in (MessageKind.TAX_TIP, MessageKind.MISCONDUCT):
        kw.setdefault("accused", "某公司")
    return actions.submit_message(site=hudong.national, kind=kind, **kw)[0]


def _age(message, days):
    """Pretend the message came in ``days`` calendar days ago (deadline moved alike)."""
    Message.objects.filter(pk=message.pk).update(
        received_at=message.received_at - timedelta(days=days), received_on=message.received_on - timedelta(days=days),
        deadline=message.deadline - timedelta(days=days), ceiling=message.ceiling - timedelta(days=days))


def test_the_queue_of_a_department_lists_its_open_messages_oldest_first(hudong):
    newer, older = _submit(hudong), _submit(hudong)
    _age(older, 3)
    _submit(hudong, MessageKind.TAX_TIP)
    answered = actions.answer_message(_submit(hudong), answer="答复", acting_user=hudong.handler)
    queue = list(message_queue(hudong.handler))
    assert queue == [older, newer]
    assert answered not in queue


def test_the_admin_queue_shows_working_days_left_and_marks_the_overdue(client, admin_urls, hudong):
    fresh, overdue = _submit(hudong), _submit(hudong)
    _age(overdue, 30)
    client.force_login(hudong.handler)
    html = client.get(QUEUE).content.decode()
    assert html.index(overdue.tracking_number) < html.index(fresh.tracking_number)
    assert re.search(r'<strong class="overdue">超期 \d+ 个工作日</strong>', html)
    assert "剩余工作日" in html
    assert "1 条已超期" in html  # the warning banner


def test_the_queue_query_count_does_not_grow_with_the_number_of_messages(client, admin_urls, hudong,
                                                                         django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        _submit(hudong)
    client.force_login(hudong.supervisor)
    client.get(QUEUE)  # warm up: content types, permissions
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for i in range(30):
        _submit(hudong, MessageKind.TAX_TIP if i % 3 == 0 else MessageKind.CONSULTATION)
    with CaptureQueriesContext(connection) as many:
        html = client.get(QUEUE).content.decode()
    assert html.count('class="field-tracking_number"') == 33
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 20


def test_a_handler_answers_through_the_admin(client, admin_urls, hudong):
    message = _submit(hudong)
    client.force_login(hudong.handler)
    page = client.get(f"{QUEUE}{message.pk}/change/").content.decode()
    assert f"{QUEUE}{message.pk}/answer/" in page and f"{QUEUE}{message.pk}/route/" in page
    response = client.post(f"{QUEUE}{message.pk}/answer/", {"answer": "可在电子税务局申领。"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.answer == "可在电子税务局申领。"


def test_a_handler_reroutes_with_a_reason_through_the_admin(client, admin_urls, hudong):
    message = _submit(hudong)
    client.force_login(hudong.handler)
    assert client.post(f"{QUEUE}{message.pk}/route/", {"department": hudong.policy_dept.pk, "reason": ""}
                       ).status_code == 200  # the form asks for the reason
    response = client.post(f"{QUEUE}{message.pk}/route/", {"department": hudong.policy_dept.pk, "reason": "政策问题"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.department == hudong.policy_dept
    # It has left the handler's view: the redirect target is no longer visible to them.
    assert client.get(f"{QUEUE}{message.pk}/change/").status_code in (302, 404)


def test_a_handler_closes_a_message_with_a_reason_and_publishes_an_answer(client, admin_urls, hudong):
    spam = _submit(hudong, subject="广告", body="代开发票")
    client.force_login(hudong.handler)
    assert client.post(f"{QUEUE}{spam.pk}/close/", {"reason": "spam", "note": "广告"}).status_code == 302
    spam.refresh_from_db()
    assert spam.status == MessageStatus.INVALID and spam.invalid_reason == "spam"

    letter = _submit(hudong, sender_name="赵六", publish_consent=True, body="赵六咨询：如何领用发票？电话13700001111")
    actions.answer_message(letter, answer="赵六您好，可在电子税务局申领。", acting_user=hudong.handler)
    form = client.get(f"{QUEUE}{letter.pk}/publish/").content.decode()
    assert "赵六" not in form.split('name="title"', 1)[1] and "13700001111" not in form.split('name="title"', 1)[1]
    response = client.post(f"{QUEUE}{letter.pk}/publish/", {"title": "如何领用发票", "question": "如何领用发票？",
                                                             "answer": "赵六您好，可在电子税务局申领。"})
    assert response.status_code == 302
    assert "赵六" not in PublishedAnswer.objects.get(message=letter).answer


def test_a_refused_operation_tells_why(client, admin_urls, hudong):
    message = _submit(hudong)
    client.force_login(hudong.supervisor)
    response = client.post(f"{QUEUE}{message.pk}/answer/", {"answer": "督办答复"}, follow=True)
    assert "只有承办部门可以答复此留言" in response.content.decode()
    assert Message.objects.get(pk=message.pk).status == MessageStatus.IN_HAND


def test_the_bulk_spam_action_closes_what_the_user_may_close(client, admin_urls, hudong):
    a, b = _submit(hudong), _submit(hudong)
    client.force_login(hudong.handler)
    client.post(f"{QUEUE}", {"action": "close_as_spam", "_selected_action": [a.pk, b.pk]})
    assert set(Message.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {"invalid"}


def test_messages_are_never_added_edited_or_deleted_in_the_admin(client, admin_urls, hudong):
    message = _submit(hudong)
    client.force_login(hudong.handler)
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.post(f"{QUEUE}{message.pk}/delete/").status_code == 403
    client.post(f"{QUEUE}{message.pk}/change/", {"subject": "改过的标题"})
    assert Message.objects.get(pk=message.pk).subject == "发票领用问题"


def test_the_supervisor_sees_every_department_and_is_warned_before_deadlines_pass(
        client, admin_urls, hudong, mailoutbox, django_capture_on_commit_callbacks):
    due = _submit(hudong)
    tip = _submit(hudong, MessageKind.TAX_TIP)
    Message.objects.filter(pk=due.pk).update(deadline=timezone.localdate())
    Message.objects.filter(pk=tip.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    client.force_login(hudong.supervisor)
    html = client.get(QUEUE).content.decode()
    assert due.tracking_number in html and tip.tracking_number in html
    assert "1 条已超期" in html and "1 条一个工作日内到期" in html

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_due_messages() == 2
    to_supervisor = [m for m in mailoutbox if "bgt@chinatax.test" in m.to]
    assert to_supervisor
    assert due.tracking_number in to_supervisor[0].body and tip.tracking_number in to_supervisor[0].body
    assert "虚开" not in to_supervisor[0].body and "发票领用问题" not in to_supervisor[0].body
    assert any("jcj@chinatax.test" in m.to for m in mailoutbox)  # the handlers of the tip's department
    assert warn_due_messages() == 0  # once a day


def test_the_three_month_ceiling_warns_even_when_the_deadline_is_far(hudong):
    message = _submit(hudong)
    Message.objects.filter(pk=message.pk).update(deadline=timezone.localdate() + timedelta(days=100),
                                                 ceiling=timezone.localdate() + timedelta(days=5))
    assert warn_due_messages() == 1
    assert Notification.objects.filter(subject__contains="即将到期").exists()


def test_the_role_groups_get_the_interaction_permissions_idempotently(hudong):
    ensure_interaction_perms()
    ensure_interaction_perms()
    for group_name, perms in ROLE_PERMISSIONS.items():
        held = set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))
        assert {tuple(p.split(".")) for p in perms} <= held
    # Other permissions of the groups are kept.
    assert Group.objects.get(name="editor").permissions.filter(codename="add_article").exists()
    assert hudong.editor.has_perm("interaction.handle_message")
    assert Permission.objects.filter(codename="supervise_messages").exists()
