"""Running the registered checks and storing the results (``AuditRun``/``AuditFinding``)."""
from collections import defaultdict
import logging
import time

from django.db import transaction
from django.utils import timezone

from .registry import CHECKS, COLUMN, ERROR, GLOBAL, INFO, SEVERITY_ORDER, SITE, WARNING, Finding

logger = logging.getLogger(__name__)

#: Findings of one code on one site listed one by one; the rest are summed up in one more
#: finding, so that a run's size (and the dashboard) stays readable whatever the data.
MAX_DETAILS = 50
BATCH = 500


class Context:
    """What a check sees: the time, the sites and columns in scope, their policies and the
    work calendar. Built once per run."""

    def __init__(self, *, sites, now=None, column_ids=None, site_scope=None, check_external=False, external_timeout=3):
        from cms.models import Site, SitePolicy
        from cms.workdays import WorkCalendar

        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.sites = list(sites)
        self.site_codes = dict(Site.objects.values_list("pk", "code"))
        policies = {p.site_id: p for p in SitePolicy.objects.all()}
        self.policies = {pk: policies.get(pk) or SitePolicy(site_id=pk) for pk in self.site_codes}
        self.calendar = WorkCalendar.load(self.today.year - 3, self.today.year + 2)
        self.column_ids = None if column_ids is None else sorted(column_ids)
        self.site_scope = site_scope  # the sites whose columns are in scope (default: self.sites)
        self.check_external = check_external
        self.external_timeout = external_timeout
        self.spec = None

    @property
    def site_ids(self):
        return [s.pk for s in self.sites]

    def policy(self, site_id):
        return self.policies[site_id]

    def columns(self):
        """The columns in scope: those of the sites in scope, or the sampled ones."""
        from django.db.models import Q

        from cms.models import Column

        site_ids = self.site_ids if self.site_scope is None else [s.pk for s in self.site_scope]
        condition = Q(site_id__in=site_ids)
        if self.column_ids is not None:
            condition = Q(pk__in=self.column_ids) | (condition if self.site_scope is not None else Q(pk__in=[]))
        return Column.objects.filter(condition)

    def finding(self, message, *, fix="", site=None, obj=None, code=None, severity=None, data=None,
                object_type="", object_id="", object_repr=""):
        site_id = getattr(site, "pk", site)
        if obj is not None:
            object_type = object_type or obj._meta.label
            object_id = object_id or str(obj.pk)
            object_repr = object_repr or str(obj)
            if site_id is None:
                site_id = getattr(obj, "site_id", None)
        return Finding(code=code or self.spec.code, severity=severity or self.spec.severity, message=message,
                       fix=fix, site_id=site_id, site_code=self.site_codes.get(site_id, "") if site_id else "",
                       object_type=object_type, object_id=str(object_id), object_repr=str(object_repr)[:200],
                       data=data or {})


def selected_checks(*, scopes=None, codes=None):
    return [spec for spec in CHECKS.values()
            if (scopes is None or spec.scope in scopes) and (codes is None or spec.code in codes
                                                             or spec.area in codes)]


def run_audit(**kwargs):
    """Run the checks and store the run (see ``_run_audit``), in the site's language: the
    findings are written in Chinese and the choice labels they quote must be too, whoever
    calls (a management command, a Celery worker, a test)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _run_audit(**kwargs)


def _run_audit(*, site=None, triggered_by="", codes=None, spot_check=None, check_external=False, progress=None,
               now=None):
    """Run the checks and store the run. ``site``: one site only (its site and column
    checks); ``spot_check``: a ``security.checks.spotcheck.Draw`` — only its sampled
    sub-sites and columns are checked. Returns the finished ``AuditRun``; a check that
    raises becomes an error finding, never a crashed run."""
    from ..models import AuditRun
    from . import load_all

    load_all()
    started = time.monotonic()
    kind = AuditRun.Kind.SPOT_CHECK if spot_check else AuditRun.Kind.FULL
    run = AuditRun.objects.create(kind=kind, site=spot_check.site if spot_check else site,
                                  triggered_by=triggered_by[:150])
    try:
        return _execute(run, started, site=site, triggered_by=triggered_by, codes=codes, spot_check=spot_check,
                        check_external=check_external, progress=progress, now=now)
    except Exception as exc:
        # The run itself could not finish (the database went away…): a visible state.
        AuditRun.objects.filter(pk=run.pk).update(status=AuditRun.Status.FAILED, finished_at=timezone.now(),
                                                  error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise


def _execute(run, started, *, site, triggered_by, codes, spot_check, check_external, progress, now):
    from cms.models import Site

    from ..audit import record
    from ..models import AuditFinding, AuditRun, SpotCheckDraw

    sites = Site.objects.filter(is_active=True).order_by("order", "pk")
    if spot_check is not None:
        ctx = Context(sites=sites.filter(pk__in=spot_check.subsites), now=now, column_ids=spot_check.columns,
                      site_scope=sites.filter(pk__in=spot_check.subsites), check_external=check_external)
        scopes = {SITE, COLUMN}
    elif site is not None:
        ctx = Context(sites=sites.filter(pk=site.pk), now=now, check_external=check_external)
        scopes = {SITE, COLUMN}
    else:
        ctx = Context(sites=sites, now=now, check_external=check_external)
        scopes = {SITE, COLUMN, GLOBAL}
    specs = selected_checks(scopes=scopes, codes=codes)

    counts = defaultdict(int)
    site_counts = defaultdict(lambda: defaultdict(int))
    per_key = defaultdict(int)
    overflow = {}
    buffer = []

    def keep(finding):
        key = (finding.code, finding.site_id)
        per_key[key] += 1
        if per_key[key] > MAX_DETAILS:
            worst = overflow.get(key)
            overflow[key] = finding if worst is None or SEVERITY_ORDER[finding.severity] > SEVERITY_ORDER[
                worst.severity] else worst
            return
        buffer.append(finding)
        counts[finding.severity] += 1
        site_counts[finding.site_code or "-"][finding.severity] += 1
        if len(buffer) >= BATCH:
            flush()

    def flush():
        AuditFinding.objects.bulk_create([
            AuditFinding(run=run, code=f.code, severity=f.severity, site_id=f.site_id, object_type=f.object_type,
                         object_id=f.object_id, object_repr=f.object_repr, message=f.message, fix=f.fix, data=f.data)
            for f in buffer])
        buffer.clear()

    timings = []
    for n, spec in enumerate(specs, 1):
        ctx.spec = spec
        t0 = time.monotonic()
        try:
            for finding in spec.func(ctx) or ():
                keep(finding)
        except Exception as exc:  # noqa: BLE001 - one failing check must not hide the others
            logger.exception("audit check %s failed", spec.code)
            keep(Finding(code="audit.check_failed", severity=ERROR,
                         message=f"检查项 {spec.code} 运行出错：{exc.__class__.__name__}: {exc}"[:1000],
                         fix="查看运行日志，修复后重新运行 manage.py audit。", data={"check": spec.code}))
        elapsed = time.monotonic() - t0
        timings.append({"code": spec.code, "ms": round(elapsed * 1000)})
        if progress:
            progress(f"[{n}/{len(specs)}] {spec.code} ({elapsed:.2f}s)")
    for (code, site_id), worst in overflow.items():
        more = per_key[(code, site_id)] - MAX_DETAILS
        keep(Finding(code=code, severity=worst.severity, site_id=site_id, site_code=worst.site_code,
                     message=f"另有 {more} 项同类问题未逐条列出（{code}）。",
                     fix=worst.fix, data={"suppressed": more}))
        per_key[(code, site_id)] = 0
    flush()

    with transaction.atomic():
        run.status = AuditRun.Status.DONE
        run.finished_at = timezone.now()
        run.duration_ms = round((time.monotonic() - started) * 1000)
        run.counts = {sev: counts.get(sev, 0) for sev in (ERROR, WARNING, INFO)}
        run.site_counts = {code: dict(v) for code, v in site_counts.items()}
        run.checks = timings
        run.save()
        if spot_check is not None:
            SpotCheckDraw.objects.create(run=run, site=spot_check.site, year=spot_check.year,
                                         quarter=spot_check.quarter, seed=spot_check.seed, percent=spot_check.percent,
                                         subsite_population=spot_check.subsite_population,
                                         column_population=spot_check.column_population,
                                         subsites=spot_check.subsites, columns=spot_check.columns)
        record("audit.spot_check" if spot_check else "audit.run", actor=triggered_by or "system", obj=run,
               site=run.site, data={"counts": run.counts, "checks": len(specs)})
    return run


def worst_severity(counts):
    for sev in (ERROR, WARNING, INFO):
        if counts.get(sev):
            return sev
    return None


__all__ = ["Context", "run_audit", "selected_checks", "MAX_DETAILS", "ERROR", "WARNING", "INFO"]
