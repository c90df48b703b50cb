"""网站监测: the monitoring dashboard in the admin (issue 6). The latest audit run, per site
its findings by severity and the history of its runs, the latest backups and the recorded
spot-check draws. Read-only, apart from "run the audit now" (which goes through the same
task as beat).

Who sees it: superusers and holders of ``security.view_auditrun`` see every site and the
global findings; a site manager (``manage_site`` on a site) sees the sites they manage."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from cms.models import Site

from .models import AuditFinding, AuditRun, BackupRecord, Severity, SpotCheckDraw

HISTORY_RUNS = 30


def visible_site_ids(user):
    """None: every site (and the global findings); otherwise the ids the user manages."""
    if user.is_superuser or user.has_perm("security.view_auditrun"):
        return None
    from cms.selectors import scope_ids

    return sorted(scope_ids(user).get(("site", "manage_site"), ()))


@admin.register(AuditRun)
class MonitoringAdmin(admin.ModelAdmin):
    def _allowed(self, request):
        ids = visible_site_ids(request.user)
        return ids is None or bool(ids)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.dashboard_view), name="security_monitoring"),
            path("", wrap(self.dashboard_view), name="security_auditrun_changelist"),
            path("run/", wrap(self.run_now_view), name="security_monitoring_run"),
            path("site/<slug:code>/", wrap(self.site_view), name="security_monitoring_site"),
            path("<int:run_id>/", wrap(self.run_view), name="security_monitoring_run_detail"),
        ]

    def _context(self, request, **extra):
        return dict(self.admin_site.each_context(request), opts=self.model._meta, **extra)

    def _sites(self, request):
        ids = visible_site_ids(request.user)
        sites = Site.objects.order_by("order", "pk")
        return sites if ids is None else sites.filter(pk__in=ids)

    def dashboard_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        latest = AuditRun.objects.filter(kind=AuditRun.Kind.FULL, status=AuditRun.Status.DONE).first()
        everything = visible_site_ids(request.user) is None
        rows = []
        for site in self._sites(request):
            counts = (latest.site_counts.get(site.code, {}) if latest else {})
            rows.append({"site": site, "error": counts.get("error", 0), "warning": counts.get("warning", 0),
                         "info": counts.get("info", 0)})
        global_counts = latest.site_counts.get("-", {}) if latest and everything else {}
        veto = []
        if latest:
            veto = list(AuditFinding.objects.filter(run=latest, code__startswith="veto.",
                                                    site__in=self._sites(request))
                        .select_related("site").order_by("site__order", "severity", "id"))
        context = self._context(
            request, title=_("Website monitoring"), latest=latest, rows=rows, global_counts=global_counts,
            everything=everything, veto=veto,
            global_findings=(AuditFinding.objects.filter(run=latest, site__isnull=True).order_by("-severity", "id")
                             if latest and everything else []),
            backups=BackupRecord.objects.all()[:5] if everything else [],
            draws=SpotCheckDraw.objects.filter(site__in=self._sites(request)).select_related("site", "run")[:8],
            runs=AuditRun.objects.all()[:10] if everything else [],
        )
        return TemplateResponse(request, "security/monitoring.html", context)

    def site_view(self, request, code):
        site = self._sites(request).filter(code=code).first()
        if site is None:
            raise Http404("no such site")
        runs = list(AuditRun.objects.filter(kind=AuditRun.Kind.FULL, status=AuditRun.Status.DONE)[:HISTORY_RUNS])
        latest = runs[0] if runs else None
        severity = request.GET.get("severity", "")
        findings = AuditFinding.objects.filter(run=latest, site=site) if latest else AuditFinding.objects.none()
        by_code = findings.values("code", "severity").annotate(n=Count("id")).order_by("code", "severity")
        if severity in Severity.values:
            findings = findings.filter(severity=severity)
        page = Paginator(findings.order_by("id"), 100).get_page(request.GET.get("page"))
        history = [{"run": run, **{sev: run.site_counts.get(site.code, {}).get(sev, 0) for sev in Severity.values}}
                   for run in runs]
        context = self._context(request, title=_("Website monitoring: %(site)s") % {"site": site.name}, site=site,
                                latest=latest, page=page, by_code=by_code, history=history, severity=severity,
                                severities=Severity.choices)
        return TemplateResponse(request, "security/monitoring_site.html", context)

    def run_view(self, request, run_id):
        run = AuditRun.objects.filter(pk=run_id).first()
        if run is None or not self.has_module_permission(request):
            raise Http404("no such run")
        findings = run.findings.select_related("site").order_by("site__order", "site_id", "id")
        ids = visible_site_ids(request.user)
        if ids is not None:
            findings = findings.filter(site_id__in=ids)
        page = Paginator(findings, 200).get_page(request.GET.get("page"))
        draw = SpotCheckDraw.objects.filter(run=run).first()
        return TemplateResponse(request, "security/monitoring_run.html",
                                self._context(request, title=str(run), run=run, page=page, draw=draw))

    def run_now_view(self, request):
        if request.method != "POST" or not self.has_module_permission(request):
            raise PermissionDenied
        if visible_site_ids(request.user) is not None:
            raise PermissionDenied  # a full run concerns every site
        from django.utils import timezone

        from .tasks import run_audit_task

        key = f"audit:manual:{timezone.now():%Y%m%dT%H%M%S.%f}"
        try:
            run_audit_task.apply_async(kwargs={"key": key, "triggered_by": request.user.get_username()})
        except Exception:  # noqa: BLE001 - broker down: say so, the daily run still comes
            messages.error(request, _("The audit could not be queued (the task queue is unreachable)."))
        else:
            messages.success(request, _("The audit has run or is queued; refresh in a moment."))
        return redirect("admin:security_monitoring")
