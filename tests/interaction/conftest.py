"""Fixtures of the interaction tests: a site with the departments that handle messages, routing
rules, handlers and a supervisor, and helpers to post the public forms like a person would."""
import re
import time
import uuid

import pytest
from django.contrib.auth.models import Permission

from cms.models import SitePolicy
from cms.workdays import seed_from_chinese_calendar
from interaction import antispam
from interaction.models import MessageKind, RoutingRule, Topic
from tests.browser import browser_page  # noqa: F401
from tests.factories import make_department, make_user

HOST = "www.chinatax.test"


@pytest.fixture(autouse=True)
def _own_cache_and_eager_celery(settings):
    """Each test gets its own cache namespace (rate-limit counters never leak between tests, on
    locmem or on a shared Redis), and Celery runs tasks in-process so the outbox is exercised
    on both configurations."""
    cache = dict(settings.CACHES["default"])
    cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    if cache["BACKEND"].endswith("LocMemCache"):
        cache["LOCATION"] = cache["KEY_PREFIX"]
    settings.CACHES = {"default": cache}
    from taxsite.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _perm(codename):
    return Permission.objects.get(content_type__app_label="interaction", codename=codename)


def grant(user, *codenames):
    user.user_permissions.add(*[_perm(c) for c in codenames])
    # Drop Django's per-object permission caches so the grant is seen at once.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


@pytest.fixture
def hudong(group):
    """The national site of ``group`` with an inspection bureau and a discipline office, topics,
    routing rules, a handler in each department and a general-office supervisor."""
    seed_from_chinese_calendar([2025, 2026])
    site = group.national
    g = group
    g.inspection = make_department(site, "jcj", name="稽查局")
    g.discipline = make_department(site, "jgj", name="机关纪委")
    g.topic_vat = Topic.objects.create(site=site, name="增值税", order=1)
    g.topic_iit = Topic.objects.create(site=site, name="个人所得税", order=2)
    RoutingRule.objects.create(site=site, kind=MessageKind.CONSULTATION, topic=None, department=g.service)
    RoutingRule.objects.create(site=site, kind=MessageKind.CONSULTATION, topic=g.topic_iit, department=g.policy_dept)
    RoutingRule.objects.create(site=site, kind=MessageKind.TAX_TIP, department=g.inspection)
    RoutingRule.objects.create(site=site, kind=MessageKind.MISCONDUCT, department=g.discipline)
    # Mailbox and error reports have no rule: they go to the general office.
    g.handler = grant(make_user("svc_handler", site=site, department=g.service), "handle_message")
    g.handler.email = "svc@chinatax.test"
    g.handler.save(update_fields=["email"])
    g.policy_handler = grant(make_user("pol_handler", site=site, department=g.policy_dept), "handle_message")
    g.inspector = grant(make_user("inspector", site=site, department=g.inspection), "handle_message")
    g.inspector.email = "jcj@chinatax.test"
    g.inspector.save(update_fields=["email"])
    g.disciplinarian = grant(make_user("discipline", site=site, department=g.discipline), "handle_message")
    g.office_handler = grant(make_user("office_handler", site=site, department=g.office), "handle_message")
    g.supervisor = grant(make_user("supervisor", site=site, department=g.office), "supervise_messages")
    g.supervisor.email = "bgt@chinatax.test"
    g.supervisor.save(update_fields=["email"])
    g.policy = SitePolicy.objects.get(site=site)
    return g


def fresh_token(kind, age=10):
    """A start token as if the form had been shown ``age`` seconds ago."""
    return antispam.issue_token(kind, now=time.time() - age)


def form_data(kind=MessageKind.CONSULTATION, **overrides):
    data = {
        "subject": "小规模纳税人增值税减免政策咨询",
        "body": "请问小规模纳税人月销售额10万元以下免征增值税的政策是否继续执行？",
        "sender_name": "张三",
        "sender_phone": "13812345678",
        "sender_email": "zhangsan@example.com",
        "started": fresh_token(kind),
        "hp_note": "",
    }
    if kind == MessageKind.ERROR_REPORT:
        data["page_url"] = "https://www.chinatax.test/columns/swyw/"
    if kind in (MessageKind.TAX_TIP, MessageKind.MISCONDUCT):
        data["accused"] = "某某商贸有限公司"
        data["subject"] = "举报某公司虚开增值税发票"
        data["body"] = "该公司2025年多次虚开增值税专用发票，联系人李四。"
    data.update(overrides)
    return data


SLUGS = {MessageKind.MAILBOX: "mailbox", MessageKind.CONSULTATION: "consultation",
         MessageKind.ERROR_REPORT: "error-report", MessageKind.TAX_TIP: "tax-tip", MessageKind.MISCONDUCT: "misconduct"}


def post_form(client, kind=MessageKind.CONSULTATION, *, address="203.0.113.7", files=None, **overrides):
    data = form_data(kind, **overrides)
    if files:
        data.update(files)
    return client.post(f"/hudong/write/{SLUGS[kind]}/", data, HTTP_HOST=HOST, REMOTE_ADDR=address)


def receipt(response):
    """(tracking number, query code) from the page shown after a submission."""
    html = response.content.decode()
    number = re.search(r'class="tracking-number">([^<]+)<', html).group(1)
    code = re.search(r'class="query-code">([^<]+)<', html).group(1)
    return number, code


@pytest.fixture
def submit(client, public_urls, hudong, django_capture_on_commit_callbacks):
    """Submit a public form (running what is scheduled after commit); returns (response,
    message, code)."""
    from interaction.models import Message

    def _submit(kind=MessageKind.CONSULTATION, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(client, kind, **kw)
        assert response.status_code == 200, response.content.decode()[:2000]
        number, code = receipt(response)
        return response, Message.objects.get(tracking_number=number), code
    return _submit
