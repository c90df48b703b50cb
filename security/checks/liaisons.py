"""Liaisons and new media (SPEC §8; 000 §6, 003 §6, 004 §17): vacancies past their
replacement deadline, departments with no liaison filed, new-media accounts behind their
update duty. Read through ``django.apps`` so the audit runs (with an information finding)
where the liaisons app is not installed."""
from django.apps import apps

from .registry import ERROR, INFO, SITE, WARNING, register_check

VACANCY_WARN_WORKING_DAYS = 3


def _model(ctx, label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _skipped(ctx, label):
    return ctx.finding(f"检查项 {ctx.spec.code} 未运行：未安装 {label}。", severity=INFO, code="audit.check_skipped",
                       data={"check": ctx.spec.code, "model": label})


@register_check(code="liaisons.vacancy_overdue", severity=ERROR, scope=SITE,
                title="Liaison vacancies past their replacement deadline")
def vacancies(ctx):
    Vacancy = _model(ctx, "liaisons.Vacancy")
    if Vacancy is None:
        yield _skipped(ctx, "liaisons.Vacancy")
        return
    rows = (Vacancy.objects.filter(filled_by__isnull=True, site_id__in=ctx.site_ids).order_by("site_id", "deadline")
            .values_list("pk", "site_id", "department__name", "opened_on", "deadline", "previous__name")
            .iterator(chunk_size=1000))
    for pk, site_id, department, opened, deadline, previous in rows:
        label = f"{department} 网站联络员空缺"
        if deadline < ctx.today:
            late = ctx.calendar.working_days_between(deadline, ctx.today)
            yield ctx.finding(f"{department}的网站联络员（原 {previous}）于 {opened:%Y-%m-%d} 离岗，应在 "
                              f"{deadline:%Y-%m-%d} 前备案接替人员，已逾期 {late} 个工作日。",
                              fix="部门尽快指定新的网站联络员并向网站管理办公室备案。", site=site_id,
                              object_type="liaisons.Vacancy", object_id=pk, object_repr=label,
                              data={"deadline": deadline, "late_working_days": late})
        else:
            left = ctx.calendar.working_days_between(ctx.today, deadline)
            if left <= VACANCY_WARN_WORKING_DAYS:
                yield ctx.finding(f"{department}的网站联络员空缺须在 {deadline:%Y-%m-%d} 前补齐（还剩 {left} 个工作日）。",
                                  fix="部门尽快指定新的网站联络员并备案。", site=site_id, severity=WARNING,
                                  object_type="liaisons.Vacancy", object_id=pk, object_repr=label,
                                  data={"deadline": deadline, "working_days_left": left})


@register_check(code="liaisons.no_liaison", severity=WARNING, scope=SITE,
                title="Departments without a liaison filed")
def departments_without_liaison(ctx):
    Liaison, Vacancy = _model(ctx, "liaisons.Liaison"), _model(ctx, "liaisons.Vacancy")
    if Liaison is None or Vacancy is None:
        yield _skipped(ctx, "liaisons.Liaison")
        return
    from cms.models import Department

    active = Liaison.objects.filter(left_on__isnull=True).values("department_id")
    vacant = Vacancy.objects.filter(filled_by__isnull=True).values("department_id")
    rows = (Department.objects.filter(site_id__in=ctx.site_ids).exclude(pk__in=active).exclude(pk__in=vacant)
            .order_by("site_id", "order", "pk").values_list("pk", "site_id", "name"))
    for pk, site_id, name in rows:
        yield ctx.finding(f"{name}尚未备案网站联络员。", fix="每个部门指定至少一名网站联络员并备案（000 §6）。",
                          site=site_id, object_type="cms.Department", object_id=pk, object_repr=name)


@register_check(code="liaisons.newmedia_duty", severity=WARNING, scope=SITE,
                title="New-media accounts behind their update duty")
def newmedia_duty(ctx):
    if _model(ctx, "liaisons.NewMediaAccount") is None:
        yield _skipped(ctx, "liaisons.NewMediaAccount")
        return
    try:
        from liaisons.selectors import newmedia_duty_findings
    except ImportError:
        yield _skipped(ctx, "liaisons.selectors.newmedia_duty_findings")
        return
    wanted = set(ctx.site_ids)
    for duty in newmedia_duty_findings(as_of=ctx.today):
        account = duty.account
        if account.site_id not in wanted:
            continue
        yield ctx.finding(f"政务新媒体账号“{account}”未履行更新义务：{duty.message}",
                          fix="按 004 §17 的要求更新（14 天内至少一条；微博每个工作日；微信订阅号每月不少于 8 条、"
                              "服务号不少于 4 条），或按程序关停注销。",
                          site=account.site_id, obj=account, data={"duty": duty.code})
