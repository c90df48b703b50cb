"""The one place that answers working-day questions (SPEC §5).

Official working days of the PRC: Monday–Friday, minus public holidays, plus make-up
working days (调休) — read from the ``WorkCalendarDay`` table, which is seeded from the
``chinese-calendar`` package and editable by the site manager. A year without a
``WorkCalendarYear`` row is counted on weekdays only; the caller is told through
``WorkdayResult.uncovered_years`` and ``audit`` reports the missing schedule. Never raises
for a year the table lacks.
"""
from dataclasses import dataclass, field
from datetime import timedelta
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class WorkCalendar:
    """A snapshot of the calendar table for a range of years (cheap to build, reuse in loops)."""

    exceptions: dict = field(default_factory=dict)  # date -> is_workday
    covered_years: frozenset = frozenset()
    uncovered_seen: set = field(default_factory=set)

    @classmethod
    def load(cls, start_year=None, end_year=None):
        from .models import WorkCalendarDay, WorkCalendarYear

        days = WorkCalendarDay.objects.all()
        years = WorkCalendarYear.objects.all()
        if start_year is not None:
            days = days.filter(date__year__gte=start_year)
            years = years.filter(year__gte=start_year)
        if end_year is not None:
            days = days.filter(date__year__lte=end_year)
            years = years.filter(year__lte=end_year)
        return cls(dict(days.values_list("date", "is_workday")), frozenset(years.values_list("year", flat=True)))

    def is_workday(self, day):
        if day.year not in self.covered_years:
            if day.year not in self.uncovered_seen:
                self.uncovered_seen.add(day.year)
                logger.warning("work calendar has no schedule for %s; counting weekdays only", day.year)
            return day.weekday() < 5
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start, n):
        """The date that is ``n`` working days after ``start`` (``start`` itself not counted).

        ``n == 0`` gives ``start`` if it is a working day, otherwise the next working day.
        """
        if isinstance(start, timedelta):  # pragma: no cover - defensive against swapped args
            raise TypeError("start must be a date")
        day = start
        if n == 0:
            while not self.is_workday(day):
                day += timedelta(days=1)
            return day
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, start, end):
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        if end <= start:
            return 0
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    @property
    def uncovered_years(self):
        return sorted(self.uncovered_seen)


def _calendar_for(*days):
    years = [d.year for d in days]
    return WorkCalendar.load(min(years) - 1, max(years) + 2)


def add_working_days(start, n):
    """``start`` + ``n`` official working days. See ``WorkCalendar.add_working_days``."""
    if hasattr(start, "date") and callable(start.date):
        start = start.date()
    return _calendar_for(start).add_working_days(start, n)


def working_days_between(start, end):
    if hasattr(start, "date") and callable(start.date):
        start = start.date()
    if hasattr(end, "date") and callable(end.date):
        end = end.date()
    return _calendar_for(start, end).working_days_between(start, end)


def is_workday(day):
    return _calendar_for(day).is_workday(day)


def uncovered_years(years):
    from .models import WorkCalendarYear

    covered = set(WorkCalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    return sorted(set(years) - covered)


def seed_from_chinese_calendar(years=None, *, stdout=None):
    """Copy the holiday schedule of the ``chinese-calendar`` package into the table.

    Years the package does not know are skipped (and stay uncovered). Idempotent. Returns the
    list of years seeded.
    """
    import chinese_calendar

    from .models import WorkCalendarDay, WorkCalendarYear

    known_years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    wanted = known_years if years is None else [y for y in years if y in known_years]
    seeded = []
    with transaction.atomic():
        for year in wanted:
            rows = {}
            for day, _name in chinese_calendar.holidays.items():
                if day.year == year and day.weekday() < 5:
                    rows[day] = (False, chinese_calendar.get_holiday_detail(day)[1] or "")
            for day, name in chinese_calendar.workdays.items():
                if day.year == year and day.weekday() >= 5:
                    rows[day] = (True, f"{name} (make-up working day)" if name else "make-up working day")
            existing = set(WorkCalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
            WorkCalendarDay.objects.bulk_create(
                [WorkCalendarDay(date=d, is_workday=w, name=str(n)[:60]) for d, (w, n) in rows.items() if d not in existing]
            )
            WorkCalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
            seeded.append(year)
    if stdout is not None:
        stdout.write(f"work calendar: {len(seeded)} years seeded ({seeded[0] if seeded else '-'}–{seeded[-1] if seeded else '-'})")
    return seeded
