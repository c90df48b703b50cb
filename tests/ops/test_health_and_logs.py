"""Health checks on both roles (issue 6 point 7) and structured logs with a request id and
no personal data, kept 180 days (point 8; 001 §二(四)3)."""
import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from security.logging import JsonFormatter, RequestIdFilter, mask_personal_data

from ..factories import make_published

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("urls", ["taxsite.urls_public", "taxsite.urls_admin"])
def test_healthz_and_readyz_answer_on_both_roles(client, settings, urls, db):
    settings.ROOT_URLCONF = urls
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readyz_reports_redis_down_without_crashing(client, settings, db, monkeypatch):
    from taxsite.celery import app

    settings.ROOT_URLCONF = "taxsite.urls_public"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": DEAD_REDIS}}
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, DEAD_REDIS
    try:
        response = client.get("/readyz")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["cache"].startswith("error") and checks["broker"].startswith("error")


def test_the_public_role_serves_pages_while_redis_is_down(client, settings, group):
    make_published(group.approver, group.news, "Redis 停止时仍可浏览")
    settings.ROOT_URLCONF = "taxsite.urls_public"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": DEAD_REDIS}}
    home = client.get("/site/national/")
    assert home.status_code == 200 and "Redis 停止时仍可浏览" in home.content.decode()
    assert client.get("/healthz").status_code == 200


def _json_line(record_args, request_id="-"):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(role="public"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("taxsite.test.ops")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(*record_args)
    finally:
        logger.removeHandler(handler)
    return json.loads(stream.getvalue())


def test_each_request_gets_a_request_id_that_every_log_line_of_the_request_carries(client, settings, db):
    from security import logging as ops_logging

    settings.ROOT_URLCONF = "taxsite.urls_admin"
    response = client.get("/healthz")
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-12345").headers["X-Request-ID"] == "proxy-abc-12345"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nx").headers["X-Request-ID"] != "bad id\nx"
    token = ops_logging.request_id_var.set("req-0123456789")
    try:
        line = _json_line(("page served",))
    finally:
        ops_logging.request_id_var.reset(token)
    assert line["request_id"] == "req-0123456789" and line["level"] == "WARNING" and line["role"] == "public"
    assert settings.MIDDLEWARE[0] == "security.logging.RequestIdMiddleware"


def test_log_lines_carry_no_personal_data():
    line = _json_line(("reply to %s, mobile %s, id %s", "zhang@example.com", "13812345678", "11010519491231002X"))
    assert "zhang@example.com" not in line["message"] and "13812345678" not in line["message"]
    assert "11010519491231002X" not in line["message"]
    assert mask_personal_data("订单 12345") == "订单 12345"


def test_logs_are_json_on_stdout_and_rotated_daily_keeping_180_days_when_written_to_a_file(tmp_path):
    code = ("from django.conf import settings; import json; print(json.dumps(settings.LOGGING['handlers']"
            "['file'])); import logging; logging.getLogger('x').warning('hello')")
    env = dict(os.environ, LOG_FILE=str(tmp_path / "taxsite.log"), DJANGO_SETTINGS_MODULE="taxsite.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, check=True)
    handler = json.loads(result.stdout.splitlines()[0])
    assert handler["class"] == "logging.handlers.TimedRotatingFileHandler"
    assert handler["when"] == "midnight" and handler["backupCount"] == 180
    assert json.loads((tmp_path / "taxsite.log").read_text().splitlines()[-1])["message"] == "hello"
    assert json.loads(result.stderr.splitlines()[-1])["logger"] == "x"
