"""``manage.py load_demo`` builds the demo website group and is idempotent."""
import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from cms.models import Article, ArticleStatus, Site
from publishing.models import ApprovalSlip
from publishing.workflow import SlipState
from security.roles import ROLES

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_load_demo_twice_leaves_every_table_with_the_same_counts(demo):
    before = _counts()
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert _counts() == before


def test_demo_group_has_the_national_portal_two_provinces_and_a_municipal_site(demo):
    levels = sorted(Site.objects.values_list("level", flat=True))
    assert levels.count("national") == 1 and levels.count("provincial") >= 2 and levels.count("municipal") >= 1
    for site in Site.objects.all():
        site.full_clean()
        assert site.departments.filter(is_general_office=True).count() == 1


def test_every_demo_role_can_log_in_with_the_printed_password(demo):
    for site in Site.objects.all():
        for role in ROLES:
            username = f"{site.code}_{role}"
            password = f"Taxsite#2026-{role}"
            assert username in demo.output and password in demo.output
            assert authenticate(username=username, password=password) is not None, username


def test_every_published_demo_article_has_an_archived_slip(demo):
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert published.count() > 300
    with_slip = published.filter(slips__state=SlipState.PUBLISHED).distinct().count()
    assert with_slip == published.count()


def test_the_demo_review_queue_has_slips_in_flight(demo):
    assert ApprovalSlip.objects.filter(state=SlipState.DEPT_REVIEW).exists()
    assert ApprovalSlip.objects.filter(state=SlipState.OFFICE_REVIEW).exists()
