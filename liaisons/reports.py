"""The reports of SPEC §8 as documents: the quarterly bulletin (通报), the quarterly spot check
(抽查), the annual best-liaison ranking and the annual website work report (网站年度工作报表).

Each builder returns a ``ReportDocument`` — sections of tables, charts and notes — that the
admin pages, the print view, the CSV download and ``manage.py report`` all render. Builders
only read (``liaisons.selectors`` and grouped queries here); the number of queries of each is
fixed, whatever the number of departments, slips, posts or items. A future or empty period
gives a document with zero figures and ``is_empty`` set, never an error.
"""
from collections import Counter
from dataclasses import dataclass, field
import csv
from decimal import Decimal
import io
from pathlib import Path

from django.apps import apps
from django.db.models import Count, DateField, DateTimeField, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Article, ColumnClass, Department

from .charts import bar_chart
from .checklists import checklist_for
from .models import (
    ColumnChangeRequest, Liaison, NewMediaAccount, NewMediaChange, NewMediaPost, Platform,
    RequestState, RevampRequest, SpotCheck, SpotCheckItem, Training, TrainingAttendance, Vacancy,
)
from .selectors import (
    contribution_stats, liaison_ranking, newmedia_duty_findings, quarter_period, year_period,
)

DASH = "—"


@dataclass
class Table:
    title: str
    headers: list
    rows: list
    numeric: frozenset = frozenset()  # column indexes aligned right
    empty_text: str = ""
    footer: list = None


@dataclass
class Section:
    title: str
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class ReportDocument:
    kind: str  # "bulletin" | "spotcheck" | "ranking" | "annual"
    title: str
    site: object
    period: object
    sections: list
    is_empty: bool
    generated_at: object = field(default_factory=timezone.now)
    notes: list = field(default_factory=list)

    @property
    def filename(self):
        return f"{self.site.code}-{self.kind}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}"


def fmt(value):
    """One cell as text: dates ISO, money with two decimals, medians to one decimal."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if hasattr(value, "strftime"):
        if hasattr(value, "hour"):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    return str(value)


def _table(title, headers, rows, *, numeric=(), empty_text=None, footer=None):
    return Table(title, [str(h) for h in headers], [[fmt(c) for c in row] for row in rows], frozenset(numeric),
                 str(empty_text or _("Nothing to report for this period.")),
                 [fmt(c) for c in footer] if footer else None)


def _figure_cells(f):
    return [f.submitted, f.adopted, f.returned, f"{f.adoption_rate}%" if f.adoption_rate is not None else None,
            f.median_review_days, f.honorarium]


def _figure_headers():
    return [_("Submitted"), _("Adopted"), _("Returned"), _("Adoption rate"), _("Median review (working days)"),
            _("Honorarium due (yuan)")]


def _calendar_note(uncovered):
    if uncovered:
        return [_("The work calendar has no holiday schedule for %(years)s; working days there were counted on "
                  "weekdays only.") % {"years": "、".join(str(y) for y in uncovered)}]
    return []


# --------------------------------------------------------------------------------------
# Quarterly bulletin (通报) — 000 §20, 003 §14
# --------------------------------------------------------------------------------------

def quarterly_bulletin(site, year, quarter):
    period = quarter_period(year, quarter)
    stats = contribution_stats(site, period)
    summary = Section(_("Summary"), tables=[_table(
        _("Totals of the site"), _figure_headers(), [_figure_cells(stats.total)], numeric=range(0, 6))],
        notes=_calendar_note(stats.uncovered_years))
    by_dept = Section(_("Departments"), tables=[_table(
        _("Contribution by department"), [_("Department"), _("Liaison")] + _figure_headers(),
        [[row.department.name, row.liaison_name] + _figure_cells(row.figures) for row in stats.departments],
        numeric=range(2, 8), empty_text=_("The site has no departments."),
        footer=[_("Total"), ""] + _figure_cells(stats.total))])
    if stats.total.submitted or stats.total.adopted:
        by_dept.charts.append(bar_chart(_("Items adopted by department"),
                                        [(r.department.name, r.figures.adopted) for r in stats.departments],
                                        unit=_(" items")))
    by_liaison = Section(_("Liaisons"), tables=[_table(
        _("Contribution by liaison"), [_("Liaison"), _("Department")] + _figure_headers(),
        [[row.liaison.name, row.department_name] + _figure_cells(row.figures) for row in stats.liaisons],
        numeric=range(2, 8), empty_text=_("No liaison was on file in this period."))])
    lo, hi = period.bounds
    vacancies = list(
        Vacancy.objects.filter(site=site, opened_on__lte=period.end)
        .filter(Q(filled_on__isnull=True) | Q(filled_on__gte=period.start))
        .select_related("department", "previous", "filled_by").order_by("deadline", "id"))
    vacancy_rows = []
    for v in vacancies:
        if v.filled_on is None:
            status = _("open, overdue") if v.deadline < min(period.end, timezone.localdate()) else _("open")
        else:
            status = _("filled late") if v.filled_late else _("filled in time")
        vacancy_rows.append([v.department.name, v.previous.name, v.opened_on, v.deadline,
                             v.filled_by.name if v.filled_by_id else None, v.filled_on, status])
    vacancy_section = Section(_("Liaison vacancies"), tables=[_table(
        _("Vacancies open during the period"),
        [_("Department"), _("Liaison who left"), _("Opened on"), _("Replacement deadline"), _("Successor"),
         _("Filled on"), _("Status")], vacancy_rows, empty_text=_("No vacancy during the period."))])
    empty = not (stats.total.submitted or stats.total.adopted or stats.total.returned or vacancies)
    return ReportDocument(
        "bulletin", _("%(site)s: bulletin on website contributions, %(period)s") % {
            "site": site.name, "period": period.label},
        site, period, [summary, by_dept, by_liaison, vacancy_section], empty)


# --------------------------------------------------------------------------------------
# Best-liaison ranking — 000 §20
# --------------------------------------------------------------------------------------

def best_liaison_ranking(site, year, *, chart_top=10):
    stats = liaison_ranking(site, year)
    rows = [[r.rank, r.liaison.name, r.department_name] + _figure_cells(r.figures) for r in stats.liaisons]
    section = Section(_("Ranking"), tables=[_table(
        _("Liaisons ranked by items adopted"), [_("Rank"), _("Liaison"), _("Department")] + _figure_headers(),
        rows, numeric={0, *range(3, 9)}, empty_text=_("No liaison was on file in this year."))],
        notes=[_("Ranked by items adopted, then items submitted, then the shorter median review time; equal "
                 "figures share a rank.")] + _calendar_note(stats.uncovered_years))
    ranked = [r for r in stats.liaisons if r.figures.adopted][:chart_top]
    if ranked:
        section.charts.append(bar_chart(_("Items adopted, best liaisons"),
                                        [(f"{r.liaison.name}（{r.department_name}）", r.figures.adopted) for r in ranked],
                                        unit=_(" items")))
    empty = not any(r.figures.submitted or r.figures.adopted for r in stats.liaisons)
    return ReportDocument("ranking", _("%(site)s: best liaisons of %(year)s") % {"site": site.name, "year": year},
                          site, stats.period, [section], empty)


# --------------------------------------------------------------------------------------
# Quarterly spot check (抽查) — 001 §二(五)1
# --------------------------------------------------------------------------------------

def spot_check_report(site, year, quarter):
    period = quarter_period(year, quarter)
    title = _("%(site)s: spot check of %(period)s") % {"site": site.name, "period": period.label}
    check = SpotCheck.objects.filter(site=site, year=year, quarter=quarter).select_related("drawn_by").first()
    if check is None:
        return ReportDocument("spotcheck", title, site, period, [Section(
            _("Sample"), notes=[_("No sample was drawn for this quarter.")])], True)
    items = list(check.items.select_related("subsite", "column", "checked_by").order_by("target", "id"))
    checked = [i for i in items if i.passed is not None]
    passed = sum(1 for i in checked if i.passed)
    summary = _table(_("Sample and results"), [
        _("Random seed"), _("Sample (%)"), _("Sub-sites"), _("Sampled sub-sites"), _("Columns"),
        _("Sampled columns"), _("Checked"), _("Passed"), _("Failed"), _("Results published")],
        [[check.seed, check.percent, check.subsite_population,
          sum(1 for i in items if i.target == SpotCheckItem.Target.SUBSITE), check.column_population,
          sum(1 for i in items if i.target == SpotCheckItem.Target.COLUMN), len(checked), passed,
          len(checked) - passed, check.published_at]], numeric=range(1, 9))
    failures = Counter()
    rows = []
    for item in items:
        points = {p.code: p.label for p in checklist_for(item.target)}
        failed = [str(points.get(code, code)) for code, ok in (item.results or {}).items() if not ok]
        for label in failed:
            failures[label] += 1
        target = item.subsite.name if item.subsite_id else f"{item.column.name}（/{item.column.url_path}）"
        result = DASH if item.passed is None else (_("passed") if item.passed else _("failed"))
        rows.append([item.get_target_display(), target, result, "；".join(failed), item.note,
                     item.checked_by.get_username() if item.checked_by_id else None, item.checked_at])
    items_table = _table(_("Sampled items"), [_("Kind"), _("Item"), _("Result"), _("Failed check points"),
                                              _("Findings"), _("Checked by"), _("Checked at")], rows,
                         empty_text=_("The population was empty; nothing was sampled."))
    section = Section(_("Spot check"), tables=[summary, items_table])
    if failures:
        section.charts.append(bar_chart(_("Items failing each check point"), failures.most_common(), unit=_(" items"),
                                        highlight=lambda v: v > 0))
    return ReportDocument("spotcheck", title, site, period, [section], not checked)


# --------------------------------------------------------------------------------------
# Annual website work report (网站年度工作报表) — 001 §二(五)1–2, 003 §20–21
# --------------------------------------------------------------------------------------

def message_figures(site, period):
    """Received, answered and answered-on-time public messages of the ``interaction`` app,
    read defensively (the app may not hold them yet). ``None`` when not recorded.

    Assumed fields of ``interaction.Message``: ``site`` (FK), a receipt time
    (``received_at`` | ``submitted_at`` | ``created_at``), an answer time (``answered_at`` |
    ``replied_at``), and a deadline (``deadline`` | ``due_at`` | ``due_date``, date or datetime).
    """
    try:
        Message = apps.get_model("interaction", "Message")
    except LookupError:
        return None
    names = {f.name: f for f in Message._meta.get_fields() if getattr(f, "concrete", False)}

    def first(*candidates):
        return next((names[c] for c in candidates if c in names), None)

    received, answered, deadline = (first("received_at", "submitted_at", "created_at"),
                                    first("answered_at", "replied_at"), first("deadline", "due_at", "due_date"))
    if "site" not in names or received is None:
        return None
    lo, hi = period.bounds
    qs = Message.objects.filter(site=site, **{f"{received.name}__gte": lo, f"{received.name}__lt": hi})
    aggregates = {"received": Count("pk")}
    if "status" in names:
        aggregates["invalid"] = Count("pk", filter=Q(status="invalid"))
    if answered is not None:
        aggregates["answered"] = Count("pk", filter=Q(**{f"{answered.name}__isnull": False}))
        if isinstance(deadline, DateTimeField):
            on_time = Q(**{f"{answered.name}__lte": F(deadline.name)})
        elif isinstance(deadline, DateField):
            qs = qs.annotate(answered_local_day=TruncDate(answered.name))
            on_time = Q(answered_local_day__lte=F(deadline.name))
        else:
            on_time = None
        if on_time is not None:
            aggregates["on_time"] = Count("pk", filter=Q(**{f"{answered.name}__isnull": False}) & on_time)
    figures = qs.aggregate(**aggregates)
    figures.setdefault("answered", None)
    figures.setdefault("on_time", None)
    figures.setdefault("invalid", None)
    return figures


def annual_work_report(site, year):
    period = year_period(year)
    lo, hi = period.bounds
    sections = []
    today = timezone.localdate()

    # Content published, per column class and per month.
    per_class = dict(Article.objects.filter(site=site, first_published_at__gte=lo, first_published_at__lt=hi)
                     .values_list("column__column_class").annotate(n=Count("id")).order_by())
    per_month = {m.month: n for m, n in
                 Article.objects.filter(site=site, first_published_at__gte=lo, first_published_at__lt=hi)
                 .annotate(m=TruncMonth("first_published_at")).values_list("m").annotate(n=Count("id")).order_by()}
    published_total = sum(per_class.values())
    class_rows = [[label, per_class.get(value, 0)] for value, label in ColumnClass.choices]
    content = Section(_("Content published"), tables=[_table(
        _("Items first published, by column class"), [_("Column class"), _("Items")], class_rows, numeric={1},
        footer=[_("Total"), published_total])])
    if published_total:
        content.charts.append(bar_chart(_("Items published by column class"),
                                        [(r[0], r[1]) for r in class_rows if r[1]], unit=_(" items")))
        content.charts.append(bar_chart(_("Items published by month"),
                                        [(_("Month %(m)s") % {"m": m}, per_month.get(m, 0)) for m in range(1, 13)],
                                        unit=_(" items")))
    sections.append(content)

    # Contributions (slips).
    stats = contribution_stats(site, period)
    sections.append(Section(_("Contributions and review"), tables=[_table(
        _("Slips of the year"), _figure_headers(), [_figure_cells(stats.total)], numeric=range(0, 6))],
        notes=_calendar_note(stats.uncovered_years)))

    # Public messages.
    messages = message_figures(site, period)
    if messages is None:
        interaction = Section(_("Public messages"), notes=[_("Not recorded: the CMS holds no public messages yet.")])
    else:
        rate = (f"{round(100 * messages['on_time'] / messages['answered'], 1)}%"
                if messages.get("on_time") is not None and messages.get("answered") else None)
        interaction = Section(_("Public messages"), tables=[_table(
            _("Messages of the year"), [_("Received"), _("Invalid messages"), _("Answered"), _("Answered on time"),
                                        _("On-time rate")],
            [[messages["received"], messages["invalid"], messages["answered"], messages["on_time"], rate]],
            numeric=range(0, 5))])
    sections.append(interaction)

    # Spot checks of the four quarters (one grouped query).
    checks = {c["quarter"]: c for c in SpotCheck.objects.filter(site=site, year=year).values("quarter", "published_at")
              .annotate(n_items=Count("items"), n_checked=Count("items", filter=Q(items__passed__isnull=False)),
                        n_passed=Count("items", filter=Q(items__passed=True))).order_by()}
    check_rows = []
    for q in range(1, 5):
        c = checks.get(q)
        check_rows.append([_("Q%(q)s") % {"q": q}] + ([c["n_items"], c["n_checked"], c["n_passed"],
                                                       c["n_checked"] - c["n_passed"], c["published_at"]]
                                                      if c else [None, None, None, None, None]))
    sections.append(Section(_("Spot checks"), tables=[_table(
        _("Quarterly spot checks"), [_("Quarter"), _("Sampled items"), _("Checked"), _("Passed"), _("Failed"),
                                     _("Results published")], check_rows, numeric=range(1, 5))]))

    # Liaisons.
    departments = Department.objects.filter(site=site).count()
    with_liaison = Liaison.objects.filter(site=site, left_on__isnull=True).values("department").distinct().count()
    vac = Vacancy.objects.filter(site=site).aggregate(
        opened=Count("id", filter=Q(opened_on__gte=period.start, opened_on__lte=period.end)),
        filled=Count("id", filter=Q(filled_on__gte=period.start, filled_on__lte=period.end)),
        filled_late=Count("id", filter=Q(filled_on__gte=period.start, filled_on__lte=period.end,
                                         filled_on__gt=F("deadline"))),
        overdue=Count("id", filter=Q(filled_on__isnull=True, deadline__lt=min(today, period.end))),
    )
    trainings = Training.objects.filter(site=site, held_on__gte=period.start, held_on__lte=period.end).count()
    attended = TrainingAttendance.objects.filter(training__site=site, training__held_on__gte=period.start,
                                                 training__held_on__lte=period.end, attended=True).count()
    sections.append(Section(_("Liaisons"), tables=[_table(
        _("Liaison filings"), [_("Departments"), _("With an active liaison"), _("Vacancies opened"),
                               _("Vacancies filled"), _("Filled late"), _("Open past the deadline"),
                               _("Trainings held"), _("Attendances")],
        [[departments, with_liaison, vac["opened"], vac["filled"], vac["filled_late"], vac["overdue"], trainings,
          attended]], numeric=range(0, 8))]))

    # New media.
    per_platform = {row["platform"]: row for row in NewMediaAccount.objects.filter(site=site).values("platform").annotate(
        open_at_end=Count("id", filter=Q(opened_on__lte=period.end) & (
            Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)) & (
            Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=period.end))),
        opened=Count("id", filter=Q(opened_on__gte=period.start, opened_on__lte=period.end)),
        closed=Count("id", filter=Q(closed_on__gte=period.start, closed_on__lte=period.end)),
        deregistered=Count("id", filter=Q(deregistered_on__gte=period.start, deregistered_on__lte=period.end)),
    ).order_by()}
    posts = dict(NewMediaPost.objects.filter(account__site=site, published_at__gte=lo, published_at__lt=hi)
                 .values_list("account__platform").annotate(n=Count("id")).order_by())
    changes = NewMediaChange.objects.filter(account__site=site, filed_on__gte=period.start,
                                            filed_on__lte=period.end).aggregate(
        filed=Count("id"), late=Count("id", filter=Q(filed_on__gt=F("deadline"))))
    platform_rows = []
    for value, label in Platform.choices:
        row = per_platform.get(value)
        if row or posts.get(value):
            platform_rows.append([label, row["open_at_end"] if row else 0, row["opened"] if row else 0,
                                  row["closed"] if row else 0, row["deregistered"] if row else 0, posts.get(value, 0)])
    behind = newmedia_duty_findings(site) if period.start <= today <= period.end else []
    newmedia = Section(_("New media"), tables=[
        _table(_("Accounts by platform"), [_("Platform"), _("Open at the end of the year"), _("Opened"), _("Closed"),
                                          _("Deregistered"), _("Posts")], platform_rows, numeric=range(1, 6),
               empty_text=_("No new-media account is filed.")),
        _table(_("Change filings"), [_("Filed"), _("Filed late")], [[changes["filed"], changes["late"]]],
               numeric={0, 1}),
    ])
    if behind:
        newmedia.tables.append(_table(_("Accounts behind their update duty today"), [_("Account"), _("Finding")],
                                      [[str(f.account), f.message] for f in behind]))
    if posts:
        newmedia.charts.append(bar_chart(_("Posts by platform"),
                                         [(r[0], r[5]) for r in platform_rows], unit=_(" posts")))
    sections.append(newmedia)

    # Requests.
    def request_row(model, label):
        agg = model.objects.filter(site=site, requested_at__gte=lo, requested_at__lt=hi).aggregate(
            filed=Count("id"), approved=Count("id", filter=Q(state=RequestState.APPROVED)),
            rejected=Count("id", filter=Q(state=RequestState.REJECTED)),
            waiting=Count("id", filter=Q(state=RequestState.SUBMITTED)))
        return [label, agg["filed"], agg["approved"], agg["rejected"], agg["waiting"]]

    sections.append(Section(_("Requests"), tables=[_table(
        _("Requests filed by departments"), [_("Kind"), _("Filed"), _("Approved"), _("Rejected"), _("Waiting")],
        [request_row(ColumnChangeRequest, _("Column change requests")), request_row(RevampRequest, _("Revamp requests"))],
        numeric=range(1, 5))]))

    sections.append(Section(_("Availability"), notes=[_("Not recorded: no availability probe results are held yet.")]))

    empty = not (published_total or stats.total.submitted or stats.total.adopted or any(
        c["n_items"] for c in checks.values()) or (messages and messages["received"]) or vac["opened"] or posts)
    return ReportDocument("annual", _("%(site)s: website work report %(year)s") % {"site": site.name, "year": year},
                          site, period, sections, empty)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

REPORTS_QUARTERLY = (quarterly_bulletin, spot_check_report)
REPORTS_ANNUAL = (annual_work_report, best_liaison_ranking)
BUILDERS = {"bulletin": quarterly_bulletin, "spotcheck": spot_check_report, "ranking": best_liaison_ranking,
            "annual": annual_work_report}
QUARTERLY_KINDS = frozenset({"bulletin", "spotcheck"})


def build(kind, site, year, quarter=None):
    builder = BUILDERS[kind]
    return builder(site, year, quarter) if kind in QUARTERLY_KINDS else builder(site, year)


def render_csv(documents):
    """UTF-8 text starting with a BOM (so spreadsheet programs read the Chinese), tables one
    after another, each under a title row; CRLF line ends."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for document in documents:
        writer.writerow([document.title])
        writer.writerow([_("Period"), f"{document.period.start:%Y-%m-%d}", f"{document.period.end:%Y-%m-%d}"])
        for section in document.sections:
            for table in section.tables:
                writer.writerow([])
                writer.writerow([f"{section.title} · {table.title}"])
                writer.writerow(table.headers)
                writer.writerows(table.rows)
                if table.footer:
                    writer.writerow(table.footer)
            for note in section.notes:
                writer.writerow([])
                writer.writerow([f"{section.title} · {note}"])
        writer.writerow([])
    return out.getvalue()


CSS_PATH = Path(__file__).resolve().parent / "static" / "liaisons" / "reports.css"


def render_html(documents, *, css_url=None, request=None):
    """A complete HTML document (the print view and the command's output). With ``css_url``
    the style sheet is linked (the admin host's CSP forbids inline style); without, it is
    embedded so the file stands alone."""
    context = {"documents": documents, "css_url": css_url,
               "inline_css": None if css_url else CSS_PATH.read_text(encoding="utf-8"),
               "generated_at": timezone.now()}
    return render_to_string("liaisons/report_document.html", context, request=request)
