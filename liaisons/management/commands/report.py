"""``manage.py report quarterly|annual`` — the reports of SPEC §8 from the shell.

    manage.py report quarterly --year 2026 --quarter 4 [--site CODE] [--format html|csv] [--output FILE]
    manage.py report annual --year 2026 [--site CODE] [--format html|csv] [--output FILE]

``quarterly`` gives the bulletin (通报) and the spot check (抽查) of the quarter; ``annual`` the
website work report (网站年度工作报表) and the best-liaison ranking. Without ``--site`` every
active site is reported. The report goes to standard output unless ``--output`` is given;
progress and the closing summary then go to standard error, so the output stays clean.
"""
from pathlib import Path

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.models import Site
from liaisons import reports
from security.audit import record

KINDS = {"quarterly": ("bulletin", "spotcheck"), "annual": ("annual", "ranking")}
MIN_YEAR, MAX_YEAR = 2000, 2999


class Command(BaseCommand):
    help = "Print the quarterly (bulletin, spot check) or annual (work report, best liaisons) reports as HTML or CSV."

    def add_arguments(self, parser):
        parser.add_argument("period", choices=sorted(KINDS), help="quarterly or annual")
        parser.add_argument("--year", type=int, required=True, help=f"calendar year ({MIN_YEAR}–{MAX_YEAR})")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="quarter 1–4 (quarterly reports)")
        parser.add_argument("--site", metavar="CODE", help="report this site only (default: every active site)")
        parser.add_argument("--format", choices=["html", "csv"], default="html", dest="output_format",
                            help="html (with print styles and charts) or csv (UTF-8 with BOM); default html")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args, period, year, quarter, site, output_format, output, **options):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"--year must be between {MIN_YEAR} and {MAX_YEAR}; got {year}.")
        if period == "quarterly" and quarter is None:
            raise CommandError("report quarterly needs --quarter 1–4.")
        if period == "annual" and quarter is not None:
            raise CommandError("report annual takes no --quarter.")
        if site:
            sites = list(Site.objects.filter(code=site))
            if not sites:
                known = ", ".join(Site.objects.order_by("order", "id").values_list("code", flat=True)[:20])
                raise CommandError(f"Unknown site “{site}”. Known sites: {known or 'none'}.")
        else:
            sites = list(Site.objects.filter(is_active=True).order_by("order", "id"))
        if output:
            target = Path(output)
            if not target.parent.exists():
                raise CommandError(f"The directory of --output does not exist: {target.parent}")
        self.stderr.style_func = None  # progress is not an error
        log = self.stdout if output else self.stderr

        documents = []
        for position, s in enumerate(sites, start=1):
            log.write(f"[{position}/{len(sites)}] {s.code}: {', '.join(KINDS[period])} …")
            for kind in KINDS[period]:
                documents.append(reports.build(kind, s, year, quarter))
        text = reports.render_csv(documents) if output_format == "csv" else reports.render_html(documents)
        if output:
            # newline="" keeps the CSV's CRLF line ends as written.
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
        with transaction.atomic():  # every export is in the audit trail (SPEC §9)
            record("report.export", actor=f"manage.py report ({getpass.getuser()})",
                   site=sites[0] if len(sites) == 1 else None,
                   data={"report": period, "year": year, "quarter": quarter, "format": output_format,
                         "sites": [s.code for s in sites], "output": output or "stdout"})
        empty = sum(1 for d in documents if d.is_empty)
        label = f"{year} Q{quarter}" if quarter else str(year)
        log.write(f"report {period} {label}: {len(documents)} reports for {len(sites)} sites ({empty} empty), "
                  f"{output_format} → {output or 'standard output'}")
