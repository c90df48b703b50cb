"""End to end in a real browser (Debian chromium via Playwright): an editor drafts and
submits, the department head approves, the office approver publishes, a visitor reads it."""
import re

import pytest

from .browser import browser_page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "Correct-Horse-42!"


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_draft_review_publish_and_read_in_a_real_browser(live_server, settings, group, browser_page):
    page, base = browser_page, live_server.url
    settings.ROOT_URLCONF = "taxsite.urls_admin"

    # The editor drafts in the column granted to them and submits the slip.
    _login(page, base, "editor")
    page.goto(f"{base}/admin/cms/article/add/")
    page.select_option("select[name=column]", str(group.guides.pk))
    page.select_option("select[name=kind]", "guide")
    page.fill("input[name=title]", "跨区域涉税事项报告办理指南")
    page.fill("textarea[name=body]", "<p>纳税人可通过电子税务局办理跨区域涉税事项报告。</p>")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/cms/article/\d+/change/$"))
    article_id = int(re.search(r"/article/(\d+)/change/", page.url).group(1))
    page.click(f"a[href='/admin/publishing/approvalslip/submit/{article_id}/']")
    for name in ("confirm_no_secret", "confirm_no_internal", "confirm_no_personal_data"):
        page.check(f"input[name={name}]")
    page.click("button[type=submit].default")
    page.wait_for_url(re.compile(r".*/admin/cms/article/$"))

    # The department head finds it in the queue and approves it.
    _login(page, base, "head")
    page.goto(f"{base}/admin/publishing/approvalslip/queue/")
    page.click("#review-queue tbody a")
    page.check("input[name=secrecy_confirmed]")
    page.click("button[value=dept_approve]")
    page.wait_for_url(re.compile(r".*/queue/$"))

    # The office approver publishes it.
    _login(page, base, "approver")
    page.goto(f"{base}/admin/publishing/approvalslip/queue/")
    page.click("#review-queue tbody a")
    page.check("input[name=secrecy_confirmed]")
    page.click("button[value=office_publish]")
    page.wait_for_url(re.compile(r".*/queue/$"))

    # A visitor on the public host sees it on the home page and reads it.
    settings.ROOT_URLCONF = "taxsite.urls_public"
    page.context.clear_cookies()
    page.goto(f"{base}/site/national/")
    page.click("text=跨区域涉税事项报告办理指南")
    assert "纳税人可通过电子税务局办理跨区域涉税事项报告" in page.inner_text("main")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
                        page.get_attribute("meta[name=PubDate]", "content"))
