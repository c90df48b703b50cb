"""The work calendar (SPEC §5): every "N working days" deadline needs the official holiday
schedule of the year; without it deadlines are counted on weekdays only."""
from cms.workdays import uncovered_years

from .registry import ERROR, GLOBAL, WARNING, register_check


@register_check(code="calendar.missing_year", severity=WARNING, scope=GLOBAL,
                title="Holiday calendar missing for the current or next year")
def missing_calendar_years(ctx):
    for year in uncovered_years([ctx.today.year, ctx.today.year + 1]):
        current = year == ctx.today.year
        yield ctx.finding(
            f"工作日历缺少 {year} 年的节假日安排，{year} 年的期限暂按周一至周五计算。",
            fix=f"国务院办公厅公布 {year} 年节假日安排后，由网站管理员在“工作日历”中录入（或升级 chinese-calendar 后导入）。",
            severity=ERROR if current else WARNING, object_type="cms.WorkCalendarYear", object_id=year,
            object_repr=str(year), data={"year": year})
