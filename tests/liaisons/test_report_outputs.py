"""Report outputs: CSV that spreadsheet programs open with the Chinese intact, HTML with a
print view and server-rendered SVG charts (no script, no inline style), the admin pages for
the site manager, and ``manage.py report``."""
from datetime import date
import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import ColumnClass
from liaisons import actions, reports
from security.models import AuditEvent

from ..factories import make_column, make_department, make_published, make_user
from .conftest import OFFICE, PUB, at, make_slip

pytestmark = pytest.mark.django_db


def test_csv_starts_with_a_bom_and_keeps_the_chinese(fixture_q4):
    text = reports.render_csv([reports.quarterly_bulletin(fixture_q4.national, 2026, 4)])
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].startswith("国家税务总局")
    assert ["纳税服务司", "张伟", "4", "3", "1", "75.0%", "2.5", "200.00"] in rows
    assert "\r\n" in text


def test_html_report_has_accessible_svg_charts_and_no_script_or_inline_style(fixture_q4):
    html = reports.render_html([reports.quarterly_bulletin(fixture_q4.national, 2026, 4)],
                               css_url="/static/liaisons/reports.css")
    assert "<svg" in html and 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert 'href="/static/liaisons/reports.css"' in html
    standalone = reports.render_html([reports.quarterly_bulletin(fixture_q4.national, 2026, 4)])
    assert "<style>" in standalone and "@media print" in standalone  # the file stands alone


def test_the_annual_report_counts_items_per_column_class_and_says_what_is_not_recorded(group, manager, calendar):
    make_published(group.approver, group.news, "要闻一", when=at(date(2026, 3, 2)))
    make_published(group.approver, group.news, "要闻二", when=at(date(2026, 7, 2)))
    make_published(group.approver, group.laws, "法规一", when=at(date(2026, 7, 3)))
    make_published(group.approver, group.news, "去年的", when=at(date(2025, 12, 30)))
    document = reports.annual_work_report(group.national, 2026)
    content = document.sections[0].tables[0]
    per_class = {row[0]: row[1] for row in content.rows}
    assert per_class[str(ColumnClass.NEWS.label)] == "2" and per_class[str(ColumnClass.POLICY.label)] == "1"
    assert per_class[str(ColumnClass.SERVICE.label)] == "0"
    assert content.footer == ["合计", "3"]
    assert len(document.sections[0].charts) == 2
    titles = [section.title for section in document.sections]
    assert titles == ["信息发布", "信息报送与审核", "公众留言", "抽查", "联络员", "政务新媒体", "需求", "网站可用性"]
    assert document.sections[-1].notes == ["未记录：尚无可用性监测数据。"]


def _manager_client(client, manager):
    client.force_login(manager)
    return client


def test_the_report_pages_read_in_chinese_with_a_print_view_and_csv(client, admin_urls, fixture_q4, manager):
    c = _manager_client(client, manager)
    site = fixture_q4.national.pk
    index = c.get("/admin/liaisons/report/")
    assert index.status_code == 200 and "季度通报" in index.content.decode()
    page = c.get(f"/admin/liaisons/report/bulletin/?site={site}&year=2026&quarter=4")
    body = page.content.decode()
    assert page.status_code == 200 and "纳税服务司" in body and "<svg" in body and "打印" in body
    assert 'style="' not in re.sub(r"<(?!svg|rect|text|line|g )[^>]*>", "", body)  # our markup carries no inline style
    printed = c.get(f"/admin/liaisons/report/bulletin/?site={site}&year=2026&quarter=4&format=print")
    assert printed.status_code == 200 and "<html" in printed.content.decode() and "<script" not in printed.content.decode()
    download = c.get(f"/admin/liaisons/report/bulletin/?site={site}&year=2026&quarter=4&format=csv")
    assert download["Content-Type"].startswith("text/csv") and download.content.startswith(b"\xef\xbb\xbf")
    assert "纳税服务司".encode() in download.content
    assert AuditEvent.objects.filter(action="report.export", actor=manager).exists()
    for kind in ("annual", "ranking"):
        assert c.get(f"/admin/liaisons/report/{kind}/?site={site}&year=2026").status_code == 200
    assert c.get(f"/admin/liaisons/report/spotcheck/?site={site}&year=2026&quarter=4").status_code == 200


def test_a_report_page_for_a_future_period_is_empty_not_an_error(client, admin_urls, fixture_q4, manager):
    c = _manager_client(client, manager)
    page = c.get(f"/admin/liaisons/report/annual/?site={fixture_q4.national.pk}&year=2099")
    assert page.status_code == 200


def test_people_who_do_not_manage_the_site_see_no_reports(client, admin_urls, fixture_q4, bj_manager):
    client.force_login(fixture_q4.editor)
    assert client.get("/admin/liaisons/report/").status_code == 403
    client.force_login(bj_manager)
    page = client.get(f"/admin/liaisons/report/bulletin/?site={fixture_q4.national.pk}&year=2026&quarter=4")
    assert page.status_code == 200 and "纳税服务司" not in page.content.decode()  # not a choice for them


def test_report_pages_run_a_fixed_number_of_queries(client, admin_urls, group, manager, calendar):
    c = _manager_client(client, manager)
    url = f"/admin/liaisons/report/bulletin/?site={group.national.pk}&year=2026&quarter=4"

    def grow(start, n):
        for i in range(start, start + n):
            dept = make_department(group.national, f"q{i}", name=f"处室{i}")
            column = make_column(group.national, dept, f"q{i}")
            user = make_user(f"q{i}", "editor", column, site=group.national, department=dept)
            actions.file_liaison(dept, acting_user=manager, user=user, name=f"联络员{i}", filed_on=date(2026, 1, 5))
            for day in (5, 6, 7, 8):
                make_slip(column, user, at(date(2026, 10, day)), state=PUB, published_at=at(date(2026, 10, 12)),
                          decisions=[("office_publish", OFFICE, group.approver, at(date(2026, 10, 12)))])

    def count(path):
        c.get(path)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(path).status_code == 200
        return len(ctx.captured_queries)

    grow(0, 2)
    pages = [url, url + "&format=csv", f"/admin/liaisons/report/annual/?site={group.national.pk}&year=2026",
             f"/admin/liaisons/report/ranking/?site={group.national.pk}&year=2026"]
    small = [count(p) for p in pages]
    grow(2, 5)
    assert [count(p) for p in pages] == small


def test_the_admin_refuses_a_second_active_liaison_with_a_message(client, admin_urls, group, manager, calendar):
    c = _manager_client(client, manager)
    form = {"department": group.service.pk, "user": group.editor.pk, "name": "张伟", "filed_on": "2026-03-02"}
    assert c.post("/admin/liaisons/liaison/add/", form).status_code == 302
    again = c.post("/admin/liaisons/liaison/add/", {**form, "user": group.head.pk, "name": "李娜"})
    assert again.status_code == 200 and "已有在岗联络员" in again.content.decode()


def test_the_admin_records_a_departure_with_handover_notes(client, admin_urls, group, manager, calendar):
    liaison = actions.file_liaison(group.service, acting_user=manager, user=group.editor, name="张伟",
                                   filed_on=date(2026, 3, 2))
    c = _manager_client(client, manager)
    page = c.get(f"/admin/liaisons/liaison/{liaison.pk}/change/")
    assert page.status_code == 200 and "记录离岗与交接" in page.content.decode()
    done = c.post(f"/admin/liaisons/liaison/{liaison.pk}/departure/",
                  {"left_on": "2026-09-25", "reason": "调动", "handover_notes": "档案已移交"})
    assert done.status_code == 302
    liaison.refresh_from_db()
    assert liaison.vacancy.deadline == date(2026, 10, 22)
    assert c.get("/admin/liaisons/vacancy/").status_code == 200


def test_the_admin_imports_an_uploaded_feed_and_shows_the_line_of_a_broken_one(client, admin_urls, group, manager,
                                                                                 calendar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_newmedia import RSS, open_account

    account = open_account(group, manager)
    c = _manager_client(client, manager)
    ok = c.post(f"/admin/liaisons/newmediaaccount/{account.pk}/import/",
                {"upload": SimpleUploadedFile("feed.xml", RSS.encode(), "application/rss+xml")})
    assert ok.status_code == 302 and account.posts.count() == 2
    broken = c.post(f"/admin/liaisons/newmediaaccount/{account.pk}/import/",
                    {"upload": SimpleUploadedFile("feed.xml", b"<rss>\n<channel>\n<item></channel>", "text/xml")})
    assert broken.status_code == 200 and "第 3 行" in broken.content.decode()
    assert account.posts.count() == 2
    assert c.get("/admin/liaisons/newmediaaccount/duty/").status_code == 200


# --- manage.py report ---

def test_the_command_prints_html_to_stdout_and_the_summary_to_stderr(fixture_q4):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "quarterly", "--year", "2026", "--quarter", "4", "--site", "national", stdout=out,
                 stderr=err)
    assert out.getvalue().startswith("<!DOCTYPE html>") and "纳税服务司" in out.getvalue()
    assert "<svg" in out.getvalue()
    assert "report quarterly 2026 Q4: 2 reports for 1 sites" in err.getvalue()
    assert "[1/1] national" in err.getvalue()


def test_the_command_writes_csv_with_a_bom_to_a_file(fixture_q4, tmp_path):
    target = tmp_path / "annual.csv"
    out = io.StringIO()
    call_command("report", "annual", "--year", "2026", "--format", "csv", "--output", str(target), stdout=out,
                 stderr=io.StringIO())
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "张伟".encode() in data
    assert "report annual 2026: 4 reports for 2 sites" in out.getvalue()
    event = AuditEvent.objects.filter(action="report.export").latest("id")
    assert event.actor_name.startswith("manage.py report") and event.data["format"] == "csv"


def test_the_command_gives_an_empty_report_for_a_future_year(fixture_q4):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "annual", "--year", "2099", "--site", "national", stdout=out, stderr=err)
    assert "(2 empty)" in err.getvalue()


@pytest.mark.parametrize("argv, message", [
    (["quarterly", "--year", "2026", "--quarter", "4", "--site", "nowhere"], "Unknown site"),
    (["annual", "--year", "0"], "--year"),
    (["quarterly", "--year", "2026"], "--quarter"),
    (["annual", "--year", "2026", "--quarter", "1"], "no --quarter"),
])
def test_the_command_refuses_bad_arguments_with_a_clear_message(group, argv, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", *argv, stdout=io.StringIO(), stderr=io.StringIO())


def test_quarter_5_is_refused_by_the_argument_parser(group):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("report", "quarterly", "--year", "2026", "--quarter", "5", stdout=io.StringIO())
