"""``manage.py audit``: every check of SPEC §10, the veto lines of the national inspection
(warn before, error once reached), stored results, the spot-check draw."""
from datetime import timedelta
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Article, Site, WorkCalendarYear
from security.audit import record
from security.checks.content import warn_threshold
from security.checks.registry import CHECKS, ERROR, WARNING, CheckSpec
from security.models import AuditEvent, AuditRun, BackupRecord, SpotCheckDraw, UserProfile

from ..factories import make_column, make_published, make_site
from .conftest import audit_json, findings

pytestmark = pytest.mark.django_db
NOW = timezone.now


def _ago(days):
    return timezone.now() - timedelta(days=days)


def test_warning_thresholds_match_the_examples_of_the_issue():
    assert warn_threshold(14) == 10  # home page: warn from 10 days
    assert warn_threshold(5) == 3    # blank / key columns: more than 2
    assert warn_threshold(10) == 7   # stale columns: more than 6


def test_a_stale_column_is_reported_and_the_finding_disappears_once_it_is_updated(group, audit):
    make_published(group.approver, group.news, "二十天前的要闻", when=_ago(20))
    run = audit("content.stale_column")
    [finding] = findings(run, "content.stale_column", group.national)
    assert finding.severity == WARNING and finding.object_type == "cms.Column"
    assert finding.object_id == str(group.news.pk)
    assert "已 20 天未更新" in finding.message and "14" in finding.message and finding.fix

    make_published(group.approver, group.news, "今天的要闻")
    assert findings(audit("content.stale_column"), "content.stale_column", group.national) == []


def test_a_leaf_column_without_any_published_item_is_blank_and_its_parent_is_not_counted(group, audit):
    run = audit("content.blank_column")
    blank = {f.object_id for f in findings(run, "content.blank_column", group.national)}
    assert str(group.guides.pk) in blank and str(group.services.pk) not in blank
    make_published(group.approver, group.guides, "办税指南一")
    blank = {f.object_id for f in findings(audit("content.blank_column"), "content.blank_column", group.national)}
    assert str(group.guides.pk) not in blank


def test_the_home_page_warns_from_ten_days_without_a_new_item_and_is_an_error_at_fourteen(group, audit):
    article = make_published(group.approver, group.news, "首页要闻", when=_ago(10))
    [f] = findings(audit("veto.home_page"), "veto.home_page", group.national)
    assert f.severity == WARNING and "10 天" in f.message
    Article.objects.filter(pk=article.pk).update(published_at=_ago(14))
    [f] = findings(audit("veto.home_page"), "veto.home_page", group.national)
    assert f.severity == ERROR and "否决" in f.message
    make_published(group.approver, group.news, "新的要闻")
    assert findings(audit("veto.home_page"), "veto.home_page", group.national) == []


def test_blank_columns_warn_above_two_and_are_an_error_at_the_veto_line_of_five(group, audit):
    make_published(group.bj_approver, group.bj_news, "北京要闻")
    for n in range(3):
        make_column(group.province, group.bj_office, f"blank{n}", column_class="other")
    [f] = findings(audit("veto.blank_columns"), "veto.blank_columns", group.province)
    assert f.severity == WARNING and f.data["count"] == 3
    for n in range(3, 5):
        make_column(group.province, group.bj_office, f"blank{n}", column_class="other")
    [f] = findings(audit("veto.blank_columns"), "veto.blank_columns", group.province)
    assert f.severity == ERROR and f.data == {"count": 5, "line": 5}


def test_stale_columns_warn_above_six_and_are_an_error_at_the_veto_line_of_ten(group, audit):
    make_published(group.bj_approver, group.bj_news, "北京要闻")
    columns = [make_column(group.province, group.bj_office, f"stale{n}", column_class="other",
                           update_interval_days=30) for n in range(10)]
    for column in columns[:7]:
        make_published(group.bj_approver, column, f"旧信息{column.pk}", when=_ago(40))
    [f] = findings(audit("veto.stale_columns"), "veto.stale_columns", group.province)
    assert f.severity == WARNING and f.data["count"] == 7
    for column in columns[7:]:
        make_published(group.bj_approver, column, f"旧信息{column.pk}", when=_ago(40))
    [f] = findings(audit("veto.stale_columns"), "veto.stale_columns", group.province)
    assert f.severity == ERROR and f.data["count"] == 10


def test_stale_news_notice_and_policy_columns_have_their_own_veto_line(group, audit):
    make_published(group.bj_approver, group.bj_news, "北京要闻", when=_ago(30))
    for n in range(4):
        column = make_column(group.province, group.bj_office, f"news{n}", column_class="news")
        make_published(group.bj_approver, column, f"旧要闻{n}", when=_ago(30))
    [f] = findings(audit("veto.stale_key_columns"), "veto.stale_key_columns", group.province)
    assert f.severity == ERROR and f.data["count"] == 5


def test_every_finding_has_a_stable_code_a_severity_the_site_the_object_a_chinese_message_and_a_fix(group):
    make_published(group.approver, group.news, "旧要闻", when=_ago(30))
    payload = audit_json("--site", "national")
    stale = [f for f in payload["findings"] if f["code"] == "content.stale_column"]
    assert stale and set(stale[0]) >= {"code", "severity", "site", "object", "message", "fix"}
    assert stale[0]["site"] == "national" and stale[0]["object"]["type"] == "cms.Column"
    assert "栏目" in stale[0]["message"] and stale[0]["fix"]
    assert {f["site"] for f in payload["findings"]} <= {"national"}
    assert all(code in CHECKS or code.startswith("audit.") or "." in code for code in
               {f["code"] for f in payload["findings"]})


def test_fail_on_sets_the_exit_status(group):
    make_published(group.approver, group.news, "旧要闻", when=_ago(30))  # warnings only, for these checks
    make_published(group.approver, group.laws, "政策", kind="policy")
    make_published(group.approver, group.guides, "指南")
    out = io.StringIO()
    call_command("audit", "--site", "national", "--only", "content.stale_column", stdout=out, stderr=io.StringIO())
    assert "content.stale_column" in out.getvalue() and "audit: 0 errors, 1 warnings" in out.getvalue()
    call_command("audit", "--site", "national", "--only", "content.stale_column", "--fail-on", "error",
                 stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "--site", "national", "--only", "content.stale_column", "--fail-on", "warning",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 1


def test_unknown_site_or_check_is_a_clear_error(group):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no site"):
        call_command("audit", "--site", "nowhere", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="unknown check"):
        call_command("audit", "--only", "nothing.here", stdout=io.StringIO(), stderr=io.StringIO())


def test_each_run_is_stored_with_counts_per_site_and_recorded_in_the_audit_trail(group, audit):
    make_published(group.approver, group.news, "旧要闻", when=_ago(30))
    run = audit()
    run.refresh_from_db()
    assert run.status == AuditRun.Status.DONE and run.finished_at and run.kind == AuditRun.Kind.FULL
    assert run.counts["warning"] >= 1 and run.site_counts["national"]["warning"] >= 1
    assert sum(run.counts.values()) == run.findings.count()
    assert {c["code"] for c in run.checks} == set(CHECKS)
    assert AuditEvent.objects.filter(action="audit.run", object_id=str(run.pk)).exists()


def test_a_check_that_fails_becomes_an_error_finding_and_the_run_completes(group, audit, monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(CHECKS, "test.broken", CheckSpec("test.broken", WARNING, "site", "test", "broken", broken))
    run = audit("test.broken", "calendar")
    [f] = findings(run, "audit.check_failed")
    assert f.severity == ERROR and "boom" in f.message
    assert run.status == AuditRun.Status.DONE


def test_the_spot_check_draws_a_reproducible_sample_of_at_least_30_percent_and_records_it(group):
    for n in range(3):
        make_site(f"sub{n}", parent=group.national)
    first = audit_json("--spot-check", "--year", "2026", "--quarter", "3")
    again = audit_json("--spot-check", "--year", "2026", "--quarter", "3")
    draw = first["spot_check"]
    assert draw == again["spot_check"] and draw["seed"] == "national-2026-Q3"
    assert len(draw["subsites"]) * 100 >= 30 * draw["subsite_population"] and draw["subsite_population"] == 4
    assert len(draw["columns"]) * 100 >= 30 * draw["column_population"]
    recorded = SpotCheckDraw.objects.get(run_id=first["run"])
    assert recorded.subsites == draw["subsites"] and recorded.columns == draw["columns"] and recorded.percent >= 30
    sampled_codes = {Site.objects.get(pk=pk).code for pk in draw["subsites"]}
    assert {f["site"] for f in first["findings"]} <= sampled_codes | {"national"}
    assert AuditEvent.objects.filter(action="audit.spot_check").count() == 2


# --- workflow ---

def _slip(group, title):
    from cms import actions as cms_actions
    from publishing import actions

    article = cms_actions.create_draft(acting_user=group.editor, column=group.guides, title=title, body="<p>正文</p>")
    return actions.submit_slip(article, acting_user=group.editor, confirm_no_secret=True, confirm_no_internal=True,
                               confirm_no_personal_data=True)


def test_slips_waiting_past_their_deadline_and_unsigned_urgent_publishes_are_reported(group, audit):
    from publishing import actions
    from publishing.models import ApprovalSlip

    waiting = _slip(group, "等待很久的稿件")
    ApprovalSlip.objects.filter(pk=waiting.pk).update(stage_entered_at=_ago(20))
    urgent = _slip(group, "突发事件通告")
    actions.decide(urgent, "urgent_publish", acting_user=group.approver, comment="突发事件，须立即发布",
                   secrecy_confirmed=True)
    run = audit("workflow")
    [overdue] = findings(run, "workflow.slip_overdue")
    assert overdue.object_id == str(waiting.pk) and "工作日" in overdue.message
    [unsigned] = findings(run, "workflow.urgent_unsigned")
    assert unsigned.object_id == str(urgent.pk)


def test_a_parent_site_policy_not_reposted_in_time_is_an_error(group, audit):
    from publishing.models import Syndication

    policy = make_published(group.approver, group.laws, "重要政策", kind="policy", is_important=True)
    Syndication.objects.create(source=policy, target_site=group.province, offered_by=group.approver,
                               offered_at=_ago(2), deadline=_ago(1))
    [f] = findings(audit("workflow.late_repost"), "workflow.late_repost", group.province)
    assert f.severity == ERROR and "重要政策" in f.message


def test_published_content_with_a_classification_marker_is_an_error(group, audit):
    bad = make_published(group.approver, group.news, "工作通报", body="<p>机密★1年</p><p>正文</p>")
    make_published(group.approver, group.news, "加强内部控制", body="<p>秘密投票与内部控制制度。</p>")
    [f] = findings(audit("content.classification_marker"), "content.classification_marker")
    assert f.object_id == str(bad.pk) and f.severity == ERROR and "机密" in f.message


# --- accounts, trail, backups, calendar ---

def test_superusers_expired_passwords_and_unused_accounts_are_reported(group, audit):
    User = get_user_model()
    old = User.objects.create_user("old_editor", password="x", is_staff=True)
    UserProfile.objects.create(user=old, site=group.national)
    User.objects.filter(pk=old.pk).update(date_joined=_ago(120))
    User.objects.create_superuser("root", password="x")
    run = audit("accounts")
    assert [f.object_repr for f in findings(run, "accounts.superuser")] == ["root"]
    assert "old_editor" in {f.object_repr for f in findings(run, "accounts.password_expired")}
    assert "old_editor" in {f.object_repr for f in findings(run, "accounts.inactive")}
    assert "approver" not in {f.object_repr for f in findings(run, "accounts.password_expired")}


def test_an_altered_or_missing_audit_trail_row_breaks_the_chain(db, audit):
    events = [record("test.event", data={"n": n}) for n in range(4)]
    assert findings(audit("trail.chain")) == []
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"n": 99})
    [altered] = findings(audit("trail.chain"), "trail.chain")
    assert altered.data["kind"] == "altered" and altered.object_id == str(events[1].pk)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    kinds = {f.data["kind"] for f in findings(audit("trail.chain"), "trail.chain")}
    assert "gap" in kinds


def test_a_backup_older_than_a_day_or_none_at_all_is_an_error(db, audit):
    [never] = findings(audit("backup.stale"), "backup.stale")
    assert never.severity == ERROR
    BackupRecord.objects.create(status="ok", started_at=_ago(2), finished_at=_ago(2), offsite_verified=True)
    [old] = findings(audit("backup.stale"), "backup.stale")
    assert "小时前" in old.message
    BackupRecord.objects.create(status="ok", started_at=NOW(), finished_at=NOW(), offsite_verified=True)
    assert findings(audit("backup.stale"), "backup.stale") == []


def test_a_missing_holiday_calendar_is_an_error_this_year_and_a_warning_for_next_year(db, audit):
    year = timezone.localdate().year
    by_year = {f.data["year"]: f.severity for f in findings(audit("calendar"), "calendar.missing_year")}
    assert by_year == {year: ERROR, year + 1: WARNING}
    WorkCalendarYear.objects.create(year=year)
    WorkCalendarYear.objects.create(year=year + 1)
    assert findings(audit("calendar"), "calendar.missing_year") == []


# --- disclosure, identifiers ---

def test_a_policy_published_more_than_20_working_days_after_its_date_written_is_reported(group, audit):
    written = timezone.localdate() - timedelta(days=60)
    late = make_published(group.approver, group.laws, "迟发的公告", kind="policy", date_written=written)
    make_published(group.approver, group.laws, "及时的公告", kind="policy",
                   date_written=timezone.localdate() - timedelta(days=3))
    [f] = findings(audit("disclosure.late"), "disclosure.late")
    assert f.object_id == str(late.pk) and "20 个工作日" in f.message


def test_an_important_policy_without_a_published_interpretation_is_reported_until_one_is_published(group, audit):
    policy = make_published(group.approver, group.laws, "重要公告", kind="policy", is_important=True)
    [f] = findings(audit("disclosure.no_interpretation"), "disclosure.no_interpretation")
    assert f.object_id == str(policy.pk)
    make_published(group.approver, group.laws, "重要公告解读", kind="interpretation", interprets=policy)
    assert findings(audit("disclosure.no_interpretation"), "disclosure.no_interpretation") == []


def test_missing_footer_identifiers_are_an_error_and_complete_pages_carry_the_meta_tags(group, audit, public_urls):
    make_published(group.approver, group.news, "要闻")
    Site.objects.filter(pk=group.province.pk).update(icp_number="")
    Site.objects.filter(pk=group.national.pk).update(contact_phone="010-12366")
    run = audit("identifiers")
    [f] = findings(run, "identifiers.footer", group.province)
    assert "ICP" in f.message
    assert findings(run, "identifiers.meta", group.national) == []
    assert findings(run, "identifiers.footer", group.national) == []


# --- liaisons, interaction (read through django.apps) ---

def test_a_liaison_vacancy_past_its_deadline_is_an_error(group, audit):
    from liaisons.models import Liaison, Vacancy

    liaison = Liaison.objects.create(site=group.national, department=group.service, user=group.editor, name="张三",
                                     filed_on=_ago(400).date(), filed_by=group.approver, left_on=_ago(40).date())
    Vacancy.objects.create(site=group.national, department=group.service, previous=liaison,
                           opened_on=_ago(40).date(), deadline=_ago(10).date(), working_days=15)
    [f] = findings(audit("liaisons.vacancy_overdue"), "liaisons.vacancy_overdue")
    assert f.severity == ERROR and "纳税服务司" in f.message and "逾期" in f.message


def _message(site, number, received_days_ago, deadline_days_ago):
    from interaction.models import Message

    received = _ago(received_days_ago)
    return Message.objects.create(site=site, kind="consultation", tracking_number=number, query_code_hash="x",
                                  subject="咨询", body="请问", received_at=received, received_on=received.date(),
                                  deadline=_ago(deadline_days_ago).date(),
                                  ceiling=(received + timedelta(days=90)).date(), status="in_hand")


def test_an_overdue_message_warns_and_three_months_unanswered_reaches_the_veto_line(group, audit):
    _message(group.national, "N-1", 20, 10)
    _message(group.national, "N-2", 70, 60)
    _message(group.national, "N-3", 95, 85)
    run = audit("interaction")
    assert {f.object_repr for f in findings(run, "interaction.message_overdue")} == {"N-1", "N-2", "N-3"}
    veto = {f.object_repr: f.severity for f in findings(run, "veto.unanswered_message")}
    assert veto == {"N-2": WARNING, "N-3": ERROR}


# --- bounded work ---

def test_the_query_count_of_the_content_and_workflow_checks_does_not_grow_with_the_articles(group, audit):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            audit("content", "workflow", "disclosure", "links")
        return len(ctx.captured_queries)

    for n in range(3):
        make_published(group.approver, group.news, f"要闻{n}", when=_ago(20), body=f'<p><a href="/articles/{n}.html">链接</a></p>')
    small = count()
    for n in range(3, 40):
        make_published(group.approver, group.news, f"要闻{n}", when=_ago(20), body=f'<p><a href="/articles/{n}.html">链接</a></p>')
    assert count() == small


def test_a_run_that_cannot_finish_is_marked_failed_not_left_running(group, monkeypatch):
    from security.checks import runner

    def explode(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(runner, "_execute", explode)
    with pytest.raises(ConnectionError):
        runner.run_audit(triggered_by="test")
    run = AuditRun.objects.get()
    assert run.status == AuditRun.Status.FAILED and "database went away" in run.error and run.finished_at
