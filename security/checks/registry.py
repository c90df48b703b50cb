"""The check registry of ``manage.py audit`` (SPEC §10).

A check is a function of one area module, registered with its stable code and its default
severity::

    @register_check(code="content.stale_column", severity=WARNING, scope=COLUMN,
                    title="Columns not updated within their interval")
    def stale_columns(ctx):
        yield ctx.finding(...)

It receives the run's ``Context`` and yields ``Finding`` objects. A finding takes the code
and severity of its check unless it names others (a veto line warns first and is an error
once reached). Checks read with aggregate queries and iterators: a run's memory does not
grow with the number of articles, and the findings are written in batches.

Finding messages and suggested fixes are written in Chinese, as data: they are stored with
the run and shown as they are to the Chinese staff on the dashboard and in the command's
output, whatever the language of the process that wrote them.

Scopes: ``site`` checks look at whole sites, ``column`` checks at columns (a spot check gives
them only the sampled ones), ``global`` checks at the installation (accounts, the audit
trail, backups, the calendar) and run only in a full audit of every site.
"""
from dataclasses import dataclass, field
import logging

logger = logging.getLogger(__name__)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {INFO: 0, WARNING: 1, ERROR: 2}
SITE, COLUMN, GLOBAL = "site", "column", "global"

#: code -> CheckSpec, in registration order (the order the run follows).
CHECKS = {}


@dataclass(frozen=True)
class CheckSpec:
    code: str
    severity: str
    scope: str
    area: str
    title: str
    func: object


def register_check(*, code, severity, scope=SITE, title=""):
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"unknown severity {severity!r}")
    if scope not in (SITE, COLUMN, GLOBAL):
        raise ValueError(f"unknown scope {scope!r}")

    def decorator(func):
        if code in CHECKS and CHECKS[code].func.__qualname__ != func.__qualname__:
            raise ValueError(f"check code {code!r} registered twice")
        area = func.__module__.rsplit(".", 1)[-1]
        CHECKS[code] = CheckSpec(code, severity, scope, area, title or (func.__doc__ or "").strip().split("\n")[0],
                                 func)
        return func
    return decorator


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    fix: str = ""
    site_id: int | None = None
    site_code: str = ""
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    data: dict = field(default_factory=dict)

    def as_dict(self):
        return {"code": self.code, "severity": self.severity, "site": self.site_code or None,
                "object": {"type": self.object_type, "id": self.object_id, "repr": self.object_repr}
                if self.object_type else None,
                "message": self.message, "fix": self.fix, "data": self.data}
