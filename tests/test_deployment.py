"""Settings from the environment, the two host roles, and the deploy checklist (SPEC §2)."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _django(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "TAXSITE_ROLE")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_production_without_secret_key_stops_with_a_clear_error():
    result = _django("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unknown_role_stops_with_a_clear_error():
    result = _django("check", TAXSITE_ROLE="backoffice")
    assert result.returncode != 0
    assert "TAXSITE_ROLE='backoffice' is not a known role" in result.stderr


def test_check_deploy_with_production_settings_leaves_only_the_https_warnings_a_proxy_answers():
    result = _django("check", "--deploy", DEBUG="false", SECRET_KEY="x" * 20 + "-production-like-secret-key-0123456789",
                     ALLOWED_HOSTS="admin.chinatax.demo", TAXSITE_ROLE="admin")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # W004 (HSTS) and W008 (SSL redirect) are answered by the TLS-terminating reverse proxy (README).
    assert set(re.findall(r"\(([a-z]+\.[EW]\d+)\)", output)) <= {"security.W004", "security.W008"}, output


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_public_role_has_no_admin_and_no_login(client, public_urls, group):
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.get("/accounts/login/").status_code == 404


@pytest.mark.django_db
def test_the_admin_role_serves_no_portal_page(client, admin_urls, group):
    assert client.get("/columns/swyw/").status_code == 404
    assert client.get("/site/national/").status_code == 404
    assert client.get("/admin/login/").status_code == 200


def test_healthz_answers_on_both_roles(client, settings):
    for urlconf in ("taxsite.urls_public", "taxsite.urls_admin"):
        settings.ROOT_URLCONF = urlconf
        assert client.get("/healthz").json() == {"status": "ok"}
