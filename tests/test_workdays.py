"""Working days follow the official PRC schedule (SPEC §5)."""
from datetime import date

import pytest

from cms.models import WorkCalendarDay, WorkCalendarYear
from cms.workdays import WorkCalendar, add_working_days, seed_from_chinese_calendar, working_days_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_2026():
    seed_from_chinese_calendar([2025, 2026])


def test_three_working_days_after_2026_09_30_skip_national_day_and_count_the_make_up_saturday(calendar_2026):
    # 1–7 October 2026 are holidays; Saturday 10 October is a make-up working day.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_make_up_sunday_counts_as_a_working_day(calendar_2026):
    # Sunday 20 September 2026 is worked in exchange for the National Day holiday.
    assert add_working_days(date(2026, 9, 19), 1) == date(2026, 9, 20)


def test_working_days_between_excludes_the_holiday_week(calendar_2026):
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2


def test_a_deadline_reaching_into_an_uncovered_year_falls_back_to_weekdays_without_error(calendar_2026):
    cal = WorkCalendar.load()
    # 2026-12-28 (Mon) + 7 working days: 29, 30, 31 Dec 2026 are covered; 2027 is not, so
    # 1 January 2027 (Friday) counts as a weekday and the result is Wed 6 January 2027.
    assert cal.add_working_days(date(2026, 12, 28), 7) == date(2027, 1, 6)
    assert cal.uncovered_years == [2027]


def test_the_calendar_table_is_the_source_so_an_edited_holiday_changes_deadlines(calendar_2026):
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    WorkCalendarDay.objects.create(date=date(2026, 11, 24), is_workday=False, name="测试休息日")
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)


def test_seeding_twice_changes_nothing(calendar_2026):
    before = (WorkCalendarDay.objects.count(), WorkCalendarYear.objects.count())
    seed_from_chinese_calendar([2025, 2026])
    assert (WorkCalendarDay.objects.count(), WorkCalendarYear.objects.count()) == before
    assert before[0] > 20
