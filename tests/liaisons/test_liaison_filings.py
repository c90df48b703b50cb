"""Liaison filings (000 §6, 002 §8, 003 §6): one active liaison per department, a vacancy
with a working-day deadline when one leaves, handover notes, training, the full history."""
from datetime import date

import pytest

from cms.exceptions import ActionRefused
from liaisons import actions
from liaisons.models import Liaison, Vacancy
from security.models import AuditEvent

from .conftest import set_policy

pytestmark = pytest.mark.django_db


def file(group, manager, department=None, user=None, **kw):
    kw.setdefault("filed_on", date(2026, 3, 2))
    user = user or group.editor
    return actions.file_liaison(department or group.service, acting_user=manager, user=user,
                                name=kw.pop("name", "张伟"), mobile="13800000000", **kw)


def test_a_second_active_liaison_for_one_department_is_refused_with_a_message(group, manager, calendar):
    first = file(group, manager)
    with pytest.raises(ActionRefused) as refused:
        file(group, manager, user=group.head, name="李娜")
    assert "纳税服务司" in refused.value.message and "张伟" in refused.value.message
    assert list(Liaison.objects.filter(department=group.service)) == [first]


def test_vacancy_opened_2026_09_25_gets_its_deadline_after_national_day(group, manager, calendar, today):
    # 25–27 Sep are the Mid-Autumn holiday, 1–7 Oct National Day; Sat 10 Oct is a make-up
    # working day. Fifteen working days after Fri 25 Sep 2026: 28, 29, 30 Sep, 8, 9, 10, 12–16,
    # 19–22 Oct.
    today(date(2026, 11, 23))
    liaison = file(group, manager)
    vacancy = actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 9, 25),
                                               reason="调动", handover_notes="移交栏目账号与档案")
    assert (vacancy.deadline, vacancy.working_days) == (date(2026, 10, 22), 15)
    # Counting weekdays only would have given 16 October: the holidays really are skipped.
    assert vacancy.deadline != date(2026, 10, 16)


def test_a_site_that_sets_seven_working_days_gets_the_shorter_deadline(group, manager, calendar, today):
    today(date(2026, 11, 23))
    set_policy(group.national, liaison_replacement_days=7)  # Xinjiang (002 §8)
    vacancy = actions.record_liaison_departure(file(group, manager), acting_user=manager, left_on=date(2026, 9, 25))
    assert vacancy.deadline == date(2026, 10, 12)


def test_a_deadline_reaching_into_2027_is_computed_without_error(group, manager, calendar, today):
    today(date(2026, 12, 21))
    vacancy = actions.record_liaison_departure(file(group, manager), acting_user=manager, left_on=date(2026, 12, 20))
    # 2027 is not in the calendar table: its days count as weekdays (1 January included).
    assert vacancy.deadline == date(2027, 1, 8)
    event = AuditEvent.objects.filter(action="liaison.depart").latest("id")
    assert event.data["uncovered_years"] == [2027]


def test_filing_the_successor_fills_the_vacancy_and_keeps_the_history(group, manager, calendar, today):
    today(date(2026, 11, 23))
    first = file(group, manager)
    vacancy = actions.record_liaison_departure(first, acting_user=manager, left_on=date(2026, 9, 25),
                                               handover_notes="交接：栏目维护清单、待办稿件3篇")
    successor = file(group, manager, user=group.head, name="李娜", filed_on=date(2026, 10, 23))
    vacancy.refresh_from_db()
    assert vacancy.filled_by == successor and vacancy.filled_on == date(2026, 10, 23)
    assert vacancy.filled_late  # one day after the 22 October deadline
    first.refresh_from_db()
    assert first.left_on == date(2026, 9, 25) and "待办稿件" in first.handover_notes
    history = list(Liaison.objects.filter(department=group.service).order_by("filed_on"))
    assert history == [first, successor]
    assert [l.is_active for l in history] == [False, True]


def test_only_the_site_manager_or_the_department_head_may_file_a_liaison(group, manager, calendar, bj_manager):
    with pytest.raises(ActionRefused):
        file(group, group.editor)
    with pytest.raises(ActionRefused):
        file(group, bj_manager)  # manager of another site
    assert file(group, group.head, user=group.editor).department == group.service


def test_the_liaison_may_record_their_own_departure_and_nobody_else_may(group, manager, calendar, today):
    today(date(2026, 11, 23))
    liaison = file(group, manager)
    with pytest.raises(ActionRefused):
        actions.record_liaison_departure(liaison, acting_user=group.approver, left_on=date(2026, 11, 20))
    vacancy = actions.record_liaison_departure(liaison, acting_user=group.editor, left_on=date(2026, 11, 20),
                                               handover_notes="已移交")
    assert vacancy.department == group.service
    with pytest.raises(ActionRefused):
        actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 11, 20))


def test_a_departure_in_the_future_or_before_the_filing_is_refused(group, manager, calendar, today):
    today(date(2026, 11, 23))
    liaison = file(group, manager)
    with pytest.raises(ActionRefused):
        actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 11, 24))
    with pytest.raises(ActionRefused):
        actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 3, 1))
    assert not Vacancy.objects.exists()


def test_every_filing_and_departure_is_in_the_audit_trail(group, manager, calendar, today):
    today(date(2026, 11, 23))
    liaison = file(group, manager)
    actions.record_liaison_departure(liaison, acting_user=manager, left_on=date(2026, 11, 20))
    events = list(AuditEvent.objects.filter(action__startswith="liaison.").order_by("id"))
    assert [e.action for e in events] == ["liaison.file", "liaison.depart"]
    assert events[0].actor == manager and events[0].site_code == "national"
    assert events[1].data["deadline"] == "2026-12-11"


def test_training_attendance_is_recorded_per_liaison(group, manager, calendar):
    present = file(group, manager)
    absent = file(group, manager, department=group.office, user=group.approver, name="王芳")
    training = actions.record_training(group.national, acting_user=manager, title="网站联络员业务培训",
                                       held_on=date(2026, 6, 1), attended=[present], absent=[absent])
    assert {(a.liaison.name, a.attended) for a in training.attendances.all()} == {("张伟", True), ("王芳", False)}
    with pytest.raises(ActionRefused):
        actions.record_training(group.national, acting_user=group.head, title="x", held_on=date(2026, 6, 1))
