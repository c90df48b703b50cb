"""WCAG 2.1 AA on the portal: axe-core (from npm, test-only) run in Debian's chromium over each
page type; plus the structural rules a screen-reader user relies on."""
import json
from pathlib import Path

import pytest

from .browser import browser_page  # noqa: F401  (fixture)
from .factories import deliver_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CONFIRM = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)


def _publish(g, title, **fields):
    from cms import actions as cms_actions
    from publishing import actions

    article = cms_actions.create_draft(acting_user=g.editor, column=g.guides, title=title,
                                       body="<p>纳税人可以通过电子税务局办理。</p>", **fields)
    slip = actions.submit_slip(article, acting_user=g.editor, **CONFIRM)
    actions.decide(slip, "dept_approve", acting_user=g.head, secrecy_confirmed=True)
    actions.decide(slip, "office_publish", acting_user=g.approver, secrecy_confirmed=True)
    deliver_all()
    return article


@pytest.fixture
def article(group):
    # Database work happens before the browser starts (Playwright's sync API runs an event loop).
    return _publish(group, "无障碍测试稿件", kind="policy", doc_number="税总公告2026年第9号", validity="valid")


def test_portal_pages_have_no_wcag_2_1_aa_violations(live_server, settings, article, browser_page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (CI does)")
    settings.ROOT_URLCONF = "taxsite.urls_public"
    settings.TAXSITE_PAGE_CACHE = False
    source = AXE.read_text()
    pages = ["/site/national/", "/site/national/columns/bsfw/", f"/site/national/articles/{article.pk}.html",
             "/site/national/columns/ssfg/", "/site/national/search/?q=电子税务局", "/site/national/sitemap/"]
    failures = {}
    for path in pages:
        browser_page.goto(live_server.url + path)
        browser_page.evaluate(source)
        result = browser_page.evaluate(
            "async () => JSON.stringify((await axe.run(document, {runOnly: {type: 'tag', "
            "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations.map(v => [v.id, v.nodes.length]))")
        violations = json.loads(result)
        if violations:
            failures[path] = violations
    assert failures == {}
    # The harness itself sees a violation when there is one.
    browser_page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    found = browser_page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert "image-alt" in found
