"""New-media accounts (seed 004): opening with an approval record, changes filed within 3
working days, closure and deregistration, posts entered or imported from a feed, and the
update duty of SPEC §5."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cms.exceptions import ActionRefused
from liaisons import actions
from liaisons.actions import FeedImportError
from liaisons.models import AccountState, NewMediaPost, Platform
from liaisons.selectors import newmedia_duty_findings

from ..factories import make_user
from .conftest import at, set_policy

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def open_account(group, manager, platform=Platform.WECHAT_SUBSCRIPTION, name="中国税务", **kw):
    values = dict(acting_user=manager, site=group.national, department=group.office, platform=platform, name=name,
                  organiser="国家税务总局", administrator="王芳", responsible_person="李强",
                  approval_reference="XMT-2026-01", approved_by="办公厅", approved_on=date(2026, 1, 5),
                  opened_on=date(2026, 1, 10))
    values.update(kw)
    return actions.file_newmedia_account(**values)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>中国税务</title>
<item><title>个税汇算指南</title><link>https://mp.example.cn/s/1</link><guid>post-1</guid>
  <pubDate>Mon, 02 Nov 2026 09:30:00 +0800</pubDate></item>
<item><title>发票新规解读</title><link>https://mp.example.cn/s/2</link>
  <pubDate>Tue, 03 Nov 2026 10:00:00 +0800</pubDate></item>
<item><title>没有日期的条目</title><link>https://mp.example.cn/s/3</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>税务微博</title><id>urn:x</id><updated>2026-11-04T08:00:00Z</updated>
<entry><title>今日办税提醒</title><id>tag:weibo,2026:1</id><link rel="alternate" href="https://weibo.example.cn/1"/>
  <published>2026-11-04T08:00:00Z</published></entry>
<entry><title>征期提示</title><id>tag:weibo,2026:2</id><updated>2026-11-05T01:00:00+08:00</updated></entry>
</feed>
"""


def test_opening_an_account_needs_its_approval_record(group, manager, calendar):
    with pytest.raises(ActionRefused):
        open_account(group, manager, approval_reference="")
    with pytest.raises(ActionRefused):  # approved after it opened: not 事前 approval
        open_account(group, manager, approved_on=date(2026, 1, 20))
    with pytest.raises(ActionRefused):
        open_account(group, group.approver)
    account = open_account(group, manager)
    assert account.state == AccountState.OPEN and account.approval_reference == "XMT-2026-01"
    with pytest.raises(ActionRefused):  # the same name twice on one platform
        open_account(group, manager)


def test_a_change_is_due_within_three_working_days_across_the_holiday(group, manager, calendar):
    account = open_account(group, manager)
    # Changed Wed 30 Sep 2026: the three working days are 8, 9 and 10 October (make-up Saturday).
    on_time = actions.file_newmedia_change(account, acting_user=manager, changes={"name": "中国税务发布"},
                                           changed_on=date(2026, 9, 30), filed_on=date(2026, 10, 10))
    assert on_time[0].deadline == date(2026, 10, 10) and not on_time[0].is_late
    late = actions.file_newmedia_change(account, acting_user=manager,
                                        changes={"administrator": "赵敏", "organiser": "国家税务总局"},
                                        changed_on=date(2026, 10, 12), filed_on=date(2026, 10, 16))
    assert [(c.field, c.old_value, c.new_value, c.is_late) for c in late] == [("administrator", "王芳", "赵敏", True)]
    account.refresh_from_db()
    assert (account.name, account.administrator) == ("中国税务发布", "赵敏")
    with pytest.raises(ActionRefused):
        actions.file_newmedia_change(account, acting_user=manager, changes={"name": "中国税务发布"},
                                     changed_on=date(2026, 10, 12))


def test_an_account_is_closed_then_deregistered_and_changes_stop(group, manager, calendar):
    account = open_account(group, manager)
    with pytest.raises(ActionRefused):
        actions.close_newmedia_account(account, acting_user=manager, reason="")
    actions.close_newmedia_account(account, acting_user=manager, closed_on=date(2026, 6, 1), reason="无力维护，关停")
    with pytest.raises(ActionRefused):
        actions.close_newmedia_account(account, acting_user=manager, reason="again")
    with pytest.raises(ActionRefused):
        actions.file_newmedia_change(account, acting_user=manager, changes={"name": "新名"},
                                     changed_on=date(2026, 6, 2), filed_on=date(2026, 6, 2))
    account = actions.deregister_newmedia_account(account, acting_user=manager, deregistered_on=date(2026, 7, 1),
                                                  reason="主办单位变化", public_notice_url="https://www.example.cn/n")
    assert (account.state, account.closed_on, account.deregistered_on) == (
        AccountState.DEREGISTERED, date(2026, 6, 1), date(2026, 7, 1))
    assert open_account(group, manager).name == "中国税务"  # the name is free again


def test_an_rss_feed_is_imported_once_and_entries_without_a_date_are_listed(group, manager, calendar):
    account = open_account(group, manager)
    result = actions.import_newmedia_feed(account, acting_user=manager, data=RSS.encode())
    assert (result.created, result.duplicates, len(result.skipped)) == (2, 0, 1)
    assert "3" in result.skipped[0]
    posts = {p.guid: p for p in NewMediaPost.objects.filter(account=account)}
    assert set(posts) == {"post-1", "https://mp.example.cn/s/2"}
    assert posts["post-1"].published_at == datetime(2026, 11, 2, 9, 30, tzinfo=TZ)
    again = actions.import_newmedia_feed(account, acting_user=manager, data=RSS.encode())
    assert (again.created, again.duplicates) == (0, 2)


def test_an_atom_feed_is_imported_from_a_file_path(group, manager, calendar, tmp_path):
    account = open_account(group, manager, platform=Platform.WEIBO, name="税务微博")
    feed = tmp_path / "weibo.xml"
    feed.write_text(ATOM, encoding="utf-8")
    result = actions.import_newmedia_feed(account, acting_user=manager, source=str(feed))
    assert result.created == 2
    titles = dict(NewMediaPost.objects.filter(account=account).values_list("guid", "title"))
    assert titles == {"tag:weibo,2026:1": "今日办税提醒", "tag:weibo,2026:2": "征期提示"}


def test_a_malformed_feed_reports_the_line_and_keeps_the_posts_already_recorded(group, manager, calendar):
    account = open_account(group, manager)
    actions.import_newmedia_feed(account, acting_user=manager, data=RSS.encode())
    broken = RSS.replace("<title>发票新规解读</title>", "<title>发票新规解读</titl>")
    with pytest.raises(FeedImportError) as refused:
        actions.import_newmedia_feed(account, acting_user=manager, data=broken.encode())
    assert refused.value.line == 5
    assert "5" in refused.value.message
    assert NewMediaPost.objects.filter(account=account).count() == 2


def test_a_feed_that_declares_entities_or_is_not_a_feed_is_refused(group, manager, calendar):
    account = open_account(group, manager)
    bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel></channel></rss>'
    with pytest.raises(FeedImportError):
        actions.import_newmedia_feed(account, acting_user=manager, data=bomb.encode())
    with pytest.raises(FeedImportError):
        actions.import_newmedia_feed(account, acting_user=manager, data=b"<html><body>hi</body></html>")
    with pytest.raises(FeedImportError):  # no feed address at all
        actions.import_newmedia_feed(account, acting_user=manager)
    with pytest.raises(FeedImportError):
        actions.import_newmedia_feed(account, acting_user=manager, source="ftp://example.cn/feed.xml")


def test_editors_of_the_department_may_record_posts_and_others_may_not(group, manager, calendar):
    account = open_account(group, manager)
    office_editor = make_user("office_editor", "editor", group.news, site=group.national, department=group.office)
    post = actions.record_newmedia_post(account, acting_user=office_editor, title="办税日历",
                                        published_at=at(date(2026, 11, 2)))
    assert post.source == NewMediaPost.Source.MANUAL
    with pytest.raises(ActionRefused):
        actions.record_newmedia_post(account, acting_user=group.editor, title="x", published_at=at(date(2026, 11, 2)))
    with pytest.raises(ActionRefused):  # the same post twice
        actions.record_newmedia_post(account, acting_user=manager, title="办税日历", published_at=at(date(2026, 11, 2)))


def test_accounts_behind_their_update_duty_are_found(group, manager, calendar):
    as_of = date(2026, 11, 23)  # a Monday
    wechat = open_account(group, manager)
    weibo = open_account(group, manager, platform=Platform.WEIBO, name="税务微博")
    quiet = open_account(group, manager, platform=Platform.DOUYIN, name="税务抖音")
    service = open_account(group, manager, platform=Platform.WECHAT_SERVICE, name="税务服务号")
    for n, day in enumerate([2, 5, 9, 12, 16, 19, 23, 26]):  # 8 posts in October: enough
        actions.record_newmedia_post(wechat, acting_user=manager, title=f"推文{n}", published_at=at(date(2026, 10, day)))
    actions.record_newmedia_post(wechat, acting_user=manager, title="近期推文", published_at=at(date(2026, 11, 20)))
    for n, day in enumerate([2, 3, 4]):  # 3 posts in October: the service account needs 4
        actions.record_newmedia_post(service, acting_user=manager, title=f"服务{n}", published_at=at(date(2026, 10, day)))
    actions.record_newmedia_post(service, acting_user=manager, title="服务近况", published_at=at(date(2026, 11, 18)))
    # Weibo posts on every working day of the fortnight but Thu 19 November.
    day = as_of - timedelta(days=14)
    while day < as_of:
        if day.weekday() < 5 and day != date(2026, 11, 19):
            actions.record_newmedia_post(weibo, acting_user=manager, title=f"微博{day}", published_at=at(day, 9))
        day += timedelta(days=1)
    actions.record_newmedia_post(quiet, acting_user=manager, title="上次更新", published_at=at(date(2026, 11, 1)))

    found = {(f.account.name, f.code) for f in newmedia_duty_findings(group.national, as_of=as_of)}
    assert found == {("税务微博", "weibo_gap"), ("税务抖音", "stale"), ("税务服务号", "monthly")}
    weibo_finding = next(f for f in newmedia_duty_findings(group.national, as_of=as_of) if f.code == "weibo_gap")
    assert "2026-11-19" in weibo_finding.message

    set_policy(group.national, newmedia_update_days=30)  # a site may set a longer duty
    assert ("税务抖音", "stale") not in {(f.account.name, f.code)
                                        for f in newmedia_duty_findings(group.national, as_of=as_of)}
    actions.close_newmedia_account(quiet, acting_user=manager, closed_on=date(2026, 11, 2), reason="整合")
    assert "税务抖音" not in {f.account.name for f in newmedia_duty_findings(group.national, as_of=as_of)}
