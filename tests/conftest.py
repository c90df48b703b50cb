import copy
import io
import uuid

import pytest

from django.core.management import call_command

from security.actions import ensure_role_groups

from .factories import make_column, make_department, make_site, make_user


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache namespace of the test's own (never flush: Redis is shared with the broker).
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches
    from cms import sitecache

    sitecache.clear()
    # Password hashing strength is not under test here; the security suite uses the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def group(db):
    """A small website group: national portal with a provincial site; each with a general
    office and a tax-service department owning columns; a user for each content role."""
    ensure_role_groups()
    national = make_site("national", name="国家税务总局", domain="www.chinatax.test")
    province = make_site("beijing", parent=national, name="国家税务总局北京市税务局", domain="beijing.chinatax.test")
    office = make_department(national, "bgt", name="办公厅", general_office=True)
    service = make_department(national, "nsfws", name="纳税服务司")
    policy_dept = make_department(national, "zcfgs", name="政策法规司")
    news = make_column(national, office, "swyw", name="税务要闻", is_principal=True)
    services = make_column(national, service, "bsfw", name="办事服务", column_class="service", is_principal=True)
    guides = make_column(national, service, "bszn", parent=services, name="办税指南", column_class="service")
    laws = make_column(national, policy_dept, "ssfg", name="税收法规", column_class="policy", layout="policy_library",
                       is_principal=True)
    bj_office = make_department(province, "bgs", name="办公室", general_office=True)
    bj_news = make_column(province, bj_office, "swyw", name="税务要闻", is_principal=True)

    class G:
        pass

    g = G()
    g.national, g.province, g.office, g.service, g.policy_dept = national, province, office, service, policy_dept
    g.news, g.services, g.guides, g.laws, g.bj_office, g.bj_news = news, services, guides, laws, bj_office, bj_news
    g.editor = make_user("editor", "editor", services, site=national, department=service)
    g.head = make_user("head", "dept_head", service, site=national, department=service)
    g.approver = make_user("approver", "office_approver", national, site=national, department=office)
    g.bj_approver = make_user("bj_approver", "office_approver", province, site=province, department=bj_office)
    g.auditor = make_user("auditor", "auditor", None, site=national, department=office)
    return g


@pytest.fixture
def public_urls(settings):
    """Serve as the public role would: its URLs and its page-cache middleware."""
    settings.ROOT_URLCONF = "taxsite.urls_public"
    settings.TAXSITE_ROLE = "public"
    middleware = list(settings.MIDDLEWARE)
    if "cms.pagecache.PageCacheMiddleware" not in middleware:
        middleware.insert(0, "cms.pagecache.PageCacheMiddleware")
    settings.MIDDLEWARE = middleware


@pytest.fixture
def admin_urls(settings):
    settings.ROOT_URLCONF = "taxsite.urls_admin"
    settings.TAXSITE_ROLE = "admin"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo website group, loaded once per test module (it takes seconds) and flushed afterwards so
    no other test sees it."""
    from django.test import override_settings

    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media_root):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield Demo(out.getvalue(), media_root)
        call_command("flush", "--noinput", verbosity=0)


class Demo:
    """What ``load_demo`` printed, and where its media files are (point MEDIA_ROOT there to
    serve its attachments)."""

    def __init__(self, output, media_root):
        self.output, self.media_root = output, media_root
