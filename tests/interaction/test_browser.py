"""End to end in a real browser (Debian's chromium through Playwright): a visitor asks, a handler
answers in the admin, the visitor reads the answer with the tracking number and the query code."""
import pytest

from interaction import actions
from interaction.models import Message, MessageKind, MessageStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _database_next_to_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser_page):
    yield browser_page
    # While Playwright's loop runs, Django keeps this thread's connections in the loop's
    # context; close them here, before the loop stops, or PostgreSQL keeps a session open and
    # the test database cannot be dropped.
    from django.db import connections

    connections.close_all()


def _session_cookie(client, user, live_server):
    from django.conf import settings

    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "domain": host, "path": "/"}


def test_a_visitor_submits_a_consultation_a_handler_answers_and_the_visitor_reads_the_answer(
        live_server, page, client, settings, hudong):
    settings.ROOT_URLCONF, settings.TAXSITE_ROLE = "taxsite.urls_public", "public"
    settings.TAXSITE_INTERACTION_MIN_FILL_SECONDS = 1
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    # An earlier answer, published, to be suggested while the visitor types.
    earlier, _code = actions.submit_message(site=hudong.national, kind=MessageKind.CONSULTATION,
                                            subject="子女教育专项附加扣除如何申报", body="子女教育扣除怎么填？",
                                            publish_consent=True)
    actions.answer_message(earlier, answer="在个人所得税APP中填报。", acting_user=hudong.handler)
    published = actions.publish_answer(earlier, acting_user=hudong.handler)

    # 1. The visitor writes a consultation; similar answers appear as they type.
    page.goto(f"{live_server.url}/hudong/write/consultation/")
    assert page.locator("h1").inner_text() == "纳税咨询"
    page.get_by_label("标题", exact=True).fill("子女教育专项附加扣除的申报时间")
    page.get_by_label("留言内容").press_sequentially("请问子女教育专项附加扣除每年什么时候申报？", delay=10)
    page.locator("#similar-answers a").first.wait_for(timeout=10000)
    assert page.locator("#similar-answers a").first.inner_text() == published.title
    page.get_by_label("姓名", exact=True).fill("李雷")
    page.get_by_label("联系电话", exact=True).fill("13812345678")
    page.get_by_label("同意在本网站公开").check()
    page.wait_for_timeout(1100)  # a person takes at least the minimum fill time
    page.get_by_role("button", name="提交").click()
    page.locator(".tracking-number").wait_for()
    number = page.locator(".tracking-number").inner_text().strip()
    code = page.locator(".query-code").inner_text().strip()
    message = Message.objects.get(tracking_number=number)
    assert message.status == MessageStatus.IN_HAND and message.department == hudong.service

    # 2. The handler of the department answers in the admin.
    settings.ROOT_URLCONF, settings.TAXSITE_ROLE = "taxsite.urls_admin", "admin"
    page.context.add_cookies([_session_cookie(client, hudong.handler, live_server)])
    page.goto(f"{live_server.url}/admin/interaction/message/")
    page.get_by_role("link", name=number).click()
    page.get_by_role("link", name="答复", exact=True).click()
    page.locator("textarea[name=answer]").fill("每年3月1日至6月30日办理上一年度汇算时填报。")
    page.locator("input[type=submit]").click()
    page.locator(".messagelist").wait_for()
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    page.context.clear_cookies()

    # 3. The visitor reads the answer with the number and the code.
    settings.ROOT_URLCONF, settings.TAXSITE_ROLE = "taxsite.urls_public", "public"
    page.goto(f"{live_server.url}/hudong/lookup/")
    page.get_by_label("留言编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.locator(".answer-text").wait_for()
    assert "每年3月1日至6月30日" in page.locator(".answer-text").inner_text()
    assert "纳税服务司" in page.content() and "已答复" in page.content()

    # A wrong code gets the generic refusal.
    page.goto(f"{live_server.url}/hudong/lookup/")
    page.get_by_label("留言编号").fill(number)
    page.get_by_label("查询码").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="查询").click()
    assert "留言编号与查询码不匹配" in page.locator("[role=alert]").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p], problems
