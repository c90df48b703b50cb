"""``manage.py audit`` on the demo lists real findings — a stale column, a liaison vacancy
past its deadline — and they disappear once fixed."""
from datetime import timedelta
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cms.models import Column
from liaisons import actions as liaison_actions
from liaisons.models import Liaison
from security.checks.runner import run_audit

from ..factories import make_published
from .conftest import findings

pytestmark = pytest.mark.django_db


def test_the_demo_audit_lists_real_findings_that_disappear_once_fixed():
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    User = get_user_model()
    out = io.StringIO()
    call_command("audit", stdout=out, stderr=io.StringIO())
    assert "content.stale_column" in out.getvalue() and "audit: " in out.getvalue()

    run = run_audit(triggered_by="test")
    stale = findings(run, "content.stale_column")
    assert stale, "the demo has a column that is not updated in time"
    column = Column.objects.select_related("site").get(pk=stale[0].object_id)
    approver = User.objects.get(username=f"{column.site.code}_office_approver")
    make_published(approver, column, "补充更新的信息")

    liaison = Liaison.objects.filter(site=column.site, left_on__isnull=True).select_related("department").first()
    manager = User.objects.get(username=f"{column.site.code}_site_manager")
    liaison_actions.record_liaison_departure(liaison, acting_user=manager, reason="调岗",
                                             left_on=timezone.localdate() - timedelta(days=40))
    run = run_audit(triggered_by="test")
    assert column.pk not in {int(f.object_id) for f in findings(run, "content.stale_column")}
    [vacancy] = findings(run, "liaisons.vacancy_overdue")
    assert liaison.department.name in vacancy.message

    liaison_actions.file_liaison(liaison.department, acting_user=manager, user=liaison.user, name="新联络员")
    assert findings(run_audit(triggered_by="test"), "liaisons.vacancy_overdue") == []
