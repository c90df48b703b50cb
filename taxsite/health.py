"""Health checks on both roles (SPEC §10): ``/healthz`` says the process answers; ``/readyz``
says whether the database, the cache and the Celery broker are reachable. Each check is
short and caught: with Redis down ``/readyz`` answers 503 with the reason, never an error
page, and the public role keeps serving its pages (uncached)."""
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

BROKER_TIMEOUT = 1.0


@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache():
    from django.core.cache import cache

    cache.set("readyz", "1", 5)
    return "ok" if cache.get("readyz") == "1" else "error: value not kept"


def _broker():
    from taxsite.celery import app

    if app.conf.task_always_eager or str(app.conf.broker_url).startswith("memory://"):
        return "ok"  # the embedded default runs tasks in-process
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
        conn.default_channel  # noqa: B018 - opens the channel: a real round trip
    return "ok"


@require_safe
def readyz(request):
    checks = {}
    for name, check in (("database", _database), ("cache", _cache), ("broker", _broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - report any failure, never raise
            checks[name] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "role": settings.TAXSITE_ROLE, "checks": checks},
                        status=200 if ok else 503)
