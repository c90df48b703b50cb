"""Structured logs (001 §二(四)3): one JSON object per line with a request id, never
personal data.

* ``RequestIdMiddleware`` (first in MIDDLEWARE) takes ``X-Request-ID`` from the proxy when it
  is a plain token, otherwise makes one; it is kept in a context variable for every log
  record of the request and returned in the response header.
* ``JsonFormatter`` writes time, level, logger, message, request id, role and the
  exception. Values that look like personal data (mobile numbers, resident ID numbers,
  e-mail addresses) are masked in the message; client addresses are never logged.

Rotation, kept 180 days: by default the processes log to standard output and the host's
collector (journald, docker) keeps them — set its retention to 180 days, or install
``security/logrotate.conf``. With ``LOG_FILE`` set, the processes write that file
themselves, rotated at midnight with 180 files kept (``TimedRotatingFileHandler``).
"""
import contextvars
from datetime import datetime, timezone
import json
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PERSONAL = [
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "<id-number>"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "<mobile>"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
]
RETENTION_DAYS = 180


def mask_personal_data(text):
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


class RequestIdMiddleware:
    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _TOKEN_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset on the way out: Django logs the response (django.request) after the
        # middleware chain returns, and that line must carry the id too. The next request
        # on this thread sets its own.
        request_id_var.set(rid)
        response = self.get_response(request)
        response.headers[self.header] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, *args, role="", **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_data(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if self.role:
            entry["role"] = self.role
        if record.exc_info:
            entry["exception"] = mask_personal_data(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
