"""Shared pieces of the operations tests: findings of a run by code, running commands."""
import io
import json

import pytest
from django.core.management import call_command

from security.checks.runner import run_audit


def findings(run, code=None, site=None):
    qs = run.findings.all()
    if code:
        qs = qs.filter(code=code)
    if site is not None:
        qs = qs.filter(site=site)
    return list(qs.order_by("id"))


def audit_json(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "--format", "json", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


@pytest.fixture
def audit():
    """Run the audit (all checks or the given codes/areas) and return the stored run."""
    def run(*codes, **kwargs):
        return run_audit(codes=list(codes) or None, triggered_by="test", **kwargs)
    return run
