"""Contribution statistics (000 §10, §20; 003 §14): submitted, adopted, returned, median
review time in working days and the honorarium due, per department and per liaison, for
any period — checked against a fixture built by hand."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaisons import actions, reports
from liaisons.selectors import contribution_stats, liaison_ranking, quarter_period

from ..factories import make_column, make_department, make_user
from .conftest import DEPT, OFFICE, PUB, RET, REVIEW, at, make_slip

pytestmark = pytest.mark.django_db



def figures(f):
    return (f.submitted, f.adopted, f.returned, f.median_review_days, f.honorarium)


def test_report_figures_match_the_hand_built_fixture_exactly(fixture_q4):
    g = fixture_q4
    stats = contribution_stats(g.national, quarter_period(2026, 4))
    by_dept = {row.department.name: (row.liaison_name, figures(row.figures)) for row in stats.departments}
    assert by_dept == {
        "办公厅": ("王芳", (0, 0, 0, None, Decimal("0.00"))),
        "纳税服务司": ("张伟", (4, 3, 1, 2.5, Decimal("200.00"))),
        "政策法规司": ("", (1, 0, 1, 2, Decimal("0.00"))),
    }
    by_liaison = {row.liaison.name: figures(row.figures) for row in stats.liaisons}
    assert by_liaison == {"张伟": (3, 3, 1, 2.5, Decimal("200.00")), "王芳": (0, 0, 0, None, Decimal("0.00"))}
    assert figures(stats.total) == (5, 3, 2, 2, Decimal("200.00"))
    assert sorted(stats.total.review_days) == [1, 2, 2, 3, 3]
    assert stats.total.adoption_rate == 60.0


def test_the_median_is_taken_over_working_days_for_any_period(fixture_q4):
    october = contribution_stats(fixture_q4.national, quarter_period(2026, 4).__class__(date(2026, 10, 1),
                                                                                       date(2026, 10, 31)))
    service = next(r for r in october.departments if r.department == fixture_q4.service)
    assert sorted(service.figures.review_days) == [2, 3, 3]  # S2, S1, S4
    assert figures(service.figures) == (2, 2, 1, 3, Decimal("100.00"))


def test_the_bulletin_shows_the_same_figures(fixture_q4):
    document = reports.quarterly_bulletin(fixture_q4.national, 2026, 4)
    assert not document.is_empty
    dept_table = document.sections[1].tables[0]
    row = next(r for r in dept_table.rows if r[0] == "纳税服务司")
    assert row == ["纳税服务司", "张伟", "4", "3", "1", "75.0%", "2.5", "200.00"]
    assert dept_table.footer == ["合计", "—", "5", "3", "2", "60.0%", "2", "200.00"]


def test_best_liaison_ranking_orders_by_adopted_then_submitted_and_shares_ties(group, manager, calendar):
    g = group
    liaisons = {}
    for code, name in [("a", "甲"), ("b", "乙"), ("c", "丙")]:
        dept = make_department(g.national, f"rank{code}", name=f"部门{name}")
        column = make_column(g.national, dept, f"col{code}")
        user = make_user(f"l{code}", "editor", column, site=g.national, department=dept)
        actions.file_liaison(dept, acting_user=manager, user=user, name=name, filed_on=date(2026, 1, 5))
        liaisons[name] = (column, user)
    plan = {"甲": (2, 1), "乙": (2, 1), "丙": (1, 3)}  # adopted, submitted-only
    for name, (adopted, pending) in plan.items():
        column, user = liaisons[name]
        for _ in range(adopted):
            make_slip(column, user, at(date(2026, 5, 6)), state=PUB, published_at=at(date(2026, 5, 7)),
                      decisions=[("office_publish", OFFICE, g.approver, at(date(2026, 5, 7)))])
        for _ in range(pending):
            make_slip(column, user, at(date(2026, 5, 6)), state=REVIEW)
    stats = liaison_ranking(g.national, 2026)
    assert [(r.rank, r.liaison.name) for r in stats.liaisons] == [(1, "乙"), (1, "甲"), (3, "丙")]
    assert stats.liaisons[0].figures.adopted == 2


def _grow(group, manager, n, start):
    for i in range(start, start + n):
        dept = make_department(group.national, f"d{i}", name=f"处室{i}")
        column = make_column(group.national, dept, f"c{i}")
        user = make_user(f"u{i}", "editor", column, site=group.national, department=dept)
        actions.file_liaison(dept, acting_user=manager, user=user, name=f"联络员{i}", filed_on=date(2026, 1, 5))
        for day in (5, 6, 7):
            make_slip(column, user, at(date(2026, 10, day)), state=PUB, published_at=at(date(2026, 10, day + 3)),
                      decisions=[("office_publish", OFFICE, group.approver, at(date(2026, 10, day + 3)))])
            make_slip(column, user, at(date(2026, 11, day)), state=RET,
                      decisions=[("dept_return", DEPT, group.approver, at(date(2026, 11, day + 1)))])


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_statistics_and_reports_run_a_fixed_number_of_queries_whatever_the_departments_and_slips(
        group, manager, calendar):
    site = group.national
    builders = [lambda: contribution_stats(site, quarter_period(2026, 4)),
                lambda: reports.quarterly_bulletin(site, 2026, 4),
                lambda: reports.best_liaison_ranking(site, 2026),
                lambda: reports.annual_work_report(site, 2026),
                lambda: reports.spot_check_report(site, 2026, 4)]
    _grow(group, manager, 2, 0)
    small = [_count(b) for b in builders]
    _grow(group, manager, 6, 2)
    large = [_count(b) for b in builders]
    assert small == large
    assert small[0] <= 10


def test_a_future_period_gives_an_empty_report_not_an_error(fixture_q4):
    for document in (reports.quarterly_bulletin(fixture_q4.national, 2031, 2),
                     reports.best_liaison_ranking(fixture_q4.national, 2031),
                     reports.annual_work_report(fixture_q4.national, 2031),
                     reports.spot_check_report(fixture_q4.national, 2031, 2)):
        assert document.is_empty
        assert reports.render_html([document]) and reports.render_csv([document])


def test_a_site_without_departments_or_slips_gives_an_empty_report(group, calendar):
    from ..factories import make_site

    bare = make_site("bare", parent=group.national, name="空站")
    document = reports.quarterly_bulletin(bare, 2026, 4)
    assert document.is_empty
    assert document.sections[1].tables[0].rows == []
