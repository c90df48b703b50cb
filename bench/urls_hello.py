"""Bench-only URLconf: the public role's URLs plus a Django "hello world" view that returns the
bytes of a real page (read once from TAXSITE_BENCH_HELLO), so the cached portal can be set
beside the cheapest possible Django response of the same size, under the same server."""
import os

from django.http import HttpResponse
from django.urls import path

from taxsite.urls_public import urlpatterns as public_urlpatterns

with open(os.environ["TAXSITE_BENCH_HELLO"], "rb") as handle:
    BODY = handle.read()


def hello(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench/hello/", hello)] + public_urlpatterns
