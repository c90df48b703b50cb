"""Keeping the public forms usable for people and costly for robots, without a third-party
captcha: per-address rate limits in the shared cache (local memory or Redis), a signed
fill-time token, and a honeypot field (see ``forms.py``).
"""
from dataclasses import dataclass
import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

TOKEN_SALT = "interaction.form-started"
TOKEN_MAX_AGE = 6 * 60 * 60  # a form left open longer must be sent again


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


# Accepted submissions per address and form; all POSTs per address (any form); failed status
# look-ups per address (the query code must not be guessable online); suggestion requests.
SUBMISSIONS = Limit("submit", 5, 600)
ATTEMPTS = Limit("attempt", 30, 600)
LOOKUP_FAILURES = Limit("lookup-fail", 10, 600)
SUGGESTIONS = Limit("suggest", 60, 60)


def min_fill_seconds():
    return getattr(settings, "TAXSITE_INTERACTION_MIN_FILL_SECONDS", 3)


def _key(limit, address, scope):
    digest = hashlib.sha256(f"{address}|{scope}".encode()).hexdigest()[:32]
    return f"interaction:rl:{limit.name}:{digest}"


def hit(limit, address, scope=""):
    """Count one event; True while the address stays within the limit (this event included)."""
    key = _key(limit, address, scope)
    cache.add(key, 0, timeout=limit.seconds)  # starts the window; no-op if it runs already
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)
        value = 1
    return value <= limit.count


def exhausted(limit, address, scope=""):
    """True if the address has used up the limit (nothing is counted)."""
    return (cache.get(_key(limit, address, scope)) or 0) >= limit.count


def issue_token(kind, now=None):
    """The signed moment a form was shown, bound to the form it belongs to."""
    # The nonce keeps two forms shown in the same second apart (each may be sent once).
    return signing.dumps({"k": kind, "t": int(now if now is not None else time.time()), "n": secrets.token_urlsafe(9)},
                         salt=TOKEN_SALT)


class TokenProblem(Exception):
    pass


class TooFast(TokenProblem):
    pass


class Expired(TokenProblem):
    pass


def check_token(token, kind, now=None):
    """Raise ``TooFast`` if the form came back sooner than a person can fill it, ``Expired`` if
    the token is missing, forged, for another form or too old."""
    now = now if now is not None else time.time()
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Expired()
    if data.get("k") != kind:
        raise Expired()
    if now - data.get("t", now) < min_fill_seconds():
        raise TooFast()
    return data


def _sent_key(token):
    return f"interaction:sent:{hashlib.sha256(token.encode()).hexdigest()}"


def claim_token(token):
    """Claim this form instance for one submission. False if it was sent already (reload,
    double click): the second copy must not become a second message."""
    return cache.add(_sent_key(token), "", TOKEN_MAX_AGE)


def complete_token(token, tracking_number):
    cache.set(_sent_key(token), tracking_number, TOKEN_MAX_AGE)


def release_token(token):
    cache.delete(_sent_key(token))


def tracking_number_for(token):
    """The tracking number a claimed token led to ("" while it is being processed)."""
    return cache.get(_sent_key(token)) or ""
