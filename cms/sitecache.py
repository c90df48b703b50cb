"""Per-process memo of the small, rarely changing tables every portal page reads — sites by
host and code, and each site's navigation — so an uncached page does not pay for them on
every request. Entries live ``TTL`` seconds: an edit to a site or its top-level columns shows
on the portal within that time (the page cache is purged separately by content changes)."""
import time

TTL = 60
_memo = {}


def memo(key, loader):
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = loader()
    if len(_memo) > 10_000:
        _memo.clear()
    _memo[key] = (now + TTL, value)
    return value


def clear():
    _memo.clear()
