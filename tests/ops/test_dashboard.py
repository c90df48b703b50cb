"""The monitoring dashboard (网站监测) in the admin: the latest run and the history per site;
a site manager sees their own sites; findings shown in a real browser disappear once fixed."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from security.checks.runner import run_audit
from security.models import AuditRun, UserProfile

from ..browser import browser_page  # noqa: F401  (fixture)
from ..factories import make_published, make_user

PASSWORD = "Correct-Horse-42!"
URL = "/admin/security/auditrun/"


def _superuser(site):
    User = get_user_model()
    user = User.objects.create_superuser("root", password=PASSWORD)
    UserProfile.objects.create(user=user, site=site)
    return user


@pytest.fixture
def eager_tasks():
    """"Run the audit now" queues the task; with a real broker and no worker in the test, run
    it in place (the worker path is tested in test_tasks.py)."""
    from taxsite.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def _stale_news(group):
    return make_published(group.approver, group.news, "二十天前的要闻", when=timezone.now() - timedelta(days=20))


@pytest.mark.django_db
def test_the_dashboard_shows_the_latest_run_and_each_sites_history(client, group, admin_urls):
    _stale_news(group)
    run_audit(triggered_by="test")
    latest = run_audit(triggered_by="test")
    client.force_login(_superuser(group.national))
    page = client.get(URL).content.decode()
    assert "网站监测" in page and group.national.name in page and group.province.name in page
    assert "security-backup" not in page and f"/admin/security/auditrun/{latest.pk}/" in page
    site_page = client.get(f"{URL}site/national/").content.decode()
    assert "栏目“税务要闻”已 20 天未更新" in site_page
    assert site_page.count(f"{URL}{latest.pk}/") >= 1
    assert len(re.findall(r'<tr><td><a href="/admin/security/auditrun/\d+/">', site_page)) == 2  # history rows
    run_page = client.get(f"{URL}{latest.pk}/").content.decode()
    assert "content.stale_column" in run_page


@pytest.mark.django_db
def test_a_site_manager_sees_only_the_sites_they_manage_and_cannot_start_a_full_run(client, group, admin_urls):
    _stale_news(group)
    run_audit(triggered_by="test")
    manager = make_user("bj_manager", "site_manager", group.province, site=group.province)
    client.force_login(manager)
    page = client.get(URL).content.decode()
    assert group.province.name in page and f'href="{URL}site/national/"' not in page
    assert client.get(f"{URL}site/national/").status_code == 404
    assert client.get(f"{URL}site/beijing/").status_code == 200
    assert client.post(f"{URL}run/").status_code == 403


@pytest.mark.django_db
def test_content_roles_do_not_see_the_dashboard(client, group, admin_urls):
    client.force_login(group.editor)
    assert client.get(URL).status_code in (302, 403)


@pytest.mark.django_db
def test_run_now_runs_the_audit_through_the_task(client, group, admin_urls, eager_tasks):
    client.force_login(_superuser(group.national))
    response = client.post(f"{URL}run/")
    assert response.status_code == 302
    run = AuditRun.objects.get()
    assert run.triggered_by == "root" and run.status == AuditRun.Status.DONE


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_a_stale_column_in_the_browser_and_it_disappears_once_fixed(live_server, settings, group,
                                                                                     browser_page, monkeypatch,
                                                                                     eager_tasks):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between browser steps
    page, base = browser_page, live_server.url
    try:
        settings.ROOT_URLCONF = "taxsite.urls_admin"
        _superuser(group.national)
        _stale_news(group)
        run_audit(triggered_by="test")

        page.goto(f"{base}/admin/login/")
        page.fill("input[name=username]", "root")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r".*/admin/$"))
        page.click("text=网站监测")
        page.wait_for_url(re.compile(r".*/admin/security/auditrun/$"))
        assert "网站监测" in page.inner_text("h1")
        page.click(f"#monitoring-sites a:text('{group.national.name}')")
        assert "栏目“税务要闻”已 20 天未更新" in page.inner_text("#monitoring-site")

        make_published(group.approver, group.news, "今天的要闻")  # the column is updated
        page.goto(f"{base}/admin/security/auditrun/")
        page.click("text=立即检查")
        page.wait_for_url(re.compile(r".*/admin/security/auditrun/$"))
        page.click(f"#monitoring-sites a:text('{group.national.name}')")
        assert "税务要闻" not in page.inner_text("#monitoring-site table.findings-table")
        assert len(page.query_selector_all("#monitoring-history tbody tr")) == 2
    finally:
        connections.close_all()  # the ORM calls made while the browser's event loop ran opened their own
