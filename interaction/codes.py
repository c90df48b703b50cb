"""Query codes: random, shown to the sender once, stored as a salted SHA-256.

A code has 60 bits of entropy (12 characters from 32), so a fast salted hash is enough to keep
it from being read back out of the database, and each look-up costs microseconds (a slow
password hasher on a public form would hand out CPU time to anyone). Online guessing is bounded
by the per-address limit on failed look-ups (``antispam.LOOKUP_FAILURES``).
"""
import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without doubt
LENGTH = 12
_DUMMY = "sha256$00000000000000000000000000000000$" + "0" * 64


def new_code():
    """A fresh code, grouped for reading: ``ABCD-EFGH-JKLM``."""
    raw = "".join(secrets.choice(ALPHABET) for _i in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(code):
    """What the visitor typed, in the canonical form: upper case, letters and digits only."""
    return "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())[:64]


def _digest(salt, code):
    return hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()


def hash_code(code):
    salt = secrets.token_hex(16)
    return f"sha256${salt}${_digest(salt, code)}"


def check_code(code, stored):
    """Constant-time comparison; ``stored=None`` (no such message) takes the same path."""
    try:
        algorithm, salt, expected = (stored or _DUMMY).split("$", 2)
    except ValueError:
        return False
    matches = hmac.compare_digest(_digest(salt, code), expected)
    return matches and algorithm == "sha256" and stored is not None
