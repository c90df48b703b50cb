"""``manage.py audit``: every check of SPEC §10, findings stored for the dashboard (网站监测).

    manage.py audit [--site CODE] [--format text|json] [--fail-on warning|error]
    manage.py audit --spot-check [--site CODE] [--year Y --quarter Q]
    manage.py audit --check-external            # also fetch external links (short timeout)

Exit status: 0, or 1 when a finding reaches the ``--fail-on`` severity (2 when the command
itself cannot run). Progress goes to standard error, findings to standard output.
"""
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from security.checks import load_all
from security.checks.registry import CHECKS, SEVERITY_ORDER
from security.checks.runner import run_audit

LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


class Command(BaseCommand):
    help = ("Run every audit check of SPEC §10 (columns and veto lines, workflow, links, accounts, audit trail, "
            "backups, calendar, disclosure, identifiers, liaisons, messages), print the findings and store the run "
            "for the monitoring dashboard. --spot-check draws and records the quarterly sample instead.")

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="CODE", help="check this site only (its site and column checks)")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output_format")
        parser.add_argument("--fail-on", choices=["warning", "error"],
                            help="exit with status 1 when a finding of this severity or worse is found")
        parser.add_argument("--spot-check", action="store_true",
                            help="draw the quarter's reproducible sample (≥ 30 %% of sub-sites and columns) of the "
                                 "site (default: the national portal), check the sample and record the draw")
        parser.add_argument("--year", type=int, help="year of the spot check (default: this year)")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="quarter (default: this quarter)")
        parser.add_argument("--check-external", action="store_true",
                            help="fetch external links with a short timeout (an unreachable network is reported as "
                                 "information, never as a failure)")
        parser.add_argument("--only", nargs="+", metavar="CODE", help="run only these checks (codes or areas)")
        parser.add_argument("--list-checks", action="store_true", help="list the checks and exit")

    def handle(self, *args, site=None, output_format="text", fail_on=None, spot_check=False, year=None,
               quarter=None, check_external=False, only=None, list_checks=False, **options):
        from cms.models import Site

        load_all()
        if list_checks:
            for spec in CHECKS.values():
                self.stdout.write(f"{spec.code:<34} {spec.severity:<8} {spec.scope:<7} {spec.title}")
            return
        if only:
            unknown = [c for c in only if c not in CHECKS and c not in {s.area for s in CHECKS.values()}]
            if unknown:
                raise CommandError(f"unknown check code or area: {', '.join(unknown)} (see --list-checks)", returncode=2)
        target = None
        if site:
            target = Site.objects.filter(code=site).first()
            if target is None:
                raise CommandError(f"no site with code {site!r}", returncode=2)
        verbose = options["verbosity"] >= 1
        progress = (lambda line: self.stderr.write(line)) if verbose else None
        draw = None
        if spot_check:
            from security.checks.spotcheck import draw as draw_sample

            checking = target or Site.objects.filter(parent__isnull=True, is_active=True).order_by("order", "pk").first()
            if checking is None:
                raise CommandError("no site to spot-check", returncode=2)
            today = timezone.localdate()
            year = year or today.year
            quarter = quarter or (today.month - 1) // 3 + 1
            draw = draw_sample(checking, year, quarter)
            if progress:
                progress(f"spot check {checking.code} {year}Q{quarter} (seed {draw.seed}, {draw.percent} %): "
                         f"{len(draw.subsites)} of {draw.subsite_population} sub-sites, "
                         f"{len(draw.columns)} of {draw.column_population} columns")
        started = time.monotonic()
        run = run_audit(site=None if draw else target, triggered_by="manage.py audit", codes=only, spot_check=draw,
                        check_external=check_external, progress=progress)
        findings = run.findings.select_related("site").order_by("site__order", "site_id", "id")
        if output_format == "json":
            payload = {"run": run.pk, "kind": run.kind, "started_at": run.started_at, "duration_ms": run.duration_ms,
                       "counts": run.counts, "sites": run.site_counts, "checks": run.checks, "findings": []}
            if draw:
                payload["spot_check"] = {"site": draw.site.code, "year": draw.year, "quarter": draw.quarter,
                                         "seed": draw.seed, "percent": draw.percent, "subsites": draw.subsites,
                                         "columns": draw.columns, "subsite_population": draw.subsite_population,
                                         "column_population": draw.column_population}
            for f in findings.iterator(chunk_size=1000):
                payload["findings"].append({
                    "code": f.code, "severity": f.severity, "site": f.site.code if f.site_id else None,
                    "object": {"type": f.object_type, "id": f.object_id, "repr": f.object_repr} if f.object_type
                    else None, "message": f.message, "fix": f.fix, "data": f.data})
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
        else:
            if draw:
                self.stdout.write(f"抽查样本（{draw.site.code} {draw.year} 年第 {draw.quarter} 季度，种子 {draw.seed}）：")
                self.stdout.write(f"  子站 {draw.subsites}  栏目 {draw.columns}")
            current = object()
            for f in findings.iterator(chunk_size=1000):
                if f.site_id != current:
                    current = f.site_id
                    self.stdout.write("")
                    self.stdout.write(f"== {f.site.name}（{f.site.code}）" if f.site_id else "== 全局")
                sev = LABELS.get(f.severity, f.severity)
                self.stdout.write(f"[{sev}] {f.code}  {f.message}")
                if f.fix:
                    self.stdout.write(f"        建议：{f.fix}")
            self.stdout.write("")
        counts = run.counts
        summary = (f"audit: {counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, "
                   f"{counts.get('info', 0)} info on {len([k for k in run.site_counts if k != '-'])} sites "
                   f"in {time.monotonic() - started:.1f}s (run #{run.pk}{', spot check' if draw else ''})")
        (self.stderr if output_format == "json" else self.stdout).write(summary)
        if fail_on:
            threshold = SEVERITY_ORDER[fail_on]
            if any(n and SEVERITY_ORDER[sev] >= threshold for sev, n in counts.items()):
                raise SystemExit(1)
