"""The quarterly spot check (001 §二(五)1): a reproducible random sample of at least 30 % of
the sub-sites and columns, a checklist per item, results recorded and published."""
import pytest

from cms.exceptions import ActionRefused
from liaisons import actions, reports
from liaisons.checklists import COLUMN_CHECKLIST, SUBSITE_CHECKLIST
from liaisons.models import SpotCheckItem
from liaisons.selectors import sample_size, spot_check_sample

from ..factories import make_column, make_site
from .conftest import set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def subsites(group):
    return [group.province] + [make_site(f"prov{i}", parent=group.national) for i in range(6)]


@pytest.fixture
def columns(group):
    return [make_column(group.national, group.service, f"extra{i}") for i in range(6)]


def test_the_sample_is_at_least_30_percent_rounded_up(group, subsites, columns):
    assert [sample_size(n, 30) for n in (0, 1, 3, 7, 10, 11)] == [0, 1, 1, 3, 3, 4]
    sample = spot_check_sample(group.national, 2026, 4)
    assert len(sample.subsite_population) == 7 and len(sample.subsites) == 3
    assert len(sample.column_population) == 10 and len(sample.columns) == 3
    set_policy(group.national, spot_check_percent=50)
    assert len(spot_check_sample(group.national, 2026, 4).columns) == 5


def test_the_same_quarter_draws_the_same_sample_and_another_quarter_may_differ(group, subsites, columns):
    first = spot_check_sample(group.national, 2026, 4)
    assert spot_check_sample(group.national, 2026, 4) == first
    assert first.seed == "national-2026-Q4"
    others = {tuple(spot_check_sample(group.national, 2026, q).columns) for q in (1, 2, 3)}
    assert others != {tuple(first.columns)}


def test_results_are_recorded_per_checklist_and_published(group, manager, subsites, columns):
    check = actions.draw_spot_check(group.national, acting_user=manager, year=2026, quarter=4)
    with pytest.raises(ActionRefused):
        actions.draw_spot_check(group.national, acting_user=manager, year=2026, quarter=4)
    items = list(check.items.all())
    assert len(items) == 6
    sample = spot_check_sample(group.national, 2026, 4)
    assert sorted(i.subsite_id for i in items if i.subsite_id) == sample.subsites

    with pytest.raises(ActionRefused):
        actions.publish_spot_check(check, acting_user=manager)  # nothing checked yet
    for item in items:
        points = SUBSITE_CHECKLIST if item.target == SpotCheckItem.Target.SUBSITE else COLUMN_CHECKLIST
        results = {p.code: True for p in points}
        with pytest.raises(ActionRefused):  # every point must be answered
            actions.record_spot_check_result(item, acting_user=manager, results={})
        if item == items[0]:
            results[points[1].code] = False
            with pytest.raises(ActionRefused):  # a failure needs its findings
                actions.record_spot_check_result(item, acting_user=manager, results=results)
            actions.record_spot_check_result(item, acting_user=manager, results=results, note="首页14天未更新")
        else:
            actions.record_spot_check_result(item, acting_user=manager, results=results)
    check = actions.publish_spot_check(check, acting_user=manager)
    assert check.published_at is not None
    with pytest.raises(ActionRefused):
        actions.record_spot_check_result(items[1], acting_user=manager, results={})

    document = reports.spot_check_report(group.national, 2026, 4)
    summary = document.sections[0].tables[0].rows[0]
    assert summary[:9] == ["national-2026-Q4", "30", "7", "3", "10", "3", "6", "5", "1"]
    assert document.sections[0].charts and not document.is_empty


def test_only_the_site_manager_draws_the_sample(group, subsites):
    with pytest.raises(ActionRefused):
        actions.draw_spot_check(group.national, acting_user=group.approver, year=2026, quarter=4)


def test_a_quarter_without_a_sample_gives_an_empty_spot_check_report(group):
    document = reports.spot_check_report(group.national, 2026, 3)
    assert document.is_empty and document.sections[0].notes
