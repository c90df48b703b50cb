"""The daily reminders: vacancies near their deadline, overdue slips and accounts behind
their update duty, mailed to the people concerned."""
from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from liaisons import actions, tasks
from publishing.workflow import SlipState

from ..factories import make_user
from .conftest import at, make_slip

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(group, manager, calendar):
    for user, address in ((manager, "manager@example.cn"), (group.head, "head@example.cn"),
                          (group.approver, "approver@example.cn"), (group.editor, "editor@example.cn")):
        user.email = address
        user.save(update_fields=["email"])
    return group


def test_a_vacancy_near_its_deadline_is_mailed_to_the_site_manager_and_the_department_head(people, manager, today):
    g = people
    today(date(2026, 11, 23))
    liaison = actions.file_liaison(g.service, acting_user=manager, user=g.editor, name="张伟", filed_on=date(2026, 3, 2))
    vacancy = actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 11, 2))
    assert vacancy.deadline == date(2026, 11, 23)
    due = tasks.collect_reminders(date(2026, 11, 20))
    assert set(due) == {manager, g.head}
    assert "纳税服务司" in due[manager][0] and "2026-11-23" in due[manager][0]
    assert tasks.collect_reminders(date(2026, 11, 5)) == {}  # far from the deadline: no mail yet
    summary = tasks.send_reminders(date(2026, 11, 24))  # overdue
    assert summary == {"people": 2, "mails": 2, "without_email": 0}
    assert {m.to[0] for m in mail.outbox} == {"manager@example.cn", "head@example.cn"}
    assert "至今未备案" in mail.outbox[0].body and mail.outbox[0].subject.startswith("【网站群】")


def test_an_overdue_slip_reaches_the_reviewers_of_its_stage(people):
    g = people
    make_slip(g.services, g.editor, at(date(2026, 11, 16)), state=SlipState.DEPT_REVIEW)
    make_slip(g.services, g.editor, at(date(2026, 11, 16)), state=SlipState.OFFICE_REVIEW,
              decisions=[("dept_approve", SlipState.DEPT_REVIEW, g.head, at(date(2026, 11, 17)))])
    make_slip(g.services, g.editor, at(date(2026, 11, 20)), state=SlipState.DEPT_REVIEW)  # not late yet
    due = tasks.collect_reminders(date(2026, 11, 20))
    assert set(due) == {g.head, g.approver}
    assert len(due[g.head]) == 1 and "4" in due[g.head][0]
    assert len(due[g.approver]) == 1


def test_an_account_behind_its_duty_reaches_the_manager_and_its_responsible_account(people, manager):
    g = people
    owner = make_user("xmt", "editor", g.news, site=g.national, department=g.office)
    owner.email = "xmt@example.cn"
    owner.save(update_fields=["email"])
    actions.file_newmedia_account(
        acting_user=manager, site=g.national, department=g.office, platform="douyin", name="税务抖音",
        organiser="国家税务总局", administrator="王芳", responsible_person="李强", responsible_user=owner,
        approval_reference="XMT-1", approved_by="办公厅", approved_on=date(2026, 1, 5), opened_on=date(2026, 1, 10))
    due = tasks.collect_reminders(timezone.localdate())
    assert set(due) == {manager, owner} and "税务抖音" in due[owner][0]


def test_the_beat_task_runs_through_celery(people, settings):
    result = tasks.send_daily_reminders.apply()
    assert result.successful() and set(result.get()) == {"people", "mails", "without_email"}
    assert tasks.send_daily_reminders.name == "liaisons.send_daily_reminders"
