"""Whole-page cache of the public role with exact, tag-based purge (SPEC §6, issue 4).

A cached page is stored under its host + path + query, together with the tags it depends on
(``article:<id>``, ``column:<id>``, ``home:<site id>``, ``feeds:<site id>``) and the version of
each tag at render time. A hit checks the tags' current versions in the same cache (one
``get_many``) and touches no database. Purging a tag bumps its version, so exactly the pages
that showed the item go stale — by tag, not by guessing URLs.

Every answer carries ETag and Last-Modified; a matching ``If-None-Match`` or
``If-Modified-Since`` gets 304. ``Cache-Control`` lets nginx or a CDN in front cache briefly.
If the cache backend is down (Redis), pages are rendered and served uncached.
"""
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag

logger = logging.getLogger(__name__)

CACHEABLE_STATUS = {200, 301, 404, 410}
PAGE_TTL = 60 * 60 * 24
CDN_MAX_AGE = 60


def tag_key(tag):
    return f"pctag:{tag}"


def page_key(request):
    raw = f"{request.get_host()}|{request.get_full_path()}"
    return "pc:" + hashlib.sha1(raw.encode()).hexdigest()


def purge(tags):
    """Invalidate every cached page that depends on one of ``tags``. Raises if the cache is
    unreachable — the caller (the outbox) retries."""
    stamp = time.time_ns()
    cache.set_many({tag_key(t): stamp for t in tags}, timeout=None)


def tag_page(request, *tags):
    """Called by a portal view: the tags the response depends on."""
    existing = getattr(request, "cache_tags", set())
    request.cache_tags = existing | set(tags)


def _not_modified(request, etag, last_modified):
    inm = request.META.get("HTTP_IF_NONE_MATCH")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return ims is not None and last_modified is not None and int(last_modified) <= ims


def _finish(request, response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={CDN_MAX_AGE}"
    if _not_modified(request, etag, last_modified) and response.status_code == 200:
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Last-Modified", "Cache-Control"):
            not_modified[header] = response[header]
        return not_modified
    return response


# Page key -> its tags, remembered per process so a hit needs one cache round trip.
_known_tags = {}
_KNOWN_LIMIT = 20_000
_PER_REQUEST_HEADERS = {"set-cookie", "x-request-id", "x-cache", "etag", "last-modified", "cache-control",
                        "content-length", "vary"}


class PageCacheMiddleware:
    """Outermost middleware of the public role: a hit is answered before any other middleware
    runs, with the headers (CSP and the rest) the page had when it was rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _lookup(self, key):
        tags = _known_tags.get(key)
        wanted = [key] + ([tag_key(t) for t in tags] if tags else [])
        found = cache.get_many(wanted)
        entry = found.get(key)
        if entry is None:
            return None
        if tags != entry["tags"]:
            found.update(cache.get_many([tag_key(t) for t in entry["tags"]]))
            _remember(key, entry["tags"])
        if all(found.get(tag_key(t)) == v for t, v in entry["versions"].items()):
            return entry
        return None

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not getattr(settings, "TAXSITE_PAGE_CACHE", True):
            return self.get_response(request)
        key = page_key(request)
        try:
            entry = self._lookup(key)
        except Exception:  # noqa: BLE001 - a dead cache must not take the portal down
            logger.warning("page cache unavailable; serving uncached", exc_info=True)
            return self._uncached(request)
        if entry is not None:
            response = HttpResponse(entry["content"], status=entry["status"], content_type=entry["content_type"])
            for name, value in entry["headers"]:
                response[name] = value
            response["X-Cache"] = "hit"
            return _finish(request, response, entry["etag"], entry["last_modified"])
        response = self.get_response(request)
        tags = getattr(request, "cache_tags", None)
        if not tags or response.status_code not in CACHEABLE_STATUS or response.streaming \
                or response.has_header("Set-Cookie") or response.get("Cache-Control", "").startswith("private"):
            return response
        content = response.content
        etag = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
        last_modified = getattr(request, "last_modified", None) or time.time()
        try:
            current = cache.get_many([tag_key(t) for t in tags])
            missing = {tag_key(t): time.time_ns() for t in tags if tag_key(t) not in current}
            if missing:
                cache.set_many(missing, timeout=None)
                current.update(missing)
            headers = [(h, v) for h, v in response.items()
                       if h.lower() not in _PER_REQUEST_HEADERS and h.lower() != "content-type"]
            cache.set(key, {"tags": sorted(tags), "versions": {t: current[tag_key(t)] for t in tags},
                            "content": content, "status": response.status_code,
                            "content_type": response["Content-Type"], "headers": headers, "etag": etag,
                            "last_modified": last_modified}, PAGE_TTL)
            _remember(key, sorted(tags))
        except Exception:  # noqa: BLE001
            logger.warning("page cache unavailable; page not stored", exc_info=True)
        response["X-Cache"] = "miss"
        return _finish(request, response, etag, last_modified)

    def _uncached(self, request):
        response = self.get_response(request)
        if getattr(request, "cache_tags", None) and response.status_code == 200 and not response.streaming:
            etag = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            return _finish(request, response, etag, getattr(request, "last_modified", None) or time.time())
        return response


def _remember(key, tags):
    if len(_known_tags) >= _KNOWN_LIMIT:
        _known_tags.clear()
    _known_tags[key] = tags
