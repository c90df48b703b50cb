import pytest

from security.actions import ensure_role_groups

from .factories import make_column, make_department, make_site, make_user


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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
    settings.ROOT_URLCONF = "taxsite.urls_public"
    settings.TAXSITE_ROLE = "public"


@pytest.fixture
def admin_urls(settings):
    settings.ROOT_URLCONF = "taxsite.urls_admin"
    settings.TAXSITE_ROLE = "admin"
