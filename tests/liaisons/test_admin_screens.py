"""The site manager's screens render, in Chinese, and every change made there goes through
the actions (so their checks apply)."""
from datetime import date

import pytest

from liaisons import actions
from liaisons.demo import load_demo_liaisons
from liaisons.models import ColumnChangeRequest, Liaison, NewMediaAccount, RequestState, SpotCheck

from ..factories import make_site, make_user

pytestmark = pytest.mark.django_db

MODELS = ["liaison", "vacancy", "training", "honorariumrate", "newmediaaccount", "newmediachange", "newmediapost",
          "columnchangerequest", "revamprequest", "spotcheck"]
ADDABLE = ["liaison", "training", "honorariumrate", "newmediaaccount", "spotcheck"]


def test_every_screen_renders_for_the_site_manager(client, admin_urls, group, manager, calendar):
    client.force_login(manager)
    index = client.get("/admin/").content.decode()
    assert "联络员与报表" in index and "联络员备案" in index and "报表" in index
    for model in MODELS:
        assert client.get(f"/admin/liaisons/{model}/").status_code == 200, model
    for model in ADDABLE:
        page = client.get(f"/admin/liaisons/{model}/add/")
        assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode(), model
    assert "更新要求检查" in client.get("/admin/liaisons/newmediaaccount/").content.decode()


def test_a_spot_check_is_drawn_checked_and_published_from_the_admin(client, admin_urls, group, manager, calendar):
    for i in range(3):
        make_site(f"sub{i}", parent=group.national)
    client.force_login(manager)
    done = client.post("/admin/liaisons/spotcheck/add/", {"site": group.national.pk, "year": 2026, "quarter": 4})
    assert done.status_code == 302
    check = SpotCheck.objects.get()
    page = client.get(f"/admin/liaisons/spotcheck/{check.pk}/change/").content.decode()
    assert "填写检查结果" in page
    for item in check.items.all():
        form = client.get(f"/admin/liaisons/spotcheck/{check.pk}/item/{item.pk}/")
        assert form.status_code == 200 and "检查清单" in form.content.decode()
        data = {name: "on" for name in form.context["form"].fields if name.startswith("check_")}
        assert client.post(f"/admin/liaisons/spotcheck/{check.pk}/item/{item.pk}/", data).status_code == 302
    assert client.post(f"/admin/liaisons/spotcheck/{check.pk}/publish/", {}).status_code == 302
    check.refresh_from_db()
    assert check.published_at is not None


def test_a_liaison_files_a_request_in_the_admin_and_the_manager_decides_it(client, admin_urls, group, manager,
                                                                             calendar):
    actions.file_liaison(group.service, acting_user=manager, user=group.editor, name="张伟", filed_on=date(2026, 1, 5))
    client.force_login(group.editor)
    assert client.get("/admin/liaisons/columnchangerequest/add/").status_code == 200
    filed = client.post("/admin/liaisons/columnchangerequest/add/", {
        "department": group.service.pk, "kind": "add", "name": "减税降费", "slug": "jsjf", "parent": group.services.pk,
        "reason": "集中发布政策"})
    assert filed.status_code == 302
    req = ColumnChangeRequest.objects.get()
    assert client.get(f"/admin/liaisons/columnchangerequest/{req.pk}/decide/").status_code == 403
    client.force_login(manager)
    refused = client.post(f"/admin/liaisons/columnchangerequest/{req.pk}/decide/", {"decision": "reject"})
    assert refused.status_code == 200 and "请填写不同意的理由" in refused.content.decode()
    assert client.post(f"/admin/liaisons/columnchangerequest/{req.pk}/decide/",
                       {"decision": "approve", "comment": "同意"}).status_code == 302
    req.refresh_from_db()
    assert req.state == RequestState.APPROVED and req.applied_column.url_path == "bsfw/jsjf"


def test_the_admin_opens_an_account_and_files_its_change(client, admin_urls, group, manager, calendar):
    client.force_login(manager)
    opened = client.post("/admin/liaisons/newmediaaccount/add/", {
        "site": group.national.pk, "department": group.office.pk, "platform": "wechat_sub", "name": "中国税务",
        "organiser": "国家税务总局", "administrator": "王芳", "responsible_person": "李强",
        "approval_reference": "XMT-1", "approved_by": "办公厅", "approved_on": "2026-01-05", "opened_on": "2026-01-10",
        "home_url": "mp.weixin.example.cn/zgsw"})
    assert opened.status_code == 302
    account = NewMediaAccount.objects.get()
    assert account.home_url == "https://mp.weixin.example.cn/zgsw"
    changed = client.post(f"/admin/liaisons/newmediaaccount/{account.pk}/change/", {
        "name": "中国税务发布", "organiser": "国家税务总局", "administrator": "王芳", "changed_on": "2026-11-20"})
    assert changed.status_code == 302
    account.refresh_from_db()
    assert account.name == "中国税务发布" and account.changes.get().deadline == date(2026, 11, 25)


def test_other_staff_see_nothing_of_the_liaisons_app(client, admin_urls, group, manager, calendar):
    actions.file_liaison(group.service, acting_user=manager, user=group.editor, name="张伟", filed_on=date(2026, 1, 5))
    client.force_login(group.approver)
    for model in ["liaison", "vacancy", "newmediaaccount", "spotcheck", "report"]:
        assert client.get(f"/admin/liaisons/{model}/").status_code == 403, model
    liaison = Liaison.objects.get()
    assert client.get(f"/admin/liaisons/liaison/{liaison.pk}/departure/").status_code in (403, 404)


def test_the_demo_loader_files_liaisons_and_accounts_once(group, calendar):
    make_user("national_site_manager", "site_manager", group.national, site=group.national, department=group.office)
    first = load_demo_liaisons(group.national)
    assert first["liaisons"] == 2 and first["accounts"] == 2 and first["posts"] > 0  # office and service staff
    again = load_demo_liaisons(group.national)
    assert set(again.values()) == {0}
