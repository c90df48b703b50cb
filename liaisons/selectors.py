"""Reads of the liaisons app: who may do what, the contribution statistics, the new-media
update duty, the spot-check sample. Figures are computed with grouped aggregate queries, so
the number of queries never grows with the number of departments, liaisons, slips or posts.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
import random
import statistics

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import (
    Column, Department, DepartmentGroupObjectPermission, DepartmentUserObjectPermission, Site,
    SiteGroupObjectPermission, SitePolicy, SiteUserObjectPermission,
)
from cms.selectors import sites_with_perm
from cms.workdays import WorkCalendar

from .models import (
    AccountState, HonorariumRate, Liaison, NewMediaAccount, NewMediaPost, Platform, SpotCheck, Vacancy,
)


# --------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------

def managed_sites(user):
    """Sites on which ``user`` is site manager (``manage_site``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Site.objects.none()
    return sites_with_perm(user, "manage_site")


def manages_site(user, site):
    return managed_sites(user).filter(pk=getattr(site, "pk", site)).exists()


def heads_department(user, department):
    """Department head: holds ``review_department`` on the department (directly or through a group)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    direct = DepartmentUserObjectPermission.objects.filter(
        user=user, permission__codename="review_department", content_object_id=department.pk)
    via_group = DepartmentGroupObjectPermission.objects.filter(
        group__user=user, permission__codename="review_department", content_object_id=department.pk)
    return direct.exists() or via_group.exists()


def active_liaison(department):
    return Liaison.objects.filter(department=department, left_on__isnull=True).first()


def liaison_departments(user):
    """Departments whose active liaison is ``user``."""
    return Department.objects.filter(liaisons__user=user, liaisons__left_on__isnull=True)


def site_policy(site):
    """The site's policy; the SPEC §5 defaults if the site has none yet (never written here)."""
    try:
        return site.policy
    except SitePolicy.DoesNotExist:
        return SitePolicy(site=site)


def holders_of(codename, model, ids):
    """``{object id: {user id, ...}}`` of the users holding the object permission ``codename``
    on the given Sites or Departments, directly or through a group. Two queries."""
    ids = list(ids)
    user_model, group_model = {
        Site: (SiteUserObjectPermission, SiteGroupObjectPermission),
        Department: (DepartmentUserObjectPermission, DepartmentGroupObjectPermission),
    }[model]
    held = defaultdict(set)
    if not ids:
        return held
    for object_id, user_id in user_model.objects.filter(
            permission__codename=codename, content_object_id__in=ids).values_list("content_object_id", "user_id"):
        held[object_id].add(user_id)
    for object_id, user_id in group_model.objects.filter(
            permission__codename=codename, content_object_id__in=ids, group__user__isnull=False
    ).values_list("content_object_id", "group__user"):
        held[object_id].add(user_id)
    return held


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A span of calendar days, both ends included, in the site's local time."""

    start: date
    end: date
    label: str = ""

    @property
    def bounds(self):
        """Aware datetimes ``[start 00:00, day after end 00:00)`` in the current time zone."""
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=tz),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz))

    def is_future(self, today=None):
        return self.start > (today or timezone.localdate())


def quarter_period(year, quarter):
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1–4")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) - timedelta(days=1) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
    return Period(start, end, _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter})


def year_period(year):
    return Period(date(year, 1, 1), date(year, 12, 31), _("Year %(year)s") % {"year": year})


def month_period(year, month):
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(date(year, month, 1), nxt - timedelta(days=1), f"{year}-{month:02d}")


# --------------------------------------------------------------------------------------
# Contribution statistics (000 §10, §20; 003 §14)
# --------------------------------------------------------------------------------------

def _slip_models():
    from publishing.models import ApprovalSlip, SlipDecision
    from publishing.workflow import TRANSITIONS, SlipState

    returns = sorted(t.name for t in TRANSITIONS.values() if t.target == SlipState.RETURNED)
    # The decision that ends a review: a signed publish/schedule or a return.
    final = sorted(t.name for t in TRANSITIONS.values()
                   if t.signs and t.target in (SlipState.RETURNED, SlipState.PUBLISHED, SlipState.SCHEDULED))
    return ApprovalSlip, SlipDecision, SlipState, returns, final


@dataclass
class Figures:
    submitted: int = 0
    adopted: int = 0
    returned: int = 0
    review_days: list = field(default_factory=list)
    adopted_by_kind: dict = field(default_factory=lambda: defaultdict(int))
    honorarium: Decimal = Decimal("0.00")

    @property
    def median_review_days(self):
        return statistics.median(self.review_days) if self.review_days else None

    @property
    def adoption_rate(self):
        """Adopted per submitted in the period, as a percentage (None without submissions)."""
        return round(100 * self.adopted / self.submitted, 1) if self.submitted else None

    def add(self, other):
        self.submitted += other.submitted
        self.adopted += other.adopted
        self.returned += other.returned
        self.review_days.extend(other.review_days)
        for kind, n in other.adopted_by_kind.items():
            self.adopted_by_kind[kind] += n
        self.honorarium += other.honorarium


@dataclass
class DepartmentRow:
    department: Department
    liaison_name: str
    figures: Figures


@dataclass
class LiaisonRow:
    liaison: Liaison
    department_name: str
    figures: Figures
    rank: int = 0


@dataclass
class ContributionStats:
    site: Site
    period: Period
    departments: list
    liaisons: list
    total: Figures
    rates: dict
    uncovered_years: list


def contribution_stats(site, period):
    """Per department and per liaison of ``site`` for ``period``:

    * submitted — slips submitted in the period;
    * adopted — slips published in the period (honorarium due at the site's rate for the
      article's kind);
    * returned — slips returned in the period (at any stage);
    * median review time — working days from submit to the decision that ended the review
      (signed publish/schedule, or return), for reviews that ended in the period.

    A liaison's figures are the slips they submitted themselves for their department; the
    liaisons listed are those whose filing overlaps the period. Nine queries, whatever the
    numbers of departments and slips.
    """
    ApprovalSlip, SlipDecision, SlipState, returns, final = _slip_models()
    lo, hi = period.bounds
    by_key = defaultdict(Figures)  # (department_id, user_id) -> Figures

    for dept_id, user_id, n in (ApprovalSlip.objects.filter(site=site, submitted_at__gte=lo, submitted_at__lt=hi)
                                .values_list("department_id", "submitted_by_id").annotate(n=Count("id"))
                                .order_by()):
        by_key[dept_id, user_id].submitted += n

    for dept_id, user_id, kind, n in (
            ApprovalSlip.objects.filter(site=site, state=SlipState.PUBLISHED, published_at__gte=lo, published_at__lt=hi)
            .values_list("department_id", "submitted_by_id", "article__kind").annotate(n=Count("id")).order_by()):
        by_key[dept_id, user_id].adopted += n
        by_key[dept_id, user_id].adopted_by_kind[kind] += n

    for dept_id, user_id, n in (
            SlipDecision.objects.filter(slip__site=site, transition__in=returns, at__gte=lo, at__lt=hi)
            .values_list("slip__department_id", "slip__submitted_by_id").annotate(n=Count("slip_id", distinct=True))
            .order_by()):
        by_key[dept_id, user_id].returned += n

    pairs = list(
        SlipDecision.objects.filter(slip__site=site, transition__in=final)
        .values("slip_id", "slip__submitted_at", "slip__department_id", "slip__submitted_by_id")
        .annotate(decided=Max("at")).filter(decided__gte=lo, decided__lt=hi).order_by()
        .values_list("slip__department_id", "slip__submitted_by_id", "slip__submitted_at", "decided")
    )
    uncovered = []
    if pairs:
        local = [(d, u, timezone.localdate(s), timezone.localdate(x)) for d, u, s, x in pairs]
        years = [day.year for *_ids, s, x in local for day in (s, x)]
        calendar = WorkCalendar.load(min(years) - 1, max(years) + 1)
        for dept_id, user_id, submitted, decided in local:
            by_key[dept_id, user_id].review_days.append(calendar.working_days_between(submitted, decided))
        uncovered = calendar.uncovered_years

    rates = {kind: amount for kind, amount in HonorariumRate.objects.filter(site=site).values_list("kind", "amount")}
    for figures in by_key.values():
        figures.honorarium = sum((rates.get(kind, Decimal("0")) * n for kind, n in figures.adopted_by_kind.items()),
                                 Decimal("0.00"))

    departments = list(Department.objects.filter(site=site).order_by("order", "id"))
    liaisons = list(
        Liaison.objects.filter(site=site, filed_on__lte=period.end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=period.start))
        .select_related("department").order_by("department__order", "department_id", "-filed_on", "-id")
    )
    dept_figures = defaultdict(Figures)
    for (dept_id, _user_id), figures in by_key.items():
        dept_figures[dept_id].add(figures)
    current = {}
    for liaison in liaisons:
        current.setdefault(liaison.department_id, liaison)  # newest filing in the period first
    dept_rows = [DepartmentRow(d, current[d.pk].name if d.pk in current else "", dept_figures[d.pk])
                 for d in departments]
    seen, liaison_rows = set(), []
    for liaison in liaisons:
        key = (liaison.department_id, liaison.user_id)
        if key in seen:  # the same person filed twice for one department: one row
            continue
        seen.add(key)
        liaison_rows.append(LiaisonRow(liaison, liaison.department.name, by_key.get(key) or Figures()))
    total = Figures()
    for figures in by_key.values():
        total.add(figures)
    return ContributionStats(site, period, dept_rows, liaison_rows, total, rates, uncovered)


def liaison_ranking(site, year):
    """The best-liaison ranking of a year (000 §20: 按年评选优秀网站联络员): liaisons ordered
    by items adopted, then submitted, then the shorter median review time. Equal figures
    share a rank (1, 2, 2, 4)."""
    stats = contribution_stats(site, year_period(year))

    def key(row):
        median = row.figures.median_review_days
        return (-row.figures.adopted, -row.figures.submitted, median if median is not None else float("inf"))

    rows = sorted(stats.liaisons, key=lambda r: (key(r), r.liaison.name))
    previous = None
    for position, row in enumerate(rows, start=1):
        row.rank = previous[1] if previous and previous[0] == key(row) else position
        previous = (key(row), row.rank)
    stats.liaisons = rows
    return stats


# --------------------------------------------------------------------------------------
# Vacancies
# --------------------------------------------------------------------------------------

def open_vacancies(site=None):
    qs = Vacancy.objects.filter(filled_by__isnull=True).select_related("department", "site", "previous")
    return qs.filter(site=site) if site is not None else qs


def departments_without_liaison(site):
    active = Liaison.objects.filter(site=site, left_on__isnull=True).values("department_id")
    return Department.objects.filter(site=site).exclude(pk__in=active)


# --------------------------------------------------------------------------------------
# New-media update duty (SPEC §5, 004 §17)
# --------------------------------------------------------------------------------------

@dataclass
class DutyFinding:
    account: NewMediaAccount
    code: str  # "stale" | "weibo_gap" | "monthly"
    message: str


def newmedia_duty_findings(site=None, *, as_of=None):
    """Accounts behind their update duty on ``as_of`` (default today):

    * every account: a post within ``SitePolicy.newmedia_update_days`` days;
    * Weibo: a post on each working day of that window;
    * WeChat subscription/service accounts: the required number of posts in the last
      complete calendar month (8 / 4 by default).

    Only open accounts are checked, and only for days after they opened. Four queries.
    """
    as_of = as_of or timezone.localdate()
    month_end = as_of.replace(day=1) - timedelta(days=1)
    last_month = month_period(month_end.year, month_end.month)
    m_lo, m_hi = last_month.bounds
    accounts = NewMediaAccount.objects.filter(state=AccountState.OPEN, opened_on__lte=as_of)
    if site is not None:
        accounts = accounts.filter(site=site)
    accounts = list(
        accounts.select_related("site__policy", "department")
        .annotate(last_post=Max("posts__published_at", filter=Q(posts__published_at__lt=_day_start(as_of + timedelta(days=1)))),
                  month_posts=Count("posts", filter=Q(posts__published_at__gte=m_lo, posts__published_at__lt=m_hi)))
        .order_by("site__order", "site_id", "platform", "name")
    )
    if not accounts:
        return []
    policies = {a.site_id: site_policy(a.site) for a in accounts}
    longest = max(p.newmedia_update_days for p in policies.values())
    window_start = as_of - timedelta(days=longest)
    weibo_ids = [a.pk for a in accounts if a.platform == Platform.WEIBO]
    posted_days = defaultdict(set)
    if weibo_ids:
        for account_id, day in (NewMediaPost.objects.filter(account_id__in=weibo_ids,
                                                            published_at__gte=_day_start(window_start),
                                                            published_at__lt=_day_start(as_of))
                                .annotate(day=TruncDate("published_at")).values_list("account_id", "day").distinct()):
            posted_days[account_id].add(day)
    calendar = WorkCalendar.load(window_start.year - 1, as_of.year + 1) if weibo_ids else None

    findings = []
    for account in accounts:
        policy = policies[account.site_id]
        days = policy.newmedia_update_days
        last = timezone.localdate(account.last_post) if account.last_post else None
        since = last or account.opened_on
        idle = (as_of - since).days
        if idle > days:
            message = (_("No post for %(days)s days (last on %(date)s); the duty is one within %(limit)s days.")
                       if last else _("No post recorded since it opened %(days)s days ago; the duty is one within "
                                      "%(limit)s days."))
            findings.append(DutyFinding(account, "stale", message % {"days": idle, "date": last, "limit": days}))
        if account.platform == Platform.WEIBO:
            first = max(as_of - timedelta(days=days), account.opened_on)
            missing = [day for day in (first + timedelta(days=n) for n in range((as_of - first).days))
                       if calendar.is_workday(day) and day not in posted_days[account.pk]]
            if missing:
                findings.append(DutyFinding(account, "weibo_gap", _(
                    "%(count)s working days without a post in the last %(window)s days (e.g. %(first)s); Weibo "
                    "should post each working day.") % {"count": len(missing), "window": days, "first": missing[0]}))
        required = {Platform.WECHAT_SUBSCRIPTION: policy.wechat_subscription_monthly,
                    Platform.WECHAT_SERVICE: policy.wechat_service_monthly}.get(account.platform)
        if required and account.opened_on <= last_month.start and account.month_posts < required:
            findings.append(DutyFinding(account, "monthly", _(
                "%(count)s posts in %(month)s; at least %(required)s are required.") % {
                "count": account.month_posts, "month": last_month.label, "required": required}))
    return findings


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# --------------------------------------------------------------------------------------
# Spot check sample (001 §二(五)1)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    seed: str
    percent: int
    subsite_population: list
    column_population: list
    subsites: list
    columns: list


def sample_size(population, percent):
    """At least ``percent`` % of ``population``, rounded up (ceil without floats)."""
    return (population * percent + 99) // 100


def spot_check_sample(site, year, quarter):
    """The reproducible sample for a quarter: the same site, year and quarter give the same
    items for the same population, on any machine."""
    percent = site_policy(site).spot_check_percent
    seed = f"{site.code}-{year}-Q{quarter}"
    subsites = sorted(Site.objects.filter(parent=site, is_active=True).values_list("pk", flat=True))
    columns = sorted(Column.objects.filter(site=site).exclude(layout=Column.Layout.LINK).values_list("pk", flat=True))
    rng = random.Random(seed)
    picked_sites = sorted(rng.sample(subsites, sample_size(len(subsites), percent)))
    picked_columns = sorted(rng.sample(columns, sample_size(len(columns), percent)))
    return Sample(seed, percent, subsites, columns, picked_sites, picked_columns)


def spot_checks_of(site, year, quarter=None):
    qs = SpotCheck.objects.filter(site=site, year=year)
    if quarter is not None:
        qs = qs.filter(quarter=quarter)
    return qs


def users_by_id(ids):
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=list(ids), is_active=True)}
